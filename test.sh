#!/usr/bin/env bash
# Runs every test: installs dependencies (Debian 12, root), checks formatting, builds with -Werror and
# runs the whole ctest suite, then builds under AddressSanitizer+UBSan and runs the unit tests again.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
jobs=$(nproc)

echo "== clang-format"
git ls-files -z '*.cpp' '*.h' | xargs -0 -r clang-format --dry-run -Werror

echo "== build (Release, -Werror)"
cmake -S . -B build -DIPMIBD_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== ctest"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600

echo "== build (ASan+UBSan)"
cmake -S . -B build-asan -DIPMIBD_WERROR=ON -DIPMIBD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
echo "== ctest (ASan+UBSan, unit tests)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit --timeout 600
# libFuzzer (clang, ASan+UBSan): every target for a bounded time from its seed corpus (tests/fuzz/).
tests/fuzz/run.sh --seconds 15
echo "== all tests passed"
