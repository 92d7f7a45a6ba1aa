#!/usr/bin/env bash
# Runs every test: installs dependencies (Debian 12, root), checks formatting, builds with -Werror and
# runs the whole ctest suite (the two churn tests' ipmibd under LeakSanitizer), then builds under
# AddressSanitizer+UBSan and runs the unit tests again (the fuzz targets' corpora among them) and the
# agent's other integration tests with the sanitized ipmibd (LeakSanitizer on). --full: also the
# daemon's integration tests in the Release pass and the libFuzzer run (tests/fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
jobs=$(nproc)

# phase NAME: a heading with the wall-clock time and the seconds since the start, so a CI log shows
# where its budget went.
phase() { echo "== $* ($(date +%T), ${SECONDS}s)"; }

# fail_on_reports DIR: prints the sanitizer reports ipmibd wrote into DIR and fails the run if any.
fail_on_reports() {
  if [ -n "$(ls -A "$1")" ]; then
    cat "$1"/*
    echo "sanitizer reports from ipmibd (above)"
    exit 1
  fi
}

phase "clang-format"
git ls-files -z '*.cpp' '*.h' | xargs -0 -r clang-format --dry-run -Werror

# Debug information: line tables only (-g1). Sanitizer and LeakSanitizer reports, callgrind and
# backtraces still name functions, files and lines; full -g made every compile ~45 % slower (measured
# on tests/tables/set_request_test.cpp: 10.5 s with -g, 7.2 s with -g1), and CI's budget is tight.
phase "build (Release, -Werror)"
cmake -S . -B build -DIPMIBD_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build build -j"$jobs"
# The Debian package compiles the product a second time (dpkg-buildpackage, hardening flags, no
# tests: minutes of CPU). It builds in the background while the ctest pass below runs, whose
# integration tests mostly wait on snmpd, the SNMP tools and the kernel; its install-and-run half,
# which changes the machine (dpkg -i, /etc/snmp/ipmibd.conf, a system user), runs after that pass,
# alone. Moved here from a serial step: the package build held CI for 3-4.5 minutes.
phase "Debian package build (background, beside the Release ctest)"
pkg_out="$PWD/build/packaging"
pkg_log="$PWD/build/package-build.log"
# Its own session, so a failing step below takes dpkg-buildpackage and the compilers down with it.
IPMIBD_G1=1 setsid -w packaging/build-deb "$pkg_out" >"$pkg_log" 2>&1 &
pkg_pid=$!
trap 'kill -- -"$pkg_pid" 2>/dev/null || true' EXIT
phase "ctest (compare_with_snmpd's and churn_walk_test's ipmibd with LeakSanitizer)"
# Those two, whose unthrottled route churn outruns the -O0 sanitized ipmibd below, are leak-checked
# here at no extra run: gcc's -fsanitize=leak only links the standalone LSan runtime (it instruments
# nothing), so preloading liblsan gives this optimized ipmibd the same leak check at exit. Their
# harness (compare_with_snmpd.ipmibd_env) preloads $IPMIBD_TEST_PRELOAD into ipmibd only, not into
# snmpd, the snmp tools or Python; no other test honours it. Fast unwinding stays on
# (fast_unwind_on_malloc=0 made churn_walk_test's walks time out), so a report names only the
# allocating function (rerun with =0 for the whole stack) and lsan.supp's Net-SNMP frame goes unseen:
# that leak needs the master gone while ipmibd unregisters, which these tests never do (their
# netns_lab.Lab stops ipmibd, and waits for it, before the master).
liblsan="$(gcc -print-file-name=liblsan.so.0)"
[ -f "$liblsan" ] || { echo "no LeakSanitizer runtime (liblsan.so.0; Debian: liblsan0)"; exit 1; }
lsan_reports="$PWD/build/lsan-reports"
rm -rf "$lsan_reports" && mkdir -p "$lsan_reports" && chmod 1777 "$lsan_reports"
# CI time (budget: 25 minutes on 2 cores): the daemon's agent integration tests that the sanitized
# pass below runs again with the ASan+UBSan ipmibd (every agent_* integration test but
# compare_with_snmpd, churn_walk_test and the in-process variants) run there only; `./test.sh --full`
# runs them here too.
asan_pass_only=""
if [ "${1:-}" != "--full" ]; then
  asan_pass_only="$(ctest --test-dir build -N -L integration -R '^agent_' -LE extended |
    sed -n 's/^ *Test *#[0-9]*: \(agent_[A-Za-z0-9_]*\)$/\1/p' |
    grep -Ev '^agent_(compare_with_snmpd|churn_walk_test)$|_inproc$' | paste -sd'|' -)"
fi
IPMIBD_TEST_PRELOAD="$liblsan" \
  LSAN_OPTIONS="suppressions=$PWD/tests/agent/lsan.supp:print_suppressions=0:log_path=$lsan_reports/lsan" \
  ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600 -LE extended \
  ${asan_pass_only:+-E "^(${asan_pass_only})\$"}
fail_on_reports "$lsan_reports"
phase "Debian package (the build above; lintian, dpkg -i, walk the installed daemon and module, purge)"
wait "$pkg_pid" || { tail -40 "$pkg_log"; echo "packaging/build-deb failed (log above)"; exit 1; }
trap - EXIT
grep '^build-deb: ' "$pkg_log"
bash tests/packaging/package_test.sh "$pkg_out" "$(tail -1 "$pkg_log")"

phase "build (ASan+UBSan)"
cmake -S . -B build-asan -DIPMIBD_WERROR=ON -DIPMIBD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1 >/dev/null
cmake --build build-asan -j"$jobs"
phase "ctest (ASan+UBSan, unit tests)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit --timeout 600
phase "ctest (ASan+UBSan ipmibd, integration tests with LeakSanitizer)"
# ipmibd itself, sanitized, through 19 of the 21 agent integration tests (about a minute on 2
# cores), state_file_kill_test's writer included. Not here: compare_with_snmpd and churn_walk_test,
# whose unthrottled route churn outruns the -O0 sanitized ipmibd, so their walks time out (a pace
# bound, not a memory finding); the Release ctest above leak-checks their ipmibd. The platform
# integration tests start no ipmibd.
# Every report goes to a file (a test may not check ipmibd's exit status; -u runs write as nobody),
# and any file fails the run. tests/agent/lsan.supp holds Net-SNMP's own leak, with its evidence.
# Two tests per core: these wait on snmpd, the SNMP tools and the kernel (measured at -j2 on 2 cores:
# 217 s of CPU in 230 s of wall clock, so half the CPU idle); -j4 took 173 s, every test passing.
reports="$PWD/build-asan/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports" && chmod 1777 "$reports"
ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:log_path=$reports/asan" \
  LSAN_OPTIONS="suppressions=$PWD/tests/agent/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS="print_stacktrace=1:log_path=$reports/ubsan" \
  ctest --test-dir build-asan --output-on-failure -j"$((jobs * 2))" --timeout 600 \
  -L integration -R '^agent_' -E '^agent_(compare_with_snmpd|churn_walk_test)$'
fail_on_reports "$reports"
# Every fuzz target's committed corpus and mutations of it ran above as unit tests (fuzz.replay.*,
# gcc, ASan+UBSan). The coverage-guided search, libFuzzer under clang, builds the libraries a third
# time (~3 minutes of CI's 25): only with --full.
if [ "${1:-}" = "--full" ]; then
  tests/fuzz/run.sh --seconds 8
fi
phase "all tests passed"
