#!/usr/bin/env bash
# kill -9 during state file saves: a writer saves two large states alternately; it is killed with
# SIGKILL at random moments many times, and after every kill the file must load as exactly one of
# the two complete states, whatever temporary file the kill left behind. Bounded: at most 200
# kills or 10 s, but never fewer than 20 kills (a sanitized writer on a busy machine is slow).
set -euo pipefail
WRITER="$1"
WORK="$(mktemp -d /tmp/ipmibd-kill-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
FILE="$WORK/lib/state"

kills=0 a=0 b=0 stale=0
end=$((SECONDS + 10))
while [ "$kills" -lt 20 ] || { [ "$kills" -lt 200 ] && [ "$SECONDS" -lt "$end" ]; }; do
  "$WRITER" write "$FILE" >"$WORK/saving" &
  pid=$!
  # Kill during saves, not during start-up: wait for the writer's "saving" line.
  for _ in $(seq 500); do [ -s "$WORK/saving" ] && break; sleep 0.01; done
  # The first run must get a complete state written before it dies.
  if [ "$kills" -eq 0 ]; then
    for _ in $(seq 100); do [ -f "$FILE" ] && break; sleep 0.05; done
  fi
  sleep "0.0$((RANDOM % 40))"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null && { echo "FAIL: the writer exited by itself"; exit 1; }
  kills=$((kills + 1))
  [ -e "$FILE.tmp" ] && stale=$((stale + 1))
  # Alternately only parse (the next writer meets the stale temporary file) and load (which removes it).
  mode=parse
  [ $((kills % 2)) -eq 0 ] && mode=load
  got=$("$WRITER" check "$FILE" "$mode") || { echo "FAIL: after kill $kills ($mode) the file is not a complete state"; exit 1; }
  [ "$got" = A ] && a=$((a + 1))
  [ "$got" = B ] && b=$((b + 1))
  [ "$mode" = load ] && [ -e "$FILE.tmp" ] && { echo "FAIL: load left $FILE.tmp"; exit 1; }
  [ "$(stat -c %a "$FILE")" = 600 ] || { echo "FAIL: mode $(stat -c %a "$FILE")"; exit 1; }
done
echo "$kills kills: state A $a times, state B $b times; $stale kills left a temporary file"
[ "$kills" -ge 20 ] || { echo "FAIL: only $kills kills in the time bound"; exit 1; }
# Both states seen and kills during writes: otherwise the test did not test anything.
[ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$stale" -gt 0 ] || { echo "FAIL: kills never hit both states and a write in progress"; exit 1; }
[ -z "$(ls "$WORK/lib" | grep -v -x -e state -e state.tmp)" ] || { echo "FAIL: unexpected files: $(ls "$WORK/lib")"; exit 1; }
echo PASS
