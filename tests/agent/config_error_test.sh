#!/usr/bin/env bash
# Integration test: bad configuration lines give "FILE: line N: Error" and exit status 1, a missing
# backend is an error, and the daemon never starts serving on such a configuration.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

start_master
expect_failure() { # expect_failure NAME PATTERN: config $WORK/NAME.conf must fail with PATTERN
  local status=0
  "$IPMIBD" -f -Le -C -c "$WORK/$1.conf" -x "$AGENTX" >"$WORK/$1.out" 2>&1 || status=$?
  [ "$status" -eq 1 ] || fail "$1: exit status $status, expected 1"
  grep -Eq "$2" "$WORK/$1.out" || { cat "$WORK/$1.out"; fail "$1: no message matching '$2'"; }
}

printf 'backend sim %s\nroutetable 0\n' "$TESTLIB_ROOT/tests/agent/routes.scn" >"$WORK/badvalue.conf"
expect_failure badvalue "badvalue.conf: line 2: Error: routeTable"
printf '# comment\nbackend sim %s\nbackendd linux\n' "$TESTLIB_ROOT/tests/agent/routes.scn" >"$WORK/typo.conf"
expect_failure typo "typo.conf: line 3: .*Unknown token: backendd"
printf 'backend linux\nbackend sim x.scn\n' >"$WORK/twice.conf"
expect_failure twice "twice.conf: line 2: Error: backend given more than once"
printf 'agentxPriority 0\nbackend linux\n' >"$WORK/priority.conf"
expect_failure priority "priority.conf: line 1: Error: usage: agentxPriority"
printf 'routeTable main\n' >"$WORK/nobackend.conf"
expect_failure nobackend "no backend configured"
printf 'backend sim %s/missing.scn\n' "$WORK" >"$WORK/missing.conf"
expect_failure missing "cannot load simulator scenario"
# A VRF context whose VRF is absent, or a device that is not a VRF, stops the start with its name.
printf 'backend sim %s\ncontext t vrf nothere\n' "$TESTLIB_ROOT/tests/agent/routes.scn" >"$WORK/novrf.conf"
expect_failure novrf "context t: VRF nothere not found: no such device in sim"
printf 'backend sim %s\ncontext t vrf lo\n' "$TESTLIB_ROOT/tests/agent/routes.scn" >"$WORK/notvrf.conf"
expect_failure notvrf "context t: VRF lo: device lo is not a VRF"
printf 'backend sim %s\ncontext t vrf\n' "$TESTLIB_ROOT/tests/agent/routes.scn" >"$WORK/vrfusage.conf"
expect_failure vrfusage "vrfusage.conf: line 2: Error: usage: context NAME"

# Usage errors exit 1 too; -h and -V exit 0.
status=0
"$IPMIBD" -Z >/dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "unknown option: exit status $status"
"$IPMIBD" -h | grep -q "Usage:" || fail "-h"
"$IPMIBD" -V | grep -q "^ipmibd " || fail "-V"
echo "PASS"
