#!/usr/bin/env python3
"""tools/walktable.py turns `snmpwalk -On -OQ` output into snmptable-like text: exact output for a
table (index column, declared names, missing cells, quoted and hex strings, OID values named,
multi-line strings), scalars as name.0 = value, unnamed OIDs as they came, --brief, --width, and
exit 2 on input that is no walk. Usage: walktable_test.py WALKTABLE"""
import os
import shutil
import subprocess
import sys
import tempfile

walktable = sys.argv[1]
work = tempfile.mkdtemp(prefix="walktable-test.")
objects = os.path.join(work, "objects")
with open(objects, "w") as f:
    f.write("""1.3.6.1.2.1.4.1 ipForwarding scalar read-write
1.3.6.1.2.1.4.24.7 inetCidrRouteTable table not-accessible
1.3.6.1.2.1.4.24.7.1 inetCidrRouteEntry entry not-accessible
1.3.6.1.2.1.4.24.7.1.1 inetCidrRouteDestType column not-accessible
1.3.6.1.2.1.4.24.7.1.7 inetCidrRouteIfIndex column read-create
1.3.6.1.2.1.4.24.7.1.8 inetCidrRouteType column read-create
1.3.6.1.2.1.4.24.7.1.17 inetCidrRouteStatus column read-create
1.3.6.1.2.1.4.32 ipAddressPrefixTable table not-accessible
1.3.6.1.2.1.4.32.1 ipAddressPrefixEntry entry not-accessible
1.3.6.1.2.1.4.32.1.5 ipAddressPrefixOrigin column read-only
1.3.6.1.2.1.4.34 ipAddressTable table not-accessible
1.3.6.1.2.1.4.34.1 ipAddressEntry entry not-accessible
1.3.6.1.2.1.4.34.1.5 ipAddressPrefix column read-only
1.3.6.1.2.1.4.34.1.7 ipAddressStatus column read-create
1.3.6.1.4.1.8072.9999.9999.42.1.1 ipmibdVersion scalar read-only
1.3.6.1.4.1.8072.9999.9999.42.1.7 ipmibdTableTable table not-accessible
1.3.6.1.4.1.8072.9999.9999.42.1.7.1 ipmibdTableEntry entry not-accessible
1.3.6.1.4.1.8072.9999.9999.42.1.7.1.2 ipmibdTableName column read-only
1.3.6.1.4.1.8072.9999.9999.42.1.7.1.3 ipmibdTableRows column read-only
""")

R1 = "1.4.0.0.0.0.0.2.0.0.1.4.192.0.2.1"
R2 = "1.4.192.0.2.0.24.3.0.0.4.1.4.0.0.0.0"
WALK = f""".1.3.6.1.2.1.4.1.0 = 1
.1.3.6.1.2.1.4.24.7.1.7.{R1} = 2
.1.3.6.1.2.1.4.24.7.1.7.{R2} = 4
.1.3.6.1.2.1.4.24.7.1.8.{R1} = 4
.1.3.6.1.2.1.4.24.7.1.8.{R2} = 3
.1.3.6.1.2.1.4.24.7.1.17.{R2} = 1
.1.3.6.1.2.1.4.34.1.5.1.4.192.0.2.5 = .1.3.6.1.2.1.4.32.1.5.2.1.4.192.0.2.0.24
.1.3.6.1.2.1.4.34.1.7.1.4.192.0.2.5 = 1
.1.3.6.1.4.1.8072.9999.9999.42.1.1.0 = "ipmibd 1.0"
.1.3.6.1.4.1.8072.9999.9999.42.1.7.1.2.1 = "say \\"two\\"
lines"
.1.3.6.1.4.1.8072.9999.9999.42.1.7.1.2.2 = ""
.1.3.6.1.4.1.8072.9999.9999.42.1.7.1.3.1 = "EE C1 4E 35 F5 9E "
.1.3.6.1.4.1.8072.9999.9999.42.1.7.1.3.2 = 0
.1.3.6.1.2.1.99.0 = No Such Object available on this agent at this OID
.1.3.6.1.2.1.4.35 = No more variables left in this MIB View (It is past the end of the MIB tree)
"""

