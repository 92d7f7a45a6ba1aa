#!/usr/bin/env python3
# hostile_requests_test.py: integration test: seeded random GET/GETNEXT/GETBULK/SET with hostile OIDs, index parts, types and values through a real snmpd master to ipmibd on a network namespace.
"""Usage: hostile_requests_test.py [--standalone] PATH/TO/ipmibd [SEED]   (root; exit 77 = skipped)

ipmibd serves a namespace (`backend linux netns NAME`, `writeAccess all`) behind a private snmpd
master, or with --standalone itself (`ipmibd -S`, where GETBULK reaches ipmibd's own handler). A seeded random generator (SEED, default 7; printed so a failure can be replayed) sends a
bounded number of SNMPv2c requests, encoded here byte by byte so every type and length is
possible: instances of every served table and scalar, mutated (truncated, extended, index parts
replaced by extremes, wrong address lengths), GETBULK with extreme repetitions, and SETs of 1-3
varbinds with random types and values, weighted towards the writable columns and RowStatus.
Asserts: ipmibd never dies and keeps answering; GET-type answers never carry genErr; every SET
answer is success or a precise error (never genErr, commitFailed or undoFailed); every request is
answered; and the namespace's
routes, neighbors and addresses (`ip -j ... show`) are unchanged after every refused SET.
"""

import json
import os
import random
import shutil
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import (Lab, LabError, free_udp_port, inproc, parse_walk, report_failure, run,  # noqa: E402
                       start_ipmibd, start_master, wait_for)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IP = (1, 3, 6, 1, 2, 1, 4)
IPMIBD = (1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42)
VERSION = IPMIBD + (1, 1, 0)
SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
REQUESTS = int(os.environ.get("IPMIBD_HOSTILE_REQUESTS", "1200"))  # 30-40 s on 2 busy cores
ERRORS = ["noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
          "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue",
          "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError", "notWritable",
          "inconsistentName"]
GEN_ERR, COMMIT_FAILED, UNDO_FAILED = 5, 14, 15
# Writable objects (column or scalar OIDs) and their syntax, to aim SETs where the code is.
ROUTE = IP + (24, 7, 1)
NEIGH = IP + (35, 1)
CIDR = IP + (24, 4, 1)  # ipCidrRouteEntry, a view of ROUTE
RFC1213_ROUTE = IP + (21, 1)  # ipRouteEntry, another view
MEDIA = IP + (22, 1)  # ipNetToMediaEntry, a view of NEIGH (PhysAddress, NetAddress, Type writable)
ADDR = IP + (20, 1)  # ipAddrEntry, a read-only view of ipAddressTable
WRITABLE = [ROUTE + (7,), ROUTE + (8,), ROUTE + (12,), ROUTE + (17,), ROUTE + (11,), NEIGH + (4,),
            NEIGH + (6,), NEIGH + (8,), IP + (1,), IP + (2,), IP + (25,), IP + (26,),
            IP + (28, 1, 3), IP + (30, 1, 5), IP + (30, 1, 8),
            CIDR + (5,), CIDR + (6,), CIDR + (9,), CIDR + (11,), CIDR + (16,), RFC1213_ROUTE + (8,),
            MEDIA + (2,), MEDIA + (3,), MEDIA + (4,), MEDIA + (4,), MEDIA + (1,)]
# Read-only objects whose instances SETs are aimed at too (each must answer notWritable / noCreation):
# the newer router tables, the deprecated views' read-only columns and the RFC 1213 ip counters.
ZONES, ROUTERS = IP + (36, 1), IP + (37, 1)
READ_ONLY = [ZONES + (2,), ZONES + (13,), ROUTERS + (4,), ROUTERS + (5,),
             ADDR + (1,), ADDR + (2,), ADDR + (3,), ADDR + (5,), CIDR + (1,), CIDR + (7,), CIDR + (8,),
             RFC1213_ROUTE + (1,), RFC1213_ROUTE + (3,), RFC1213_ROUTE + (7,), RFC1213_ROUTE + (11,),
             IP + (3,), IP + (13,), IP + (19,), IP + (23,), IP + (24, 3)]


# ---- BER ---------------------------------------------------------------------------------------
def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, payload):
    return bytes([tag]) + ber_len(len(payload)) + payload


