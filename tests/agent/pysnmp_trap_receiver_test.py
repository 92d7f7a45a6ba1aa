# pysnmp_trap_receiver_test.py: integration test with an independent notification receiver: pysnmp's own engine (ntfrcv over UDP) receives what ipmibd (Linux backend in a namespace) announces through a private snmpd master's trap2sink.
"""Usage: pysnmp_trap_receiver_test.py PATH/TO/ipmibd        (root and python3-pysnmp4; exit 77 = skipped)

snmptrapd shares its library with snmpd and ipmibd; pysnmp shares nothing with them, so what it
receives is what any manager receives. Routes added and removed with `ip` in the namespace, IPv4 and
IPv6, must arrive as SNMPv2c notifications ipmibdRouteAdded / ipmibdRouteRemoved with exactly the
varbinds sysUpTime.0, snmpTrapOID.0, ipmibdNotifyChangeKind.0 and inetCidrRouteIfIndex / Type / Proto
/ Status of the route's instance, with their SMI types (the same checks as notification_test.sh)."""

import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

try:
    from pysnmp.carrier.asyncore.dgram import udp
    from pysnmp.entity import config, engine
    from pysnmp.entity.rfc3413 import ntfrcv
    from pysnmp.proto import rfc1902
    from pyasn1.type import univ
except ImportError:
    # Debian's python3-pysnmp4 lives in the system interpreter; another python3 may come first on
    # PATH (pyenv): run there instead when it has pysnmp.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        probe = subprocess.run(["/usr/bin/python3", "-c", "import pysnmp.entity.rfc3413.ntfrcv"],
                               capture_output=True)
        if probe.returncode == 0:
            os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    print("SKIP: pysnmp (python3-pysnmp4) not installed")
    sys.exit(77)

from netns_lab import Lab, LabError, ipmibd_argument, run, start_ipmibd, start_master, wait_for  # noqa: E402

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
TRAP_OID = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
NOTIFICATIONS = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 0)  # ipmibdNotifications
CHANGE_KIND = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 3, 9, 0)  # ipmibdNotifyChangeKind.0
ENTRY = (1, 3, 6, 1, 2, 1, 4, 24, 7, 1)  # inetCidrRouteEntry
INFO_NAME = "1.3.6.1.4.1.8072.9999.9999.42.1.1.0"
ROUTE_ADDED, ROUTE_REMOVED = 1, 3
IF_INDEX, TYPE, PROTO, STATUS = 7, 8, 9, 17


class Receiver:
    """pysnmp's notification receiver on 127.0.0.1 (a free port), community public, running its
    dispatcher in a thread; every notification's varbinds are kept in arrival order."""

    def __init__(self):
        self.engine = engine.SnmpEngine()
        transport = udp.UdpTransport().openServerMode(("127.0.0.1", 0))
        self.port = transport.socket.getsockname()[1]
        config.addTransport(self.engine, udp.domainName, transport)
        config.addV1System(self.engine, "ipmibd-test", "public")
        self.received = []
        self._lock = threading.Lock()
        ntfrcv.NotificationReceiver(self.engine, self._on_notification)
        self.engine.transportDispatcher.jobStarted(1)
        self._thread = threading.Thread(target=self.engine.transportDispatcher.runDispatcher, daemon=True)
        self._thread.start()

    def _on_notification(self, _engine, _state, _context_engine, _context, var_binds, _cb_ctx):
        with self._lock:
            self.received.append([(tuple(name), value) for name, value in var_binds])

    def since(self, start):
        with self._lock:
            return self.received[start:]

    def close(self):
        self.engine.transportDispatcher.jobFinished(1)
        self._thread.join(5)
        self.engine.transportDispatcher.closeDispatcher()


def route_index(dest, plen, gateway=None, ifindex=None):
    """inetCidrRouteTable index of an IPv4 route: policy {0 0} via a gateway, {0 0 N} on-link."""
    d = tuple(int(x) for x in dest.split("."))
    if gateway is not None:
        return (1, 4, *d, plen, 2, 0, 0, 1, 4, *(int(x) for x in gateway.split(".")))
    return (1, 4, *d, plen, 3, 0, 0, ifindex, 1, 4, 0, 0, 0, 0)


def route_index6(dest16, plen, ifindex):
    """inetCidrRouteTable index of an on-link IPv6 route (next hop ::)."""
    return (2, 16, *dest16, plen, 3, 0, 0, ifindex, 2, 16, *([0] * 16))


