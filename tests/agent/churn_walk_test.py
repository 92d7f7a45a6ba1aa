#!/usr/bin/env python3
# churn_walk_test.py: integration test: walks and multi-varbind GETs of inetCidrRouteTable through a real snmpd master while 100,000 route adds and deletes churn the kernel's table.
"""Usage: churn_walk_test.py PATH/TO/ipmibd        (root; exit 77 = skipped)

A network namespace with a veth pair (vethA, vethB) holds a few thousand stable routes (RFC 5737 /
3849 ranges). ipmibd serves it (`backend linux netns NAME`) over AgentX behind a private snmpd
master with its IP modules disabled. Then, concurrently until the churn is done:

- churn: `ip -force -batch` files of a few thousand lines add and delete IPv4 and IPv6 routes,
  at least CHURN_CHANGES (100,000) successful adds and deletes in total (counted: lines minus
  failures), and on until every reader has had its share (a fast kernel makes 100,000 in seconds);
- flap: routes with a gateway (policy {0 0}, so the index holds no ifIndex) are replaced in a loop
  between two versions that differ in two served columns at once: version A `dev vethA proto
  static` (inetCidrRouteIfIndex vethA, inetCidrRouteProto netmgmt(3)) and version B `dev vethB
  onlink proto bgp` (vethB, bgp(14));
- walkers: `snmpbulkwalk -Cr50` and `snmpwalk` of inetCidrRouteIfIndex / inetCidrRouteProto;
- getter: GET PDUs of many varbinds: both columns of every flapping row, of some churned rows,
  and inetCidrRouteIfIndex of some stable rows.

Asserts: every walk terminates (30 s) with strictly increasing OIDs inside its column, contains
every stable row with its original value, and no row that was never configured; a flapping row
read in a walk has a value of version A or B; in one GET PDU both columns of a row are one version
(or both noSuchInstance), every stable row is there with its value. Afterwards ipmibd is alive and,
after a short settle, its inetCidrRouteTable equals `ip -j route show table main` (-4 and -6):
the same number of rows and the same (destination, next hop, ifIndex) set. The reads must have
seen churned rows (they overlapped the churn) and both versions of the flapping rows.
"""

import ipaddress
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_with_snmpd import (OURS_PORT, ROUTE_ENTRY, parse_route_index, route_oid, start_ours,  # noqa: E402
                                walk)
from netns_lab import (Lab, LabError, Netns, _ber_int, _ber_oid, _read_tlv, _tlv, ipmibd_argument,  # noqa: E402
                       report_failure, wait_for)

CHURN_CHANGES = 100_000
RESYNCS = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 1, 3, 0)  # ipmibdResyncs.0 (event buffer overruns)
IFINDEX, PROTO = 7, 9  # inetCidrRouteIfIndex, inetCidrRouteProto
NETMGMT, BGP = 3, 14   # IANAipRouteProtocol of `proto static` / `proto bgp`
GW4, GW6 = "198.51.100.2", "2001:db8:3::fe"  # GW6 is on no connected prefix: onlink on both links
STABLE4 = [f"203.0.113.{n}/32" for n in range(200)]                  # via GW4, policy {0 0}
STABLE4_LINK = [f"192.0.2.{n}/32" for n in range(256)]              # on vethA, policy {0 0 ifIndex}
STABLE6 = [f"2001:db8:a:{n:x}::/64" for n in range(1800)]           # via GW6 onlink vethA
FLAP4 = [f"203.0.113.{n}/32" for n in range(240, 248)]
FLAP6 = [f"2001:db8:f::{n:x}/128" for n in range(1, 5)]
# Churned: every prefix of length 25..31 in two IPv4 /24s, and IPv6 /64s.
CHURN4 = [f"{net}.{a}/{pfx}" for net in ("203.0.113", "192.0.2") for pfx in range(25, 32)
          for a in range(0, 256, 1 << (32 - pfx))]
