# pysnmp_client_test.py: integration test with an independent SNMP client: pysnmp's own engine against ipmibd (Linux backend in a namespace) behind a private snmpd master.
"""Usage: pysnmp_client_test.py PATH/TO/ipmibd        (root and python3-pysnmp4; exit 77 = skipped)

Net-SNMP's tools and the master share one library; pysnmp shares nothing with them, so what it
sees is what any manager sees. Checked: a bulk walk of inetCidrRouteTable equals `snmpbulkwalk -On`
instance by instance; GET of a missing instance is noSuchInstance; createAndGo and destroy of a
route (kernel state from `ip -j route`), also of a blackhole named with RFC 4292's unknown(0) next
hop; each SET error class with its exact errorStatus and
errorIndex, the kernel's routes unchanged; a 3-route PDU whose third route the kernel refuses in
ACTION (an interface that is down) -> commitFailed on varbind 3 and nothing applied."""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

try:
    from pysnmp import hlapi
    from pysnmp.proto import rfc1902, rfc1905
except ImportError:
    # Debian's python3-pysnmp4 lives in the system interpreter; another python3 may come first on
    # PATH (pyenv): run there instead when it has pysnmp.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        probe = subprocess.run(["/usr/bin/python3", "-c", "import pysnmp.hlapi"], capture_output=True)
        if probe.returncode == 0:
            os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    print("SKIP: pysnmp (python3-pysnmp4) not installed")
    sys.exit(77)

from netns_lab import (Lab, LabError, ipmibd_argument, parse_walk, run, start_ipmibd, start_master,  # noqa: E402
                       wait_for)

ENTRY = (1, 3, 6, 1, 2, 1, 4, 24, 7, 1)  # inetCidrRouteEntry
NET_ENTRY = (1, 3, 6, 1, 2, 1, 4, 35, 1)  # ipNetToPhysicalEntry
INFO_NAME = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42, 1, 1, 0)
STATUS, METRIC1, PROTO, AGE = 17, 12, 9, 10
CREATE_AND_GO, DESTROY, NOT_READY = 4, 6, 3


def route_index(dest, plen, gateway=None, ifindex=None):
    """inetCidrRouteTable index: ipv4 destination, prefix length, policy {0 0} or {0 0 N}, next hop."""
    d = tuple(int(x) for x in dest.split("."))
    if gateway is not None:
        return (1, 4, *d, plen, 2, 0, 0, 1, 4, *(int(x) for x in gateway.split(".")))
    return (1, 4, *d, plen, 3, 0, 0, ifindex, 1, 4, 0, 0, 0, 0)


class Client:
    """pysnmp's synchronous high-level API against the private master."""

    def __init__(self, port):
        self.engine = hlapi.SnmpEngine()
        self.target = hlapi.UdpTransportTarget(("127.0.0.1", port), timeout=5, retries=0)

    def _auth(self, write):
        return hlapi.CommunityData("private" if write else "public", mpModel=1)

    @staticmethod
    def _check(error_indication):
        if error_indication:
            raise LabError(f"pysnmp: {error_indication}")

    def get(self, *oids):
        ei, es, ex, vbs = next(hlapi.getCmd(self.engine, self._auth(False), self.target, hlapi.ContextData(),
                                            *(hlapi.ObjectType(hlapi.ObjectIdentity(o)) for o in oids)))
        self._check(ei)
        if int(es) != 0:
            raise LabError(f"GET failed: {es.prettyPrint()} at {int(ex)}")
        return [(tuple(name), value) for name, value in vbs]

    def set(self, *varbinds):
        """(errorStatus name, errorIndex) of a SET of (oid, value) pairs."""
        ei, es, ex, _vbs = next(hlapi.setCmd(self.engine, self._auth(True), self.target, hlapi.ContextData(),
                                             *(hlapi.ObjectType(hlapi.ObjectIdentity(o), v) for o, v in varbinds)))
        self._check(ei)
        # pysnmp hands back a plain 0 for noError, a named Integer otherwise.
        return ("noError" if int(es) == 0 else es.prettyPrint()), int(ex)

    def walk(self, base, bulk):
        """Every (oid, value) below base, through GETBULK or GETNEXT."""
        start = hlapi.ObjectType(hlapi.ObjectIdentity(base))
        if bulk:
            gen = hlapi.bulkCmd(self.engine, self._auth(False), self.target, hlapi.ContextData(), 0, 25, start,
                                lexicographicMode=False)
        else:
            gen = hlapi.nextCmd(self.engine, self._auth(False), self.target, hlapi.ContextData(), start,
                                lexicographicMode=False)
        out = []
        for ei, es, ex, vbs in gen:
            self._check(ei)
            if int(es) != 0:
                raise LabError(f"walk failed: {es.prettyPrint()} at {int(ex)}")
            out.extend((tuple(name), value) for name, value in vbs)
        return out


