#!/usr/bin/env python3
# netlink_overrun_test.py: integration test: a tiny netlink event buffer overrun by an `ip -batch` flood; ipmibd resyncs, counts it and serves exactly the kernel's routes.
"""Usage: netlink_overrun_test.py PATH/TO/ipmibd        (root; exit 77 = skipped)

ipmibd serves a network namespace (`backend linux netns NAME`) with `eventReceiveBuffer 1024`
(the kernel raises it to its minimum, a few KiB). The agent is stopped (SIGSTOP) while
`ip -batch` adds a few thousand routes, so the kernel must drop notifications (ENOBUFS); after
SIGCONT ipmibd has to notice, re-read the tables, count it in ipmibdResyncs, and serve an
inetCidrRouteTable equal to `ip -j route show` (destination, prefix, next hop, ifIndex). The same
again for a flood of deletions.
"""

import ipaddress
import json
import os
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import (Lab, LabError, ipmibd_argument, parse_walk, report_failure, run, start_ipmibd,  # noqa: E402
                       start_master, wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROUTE_IFINDEX = (1, 3, 6, 1, 2, 1, 4, 24, 7, 1, 7)  # inetCidrRouteIfIndex
RESYNCS = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 1, 3, 0)  # ipmibdResyncs.0
TABLE_LOADING = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 1, 7, 1, 5)
V6_ROUTES = 3000  # 2001:db8:100:N::/64 via 2001:db8:1::fe
V4_ROUTES = 256   # 203.0.113.N/32 via 192.0.2.1, and as many 198.51.100.N/32 on-link


def snmp(port, tool, oid, extra=()):
    args = [tool, "-v2c", "-c", "public", "-m", "", "-On", "-Oe", "-Ox", "-t", "5", "-r", "1", *extra,
            f"127.0.0.1:{port}", ".".join(map(str, oid))]
    res = run(args, check=False, timeout=60)
    return res.returncode, [r for r in parse_walk(res.stdout) if r[0] is not None and r[1] != "NOSUCH"]


def served_routes(port):
    """{(network, next hop or None, ifIndex)} from a walk of inetCidrRouteIfIndex; the walk must
    be strictly increasing."""
    rc, rows = snmp(port, "snmpbulkwalk", ROUTE_IFINDEX, ("-Cc", "-Cr50"))
    if rc != 0:
        raise LabError("walk of inetCidrRouteIfIndex failed")
    oids = [r[0] for r in rows]
    if any(a >= b for a, b in zip(oids, oids[1:])):
        raise LabError("walk of inetCidrRouteIfIndex not strictly increasing")
    out = set()
    n = len(ROUTE_IFINDEX)
    for oid, _typ, ifindex in rows:
        idx = oid[n:]
        dtype, dlen = idx[0], idx[1]
        dest, pfx = bytes(idx[2:2 + dlen]), idx[2 + dlen]
        i = 3 + dlen
        i += 1 + idx[i]  # policy
        nhlen = idx[i + 1]
        nh = bytes(idx[i + 2:i + 2 + nhlen])
        addr = ipaddress.ip_address(dest[:4] if dtype == 1 else dest[:16])
        gw = None if not any(nh) else ipaddress.ip_address(nh[:4] if len(nh) == 4 else nh[:16])
        out.add((ipaddress.ip_network(f"{addr}/{pfx}"), gw, ifindex))
    return out


def kernel_routes(lab, ns):
    links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link", "show").stdout)}
    out = set()
    for fam, default in (("-4", "0.0.0.0/0"), ("-6", "::/0")):
        for r in json.loads(lab.ip(ns, fam, "-j", "route", "show", "table", "main").stdout or "[]"):
            dst = default if r["dst"] == "default" else r["dst"]
            gw = ipaddress.ip_address(r["gateway"]) if "gateway" in r else None
            out.add((ipaddress.ip_network(dst, strict=False), gw, links.get(r.get("dev"), 0)))
    return out


def resyncs(port):
    rc, rows = snmp(port, "snmpget", RESYNCS)
    if rc != 0 or not rows:
        raise LabError("cannot read ipmibdResyncs")
    return rows[0][2]


def flood(lab, ns, agent, verb):
    """SIGSTOP ipmibd, apply the batch, SIGCONT: the kernel's queue for ipmibd overflows."""
    lines = [f"route {verb} 2001:db8:100:{n:x}::/64 via 2001:db8:1::fe dev d0" for n in range(V6_ROUTES)]
    lines += [f"route {verb} 203.0.113.{n}/32 via 192.0.2.1 dev d0" for n in range(V4_ROUTES)]
    lines += [f"route {verb} 198.51.100.{n}/32 dev d0" for n in range(V4_ROUTES)]
    batch = lab.path(f"{verb}.batch")
    with open(batch, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.kill(agent.pid, signal.SIGSTOP)
    try:
        lab.ip(ns, "-batch", batch)
    finally:
        os.kill(agent.pid, signal.SIGCONT)


def converge(lab, ns, port, agent, after, what):
    """Waits until ipmibdResyncs > after and the served routes equal the kernel's."""
    state = {}

    def equal():
        if agent.poll() is not None:
            raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
        state["resyncs"] = resyncs(port)
        if state["resyncs"] <= after:
            return False
        state["served"], state["kernel"] = served_routes(port), kernel_routes(lab, ns)
        return state["served"] == state["kernel"]
    try:
        wait_for(equal, 30, interval=0.5, what=what)
    except LabError:
        served, kernel = state.get("served", set()), state.get("kernel", set())
        print(f"{what}: ipmibdResyncs {state.get('resyncs')} (before {after}); served {len(served)}, "
              f"kernel {len(kernel)}; only served: {sorted(map(str, served - kernel))[:5]}; "
              f"only kernel: {sorted(map(str, kernel - served))[:5]}")
        raise
    print(f"{what}: {len(state['kernel'])} routes served as the kernel has them, "
          f"ipmibdResyncs {state['resyncs']}")
    return state["resyncs"]


def main():
    ipmibd = ipmibd_argument(__doc__, ("snmpd", "snmpbulkwalk", "snmpget", "ip"))
    lab = Lab("ovr")
    try:
        try:
            ns = lab.netns("n")
        except LabError as e:
            print(f"SKIP: cannot create a network namespace: {e}")
            return 77
        lab.test_link(ns, "2001:db8:1::1/64")

        port, sock, master = start_master(lab)
        agent = start_ipmibd(lab, ipmibd, f"backend linux netns {ns}\neventReceiveBuffer 1024\n", sock)

        def loaded():
            if agent.poll() is not None:
                raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
            _, rows = snmp(port, "snmpwalk", TABLE_LOADING)
            return rows and all(v == 2 for _, _, v in rows)
        wait_for(loaded, 15, interval=0.1, what="ipmibd to register and load its tables")
        before = resyncs(port)
        if served_routes(port) != kernel_routes(lab, ns):
            raise LabError("served routes differ from the kernel's before the flood")

        flood(lab, ns, agent, "add")
        after_add = converge(lab, ns, port, agent, before, "add flood")
        flood(lab, ns, agent, "del")
        converge(lab, ns, port, agent, after_add, "delete flood")
        print("PASS")
        return 0
    except LabError as e:
        return report_failure(lab, f"FAIL: {e}")
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
