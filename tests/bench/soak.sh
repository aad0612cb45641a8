#!/usr/bin/env bash
# Soak test of the advisor (not a CI test: it takes minutes). Starts the
# advisor from BUILD_DIR (a Release build) on an ephemeral port of 127.0.0.1
# and runs three scenarios against it, stopping everything by PID:
#
#   1. steady: CONNECTIONS WebSocket connections held for MINUTES minutes,
#      each sending RATE messages per second (tests/bench/load_gen --rate);
#      one line per minute: messages sent, replies received, errors, p99
#      latency and the server's RSS. Fails when sent != replies at the end,
#      any error, or RSS grew more than 20% from minute 1 to the last.
#   2. slow readers: SLOW clients send as fast as they can and never read
#      (tests/bench/soak_peers.py) for PHASE_SECONDS while 50 probe clients
#      chat at 1 message/s; fails when a probe message is lost or errors.
#   3. connection flood: connects and disconnects for PHASE_SECONDS
#      (full upgrades closed with a reset, bare TCP connects, half-sent
#      upgrade requests) while the probe clients chat; same check.
#   After 2 and 3 it prints the server's RSS (memory must stay bounded).
#
#   tests/bench/soak.sh BUILD_DIR
#
# Environment: MINUTES (10), CONNECTIONS (1000), RATE (1 message/s per
# connection), SLOW (200), PHASE_SECONDS (60), ADVISOR_ARGS (extra flags).
# BUILD_DIR holds `advisor` and tests/load_gen:
#   cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build --target advisor load_gen
# The advisor runs at its defaults (per-connection rate limit 15/s, info
# logs to a file); RATE must stay under its --msg-rate. At the end the
# advisor is stopped with SIGTERM and must exit 0; with a sanitizer build
# (-DADVISOR_SANITIZE=ON) its stderr must hold no report.
set -euo pipefail

[[ $# -eq 1 ]] || { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
build=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
minutes=${MINUTES:-10} connections=${CONNECTIONS:-1000} rate=${RATE:-1}
slow=${SLOW:-200} phase=${PHASE_SECONDS:-60}
advisor_bin=$build/advisor load_bin=$build/tests/load_gen
for b in "$advisor_bin" "$load_bin"; do
  [[ -x $b ]] || { echo "soak.sh: $b is missing; build it first" >&2; exit 2; }
done

tmp=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck disable=SC2086 # ADVISOR_ARGS is split on purpose
"$advisor_bin" --port 0 --bind 127.0.0.1 ${ADVISOR_ARGS:-} >"$tmp/advisor.log" 2>"$tmp/advisor.err" &
pid=$!
pids+=("$pid")
port=
for _ in $(seq 100); do
  port=$(grep -m1 '"event":"listening"' "$tmp/advisor.log" 2>/dev/null | sed -n 's/.*"port":\([0-9]*\).*/\1/p' || true)
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || { echo "soak.sh: the advisor did not start" >&2; cat "$tmp/advisor.err" >&2; exit 1; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status"; }
url=ws://127.0.0.1:$port/ws
status=0

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# advisor pid $pid port $port; RSS at start $(rss) KiB"
echo
echo "## 1. steady: $connections connections, $rate message/s each, $minutes minute(s)"
echo "minute  sent      replies   errors  p99_ms    rss_kib"
"$load_bin" --url "$url" --connections "$connections" --rate "$rate" --warmup 0 \
  --seconds "$((minutes * 60))" --report-every 60 --server-pid "$pid" --label steady \
  >"$tmp/steady.out" 2>&1 || status=1
awk '/^INTERVAL/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                   printf "%-7s %-9s %-9s %-7s %-9s %s\n", v["n"], v["sent"], v["replies"], v["errors"], v["p99_ms"], v["rss_kib"] }' \
  "$tmp/steady.out"
grep -v '^INTERVAL' "$tmp/steady.out" | sed 's/^/  /'
first=$(awk -F'rss_kib=' '/^INTERVAL/ { print $2; exit }' "$tmp/steady.out")
last=$(awk -F'rss_kib=' '/^INTERVAL/ { v = $2 } END { print v }' "$tmp/steady.out")
if [[ -n $first && -n $last ]] && ((last * 100 > first * 120)); then
  echo "soak.sh: RSS grew from $first KiB (minute 1) to $last KiB (last minute)" >&2
  status=1
fi
grep -q 'ok=1' "$tmp/steady.out" || { echo "soak.sh: steady phase lost messages or saw errors" >&2; status=1; }

# probe LABEL: 50 connections at 1 message/s for the phase, every message checked.
probe() {
  "$load_bin" --url "$url" --connections 50 --rate 1 --warmup 0 --seconds "$phase" \
    --report-every 10 --server-pid "$pid" --label "$1" >"$tmp/$1.out" 2>&1 &
  probe_pid=$!
  pids+=("$probe_pid")
}
probe_report() {
  local ok=0
  wait "$probe_pid" || ok=1
  grep '^INTERVAL' "$tmp/$1.out" | sed 's/^/  /'
  grep -v '^INTERVAL' "$tmp/$1.out" | sed 's/^/  /'
  if ((ok != 0)); then echo "soak.sh: $1: the probe clients lost messages or saw errors" >&2; status=1; fi
}

echo
echo "## 2. slow readers: $slow clients that send and never read, ${phase}s, 50 probe clients at 1 message/s"
rss_before=$(rss)
probe slow-probe
python3 "$here/soak_peers.py" slow-readers --port "$port" --connections "$slow" --seconds "$phase" \
  >"$tmp/slow.out" 2>&1 || status=1
peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
probe_report slow-probe
sed 's/^/  /' "$tmp/slow.out"
echo "  server RSS: $rss_before KiB before, $(rss) KiB after (peak so far $peak KiB)"

echo
echo "## 3. connection flood: ${phase}s of connects and disconnects, 50 probe clients at 1 message/s"
rss_before=$(rss)
probe flood-probe
python3 "$here/soak_peers.py" flood --port "$port" --seconds "$phase" >"$tmp/flood.out" 2>&1 || status=1
probe_report flood-probe
sed 's/^/  /' "$tmp/flood.out"
sleep 2
echo "  server RSS: $rss_before KiB before, $(rss) KiB 2 s after the flood"
if ! kill -0 "$pid" 2>/dev/null; then echo "soak.sh: the advisor died" >&2; status=1; fi
# A clean stop: exit status 0 and, with a sanitizer build, no report.
kill -TERM "$pid" 2>/dev/null || true
advisor_status=0
wait "$pid" || advisor_status=$?
if ((advisor_status != 0)) || grep -qE 'Sanitizer|runtime error' "$tmp/advisor.err"; then
  echo "soak.sh: the advisor exited with status $advisor_status; its stderr:" >&2
  tail -n 80 "$tmp/advisor.err" >&2
  status=1
fi
echo
echo "SOAK ok=$((status == 0 ? 1 : 0))"
exit $status