CHURN6 = [f"2001:db8:c:{n:x}::/64" for n in range(2000)]
WALK_TIMEOUT = 30
# The churn goes on until each (tool, column) walk has run WALKS_EACH times and GETS GET PDUs
# have been answered, within CHURN_LIMIT seconds (the test must end in about a minute).
WALKS_EACH, GETS, CHURN_LIMIT = 2, 300, 40


def gateway_of(prefix):
    return GW4 if ":" not in prefix else GW6


def index_of(prefix):
    """inetCidrRouteTable index of a route with a gateway: policy {0 0}, no ifIndex."""
    net = ipaddress.ip_network(prefix)
    return route_oid(str(net.network_address), net.prefixlen, gateway_of(prefix))[len(ROUTE_ENTRY) + 1:]


def flap_line(prefix, version):
    if version == "A":
        onlink = " onlink" if ":" in prefix else ""
        return f"route replace {prefix} via {gateway_of(prefix)} dev vethA{onlink} proto static\n"
    return f"route replace {prefix} via {gateway_of(prefix)} dev vethB onlink proto bgp\n"


def write_lines(path, lines):
    with open(path, "w") as f:
        f.writelines(lines)
    return len(lines)


def ip_batch(ns, path):
    """Runs one `ip -force -batch` file; returns the number of lines that failed."""
    res = subprocess.run(["ip", "-n", ns, "-force", "-batch", path], capture_output=True, text=True,
                         timeout=120)
    return res.stderr.count("Command failed")


# ---- a GET of many varbinds in one PDU ---------------------------------------------------------
class MultiGet:
    """SNMPv2c GET of several varbinds in one PDU over a UDP socket created inside namespace `ns`;
    returns [(tag, int value or None)] in request order (tag 0x81 = noSuchInstance)."""

    def __init__(self, ns, port):
        with Netns(ns):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addr = ("127.0.0.1", port)
        self.rid = random.randrange(1 << 30)

    def close(self):
        self.sock.close()

    def get(self, oids, timeout=5.0):
        self.rid = (self.rid + 1) & 0x3FFFFFFF
        vbl = b"".join(_tlv(0x30, _ber_oid(o) + b"\x05\x00") for o in oids)
        pdu = _tlv(0xA0, _ber_int(self.rid) + _ber_int(0) + _ber_int(0) + _tlv(0x30, vbl))
        self.sock.sendto(_tlv(0x30, _ber_int(1) + _tlv(0x04, b"public") + pdu), self.addr)
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                raise LabError(f"GET of {len(oids)} varbinds: no answer in {timeout} s") from None
            _, msg, _ = _read_tlv(data, 0)
            _, _, pos = _read_tlv(msg, 0)
            _, _, pos = _read_tlv(msg, pos)
            _, pdu, _ = _read_tlv(msg, pos)
            _, rid, pos = _read_tlv(pdu, 0)
            if int.from_bytes(rid, "big", signed=True) != self.rid:
                continue  # a late answer to an earlier request
            _, err, pos = _read_tlv(pdu, pos)
            if int.from_bytes(err, "big"):
                raise LabError(f"GET of {len(oids)} varbinds: error-status {int.from_bytes(err, 'big')}")
            _, _, pos = _read_tlv(pdu, pos)
            _, vbl, _ = _read_tlv(pdu, pos)
            out, p = [], 0
            while p < len(vbl):
                _, vb, p = _read_tlv(vbl, p)
                _, _, vpos = _read_tlv(vb, 0)
                tag, value, _ = _read_tlv(vb, vpos)
                out.append((tag, int.from_bytes(value, "big", signed=True) if tag == 0x02 else None))
            if len(out) != len(oids):
                raise LabError(f"GET of {len(oids)} varbinds answered with {len(out)}")
            return out


