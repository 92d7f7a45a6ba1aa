#!/usr/bin/env python3
# default_router_test.py: integration test: ipDefaultRouterTable and ipv6ScopeZoneIndexTable of ipmibd (backend linux) against Debian's snmpd on one namespace with an RA-learned IPv6 default router (radvd in a peer namespace) and static IPv4/IPv6 default routers.
"""Usage: default_router_test.py PATH/TO/ipmibd        (root; exit 77 = skipped)

Both tables are walked on Debian's snmpd ("reference", its own IP-MIB modules) and on a master
with those modules disabled plus ipmibd ("ours"), and compared instance by instance. The remaining
lifetime of the RA router must agree within a tolerance and count down. Differences that are
ipmibd's documented exceptions (tables/ip_mib/ip_default_router_table.h,
ipv6_scope_zone_index_table.h) are asserted exactly, not skipped:
  - the static IPv6 default router: Debian drops it, ipmibd serves it (lifetime 65535, medium);
  - the RA's preference: radvd advertises `high`; Debian serves medium(0), ipmibd high(1);
  - ipv6ScopeZoneIndexTable: lo (no link-local address) is only in ours.
radvd is SIGKILLed after the first advertisement, so no later RA refreshes the lifetime mid-test
and no farewell RA (lifetime 0) removes the route.
"""

import json
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import Lab, LabError, ipmibd_argument, parse_walk, report_failure, run, wait_for  # noqa: E402

IP = (1, 3, 6, 1, 2, 1, 4)
ZONES, ROUTERS = IP + (36, 1), IP + (37, 1)
REF_PORT, OURS_PORT = 1161, 1162  # inside the private namespace
SNMP_ENV = dict(os.environ, MIBS="", MIBDIRS="/nonexistent")
RA_LIFETIME = 1800
TOLERANCE = 3  # seconds between the two walks and their rounding


def walk(ns, port, oid):
    res = run(["ip", "netns", "exec", ns, "snmpbulkwalk", "-v2c", "-c", "public", "-m", "", "-On", "-Oe",
               "-Ox", "-t", "3", "-r", "1", f"127.0.0.1:{port}", ".".join(map(str, oid))], env=SNMP_ENV)
    rows = [r for r in parse_walk(res.stdout) if r[1] != "NOSUCH"]
    return {r[0][len(oid):]: r[2] for r in rows}  # (column, index...) -> value


def build(lab):
    ns, peer = lab.netns("m"), lab.netns("p")
    for n in (ns, peer):
        lab.exec_in(n, ["sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"])
    lab.exec_in(peer, ["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"])
    lab.ip(ns, "link", "add", "h0", "type", "veth", "peer", "name", "r0", "netns", peer)
    lab.ip(ns, "link", "set", "h0", "up")
    lab.ip(peer, "link", "set", "r0", "up")
    lab.ip(ns, "addr", "add", "192.0.2.1/24", "dev", "h0")
    lab.ip(ns, "addr", "add", "2001:db8:1::1/64", "dev", "h0")
    lab.ip(ns, "route", "add", "default", "via", "192.0.2.254", "dev", "h0")
    lab.ip(ns, "-6", "route", "add", "default", "via", "2001:db8:1::fe", "dev", "h0", "metric", "2048")
    conf = lab.path("radvd.conf")
    with open(conf, "w") as f:
        f.write("interface r0 {\n AdvSendAdvert on;\n MinRtrAdvInterval 3;\n MaxRtrAdvInterval 4;\n"
                f" AdvDefaultLifetime {RA_LIFETIME};\n AdvDefaultPreference high;\n}};\n")
    radvd = lab.spawn(["ip", "netns", "exec", peer, "radvd", "-n", "-C", conf, "-p", lab.path("radvd.pid"),
                       "-m", "stderr"], "radvd.log")

    def ra_route():
        routes = json.loads(lab.ip(ns, "-j", "-6", "route", "show", "default", "proto", "ra").stdout or "[]")
        return routes[0] if routes else None
    route = wait_for(ra_route, 15, interval=0.2, what="the RA default route")
    radvd.send_signal(signal.SIGKILL)  # no farewell advertisement, no refresh
    radvd.wait(5)
    return ns, route


