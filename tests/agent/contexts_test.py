#!/usr/bin/env python3
# contexts_test.py: integration test: one ipmibd serves several routing instances, each in its own
# SNMP context (`context NAME netns NS`, `context NAME table N`), against the real kernel.
"""Usage: contexts_test.py [--standalone] PATH/TO/ipmibd        (root; exit 77 = skipped)

Namespaces: M (the default instance: `backend linux netns M`), A and B. A and B hold the same
prefixes and the same neighbor address with different MACs; M has routing table 100 with a route
that overlaps one of its main table. ipmibd.conf: `context ctxA netns A`, `context ctxB netns B`,
`context pol table 100`. The master maps one v2c community to each context (com2sec -Cn), and an
SNMPv3 user reads every context by contextName (snmpwalk -v3 -n). With --standalone, ipmibd -S is
the agent itself, with those access-control lines and the trap sink in its own ipmibd.conf.
Checks: each context's inetCidrRouteTable equals `ip -j -n NS route` (main, or table 100 for pol),
ipRouteTable of pol shows table 100's route, the neighbors of ctxA / ctxB carry their own MACs,
the default context is M's main table; a route created in ctxB lands in B only, one in pol lands
in M's table 100 only; a SET in ctxA naming an interface A does not have is refused and changes
no instance; notifications name their context.
"""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import (Checks, Lab, LabError, free_udp_port, ipmibd_argument, parse_walk, report_failure,  # noqa: E402
                       run, start_ipmibd, start_master, wait_for)

ROUTE = "1.3.6.1.2.1.4.24.7.1"  # inetCidrRouteEntry
IF_INDEX, ROUTE_TYPE, STATUS = 7, 8, 17
NEIGH_PHYS = "1.3.6.1.2.1.4.35.1.4"  # ipNetToPhysicalPhysAddress
IP_ROUTE_NEXT_HOP = "1.3.6.1.2.1.4.21.1.7"  # ipRouteNextHop
CONTEXTS = {"ctxA": "A", "ctxB": "B", "pol": "M"}
NOTIFY_CONTEXT = ".1.3.6.1.4.1.8072.9999.9999.42.3.15.0"  # ipmibdNotifyContext.0
ROUTE_ADDED = ".1.3.6.1.4.1.8072.9999.9999.42.0.1"  # ipmibdRouteAdded
MACS = {"A": "02:00:00:00:0a:01", "B": "02:00:00:00:0b:01"}


def snmp(port, tool, community, *args, check=False):
    return run([tool, "-v2c", "-c", community, "-m", "", "-On", "-Oe", "-Ox", "-t", "3", "-r", "1", f"127.0.0.1:{port}", *args],
               check=check, timeout=60)


def decode_route_index(suffix):
    """inetCidrRouteTable index -> (destination text, prefix length, next hop text or '')."""
    def address(parts, i):
        kind, length = parts[i], parts[i + 1]
        raw = parts[i + 2:i + 2 + length]
        if kind == 1:
            text = ".".join(map(str, raw))
        else:
            text = ":".join(f"{raw[j] << 8 | raw[j + 1]:x}" for j in range(0, len(raw), 2)) if raw else ""
        return text, kind, i + 2 + length
    dest, kind, i = address(suffix, 0)
    prefix = suffix[i]
    policy_len = suffix[i + 1]
    i += 2 + policy_len
    hop, _, _ = address(suffix, i)
    zero = {"0.0.0.0", "0:0:0:0:0:0:0:0", ""}
    return dest, prefix, "" if hop in zero else hop, kind


V3_USER = ("ctxv3", "ctx-auth-pass", "ctx-priv-pass")


def snmp3(port, tool, context, *args, check=False, wait=("3", "1")):
    """An SNMPv3 authPriv request in the SNMP context `context` (-n); wait = (-t, -r)."""
    user, auth, priv = V3_USER
    return run([tool, "-v3", "-u", user, "-l", "authPriv", "-a", "SHA", "-A", auth, "-x", "AES", "-X", priv,
                "-n", context, "-m", "", "-On", "-Oe", "-Ox", "-t", wait[0], "-r", wait[1], f"127.0.0.1:{port}",
                *args],
               check=check, timeout=60)