# ---- the run -----------------------------------------------------------------------------------
class Run:
    """Shared state of the concurrent loops; failures are collected, the first few printed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failures = []
        self.done = threading.Event()
        self.walks = {}          # (tool, column) -> [count, varbinds, max seconds]
        self.gets = self.get_varbinds = self.no_such_flaps = 0
        self.versions = {"A": 0, "B": 0}
        self.changes = self.failed_lines = self.cycles = 0
        self.replaces = 0
        self.churned = set()     # indexes of the churned routes
        self.churned_in_walks = self.churned_in_gets = 0  # churned rows seen: the reads overlap the churn

    def read_enough(self):
        with self.lock:
            return self.gets >= GETS and len(self.walks) == 4 and \
                all(w[0] >= WALKS_EACH for w in self.walks.values())

    def fail(self, what):
        with self.lock:
            self.failures.append(what)


def build(lab):
    ns = lab.netns("c")
    lab.exec_in(ns, ["sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"])
    lab.ip(ns, "link", "add", "vethA", "type", "veth", "peer", "name", "vethB")
    for dev in ("vethA", "vethB"):
        lab.ip(ns, "link", "set", dev, "up")
    lab.ip(ns, "addr", "add", "198.51.100.1/24", "dev", "vethA")
    lab.ip(ns, "addr", "add", "2001:db8:1::1/64", "dev", "vethA")
    lines = [f"route add {p} via {GW4} dev vethA proto static\n" for p in STABLE4]
    lines += [f"route add {p} dev vethA proto static\n" for p in STABLE4_LINK]
    lines += [f"route add {p} via {GW6} dev vethA onlink proto static\n" for p in STABLE6]
    lines += [flap_line(p, "A") for p in FLAP4 + FLAP6]
    path = lab.path("stable.batch")
    write_lines(path, lines)
    lab.ip(ns, "-batch", path)
    links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link", "show").stdout)}
    return ns, links


def start_agents(lab, ns, ipmibd):
    """compare_with_snmpd's private in-namespace master and ipmibd, with only the main route table."""
    return start_ours(lab, ns, ipmibd, conf_lines="", load_timeout=20)


def column(ns, col, tool="snmpbulkwalk"):
    """{index: value} of one inetCidrRouteTable column and the walk's rows (order kept)."""
    prefix = ROUTE_ENTRY + (col,)
    rows = walk(ns, OURS_PORT, prefix, tool=tool, timeout=WALK_TIMEOUT)
    return {r[0][len(prefix):]: r[2] for r in rows}, rows


def check_walk(state, tool, col, rows, stable, known, allowed):
    prefix = ROUTE_ENTRY + (col,)
    name = f"{tool} of column {col}"
    oids = [r[0] for r in rows]
    bad = next(((a, b) for a, b in zip(oids, oids[1:]) if a >= b), None)
    if bad:
        state.fail(f"{name}: OIDs not strictly increasing: {bad[0]} then {bad[1]}")
    outside = [o for o in oids if o[:len(prefix)] != prefix]
    if outside:
        state.fail(f"{name}: OIDs outside the column: {outside[:2]}")
    got = {r[0][len(prefix):]: r[2] for r in rows}
    missing = [i for i in stable if i not in got]
    if missing:
        state.fail(f"{name}: {len(missing)} stable rows missing, e.g. {missing[0]}")
    changed = [(i, v, got[i]) for i, v in stable.items() if i in got and got[i] != v]
    if changed:
        state.fail(f"{name}: {len(changed)} stable rows with another value, e.g. {changed[0]}")
    unknown = [i for i in got if i not in known]
    if unknown:
        state.fail(f"{name}: {len(unknown)} rows never configured, e.g. {unknown[0]}")
    for i, values in allowed.items():
        if i in got and got[i] not in values:
            state.fail(f"{name}: row {i} has {got[i]}, expected one of {values}")


def walker(state, ns, plan, stable, known, allowed):
    """Walks the columns in `plan` ((tool, column) pairs) in turn until the churn is done."""
    while not state.done.is_set():
        for tool, col in plan:
            start = time.monotonic()
            try:
                rows = walk(ns, OURS_PORT, ROUTE_ENTRY + (col,), tool=tool, timeout=WALK_TIMEOUT)
            except subprocess.TimeoutExpired:
                state.fail(f"{tool} of column {col} did not terminate in {WALK_TIMEOUT} s")
                continue
            except LabError as e:
                state.fail(str(e))
                continue
            elapsed = time.monotonic() - start
            check_walk(state, tool, col, rows, stable[col], known, allowed[col])
            prefix = len(ROUTE_ENTRY) + 1
            with state.lock:
                state.churned_in_walks += sum(1 for r in rows if r[0][prefix:] in state.churned)
                w = state.walks.setdefault((tool, col), [0, 0, 0.0])
                w[0], w[1], w[2] = w[0] + 1, w[1] + len(rows), max(w[2], elapsed)
            if state.done.is_set():
                break


