#!/usr/bin/env bash
# Logging to the journal: when stderr is the stream JOURNAL_STREAM names (DEV:INODE, as systemd
# sets it), every line starts with its sd-daemon priority (<3> error, <4> warning, <6> info);
# otherwise (no variable, or another stream) lines are bare. Standalone ipmibd on a Unix socket in
# a private directory, on the simulator: no master, no port, no privileges needed.
set -euo pipefail
IPMIBD="$1"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
WORK="$(mktemp -d /tmp/ipmibd-journal.XXXXXX)"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/*.err; do echo "--- $f" >&2; cat "$f" >&2; done
  exit 1
}
stream() { stat -c '%d:%i' "$1"; }

printf 'backend sim %s\nroutetable 0\nbackendd linux\n' "$ROOT/tests/agent/routes.scn" >"$WORK/bad.conf"
printf 'backend sim %s\nrocommunity public\n' "$ROOT/tests/agent/routes.scn" >"$WORK/good.conf"

# 1. Errors and warnings (a bad file, checked with -t): <3> and <4>.
: >"$WORK/bad.err"
status=0
JOURNAL_STREAM="$(stream "$WORK/bad.err")" "$IPMIBD" -t -C -c "$WORK/bad.conf" 2>>"$WORK/bad.err" || status=$?
[ "$status" -eq 1 ] || fail "bad configuration: exit status $status"
grep -q '^<3>.*bad.conf: line 2: Error: routeTable' "$WORK/bad.err" || fail "no <3> error line"
grep -q '^<4>.*bad.conf: line 3: Warning: Unknown token: backendd' "$WORK/bad.err" || fail "no <4> warning line"
grep -q '^<3>ipmibd: 2 error(s) in the configuration' "$WORK/bad.err" || fail "no <3> summary line"
grep -qv '^<[0-7]>' "$WORK/bad.err" && fail "a line without a priority prefix"

# 2. Info (and, as root without -u, the warning): a standalone start and stop.
: >"$WORK/run.err"
JOURNAL_STREAM="$(stream "$WORK/run.err")" "$IPMIBD" -f -C -c "$WORK/good.conf" -S "unix:$WORK/agent.sock" \
  2>>"$WORK/run.err" &
PID=$!
for _ in $(seq 100); do
  grep -q 'started' "$WORK/run.err" && break
  kill -0 "$PID" 2>/dev/null || fail "ipmibd exited early"
  sleep 0.1
done
kill -TERM "$PID"
status=0
wait "$PID" || status=$?
PID=""
[ "$status" -eq 0 ] || fail "ipmibd exited $status on SIGTERM"
grep -q '^<6>ipmibd [0-9.]* started$' "$WORK/run.err" || fail "no <6> 'started' line"
grep -q '^<6>ipmibd: stopping$' "$WORK/run.err" || fail "no <6> 'stopping' line"
if [ "$(id -u)" -eq 0 ]; then
  grep -q '^<4>ipmibd: running as root' "$WORK/run.err" || fail "no <4> running-as-root warning"
fi
grep -qv '^<[0-7]>' "$WORK/run.err" && fail "a line without a priority prefix"

# 3. No prefixes without JOURNAL_STREAM, or when it names another stream.
: >"$WORK/plain.err"
env -u JOURNAL_STREAM "$IPMIBD" -t -C -c "$WORK/bad.conf" 2>>"$WORK/plain.err" || true
: >"$WORK/other.err"
JOURNAL_STREAM="$(stream "$WORK/bad.conf")" "$IPMIBD" -t -C -c "$WORK/bad.conf" 2>>"$WORK/other.err" || true
for f in plain other; do
  grep -q 'Error: routeTable' "$WORK/$f.err" || fail "$f: no error line at all"
  grep -q '^<[0-7]>' "$WORK/$f.err" && fail "$f: a priority prefix although stderr is not the journal"
done
echo "PASS: journal priority prefixes exactly when stderr is JOURNAL_STREAM"