def expected(event, index, values):
    """The varbinds after sysUpTime.0 as (oid, SMI type, value)."""
    out = [(TRAP_OID, "OID", NOTIFICATIONS + (event,)), (CHANGE_KIND, "Integer32", event)]
    for column, value in zip((IF_INDEX, TYPE, PROTO, STATUS), values):
        out.append((ENTRY + (column,) + index, "Integer32", value))
    return out


def typed(value):
    if isinstance(value, rfc1902.TimeTicks):
        return "TimeTicks", int(value)
    if isinstance(value, rfc1902.Integer32):
        return "Integer32", int(value)
    if isinstance(value, univ.ObjectIdentifier):  # snmpTrapOID.0's value decodes as ObjectName
        return "OID", tuple(value)
    return type(value).__name__, value.prettyPrint()


def main():
    ipmibd = ipmibd_argument(__doc__, ("snmpd", "snmpget", "ip"))
    lab = Lab("ipr")
    try:
        ns = lab.netns("n")
    except LabError as e:
        print(f"SKIP: cannot create a network namespace: {e}")
        return 77
    d0 = lab.test_link(ns, "2001:db8:1::10/64")

    receiver = Receiver()
    port, sock, master = start_master(lab, f"trap2sink 127.0.0.1:{receiver.port} public\n", log="snmpd")
    agent = start_ipmibd(lab, ipmibd, f"backend linux netns {ns}\nagentxPingInterval 1\n", sock)

    def registered():
        if agent.poll() is not None:
            raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
        res = run(["snmpget", "-v2c", "-c", "public", "-t", "1", "-r", "0", f"127.0.0.1:{port}", INFO_NAME],
                  check=False)
        return "ipmibd" in res.stdout

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    def expect(what, want, change):
        """Runs `ip -n NS change...` and waits for a notification whose varbinds are `want`."""
        start = len(receiver.since(0))
        lab.ip(ns, *change)

        def arrived():
            for vbs in receiver.since(start):
                if [(oid, *typed(value)) for oid, value in vbs[1:]] == want:
                    return vbs
            return None

        try:
            vbs = wait_for(arrived, 5, what=what)
        except LabError:
            got = receiver.since(start)
            print("  received: " + "\n            ".join(
                "; ".join(f"{'.'.join(map(str, o))}={typed(v)}" for o, v in n) for n in got))
            check(False, f"{what}: no notification with the expected varbinds")
            return
        first_ok = vbs[0][0] == SYS_UPTIME and typed(vbs[0][1])[0] == "TimeTicks"
        check(first_ok, f"{what}: sysUpTime.0 first, then exactly {len(want)} varbinds")

    try:
        wait_for(registered, 15, interval=0.1, what="ipmibd to register")
        # A gateway route: remote(4), proto static = netmgmt(3), active(1), on d0.
        r4 = route_index("198.51.100.0", 24, "192.0.2.1")
        expect("ipmibdRouteAdded (IPv4)", expected(ROUTE_ADDED, r4, (d0, 4, 3, 1)),
               ["route", "add", "198.51.100.0/24", "via", "192.0.2.1", "proto", "static"])
        expect("ipmibdRouteRemoved (IPv4)", expected(ROUTE_REMOVED, r4, (d0, 4, 3, 1)),
               ["route", "del", "198.51.100.0/24"])
        # An on-link IPv6 route: local(3).
        r6 = route_index6((32, 1, 13, 184, 0, 5, *([0] * 10)), 48, d0)
        expect("ipmibdRouteAdded (IPv6)", expected(ROUTE_ADDED, r6, (d0, 3, 3, 1)),
               ["route", "add", "2001:db8:5::/48", "dev", "d0", "proto", "static"])
        expect("ipmibdRouteRemoved (IPv6)", expected(ROUTE_REMOVED, r6, (d0, 3, 3, 1)),
               ["route", "del", "2001:db8:5::/48", "dev", "d0"])
    finally:
        if failures:
            print("--- ipmibd.log\n" + lab.log_tail("ipmibd.log"))
            print("--- snmpd.log\n" + lab.log_tail("snmpd.log"))
        lab.stop(agent)
        lab.stop(master)
        receiver.close()
    if failures:
        print(f"FAIL: {len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    rc = main()
    print(f"({time.monotonic() - started:.1f} s)")
    sys.exit(rc)