def ber_int(v, tag=0x02):
    return tlv(tag, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def ber_uint(v, tag):
    return tlv(tag, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))


def ber_oid(oid):
    oid = tuple(oid) if len(oid) >= 2 else (1, 3)
    body = bytes([oid[0] * 40 + oid[1]])
    for sub in oid[2:]:
        chunk = [sub & 0x7F]
        sub >>= 7
        while sub:
            chunk.append(0x80 | (sub & 0x7F))
            sub >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, body)


def read_tlv(data, pos):
    tag, n = data[pos], data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    return tag, data[pos:pos + n], pos + n


class Client:
    """SNMPv2c over UDP to the master; returns (error-status, error-index, [(oid bytes, tag)])."""

    def __init__(self, port, community):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addr = ("127.0.0.1", port)
        self.community = community.encode()
        self.rid = 1000

    def request(self, pdu_tag, varbinds, a=0, b=0, timeout=3.0):
        self.rid += 1
        vbl = b"".join(tlv(0x30, ber_oid(o) + v) for o, v in varbinds)
        pdu = tlv(pdu_tag, ber_int(self.rid) + ber_int(a) + ber_int(b) + tlv(0x30, vbl))
        self.sock.sendto(tlv(0x30, ber_int(1) + tlv(0x04, self.community) + pdu), self.addr)
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                return None
            _, msg, _ = read_tlv(data, 0)
            _, _, pos = read_tlv(msg, 0)
            _, _, pos = read_tlv(msg, pos)
            _, pdu, _ = read_tlv(msg, pos)
            _, rid, pos = read_tlv(pdu, 0)
            if int.from_bytes(rid, "big", signed=True) != self.rid:
                continue
            _, err, pos = read_tlv(pdu, pos)
            _, idx, pos = read_tlv(pdu, pos)
            _, vbl, _ = read_tlv(pdu, pos)
            out, p = [], 0
            while p < len(vbl):
                _, vb, p = read_tlv(vbl, p)
                _, name, vpos = read_tlv(vb, 0)
                tag, _, _ = read_tlv(vb, vpos)
                out.append((name, tag))
            return int.from_bytes(err, "big"), int.from_bytes(idx, "big"), out


# ---- random requests ---------------------------------------------------------------------------
EXTREMES = [0, 1, 2, 3, 4, 5, 6, 16, 20, 32, 127, 128, 255, 256, 65535, 2**31 - 1, 2**31, 2**32 - 1]


def subid(rng):
    return rng.choice(EXTREMES) if rng.random() < 0.6 else rng.randrange(0, 300)


def v4(rng):
    """An IPv4 address as four sub-identifiers: mostly the lab's, sometimes out of range."""
    if rng.random() < 0.1:
        return [subid(rng) for _ in range(rng.choice([4, 4, 3, 5]))]
    return rng.choice([[192, 0, 2, 10], [192, 0, 2, 1], [192, 0, 2, 7], [192, 0, 2, rng.randrange(256)],
                       [198, 51, 100, 0], [198, 51, 100, 0], [0, 0, 0, 0], [192, 0, 2, 0], [192, 0, 2, 3],
                       [198, 51, 100, 1], [203, 0, 113, 9], [rng.randrange(256) for _ in range(4)]])


def inet_address(rng):
    """InetAddressType + length-prefixed address, sometimes inconsistent."""
    kind = rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 5, 16])
    n = {0: 0, 1: 4, 2: 16, 3: 8, 4: 20}.get(kind, rng.randrange(0, 30))
    if rng.random() < 0.2:
        n = rng.choice([0, 1, 3, 5, 15, 17, 21, 40, 130])
    doc = {1: [192, 0, 2], 2: [0x20, 0x01, 0x0d, 0xb8]}.get(kind, [])
    body = [rng.randrange(256) if rng.random() < 0.9 else subid(rng) for _ in range(n)]
    if doc and rng.random() < 0.7:
        body[:len(doc)] = doc[:n]
    return [kind, n] + body


