#!/usr/bin/env python3
# compare_with_snmpd.py: integration test: ipmibd (backend linux) against Debian's own snmpd on one network namespace, the whole ip subtree instance by instance and snmpnetstat, plus change latency and walks under churn.
"""Usage: compare_with_snmpd.py PATH/TO/ipmibd        (root; exit 77 = skipped)

Nothing is lost by replacing Debian snmpd's IP modules with ipmibd (tests/agent/COMPARE.md):
1. Builds a namespace (unique name) with two veth pairs into a peer namespace, IPv4 + IPv6
   addresses (secondary ones on both links), static neighbors and neighbors resolved by pinging
   the peer, routes: two IPv4 default routes, gateway, on-link, multipath (both families),
   blackhole / unreachable / prohibit (both families), IPv6 routes via a link-local next hop,
   several protocols and metrics; an IPv6 default router learned from a router advertisement
   (radvd in the peer namespace: router lifetime 1800 s, preference high); per-interface sysctls
   that differ between interfaces.
2. Starts Debian's snmpd inside the namespace with its own modules ("reference"), and a second
   snmpd as AgentX master with its IP modules disabled (the list in conf/snmpd-disabled-modules.sh)
   plus ipmibd with `backend linux netns NAME` ("ours").
3. Walks the whole ip subtree (1.3.6.1.2.1.4) on both and compares instance by instance: every
   instance Debian serves must be served by ipmibd (each missing one fails the test, listed by
   object), with the same type and value unless the difference matches a rule of its object
   (ip_subtree.py: RULES, and the rules a Counter or TimeTicks type implies), each a NAMED
   exception whose text cites the RFC text showing why Debian's value is wrong (or why the
   difference is configuration / time, not data). inetCidrRouteTable rows are matched by route
   (v6-policy). Instances only ipmibd serves are allowed and listed. ipv4/ipv6InterfaceTable
   (Debian serves no rows) are compared with the kernel's own values.
4. snmpnetstat -Cr, -Ci (numeric) and -Cs -Cp ip on both: every line of Debian's output is in
   ipmibd's, the same but for counters that moved in order.
5. Out-of-band changes (ip route/neigh/addr) must be visible to the next GET through the master
   within 100 ms (max over 20 changes), and walks of inetCidrRouteTable while a background loop
   adds and deletes routes must terminate with strictly increasing OIDs and contain every route
   that existed throughout.

Set IPMIBD_KEEP_TMP=1 to keep the logs, walks and snmpnetstat outputs (the namespaces are always
deleted).
"""

