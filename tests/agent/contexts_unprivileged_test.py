#!/usr/bin/env python3
# contexts_unprivileged_test.py: integration test of netns contexts in-process under an snmpd that
# drops root as Debian's does (-u Debian-snmp): what it can serve, and how it refuses the rest.
"""Usage: IPMIBD_MODULE=PATH/ipmibd.so contexts_unprivileged_test.py        (root; exit 77 = skipped)

snmpd loads ipmibd.so (`dlmod`) with `context auto netns` and runs as Debian-snmp, as Debian's unit
starts it. Namespace P exists before snmpd starts: ipmibd opens it while snmpd is still root (the
module starts when snmpd has read its configuration, before it drops privileges), so P is served
(walk equals `ip -j -n P route`). Namespace Q is created afterwards: entering it needs
CAP_SYS_ADMIN, which snmpd no longer has, so Q is refused at once (no retries), logged with the
reason and the remedy (the daemon), and nothing else changes: P still served, snmpd running.
"""

import os
import pwd
import shutil
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contexts_test import kernel_routes, snmp, walked_routes  # noqa: E402
from netns_lab import (Checks, Lab, LabError, free_udp_port, ipmibd_module, report_failure, snmpd_disabled_modules,  # noqa: E402
                       wait_for)

NUMBER = "1.3.6.1.2.1.4.24.6.0"  # inetCidrRouteNumber.0
USER = "Debian-snmp"


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces, snmpd -u)")
        return 77
    if not shutil.which("snmpd"):
        print("SKIP: snmpd not installed")
        return 77
    try:
        pwd.getpwnam(USER)
    except KeyError:
        print(f"SKIP: no user {USER} (Debian's snmpd package creates it)")
        return 77
    lab = Lab("cpr")
    try:
        p = lab.netns("P")
        q = f"{lab.prefix}Q"
        for cmd in (["link", "add", "d0", "type", "veth", "peer", "name", "d1"], ["link", "set", "d0", "up"],
                    ["addr", "add", "192.0.2.10/24", "dev", "d0"], ["route", "add", "198.51.100.0/24", "via", "192.0.2.1"]):
            lab.ip(p, *cmd)
        os.makedirs(lab.path("snmpconf"), exist_ok=True)
        with open(lab.path("snmpconf/ipmibd.conf"), "w") as f:
            f.write("stateFile none\ncontext auto netns\n")
        port = free_udp_port()
        with open(lab.path("snmpd.conf"), "w") as f:
            f.write("view all included .1\n")
            for ns, community in ((p, "pubP"), (q, "pubQ")):
                f.write(f"com2sec -Cn {ns} s{community} 127.0.0.1 {community}\ngroup g{community} v2c s{community}\n"
                        f"access g{community} {ns} any noauth exact all none none\n")
            f.write(f"dlmod ipmibd {ipmibd_module()}\n")
        os.chmod(lab.path(""), 0o755)
        snmpd = lab.spawn(["snmpd", "-f", "-Lf", lab.path("snmpd.log"), "-C", "-c", lab.path("snmpd.conf"),
                           "-I", "-" + snmpd_disabled_modules(), "-u", USER, "-g", USER, f"udp:127.0.0.1:{port}"],
                          "snmpd.out", env=dict(os.environ, SNMPCONFPATH=lab.path("snmpconf"), MIBS=""))

        def answers(community):
            if snmpd.poll() is not None:
                raise LabError("snmpd exited:\n" + lab.log_tail("snmpd.log"))
            return "Gauge32" in snmp(port, "snmpget", community, NUMBER).stdout

        check = Checks()
        failures = check.failures

        wait_for(lambda: answers("pubP"), 20, interval=0.2, what="context P (a namespace there at start)")
        uid = int(open(f"/proc/{snmpd.pid}/status").read().split("Uid:")[1].split()[1])
        check(f"snmpd runs as {USER}", uid == pwd.getpwnam(USER).pw_uid, uid)
        check("P: opened before snmpd dropped root, served: its routes",
              walked_routes(port, "pubP") == kernel_routes(lab, p), walked_routes(port, "pubP"))

        lab.netns("Q")  # created while snmpd runs unprivileged
        started = time.monotonic()
        refusal = f"not serving namespace {q}"
        wait_for(lambda: refusal in lab.log_tail("snmpd.log", 400), 10, interval=0.1,
                 what=f"the refusal of {q} in snmpd's log")
        took = time.monotonic() - started
        line = next(x for x in lab.log_tail("snmpd.log", 400).splitlines() if refusal in x)
        print("   logged:", line)
        check("Q: refused at once, not retried (< 3 s)", took < 3, f"{took:.1f} s")
        check("Q: the log says why (AccessDenied, CAP_SYS_ADMIN) and what serves it (the daemon)",
              "AccessDenied" in line and "CAP_SYS_ADMIN" in line and "daemon" in line, line)
        check("Q: not served", not answers("pubQ"))
        check("P: still served", walked_routes(port, "pubP") == kernel_routes(lab, p))
        check("snmpd still running", snmpd.poll() is None)

        if failures:
            report_failure(lab, f"{len(failures)} check(s) failed", logs=("snmpd.log",))
            return 1
        print("contexts_unprivileged_test: passed")
        return 0
    except LabError as e:
        report_failure(lab, str(e), logs=("snmpd.log",))
        return 1
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