def normalized(value):
    """A pysnmp value as netns_lab.parse_walk reads the same value from `snmpbulkwalk -Oe -Ox`."""
    if isinstance(value, rfc1902.TimeTicks):
        return "Timeticks", int(value)
    if isinstance(value, (rfc1902.Gauge32, rfc1902.Unsigned32)):
        return "Gauge32", int(value)
    if isinstance(value, rfc1902.Counter32):
        return "Counter32", int(value)
    if isinstance(value, rfc1902.Counter64):
        return "Counter64", int(value)
    if isinstance(value, rfc1902.Integer32):
        return "INTEGER", int(value)
    if isinstance(value, rfc1902.IpAddress):
        return "IpAddress", tuple(value.asNumbers())
    if isinstance(value, rfc1902.OctetString):
        return "STRING", bytes(value.asNumbers()).hex()
    if isinstance(value, rfc1902.ObjectIdentifier):
        return "OID", tuple(value)
    return type(value).__name__, value.prettyPrint()


def kernel_routes(lab, ns):
    return json.loads(lab.ip(ns, "-j", "route", "show", "table", "all").stdout)


def main():
    ipmibd = ipmibd_argument(__doc__, ("snmpd", "snmpbulkwalk", "ip"))
    lab = Lab("ips")
    try:
        ns = lab.netns("n")
    except LabError as e:
        print(f"SKIP: cannot create a network namespace: {e}")
        return 77
    # No DAD: link-local addresses and their local-table routes appear at once, not in the middle
    # of a "routes unchanged" comparison.
    lab.exec_in(ns, ["sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"])
    for cmd in (["link", "add", "d0", "type", "veth", "peer", "name", "d1"],
                ["link", "set", "d1", "up"], ["link", "set", "d0", "up"],
                ["addr", "add", "192.0.2.10/24", "dev", "d0"],
                ["addr", "add", "2001:db8:1::10/64", "dev", "d0", "nodad"],
                # e0 stays administratively down: the kernel refuses routes through it (ENETDOWN),
                # which RESERVE does not check.
                ["link", "add", "e0", "type", "veth", "peer", "name", "e1"],
                ["route", "add", "203.0.113.0/24", "via", "192.0.2.1", "metric", "20"],
                ["route", "add", "blackhole", "198.51.100.0/24"],
                ["route", "add", "2001:db8:2::/48", "via", "2001:db8:1::1"]):
        lab.ip(ns, *cmd)
    e0 = json.loads(lab.ip(ns, "-j", "link", "show", "e0").stdout)[0]["ifindex"]

    port, sock, master = start_master(lab, "rwcommunity private 127.0.0.1\n", log="snmpd")
    agent = start_ipmibd(lab, ipmibd, f"backend linux netns {ns}\n"
                         "writeAccess inetCidrRouteTable,ipNetToPhysicalTable\nagentxPingInterval 1\n", sock)
    client = Client(port)

    def registered():
        if agent.poll() is not None:
            raise LabError("ipmibd exited:\n" + lab.log_tail("ipmibd.log"))
        try:
            return "ipmibd" in str(client.get(INFO_NAME)[0][1])
        except LabError:
            return False

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    try:
        wait_for(registered, 15, interval=0.1, what="ipmibd to register")

        # 1. Walks: pysnmp GETBULK and GETNEXT against snmpbulkwalk -On, instance by instance.
        def reference():
            res = run(["snmpbulkwalk", "-v2c", "-c", "public", "-m", "", "-On", "-Oe", "-Ox", "-t", "3", "-r", "1",
                       f"127.0.0.1:{port}", ".".join(map(str, ENTRY))])
            return [(oid, typ, val) for oid, typ, val in parse_walk(res.stdout) if oid is not None]

        def compare(ours, theirs, what):
            ok = [oid for oid, _v in ours] == [oid for oid, _t, _v in theirs]
            for (oid, value), (_o, typ, val) in zip(ours, theirs):
                if not ok:
                    break
                t, v = normalized(value)
                # inetCidrRouteAge counts seconds: two walks may straddle a tick.
                same = (t, v) == (typ, val) or (oid[len(ENTRY)] == AGE and t == typ and abs(v - val) <= 2)
                if not same:
                    print(f"  {'.'.join(map(str, oid))}: pysnmp {t} {v!r}, snmpbulkwalk {typ} {val!r}")
                    ok = False
            check(ok and len(ours) > 0, f"{what}: {len(ours)} varbinds equal snmpbulkwalk's {len(theirs)}")

        compare(client.walk(ENTRY, bulk=True), reference(), "bulkCmd walk of inetCidrRouteTable")
        compare(client.walk(ENTRY, bulk=False), reference(), "nextCmd walk of inetCidrRouteTable")

        # 2. A missing instance.
        missing = ENTRY + (STATUS,) + route_index("192.0.2.128", 25, "192.0.2.1")
        value = client.get(missing)[0][1]
        check(isinstance(value, rfc1905.NoSuchInstance), f"GET of a missing route: {value.prettyPrint()}")

        # 3. createAndGo, then destroy.
        r1 = route_index("10.1.0.0", 16, "192.0.2.1")
        status = client.set((ENTRY + (STATUS,) + r1, rfc1902.Integer32(CREATE_AND_GO)),
                            (ENTRY + (METRIC1,) + r1, rfc1902.Integer32(40)))
        created = [r for r in kernel_routes(lab, ns) if r.get("dst") == "10.1.0.0/16"]
        check(status == ("noError", 0) and len(created) == 1 and created[0].get("gateway") == "192.0.2.1"
              and created[0].get("metric") == 40, f"createAndGo: {status}, kernel {created}")
        def row_status(index):
            value = client.get(ENTRY + (STATUS,) + index)[0][1]
            return None if isinstance(value, rfc1905.NoSuchInstance) else int(value)

        wait_for(lambda: row_status(r1) == 1, 5, what="the created route to be active in the table")
        status = client.set((ENTRY + (STATUS,) + r1, rfc1902.Integer32(DESTROY)))
        gone = not [r for r in kernel_routes(lab, ns) if r.get("dst") == "10.1.0.0/16"]
        check(status == ("noError", 0) and gone, f"destroy: {status}, route gone from the kernel: {gone}")
        wait_for(lambda: row_status(r1) is None, 5, what="the destroyed route to leave the table")

        # 3b. A blackhole indexed as RFC 4292 prescribes for non-remote routes: next hop unknown(0)
        # with a zero-length address (policy {0 0 0}: no interface). Reads keep Debian's 0.0.0.0 form.
        rfc_form = (1, 4, 10, 3, 0, 0, 16, 3, 0, 0, 0, 0, 0)
        status = client.set((ENTRY + (8,) + rfc_form, rfc1902.Integer32(5)),
                            (ENTRY + (STATUS,) + rfc_form, rfc1902.Integer32(CREATE_AND_GO)))
        blackholes = [r for r in kernel_routes(lab, ns) if r.get("dst") == "10.3.0.0/16"]
        check(status == ("noError", 0) and len(blackholes) == 1 and blackholes[0].get("type") == "blackhole",
              f"createAndGo of a blackhole in RFC 4292's form: {status}, kernel {blackholes}")
        served = (1, 4, 10, 3, 0, 0, 16, 3, 0, 0, 0, 1, 4, 0, 0, 0, 0)
        wait_for(lambda: row_status(served) == 1, 5, what="the blackhole to be served in Debian's form")
        status = client.set((ENTRY + (STATUS,) + rfc_form, rfc1902.Integer32(DESTROY)))
        check(status == ("noError", 0) and not [r for r in kernel_routes(lab, ns) if r.get("dst") == "10.3.0.0/16"],
              f"destroy in RFC 4292's form: {status}")
        wait_for(lambda: row_status(served) is None, 5, what="the blackhole to leave the table")

        # 4. Error classes: exact errorStatus and errorIndex (the faulty varbind second after a good
        # one where the error allows), the kernel's routes and neighbors unchanged.
        good = (ENTRY + (STATUS,) + route_index("10.2.0.0", 16, "192.0.2.1"), rfc1902.Integer32(CREATE_AND_GO))
        neigh = NET_ENTRY + (4, json.loads(lab.ip(ns, "-j", "link", "show", "d0").stdout)[0]["ifindex"], 1, 4,
                             192, 0, 2, 50)
        cases = [
            ("wrongType", 2, [good, (ENTRY + (STATUS,) + r1, rfc1902.OctetString("4"))]),
            ("wrongLength", 2, [good, (neigh, rfc1902.OctetString(hexValue="0200aa0003"))]),
            ("wrongValue", 2, [good, (ENTRY + (STATUS,) + r1, rfc1902.Integer32(NOT_READY))]),
            ("inconsistentName", 2,
             [good, (ENTRY + (STATUS,) + route_index("10.1.0.1", 16, "192.0.2.1"), rfc1902.Integer32(CREATE_AND_GO))]),
            ("noCreation", 2, [good, (ENTRY + (METRIC1,) + r1, rfc1902.Integer32(5))]),
            ("notWritable", 2, [good, (ENTRY + (PROTO,) + r1, rfc1902.Integer32(3))]),
            ("inconsistentValue", 2,
             [good, (ENTRY + (STATUS,) + route_index("10.9.0.0", 16, "203.0.113.9"), rfc1902.Integer32(CREATE_AND_GO))]),
        ]
        def static_neighbors():  # what a SET creates; dynamic entries may change state on their own
            return lab.ip(ns, "-j", "neigh", "show", "nud", "permanent").stdout

        for expected, index, varbinds in cases:
            before = kernel_routes(lab, ns)
            neigh_before = static_neighbors()
            status = client.set(*varbinds)
            unchanged = kernel_routes(lab, ns) == before and static_neighbors() == neigh_before
            check(status == (expected, index) and unchanged,
                  f"{expected}: got {status}, kernel unchanged: {unchanged}")

        # 5. Three routes in one PDU; the kernel refuses the third in ACTION (e0 is down):
        # commitFailed on varbind 3, the first two undone.
        before = kernel_routes(lab, ns)
        status = client.set(good,
                            (ENTRY + (STATUS,) + route_index("10.3.0.0", 16, "192.0.2.1"), rfc1902.Integer32(CREATE_AND_GO)),
                            (ENTRY + (STATUS,) + route_index("10.4.0.0", 16, ifindex=e0), rfc1902.Integer32(CREATE_AND_GO)))
        after = kernel_routes(lab, ns)
        check(status == ("commitFailed", 3) and after == before,
              f"3-route PDU with a kernel refusal: {status}, kernel routes unchanged: {after == before}")
        # Refused in ACTION, not before: the first two routes were created, then rolled back.
        log = lab.log_tail("ipmibd.log", 200)
        check("SET ACTION: commitFailed (varbind 3)" in log and "rolled back 2 earlier change(s)" in log,
              "the log reports the kernel's refusal in ACTION and the rollback of 2 routes")
    finally:
        if failures:
            print("--- ipmibd.log\n" + lab.log_tail("ipmibd.log"))
        lab.stop(agent)
        lab.stop(master)
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
