#!/usr/bin/env bash
# The WebSocket benchmark: the advisor against a bare Beast echo server
# built the same way (tests/bench/echo_server.cpp), measured in the same run
# on the same machine. Builds nothing.
#
#   tests/bench/run.sh BUILD_DIR [--seconds 5] [--warmup 1] [--connections 50]
#                      [--rounds 2] [--idle 10000] [--load-threads 1]
#                      [--server-threads N] [--advisor-args '--log-level warn ...']
#                      [--load-args '--unique' | '--rate 20000']
#
# BUILD_DIR holds `advisor` and tests/{echo_server,load_gen,idle_conns}:
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build --target advisor echo_server load_gen idle_conns
#
# It starts both servers on ephemeral ports of 127.0.0.1 (the advisor with
# --msg-rate 0: its per-connection rate limit, 15 messages/s by default,
# would otherwise answer a closed loop with rate_limited errors; otherwise
# its defaults, info logs included, written to a file; --server-threads N
# gives both servers N I/O threads, else each uses one per core), runs the closed-loop
# load against each in turn (`rounds` times, echo then advisor, so the
# ratio of each round compares runs seconds apart), then restarts both and
# opens `idle` idle connections to each, reading the server's RSS before
# and after. Prints a table (server CPU/reply: the server's CPU
# time over the measured window divided by the replies in it); stops the
# servers by PID. Exit status 1 when any run saw an error (a lost, extra or
# error reply; a connection that failed).
set -euo pipefail

usage() {
  sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[[ $# -ge 1 ]] || usage
build=$1
shift
seconds=5 warmup=1 connections=50 rounds=2 idle=10000 load_threads=1 advisor_args= load_args= server_threads=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2 ;;
    --warmup) warmup=$2 ;;
    --connections) connections=$2 ;;
    --rounds) rounds=$2 ;;
    --idle) idle=$2 ;;
    --load-threads) load_threads=$2 ;;
    --server-threads) server_threads=$2 ;;
    --advisor-args) advisor_args=$2 ;;
    --load-args) load_args=$2 ;;
    *) usage ;;
  esac
  shift 2
done

advisor_bin=$build/advisor
echo_bin=$build/tests/echo_server
load_bin=$build/tests/load_gen
idle_bin=$build/tests/idle_conns
for b in "$advisor_bin" "$echo_bin" "$load_bin" "$idle_bin"; do
  [[ -x $b ]] || { echo "run.sh: $b is missing; build it first (see the header of $0)" >&2; exit 2; }
done

tmp=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Descriptors: the servers raise their soft limit to the hard limit; so do
# the load tools. Say so when the hard limit is too low for the idle test.
hard=$(ulimit -Hn)
if [[ $hard != unlimited && $idle -gt 0 && $((idle + 64)) -gt $hard ]]; then
  echo "run.sh: ulimit -Hn is $hard, too low for $idle idle connections; lowering to $((hard - 64))" >&2
  idle=$((hard - 64))
fi

