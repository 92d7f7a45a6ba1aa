#!/usr/bin/env bash
# Integration test: private snmpd master + ipmibd on the simulator; walks, GETs, GETNEXTs from
# partial and malformed OIDs, the IPMIBD-MIB objects, SIGHUP, and a clean SIGTERM shutdown.
IPMIBD="$1"
. "$(dirname "$0")/testlib.sh"

start_master
cat >"$WORK/ipmibd.conf" <<CONF
backend sim $TESTLIB_ROOT/tests/agent/routes.scn
agentxPingInterval 1
CONF
start_agent "$IPMIBD" "$WORK/ipmibd.conf"

ROUTE_NUMBER=1.3.6.1.2.1.4.24.6.0
ENTRY=1.3.6.1.2.1.4.24.7.1

# 1. The walk of inetCidrRouteTable: strictly increasing OIDs, one row per route per column.
snmp snmpwalk "$ENTRY" >"$WORK/walk.txt" || fail "walk failed"
python3 - "$WORK/walk.txt" <<'PY' || fail "OIDs not strictly increasing"
import sys
oids = [tuple(int(x) for x in l.split(" = ")[0].strip(".").split(".")) for l in open(sys.argv[1]) if " = " in l]
assert oids, "empty walk"
assert all(a < b for a, b in zip(oids, oids[1:])), "order"
PY
number=$(snmp snmpget "$ROUTE_NUMBER" | sed -E 's/.*Gauge32: //')
ifindex_rows=$(grep -c "^.$ENTRY.7\." "$WORK/walk.txt")
[ "$number" -gt 0 ] || fail "inetCidrRouteNumber is $number"
[ "$ifindex_rows" -eq "$number" ] || fail "walk has $ifindex_rows rows, inetCidrRouteNumber says $number"
# GETBULK (the master turns it into AgentX GETNEXTs) gives the same instances (values such as
# inetCidrRouteAge may have moved on).
snmp snmpbulkwalk "$ENTRY" | cut -d' ' -f1 >"$WORK/bulk.oids"
cut -d' ' -f1 "$WORK/walk.txt" | diff -q - "$WORK/bulk.oids" >/dev/null || fail "bulkwalk differs from walk"

# 2. GET of a known instance: inetCidrRouteNextHop of 203.0.113.0/24 via 198.51.100.254 (policy 0.0).
INSTANCE=1.4.203.0.113.0.24.2.0.0.1.4.198.51.100.254
snmp snmpget "$ENTRY.7.$INSTANCE" | grep -q "INTEGER: [1-9]" || fail "GET of ifIndex of $INSTANCE"
snmp snmpget "$ENTRY.12.$INSTANCE" | grep -q "INTEGER: 20" || fail "GET of metric of $INSTANCE"
snmp snmpget "$ENTRY.7.1.4.203.0.113.0.24.2.0.0.1.4.198.51.100.253" | grep -q "No Such Instance" ||
  fail "GET of a missing row is not noSuchInstance"
snmp snmpget "$ENTRY.99.$INSTANCE" | grep -Eq "No Such (Object|Instance)" || fail "GET of a missing column"

# 3. GETNEXT from partial and malformed OIDs returns the first walked instance after the request.
expected_next() { # expected_next OID: the first OID of the walk that sorts after OID
  python3 - "$WORK/walk.txt" "$1" <<'PY'
import sys
key = lambda t: tuple(int(x) for x in t.strip(".").split("."))
start = key(sys.argv[2])
for line in open(sys.argv[1]):
    oid = line.split(" = ")[0]
    if key(oid) > start:
        print(oid)
        break
PY
}
for start in 1.3.6.1.2.1.4.24.7 "$ENTRY" "$ENTRY.7" "$ENTRY.6.999" "$ENTRY.7.0" "$ENTRY.7.1.4.0.0.0.0.0" \
  "$ENTRY.7.$INSTANCE" "$ENTRY.7.1.4.203.0.113.0.24.2" "$ENTRY.7.1.4.999" "$ENTRY.7.1.4.192.0.2.0.24.3.0.0.9" \
  "$ENTRY.7.2.16.32.1" "$ENTRY.7.4294967295" "$ENTRY.7.1.4.203.0.113.0.24.2.0.0.1.4.198.51.100.254.7"; do
  got=$(snmp snmpgetnext "$start" | cut -d' ' -f1)
  expected=$(expected_next "$start")
  [ -n "$expected" ] && [ "$got" = "$expected" ] || fail "GETNEXT $start gave $got, expected $expected"
done
# Past the table the walk continues with inetCidrRouteDiscards, then ipmibd's own MIB.
snmp snmpgetnext "$ENTRY.99" | grep -q "^.1.3.6.1.2.1.4.24.8.0 = Counter32" || fail "GETNEXT past the table"

# 4. IPMIBD-MIB: version, backend, the rows per table matching inetCidrRouteNumber.
snmp snmpwalk 1.3.6.1.4.1.8072.9999.9999.42 >"$WORK/info.txt"
grep -q '42.1.1.0 = STRING: "ipmibd ' "$WORK/info.txt" || fail "ipmibdVersion"
grep -q '42.1.2.0 = STRING: "sim"' "$WORK/info.txt" || fail "ipmibdBackend"
grep -q "42.1.7.1.3.1 = Gauge32: $number" "$WORK/info.txt" || fail "ipmibdTableRows"
# TimeStamps are in the master's sysUpTime timebase: ipmibdBackendOpened <= sysUpTime.0.
opened=$(grep '42.1.6.0' "$WORK/info.txt" | sed -E 's/.*\(([0-9]+)\).*/\1/')
uptime=$(snmp snmpget 1.3.6.1.2.1.1.3.0 | sed -E 's/.*\(([0-9]+)\).*/\1/')
[ "$opened" -le "$uptime" ] || fail "ipmibdBackendOpened $opened > sysUpTime $uptime"

# 5. SIGHUP with an unchanged file keeps serving; with a broken file too (error logged).
kill -HUP "$AGENT_PID"
sleep 0.5
snmp snmpget "$ROUTE_NUMBER" | grep -q "Gauge32: $number" || fail "not serving after SIGHUP"
echo "routeTable 0" >>"$WORK/ipmibd.conf"
kill -HUP "$AGENT_PID"
sleep 0.5
grep -q "line 3: Error" "$WORK/ipmibd.log" || fail "reload error not reported with its line"
snmp snmpget "$ROUTE_NUMBER" | grep -q "Gauge32: $number" || fail "not serving after a bad SIGHUP"

# 6. SIGTERM: exit status 0, and the master no longer has our subtrees.
kill -TERM "$AGENT_PID"
status=0
wait "$AGENT_PID" || status=$?
AGENT_PID=""
[ "$status" -eq 0 ] || fail "ipmibd exited with $status on SIGTERM"
snmp snmpget "$ROUTE_NUMBER" | grep -q "No Such Object" || fail "subtree still registered after exit"
echo "PASS"
