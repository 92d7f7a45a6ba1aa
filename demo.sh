#!/usr/bin/env bash
# demo.sh: builds ipmibd if needed, starts a private snmpd master and ipmibd (simulated platform,
# or this host with --linux), shows every served table as snmptable does, then waits for Ctrl-C.
#   ./demo.sh             simulator (platform/sim/scenarios/demo.scn), interactive
#   ./demo.sh --linux     this host's kernel tables (backend linux)
#   ./demo.sh --check     non-interactive: exit 0 only if every served table returned rows, all named (CI)
#   options: --scenario FILE, --port N (default 11161; --check picks a free one), --build-dir DIR,
#            --no-build (use the ipmibd already in the build directory, as the tests do)
# Missing Debian packages are installed first (.ci/install-deps; as root, else it says what to run).
# Names come from ipmibd itself (ipmibd --objects, rendered by tools/walktable.py): Debian ships
# no IETF MIB files, so snmpwalk alone would print numbers.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")" && pwd)"
MODE=interactive
BACKEND=sim
SCENARIO="$ROOT/platform/sim/scenarios/demo.scn"
PORT=""
BUILD="$ROOT/build"
DO_BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
  --check) MODE=check ;;
  --linux) BACKEND=linux ;;
  --scenario) SCENARIO="$(realpath "$2")"; shift ;;
  --port) PORT="$2"; shift ;;
  --build-dir) BUILD="$2"; shift ;;
  --no-build) DO_BUILD=0 ;;
  -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# ---- dependencies: the Debian packages this needs, installed by .ci/install-deps ----------------
needs=(snmpd snmp python3)
[ "$DO_BUILD" = 1 ] && needs+=(build-essential cmake pkg-config libsnmp-dev libmnl-dev libboost-dev catch2)
if ! missing="$("$ROOT/.ci/install-deps" --missing "${needs[@]}")"; then
  missing="$(printf '%s' "$missing" | tr '\n' ' ')"
  if [ "$(id -u)" -ne 0 ]; then
    echo "demo.sh: missing Debian packages: $missing" >&2
    echo "demo.sh: install them as root (every package the build and tests use), then run demo.sh again:" >&2
    echo "  sudo $ROOT/.ci/install-deps" >&2
    exit 1
  fi
  echo "demo.sh: installing missing Debian packages ($missing) with .ci/install-deps"
  "$ROOT/.ci/install-deps"
fi
if [ "$BACKEND" = sim ] && [ ! -f "$SCENARIO" ]; then
  echo "demo.sh: scenario $SCENARIO not found" >&2
  exit 1
fi

# ---- build (incremental; quick when up to date) ------------------------------------------------
if [ "$DO_BUILD" = 1 ]; then
  [ -x "$BUILD/agent/daemon/ipmibd" ] || echo "demo.sh: building ipmibd in $BUILD (the first build takes a few minutes)"
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$BUILD" --target ipmibd -j"$(nproc)" >/dev/null
fi
IPMIBD="$BUILD/agent/daemon/ipmibd"
[ -x "$IPMIBD" ] || { echo "demo.sh: $IPMIBD not built" >&2; exit 1; }

# ---- private master and subagent ---------------------------------------------------------------
. "$ROOT/conf/snmpd-disabled-modules.sh"
WORK="$(mktemp -d /tmp/ipmibd-demo.XXXXXX)"
MASTER_PID=""
AGENT_PID=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true
  [ -n "$MASTER_PID" ] && kill "$MASTER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo; echo "stopping"; exit 0' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
if [ -z "$PORT" ]; then
  if [ "$MODE" = check ]; then PORT="$(free_port)"; else PORT=11161; fi
fi
AGENTX="$WORK/agentx.sock"
cat >"$WORK/snmpd.conf" <<CONF
master agentx
agentXSocket $AGENTX
agentXPerms 0600 0700
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
CONF
snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
  -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
MASTER_PID=$!
for _ in $(seq 50); do [ -S "$AGENTX" ] && break; sleep 0.1; done
[ -S "$AGENTX" ] || { echo "demo.sh: snmpd did not start:" >&2; cat "$WORK/snmpd.log" >&2; exit 1; }

if [ "$BACKEND" = sim ]; then echo "backend sim $SCENARIO" >"$WORK/ipmibd.conf"; else echo "backend linux" >"$WORK/ipmibd.conf"; fi
echo "agentxPingInterval 2" >>"$WORK/ipmibd.conf"
"$IPMIBD" -f -Lf "$WORK/ipmibd.log" -C -c "$WORK/ipmibd.conf" -x "$AGENTX" &
AGENT_PID=$!

SNMP=(-v2c -c public -t 2 -r 1 "127.0.0.1:$PORT")

INFO=1.3.6.1.4.1.8072.9999.9999.42
for _ in $(seq 100); do
  snmpget "${SNMP[@]}" -On -Oqv "$INFO.1.1.0" 2>/dev/null | grep -q ipmibd && break
  kill -0 "$AGENT_PID" 2>/dev/null || { echo "demo.sh: ipmibd exited:" >&2; cat "$WORK/ipmibd.log" >&2; exit 1; }
  sleep 0.1
done
# Wait for the initial load: every ipmibdTableLoading false(2).
for _ in $(seq 100); do
  snmpwalk "${SNMP[@]}" -On -Oqv "$INFO.1.7.1.5" 2>/dev/null | grep -q '^1$' || break
  sleep 0.1
