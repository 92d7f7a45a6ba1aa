#!/usr/bin/env python3
# contexts_auto_netns_test.py: integration test of `context auto netns`: every named network
# namespace is served as the SNMP context of its name, followed while ipmibd runs.
"""Usage: contexts_auto_netns_test.py PATH/TO/ipmibd        (root; exit 77 = skipped)

Namespace A exists before ipmibd starts, C is created while it runs (`ip netns add`, then a link
and a route: the context must show them as they come), A is deleted while served: its context
goes away (ipmibd keeps running and logs it), C's goes on. Each context's inetCidrRouteTable
equals `ip -j -n NS route`. (Other tests' namespaces, when ctest runs in parallel, are served too,
and come and go; nothing here depends on them.)
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contexts_test import kernel_routes, snmp, walked_routes  # noqa: E402
from netns_lab import (Checks, Lab, LabError, ipmibd_argument, report_failure, run, start_ipmibd, start_master,  # noqa: E402
                       wait_for)

NUMBER = "1.3.6.1.2.1.4.24.6.0"  # inetCidrRouteNumber.0


def populate(lab, ns, route):
    for cmd in (["link", "add", "d0", "type", "veth", "peer", "name", "d1"], ["link", "set", "d1", "up"],
                ["link", "set", "d0", "up"], ["addr", "add", "192.0.2.10/24", "dev", "d0"],
                ["route", "add", route, "via", "192.0.2.1"]):
        lab.ip(ns, *cmd)


def main():
    ipmibd = ipmibd_argument(__doc__, ["snmpd", "snmpwalk"])
    lab = Lab("cau")
    try:
        m = lab.netns("M")
        a = lab.netns("A")
        c = f"{lab.prefix}C"
        populate(lab, a, "198.51.100.0/24")
        conf = ["view all included .1"]
        for ns, community in ((a, "pubA"), (c, "pubC")):
            conf += [f"com2sec -Cn {ns} s{community} 127.0.0.1 {community}", f"group g{community} v2c s{community}",
                     f"access g{community} {ns} any noauth exact all none none"]
        port, sock, _ = start_master(lab, "\n".join(conf) + "\n")
        agent = start_ipmibd(lab, ipmibd, f"backend linux netns {m}\nagentxPingInterval 1\nstateFile none\n"
                                          "context auto netns\n", sock)

        def answers(community):
            if agent.poll() is not None:
                raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
            return "Gauge32" in snmp(port, "snmpget", community, NUMBER).stdout

        check = Checks()
        failures = check.failures

        wait_for(lambda: answers("pubA"), 20, interval=0.2, what="context A (a namespace there at start)")
        check("A: served as a context, its routes", walked_routes(port, "pubA") == kernel_routes(lab, a),
              walked_routes(port, "pubA"))
        check("C: no context before the namespace exists", not answers("pubC"))

        lab.netns("C")  # created while ipmibd runs
        wait_for(lambda: answers("pubC"), 10, interval=0.1, what="context C after `ip netns add`")
        populate(lab, c, "203.0.113.0/24")
        wait_for(lambda: walked_routes(port, "pubC") == kernel_routes(lab, c), 10, interval=0.2,
                 what="C's routes after they were added")
        check("C: created while running, served with the routes added since", True)

        lab.namespaces.remove(a)
        lab.ip(a, "link", "del", "d0")
        run(["ip", "netns", "del", a])
        wait_for(lambda: not answers("pubA"), 10, interval=0.1, what="context A gone after `ip netns del`")
        check("A: deleted while served, its context is gone", True)
        check("ipmibd logged it", "namespace " + a + " deleted" in lab.log_tail("ipmibd.log", 200))
        check("C: still served", answers("pubC") and walked_routes(port, "pubC") == kernel_routes(lab, c))
        check("ipmibd still running", agent.poll() is None)

        if failures:
            report_failure(lab, f"{len(failures)} check(s) failed")
            return 1
        print("contexts_auto_netns_test: passed")
        return 0
    except LabError as e:
        report_failure(lab, str(e))
        return 1
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