def random_index(rng, base):
    if base[:len(ROUTE)] == ROUTE:
        dest = inet_address(rng)
        policy = [rng.randrange(0, 4)] + [subid(rng) for _ in range(3)]
        return dest + [rng.choice([0, 8, 16, 24, 32, 64, 128, 129, 255, subid(rng)])] + policy[:policy[0] + 1] + \
            inet_address(rng)
    if base[:len(NEIGH)] == NEIGH:
        return [rng.choice([1, 2, 3, 0, 2**31 - 1, subid(rng)])] + inet_address(rng)
    if base[:len(CIDR)] == CIDR:  # dest.mask.tos.nexthop
        mask = rng.choice([[255, 255, 255, 0], [255, 255, 255, 192], [0, 0, 0, 0], [255, 0, 255, 0],
                           [v4(rng)[0] for _ in range(4)]])
        return v4(rng) + mask + [rng.choice([0, 0, 0, 4, subid(rng)])] + v4(rng)
    if base[:len(RFC1213_ROUTE)] == RFC1213_ROUTE or base[:len(ADDR)] == ADDR:
        return v4(rng)
    if base[:len(MEDIA)] == MEDIA:
        return [rng.choice([2, 2, 1, 0, 2**31 - 1, subid(rng)])] + v4(rng)
    if base[:len(ROUTERS)] == ROUTERS:
        return inet_address(rng) + [rng.choice([1, 2, 0, 2**31 - 1, subid(rng)])]
    if base[:len(IP) + 1] in (IP + (28,), IP + (30,), IP + (36,)):
        return [rng.choice([1, 2, 3, 0, subid(rng)])]
    return [0] if rng.random() < 0.8 else [subid(rng) for _ in range(rng.randrange(0, 3))]


def mutate(rng, oid):
    oid = list(oid)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(5)
        if op == 0 and len(oid) > 2:
            del oid[rng.randrange(len(IP), len(oid)) if len(oid) > len(IP) else -1:]
        elif op == 1:
            oid += [subid(rng) for _ in range(rng.randrange(1, 6))]
        elif op == 2 and len(oid) > len(IP):
            oid[rng.randrange(len(IP), len(oid))] = subid(rng)
        elif op == 3 and len(oid) > len(IP):
            i = rng.randrange(len(IP), len(oid))
            oid.insert(i, subid(rng))
        else:
            oid = oid[:128 - 3] + [subid(rng)] if rng.random() < 0.05 else oid
    return tuple(oid[:128])


def random_value(rng, syntax_hint=None):
    kind = rng.randrange(12)
    if kind < 4:  # INTEGER, often a plausible enum or RowStatus value
        v = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, -1, 255, 256, 2**31 - 1, -2**31, rng.randrange(-1000, 1000)])
        return ber_int(v)
    if kind == 4:
        return tlv(0x04, bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 5, 6, 8, 20, 255, 300]))))
    if kind == 5:
        return ber_uint(rng.choice([0, 1, 255, 2**32 - 1, rng.randrange(2**32)]), rng.choice([0x41, 0x42, 0x43]))
    if kind == 6:
        return tlv(0x40, bytes(rng.randrange(256) for _ in range(4)))
    if kind == 7:
        return tlv(0x05, b"")
    if kind == 8:
        return ber_oid((1, 3, 6, 1) + tuple(subid(rng) for _ in range(rng.randrange(0, 5))))
    if kind == 9:
        return ber_uint(rng.choice([0, 2**64 - 1, rng.randrange(2**64)]), 0x46)
    if kind == 10:  # a MAC-sized string: gets through to ipNetToPhysicalPhysAddress's checks
        return tlv(0x04, bytes([2, 0, 0, rng.randrange(256), rng.randrange(256), rng.randrange(256)]))
    return tlv(0x44, bytes(rng.randrange(256) for _ in range(rng.randrange(0, 10))))  # Opaque


# ---- kernel state ------------------------------------------------------------------------------
def kernel_state(lab, ns):
    out = []
    for args in (("-4", "route", "show", "table", "all"), ("-6", "route", "show", "table", "all"),
                 ("neigh", "show"), ("addr", "show")):
        data = json.loads(lab.ip(ns, "-j", *args).stdout or "[]")
        for entry in data:  # counters and timers that move by themselves
            for key in ("used", "confirmed", "updated", "probes", "expires"):  # expires: the RA route's countdown
                entry.pop(key, None)
        out.append(data)
    return json.dumps(out, sort_keys=True)


