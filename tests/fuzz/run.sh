#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build directory and
# runs each for a bounded time, starting from the committed seed corpora.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 20. Environment: FUZZ_BUILD_DIR (default
# build-fuzz), JOBS (default: number of cores). New corpus entries go to
# $FUZZ_BUILD_DIR/corpus/<target>, crash reproducers to
# $FUZZ_BUILD_DIR/artifacts/. Exits non-zero when any target crashes, leaks,
# times out on one input or hits UB; reproduce with
#   $FUZZ_BUILD_DIR/tests/fuzz/<target>_fuzz <artifact file>
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
seconds=${1:-20}
shift || true
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${JOBS:-$(nproc)}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=()
  for f in tests/fuzz/*_fuzz.cpp; do
    n=$(basename "$f" .cpp)
    # webhook and payload need bot/channels (see CMakeLists.txt beside this script).
    [[ $n == webhook_fuzz && ! -f bot/channels/request_verifiers.cpp ]] && continue
    [[ $n == payload_fuzz && ! -f bot/channels/payloads.cpp ]] && continue
    targets+=("${n%_fuzz}")
  done
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++ -DADVISOR_FUZZ=ON -DADVISOR_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/%/_fuzz}"

mkdir -p "$build_dir/artifacts"
status=0
for t in "${targets[@]}"; do
  work="$build_dir/corpus/$t"
  mkdir -p "$work"
  seeds=tests/fuzz/corpus/$t
  echo "fuzz: $t for ${seconds}s" >&2
  log="$build_dir/$t.log"
  # -rss_limit_mb: the engine holds a few hundred MB with ASan; stop a leak early.
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
       "$build_dir/tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2560 -max_len=16384 -print_final_stats=1 \
       -artifact_prefix="$build_dir/artifacts/${t}-" "$work" "$seeds" >"$log" 2>&1; then
    echo "fuzz: $t FAILED; last lines of $log:" >&2
    tail -n 60 "$log" >&2
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
  echo "fuzz: $t: $runs executions, $cov, $(ls "$work" | wc -l) corpus files" >&2
done
[ $status -eq 0 ] && echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a crash" >&2
exit $status
