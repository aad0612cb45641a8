#!/usr/bin/env bash
# One-command set-up for the TPM-vs-PM advisor on Debian 12.
#
#   deploy/setup.sh run    install what is missing, build (Release), start the advisor
#   deploy/setup.sh test   install what is missing, build, run the whole test suite
#                          (with CI=true also under ASan+UBSan, and the fuzzers)
#   deploy/setup.sh deps   only install the Debian packages
#   deploy/setup.sh build  only build
#
# Works as root or as a normal user with sudo. Environment:
#   BUILD_DIR (default: build), ADVISOR_PORT (default 8080), ADVISOR_BIND
#   (default 127.0.0.1 for `run`), JOBS (default: number of cores).
#   `test` only: ADVISOR_SANITIZE_TESTS=1 (default with CI=true) also builds
#   build-asan (-DADVISOR_SANITIZE=ON) and runs the suite there;
#   ADVISOR_FUZZ_TESTS=1 (default with CI=true) runs tests/fuzz/run.sh for
#   FUZZ_SECONDS (default 20) per target.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}

runtime_pkgs=(libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libre2-dev libssl-dev
              libedit-dev libhiredis-dev cmake ninja-build g++ pkg-config)
# The deployment tests run real nginx (with an openssl-made certificate),
# systemd-analyze on the unit and PyYAML on the manifests; the session store
# tests a real redis-server.
test_pkgs=(catch2 nginx-light openssl systemd python3 python3-yaml redis-server)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# The widget's browser tests: Debian's chromium, and playwright-core from npm
# (tests/browser/package-lock.json; it needs Node.js 20 or later, which the
# machines have; Debian's nodejs is the fallback when node is missing).
install_browser_test_deps() {
  install_deps chromium
  command -v npm >/dev/null 2>&1 || install_deps nodejs npm
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
}

build() {
  local extra=()
  [ "${CI:-}" = "true" ] && extra+=(-DADVISOR_WERROR=ON)
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${extra[@]}" "$@"
  cmake --build "$build_dir" -j "$jobs"
}

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer
# (LeakSanitizer included). -O1 -g1 keeps the build and the run fast enough
# for CI. Left out here: browser.widget (Chromium drives the widget's
# JavaScript; the server side it reaches is covered by the e2e cases, and the
# browser dominates its minute-long run) and deploy.systemd_unit and
# deploy.files (static checks of files that run no project code). The [deploy]
# Catch2 cases (nginx in front of the sanitized advisor) do run.
sanitize_tests() {
  local dir=${ASAN_BUILD_DIR:-build-asan}
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
        -DADVISOR_SANITIZE=ON
  cmake --build "$dir" -j "$jobs" --target advisor advisor-client advisor_tests
  echo "setup: running the test suite under ASan+UBSan ($dir)" >&2
  (cd "$dir" && ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j "$jobs" -LE browser -E '^deploy\.(systemd_unit|files)$')
}

case "${1:-}" in
  deps)
    install_deps "${runtime_pkgs[@]}" "${test_pkgs[@]}"
    ;;
  build)
    install_deps "${runtime_pkgs[@]}" "${test_pkgs[@]}"
    build
    ;;
  run)
    install_deps "${runtime_pkgs[@]}"
    build -DADVISOR_BUILD_TESTS=OFF
    "$build_dir/advisor" --check --rules rules --knowledge knowledge
    port=${ADVISOR_PORT:-8080}
    bind=${ADVISOR_BIND:-127.0.0.1}
    echo "setup: starting the advisor on http://$bind:$port  (WebSocket ws://$bind:$port/ws)" >&2
    echo "setup: chat with it from another terminal: $build_dir/advisor-client ws://$bind:$port/ws" >&2
    exec "$build_dir/advisor" --port "$port" --bind "$bind" --rules rules --knowledge knowledge
    ;;
  test)
    install_deps "${runtime_pkgs[@]}" "${test_pkgs[@]}"
    install_browser_test_deps
    build
    "$build_dir/advisor" --check --rules rules --knowledge knowledge
    (cd "$build_dir" && ctest --output-on-failure -j "$jobs")
    if [ "${ADVISOR_SANITIZE_TESTS:-${CI:-}}" = "1" ] || [ "${ADVISOR_SANITIZE_TESTS:-${CI:-}}" = "true" ]; then
      sanitize_tests
    fi
    if [ "${ADVISOR_FUZZ_TESTS:-${CI:-}}" = "1" ] || [ "${ADVISOR_FUZZ_TESTS:-${CI:-}}" = "true" ]; then
      # Debian's clang-14 needs libclang-rt-14-dev for -fsanitize=fuzzer.
      install_deps clang libclang-rt-14-dev
      tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
    fi
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