def shown(varbind):
    tag, value = varbind
    return value if tag == 0x02 else {0x80: "noSuchObject", 0x81: "noSuchInstance"}.get(tag, f"tag {tag:#x}")


def getter(state, ns, flaps, versions, churned, stable_if):
    """GET PDUs: both columns of every flapping row and of a few churned rows, ifIndex of a few
    stable rows, shuffled into one varbind list per request."""
    client = MultiGet(ns, OURS_PORT)
    rng = random.Random(7)
    stable_items = sorted(stable_if.items())
    try:
        while not state.done.is_set():
            pairs = [(i, "flap") for i in flaps] + [(i, "churn") for i in rng.sample(churned, 4)]
            sample = rng.sample(stable_items, 8)
            oids = [ROUTE_ENTRY + (c,) + i for i, _ in pairs for c in (IFINDEX, PROTO)]
            oids += [ROUTE_ENTRY + (IFINDEX,) + i for i, _ in sample]
            order = list(range(len(oids)))
            rng.shuffle(order)
            try:
                answer = client.get([oids[k] for k in order])
            except LabError as e:
                state.fail(str(e))
                continue
            values = [None] * len(oids)
            for pos, k in enumerate(order):
                values[k] = answer[pos]
            for n, (i, kind) in enumerate(pairs):
                pair = (values[2 * n], values[2 * n + 1])
                if pair == ((0x81, None), (0x81, None)):
                    if kind == "flap":
                        with state.lock:
                            state.no_such_flaps += 1
                    continue
                seen = (pair[0][1], pair[1][1]) if all(t == 0x02 for t, _ in pair) else None
                if kind == "flap":
                    version = next((v for v, want in versions.items() if want == seen), None)
                    if version is None:
                        state.fail(f"GET of flapping row {i}: (ifIndex, proto) ({shown(pair[0])}, "
                                   f"{shown(pair[1])}) is neither version {versions}: half old, half new")
                    else:
                        with state.lock:
                            state.versions[version] += 1
                elif seen == versions["A"]:
                    with state.lock:
                        state.churned_in_gets += 1
                else:
                    state.fail(f"GET of churned row {i}: (ifIndex, proto) ({shown(pair[0])}, {shown(pair[1])}), "
                               f"expected {versions['A']} or noSuchInstance for both")
            for n, (i, want) in enumerate(sample):
                got = values[2 * len(pairs) + n]
                if got != (0x02, want):
                    state.fail(f"GET of stable row {i}: {shown(got)}, expected ifIndex {want}")
            with state.lock:
                state.gets += 1
                state.get_varbinds += len(oids)
    finally:
        client.close()


def churner(state, lab, ns):
    """Adds and deletes the churned routes until CHURN_CHANGES have been made and every reader
    has had its share of the churn (a fast kernel makes 100,000 changes in a few seconds), or
    CHURN_LIMIT seconds have passed."""
    routes = [(p, gateway_of(p)) for p in CHURN6 + CHURN4]
    onlink = {GW4: "", GW6: " onlink"}
    add = write_lines(lab.path("churn.add"), [f"route add {p} via {g} dev vethA{onlink[g]}\n" for p, g in routes])
    dele = write_lines(lab.path("churn.del"), [f"route del {p} via {g} dev vethA\n" for p, g in routes])
    deadline = time.monotonic() + CHURN_LIMIT
    try:
        while (state.changes < CHURN_CHANGES or not state.read_enough()) and time.monotonic() < deadline:
            for path, lines in ((lab.path("churn.add"), add), (lab.path("churn.del"), dele)):
                failed = ip_batch(ns, path)
                with state.lock:
                    state.changes += lines - failed
                    state.failed_lines += failed
            state.cycles += 1
    except Exception as e:  # noqa: BLE001 - reported as a failure, the other loops must stop
        state.fail(f"churn loop: {e}")
    finally:
        state.done.set()