EXPECTED = f"""ipForwarding.0 = 1

SNMP table: inetCidrRouteTable

index                                inetCidrRouteIfIndex inetCidrRouteType inetCidrRouteStatus
{R1}                       2                 4                   ?
{R2}                    4                 3                   1

SNMP table: ipAddressTable

index                                  ipAddressPrefix ipAddressStatus
1.4.192.0.2.5 ipAddressPrefixOrigin.2.1.4.192.0.2.0.24               1

ipmibdVersion.0 = "ipmibd 1.0"

SNMP table: ipmibdTableTable

index ipmibdTableName   ipmibdTableRows
1     say "two" lines EE C1 4E 35 F5 9E
2                  ""                 0

.1.3.6.1.2.1.99.0 = No Such Object available on this agent at this OID
.1.3.6.1.2.1.4.35 = No more variables left in this MIB View (It is past the end of the MIB tree)
"""

failures = []


def run(args, stdin):
    return subprocess.run([sys.executable, walktable, "--objects", objects] + args, input=stdin,
                          capture_output=True, text=True)


def expect(what, got, expected):
    if got != expected:
        failures.append(what)
        print(f"FAIL: {what}\n--- expected\n{expected}--- got\n{got}---")
    else:
        print(f"ok: {what}")


r = run([], WALK)
expect("snmptable-like text", r.stdout, EXPECTED)
expect("exit status", str(r.returncode), "0")

walk_file = os.path.join(work, "walk")
with open(walk_file, "w") as f:
    f.write(WALK)
expect("the walk from a file", run([walk_file], "").stdout, EXPECTED)

table = "".join(line + "\n" for line in WALK.splitlines() if ".24.7.1." in line)
expect("--brief drops the common prefix", run(["--brief"], table).stdout, f"""SNMP table: inetCidrRouteTable

index                                IfIndex Type Status
{R1}          2    4      ?
{R2}       4    3      1
""")
expect("--width splits, repeating the index", run(["--width", "80"], table).stdout, f"""SNMP table: inetCidrRouteTable

index                                inetCidrRouteIfIndex inetCidrRouteType
{R1}                       2                 4
{R2}                    4                 3

index                                inetCidrRouteStatus
{R1}                      ?
{R2}                   1
""")
named = run(["--require-names"], table)
expect("--require-names: every varbind named", f"{named.returncode} {named.stderr!r}", "0 ''")
unlisted = "".join(line + "\n" for line in WALK.splitlines() if ".24.7.1.8." in line or ".4.1.0 " in line)
objects_without_type = os.path.join(work, "objects-without-type")
with open(objects) as f, open(objects_without_type, "w") as g:
    g.write("".join(line for line in f if "inetCidrRouteType" not in line))
missing = subprocess.run([sys.executable, walktable, "--objects", objects_without_type, "--require-names"],
                         input=unlisted, capture_output=True, text=True)
expect("--require-names: a column the list misses fails, named on stderr", f"{missing.returncode} "
       f"{missing.stderr.count('not a listed column or scalar instance: .1.3.6.1.2.1.4.24.7.1.8.')}", "1 2")
expect("... and is printed below its entry", missing.stdout.splitlines()[1], f"inetCidrRouteEntry.8.{R1} = 4")
errors = run(["--require-names"], ".1.3.6.1.2.1.99.0 = No Such Object available on this agent at this OID\n")
expect("--require-names: an error instead of a value fails", str(errors.returncode), "1")
expect("an empty walk prints nothing", run([], "").stdout, "")
bad = run([], "inetCidrRouteIfIndex.1 = 2\n")
expect("named input (not -On) is refused", f"{bad.returncode} {bad.stderr.startswith('walktable.py: ')}", "2 True")

shutil.rmtree(work)
if failures:
    sys.exit(1)
print("PASS: walktable.py renders walks as snmptable does")