def main():
    args = sys.argv[1:]
    standalone = "--standalone" in args
    args = [a for a in args if a != "--standalone"]
    if len(args) not in (1, 2):
        print(__doc__)
        return 2
    ipmibd = os.path.abspath(args[0])
    seed = int(args[1]) if len(args) == 2 else int(os.environ.get("IPMIBD_HOSTILE_SEED", "7"))
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)")
        return 77
    for tool in ("snmpd", "snmpbulkwalk", "ip"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} not installed")
            return 77
    rng = random.Random(seed)
    mode = "--standalone " if standalone else ""
    env = "IPMIBD_AGENT_MODE=inproc IPMIBD_MODULE=PATH/ipmibd.so " if inproc() and not standalone else ""
    print(f"seed {seed} (replay: {env}hostile_requests_test.py {mode}IPMIBD {seed})")
    lab = Lab("hos")
    try:
        try:
            ns = lab.netns("n")
        except LabError as e:
            print(f"SKIP: cannot create a network namespace: {e}")
            return 77
        lab.test_link(ns, "2001:db8:1::1/64")
        lab.ip(ns, "route", "add", "198.51.100.0/24", "via", "192.0.2.1")
        # One address, two prefix lengths and metrics: collisions in ipRouteTable and ipCidrRouteTable.
        lab.ip(ns, "route", "add", "198.51.100.0/26", "via", "192.0.2.3", "proto", "static")
        lab.ip(ns, "route", "add", "198.51.100.0/26", "via", "192.0.2.3", "metric", "5", "proto", "static")
        lab.ip(ns, "neigh", "add", "192.0.2.1", "lladdr", "02:00:00:00:00:01", "dev", "d0")
        # ipNetToMediaTable rows to change or invalidate: a static and a dynamic one (stale: a
        # reachable entry would turn stale by itself mid-test, a kernel change no SET made); and a second
        # ipAddrTable row.
        lab.ip(ns, "neigh", "add", "192.0.2.7", "lladdr", "02:00:00:00:00:07", "dev", "d0", "nud", "permanent")
        # gc_stale_time: the kernel deletes a stale entry unused that long (60 s), within a slow run.
        lab.exec_in(ns, ["sysctl", "-qw", "net.ipv4.neigh.d0.gc_stale_time=3600"])
        lab.ip(ns, "neigh", "add", "192.0.2.3", "lladdr", "02:00:00:00:00:03", "dev", "d0", "nud", "stale")
        lab.ip(ns, "addr", "add", "203.0.113.9/24", "dev", "d0")
        # Default routers for ipDefaultRouterTable: static IPv4 and IPv6, and one with a lifetime and
        # a preference as a router advertisement leaves it (proto ra).
        lab.ip(ns, "route", "add", "default", "via", "192.0.2.1")
        lab.ip(ns, "-6", "route", "add", "default", "via", "2001:db8:1::fe", "dev", "d0", "metric", "2048")
        lab.ip(ns, "-6", "route", "add", "default", "via", "fe80::1", "dev", "d0", "proto", "ra", "metric", "1024",
               "expires", "3600", "pref", "high")

        conf = f"backend linux netns {ns}\nwriteAccess all\nrowIdleTimeout 5\n"
        if standalone:
            port = free_udp_port()
            with open(lab.path("ipmibd.conf"), "w") as f:
                f.write(conf + "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n")
            agent = lab.spawn([ipmibd, "-f", "-Lf", lab.path("ipmibd.log"), "-C", "-c", lab.path("ipmibd.conf"),
                               "-S", f"udp:127.0.0.1:{port}"], "ipmibd.out")
        else:
            port, sock, master = start_master(lab, "rwcommunity private 127.0.0.1\n")
            agent = start_ipmibd(lab, ipmibd, conf, sock)
        client = Client(port, "private")

        def alive():
            if agent.poll() is not None:
                raise LabError(f"ipmibd exited with {agent.returncode}")
            r = client.request(0xA0, [(VERSION, b"\x05\x00")])
            return r is not None and r[0] == 0 and r[2] and r[2][0][1] == 0x04
        wait_for(alive, 15, interval=0.1, what="ipmibd to register")

        res = run(["snmpbulkwalk", "-v2c", "-c", "public", "-m", "", "-On", "-Cr50", f"127.0.0.1:{port}",
                   ".".join(map(str, IP))], timeout=60)
        instances = [r[0] for r in parse_walk(res.stdout) if r[0] is not None]
        res = run(["snmpwalk", "-v2c", "-c", "public", "-m", "", "-On", f"127.0.0.1:{port}",
                   ".".join(map(str, IPMIBD))], timeout=60)
        instances += [r[0] for r in parse_walk(res.stdout) if r[0] is not None]
        if len(instances) < 50:
            raise LabError(f"only {len(instances)} instances served before the test")
        print(f"{len(instances)} served instances to start from")

        state = kernel_state(lab, ns)
        counts = {}
        started = time.monotonic()
        for n in range(REQUESTS):
            kind = rng.choices(["get", "getnext", "getbulk", "set"], [2, 2, 1, 4])[0]
            if kind == "set":
                vbs = []
                for _ in range(rng.choice([1, 1, 1, 2, 3])):
                    if rng.random() < 0.7:
                        base = rng.choice(WRITABLE if rng.random() < 0.9 else READ_ONLY)
                        oid = base + tuple(random_index(rng, base))
                    else:
                        oid = mutate(rng, rng.choice(instances))
                    # Net-SNMP drops a message with an OID beyond 128 sub-identifiers unanswered.
                    vbs.append((oid[:128], random_value(rng)))
                answer = client.request(0xA3, vbs)
            else:
                oids = [mutate(rng, rng.choice(instances)) if rng.random() < 0.8 else rng.choice(instances)
                        for _ in range(rng.choice([1, 1, 2, 5]))]
                vbs = [(o, b"\x05\x00") for o in oids]
                if kind == "getbulk":
                    answer = client.request(0xA5, vbs, rng.choice([0, 1, 2, 5, 2**31 - 1]),
                                            rng.choice([0, 1, 10, 100, 2**31 - 1]))
                else:
                    answer = client.request(0xA0 if kind == "get" else 0xA1, vbs)
            if answer is None:
                # Every request here is well-formed BER the master decodes: silence means a hang.
                alive_now = alive()
                raise LabError(f"request {n} ({kind}) {[('.'.join(map(str, o)), v.hex()) for o, v in vbs]} "
                               f"unanswered; ipmibd {'still answers' if alive_now else 'no longer answers'}")
            err = answer[0]
            counts[(kind, ERRORS[err] if err < len(ERRORS) else str(err))] = \
                counts.get((kind, ERRORS[err] if err < len(ERRORS) else str(err)), 0) + 1
            described = f"request {n} ({kind}) {[('.'.join(map(str, o)), v.hex()) for o, v in vbs]}"
            # commitFailed means a check that should have refused the value in RESERVE did not.
            if err in (GEN_ERR, COMMIT_FAILED, UNDO_FAILED):
                raise LabError(f"{described} answered {ERRORS[err]}:\n" + lab.log_tail("ipmibd.log", 10))
            if kind != "set" and err not in (0, 1):
                raise LabError(f"{described} answered error {err}")
            if os.environ.get("IPMIBD_HOSTILE_VERBOSE") and kind == "set" and err not in (0, 7, 11, 17):
                print(f"{ERRORS[err]}: {[('.'.join(map(str, o)), v.hex()) for o, v in vbs]}")
            if kind == "set":
                after = kernel_state(lab, ns)
                if err != 0 and after != state:
                    raise LabError(f"{described} refused with {ERRORS[err]} but changed the kernel")
                state = after
            if n % 200 == 199 and not alive():
                raise LabError(f"ipmibd stopped answering after request {n}")
        if not alive():
            raise LabError("ipmibd stopped answering at the end")
        # snmpd itself still answers (in-process it hosts ipmibd: a crash or hang takes it down too).
        r = client.request(0xA0, [(SYS_UPTIME, b"\x05\x00")])
        if r is None or r[0] != 0 or not r[2] or r[2][0][1] != 0x43:
            raise LabError(f"snmpd no longer answers sysUpTime.0: {r}")
        elapsed = time.monotonic() - started
        print(f"{REQUESTS} requests in {elapsed:.1f} s")
        for (kind, err), c in sorted(counts.items()):
            print(f"  {kind:8} {err:20} {c}")
        print("PASS")
        return 0
    except LabError as e:
        return report_failure(lab, f"FAIL (seed {seed}): {e}")
    finally:
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
