#!/usr/bin/env python3
# deprecated_views_test.py: integration test: the deprecated ip group objects (ip counters,
# ipReasmTimeout, ipAddrTable, ipNetToMediaTable) against Debian's snmpd on one namespace, and
# ipNetToMediaTable writes against the kernel.
"""Usage: deprecated_views_test.py PATH/TO/ipmibd        (root; exit 77 = skipped)

1. A namespace with secondary addresses, a broadcast address, the same address on two links,
   static and learnt neighbors; Debian's snmpd (its own modules) and ipmibd behind a master.
2. ipAddrTable and ipNetToMediaTable must equal Debian's instance by instance, except the named
   differences: ipAdEntReasmMaxSize (Debian: none; ours 65535) and ipReasmTimeout (Debian serves
   /proc/net/snmp's ReasmTimeout, a COUNTER of timed-out reassemblies; ours net.ipv4.ipfrag_time).
   The counters are served for the same objects with the same types; their values lie between two
   reads of /proc/net/snmp around ours, and equal ipSystemStatsTable's ipv4 row in one PDU.
3. snmpset through ipNetToMediaTable: create (PhysAddress + NetAddress + Type static), change,
   Type invalid(2) deletes; refusals leave `ip -j neigh` unchanged.
"""

import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_with_snmpd import (IP, OURS_PORT, REF_PORT, SNMP_ENV, disabled_modules, ipmibd_env,  # noqa: E402
                                start_reference, walk)
from netns_lab import Lab, LabError, ipmibd_argument, report_failure, run, wait_for  # noqa: E402

COUNTERS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 23]
PROC_FIELDS = {3: "InReceives", 4: "InHdrErrors", 5: "InAddrErrors", 6: "ForwDatagrams", 7: "InUnknownProtos",
               8: "InDiscards", 9: "InDelivers", 10: "OutRequests", 11: "OutDiscards", 12: "OutNoRoutes",
               14: "ReasmReqds", 15: "ReasmOKs", 16: "ReasmFails", 17: "FragOKs", 18: "FragFails",
               19: "FragCreates"}


def proc_ip(lab, ns):
    lines = [l.split() for l in lab.exec_in(ns, ["cat", "/proc/net/snmp"]).stdout.splitlines()
             if l.startswith("Ip:")]
    return dict(zip(lines[0][1:], map(int, lines[1][1:])))


def snmp(ns, tool, *args, check=False):
    return run(["ip", "netns", "exec", ns, tool, "-v2c", "-c", "public", "-m", "", "-On", "-t", "2", "-r", "0",
                f"127.0.0.1:{OURS_PORT}", *args], check=check, env=SNMP_ENV)


def start_ours(lab, ns, ipmibd):
    """As compare_with_snmpd's start_ours, but the master lets the loopback write (rwcommunity)."""
    sock = lab.path("agentx.sock")
    conf = lab.path("master.conf")
    with open(conf, "w") as f:
        f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\nrwcommunity public 127.0.0.1\n"
                "dontLogTCPWrappersConnects yes\n")
    master = lab.spawn(["ip", "netns", "exec", ns, "snmpd", "-f", "-Lf", lab.path("master.log"), "-C", "-c", conf,
                        "-I", "-" + disabled_modules(), "-p", lab.path("master.pid"), f"udp:127.0.0.1:{OURS_PORT}"],
                       "master.out", env=SNMP_ENV)
    wait_for(lambda: os.path.exists(sock) or master.poll() is not None, 10, what="AgentX socket")
    iconf = lab.path("ipmibd.conf")
    with open(iconf, "w") as f:
        f.write(f"backend linux netns {ns}\nagentxPingInterval 1\nwriteAccess ipNetToMediaTable\n")
    agent = lab.spawn([ipmibd, "-f", "-Lf", lab.path("ipmibd.log"), "-C", "-c", iconf, "-x", sock], "ipmibd.out",
                      env=ipmibd_env())
    info = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 1)

    def loaded():
        if agent.poll() is not None:
            raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
        rows = walk(ns, OURS_PORT, info + (7, 1, 5), check=False)
        return rows and all(v == 2 for _, _, v in rows)
    wait_for(loaded, 15, interval=0.1, what="ipmibd to register and load its tables")