def flapper(state, lab, ns, stop):
    lines = [flap_line(p, v) for _ in range(20) for v in ("B", "A") for p in FLAP4 + FLAP6]
    path = lab.path("flap.batch")
    n = write_lines(path, lines)
    while not stop.is_set():
        failed = ip_batch(ns, path)
        with state.lock:
            state.replaces += n - failed
            state.failed_lines += failed


def kernel_set(lab, ns):
    """{(network, gateway or None, ifIndex)} of `ip -j route show table main`, both families."""
    links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link", "show").stdout)}
    out, count = set(), 0
    for fam in ("-4", "-6"):
        for r in json.loads(lab.ip(ns, fam, "-j", "route", "show", "table", "main").stdout or "[]"):
            dst = r["dst"] if r["dst"] != "default" else ("0.0.0.0/0" if fam == "-4" else "::/0")
            gw = ipaddress.ip_address(r["gateway"]) if "gateway" in r else None
            out.add((ipaddress.ip_network(dst, strict=False), gw, links.get(r.get("dev"), 0)))
            count += 1
    return out, count


def served_set(rows):
    out = set()
    for oid, _typ, ifindex in rows:
        r = parse_route_index(oid[len(ROUTE_ENTRY) + 1:])
        dest = bytes(r["dest"][:4] if r["destType"] == 1 else r["dest"][:16])
        nh = bytes(r["nh"][:4] if r["nhType"] == 1 else r["nh"][:16])
        gw = ipaddress.ip_address(nh) if any(nh) else None
        out.add((ipaddress.ip_network(f"{ipaddress.ip_address(dest)}/{r['pfx']}"), gw, ifindex))
    return out


