#!/usr/bin/env bash
# demo.sh: builds ipmibd if needed, starts a private snmpd master and ipmibd (simulated platform,
# or this host with --linux), shows every served table, then waits for Ctrl-C.
#   ./demo.sh             simulator (platform/sim/scenarios/demo.scn), interactive
#   ./demo.sh --linux     this host's kernel tables (backend linux)
#   ./demo.sh --check     non-interactive: exit 0 only if every served table returned rows (CI)
#   options: --scenario FILE, --port N (default 11161; --check picks a free one), --build-dir DIR,
#            --no-build (use the ipmibd already in the build directory, as the tests do)
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
  -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in snmpd snmpwalk snmpget cmake; do
  command -v "$tool" >/dev/null || { echo "demo.sh: $tool is not installed (see .ci/install-deps)" >&2; exit 1; }
done
if [ "$BACKEND" = sim ] && [ ! -f "$SCENARIO" ]; then
  echo "demo.sh: scenario $SCENARIO not found" >&2
  exit 1
fi

# ---- build (incremental; quick when up to date) ------------------------------------------------
if [ "$DO_BUILD" = 1 ]; then
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

# Names when the IETF MIB texts are around (the workspace's shared/mibs/ietf), numeric otherwise.
MIBDIR="$(cd "$ROOT/.." && pwd)/shared/mibs/ietf"
if [ -d "$MIBDIR" ]; then MIBOPTS=(-M "$MIBDIR:$ROOT/mibs" -m ALL); MIBARG="-M $MIBDIR:$ROOT/mibs -m ALL"
else MIBOPTS=(-On); MIBARG="-On"; fi
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

# The RFC 4293 / 4292 tables by name; the ones ipmibd lists in ipmibdTableTable are walked.
declare -A TABLE_OIDS=(
  [inetCidrRouteTable]=1.3.6.1.2.1.4.24.7 [ipAddressTable]=1.3.6.1.2.1.4.34
  [ipAddressPrefixTable]=1.3.6.1.2.1.4.32 [ipNetToPhysicalTable]=1.3.6.1.2.1.4.35
  [ipv4InterfaceTable]=1.3.6.1.2.1.4.28 [ipv6InterfaceTable]=1.3.6.1.2.1.4.30
  [ipSystemStatsTable]=1.3.6.1.2.1.4.31.1 [ipIfStatsTable]=1.3.6.1.2.1.4.31.3
  [ipDefaultRouterTable]=1.3.6.1.2.1.4.37 [ipv6ScopeZoneIndexTable]=1.3.6.1.2.1.4.36
  [ipAddrTable]=1.3.6.1.2.1.4.20 [ipRouteTable]=1.3.6.1.2.1.4.21 [ipNetToMediaTable]=1.3.6.1.2.1.4.22
  [ipCidrRouteTable]=1.3.6.1.2.1.4.24.4 [ipv6RouterAdvertTable]=1.3.6.1.2.1.4.39 [icmpStatsTable]=1.3.6.1.2.1.5.29
  [icmpMsgStatsTable]=1.3.6.1.2.1.5.30
)
mapfile -t SERVED < <(snmpwalk "${SNMP[@]}" -On -Oqv "$INFO.1.7.1.2" | tr -d '"')
[ ${#SERVED[@]} -gt 0 ] || { echo "demo.sh: ipmibd lists no tables" >&2; exit 1; }

failures=0
for name in "${SERVED[@]}"; do
  oid="${TABLE_OIDS[$name]:-}"
  if [ -z "$oid" ]; then echo "demo.sh: no OID known for $name" >&2; failures=$((failures + 1)); continue; fi
  echo "==== $name ($oid)"
  out="$(snmpwalk "${SNMP[@]}" "${MIBOPTS[@]}" "$oid" 2>&1 || true)"
  rows=$(printf '%s\n' "$out" | grep -c ' = ' || true)
  if [ "$MODE" = check ]; then echo "$rows varbinds"; else printf '%s\n' "$out"; fi
  if [ "$rows" -eq 0 ] || printf '%s\n' "$out" | grep -q "No Such\|No more variables\|Timeout"; then
    echo "demo.sh: $name returned no rows" >&2
    failures=$((failures + 1))
  fi
done
echo "==== IPMIBD-MIB ($INFO)"
snmpwalk "${SNMP[@]}" "${MIBOPTS[@]}" "$INFO"

if [ "$MODE" = check ]; then
  [ "$failures" -eq 0 ] && echo "demo.sh --check: every served table returned rows" && exit 0
  echo "demo.sh --check: $failures table(s) without rows; ipmibd log:" >&2
  cat "$WORK/ipmibd.log" >&2
  exit 1
fi

cat <<TXT

ipmibd is serving $( [ "$BACKEND" = sim ] && echo "the simulator ($SCENARIO)" || echo "this host (backend linux)") through the snmpd master at udp:127.0.0.1:$PORT.
Try (read-only; community public):
  snmpwalk     -v2c -c public $MIBARG 127.0.0.1:$PORT IP-FORWARD-MIB::inetCidrRouteTable
  snmpbulkwalk -v2c -c public $MIBARG 127.0.0.1:$PORT 1.3.6.1.2.1.4.24
  snmpget      -v2c -c public $MIBARG 127.0.0.1:$PORT IP-FORWARD-MIB::inetCidrRouteNumber.0
  snmptable    -v2c -c public $MIBARG -Cb 127.0.0.1:$PORT IP-FORWARD-MIB::inetCidrRouteTable
  snmpwalk     -v2c -c public $MIBARG 127.0.0.1:$PORT IPMIBD-MIB::ipmibdObjects
Logs: $WORK/ipmibd.log, $WORK/snmpd.log   (ipmibd pid $AGENT_PID: kill -HUP reloads $WORK/ipmibd.conf)
Press Ctrl-C to stop.
TXT
wait "$AGENT_PID"
echo "demo.sh: ipmibd exited; log:" >&2
cat "$WORK/ipmibd.log" >&2
exit 1