def neighbors(lab, ns):
    return sorted((n["dst"], n["dev"], n.get("lladdr", ""), tuple(n.get("state", [])))
                  for n in json.loads(lab.ip(ns, "-j", "neigh", "show").stdout))


def main():
    ipmibd = ipmibd_argument(__doc__, ["snmpd", "snmpbulkwalk", "snmpset"])
    lab = Lab("dv")
    failures = []
    try:
        ns, peer = lab.netns("a"), lab.netns("b")
        for cmd in (["link", "add", "d0", "type", "veth", "peer", "name", "d1", "netns", peer],
                    ["link", "add", "e0", "type", "veth", "peer", "name", "e1", "netns", peer],
                    ["link", "set", "d0", "up"], ["link", "set", "e0", "up"],
                    ["addr", "add", "192.0.2.1/24", "brd", "+", "dev", "d0"],
                    ["addr", "add", "192.0.2.9/24", "dev", "d0"],
                    ["addr", "add", "198.51.100.1/25", "dev", "e0"],
                    ["addr", "add", "10.9.9.9/8", "brd", "+", "dev", "e0", "label", "e0:1"],
                    ["addr", "add", "203.0.113.77/24", "dev", "e0"],
                    ["addr", "add", "203.0.113.77/28", "dev", "d0"],
                    ["addr", "add", "2001:db8::1/64", "dev", "d0", "nodad"],
                    ["neigh", "add", "192.0.2.77", "lladdr", "02:00:00:00:00:77", "dev", "d0", "nud", "permanent"],
                    ["neigh", "add", "198.51.100.7", "lladdr", "02:00:00:00:00:07", "dev", "e0", "nud", "reachable"],
                    ["neigh", "add", "2001:db8::7", "lladdr", "02:00:00:00:00:07", "dev", "d0"]):
            lab.ip(ns, *cmd)
        for cmd in (["link", "set", "d1", "up"], ["link", "set", "e1", "up"]):
            lab.ip(peer, *cmd)
        lab.exec_in(ns, ["sysctl", "-qw", "net.ipv4.ipfrag_time=17"])
        d0 = json.loads(lab.ip(ns, "-j", "link", "show", "d0").stdout)[0]["ifindex"]
        start_reference(lab, ns)
        start_ours(lab, ns, ipmibd)

        # ---- reads against Debian -----------------------------------------------------------
        for entry, name in ((IP + (20, 1), "ipAddrTable"), (IP + (22, 1), "ipNetToMediaTable")):
            ref = {o: (t, v) for o, t, v in walk(ns, REF_PORT, entry)}
            ours = {o: (t, v) for o, t, v in walk(ns, OURS_PORT, entry)}
            reasm = {o for o in ours if o[len(entry)] == 5}  # ipAdEntReasmMaxSize: Debian has none
            if entry == IP + (20, 1) and any(ours[o] != ("INTEGER", 65535) for o in reasm):
                failures.append(f"ipAdEntReasmMaxSize not 65535: {sorted(ours[o] for o in reasm)}")
            if not ref:
                failures.append(f"{name}: Debian serves no rows")
            for oid in sorted(set(ref) | set(ours) - reasm):
                if ref.get(oid) != ours.get(oid):
                    failures.append(f"{name} {'.'.join(map(str, oid))}: Debian {ref.get(oid)}, ours {ours.get(oid)}")
        # The statistics snapshot is re-read at most once per ipSystemStatsRefreshRate (1 s): wait it
        # out so that the one our walk sees is taken after `before`.
        time.sleep(1.1)
        before = proc_ip(lab, ns)
        ours = {o[len(IP)]: (t, v) for o, t, v in walk(ns, OURS_PORT, IP, tool="snmpwalk")
                if len(o) == len(IP) + 2 and o[len(IP)] in COUNTERS + [13]}
        after = proc_ip(lab, ns)
        ref = {o[len(IP)]: (t, v) for o, t, v in walk(ns, REF_PORT, IP, tool="snmpwalk")
               if len(o) == len(IP) + 2 and o[len(IP)] in COUNTERS + [13]}
        if sorted(ours) != sorted(ref) or any(ours[i][0] != ref[i][0] for i in ours):
            failures.append(f"ip scalars differ in objects or types: Debian {ref}, ours {ours}")
        if ours.get(13) != ("INTEGER", 17):
            failures.append(f"ipReasmTimeout: {ours.get(13)}, expected net.ipv4.ipfrag_time 17")
        for i, field in PROC_FIELDS.items():
            if i in ours and not before[field] <= ours[i][1] <= after[field]:
                failures.append(f"ip.{i} ({field}) = {ours[i][1]} outside [{before[field]}, {after[field]}]")
        if ours.get(23) != ("Counter32", 0) or ref.get(23) != ("Counter32", 0):
            failures.append(f"ipRoutingDiscards: Debian {ref.get(23)}, ours {ours.get(23)}")
        # One PDU: ipInReceives and ipSystemStatsInReceives.ipv4 from the same snapshot.
        out = snmp(ns, "snmpget", "1.3.6.1.2.1.4.3.0", "1.3.6.1.2.1.4.31.1.1.3.1").stdout.split("\n")
        values = [l.split(": ")[-1] for l in out if "Counter32" in l]
        if len(values) != 2 or values[0] != values[1]:
            failures.append(f"ipInReceives vs ipSystemStatsInReceives.1 in one PDU: {out}")

        # ---- writes against the kernel -------------------------------------------------------
        idx = f"{d0}.192.0.2.50"
        media = "1.3.6.1.2.1.4.22.1"
        res = snmp(ns, "snmpset", f"{media}.2.{idx}", "x", "02000000aa01", f"{media}.3.{idx}", "a", "192.0.2.50",
                   f"{media}.4.{idx}", "i", "4")
        kernel = [n for n in neighbors(lab, ns) if n[0] == "192.0.2.50"]
        if res.returncode != 0 or kernel != [("192.0.2.50", "d0", "02:00:00:00:aa:01", ("PERMANENT",))]:
            failures.append(f"create: {res.stdout}{res.stderr} kernel {kernel}")
        res = snmp(ns, "snmpset", f"{media}.2.{idx}", "x", "02000000aa02")
        kernel = [n for n in neighbors(lab, ns) if n[0] == "192.0.2.50"]
        if res.returncode != 0 or kernel != [("192.0.2.50", "d0", "02:00:00:00:aa:02", ("PERMANENT",))]:
            failures.append(f"change: {res.stdout}{res.stderr} kernel {kernel}")
        snapshot = neighbors(lab, ns)
        for args, error in (([f"{media}.3.{idx}", "a", "192.0.2.51"], "wrongValue"),
                            ([f"{media}.4.{idx}", "i", "3"], "wrongValue"),
                            ([f"{media}.2.{idx}", "x", "0102"], "wrongLength"),
                            ([f"{media}.2.999.192.0.2.60", "x", "02000000aa03"], "inconsistentValue"),
                            ([f"{media}.2.{d0}.224.0.0.1", "x", "02000000aa03"], "inconsistentName"),
                            ([f"{media}.4.{d0}.192.0.2.61", "i", "4"], "noCreation")):
            res = snmp(ns, "snmpset", *args)
            if error not in res.stderr + res.stdout:
                failures.append(f"{args}: expected {error}, got {res.stdout}{res.stderr}")
            if neighbors(lab, ns) != snapshot:
                failures.append(f"{args}: the kernel changed: {neighbors(lab, ns)}")
        res = snmp(ns, "snmpset", f"{media}.4.{idx}", "i", "2")
        if res.returncode != 0 or any(n[0] == "192.0.2.50" for n in neighbors(lab, ns)):
            failures.append(f"Type invalid: {res.stdout}{res.stderr} kernel {neighbors(lab, ns)}")
    except LabError as e:
        return report_failure(lab, f"FAIL: {e}", logs=("ipmibd.log", "master.log", "reference.log"))
    if failures:
        return report_failure(lab, "FAIL:\n  " + "\n  ".join(failures))
    print("PASS: deprecated ip views equal Debian's (named differences aside) and write through to the kernel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
