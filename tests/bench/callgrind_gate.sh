#!/usr/bin/env bash
# The speed gate that noise cannot fool: instructions per reply, counted by
# valgrind's callgrind (deterministic for the same binary and input, whatever
# else the machine does), compared with the budget in
# tests/bench/gate/budget.txt.
#
#   tests/bench/callgrind_gate.sh BUILD_DIR [--update]
#
# Two measurements over the fixed script tests/bench/gate/script.txt:
#   engine  build/tests/engine_instructions: the engine alone (script answered
#           once to warm up, then 3 times counted);
#   server  build/advisor under callgrind, driven over loopback by
#           build/advisor-client --script (one warm-up pass, statistics zeroed
#           with callgrind_control, one counted pass): the whole server path,
#           WebSocket framing, JSON, sessions, metrics and logs included.
# Fails (exit 1) when either costs more than 10% above its budget. A change
# that is meant to cost more updates the budget in the same commit:
# `--update` rewrites budget.txt with today's figures. Needs valgrind.
set -euo pipefail

[[ $# -ge 1 ]] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
build=$(cd "$1" && pwd)
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
script=$here/gate/script.txt
budget=$here/gate/budget.txt
tolerance=1.10
command -v valgrind >/dev/null || { echo "callgrind_gate: valgrind is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The instruction total of the last dump in a callgrind output file.
totals() { awk '/^(summary|totals):/{n=$2} END{print n+0}' "$@"; }

# 1. The engine alone.
valgrind --tool=callgrind --callgrind-out-file="$tmp/engine.out" \
  "$build/tests/engine_instructions" "$top/rules" "$top/knowledge" "$script" --repeat 3 \
  >"$tmp/engine.log" 2>"$tmp/engine.err" || { cat "$tmp/engine.err" >&2; exit 1; }
engine_replies=$(awk '/^replies/{print $2}' "$tmp/engine.log")
engine_ir=$(totals $(ls "$tmp"/engine.out* | sort | tail -n 1))
[[ $engine_replies -gt 0 && $engine_ir -gt 0 ]] || { echo "callgrind_gate: no engine figures" >&2; exit 1; }

# 2. The whole server path over loopback.
grep -v '^$' "$script" >"$tmp/lines.txt"
valgrind --tool=callgrind --callgrind-out-file="$tmp/server.out" \
  "$build/advisor" --port 0 --bind 127.0.0.1 --threads 1 --msg-rate 0 --log-level info \
  --rules "$top/rules" --knowledge "$top/knowledge" >"$tmp/server.log" 2>"$tmp/server.err" &
server_pid=$!
port=
for _ in $(seq 1 600); do
  port=$(grep -o '"port":[0-9]*' "$tmp/server.log" 2>/dev/null | head -n 1 | cut -d: -f2 || true)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.err" >&2; exit 1; }
  sleep 0.5
done
[[ -n $port ]] || { echo "callgrind_gate: the advisor did not start under valgrind" >&2; exit 1; }
client=("$build/advisor-client" --json --timeout 120 --script "$tmp/lines.txt" "ws://127.0.0.1:$port/ws")
"${client[@]}" >/dev/null            # warm-up pass
callgrind_control -z "$server_pid" >/dev/null 2>&1
"${client[@]}" >"$tmp/client.out"    # counted pass
callgrind_control -d "$server_pid" >/dev/null 2>&1
server_replies=$(grep -c '"type":"reply"' "$tmp/client.out" || true)
server_ir=$(totals $(ls "$tmp"/server.out.* 2>/dev/null | sort -t. -k3 -n | tail -n 1))
[[ $server_replies -gt 0 && $server_ir -gt 0 ]] || { echo "callgrind_gate: no server figures" >&2; exit 1; }

engine_per=$((engine_ir / engine_replies))
server_per=$((server_ir / server_replies))
echo "callgrind_gate: engine $engine_per instructions/reply ($engine_replies replies); server path $server_per instructions/reply ($server_replies replies)"

if [[ $update == --update ]]; then
  printf 'engine %s\nserver %s\n' "$engine_per" "$server_per" >"$budget"
  echo "callgrind_gate: budget updated: $budget"
  exit 0
fi
[[ -f $budget ]] || { echo "callgrind_gate: no budget file $budget (run with --update)" >&2; exit 2; }
status=0
while read -r name allowed; do
  case $name in engine) got=$engine_per ;; server) got=$server_per ;; *) continue ;; esac
  ratio=$(awk -v g="$got" -v a="$allowed" 'BEGIN{printf "%.3f", g / a}')
  if awk -v r="$ratio" -v t="$tolerance" 'BEGIN{exit !(r > t)}'; then
    echo "callgrind_gate: FAIL $name: $got instructions/reply is $ratio x the budget $allowed (limit ${tolerance}x)" >&2
    status=1
  else
    echo "callgrind_gate: ok $name: $got instructions/reply, $ratio x the budget $allowed"
  fi
done <"$budget"
exit $status
