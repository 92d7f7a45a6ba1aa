#!/usr/bin/env python3
# compare_with_snmpd.py: integration test: ipmibd (backend linux) against Debian's own snmpd on one network namespace, instance by instance, plus change latency and walks under churn.
"""Usage: compare_with_snmpd.py PATH/TO/ipmibd        (root; exit 77 = skipped)

1. Builds a namespace (unique name) with two veth pairs into a peer namespace, IPv4 + IPv6
   addresses, static neighbors and neighbors resolved by pinging the peer, routes: gateway,
   on-link, multipath (both families), blackhole / unreachable / prohibit (both families), IPv6
   routes via a link-local next hop, several protocols and metrics; per-interface sysctls that
   differ between interfaces.
2. Starts Debian's snmpd inside the namespace serving IP-MIB / IP-FORWARD-MIB with its own modules
   ("reference"), and a second snmpd as AgentX master with those modules disabled (the list in
   conf/snmpd-disabled-modules.sh) plus ipmibd with `backend linux netns NAME` ("ours").
3. Walks every table ipmibd serves on both and compares instance by instance: the same index
   sets and the same type and value in every column both serve. Each remaining difference must
   match a NAMED exception below whose comment cites the RFC 4292/4293 text showing why Debian's
   value is wrong (or why the difference is configuration / time, not data). Anything else fails
   the test with a readable diff. ipv4/ipv6InterfaceTable (Debian serves no rows) are compared
   with the kernel's own values.
4. Out-of-band changes (ip route/neigh/addr) must be visible to the next GET through the master
   within 100 ms (max over 20 changes), and walks of inetCidrRouteTable while a background loop
   adds and deletes routes must terminate with strictly increasing OIDs and contain every route
   that existed throughout.

Set IPMIBD_KEEP_TMP=1 to keep the logs and walks (the namespaces are always deleted).
"""

