#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, only what they need, in build-fuzz/) and runs each
# for a bounded time from its seed corpus, two at a time; fails on any crash, leak, hang or undefined
# behaviour and prints the input that caused it (kept under BUILD_DIR/fuzz-findings/).
#   tests/fuzz/run.sh [--seconds N] [--build-dir DIR] [--parallel N] [TARGET...]
# New inputs a run finds go to a temporary directory: the committed corpora only change by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=20
build=build-fuzz
parallel=$(nproc)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
  --seconds) seconds="$2"; shift 2 ;;
  --build-dir) build="$2"; shift 2 ;;
  --parallel) parallel="$2"; shift 2 ;;
  -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
  -*) echo "unknown option $1" >&2; exit 2 ;;
  *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

echo "== fuzz: build (clang, -O1, ASan+UBSan+libFuzzer) in $build"
# -O1: the sanitizers' usual level; most of the fuzz step is this build, so no higher.
CC=clang CXX=clang++ cmake -S . -B "$build" -DIPMIBD_FUZZ=ON -DIPMIBD_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" >/dev/null
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
findings="$build/fuzz-findings"

# One target: its seeds plus a fresh directory for what it finds; -timeout makes a hang a finding.
run_target() {
  local target="$1" dir="$work/$1"
  mkdir -p "$dir/new" "$dir/artifacts"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/artifacts/" -print_final_stats=1 "$dir/new" "tests/fuzz/corpus/$target" \
    >"$dir/log" 2>&1
}

echo "== fuzz: ${#targets[@]} targets, ${seconds} s each, $parallel at a time"
declare -A pids=()
failed=()
report() {
  local target="$1" status="$2" dir="$work/$1"
  local runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  if [ "$status" -eq 0 ]; then
    echo "  ok    $target (${runs:-?} runs)"
    return
  fi
  failed+=("$target")
  echo "  FAIL  $target (exit $status)"
  grep -E -A30 '^==[0-9]+==ERROR|runtime error|FUZZ_CHECK|ERROR: libFuzzer' "$dir/log" | head -60 | sed 's/^/        /'
  mkdir -p "$findings/$target"
  for input in "$dir"/artifacts/*; do
    [ -e "$input" ] || continue
    cp "$input" "$findings/$target/"
    echo "        input: $findings/$target/$(basename "$input")"
    echo "        again: $build/tests/fuzz/$target $findings/$target/$(basename "$input")"
  done
}
# Waits for one running target and reports it.
reap() {
  local done_pid status t
  if wait -n -p done_pid; then status=0; else status=$?; fi
  for t in "${!pids[@]}"; do
    if [ "${pids[$t]}" = "$done_pid" ]; then
      unset "pids[$t]"
      report "$t" "$status"
    fi
  done
}
for target in "${targets[@]}"; do
  while [ ${#pids[@]} -ge "$parallel" ]; do reap; done
  run_target "$target" &
  pids[$target]=$!
done
while [ ${#pids[@]} -gt 0 ]; do reap; done

if [ ${#failed[@]} -gt 0 ]; then
  echo "== fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "== fuzz: no findings"