import ipaddress
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ip_subtree import EXCEPTIONS, IP, OBJECTS, RULES, TABLES, object_of  # noqa: E402
from netns_lab import (Lab, LabError, SnmpGetClient, daemon_only, inproc, ipmibd_argument, parse_walk, ping,  # noqa: E402
                       report_failure, run, start_ipmibd, start_master, wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REF_PORT, OURS_PORT = 1161, 1162  # inside the private namespace: no clash with anything else

# ---- the served objects (names, rules and exception texts: ip_subtree.py) ---------------------
ROUTE_ENTRY = IP + (24, 7, 1)
ROUTE_NUMBER = IP + (24, 6, 0)
ROUTE_DISCARDS = IP + (24, 8, 0)
ADDRESS_TYPE = IP + (34, 1, 4)  # ipAddressType
CIDR_ENTRY = IP + (24, 4, 1)
CIDR_NUMBER = IP + (24, 3, 0)
ROUTE_COLUMNS = {c: OBJECTS[ROUTE_ENTRY + (c,)] for c in range(7, 18)}
# inetCidrRouteAge is a Gauge32 of seconds (the other ages are INTEGER, TimeStamps are TimeTicks).
TIMESTAMP_COLUMNS = {"inetCidrRouteAge", "ipRouteAge", "ipCidrRouteAge"}
# ipmibd-only objects checked for their type (Debian serves them with a fixed 0 or not at all).
LAST_CHANGE_SCALARS = {IP + (27, 0): "ipv4InterfaceTableLastChange",
                       IP + (29, 0): "ipv6InterfaceTableLastChange",
                       IP + (31, 2, 0): "ipIfStatsTableLastChange"}
# Tables whose rows are matched by compare_routes (not by OID) and ipmibd-only tables compared
# with the kernel by compare_interfaces.
KEYED_ENTRIES = (ROUTE_ENTRY,)


class Report:
    def __init__(self):
        self.failures = []
        self.excepted = {}

    def fail(self, table, what):
        self.failures.append(f"[{table}] {what}")

    def allow(self, name, detail):
        assert name in EXCEPTIONS, name
        self.excepted.setdefault(name, []).append(detail)


# ---- topology ----------------------------------------------------------------------------------
def sysctl(lab, ns, key, value):
    lab.exec_in(ns, ["sysctl", "-q", "-w", f"{key}={value}"])


def build_topology(lab):
    ns = lab.netns("m")
    peer = lab.netns("p")
    for n in (ns, peer):  # no DAD wait for the addresses and link-locals created below
        sysctl(lab, n, "net.ipv6.conf.all.accept_dad", 0)
        sysctl(lab, n, "net.ipv6.conf.default.accept_dad", 0)
        # No router solicitations (three, seconds apart, from every new link): IPv6 chatter that
        # would move the statistics counters between the two agents' walks.
        sysctl(lab, n, "net.ipv6.conf.default.router_solicitations", 0)
    lab.ip(ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth0p", "netns", peer)
    lab.ip(ns, "link", "add", "veth1", "type", "veth", "peer", "name", "veth1p", "netns", peer)
    for link in ("veth0", "veth1"):
        lab.ip(ns, "link", "set", link, "up")
        lab.ip(peer, "link", "set", link + "p", "up")
    # Global settings both agents serve as scalars, and per-interface values that differ.
    sysctl(lab, ns, "net.ipv4.ip_forward", 1)
    sysctl(lab, ns, "net.ipv4.ip_default_ttl", 77)
    sysctl(lab, ns, "net.ipv6.conf.default.hop_limit", 55)
    sysctl(lab, ns, "net.ipv6.conf.veth1.forwarding", 1)
    sysctl(lab, ns, "net.ipv4.neigh.veth1.retrans_time_ms", 1500)
    sysctl(lab, ns, "net.ipv6.neigh.veth1.retrans_time_ms", 2000)
    sysctl(lab, ns, "net.ipv6.neigh.veth1.base_reachable_time_ms", 45000)
    # Resolved neighbors must stay REACHABLE for the test's duration (no STALE flip between walks).
    for fam in ("ipv4", "ipv6"):
        sysctl(lab, ns, f"net.{fam}.neigh.veth0.base_reachable_time_ms", 600000)
    # Nor may a neighbor appear between the walks: 5 s (the default) after answering the IPv6 ping
    # below, the peer probes its DELAY entry for us with a unicast NS sent from its link-local
    # address, and our kernel adds that address as a new STALE neighbor - in Debian's walk or in
    # ours, by timing (seen 5.2 s after the ping; the walks start a few seconds after it, later
    # on a loaded machine or with liblsan preloaded).
    sysctl(lab, peer, "net.ipv6.neigh.veth0p.delay_first_probe_time", 600)

    # Secondary addresses (a second address in the same prefix: IFA_F_SECONDARY for IPv4) on both
    # links, so that ipAddrTable / ipAddressTable hold more than one address per interface.
    addrs = [("veth0", "192.0.2.1/24"), ("veth0", "2001:db8:1::1/64"), ("veth1", "198.51.100.1/24"),
             ("veth1", "2001:db8:2::1/64"), ("lo", "203.0.113.1/32"), ("lo", "2001:db8:ff::1/128"),
             ("veth0", "192.0.2.3/24"), ("veth1", "198.51.100.3/24"), ("veth0", "2001:db8:1::3/64")]
    for dev, a in addrs:
        lab.ip(ns, "addr", "add", a, "dev", dev)
    for dev, a in [("veth0p", "192.0.2.2/24"), ("veth0p", "2001:db8:1::2/64"),
                   ("veth1p", "198.51.100.2/24"), ("veth1p", "2001:db8:2::2/64")]:
        lab.ip(peer, "addr", "add", a, "dev", dev)
    # Static neighbors, then real resolution by pinging the peer (ARP and NDP).
    lab.ip(ns, "neigh", "add", "192.0.2.254", "lladdr", "02:00:5e:00:02:fe", "dev", "veth0", "nud", "permanent")
    lab.ip(ns, "neigh", "add", "2001:db8:1::fe", "lladdr", "02:00:5e:00:01:fe", "dev", "veth0", "nud", "permanent")
    ping(ns, "192.0.2.2")
    ping(ns, "2001:db8:1::2")
    peer_ll = wait_for(lambda: link_local(lab, peer, "veth0p"), 5, what="peer link-local")

    routes = [
        ["route", "add", "default", "via", "192.0.2.2", "metric", "100"],
        ["route", "add", "default", "via", "198.51.100.2", "metric", "200"],  # a second default router
        ["route", "add", "203.0.113.0/25", "via", "192.0.2.2", "proto", "static"],
        ["route", "add", "203.0.113.128/26", "nexthop", "via", "192.0.2.2", "dev", "veth0", "weight", "1",
         "nexthop", "via", "198.51.100.2", "dev", "veth1", "weight", "2"],
        ["route", "add", "198.51.100.128/25", "dev", "veth1", "metric", "10"],
        ["route", "add", "203.0.113.160/28", "via", "198.51.100.2", "proto", "bird", "metric", "20"],
        ["route", "add", "blackhole", "203.0.113.192/28"],
        ["route", "add", "unreachable", "203.0.113.208/28"],
        ["route", "add", "prohibit", "203.0.113.224/28"],
        ["-6", "route", "add", "default", "via", peer_ll, "dev", "veth0", "metric", "2048", "proto", "static"],
        ["-6", "route", "add", "2001:db8:100::/48", "via", peer_ll, "dev", "veth0"],
        ["-6", "route", "add", "2001:db8:200::/48", "via", "2001:db8:2::2", "metric", "50"],
        ["-6", "route", "add", "2001:db8:300::/48", "nexthop", "via", "2001:db8:1::2", "dev", "veth0",
         "nexthop", "via", "2001:db8:2::2", "dev", "veth1"],
        ["-6", "route", "add", "2001:db8:400::/48", "dev", "veth1", "proto", "ospf"],
        ["-6", "route", "add", "blackhole", "2001:db8:dead::/48"],
        ["-6", "route", "add", "unreachable", "2001:db8:beef::/48"],
        ["-6", "route", "add", "prohibit", "2001:db8:f00d::/48"],
    ]
    for r in routes:
        lab.ip(ns, *r)
    learn_default_router(lab, ns, peer)
    wait_until_quiet(lab, ns)
    return ns, peer, peer_ll


RADVD_CONF = """interface veth1p {
    AdvSendAdvert on;
    MinRtrAdvInterval 200;
    MaxRtrAdvInterval 600;
    AdvDefaultLifetime 1800;
    AdvDefaultPreference high;
    AdvSourceLLAddress on;
};
"""


def learn_default_router(lab, ns, peer):
    """An IPv6 default router learned from a router advertisement: radvd in the peer namespace
    advertises on veth1p (router lifetime 1800 s, preference high); the namespace's kernel adds
    `default via fe80::... dev veth1 proto ra expires ... pref high` (veth1 forwards IPv6, so it
    must be told to accept RAs anyway: accept_ra 2). radvd is then SIGKILLed: no further
    advertisements move the counters or the lifetime between the walks, and no final one (radvd's
    goodbye on SIGTERM carries router lifetime 0) withdraws the router."""
    sysctl(lab, ns, "net.ipv6.conf.veth1.accept_ra", 2)
    sysctl(lab, peer, "net.ipv6.conf.all.forwarding", 1)
    conf = lab.path("radvd.conf")
    with open(conf, "w") as f:
        f.write(RADVD_CONF)
    os.chmod(conf, 0o644)
    radvd = lab.spawn(["ip", "netns", "exec", peer, "radvd", "-n", "-C", conf, "-p", lab.path("radvd.pid"),
                       "-m", "stderr"], "radvd.log")

    def learned():
        if radvd.poll() is not None:
            raise LabError("radvd exited:\n" + lab.log_tail("radvd.log"))
        return json.loads(lab.ip(ns, "-6", "-j", "route", "show", "default", "proto", "ra").stdout or "[]")
    wait_for(learned, 20, interval=0.1, what="the router advertisement's default route")
    radvd.kill()
    radvd.wait(5)


def ipv6_octets(lab, ns):
    out = lab.exec_in(ns, ["cat", "/proc/net/snmp6"]).stdout
    fields = dict(line.split()[:2] for line in out.splitlines() if line.strip())
    return int(fields.get("Ip6InOctets", 0)), int(fields.get("Ip6OutOctets", 0))


def wait_until_quiet(lab, ns, quiet=1.5, limit=10.0):
    """Waits (at most `limit` s) until the namespace's IPv6 octet counters stand still for `quiet`
    s: a new link's MLD reports follow it for a second or two, and the statistics tables are
    compared between two agents read a moment apart (counter-moved only allows the traffic of
    the walks themselves)."""
    deadline = time.monotonic() + limit
    last, since = ipv6_octets(lab, ns), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = ipv6_octets(lab, ns)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def link_local(lab, ns, dev):
    data = json.loads(lab.ip(ns, "-6", "-j", "addr", "show", "dev", dev, "scope", "link").stdout or "[]")
    for link in data:
        for a in link.get("addr_info", []):
            if a.get("local", "").startswith("fe80"):
                return a["local"]
    return None


# ---- agents ------------------------------------------------------------------------------------
SNMP_ENV = dict(os.environ, MIBS="", MIBDIRS="/nonexistent")  # numeric only, no MIB noise


def ipmibd_env():
    """ipmibd's environment: SNMP_ENV, plus LD_PRELOAD=$IPMIBD_TEST_PRELOAD when that is set. test.sh
    sets it to the standalone LeakSanitizer runtime (liblsan) for the Release ctest pass, so that
    this script's and churn_walk_test's optimized ipmibd is leak-checked at exit (the sanitized -O0
    one is too slow for their churn): into ipmibd only, never into snmpd, snmpwalk or Python."""
    preload = os.environ.get("IPMIBD_TEST_PRELOAD")
    return dict(SNMP_ENV, LD_PRELOAD=preload) if preload else SNMP_ENV


def start_reference(lab, ns):
    conf = lab.path("reference.conf")
    with open(conf, "w") as f:
        f.write("rocommunity public 127.0.0.1\ndontLogTCPWrappersConnects yes\n")
    p = lab.spawn(["ip", "netns", "exec", ns, "snmpd", "-f", "-Lf", lab.path("reference.log"), "-C",
                   "-c", conf, "-p", lab.path("reference.pid"), f"udp:127.0.0.1:{REF_PORT}"],
                  "reference.out", env=SNMP_ENV)
    wait_for(lambda: p.poll() is not None or snmpget(ns, REF_PORT, IP + (2, 0)), 10,
             what="Debian snmpd to answer")
    if p.poll() is not None:
        raise LabError("Debian snmpd exited:\n" + lab.log_tail("reference.log"))


def disabled_modules():
    res = run(["bash", "-c", f". {ROOT}/conf/snmpd-disabled-modules.sh; echo $IPMIBD_SNMPD_DISABLED_MODULES"])
    return res.stdout.strip()


# `routeTable local` as well: Debian's IPv6 half serves every kernel table (see local-table-v4).
OURS_CONF = "routeTable main\nrouteTable local\nagentxPingInterval 1\n"


def start_ours(lab, ns, ipmibd, conf_lines=OURS_CONF, load_timeout=15, master_alone=None):
    """A private master inside the namespace (IP modules disabled) on OURS_PORT and ipmibd on its
    AgentX socket with `backend linux netns NS` plus conf_lines (in-process: one snmpd loading
    the module, netns_lab.start_ipmibd); returns ipmibd's process (snmpd's in-process) once every
    table has loaded. master_alone, a list, receives the master's walk of ip before ipmibd starts."""
    _, sock, _ = start_master(lab, "dontLogTCPWrappersConnects yes\n", ns=ns, port=OURS_PORT, env=SNMP_ENV)
    if master_alone is not None and daemon_only("the master alone's walk of ip (the same snmpd and -I list "
                                                "as the agentx variant, which checks it)"):
        wait_for(lambda: snmpget(ns, OURS_PORT, (1, 3, 6, 1, 2, 1, 1, 3, 0)), 10, what="the master to answer")
        master_alone.extend(walk(ns, OURS_PORT, IP))
    agent = start_ipmibd(lab, ipmibd, f"backend linux netns {ns}\n{conf_lines}", sock, env=ipmibd_env())
    info = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 1)

    def loaded():
        if agent.poll() is not None:
            raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
        rows = walk(ns, OURS_PORT, info + (7, 1, 5), check=False)
        return rows and all(v == 2 for _, _, v in rows)  # every ipmibdTableLoading false(2)
    wait_for(loaded, load_timeout, interval=0.1, what="ipmibd to register and load its tables")
    return agent


def snmpget(ns, port, oid):
    res = run(["ip", "netns", "exec", ns, "snmpget", "-v2c", "-c", "public", "-m", "", "-On", "-t", "1",
               "-r", "0", f"127.0.0.1:{port}", ".".join(map(str, oid))], check=False, env=SNMP_ENV)
    return res.returncode == 0 and " = " in res.stdout and "No Such" not in res.stdout


def walk(ns, port, oid, check=True, tool="snmpbulkwalk", timeout=30):
    args = ["ip", "netns", "exec", ns, tool, "-v2c", "-c", "public", "-m", "", "-On", "-Oe", "-Ox",
            "-t", "3", "-r", "1"]
    if tool == "snmpbulkwalk":
        args += ["-Cc", "-Cr50"]  # -Cc: we check the order ourselves
    else:
        args += ["-Cc"]
    args += [f"127.0.0.1:{port}", ".".join(map(str, oid))]
    res = run(args, check=False, env=SNMP_ENV, timeout=timeout)
    if res.returncode != 0 and check:
        raise LabError(f"{tool} {oid} on port {port} failed: {res.stderr.strip()}")
    rows = [r for r in parse_walk(res.stdout) if r[1] != "NOSUCH"]
    errors = [r for r in rows if r[0] is None]
    if errors and check:
        raise LabError(f"unparsable walk output: {errors[:3]}")
    return [r for r in rows if r[0] is not None]


def strictly_increasing(rows):
    return all(a[0] < b[0] for a, b in zip(rows, rows[1:]))


def split(rows, prefix):
    n = len(prefix)
    return {r[0][n:]: (r[1], r[2]) for r in rows if r[0][:n] == prefix}


# ---- formatting --------------------------------------------------------------------------------
def fmt_inet(typ, octets):
    if typ == 1 and len(octets) == 4:
        return str(ipaddress.IPv4Address(bytes(octets)))
    if typ in (2, 4) and len(octets) >= 16:
        return str(ipaddress.IPv6Address(bytes(octets[:16]))) + (f"%{octets[16:]}" if octets[16:] else "")
    return f"{typ}:{list(octets)}"


def fmt_value(tv):
    if tv is None:
        return "(absent)"
    typ, val = tv
    if isinstance(val, tuple):
        val = ".".join(map(str, val))
    return f"{typ} {val}"


# ---- inetCidrRouteTable ------------------------------------------------------------------------
def parse_route_index(idx):
    """-> dict(destType, dest, pfx, policy, nhType, nh) from the index sub-identifiers."""
    i = 0
    dtype, dlen = idx[0], idx[1]
    dest = idx[2:2 + dlen]
    i = 2 + dlen
    pfx = idx[i]
    plen = idx[i + 1]
    policy = idx[i + 2:i + 2 + plen]
    i = i + 2 + plen
    nhtype, nhlen = idx[i], idx[i + 1]
    nh = idx[i + 2:i + 2 + nhlen]
    if i + 2 + nhlen != len(idx):
        raise ValueError(f"bad route index {idx}")
    return dict(destType=dtype, dest=dest, pfx=pfx, policy=policy, nhType=nhtype, nh=nh)


def route_rows(rows):
    """Walk rows -> {index: {column: (type, value)}}."""
    table = {}
    for suffix, tv in split(rows, ROUTE_ENTRY).items():
        table.setdefault(suffix[1:], {})[suffix[0]] = tv
    return table


def route_key(index, cols):
    """Matching key across agents: everything but the policy, plus ifIndex and metric (Debian's
    IPv6 policy is its dump position, see v6-policy; ifIndex + metric tell apart the rows the
    policy would)."""
    r = parse_route_index(index)
    return (r["destType"], r["dest"], r["pfx"], r["nhType"], r["nh"],
            cols.get(7, (None, None))[1], cols.get(12, (None, None))[1])


def describe_route(key):
    dtype, dest, pfx, nhtype, nh, ifindex, metric = key
    via = fmt_inet(nhtype, nh)
    return f"{fmt_inet(dtype, dest)}/{pfx} via {via} if {ifindex} metric {metric}"


def kernel_routes(lab, ns):
    """Every route of every table, as the kernel reports it (ip -d -j route show table all)."""
    out = []
    for fam in ("-4", "-6"):
        for r in json.loads(lab.ip(ns, fam, "-d", "-j", "route", "show", "table", "all").stdout or "[]"):
            dst = r["dst"]
            if dst == "default":
                dst = "0.0.0.0/0" if fam == "-4" else "::/0"
            net = ipaddress.ip_network(dst, strict=False)
            r["net"] = net
            out.append(r)
    return out


def kernel_route_of(kroutes, key):
    dtype, dest, pfx, nhtype, nh, ifindex, metric = key
    net = ipaddress.ip_network(f"{fmt_inet(dtype, dest)}/{pfx}")
    return [r for r in kroutes if r["net"] == net and r.get("metric", 0) == metric] or \
           [r for r in kroutes if r["net"] == net]


def compare_routes(report, ref_rows, our_rows, kroutes):
    T = "inetCidrRouteTable"
    ref, ours = route_rows(ref_rows), route_rows(our_rows)
    ref_by, our_by = {}, {}
    for by, table, who in ((ref_by, ref, "Debian"), (our_by, ours, "ipmibd")):
        for index, cols in table.items():
            k = route_key(index, cols)
            if k in by:
                report.fail(T, f"{who} serves two rows for {describe_route(k)}")
            by[k] = (index, cols)

    for k in sorted(set(our_by) - set(ref_by)):
        kr = kernel_route_of(kroutes, k)
        tables = {r.get("table", "main") for r in kr}
        types = {r.get("type", "unicast") for r in kr}
        v6 = k[0] == 2
        if not v6 and kr and "main" not in tables:
            report.allow("local-table-v4", describe_route(k))
        elif v6 and (types & {"blackhole", "unreachable", "prohibit"} or
                     (k[5] == 1 and "unicast" in types and "main" in tables and k[1][:15] != (0,) * 15)):
            # the second case: a unicast route via lo (here the main-table route of the /128 on
            # lo), which the kernel promotes to a reject route (fib6_nh_init: "cannot add true
            # routes via loopback here, they would result in kernel looping; promote them to
            # reject routes") - /proc/net/ipv6_route shows it without RTF_UP.
            report.allow("v6-reject-not-up", describe_route(k))
        elif not v6 and any("nexthops" in r and len(r["nexthops"]) > 1 and
                            r["nexthops"][0].get("gateway") != fmt_inet(k[3], k[4]) for r in kr):
            report.allow("multipath-v4", describe_route(k))
        else:
            report.fail(T, f"row only in ipmibd: {describe_route(k)} (kernel: {kr})")
    for k in sorted(set(ref_by) - set(our_by)):
        report.fail(T, f"row only in Debian: {describe_route(k)}; Debian columns "
                       f"{ {ROUTE_COLUMNS[c]: fmt_value(v) for c, v in ref_by[k][1].items()} }")

    for k in sorted(set(ref_by) & set(our_by)):
        (ridx, rcols), (oidx, ocols) = ref_by[k], our_by[k]
        rp, op = parse_route_index(ridx)["policy"], parse_route_index(oidx)["policy"]
        if rp != op:
            if k[0] == 2:
                report.allow("v6-policy", f"{describe_route(k)}: Debian {rp}, ipmibd {op}")
            else:
                report.fail(T, f"{describe_route(k)}: policy Debian {rp}, ipmibd {op}")
        kr = kernel_route_of(kroutes, k)
        ktypes = {r.get("type", "unicast") for r in kr}
        for col, name in ROUTE_COLUMNS.items():
            rv, ov = rcols.get(col), ocols.get(col)
            if rv == ov:
                continue
            if name in TIMESTAMP_COLUMNS and rv and ov and rv[0] == ov[0]:
                report.allow("timestamp", f"{name} {describe_route(k)}")
            elif name == "inetCidrRouteType" and rv == ("INTEGER", 3) and \
                    ktypes & {"blackhole", "unreachable", "prohibit"} and \
                    ov == ("INTEGER", 5 if "blackhole" in ktypes else 2):
                report.allow("reject-type", f"{describe_route(k)} ({'/'.join(ktypes)}): Debian 3, ipmibd {ov[1]}")
            elif name == "inetCidrRouteType" and rv == ("INTEGER", 3) and ov == ("INTEGER", 1) and \
                    ktypes and ktypes <= {"local", "anycast"}:
                report.allow("own-address-route-type", f"{describe_route(k)} ({'/'.join(ktypes)})")
            elif name == "inetCidrRouteProto" and rv == ("INTEGER", 2) and ov and ov[0] == "INTEGER" and \
                    {r.get("protocol", "boot") for r in kr} - {"kernel"}:
                protos = "/".join(sorted({r.get("protocol", "boot") for r in kr}))
                report.allow("route-proto", f"{describe_route(k)} (kernel proto {protos}): Debian 2, ipmibd {ov[1]}")
            else:
                report.fail(T, f"{name} {describe_route(k)}: Debian {fmt_value(rv)}, ipmibd {fmt_value(ov)}")
    return len(ref), len(ours)


# ---- the whole ip subtree, instance by instance ----------------------------------------------
def rows_by_index(rows, entry):
    table = {}
    for suffix, tv in split(rows, entry).items():
        table.setdefault(suffix[1:], {})[suffix[0]] = tv
    return table


class Context:
    """What the rules (RULE_CHECKS) see besides the two values: all three walks, the kernel's
    routes and neighbors, interface indexes, ipfrag_time and the seconds between the walks."""

    def __init__(self, lab, ns, ref_rows, our_rows, our_after, elapsed):
        self.ref = {r[0]: (r[1], r[2]) for r in ref_rows}
        self.ours = {r[0]: (r[1], r[2]) for r in our_rows}
        self.after = {r[0]: (r[1], r[2]) for r in our_after}
        self.kroutes = kernel_routes(lab, ns)
        self.kneigh = kernel_neighbors(lab, ns)
        self.links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link").stdout)}
        self.ipfrag_time = read_sysctl(lab, ns, "ipv4/ipfrag_time")
        self.elapsed = elapsed


def v4_route(ctx, name, idx):
    """The kernel routes (main table) behind an ipRouteTable (index: destination; the mask is
    Debian's ipRouteMask of the row) or ipCidrRouteTable row (dest, mask, tos, next hop)."""
    if name.startswith("ipCidrRoute"):
        dest, mask, nh = idx[0:4], idx[4:8], idx[9:13]
    else:
        dest, nh = idx[0:4], None
        mask = ctx.ref.get(IP + (21, 1, 11) + idx, ("", (255, 255, 255, 255)))[1]
    net = ipaddress.ip_network(f"{fmt_inet(1, dest)}/{fmt_inet(1, mask)}")
    out = [r for r in ctx.kroutes if r["net"] == net and r.get("table", "main") == "main"]
    if nh and any(nh):
        gw = fmt_inet(1, nh)
        out = [r for r in out if r.get("gateway") == gw or
               any(h.get("gateway") == gw for h in r.get("nexthops", []))] or out
    return out


REJECT_TYPES = {"blackhole", "unreachable", "prohibit"}


def _same_type(ctx, oid, name, idx, rv, ov):
    return f"Debian {rv[1]}, ipmibd {ov[1]}" if rv and ov and rv[0] == ov[0] else None


def _counter_moved(ctx, oid, name, idx, rv, ov):
    # Counters move between the walks (the walks themselves are IP traffic on lo). Debian was
    # started after ipmibd had loaded and its statistics cache is filled during its walk (at the
    # latest), and ipmibd's snapshot is taken after that walk (its 1 s cache had expired): ours,
    # read later from the same kernel counters, can only be larger. How much larger is bounded by
    # the traffic in between: at most the rest of Debian's walk plus ours up to this object, i.e.
    # less than two walks' worth, measured as the growth between two walks of ours 1.1 s apart
    # (so that ipmibd re-read the kernel), plus 10 packets/octets of background chatter (ND/MLD).
    # Counter32 wrap is not a concern at these magnitudes.
    if not (rv[0] == ov[0] and rv[0] in ("Counter32", "Counter64")):
        return None
    step = max(0, ctx.after.get(oid, ov)[1] - ov[1])
    return f"Debian {rv[1]}, ipmibd {ov[1]} (step {step})" if rv[1] <= ov[1] <= rv[1] + 2 * step + 10 else None


def _loopback_address(ctx, oid, name, idx, rv, ov):
    want = 3 if name == "ipAddressPrefixOrigin" else 4
    if is_loopback_index(idx) and rv == ("INTEGER", 2) and ov == ("INTEGER", want):
        return f"Debian {rv[1]}, ipmibd {ov[1]}"
    return None


def _static_neigh_state(ctx, oid, name, idx, rv, ov):
    if rv == ("INTEGER", 1) and ov == ("INTEGER", 6) and ctx.kneigh.get(idx, "").upper() == "PERMANENT":
        return "Debian reachable(1), ipmibd unknown(6)"
    return None


def _reject_type(ctx, oid, name, idx, rv, ov):
    kinds = {r.get("type", "unicast") for r in v4_route(ctx, name, idx)}
    want = 2 if name == "ipCidrRouteType" else 1  # RFC 2096 reject(2); RFC 1213 other(1)
    if kinds and kinds <= REJECT_TYPES and rv == ("INTEGER", 3) and ov == ("INTEGER", want):
        return f"{'/'.join(sorted(kinds))}: Debian {rv[1]}, ipmibd {ov[1]}"
    return None


def _route_proto(ctx, oid, name, idx, rv, ov):
    protos = {r.get("protocol", "boot") for r in v4_route(ctx, name, idx)}
    if rv == ("INTEGER", 2) and ov and ov[0] == "INTEGER" and protos - {"kernel"}:
        return f"kernel proto {'/'.join(sorted(protos))}: Debian 2, ipmibd {ov[1]}"
    return None


def _route_metric1(ctx, oid, name, idx, rv, ov):
    metrics = sorted(r.get("metric", 0) for r in v4_route(ctx, name, idx))
    if rv and rv[1] in (0, 1) and metrics and ov == ("INTEGER", metrics[0]):
        return f"Debian {rv[1]}, ipmibd {ov[1]} (kernel metric)"
    return None


def _route_number(ctx, oid, name, idx, rv, ov):
    n_ref, n_ours = (len(route_rows([(o, t, v) for o, (t, v) in walk.items()])) for walk in (ctx.ref, ctx.ours))
    if rv == ("Gauge32", n_ref) and ov == ("Gauge32", n_ours):
        return f"Debian {rv[1]} rows, ipmibd {ov[1]} rows"
    return None


def _reasm_timeout(ctx, oid, name, idx, rv, ov):
    if rv == ("INTEGER", 0) and ov == ("INTEGER", ctx.ipfrag_time):
        return f"Debian 0, ipmibd {ov[1]} (net.ipv4.ipfrag_time)"
    return None


def _bcast_addr(ctx, oid, name, idx, rv, ov):
    return "Debian 0, ipmibd 1" if rv == ("INTEGER", 0) and ov == ("INTEGER", 1) else None


def _lifetime(ctx, oid, name, idx, rv, ov):
    if rv[0] == ov[0] and 0 <= rv[1] - ov[1] <= ctx.elapsed + 2:
        return f"Debian {rv[1]}, ipmibd {ov[1]} ({ctx.elapsed:.1f} s between the walks)"
    return None


PREFERENCE = {"low": -1, "medium": 0, "high": 1}


def _default_router_preference(ctx, oid, name, idx, rv, ov):
    # index: ipDefaultRouterAddressType, length, address, ipDefaultRouterIfIndex
    addr, ifindex = fmt_inet(idx[0], idx[2:-1]), idx[-1]
    prefs = {r.get("pref") for r in ctx.kroutes
             if r["net"].prefixlen == 0 and r.get("gateway") == addr and ctx.links.get(r.get("dev")) == ifindex}
    if rv == ("INTEGER", 0) and len(prefs) == 1 and ov == ("INTEGER", PREFERENCE.get(prefs.pop(), 0)):
        return f"Debian 0, ipmibd {ov[1]} (kernel pref)"
    return None


RULE_CHECKS = {
    "timestamp": _same_type, "refresh-rate": _same_type, "spinlock": _same_type,
    "counter-moved": _counter_moved, "loopback-address": _loopback_address,
    "static-neigh-state": _static_neigh_state, "reject-type": _reject_type, "route-proto": _route_proto,
    "route-metric1": _route_metric1, "route-number": _route_number, "reasm-timeout": _reasm_timeout,
    "bcast-addr": _bcast_addr, "lifetime": _lifetime, "default-router-preference": _default_router_preference,
}


def keyed(oid):
    return any(oid[:len(e)] == e for e in KEYED_ENTRIES)


def compare_subtree(report, ctx):
    """Every instance Debian serves below ip (but the keyed route table, see compare_routes): it
    must be served by ipmibd, with an equal value or a difference one of its RULES explains.
    Returns ({object name: [missing instance OIDs]}, {object name: count of ipmibd-only
    instances})."""
    missing, ours_only = {}, {}
    for oid, rv in sorted(ctx.ref.items()):
        if keyed(oid):
            continue
        _obj, name, idx = object_of(oid)
        name = name or f"(unknown object {'.'.join(map(str, oid))})"
        ov = ctx.ours.get(oid)
        if ov is None:
            missing.setdefault(name, []).append(oid)
            continue
        if rv == ov:
            continue
        rules = list(RULES.get(name, []))
        if rv[0] in ("Counter32", "Counter64"):
            rules.append("counter-moved")
        if rv[0] == "Timeticks" or name in TIMESTAMP_COLUMNS:
            rules.append("timestamp")
        where = f"{name}.{'.'.join(map(str, idx))}"
        for rule in rules:
            detail = RULE_CHECKS[rule](ctx, oid, name, idx, rv, ov)
            if detail is not None:
                report.allow(rule, f"{where}: {detail}")
                break
        else:
            report.fail(name, f"{where}: Debian {fmt_value(rv)}, ipmibd {fmt_value(ov)}")
    for name, oids in missing.items():
        report.fail("missing", f"{name}: {len(oids)} instance(s) Debian serves, ipmibd does not, e.g. "
                               f"{'.'.join(map(str, oids[0]))} = {fmt_value(ctx.ref[oids[0]])}")
    for oid in ctx.ours:
        if oid not in ctx.ref and not keyed(oid):
            name = object_of(oid)[1] or "(unknown object)"
            ours_only[name] = ours_only.get(name, 0) + 1
    return missing, ours_only


def name_anycast_rows(report, ctx):
    """ipAddressTable rows of type anycast(2): Debian serves none (exception anycast-rows), and
    ipmibd must serve some here, since veth1 forwards IPv6 (the kernel's subnet-router anycasts)."""
    rows = [oid for oid, (t, v) in ctx.ours.items()
            if oid[:len(ADDRESS_TYPE)] == ADDRESS_TYPE and t == "INTEGER" and v == 2]
    for oid in rows:
        index = ".".join(map(str, oid[len(ADDRESS_TYPE):]))
        if oid in ctx.ref:
            report.fail("ipAddressType", f"ipAddressType.{index}: Debian serves an anycast row too")
        else:
            report.allow("anycast-rows", f"ipAddressType.{index} = anycast(2)")
    if not rows:
        report.fail("ipAddressType", "no anycast(2) row although veth1 forwards IPv6 (subnet-router anycast)")


def check_ours_only_objects(report, ctx):
    """Objects Debian serves with fixed values or not at all, checked on ipmibd alone."""
    for oid, name in LAST_CHANGE_SCALARS.items():
        if ctx.ours.get(oid, ("",))[0] != "Timeticks":
            report.fail(name, f"ipmibd {fmt_value(ctx.ours.get(oid))}, expected a TimeStamp")
    if ctx.ours.get(ROUTE_DISCARDS, ("",))[0] != "Counter32":
        report.fail("inetCidrRouteDiscards", f"ipmibd {fmt_value(ctx.ours.get(ROUTE_DISCARDS))}")
    # ipCidrRouteNumber (Debian does not serve it): the number of ipCidrRouteTable rows.
    cidr_rows = len(rows_by_index([(o, t, v) for o, (t, v) in ctx.ours.items()], CIDR_ENTRY))
    if CIDR_NUMBER in ctx.ours and ctx.ours[CIDR_NUMBER] != ("Gauge32", cidr_rows):
        report.fail("ipCidrRouteNumber", f"ipmibd says {fmt_value(ctx.ours[CIDR_NUMBER])}, its table has {cidr_rows} rows")


# ---- snmpnetstat against both agents ---------------------------------------------------------
# -Cn everywhere: without it snmpnetstat resolves every address by DNS, whose queries would leave
# through the namespace's default routes (into the peer namespace, unanswered: seconds each).
NETSTAT_VARIANTS = (("-Cr", ["-Cr", "-Cn"]), ("-Ci", ["-Ci", "-Cn"]), ("-Cs -Cp ip", ["-Cs", "-Cp", "ip"]))


def netstat(ns, port, args):
    res = run(["ip", "netns", "exec", ns, "snmpnetstat", "-v2c", "-c", "public", "-m", "", "-t", "3", "-r", "1",
               f"127.0.0.1:{port}", *args], check=False, env=SNMP_ENV, timeout=60)
    return [l.rstrip() for l in res.stdout.splitlines() if l.strip()] + \
           [f"(stderr) {l}" for l in res.stderr.splitlines() if l.strip()]


def _counters_between(lo, mid, hi):
    return len(lo) == len(mid) == len(hi) and all(a <= b <= c for a, b, c in zip(lo, mid, hi))


def compare_netstat(report, lab, ns, kroutes):
    """snmpnetstat -Cr / -Ci / -Cs -Cp ip on Debian, then (1.1 s later: ipmibd's statistics cache
    expired) twice on ours: every line of Debian's must be in ours, the same text but for counters
    (Debian <= ours <= ours again); route lines as a multiset (their order follows the index, see
    v6-policy). Returns the outputs, and the number of route lines only ours has."""
    out = {"ref": {}, "ours": {}, "again": {}}
    for who, port in (("ref", REF_PORT), ("ours", OURS_PORT), ("again", OURS_PORT)):
        if who != "ref":
            time.sleep(1.1)
        for label, args in NETSTAT_VARIANTS:
            out[who][label] = netstat(ns, port, args)
    for who in out:
        with open(lab.path(f"netstat-{who}.txt"), "w") as f:
            for label, lines in out[who].items():
                f.write(f"== snmpnetstat {label}\n" + "\n".join(lines) + "\n")
    T = "snmpnetstat"
    # Routes: header lines equal; route lines (Destination Gateway Flags [Interface]) as a multiset.
    ref_r, our_r = out["ref"]["-Cr"], out["ours"]["-Cr"]
    is_route = lambda l: not l.startswith(("IPv4 Routing", "IPv6 Routing", "Destination", "(stderr)"))  # noqa: E731
    for head in [l for l in ref_r if not is_route(l)]:
        if head not in our_r:
            report.fail(T, f"-Cr: Debian's line {head!r} is not in ipmibd's output")
    pending = {}
    for l in our_r:
        if is_route(l):
            pending[tuple(l.split())] = pending.get(tuple(l.split()), 0) + 1
    unmatched = []
    for l in ref_r:
        if not is_route(l):
            continue
        f = tuple(l.split())
        if pending.get(f):
            pending[f] -= 1
        else:
            unmatched.append(f)
    for f in unmatched:
        # The same destination and gateway with other flags / interface: a reject route whose
        # type differs (reject-type; snmpnetstat derives the flags from the type).
        dest = f[0] if f[0] != "default" else ("0.0.0.0/0" if ":" not in f[1] else "::/0")
        net = ipaddress.ip_network(dest if "/" in dest else dest + ("/128" if ":" in dest else "/32"), strict=False)
        kinds = {r.get("type", "unicast") for r in kroutes if r["net"] == net}
        protos = {r.get("protocol", "boot") for r in kroutes if r["net"] == net}
        twin = next((g for g, n in pending.items() if n and g[:2] == f[:2]), None)
        if twin and kinds and kinds <= REJECT_TYPES:
            pending[twin] -= 1
            report.allow("reject-type", f"snmpnetstat -Cr: Debian {' '.join(f)!r}, ipmibd {' '.join(twin)!r}")
        elif twin and twin[3:] == f[3:] and set(twin[2]) - set(f[2]) == {"D"} and set(f[2]) <= set(twin[2]) \
                and protos & {"ra", "redirect"}:
            # snmpnetstat flags D (dynamic) a route whose inetCidrRouteProto is icmp(4): ipmibd's
            # protocol of a route learned from a router advertisement (route-proto).
            pending[twin] -= 1
            report.allow("route-proto", f"snmpnetstat -Cr: Debian {' '.join(f)!r}, ipmibd {' '.join(twin)!r}")
        else:
            report.fail(T, f"-Cr: Debian's route line {' '.join(f)!r} is not in ipmibd's output")
    extra_routes = sum(pending.values())
    # Interfaces: per Name, Mtu/Network/Address equal, the five counters in order.
    rows = {who: {l.split()[0]: l.split() for l in out[who]["-Ci"][1:]} for who in out}
    if [l.split() for l in out["ref"]["-Ci"][:1]] != [l.split() for l in out["ours"]["-Ci"][:1]]:
        report.fail(T, f"-Ci header: Debian {out['ref']['-Ci'][:1]}, ipmibd {out['ours']['-Ci'][:1]}")
    for name, r in rows["ref"].items():
        o, a = rows["ours"].get(name), rows["again"].get(name)
        if not o or o[:-5] != r[:-5] or not a or not all(x.isdigit() for x in r[-5:] + o[-5:] + a[-5:]):
            report.fail(T, f"-Ci {name}: Debian {' '.join(r)!r}, ipmibd {' '.join(o or ['(absent)'])!r}")
        elif o[-5:] != r[-5:]:
            rv, ov, av = [[int(x) for x in v[-5:]] for v in (r, o, a)]
            if _counters_between(rv, ov, av):
                report.allow("netstat-counter", f"-Ci {name}: Debian {r[-5:]}, ipmibd {o[-5:]}")
            elif _counters_between(ov, ov, av) and _counters_between(rv, rv, av):
                # -Ci's packet counters are IF-MIB's (ifInUcastPkts, ...), which snmpd itself serves
                # in both setups from its own interface cache: ours may have loaded it before
                # Debian's read (seen once in-process). Ours read again must still pass Debian's.
                report.allow("netstat-counter",
                             f"-Ci {name}: Debian {r[-5:]}, ipmibd {o[-5:]} (snmpd's IF-MIB cache), then {a[-5:]}")
            else:
                report.fail(T, f"-Ci {name} counters: Debian {r[-5:]}, ipmibd {o[-5:]}, then {a[-5:]}")
    # Statistics: 'N label' lines; every label of Debian's, values in order.
    def stats(lines):
        return {l.split(None, 1)[1]: int(l.split(None, 1)[0]) for l in lines
                if len(l.split(None, 1)) == 2 and l.split(None, 1)[0].isdigit()}
    st = {who: stats(out[who]["-Cs -Cp ip"]) for who in out}
    if not st["ref"]:
        report.fail(T, f"-Cs -Cp ip: no statistics from Debian: {out['ref']['-Cs -Cp ip'][:3]}")
    for label, rv in st["ref"].items():
        ov, av = st["ours"].get(label), st["again"].get(label)
        if ov is None:
            report.fail(T, f"-Cs -Cp ip: {label!r} (Debian {rv}) is not in ipmibd's output")
        elif ov != rv:
            if av is not None and rv <= ov <= av:
                report.allow("netstat-counter", f"-Cs {label}: Debian {rv}, ipmibd {ov}")
            else:
                report.fail(T, f"-Cs -Cp ip {label!r}: Debian {rv}, ipmibd {ov}, then {av}")
    return out, extra_routes


def is_loopback_index(idx):
    """ipAddressTable index (type, len, addr) or ipAddressPrefixTable index (ifIndex, type, len,
    addr, pfxlen) of the loopback address / prefix on lo (ifIndex 1)."""
    if len(idx) in (6, 18):  # ipAddressTable ipv4 / ipv6
        addr = bytes(idx[2:])
    elif len(idx) in (8, 20) and idx[0] == 1:  # prefix table, on lo
        addr = bytes(idx[3:-1])
    else:
        return False
    return len(addr) in (4, 16) and ipaddress.ip_address(addr).is_loopback


def kernel_neighbors(lab, ns):
    """{ipNetToPhysical index: NUD state} from `ip -j neigh`."""
    out = {}
    links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link").stdout)}
    for n in json.loads(lab.ip(ns, "-j", "neigh", "show").stdout or "[]"):
        a = ipaddress.ip_address(n["dst"])
        idx = (links[n["dev"]], 1 if a.version == 4 else 2, len(a.packed)) + tuple(a.packed)
        out[idx] = (n.get("state") or ["?"])[0]
    return out


# ---- ipv4/ipv6InterfaceTable against the kernel ------------------------------------------------
def read_sysctl(lab, ns, path):
    res = lab.exec_in(ns, ["cat", f"/proc/sys/net/{path}"], check=False)
    return int(res.stdout.strip()) if res.returncode == 0 else None


def compare_interfaces(report, lab, ns, our_rows):
    links = json.loads(lab.ip(ns, "-d", "-j", "link").stdout)
    v4 = rows_by_index(our_rows, IP + (28, 1))
    v6 = rows_by_index(our_rows, IP + (30, 1))
    expect4, expect6 = {}, {}
    for link in links:
        i, name = link["ifindex"], link["ifname"]
        if read_sysctl(lab, ns, f"ipv4/conf/{name}/forwarding") is not None:
            # IPv4 is attached to every interface that has an in_device (a conf/ directory); the
            # largest datagram Linux reassembles is 65535 octets (the IPv4 total length field).
            expect4[(i,)] = {2: ("INTEGER", 65535), 3: ("INTEGER", 1),
                             4: ("Gauge32", read_sysctl(lab, ns, f"ipv4/neigh/{name}/retrans_time_ms"))}
        if read_sysctl(lab, ns, f"ipv6/conf/{name}/forwarding") is not None:
            ll = link_local(lab, ns, name)
            ident = ipaddress.IPv6Address(ll).packed[8:].hex() if ll else ""
            disabled = read_sysctl(lab, ns, f"ipv6/conf/{name}/disable_ipv6")
            fwd = read_sysctl(lab, ns, f"ipv6/conf/{name}/forwarding")
            # ReasmMaxSize: IPV6_MAXPLEN 65535 (no jumbograms); Identifier: the interface
            # identifier of the link-local address (none on lo); ReachableTime: the configured
            # base_reachable_time_ms (the kernel randomises the effective one around it).
            expect6[(i,)] = {2: ("Gauge32", 65535), 3: ("STRING", ident),
                             5: ("INTEGER", 1 if disabled == 0 else 2),
                             6: ("Gauge32", read_sysctl(lab, ns, f"ipv6/neigh/{name}/base_reachable_time_ms")),
                             7: ("Gauge32", read_sysctl(lab, ns, f"ipv6/neigh/{name}/retrans_time_ms")),
                             8: ("INTEGER", 1 if fwd == 1 else 2)}
    names4 = {2: "ipv4InterfaceReasmMaxSize", 3: "ipv4InterfaceEnableStatus", 4: "ipv4InterfaceRetransmitTime"}
    names6 = {2: "ipv6InterfaceReasmMaxSize", 3: "ipv6InterfaceIdentifier", 5: "ipv6InterfaceEnableStatus",
              6: "ipv6InterfaceReachableTime", 7: "ipv6InterfaceRetransmitTime", 8: "ipv6InterfaceForwarding"}
    for tname, names, ours, expect in (("ipv4InterfaceTable", names4, v4, expect4),
                                       ("ipv6InterfaceTable", names6, v6, expect6)):
        if set(ours) != set(expect):
            report.fail(tname, f"rows {sorted(ours)}, kernel interfaces {sorted(expect)}")
        for idx in sorted(set(ours) & set(expect)):
            for col, name in names.items():
                if ours[idx].get(col) != expect[idx][col]:
                    report.fail(tname, f"{name}.{idx[0]}: ipmibd {fmt_value(ours[idx].get(col))}, "
                                       f"kernel {fmt_value(expect[idx][col])}")
    return len(v4), len(v6)


# ---- change latency and walks under churn ------------------------------------------------------
def route_oid(dest, pfx, nh):
    d, g = ipaddress.ip_address(dest), ipaddress.ip_address(nh)
    t = 1 if d.version == 4 else 2
    return ROUTE_ENTRY + (7, t, len(d.packed)) + tuple(d.packed) + (pfx, 2, 0, 0, t, len(g.packed)) + tuple(g.packed)


def addr_oid(addr):
    a = ipaddress.ip_address(addr)
    return IP + (34, 1, 3, 1 if a.version == 4 else 2, len(a.packed)) + tuple(a.packed)


def neigh_oid(ifindex, addr):
    a = ipaddress.ip_address(addr)
    return IP + (35, 1, 6, ifindex, 1 if a.version == 4 else 2, len(a.packed)) + tuple(a.packed)


def measure_latency(lab, ns, peer_ll):
    ifidx = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link").stdout)}
    changes = []
    for i in range(6):
        changes.append((["route", "add", f"203.0.113.{240 + i}/32", "via", "192.0.2.2"],
                        route_oid(f"203.0.113.{240 + i}", 32, "192.0.2.2"), True))
    for i in range(2):
        changes.append((["-6", "route", "add", f"2001:db8:500:{i}::/64", "via", peer_ll, "dev", "veth0"],
                        route_oid(f"2001:db8:500:{i}::", 64, peer_ll), True))
    for i in range(4):
        changes.append((["route", "del", f"203.0.113.{240 + i}/32"],
                        route_oid(f"203.0.113.{240 + i}", 32, "192.0.2.2"), False))
    for i in range(3):
        changes.append((["neigh", "add", f"192.0.2.{100 + i}", "lladdr", f"02:00:5e:00:02:{100 + i:02x}",
                         "dev", "veth0", "nud", "permanent"], neigh_oid(ifidx["veth0"], f"192.0.2.{100 + i}"), True))
    changes.append((["neigh", "del", "192.0.2.100", "dev", "veth0"], neigh_oid(ifidx["veth0"], "192.0.2.100"), False))
    for i in range(2):
        changes.append((["addr", "add", f"198.51.100.{50 + i}/24", "dev", "veth1"], addr_oid(f"198.51.100.{50 + i}"), True))
    changes.append((["addr", "del", "198.51.100.50/24", "dev", "veth1"], addr_oid("198.51.100.50"), False))
    changes.append((["-6", "addr", "add", "2001:db8:2::77/64", "dev", "veth1"], addr_oid("2001:db8:2::77"), True))

    client = SnmpGetClient(ns, OURS_PORT)
    figures = []
    try:
        for cmd, oid, present in changes:
            tag, _ = client.get(oid)
            if (tag < 0x80) == present:
                raise LabError(f"before `ip {' '.join(cmd)}` the instance is already {'present' if present else 'absent'}")
            t0 = time.monotonic()
            lab.ip(ns, *cmd)
            t1 = time.monotonic()
            polls = 0
            while True:
                polls += 1
                tag, _ = client.get(oid)
                now = time.monotonic()
                if (tag < 0x80) == present:
                    break
                if now - t1 > 2.0:
                    raise LabError(f"`ip {' '.join(cmd)}` not visible after 2 s")
            figures.append((" ".join(cmd), (now - t1) * 1000, (now - t0) * 1000, polls))
    finally:
        client.close()
    return figures


CHURN_SCRIPT = r"""
set -u
while :; do
  ip -n "$1" -4 -force -batch "$2.add4"
  ip -n "$1" -6 -force -batch "$2.add6"
  ip -n "$1" -4 -force -batch "$2.del4"
  ip -n "$1" -6 -force -batch "$2.del6"
  echo cycle
done
"""


def churn_walks(lab, ns, report):
    base = lab.path("churn")
    with open(base + ".add4", "w") as a4, open(base + ".del4", "w") as d4, \
            open(base + ".add6", "w") as a6, open(base + ".del6", "w") as d6:
        for i in range(64):
            a4.write(f"route add 203.0.113.{i}/32 via 198.51.100.2 metric 3000\n")
            d4.write(f"route del 203.0.113.{i}/32 via 198.51.100.2 metric 3000\n")
            a6.write(f"route add 2001:db8:c0::{i:x}/128 via 2001:db8:2::2 metric 3000\n")
            d6.write(f"route del 2001:db8:c0::{i:x}/128 via 2001:db8:2::2 metric 3000\n")
    stable = {r[0] for r in walk(ns, OURS_PORT, ROUTE_ENTRY + (7,))}
    churn = lab.spawn(["bash", "-c", CHURN_SCRIPT, "churn", ns, base], "churn.out")
    results = []
    try:
        time.sleep(0.2)
        for n, tool in enumerate(["snmpbulkwalk", "snmpwalk"] * 3):
            start = time.monotonic()
            try:
                rows = walk(ns, OURS_PORT, ROUTE_ENTRY, tool=tool, timeout=30)
            except subprocess.TimeoutExpired:
                report.fail("churn", f"{tool} #{n} of inetCidrRouteTable did not terminate in 30 s")
                continue
            elapsed = time.monotonic() - start
            if not strictly_increasing(rows):
                bad = next((a[0], b[0]) for a, b in zip(rows, rows[1:]) if a[0] >= b[0])
                report.fail("churn", f"{tool} #{n}: OIDs not strictly increasing: {bad}")
            seen = {r[0] for r in rows if r[0][len(ROUTE_ENTRY)] == 7}
            missing = stable - seen
            if missing:
                report.fail("churn", f"{tool} #{n}: {len(missing)} routes that existed throughout are "
                                     f"missing, e.g. {sorted(missing)[0]}")
            churned = len([o for o in seen - stable])
            results.append((tool, len(rows), churned, elapsed))
    finally:
        lab.stop(churn)
    with open(lab.path("churn.out"), errors="replace") as f:
        text = f.read()
    cycles = text.count("cycle")
    if cycles < 2:
        report.fail("churn", f"the background loop completed {cycles} add/delete cycles: {text[-300:]}")
    return results, cycles


# ---- main --------------------------------------------------------------------------------------
def main():
    ipmibd = ipmibd_argument(__doc__, ("snmpd", "snmpbulkwalk", "snmpwalk", "snmpget", "snmpnetstat", "radvd",
                                       "ip", "sysctl"))
    started = time.monotonic()
    lab = Lab("ipc")
    try:
        try:
            ns, _peer, peer_ll = build_topology(lab)
        except LabError as e:
            if str(e).startswith("ip netns add"):  # no CAP_SYS_ADMIN / no netns support here
                print(f"SKIP: cannot build network namespaces: {e}")
                return 77
            raise
        report = Report()

        # ipmibd loaded, then Debian started and walked, then ours twice (see counter-moved for
        # why the order matters; the sleeps let ipmibd's 1 s statistics cache expire).
        master_alone = []
        start_ours(lab, ns, ipmibd, master_alone=master_alone)
        # conf/snmpd-disabled-modules.sh: with that list the master itself serves nothing below ip.
        for oid, typ, val in master_alone:
            report.fail("master alone", f"the master without ipmibd serves {'.'.join(map(str, oid))} = {typ} {val}: "
                                        "a module to add to conf/snmpd-disabled-modules.sh")
        start_reference(lab, ns)
        t_ref = time.monotonic()
        ref_rows = walk(ns, REF_PORT, IP)
        time.sleep(1.1)
        our_rows = walk(ns, OURS_PORT, IP)
        elapsed = time.monotonic() - t_ref
        time.sleep(1.1)
        our_after = walk(ns, OURS_PORT, IP)
        ctx = Context(lab, ns, ref_rows, our_rows, our_after, elapsed)
        for name, rows in (("reference", ref_rows), ("ours", our_rows)):
            with open(lab.path(f"walk-{name}.txt"), "w") as f:
                f.writelines(f"{'.'.join(map(str, o))} = {t} {v}\n" for o, t, v in rows)
        if not strictly_increasing(our_rows):
            report.fail("walk", "ipmibd's walk of ip (1.3.6.1.2.1.4) is not strictly increasing")

        # The whole subtree: every instance Debian serves, by OID (inetCidrRouteTable by route).
        missing, ours_only = compare_subtree(report, ctx)
        n_ref, n_ours = compare_routes(report, ref_rows, our_rows, ctx.kroutes)
        for who, all_, n in (("Debian", ctx.ref, n_ref), ("ipmibd", ctx.ours, n_ours)):
            if all_.get(ROUTE_NUMBER) != ("Gauge32", n):
                report.fail("inetCidrRouteNumber", f"{who} says {fmt_value(all_.get(ROUTE_NUMBER))}, its table has {n} rows")
        check_ours_only_objects(report, ctx)
        name_anycast_rows(report, ctx)
        n4, n6 = compare_interfaces(report, lab, ns, our_rows)
        netstat_out, netstat_extra = compare_netstat(report, lab, ns, ctx.kroutes)
        t_compared = time.monotonic() - started

        latency = measure_latency(lab, ns, peer_ll)
        churn, cycles = churn_walks(lab, ns, report)
        worst = max(f[1] for f in latency)
        if worst >= 100:
            report.fail("latency", f"slowest change visible after {worst:.1f} ms (limit 100 ms)")

        # ---- report ----
        counts = ", ".join(f"{TABLES[e]} {len(rows_by_index(our_rows, e))}/{len(rows_by_index(ref_rows, e))}"
                           for e in sorted(TABLES) if e != ROUTE_ENTRY and
                           (rows_by_index(our_rows, e) or rows_by_index(ref_rows, e)))
        print(f"compared: {len(ctx.ref)} instances Debian serves below ip (1.3.6.1.2.1.4), {len(ctx.ours)} ipmibd "
              f"serves; rows ipmibd/Debian: inetCidrRouteTable {n_ours}/{n_ref} (matched by route), {counts}; "
              f"{n4} ipv4InterfaceTable / {n6} ipv6InterfaceTable rows against the kernel")
        if not inproc():
            print(f"the master alone (IP modules disabled, no ipmibd) serves {len(master_alone)} instances below ip")
        print("missing in ipmibd (served by Debian): " +
              (", ".join(f"{name} ({len(oids)})" for name, oids in sorted(missing.items())) or "nothing"))
        print("served by ipmibd only (allowed): " +
              (", ".join(f"{name} ({n})" for name, n in sorted(ours_only.items())) or "nothing"))
        print(f"snmpnetstat -Cr / -Ci / -Cs -Cp ip compared ({netstat_extra} route lines only in ipmibd's -Cr); "
              f"Debian's -Cr:")
        for line in netstat_out["ref"]["-Cr"][:6]:
            print(f"    {line}")
        print("\nexceptions (named, see EXCEPTIONS in ip_subtree.py):")
        for name, details in sorted(report.excepted.items()):
            print(f"  {name}: {len(details)} x  -- {EXCEPTIONS[name][:100]}...")
            for d in details[:4]:
                print(f"      {d}")
            if len(details) > 4:
                print(f"      ... and {len(details) - 4} more")
        print("\nchange -> visible through the master (ms after `ip` returned / after it started, GETs):")
        for cmd, after, total, polls in latency:
            print(f"  {after:7.1f} {total:7.1f} {polls:4d}  ip {cmd}")
        lat = sorted(f[1] for f in latency)
        print(f"  n={len(lat)} min {lat[0]:.1f} median {lat[len(lat) // 2]:.1f} max {lat[-1]:.1f} ms")
        print(f"\nwalks of inetCidrRouteTable while a loop added and deleted 128 routes ({cycles} cycles; "
              "tool, varbinds, churned instances seen, seconds):")
        for tool, n, churned, elapsed in churn:
            print(f"  {tool:12s} {n:6d} {churned:5d} {elapsed:6.2f}")
        print(f"\ntotal {time.monotonic() - started:.1f} s (lab and comparisons {t_compared:.1f} s)")
        if report.failures:
            failures = "".join(f"\n  {f}" for f in report.failures)
            return report_failure(lab, f"\nFAIL: {len(report.failures)} unexplained difference(s):{failures}",
                                  lines=10)
        print("PASS")
        return 0
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