import ipaddress
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import (Lab, LabError, SnmpGetClient, ipmibd_argument, parse_walk, ping, report_failure, run,  # noqa: E402
                       wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IP = (1, 3, 6, 1, 2, 1, 4)
REF_PORT, OURS_PORT = 1161, 1162  # inside the private namespace: no clash with anything else

# ---- the served objects ------------------------------------------------------------------------
SCALARS = {
    IP + (1, 0): "ipForwarding",
    IP + (2, 0): "ipDefaultTTL",
    IP + (25, 0): "ipv6IpForwarding",
    IP + (26, 0): "ipv6IpDefaultHopLimit",
}
ROUTE_ENTRY = IP + (24, 7, 1)
ROUTE_NUMBER = IP + (24, 6, 0)
ROUTE_DISCARDS = IP + (24, 8, 0)
ROUTE_COLUMNS = {7: "inetCidrRouteIfIndex", 8: "inetCidrRouteType", 9: "inetCidrRouteProto",
                 10: "inetCidrRouteAge", 11: "inetCidrRouteNextHopAS", 12: "inetCidrRouteMetric1",
                 13: "inetCidrRouteMetric2", 14: "inetCidrRouteMetric3", 15: "inetCidrRouteMetric4",
                 16: "inetCidrRouteMetric5", 17: "inetCidrRouteStatus"}
STATS_COLUMNS = {
    3: "InReceives", 4: "HCInReceives", 5: "InOctets", 6: "HCInOctets", 7: "InHdrErrors",
    8: "InNoRoutes", 9: "InAddrErrors", 10: "InUnknownProtos", 11: "InTruncatedPkts",
    12: "InForwDatagrams", 13: "HCInForwDatagrams", 14: "ReasmReqds", 15: "ReasmOKs",
    16: "ReasmFails", 17: "InDiscards", 18: "InDelivers", 19: "HCInDelivers", 20: "OutRequests",
    21: "HCOutRequests", 22: "OutNoRoutes", 23: "OutForwDatagrams", 24: "HCOutForwDatagrams",
    25: "OutDiscards", 26: "OutFragReqds", 27: "OutFragOKs", 28: "OutFragFails",
    29: "OutFragCreates", 30: "OutTransmits", 31: "HCOutTransmits", 32: "OutOctets",
    33: "HCOutOctets", 34: "InMcastPkts", 35: "HCInMcastPkts", 36: "InMcastOctets",
    37: "HCInMcastOctets", 38: "OutMcastPkts", 39: "HCOutMcastPkts", 40: "OutMcastOctets",
    41: "HCOutMcastOctets", 42: "InBcastPkts", 43: "HCInBcastPkts", 44: "OutBcastPkts",
    45: "HCOutBcastPkts", 46: "DiscontinuityTime", 47: "RefreshRate"}
# Generic tables compared column by column on the raw index: entry OID -> (name, columns).
TABLES = {
    IP + (32, 1): ("ipAddressPrefixTable", {5: "ipAddressPrefixOrigin", 6: "ipAddressPrefixOnLinkFlag",
                                            7: "ipAddressPrefixAutonomousFlag",
                                            8: "ipAddressPrefixAdvPreferredLifetime",
                                            9: "ipAddressPrefixAdvValidLifetime"}),
    IP + (34, 1): ("ipAddressTable", {3: "ipAddressIfIndex", 4: "ipAddressType", 5: "ipAddressPrefix",
                                      6: "ipAddressOrigin", 7: "ipAddressStatus", 8: "ipAddressCreated",
                                      9: "ipAddressLastChanged", 10: "ipAddressRowStatus",
                                      11: "ipAddressStorageType"}),
    IP + (35, 1): ("ipNetToPhysicalTable", {4: "ipNetToPhysicalPhysAddress", 5: "ipNetToPhysicalLastUpdated",
                                            6: "ipNetToPhysicalType", 7: "ipNetToPhysicalState",
                                            8: "ipNetToPhysicalRowStatus"}),
    IP + (31, 1, 1): ("ipSystemStatsTable", {c: "ipSystemStats" + n for c, n in STATS_COLUMNS.items()}),
    IP + (31, 3, 1): ("ipIfStatsTable", {c: "ipIfStats" + n for c, n in STATS_COLUMNS.items()}),
}
TIMESTAMP_COLUMNS = {"inetCidrRouteAge", "ipAddressCreated", "ipAddressLastChanged",
                     "ipNetToPhysicalLastUpdated", "ipSystemStatsDiscontinuityTime",
                     "ipIfStatsDiscontinuityTime"}
LAST_CHANGE_SCALARS = {IP + (27, 0): "ipv4InterfaceTableLastChange",
                       IP + (29, 0): "ipv6InterfaceTableLastChange",
                       IP + (31, 2, 0): "ipIfStatsTableLastChange"}
SPIN_LOCK = IP + (33, 0)

# What an exception looks like in the report; every exception has an entry here.
EXCEPTIONS = {
    "local-table-v4": "IPv4 route of a kernel table other than main: Debian reads /proc/net/route, "
                      "which lists RT_TABLE_MAIN only; ipmibd is configured with `routeTable main` + "
                      "`routeTable local` here so that the IPv6 sets (Debian: /proc/net/ipv6_route, "
                      "every table) are comparable. Configuration/data-source difference.",
    "v6-reject-not-up": "IPv6 route the kernel treats as reject/blackhole (no RTF_UP in "
                        "/proc/net/ipv6_route); Debian's _type_from_flags() gives type 0 and the row "
                        "is not served. RFC 4292 inetCidrRouteType: reject(2) 'discards the message "
                        "as unreachable and returns a notification', blackhole(5) 'discards the "
                        "message silently' - such routes result in rejection and are part of "
                        "'This entity's IP Routing table'.",
    "multipath-v4": "Second and later next hop of an IPv4 multipath route: /proc/net/route shows the "
                    "first next hop only. RFC 4292 inetCidrRouteEntry: 'A particular route to a "
                    "particular destination, under a particular policy'; the next hop is part of "
                    "the INDEX so every next hop is its own row.",
    "v6-policy": "IPv6 inetCidrRoutePolicy: Debian uses {0 0 N} with N its dump position "
                 "(route_linux.c 'arbitrary index'), which renumbers rows whenever an earlier route "
                 "appears or goes. RFC 4292 inetCidrRoutePolicy: 'The value { 0 0 } shall be used as "
                 "the default value'; ipmibd uses {0 0} / {0 0 ifIndex} as for IPv4. Rows are matched "
                 "on destination, prefix, next hop, ifIndex and metric instead.",
    "reject-type": "inetCidrRouteType of a blackhole/unreachable/prohibit route: Debian local(3) "
                   "('xxx: can we distinguish between reject & blackhole?' in route_linux.c). "
                   "RFC 4292: local(3) 'refers to a route for which the next hop is the final "
                   "destination'; reject(2) / blackhole(5) are the types of such routes.",
    "route-proto": "inetCidrRouteProto: Debian serves local(2) for every route without RTF_DYNAMIC. "
                   "IANAipRouteProtocol: local(2) is 'local interface', netmgmt(3) 'static route', "
                   "other(1) 'not specified'; ipmibd maps the kernel's rtm_protocol (kernel -> "
                   "local, static/boot -> netmgmt, ra -> icmp-like, routing daemons -> their value).",
    "static-neigh-state": "ipNetToPhysicalState of a permanent (static) entry: Debian reachable(1). "
                          "RFC 4293: 'If Neighbor Unreachability Detection is not in use ... this "
                          "object is always unknown(6)'; the kernel runs no NUD on NUD_PERMANENT "
                          "entries.",
    "timestamp": "TimeStamp / age values: each agent stamps rows with its own clock and load time "
                 "(RFC 4293 TimeStamp is relative to the serving agent's sysUpTime).",
    "refresh-rate": "ip*StatsRefreshRate: each agent's own cache interval in ms (RFC 4293: 'The "
                    "minimum reasonable polling interval for this entry'), a property of the "
                    "implementation, not of the kernel's data.",
    "counter-moved": "Counter read later by ipmibd than by Debian: within the bracket "
                     "Debian <= ours <= Debian + 2 x (what one walk of ours adds) + 10.",
    "spinlock": "ipAddressSpinLock: TestAndIncr, a random initial value per agent (RFC 2579).",
    "own-address-route-type": "inetCidrRouteType of a kernel local/anycast route (delivery to one of "
                              "this entity's own addresses, IPv6 local table): Debian local(3). RFC "
                              "4292: 'local(3) refers to a route for which the next hop is the final "
                              "destination' - these routes have no next hop, the datagram is never "
                              "sent on; other(1) is 'not specified by this MIB'.",
    "loopback-address": "The loopback address (127.0.0.1/8, ::1/128) and its prefix: Debian "
                        "ipAddressPrefixOrigin manual(2) and ipAddressStorageType volatile(2). "
                        "RFC 4293 IpAddressPrefixOriginTC: 'manual(2) indicates a prefix that was "
                        "manually configured', 'wellknown(3) indicates a well-known prefix ... "
                        "assigned ... by specification in a standards track RFC' (RFC 1122 3.2.1.3, "
                        "RFC 4291 2.5.3); SNMPv2-TC StorageType: 'A row which is volatile(2) is lost "
                        "upon reboot' - the kernel re-creates the loopback address at every boot.",
}


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

    addrs = [("veth0", "192.0.2.1/24"), ("veth0", "2001:db8:1::1/64"), ("veth1", "198.51.100.1/24"),
             ("veth1", "2001:db8:2::1/64"), ("lo", "203.0.113.1/32"), ("lo", "2001:db8:ff::1/128")]
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
    wait_until_quiet(lab, ns)
    return ns, peer, peer_ll


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


def start_ours(lab, ns, ipmibd, conf_lines=OURS_CONF, load_timeout=15):
    """A private master inside the namespace (IP modules disabled) on OURS_PORT and ipmibd on its
    AgentX socket with `backend linux netns NS` plus conf_lines; returns ipmibd's process once every
    table has loaded."""
    sock = lab.path("agentx.sock")
    conf = lab.path("master.conf")
    with open(conf, "w") as f:
        f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\nrocommunity public 127.0.0.1\ndontLogTCPWrappersConnects yes\n")
    master = lab.spawn(["ip", "netns", "exec", ns, "snmpd", "-f", "-Lf", lab.path("master.log"), "-C",
                        "-c", conf, "-I", "-" + disabled_modules(), "-p", lab.path("master.pid"),
                        f"udp:127.0.0.1:{OURS_PORT}"], "master.out", env=SNMP_ENV)
    wait_for(lambda: os.path.exists(sock) or master.poll() is not None, 10, what="AgentX socket")
    if master.poll() is not None:
        raise LabError("master snmpd exited:\n" + lab.log_tail("master.log"))
    iconf = lab.path("ipmibd.conf")
    with open(iconf, "w") as f:
        f.write(f"backend linux netns {ns}\n{conf_lines}")
    agent = lab.spawn([ipmibd, "-f", "-Lf", lab.path("ipmibd.log"), "-C", "-c", iconf, "-x", sock],
                      "ipmibd.out", env=ipmibd_env())
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


# ---- generic tables ----------------------------------------------------------------------------
def rows_by_index(rows, entry):
    table = {}
    for suffix, tv in split(rows, entry).items():
        table.setdefault(suffix[1:], {})[suffix[0]] = tv
    return table


def compare_generic(report, entry, ref_rows, our_rows, our_after, kernel_neigh):
    tname, columns = TABLES[entry]
    ref, ours, after = (rows_by_index(r, entry) for r in (ref_rows, our_rows, our_after))
    for idx in sorted(set(ref) | set(ours)):
        for col, name in columns.items():
            rv = ref.get(idx, {}).get(col)
            ov = ours.get(idx, {}).get(col)
            if rv == ov:
                continue
            where = f"{name}.{'.'.join(map(str, idx))}"
            if name in TIMESTAMP_COLUMNS and rv and ov and rv[0] == ov[0]:
                report.allow("timestamp", where)
                continue
            if name.endswith("RefreshRate") and rv and ov and rv[0] == ov[0]:
                report.allow("refresh-rate", f"{where}: Debian {rv[1]}, ipmibd {ov[1]}")
                continue
            if tname in ("ipSystemStatsTable", "ipIfStatsTable") and rv and ov and rv[0] == ov[0] \
                    and rv[0] in ("Counter32", "Counter64"):
                # Counters move between the walks (the walks themselves are IP traffic on lo).
                # Debian was started after ipmibd had loaded and its statistics cache is filled
                # during its walk (at the latest), and ipmibd's snapshot is taken after that walk
                # (its 1 s cache had expired): ours, read later from the same kernel counters, can
                # only be larger. How much larger is bounded by the traffic in between: at most
                # the rest of Debian's walk plus ours up to this table, i.e. less than two walks'
                # worth, measured as the growth between two walks of ours 1.1 s apart (so that
                # ipmibd re-read the kernel), plus 10 packets/octets of background chatter
                # (ND/MLD). Counter32 wrap is not a concern at these magnitudes.
                step = max(0, after.get(idx, {}).get(col, ov)[1] - ov[1])
                if rv[1] <= ov[1] <= rv[1] + 2 * step + 10:
                    report.allow("counter-moved", f"{where}: Debian {rv[1]}, ipmibd {ov[1]} (step {step})")
                    continue
            if name in ("ipAddressPrefixOrigin", "ipAddressStorageType") and is_loopback_index(idx) \
                    and rv == ("INTEGER", 2) and ov == ("INTEGER", 3 if name == "ipAddressPrefixOrigin" else 4):
                report.allow("loopback-address", f"{where}: Debian {rv[1]}, ipmibd {ov[1]}")
                continue
            if name == "ipNetToPhysicalState" and rv == ("INTEGER", 1) and ov == ("INTEGER", 6) and \
                    kernel_neigh.get(idx, "").upper() == "PERMANENT":
                report.allow("static-neigh-state", where)
                continue
            report.fail(tname, f"{where}: Debian {fmt_value(rv)}, ipmibd {fmt_value(ov)}")


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
    ipmibd = ipmibd_argument(__doc__, ("snmpd", "snmpbulkwalk", "snmpwalk", "snmpget", "ip", "sysctl"))
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
        start_ours(lab, ns, ipmibd)
        start_reference(lab, ns)
        ref_rows = walk(ns, REF_PORT, IP)
        time.sleep(1.1)
        our_rows = walk(ns, OURS_PORT, IP)
        time.sleep(1.1)
        our_after = walk(ns, OURS_PORT, IP)
        kroutes = kernel_routes(lab, ns)
        kneigh = kernel_neighbors(lab, ns)
        for name, rows in (("reference", ref_rows), ("ours", our_rows)):
            with open(lab.path(f"walk-{name}.txt"), "w") as f:
                f.writelines(f"{'.'.join(map(str, o))} = {t} {v}\n" for o, t, v in rows)
        if not strictly_increasing(our_rows):
            report.fail("walk", "ipmibd's walk of ip (1.3.6.1.2.1.4) is not strictly increasing")

        # Scalars.
        ref_all, our_all = {r[0]: (r[1], r[2]) for r in ref_rows}, {r[0]: (r[1], r[2]) for r in our_rows}
        for oid, name in SCALARS.items():
            if ref_all.get(oid) != our_all.get(oid) or oid not in our_all:
                report.fail(name, f"Debian {fmt_value(ref_all.get(oid))}, ipmibd {fmt_value(our_all.get(oid))}")
        for oid, name in LAST_CHANGE_SCALARS.items():
            if our_all.get(oid, ("",))[0] != "Timeticks":
                report.fail(name, f"ipmibd {fmt_value(our_all.get(oid))}, expected a TimeStamp")
            elif oid in ref_all and ref_all[oid] != our_all[oid]:
                report.allow("timestamp", f"{name}: Debian {ref_all[oid][1]}, ipmibd {our_all[oid][1]}")
        if our_all.get(SPIN_LOCK, ("",))[0] != "INTEGER" or ref_all.get(SPIN_LOCK, ("",))[0] != "INTEGER":
            report.fail("ipAddressSpinLock", f"Debian {fmt_value(ref_all.get(SPIN_LOCK))}, ipmibd {fmt_value(our_all.get(SPIN_LOCK))}")
        elif ref_all[SPIN_LOCK] != our_all[SPIN_LOCK]:
            report.allow("spinlock", f"Debian {ref_all[SPIN_LOCK][1]}, ipmibd {our_all[SPIN_LOCK][1]}")

        # inetCidrRouteTable and its scalars.
        n_ref, n_ours = compare_routes(report, ref_rows, our_rows, kroutes)
        for who, all_, n in (("Debian", ref_all, n_ref), ("ipmibd", our_all, n_ours)):
            if all_.get(ROUTE_NUMBER) != ("Gauge32", n):
                report.fail("inetCidrRouteNumber", f"{who} says {fmt_value(all_.get(ROUTE_NUMBER))}, its table has {n} rows")
        if our_all.get(ROUTE_DISCARDS, ("",))[0] != "Counter32":
            report.fail("inetCidrRouteDiscards", f"ipmibd {fmt_value(our_all.get(ROUTE_DISCARDS))}")

        for entry in TABLES:
            compare_generic(report, entry, ref_rows, our_rows, our_after, kneigh)
        n4, n6 = compare_interfaces(report, lab, ns, our_rows)

        # Coverage: what Debian serves below ip that ipmibd does not serve at all (informational).
        served = {o[:len(IP) + 1] for o in our_all}
        not_served = sorted({o[:len(IP) + 1] for o in ref_all} - served)

        latency = measure_latency(lab, ns, peer_ll)
        churn, cycles = churn_walks(lab, ns, report)
        worst = max(f[1] for f in latency)
        if worst >= 100:
            report.fail("latency", f"slowest change visible after {worst:.1f} ms (limit 100 ms)")

        # ---- report ----
        print(f"compared: {n_ours} ipmibd / {n_ref} Debian inetCidrRouteTable rows; "
              f"{len(rows_by_index(our_rows, IP + (34, 1)))} ipAddressTable, "
              f"{len(rows_by_index(our_rows, IP + (32, 1)))} ipAddressPrefixTable, "
              f"{len(rows_by_index(our_rows, IP + (35, 1)))} ipNetToPhysicalTable, "
              f"{len(rows_by_index(our_rows, IP + (31, 1, 1)))} ipSystemStatsTable, "
              f"{len(rows_by_index(our_rows, IP + (31, 3, 1)))} ipIfStatsTable rows; "
              f"{n4} ipv4InterfaceTable / {n6} ipv6InterfaceTable rows against the kernel")
        print("not served by ipmibd (no table unit): " +
              ", ".join(".".join(map(str, o)) for o in not_served))
        print("\nexceptions (named, see EXCEPTIONS in this file):")
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
        print(f"\ntotal {time.monotonic() - started:.1f} s")
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