def main():
    ipmibd = ipmibd_argument(__doc__, ("snmpd", "snmpbulkwalk", "snmpwalk", "ip"))
    started = time.monotonic()
    lab = Lab("chn")
    try:
        try:
            ns, links = build(lab)
        except LabError as e:
            if str(e).startswith("ip netns add"):
                print(f"SKIP: cannot create a network namespace: {e}")
                return 77
            raise
        agent = start_agents(lab, ns, ipmibd)
        versions = {"A": (links["vethA"], NETMGMT), "B": (links["vethB"], BGP)}
        flaps = [index_of(p) for p in FLAP4 + FLAP6]
        churned = [index_of(p) for p in CHURN4 + CHURN6]

        # Before the churn: what is served is the stable set (flapping rows aside), every
        # configured route is in it, and it equals the kernel's table.
        stable, flap_set = {}, set(flaps)
        for col in (IFINDEX, PROTO):
            got, _ = column(ns, col)
            stable[col] = {i: v for i, v in got.items() if i not in flap_set}
        for p in STABLE4 + STABLE6:
            if stable[IFINDEX].get(index_of(p)) != links["vethA"] or stable[PROTO].get(index_of(p)) != NETMGMT:
                raise LabError(f"stable route {p} not served as configured before the churn")
        kernel, kcount = kernel_set(lab, ns)
        _, rows = column(ns, IFINDEX)
        if served_set(rows) != kernel or len(rows) != kcount:
            raise LabError(f"before the churn ipmibd serves {len(rows)} routes, the kernel has {kcount}")
        known = set(stable[IFINDEX]) | flap_set | set(churned)
        allowed = {IFINDEX: {i: {versions["A"][0], versions["B"][0]} for i in flaps},
                   PROTO: {i: {NETMGMT, BGP} for i in flaps}}
        for i in churned:  # churned routes are added `dev vethA`, protocol boot: netmgmt(3)
            allowed[IFINDEX][i], allowed[PROTO][i] = {links["vethA"]}, {NETMGMT}
        print(f"{len(rows)} routes before the churn ({len(stable[IFINDEX])} stable, {len(flaps)} flapping); "
              f"churning {len(churned)} routes per add/delete cycle")

        state, stop_flap = Run(), threading.Event()
        state.churned = set(churned)
        churn_start = time.monotonic()
        threads = [
            threading.Thread(target=churner, args=(state, lab, ns)),
            threading.Thread(target=flapper, args=(state, lab, ns, stop_flap)),
            threading.Thread(target=walker, args=(state, ns, [("snmpbulkwalk", IFINDEX), ("snmpbulkwalk", PROTO)],
                                                  stable, known, allowed)),
            threading.Thread(target=walker, args=(state, ns, [("snmpwalk", PROTO), ("snmpwalk", IFINDEX)],
                                                  stable, known, allowed)),
            threading.Thread(target=getter, args=(state, ns, flaps, versions, churned, stable[IFINDEX])),
        ]
        for t in threads:
            t.start()
        threads[0].join()
        churn_elapsed = time.monotonic() - churn_start
        stop_flap.set()
        for t in threads[1:]:
            t.join()
        if agent.poll() is not None:
            raise LabError(f"ipmibd exited during the churn (status {agent.returncode}):\n" + lab.log_tail("ipmibd.log"))

        # After the churn: the served table settles to the kernel's.
        final = {}

        def settled():
            final["kernel"], final["count"] = kernel_set(lab, ns)
            _, final["rows"] = column(ns, IFINDEX)
            final["served"] = served_set(final["rows"])
            return final["served"] == final["kernel"] and len(final["rows"]) == final["count"]
        try:
            wait_for(settled, 15, interval=0.5, what="inetCidrRouteTable to equal the kernel's table")
        except LabError as e:
            served, kernel = final.get("served", set()), final.get("kernel", set())
            state.fail(f"{e}: served {len(final.get('rows', []))} rows, kernel {final.get('count')}; only served "
                       f"{sorted(map(str, served - kernel))[:3]}, only kernel {sorted(map(str, kernel - served))[:3]}")
        if agent.poll() is not None:
            state.fail(f"ipmibd exited after the churn (status {agent.returncode})")

        walks = sum(w[0] for w in state.walks.values())
        print(f"churn: {state.changes} route adds and deletes made ({state.cycles} cycles of "
              f"{2 * len(churned)}), {state.replaces} flap replaces, {state.failed_lines} ip lines failed, "
              f"in {churn_elapsed:.1f} s")
        for (tool, col), (count, varbinds, longest) in sorted(state.walks.items()):
            print(f"  {tool:12s} column {col}: {count:3d} walks, {varbinds:7d} varbinds, longest {longest:.2f} s")
        print(f"  GET          {state.gets:4d} PDUs, {state.get_varbinds:7d} varbinds; flapping rows seen as "
              f"A {state.versions['A']}, B {state.versions['B']}, absent {state.no_such_flaps}")
        print(f"  churned rows seen: {state.churned_in_walks} in walks, {state.churned_in_gets} in GETs")
        resyncs = walk(ns, OURS_PORT, RESYNCS, check=False)
        print(f"after the churn: {len(final.get('rows', []))} rows served, kernel {final.get('count')}; "
              f"ipmibdResyncs {resyncs[0][2] if resyncs else '?'}; total {time.monotonic() - started:.1f} s")
        if state.changes < CHURN_CHANGES:
            state.fail(f"only {state.changes} route changes made (want {CHURN_CHANGES})")
        if not state.read_enough():
            state.fail(f"too little was read during {churn_elapsed:.0f} s of churn: {walks} walks, {state.gets} GETs")
        if not (state.churned_in_walks and state.churned_in_gets):
            state.fail("the reads never saw a churned route: they did not overlap the churn")
        if not (state.versions["A"] and state.versions["B"]):
            state.fail(f"GETs never saw both versions of the flapping rows: {state.versions}")
        if state.failures:
            failures = "".join(f"\n  {f}" for f in state.failures[:20])
            return report_failure(lab, f"FAIL: {len(state.failures)} failure(s):{failures}", lines=15)
        print("PASS")
        return 0
    except LabError as e:
        return report_failure(lab, f"FAIL: {e}", lines=15)
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