done

# ---- every served table, by name -----------------------------------------------------------------
# ipmibd --objects lists each object's OID and name (from the table units' declarations);
# tools/walktable.py prints numeric walks (-On -OQ) with those names, one table as snmptable does.
OBJECTS="$WORK/objects"
"$IPMIBD" --objects >"$OBJECTS"
WIDTH=0
if [ "$MODE" = interactive ] && [ -t 1 ]; then WIDTH="${COLUMNS:-$(tput cols 2>/dev/null || echo 0)}"; fi
# show WHAT: prints standard input (snmpwalk -On -OQ) rendered; fails when a varbind is not the
# instance of a listed object (walktable.py --require-names names it on stderr).
show() {
  local status=0
  python3 "$ROOT/tools/walktable.py" --objects "$OBJECTS" --width "$WIDTH" --require-names \
    >"$WORK/shown" 2>"$WORK/unnamed" || status=$?
  cat "$WORK/shown"
  [ "$status" -eq 0 ] || { cat "$WORK/unnamed" >&2; echo "demo.sh: $1 is not printed by name" >&2; return 1; }
}

mapfile -t SERVED < <(snmpwalk "${SNMP[@]}" -On -Oqv "$INFO.1.7.1.2" | tr -d '"')
[ ${#SERVED[@]} -gt 0 ] || { echo "demo.sh: ipmibd lists no tables" >&2; exit 1; }

failures=0
fail() { echo "demo.sh: $*" >&2; failures=$((failures + 1)); }
for name in "${SERVED[@]}"; do
  oid="$(awk -v n="$name" '$2 == n && $3 == "table" { print $1 }' "$OBJECTS")"
  if [ -z "$oid" ]; then fail "ipmibd --objects does not list $name"; continue; fi
  echo "==== $name ($oid)"
  walk="$(snmpbulkwalk "${SNMP[@]}" -On -OQ "$oid" 2>&1 || true)"
  rows=$(printf '%s\n' "$walk" | grep -c ' = ' || true)
  if [ "$rows" -eq 0 ] || printf '%s\n' "$walk" | grep -q "No Such\|No more variables\|Timeout"; then
    printf '%s\n' "$walk"
    fail "$name returned no rows"
  elif ! printf '%s\n' "$walk" | show "$name"; then
    failures=$((failures + 1))
  elif ! grep -qx "SNMP table: $name" "$WORK/shown"; then
    fail "$name is not printed as a table"
  fi
done

# The ip scalars (ipForwarding, the RFC 1213 counters, ...) in one GET; IPMIBD-MIB as a walk.
mapfile -t SCALARS < <(awk '$3 == "scalar" && $1 ~ /^1\.3\.6\.1\.2\.1\.4\./ { print $1 ".0" }' "$OBJECTS")
echo "==== ip scalars (1.3.6.1.2.1.4)"
snmpget "${SNMP[@]}" -On -OQ "${SCALARS[@]}" 2>&1 | show "ip scalars" || failures=$((failures + 1))
echo "==== IPMIBD-MIB ($INFO)"
snmpbulkwalk "${SNMP[@]}" -On -OQ "$INFO" 2>&1 | show IPMIBD-MIB || failures=$((failures + 1))
grep -qx "SNMP table: ipmibdTableTable" "$WORK/shown" || fail "ipmibdTableTable is not printed as a table"

if [ "$MODE" = check ]; then
  [ "$failures" -eq 0 ] && echo "demo.sh --check: every served table returned rows, every object named" && exit 0
  echo "demo.sh --check: $failures failure(s) (above); ipmibd log:" >&2
  cat "$WORK/ipmibd.log" >&2
  exit 1
fi

cat <<TXT

ipmibd is serving $( [ "$BACKEND" = sim ] && echo "the simulator ($SCENARIO)" || echo "this host (backend linux)") through the snmpd master at udp:127.0.0.1:$PORT.
Try (read-only; community public). Debian ships no IETF MIB files, so the snmp tools print numbers;
tools/walktable.py names them with ipmibd's own list ($OBJECTS):
  snmpbulkwalk -v2c -c public -On -OQ 127.0.0.1:$PORT 1.3.6.1.2.1.4.24.7 | $ROOT/tools/walktable.py --objects $OBJECTS
  snmpget      -v2c -c public 127.0.0.1:$PORT 1.3.6.1.2.1.4.24.6.0            # inetCidrRouteNumber.0
  snmpbulkwalk -v2c -c public -On -OQ 127.0.0.1:$PORT 1.3.6.1.4.1.8072.9999.9999.42 | $ROOT/tools/walktable.py --brief --objects $OBJECTS
With the IETF MIB files installed (snmp-mibs-downloader, non-free) the tools name them themselves:
  snmptable    -v2c -c public -m ALL -Ci -Cb 127.0.0.1:$PORT IP-FORWARD-MIB::inetCidrRouteTable
Logs: $WORK/ipmibd.log, $WORK/snmpd.log   (ipmibd pid $AGENT_PID: kill -HUP reloads $WORK/ipmibd.conf)
Press Ctrl-C to stop.
TXT
wait "$AGENT_PID"
echo "demo.sh: ipmibd exited; log:" >&2
cat "$WORK/ipmibd.log" >&2
exit 1