def walked_routes(port, community, context=None):
    """The IPv4 rows of inetCidrRouteTable, through a v2c community or (context given) SNMPv3 -n."""
    if context is None:
        out = snmp(port, "snmpbulkwalk", community, f"{ROUTE}.{IF_INDEX}", check=True).stdout
    else:
        out = snmp3(port, "snmpbulkwalk", context, f"{ROUTE}.{IF_INDEX}", check=True).stdout
    rows = set()
    for oid, _, _ in parse_walk(out):
        parts = list(oid)
        dest, prefix, hop, kind = decode_route_index(parts[len(ROUTE.split(".")) + 1:])
        if kind == 1:  # IPv4: the kernel side below compares IPv4 only (IPv6 text forms differ)
            rows.add((dest, prefix, hop))
    return rows


def kernel_routes(lab, ns, table="main"):
    rows = set()
    shown = lab.ip(ns, "-j", "-4", "route", "show", "table", table, check=False)
    if shown.returncode != 0:  # a table that does not exist (yet): no routes
        return rows
    for r in json.loads(shown.stdout):
        dst = r["dst"]
        if dst == "default":
            dst, prefix = "0.0.0.0", 0
        elif "/" in dst:
            dst, prefix = dst.split("/")[0], int(dst.split("/")[1])
        else:
            prefix = 32
        rows.add((dst, prefix, r.get("gateway", "")))
    return rows


def neighbor_macs(port, community):
    out = snmp(port, "snmpwalk", community, NEIGH_PHYS, check=True).stdout
    macs = {}
    for oid, _, value in parse_walk(out):
        parts = list(oid)
        idx = parts[len(NEIGH_PHYS.split(".")):]  # ifIndex, type, len, address
        if idx[1] == 1:
            macs[".".join(map(str, idx[3:7]))] = value
    return macs


def build(lab):
    names = {}
    for short in ("M", "A", "B"):
        ns = lab.netns(short)
        names[short] = ns
        for cmd in (["link", "add", "d0", "type", "veth", "peer", "name", "d1"], ["link", "set", "d1", "up"],
                    ["link", "set", "d0", "up"], ["addr", "add", "192.0.2.10/24", "dev", "d0"],
                    ["route", "add", "198.51.100.0/24", "via", "192.0.2.1"]):
            lab.ip(ns, *cmd)
        if short in MACS:
            lab.ip(ns, "neigh", "replace", "192.0.2.1", "lladdr", MACS[short], "dev", "d0", "nud", "permanent")
    # Only A has a second link (its ifIndex is unknown to B: the refusal case below).
    lab.ip(names["A"], "link", "add", "e0", "type", "veth", "peer", "name", "e1")
    lab.ip(names["A"], "link", "set", "e0", "up")
    # Table 100 of M overlaps its main table's 198.51.100.0/24 with another next hop.
    lab.ip(names["M"], "route", "add", "198.51.100.0/24", "via", "192.0.2.2", "table", "100")
    lab.ip(names["M"], "route", "add", "203.0.113.0/24", "via", "192.0.2.2", "table", "100")
    return names


