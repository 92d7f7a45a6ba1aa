#!/usr/bin/env python3
"""`ipmibd --objects` names what is served correctly: every line is "OID NAME KIND ACCESS", OIDs
sorted and unique, columns under entries under tables; every name below ip (1.3.6.1.2.1.4) is the
one RFC 1213/4292/4293 give that OID (tests/agent/ip_subtree.py, typed from the RFCs), every
IPMIBD-MIB name the one mibs/IPMIBD-MIB.txt gives it, and every table of ipmibdTableTable's names
(TableSet::status) is listed. Usage: objects_test.py IPMIBD SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
ipmibd, source = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "tests", "agent"))
import ip_subtree  # noqa: E402

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def mib_oids(path):
    """{name: OID} of every OBJECT IDENTIFIER value a MIB module file assigns (enterprises known)."""
    text = open(path).read()
    known = {"enterprises": (1, 3, 6, 1, 4, 1)}
    pending = {}
    definition = re.compile(
        r"^([a-z][A-Za-z0-9-]*)\s+(?:OBJECT-TYPE|MODULE-IDENTITY|OBJECT IDENTIFIER|NOTIFICATION-TYPE|"
        r"OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)\b.*?::=\s*\{\s*([A-Za-z][A-Za-z0-9-]*)((?:\s+\d+)+)\s*\}",
        re.M | re.S)
    for m in definition.finditer(text):
        pending[m.group(1)] = (m.group(2), tuple(int(x) for x in m.group(3).split()))
    while pending:
        progress = False
        for name, (parent, tail) in list(pending.items()):
            if parent in known:
                known[name] = known[parent] + tail
                del pending[name]
                progress = True
        if not progress:
            raise SystemExit(f"FAIL: {path}: unresolved parents {sorted(pending)}")
    return known


out = subprocess.run([ipmibd, "--objects"], check=True, capture_output=True, text=True).stdout
listed = []
for number, line in enumerate(out.splitlines(), 1):
    fields = line.split()
    check(len(fields) == 4, f"line {number}: not 'OID NAME KIND ACCESS': {line!r}")
    if len(fields) != 4:
        continue
    oid, name, kind, access = fields
    check(re.fullmatch(r"\d+(\.\d+)+", oid) is not None, f"line {number}: OID {oid!r}")
    check(kind in ("table", "entry", "column", "scalar"), f"line {number}: kind {kind!r}")
    check(access in ("not-accessible", "accessible-for-notify", "read-only", "read-write", "read-create"),
          f"line {number}: access {access!r}")
    listed.append((tuple(int(x) for x in oid.split(".")), name, kind, access))

oids = [o for o, *_ in listed]
check(oids == sorted(oids), "OIDs not in order")
check(len(set(oids)) == len(oids), "an OID listed twice")
names = [n for _, n, *_ in listed]
check(len(set(names)) == len(names), "a name listed twice")
by_oid = {o: (n, k) for o, n, k, _ in listed}
for oid, name, kind, access in listed:
    if kind == "column":
        check(by_oid.get(oid[:-1], ("", ""))[1] == "entry", f"{name}: parent is no entry")
    if kind == "entry":
        check(by_oid.get(oid[:-1], ("", ""))[1] == "table" and oid[-1] == 1, f"{name}: not TABLE.1")
        check(name == by_oid[oid[:-1]][0][:-len("Table")] + "Entry", f"{name}: entry name")
    if kind in ("table", "entry"):
        check(access == "not-accessible", f"{name}: {access}")

# Below ip: the RFCs' names, as ip_subtree.py holds them.
ip = ip_subtree.IP
ip_leaves = [(o, n, k) for o, n, k, _ in listed if o[:len(ip)] == ip and k in ("column", "scalar")]
for oid, name, kind in ip_leaves:
    expected = ip_subtree.OBJECTS.get(oid)
    check(expected == name, f"{'.'.join(map(str, oid))}: ipmibd says {name}, the RFC {expected}")
for oid, name, kind, _ in listed:
    if kind == "table" and oid[:len(ip)] == ip:
        check(ip_subtree.TABLES.get(oid + (1,)) == name, f"table {name}: RFC name {ip_subtree.TABLES.get(oid + (1,))}")
check(len(ip_leaves) > 200, f"only {len(ip_leaves)} objects below ip")

# IPMIBD-MIB: the module's own names.
mib = mib_oids(os.path.join(source, "mibs", "IPMIBD-MIB.txt"))
root = mib["ipmibdMIB"]
ours = [(o, n) for o, n, *_ in listed if o[:len(root)] == root]
check(len(ours) > 10, f"only {len(ours)} IPMIBD-MIB objects")
for oid, name in ours:
    check(mib.get(name) == oid, f"{name}: ipmibd {'.'.join(map(str, oid))}, IPMIBD-MIB {mib.get(name)}")
check(all(o[:len(ip)] == ip or o[:len(root)] == root for o in oids), "an object outside ip and IPMIBD-MIB")

for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
print(f"PASS: {len(listed)} objects ({len(ip_leaves)} leaves below ip, {len(ours)} in IPMIBD-MIB), "
      "names as the RFCs and IPMIBD-MIB give them")