def start(lab, ns, ipmibd):
    ref_conf, master_conf = lab.path("reference.conf"), lab.path("master.conf")
    sock = lab.path("agentx.sock")
    with open(ref_conf, "w") as f:
        f.write("rocommunity public 127.0.0.1\ndontLogTCPWrappersConnects yes\n")
    with open(master_conf, "w") as f:
        f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\nrocommunity public 127.0.0.1\n"
                "dontLogTCPWrappersConnects yes\n")
    disabled = run(["bash", "-c", f". {os.path.dirname(os.path.abspath(__file__))}/../../conf/snmpd-disabled-modules.sh;"
                    " echo $IPMIBD_SNMPD_DISABLED_MODULES"]).stdout.strip()
    lab.spawn(["ip", "netns", "exec", ns, "snmpd", "-f", "-Lf", lab.path("reference.log"), "-C", "-c", ref_conf,
               "-p", lab.path("reference.pid"), f"udp:127.0.0.1:{REF_PORT}"], "reference.out", env=SNMP_ENV)
    lab.spawn(["ip", "netns", "exec", ns, "snmpd", "-f", "-Lf", lab.path("master.log"), "-C", "-c", master_conf,
               "-I", "-" + disabled, "-p", lab.path("master.pid"), f"udp:127.0.0.1:{OURS_PORT}"], "master.out",
              env=SNMP_ENV)
    wait_for(lambda: os.path.exists(sock), 10, what="the AgentX socket")
    iconf = lab.path("ipmibd.conf")
    with open(iconf, "w") as f:
        f.write(f"backend linux netns {ns}\nagentxPingInterval 1\n")
    agent = lab.spawn([ipmibd, "-f", "-Lf", lab.path("ipmibd.log"), "-C", "-c", iconf, "-x", sock], "ipmibd.out",
                      env=SNMP_ENV)

    def served():
        if agent.poll() is not None:
            raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
        return walk(ns, OURS_PORT, ROUTERS) and walk(ns, REF_PORT, ROUTERS)
    wait_for(served, 15, interval=0.2, what="both agents to serve ipDefaultRouterTable")


def index_of(family, address_octets, ifindex):
    return (family, len(address_octets), *address_octets, ifindex)


def main():
    ipmibd = ipmibd_argument(__doc__, ["snmpd", "snmpbulkwalk", "radvd"])
    lab = Lab("dr")
    errors = []
    try:
        ns, route = build(lab)
        start(lab, ns, ipmibd)
        links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link", "show").stdout)}
        h0 = links["h0"]
        gateway = route["gateway"]
        ra = index_of(2, tuple(bytes.fromhex(
            "".join(f"{int(g, 16):04x}" for g in expand(gateway)))), h0)
        v4 = index_of(1, (192, 0, 2, 254), h0)
        v6_static = index_of(2, (0x20, 1, 0x0d, 0xb8, 0, 1) + (0,) * 9 + (0xfe,), h0)

        ref, ours = walk(ns, REF_PORT, ROUTERS), walk(ns, OURS_PORT, ROUTERS)
        expect_ref = {(4,) + v4: 65535, (5,) + v4: 0, (4,) + ra: None, (5,) + ra: 0}
        expect_ours = {(4,) + v4: 65535, (5,) + v4: 0, (4,) + ra: None, (5,) + ra: 1,  # exception: RA preference
                       (4,) + v6_static: 65535, (5,) + v6_static: 0}  # exception: static IPv6 router
        for name, got, want in (("Debian", ref, expect_ref), ("ipmibd", ours, expect_ours)):
            if set(got) != set(want):
                errors.append(f"{name} ipDefaultRouterTable instances {sorted(got)} != {sorted(want)}")
                continue
            for key, value in want.items():
                if value is not None and got[key] != value:
                    errors.append(f"{name} {key}: {got[key]} != {value}")
        if not errors:
            left_ref, left_ours = ref[(4,) + ra], ours[(4,) + ra]
            if abs(left_ref - left_ours) > TOLERANCE or not RA_LIFETIME - 30 < left_ours <= RA_LIFETIME:
                errors.append(f"RA router lifetime: Debian {left_ref}, ipmibd {left_ours}")
            time.sleep(2.2)
            later = walk(ns, OURS_PORT, ROUTERS)[(4,) + ra]
            later_ref = walk(ns, REF_PORT, ROUTERS)[(4,) + ra]
            if not left_ours - 2 - TOLERANCE <= later <= left_ours - 1 or abs(later - later_ref) > TOLERANCE:
                errors.append(f"lifetime does not count down: {left_ours} then {later} (Debian {later_ref})")

        ref_z, ours_z = walk(ns, REF_PORT, ZONES), walk(ns, OURS_PORT, ZONES)
        want_ours = {(c, i): (i if c == 2 else 0) for c in range(2, 14) for i in links.values()}
        want_ref = {k: v for k, v in want_ours.items() if k[1] != links["lo"]}  # exception: lo
        if ours_z != want_ours:
            errors.append(f"ipmibd ipv6ScopeZoneIndexTable {sorted(ours_z.items())} != {sorted(want_ours.items())}")
        if ref_z != want_ref:
            errors.append(f"Debian ipv6ScopeZoneIndexTable {sorted(ref_z.items())} != {sorted(want_ref.items())}")
    except LabError as e:
        return report_failure(lab, f"FAIL: {e}", logs=("ipmibd.log", "master.log", "reference.log", "radvd.log"))
    if errors:
        return report_failure(lab, "FAIL:\n" + "\n".join(errors), logs=("ipmibd.log",))
    print("PASS: ipDefaultRouterTable and ipv6ScopeZoneIndexTable match Debian's snmpd but for the named exceptions")
    return 0


def expand(address):
    """The eight 16-bit groups of an IPv6 address in text."""
    head, _, tail = address.partition("::")
    h = head.split(":") if head else []
    t = tail.split(":") if tail else []
    return h + ["0"] * (8 - len(h) - len(t)) + t


if __name__ == "__main__":
    sys.exit(main())