def main():
    standalone = "--standalone" in sys.argv
    if standalone:
        sys.argv.remove("--standalone")
    ipmibd = ipmibd_argument(__doc__, ["snmpd", "snmpwalk", "snmpset"])
    lab = Lab("ctx")
    try:
        names = build(lab)
        communities = {"ctxA": ("pubA", "privA"), "ctxB": ("pubB", "privB"), "pol": ("pubP", "privP")}
        conf = ["view all included .1", "com2sec secD 127.0.0.1 private",
                "group gD v2c secD", 'access gD "" any noauth exact all all none']
        for context, (ro, rw) in communities.items():
            conf += [f"com2sec -Cn {context} ro{context} 127.0.0.1 {ro}",
                     f"com2sec -Cn {context} rw{context} 127.0.0.1 {rw}",
                     f"group gro{context} v2c ro{context}", f"group grw{context} v2c rw{context}",
                     f"access gro{context} {context} any noauth exact all none none",
                     f"access grw{context} {context} any noauth exact all all none"]
        # Notifications: a real snmptrapd behind the master's v2c trap2sink, one line per notification.
        trap_port = free_udp_port()
        with open(lab.path("snmptrapd.conf"), "w") as f:
            f.write("disableAuthorization yes\n")
        lab.spawn(["snmptrapd", "-f", "-C", "-c", lab.path("snmptrapd.conf"), "-Lf", lab.path("traps.log"), "-On",
                   "-Oe", "-Oq", "-OU", "-Ot", "-F", "%V|%v\n", f"udp:127.0.0.1:{trap_port}"], "snmptrapd.out",
                  env=dict(os.environ, MIBS=""))
        conf.append(f"trap2sink 127.0.0.1:{trap_port} public")
        # SNMPv3: one user reading every context by name (an empty context prefix matches them all).
        user, auth, priv = V3_USER
        conf += [f'createUser {user} SHA "{auth}" AES "{priv}"', f"group gv3 usm {user}",
                 'access gv3 "" usm priv prefix all none none']
        ipmibd_conf = (f"backend linux netns {names['M']}\nwriteAccess inetCidrRouteTable\nstateFile none\n"
                       f"context ctxA netns {names['A']}\ncontext ctxB netns {names['B']}\ncontext pol table 100\n")
        if standalone:
            # ipmibd -S: the access control and the trap sink are ipmibd.conf's own (snmpd's directives).
            port = free_udp_port()
            with open(lab.path("ipmibd.conf"), "w") as f:
                f.write(ipmibd_conf + "rocommunity public 127.0.0.1\n" + "\n".join(conf) + "\n")
            agent = lab.spawn([ipmibd, "-f", "-Lf", lab.path("ipmibd.log"), "-C", "-c", lab.path("ipmibd.conf"),
                               "-S", f"udp:127.0.0.1:{port}"], "ipmibd.out")
        else:
            port, sock, _ = start_master(lab, "\n".join(conf) + "\n")
            agent = start_ipmibd(lab, ipmibd, "agentxPingInterval 1\n" + ipmibd_conf, sock)

        def serving():
            if agent.poll() is not None:
                raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
            return all(snmp(port, "snmpget", communities[c][0], "1.3.6.1.2.1.4.24.6.0").stdout.count("Gauge32") == 1
                       for c in communities)
        wait_for(serving, 20, interval=0.2, what="every context answering inetCidrRouteNumber.0")

        check = Checks()
        failures = check.failures

        # Reads: each context is its instance.
        for context, (ro, _) in communities.items():
            ns = names[CONTEXTS[context]]
            want = kernel_routes(lab, ns, "100" if context == "pol" else "main")
            got = walked_routes(port, ro)
            check(f"{context}: inetCidrRouteTable equals ip route ({len(want)} IPv4 routes)", got == want,
                  f"walk {sorted(got)} kernel {sorted(want)}")
        for context, short in (("ctxA", "A"), ("ctxB", "B"), ("pol", "M")):
            want = kernel_routes(lab, names[short], "100" if context == "pol" else "main")
            got = walked_routes(port, None, context=context)
            check(f"snmpwalk -v3 -n {context}: inetCidrRouteTable equals ip route", got == want,
                  f"walk {sorted(got)} kernel {sorted(want)}")
        got = walked_routes(port, None, context="")
        check("snmpwalk -v3 (default context): M's main table", got == kernel_routes(lab, names["M"]), sorted(got))
        r = snmp3(port, "snmpget", "nosuchctx", "1.3.6.1.2.1.4.24.6.0", wait=("1", "0"))
        print("   -n nosuchctx:", (r.stdout + r.stderr).strip().splitlines()[:1])
        # Net-SNMP counts snmpUnknownContexts and drops the request (a timeout here), where RFC 3413
        # would have a Report; either way nothing of another context may answer.
        check("snmpget -v3 -n nosuchctx: nothing answered for an unknown context",
              r.returncode != 0 and "Gauge32" not in r.stdout, r.stdout + r.stderr)
        default = walked_routes(port, "public")
        check("default context: M's main table", default == kernel_routes(lab, names["M"]), sorted(default))
        hop = [v for _, _, v in parse_walk(snmp(port, "snmpwalk", "pubP", f"{IP_ROUTE_NEXT_HOP}.198.51.100.0").stdout)]
        check("pol: ipRouteTable shows table 100's next hop", hop == [(192, 0, 2, 2)], hop)
        hop = [v for _, _, v in parse_walk(snmp(port, "snmpwalk", "public", f"{IP_ROUTE_NEXT_HOP}.198.51.100.0").stdout)]
        check("default: ipRouteTable shows main's next hop", hop == [(192, 0, 2, 1)], hop)
        for context, short in (("ctxA", "A"), ("ctxB", "B")):
            macs = neighbor_macs(port, communities[context][0])
            want = MACS[short].replace(":", "")
            check(f"{context}: neighbor 192.0.2.1 has {short}'s MAC", macs.get("192.0.2.1") == want,
                  macs)

        # Writes land in their instance only.
        before = {short: (kernel_routes(lab, ns), kernel_routes(lab, ns, "100")) for short, ns in names.items()}
        index = "1.4.192.0.2.128.25.2.0.0.1.4.192.0.2.1"  # 192.0.2.128/25 via 192.0.2.1
        r = snmp(port, "snmpset", "privB", f"{ROUTE}.{STATUS}.{index}", "i", "4")
        check("ctxB: createAndGo answered", r.returncode == 0, r.stdout + r.stderr)
        after_b = kernel_routes(lab, names["B"])
        check("ctxB: the route is in B", ("192.0.2.128", 25, "192.0.2.1") in after_b, sorted(after_b))
        for short in ("A", "M"):
            check(f"ctxB's route is not in {short}",
                  (kernel_routes(lab, names[short]), kernel_routes(lab, names[short], "100")) == before[short])
        # 198.18.0.0/16 via 192.0.2.2 (RFC 2544) with RowStatus alone: table 100 has no connected route
        # to the gateway (that is in main, which the instance does not export); like `ip route add ...
        # table 100` the gateway is resolved through the system's lookup, onto d0.
        d0 = json.loads(lab.ip(names["M"], "-j", "link", "show", "d0").stdout)[0]["ifindex"]
        index = "1.4.198.18.0.0.16.2.0.0.1.4.192.0.2.2"
        r = snmp(port, "snmpset", "privP", f"{ROUTE}.{STATUS}.{index}", "i", "4")
        check("pol: createAndGo with only a gateway answered", r.returncode == 0, r.stdout + r.stderr)
        t100 = kernel_routes(lab, names["M"], "100")
        check("pol: the route is in M's table 100", ("198.18.0.0", 16, "192.0.2.2") in t100, sorted(t100))
        dev = [x.get("dev") for x in json.loads(lab.ip(names["M"], "-j", "route", "show", "table", "100",
                                                        "198.18.0.0/16").stdout)]
        check("pol: on the gateway's interface d0", dev == ["d0"], dev)
        got = [v for _, _, v in parse_walk(snmp(port, "snmpwalk", "pubP", f"{ROUTE}.{IF_INDEX}.{index}").stdout)]
        check("pol: inetCidrRouteIfIndex shows d0", got == [d0], got)
        check("pol's route is not in M's main table", kernel_routes(lab, names["M"]) == before["M"][0])

        # A refusal changes no instance: ctxB has no interface e0 (A's ifIndex).
        e0 = json.loads(lab.ip(names["A"], "-j", "link", "show", "e0").stdout)[0]["ifindex"]
        state = {short: (kernel_routes(lab, ns), kernel_routes(lab, ns, "100")) for short, ns in names.items()}
        index = "1.4.198.18.5.0.24.2.0.0.1.4.192.0.2.1"
        r = snmp(port, "snmpset", "privB", f"{ROUTE}.{IF_INDEX}.{index}", "i", str(e0),
                 f"{ROUTE}.{STATUS}.{index}", "i", "4")
        check("ctxB: a route on an interface only A has is refused (inconsistentValue)",
              r.returncode != 0 and "inconsistentValue" in r.stdout + r.stderr, r.stdout + r.stderr)
        print("   refusal:", (r.stdout + r.stderr).strip().splitlines()[:1])
        after = {short: (kernel_routes(lab, ns), kernel_routes(lab, ns, "100")) for short, ns in names.items()}
        check("the refusal changed no instance", after == state, after)

        # Notifications name their context: a route added in B by hand, one added in M's main table.
        lab.ip(names["B"], "route", "add", "198.18.77.0/24", "via", "192.0.2.1")
        lab.ip(names["M"], "route", "add", "198.18.78.0/24", "via", "192.0.2.1")

        def traps():
            try:
                with open(lab.path("traps.log")) as f:
                    return [line for line in f if ROUTE_ADDED + " " in line or ROUTE_ADDED + "|" in line]
            except OSError:
                return []

        def trap_of(prefix):
            return [t for t in traps() if ".1.4." + prefix + "." in t]
        try:
            wait_for(lambda: trap_of("198.18.77.0") and trap_of("198.18.78.0"), 10, interval=0.2,
                     what="the two ipmibdRouteAdded notifications")
        except LabError as e:
            check("notifications arrive", False, str(e) + " " + "".join(traps()))
        b, m = trap_of("198.18.77.0"), trap_of("198.18.78.0")
        check("ctxB's notification ends with ipmibdNotifyContext = ctxB",
              len(b) == 1 and b[0].rstrip().split("|")[-1] == f'{NOTIFY_CONTEXT} "ctxB"', b)
        check("the default instance's notification carries no context", len(m) == 1 and NOTIFY_CONTEXT not in m[0], m)

        if failures:
            report_failure(lab, f"{len(failures)} check(s) failed")
            return 1
        print("contexts_test: passed")
        return 0
    except LabError as e:
        report_failure(lab, str(e))
        return 1
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
