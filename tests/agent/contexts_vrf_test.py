#!/usr/bin/env python3
# contexts_vrf_test.py: integration test: VRF contexts (`context NAME vrf V`, `context auto vrf`)
# through a real snmpd master, with the simulator backend (this machine's kernel has no VRF driver).
"""Usage: contexts_vrf_test.py PATH/TO/ipmibd        (root; exit 77 = skipped)

Scenario: veth v0 (ifIndex 3) enslaved to VRF blue (6, table 10), veth v1 (5) to VRF red (7, table
20), dummy d9 (8) in neither; v0 and v1 hold the same 192.0.2.1/24 and the same neighbor 192.0.2.2
with different MACs, and each VRF routes 198.18.0.0/15 via its own next hop. Dummy e9 (9) is
enslaved to blue 3 s after load and released 9 s later; VRF red is deleted 25 s after load.
ipmibd.conf: `context tenant-blue vrf blue` and `context auto vrf` (serving blue and red under
their names too). v2c communities map to contexts (com2sec -Cn); one walk is SNMPv3 with -n.
Checks: each VRF context shows only its table's routes and its interfaces' addresses, neighbors
and IPv4 interfaces; the default context is the whole namespace; a createAndGo in tenant-blue
lands in table 10 (the VRF instance's backend exports nothing else); SETs naming d9 or v1 in
tenant-blue are refused with inconsistentValue and change nothing; e9's rows appear in the blue
contexts when enslaved and disappear when released; red's deletion unregisters context red.
(With the simulator every context has its own copy of the scenario: a write in one context is
not seen by the others, so "lands in table 10" is shown by the VRF instance, not by the others.)
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import (Checks, Lab, LabError, ipmibd_argument, parse_walk, report_failure, run,  # noqa: E402
                       start_ipmibd, start_master, wait_for)

ROUTE = "1.3.6.1.2.1.4.24.7.1"  # inetCidrRouteEntry
IF_INDEX, STATUS = 7, 17
NEIGH = "1.3.6.1.2.1.4.35.1"  # ipNetToPhysicalEntry
NEIGH_PHYS, NEIGH_STATUS = 4, 8
ADDRESS_IF_INDEX = "1.3.6.1.2.1.4.34.1.3"  # ipAddressIfIndex
IPV4_IF_REASM = "1.3.6.1.2.1.4.28.1.2"  # ipv4InterfaceReasmMaxSize
V0, V1, BLUE, RED, D9, E9 = 3, 5, 6, 7, 8, 9

SCENARIO = """
link add v0 type veth peer name p0
link add v1 type veth peer name p1
link add blue type vrf table 10
link add red type vrf table 20
link add d9 type dummy
link add e9 type dummy
link set blue up
link set red up
link set v0 master blue
link set v1 master red
link set p0 up
link set v0 up
link set p1 up
link set v1 up
link set d9 up
link set e9 up
addr add 192.0.2.1/24 dev v0
addr add 192.0.2.1/24 dev v1
addr add 198.51.100.1/24 dev d9
addr add 203.0.113.65/26 dev e9
addr add 203.0.113.1/32 dev blue
neigh add 192.0.2.2 lladdr 02:00:00:00:00:aa dev v0
neigh add 192.0.2.2 lladdr 02:00:00:00:00:bb dev v1
neigh add 198.51.100.2 lladdr 02:00:00:00:00:cc dev d9
route add 198.18.0.0/15 via 192.0.2.254 dev v0 table 10
route add 198.18.0.0/15 via 192.0.2.253 dev v1 table 20
at 3s link set e9 master blue
at 12s link set e9 nomaster
at 25s link del red
"""

COMMUNITIES = {"tenant-blue": ("pubT", "privT"), "blue": ("pubB", "privB"), "red": ("pubR", "privR")}


def snmp(port, tool, community, *args, check=False):
    return run([tool, "-v2c", "-c", community, "-m", "", "-On", "-Oe", "-Ox", "-t", "3", "-r", "1",
                f"127.0.0.1:{port}", *args], check=check, timeout=60)


def v4(parts):
    return ".".join(map(str, parts))


def routes(port, community):
    """IPv4 rows of inetCidrRouteTable: {(destination, prefix, next hop or '')}."""
    out = snmp(port, "snmpbulkwalk", community, f"{ROUTE}.{IF_INDEX}").stdout
    rows = set()
    base = len(ROUTE.split(".")) + 1
    for oid, typ, _ in parse_walk(out):
        if oid is None or typ == "NOSUCH":
            continue
        s = list(oid[base:])
        if s[0] != 1:
            continue
        dest, prefix = v4(s[2:6]), s[6]
        i = 7 + 1 + s[7]  # policy
        hop = v4(s[i + 2:i + 6]) if s[i] == 1 else ""
        rows.add((dest, prefix, "" if hop == "0.0.0.0" else hop))
    return rows


def addresses(port, community):
    """IPv4 ipAddressTable rows: {address: ifIndex}."""
    out = snmp(port, "snmpbulkwalk", community, ADDRESS_IF_INDEX).stdout
    base = len(ADDRESS_IF_INDEX.split("."))
    return {v4(oid[base + 2:base + 6]): value for oid, typ, value in parse_walk(out)
            if oid is not None and typ == "INTEGER" and oid[base] == 1}


def neighbors(port, community):
    """IPv4 ipNetToPhysicalTable rows: {(ifIndex, address): mac}."""
    out = snmp(port, "snmpbulkwalk", community, f"{NEIGH}.{NEIGH_PHYS}").stdout
    base = len(NEIGH.split(".")) + 1
    return {(oid[base], v4(oid[base + 3:base + 7])): value for oid, typ, value in parse_walk(out)
            if oid is not None and typ == "STRING" and oid[base + 1] == 1}


def ipv4_interfaces(port, community):
    out = snmp(port, "snmpbulkwalk", community, IPV4_IF_REASM).stdout
    base = len(IPV4_IF_REASM.split("."))
    return {oid[base] for oid, typ, _ in parse_walk(out) if oid is not None and typ == "INTEGER"}


def main():
    ipmibd = ipmibd_argument(__doc__, ["snmpd", "snmpwalk", "snmpbulkwalk", "snmpset"])
    lab = Lab("vrf")
    try:
        scenario = lab.path("vrfs.scn")
        with open(scenario, "w") as f:
            f.write(SCENARIO)
        conf = ["view all included .1", "com2sec secD 127.0.0.1 private", "group gD v2c secD",
                'access gD "" any noauth exact all all none',
                'createUser vrfuser SHA "vrf-auth-pass" AES "vrf-priv-pass"', "group gV usm vrfuser",
                'access gV "" usm priv prefix all none none']
        for context, (ro, rw) in COMMUNITIES.items():
            conf += [f"com2sec -Cn {context} ro{context} 127.0.0.1 {ro}",
                     f"com2sec -Cn {context} rw{context} 127.0.0.1 {rw}",
                     f"group gro{context} v2c ro{context}", f"group grw{context} v2c rw{context}",
                     f"access gro{context} {context} any noauth exact all none none",
                     f"access grw{context} {context} any noauth exact all all none"]
        port, sock, _ = start_master(lab, "\n".join(conf) + "\n")
        ipmibd_conf = (f"backend sim {scenario}\nagentxPingInterval 1\n"
                       "writeAccess inetCidrRouteTable ipNetToPhysicalTable\n"
                       "stateFile none\ncontext tenant-blue vrf blue\ncontext auto vrf\n")
        agent = start_ipmibd(lab, ipmibd, ipmibd_conf, sock)

        def serving():
            if agent.poll() is not None:
                raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
            return all(snmp(port, "snmpget", ro, "1.3.6.1.2.1.4.24.6.0").stdout.count("Gauge32") == 1
                       for ro, _ in [("public", "")] + list(COMMUNITIES.values()))
        wait_for(serving, 20, interval=0.2, what="every context answering inetCidrRouteNumber.0")

        check = Checks()
        failures = check.failures

        # Reads: each VRF context is its VRF; the default context the namespace.
        for context in ("tenant-blue", "blue"):
            ro = COMMUNITIES[context][0]
            r = routes(port, ro)
            check(f"{context}: blue's route to 198.18.0.0/15 via 192.0.2.254", ("198.18.0.0", 15, "192.0.2.254") in r,
                  sorted(r))
            check(f"{context}: v0's connected route is in table 10", ("192.0.2.0", 24, "") in r, sorted(r))
            check(f"{context}: not red's next hop, not main's routes",
                  ("198.18.0.0", 15, "192.0.2.253") not in r and ("198.51.100.0", 24, "") not in r, sorted(r))
            a = {k: v for k, v in addresses(port, ro).items() if k != "203.0.113.65"}  # e9: timed below
            check(f"{context}: ipAddressTable is v0's and blue's", a == {"192.0.2.1": V0, "203.0.113.1": BLUE}, a)
            n = neighbors(port, ro)
            check(f"{context}: ipNetToPhysicalTable is v0's neighbor with its MAC",
                  n == {(V0, "192.0.2.2"): "0200000000aa"}, n)
            i = ipv4_interfaces(port, ro) - {E9}
            check(f"{context}: ipv4InterfaceTable is v0 and blue", i == {V0, BLUE}, i)
        r = routes(port, "pubR")
        check("red: its own next hop for the overlapping prefix", ("198.18.0.0", 15, "192.0.2.253") in r and
              ("198.18.0.0", 15, "192.0.2.254") not in r, sorted(r))
        a = addresses(port, "pubR")
        check("red: 192.0.2.1 is v1's", a == {"192.0.2.1": V1}, a)
        n = neighbors(port, "pubR")
        check("red: v1's neighbor with its MAC", n == {(V1, "192.0.2.2"): "0200000000bb"}, n)
        d = routes(port, "public")
        check("default context: main's routes (d9's connected one), no VRF route",
              ("198.51.100.0", 24, "") in d and not any(x[0] == "198.18.0.0" for x in d), sorted(d))
        n = neighbors(port, "public")
        check("default context: every interface's neighbors", {(V0, "192.0.2.2"), (V1, "192.0.2.2"),
                                                               (D9, "198.51.100.2")} <= set(n), n)
        v3 = run(["snmpbulkwalk", "-v3", "-u", "vrfuser", "-l", "authPriv", "-a", "SHA", "-A", "vrf-auth-pass", "-x",
                  "AES", "-X", "vrf-priv-pass", "-n", "red", "-m", "", "-On", "-Oe", "-Ox", f"127.0.0.1:{port}",
                  ADDRESS_IF_INDEX], check=False, timeout=60)
        base = len(ADDRESS_IF_INDEX.split("."))
        rows = {oid[base + 2:] for oid, typ, value in parse_walk(v3.stdout) if typ == "INTEGER" and value == V1}
        others = [value for oid, typ, value in parse_walk(v3.stdout) if typ != "INTEGER" or value != V1]
        check("SNMPv3 -n red: ipAddressTable has red's rows only (v1's)", (192, 0, 2, 1) in rows and not others,
              repr(v3.stdout + v3.stderr))

        # Writes: a route created in tenant-blue is in table 10.
        index = "1.4.100.64.0.0.10.2.0.0.1.4.192.0.2.254"  # 100.64.0.0/10 via 192.0.2.254
        r = snmp(port, "snmpset", "privT", f"{ROUTE}.{IF_INDEX}.{index}", "i", str(V0), f"{ROUTE}.{STATUS}.{index}",
                 "i", "4")
        check("tenant-blue: createAndGo answered", r.returncode == 0, r.stdout + r.stderr)
        check("tenant-blue: the route is in the VRF's table 10",
              ("100.64.0.0", 10, "192.0.2.254") in routes(port, "pubT"))
        check("tenant-blue: the SET is logged with table 10", "100.64.0.0/10 via 192.0.2.254 dev 3 table 10"
              in open(lab.path("ipmibd.log")).read(), lab.log_tail("ipmibd.log"))
        r = snmp(port, "snmpset", "privT", f"{ROUTE}.{STATUS}.{index}", "i", "6")
        check("tenant-blue: destroy of the VRF's route answered", r.returncode == 0, r.stdout + r.stderr)
        check("tenant-blue: the route is gone", ("100.64.0.0", 10, "192.0.2.254") not in routes(port, "pubT"))
        r = snmp(port, "snmpset", "privT", f"{ROUTE}.{IF_INDEX}.{index}", "i", str(V0), f"{ROUTE}.{STATUS}.{index}",
                 "i", "4")
        check("tenant-blue: created again", r.returncode == 0 and
              ("100.64.0.0", 10, "192.0.2.254") in routes(port, "pubT"), r.stdout + r.stderr)
        # Refusals: d9 (no VRF) and v1 (red's) are not tenant-blue's interfaces.
        before = (routes(port, "pubT"), neighbors(port, "pubT"))
        for name, if_index in (("d9", D9), ("v1", V1)):
            index = "1.4.198.18.5.0.24.2.0.0.1.4.192.0.2.254"
            r = snmp(port, "snmpset", "privT", f"{ROUTE}.{IF_INDEX}.{index}", "i", str(if_index),
                     f"{ROUTE}.{STATUS}.{index}", "i", "4")
            check(f"tenant-blue: a route via {name} is refused (inconsistentValue)",
                  r.returncode != 0 and "inconsistentValue" in r.stdout + r.stderr, r.stdout + r.stderr)
            neigh = f"{if_index}.1.4.192.0.2.77"
            r = snmp(port, "snmpset", "privT", f"{NEIGH}.{NEIGH_PHYS}.{neigh}", "x", "020000000077",
                     f"{NEIGH}.{NEIGH_STATUS}.{neigh}", "i", "4")
            check(f"tenant-blue: a neighbor on {name} is refused (inconsistentValue)",
                  r.returncode != 0 and "inconsistentValue" in r.stdout + r.stderr, r.stdout + r.stderr)
        after = (routes(port, "pubT"), neighbors(port, "pubT"))
        check("the refusals changed nothing", after == before, after)
        red_neighbors = neighbors(port, "pubR")
        check("red's neighbors untouched", red_neighbors == {(V1, "192.0.2.2"): "0200000000bb"}, red_neighbors)

        # e9 enslaved at 3 s, released at 12 s: its rows come and go in both blue contexts.
        for context in ("tenant-blue", "blue"):
            ro = COMMUNITIES[context][0]
            try:
                wait_for(lambda: addresses(port, ro).get("203.0.113.65") == E9 and
                         ("203.0.113.64", 26, "") in routes(port, ro), 20, interval=0.3,
                         what=f"{context}: e9's address and connected route after `link set e9 master blue`")
                check(f"{context}: e9 enslaved: its address and route appear", True)
                check(f"{context}: e9 enslaved: its IPv4 interface row appears", E9 in ipv4_interfaces(port, ro))
            except LabError as e:
                check(f"{context}: e9 enslaved: its rows appear", False, str(e))
        for context in ("tenant-blue", "blue"):
            ro = COMMUNITIES[context][0]
            try:
                wait_for(lambda: "203.0.113.65" not in addresses(port, ro) and E9 not in ipv4_interfaces(port, ro)
                         and ("203.0.113.64", 26, "") not in routes(port, ro), 25, interval=0.3,
                         what=f"{context}: e9's rows gone after `link set e9 nomaster`")
                check(f"{context}: e9 released: no stale address, interface or route rows", True)
            except LabError as e:
                check(f"{context}: e9 released: its rows go", False, str(e))
        check("default context: e9's address stays (it is the namespace's)",
              addresses(port, "public").get("203.0.113.65") == E9)

        # red deleted at 25 s: context red unregistered, logged; the others still served.
        def red_gone():
            out = snmp(port, "snmpget", "pubR", "1.3.6.1.2.1.4.24.6.0")
            return "Gauge32" not in out.stdout
        try:
            wait_for(red_gone, 40, interval=0.5, what="context red no longer answering")
            check("red deleted: context red no longer served", True)
        except LabError as e:
            check("red deleted: context red no longer served", False, str(e))
        log = open(lab.path("ipmibd.log")).read()
        check("red's deletion is logged", "VRF red deleted: context red no longer served" in log, lab.log_tail("ipmibd.log"))
        check("blue still served", ("198.18.0.0", 15, "192.0.2.254") in routes(port, "pubB"))
        check("ipmibd still running", agent.poll() is None)

        if failures:
            report_failure(lab, f"{len(failures)} check(s) failed", lines=80)
            return 1
        print("contexts_vrf_test: passed")
        return 0
    except LabError as e:
        report_failure(lab, str(e))
        return 1
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