# start NAME LOGFILE CMD...: starts a server, waits (bounded) for its JSON
# "listening" line and sets $port and $pid.
start() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>"$log.err" &
  pid=$!
  pids+=("$pid")
  port=
  for _ in $(seq 100); do
    port=$(grep -m1 '"event":"listening"' "$log" 2>/dev/null | sed -n 's/.*"port":\([0-9]*\).*/\1/p' || true)
    [[ -n $port ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: $name did not start:" >&2
  cat "$log" "$log.err" >&2
  exit 1
}

start_servers() {
  start echo_server "$tmp/echo.log" "$echo_bin" --port 0 --bind 127.0.0.1 --threads "$server_threads"
  echo_pid=$pid echo_port=$port
  # The advisor logs one info line per reply (its default); the log goes to
  # a file, as it would in production.
  # shellcheck disable=SC2086 # advisor_args is split on purpose
  start advisor "$tmp/advisor.log" "$advisor_bin" --port 0 --bind 127.0.0.1 --msg-rate 0 --threads "$server_threads" $advisor_args
  advisor_pid=$pid advisor_port=$port
}
stop_servers() {
  local p
  for p in "$echo_pid" "$advisor_pid"; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
start_servers

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# echo_server pid $echo_pid port $echo_port; advisor pid $advisor_pid port $advisor_port (--msg-rate 0 $advisor_args)"
echo "# load_gen ${load_args:-(closed loop, the usual mix)}: $connections connections, ${warmup}s warm-up + ${seconds}s measured, load_gen threads $load_threads, $rounds round(s)"

status=0
results=$tmp/results
: >"$results"

load() {
  local label=$1 port=$2 server_pid=$3
  if ! "$load_bin" --url "ws://127.0.0.1:$port/ws" --connections "$connections" --seconds "$seconds" \
      --warmup "$warmup" --threads "$load_threads" --label "$label" --server-pid "$server_pid" $load_args \
      >"$tmp/load.out" 2>&1; then
    status=1
  fi
  sed 's/^/  /' "$tmp/load.out" | grep -v RESULT || true
  grep '^RESULT' "$tmp/load.out" >>"$results" || { echo "run.sh: load_gen $label printed no result" >&2; status=1; }
}
for round in $(seq "$rounds"); do
  load "echo.$round" "$echo_port" "$echo_pid"
  load "advisor.$round" "$advisor_port" "$advisor_pid"
done

# Idle memory last, on a fresh pair of servers: memory freed by the load's
# connections would otherwise be reused and flatter the figure, and 10,000
# leftover sessions would weigh on the load runs.
if [[ $idle -gt 0 ]]; then
  stop_servers
  start_servers
  for which in echo advisor; do
    if [[ $which == echo ]]; then p=$echo_port; id=$echo_pid; else p=$advisor_port; id=$advisor_pid; fi
    "$idle_bin" --url "ws://127.0.0.1:$p/ws" --pid "$id" --connections "$idle" --label "idle.$which" \
      >"$tmp/idle.out" 2>&1 || status=1
    sed 's/^/  /' "$tmp/idle.out" | grep -v RESULT || true
    grep '^RESULT' "$tmp/idle.out" >>"$results" || true
  done
fi


echo
awk '
  function field(name,   i, kv) {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
    return ""
  }
  /^RESULT/ {
    label = field("label")
    split(label, part, ".")
    if (part[1] == "idle") { idle[part[2]] = field("kib_per_conn"); idle_n[part[2]] = field("connections"); next }
    r = part[2]; if (r > rounds) rounds = r
    rps[part[1], r] = field("rps"); p50[part[1], r] = field("p50_us"); p99[part[1], r] = field("p99_us")
    p999[part[1], r] = field("p999_us"); err[part[1], r] = field("errors"); cpu[part[1], r] = field("server_cpu_us")
  }
  END {
    printf "%-6s %-8s %10s %9s %9s %9s %7s %13s %13s\n", "round", "server", "replies/s", "p50 ms", "p99 ms", "p99.9 ms",
           "errors", "server CPU/reply", "advisor/echo"
    for (r = 1; r <= rounds; r++) {
      for (s = 0; s < 2; s++) {
        name = s == 0 ? "echo" : "advisor"
        ratio = ""
        if (name == "advisor" && rps["echo", r] > 0) ratio = sprintf("%.1f%%", 100 * rps["advisor", r] / rps["echo", r])
        printf "%-6s %-8s %10s %9.3f %9.3f %9.3f %7s %13.1f us %13s\n", r, name, rps[name, r], p50[name, r] / 1000,
               p99[name, r] / 1000, p999[name, r] / 1000, err[name, r], cpu[name, r], ratio
      }
    }
    for (s = 0; s < 2; s++) {
      name = s == 0 ? "echo" : "advisor"
      if (name in idle) printf "idle   %-8s %s connections: %s KiB RSS per connection\n", name, idle_n[name], idle[name]
    }
  }' "$results"
exit $status
