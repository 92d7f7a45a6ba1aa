#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (real inputs in each target's format, see
fuzz_input.h and the targets' "Input:" comments). Run from anywhere:
    tests/fuzz/seeds.py            # every corpus but rtnl_decode_fuzz, proc_counters_fuzz, group_decode_fuzz
    unshare -n tests/fuzz/seeds.py --kernel   # those three, from a fresh network namespace (root)
    tests/fuzz/seeds.py --paths    # path_decode_fuzz, from namespaces it builds and removes (root)
Seeds are only ever added or overwritten by name: inputs the fuzzers found (crash-* regressions)
stay."""
import ipaddress
import re
import os
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


# ---- ByteReader encodings (fuzz_input.h) ---------------------------------------------------------
def num(v):
    v &= 0xFFFFFFFF
    return bytes([v]) if v < 0xF0 else b"\xf0" + struct.pack(">I", v)


def subids(values):
    return bytes([len(values)]) + b"".join(num(v) for v in values)


def integer(v):
    return b"\x00" + num(v)


def octets(data):
    return b"\x06" + bytes([len(data)]) + bytes(data)


def oid_value(values):
    return b"\x07" + subids(values)


def ip(text):
    return b"\x08" + ipaddress.ip_address(text).packed


def inet(text):  # InetAddressType, length, bytes (RFC 4001 index form)
    a = ipaddress.ip_address(text)
    return [1 if a.version == 4 else 2, len(a.packed), *a.packed]


# TableSet::objects() order, as table_lab.cpp's kObjectOrder lists it (the lab checks it is the agent's).
def object_order():
    with open(os.path.join(HERE, "table_lab.cpp")) as f:
        text = f.read()
    block = text.split("// seeds.py objects begin")[1].split("// seeds.py objects end")[0]
    return re.findall(r'"([A-Za-z0-9]+)"', block)


OBJ = {name: i for i, name in enumerate(object_order())}


def route(dest, length, policy, hop):
    return [*inet(dest), length, len(policy), *policy, *hop]


# Rows of the lab scenario (table_lab.cpp) and new ones.
R_DEFAULT = route("0.0.0.0", 0, [0, 0], inet("192.0.2.1"))
R_STATIC = route("203.0.113.0", 24, [0, 0], inet("198.51.100.1"))
R_BLACKHOLE = route("10.3.0.0", 16, [0, 0, 0], inet("0.0.0.0"))
R_CONNECTED = route("192.0.2.0", 24, [0, 0, 2], inet("0.0.0.0"))
R_V6 = route("2001:db8:99::", 48, [0, 0], inet("fe80::1"))
R_NEW = route("10.1.0.0", 16, [0, 0], inet("192.0.2.1"))
R_NEW_ONLINK = route("10.2.0.0", 16, [0, 0, 2], inet("0.0.0.0"))
R_NEW_BLACKHOLE = route("10.4.0.0", 16, [0, 0, 0], inet("0.0.0.0"))
R_NEW_V6 = route("2001:db8:7::", 64, [0, 0], inet("2001:db8:1::1"))
N_STATIC = [2, *inet("192.0.2.7")]
N_DYNAMIC = [2, *inet("192.0.2.8")]
N_NEW = [2, *inet("192.0.2.50")]
N_V6 = [3, *inet("fe80::1")]
MAC = [0x02, 0, 0, 0, 0xAA, 0x01]
# ipNetToMediaTable (ifIndex.a.b.c.d), ipCidrRouteTable (dest.mask.tos.nexthop), ipDefaultRouterTable
# (type.length.address.ifIndex) indexes of the lab's rows and new ones.
MEDIA_STATIC = [2, 192, 0, 2, 7]
MEDIA_DYNAMIC = [2, 192, 0, 2, 8]
MEDIA_UNRESOLVED = [2, 192, 0, 2, 9]
MEDIA_NEW = [2, 192, 0, 2, 50]
C_DEFAULT = [0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1]
C_STATIC = [203, 0, 113, 0, 255, 255, 255, 0, 0, 198, 51, 100, 1]
C_STATIC_26 = [203, 0, 113, 0, 255, 255, 255, 192, 0, 192, 0, 2, 9]
C_BLACKHOLE = [10, 3, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0]
C_CONNECTED = [192, 0, 2, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0]
C_NEW = [10, 1, 0, 0, 255, 255, 0, 0, 0, 192, 0, 2, 1]
C_NEW_ONLINK = [10, 2, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0]
DR_V4 = [*inet("192.0.2.1"), 2]
DR_V6 = [*inet("2001:db8:1::fe"), 3]
DR_RA = [*inet("fe80::1"), 3]


def index_codec():
    # Script bytes: step % 6 = integer, inetAddress, oid, octets (prefixed, implied, fixed).
    def seed(script, values):
        return bytes([len(script)]) + bytes(script) + b"".join(num(v) for v in values)
    write("index_codec_fuzz", "route-index", seed([1, 0, 2 | 0x40, 1], R_STATIC))
    write("index_codec_fuzz", "route-index-v6", seed([1, 0, 2 | 0x40, 1], R_V6))
    write("index_codec_fuzz", "neighbor-index", seed([0, 1, 4], N_V6))
    write("index_codec_fuzz", "ipv6z", seed([1, 4], [4, 20] + list(range(16)) + [0, 0, 0, 3]))
    write("index_codec_fuzz", "ipv4z", seed([1], [3, 8, 192, 0, 2, 1, 0, 0, 0, 7]))
    write("index_codec_fuzz", "octets", seed([3, 5 | 6 << 3, 4], [3, 1, 2, 3, 1, 2, 3, 4, 5, 6, 9, 9]))
    write("index_codec_fuzz", "big-subids", seed([0, 1, 2], [0xFFFFFFFF, 1, 4, 256, 0, 0, 0]))


def mib_get():
    recs = []
    def rec(obj, op, suffix, tail=b""):
        recs.append(bytes([OBJ[obj], op]) + subids(suffix) + tail)
    GET, NEXT, CHECK = 0x00, 0x10, 0x30
    rec("inetCidrRouteTable", NEXT, [])
    for r in (R_DEFAULT, R_STATIC, R_BLACKHOLE, R_CONNECTED, R_V6):
        rec("inetCidrRouteTable", GET, [7] + r)
        rec("inetCidrRouteTable", NEXT, [17] + r)
    rec("inetCidrRouteTable", CHECK, [17] + R_NEW, integer(4))
    rec("inetCidrRouteTable", CHECK, [12] + R_STATIC, integer(9))
    for n in (N_STATIC, N_DYNAMIC, N_V6):
        rec("ipNetToPhysicalTable", GET, [4] + n)
        rec("ipNetToPhysicalTable", NEXT, [7] + n)
    rec("ipNetToPhysicalTable", CHECK, [8] + N_NEW, integer(4))
    rec("ipAddressTable", NEXT, [3, *inet("192.0.2.2")])
    rec("ipAddressTable", GET, [3, *inet("2001:db8:1::2")])
    rec("ipAddressPrefixTable", NEXT, [5, 3, *inet("2001:db8:1::"), 64])
    rec("ipAddressPrefixTable", GET, [5, 2, *inet("192.0.2.0"), 24])
    rec("ipv4InterfaceTable", GET, [3, 2])
    rec("ipv4InterfaceTable", CHECK, [3, 2], integer(2))
    rec("ipv6InterfaceTable", NEXT, [8, 3])
    rec("ipv6InterfaceTable", CHECK, [8, 3], integer(1))
    rec("ipSystemStatsTable", NEXT, [3, 1])
    rec("ipIfStatsTable", GET, [3, 1, 2])
    rec("ipIfStatsTable", NEXT, [46, 2, 3])
    for s in ("ipForwarding", "ipDefaultTTL", "ipv6IpForwarding", "ipv6IpDefaultHopLimit",
              "inetCidrRouteNumber", "ipAddressSpinLock", "ipIfStatsTableLastChange"):
        rec(s, GET, [0])
        rec(s, NEXT, [])
    rec("ipDefaultTTL", CHECK, [0], integer(64))
    # The deprecated views and the newer router tables.
    for a in ([192, 0, 2, 2], [198, 51, 100, 2]):
        rec("ipAddrTable", GET, [2] + a)
        rec("ipAddrTable", NEXT, [5] + a)
    rec("ipAddrTable", NEXT, [])
    for n in (MEDIA_STATIC, MEDIA_DYNAMIC, MEDIA_UNRESOLVED):
        rec("ipNetToMediaTable", GET, [2] + n)
        rec("ipNetToMediaTable", NEXT, [4] + n)
    rec("ipNetToMediaTable", CHECK, [2] + MEDIA_NEW, octets(MAC))
    rec("ipNetToMediaTable", CHECK, [4] + MEDIA_STATIC, integer(2))
    rec("ipNetToMediaTable", CHECK, [3] + MEDIA_STATIC, ip("192.0.2.7"))
    for d in ([0, 0, 0, 0], [203, 0, 113, 0], [10, 3, 0, 0], [192, 0, 2, 0]):
        rec("ipRouteTable", GET, [11] + d)
        rec("ipRouteTable", NEXT, [8] + d)
    rec("ipRouteTable", CHECK, [8, 203, 0, 113, 0], integer(2))
    rec("ipRouteTable", CHECK, [3, 203, 0, 113, 0], integer(2))
    for c in (C_DEFAULT, C_STATIC, C_BLACKHOLE, C_CONNECTED, C_STATIC_26):
        rec("ipCidrRouteTable", GET, [6] + c)
        rec("ipCidrRouteTable", NEXT, [16] + c)
    rec("ipCidrRouteTable", NEXT, [])
    rec("ipCidrRouteTable", CHECK, [16] + C_NEW, integer(4))
    rec("ipCidrRouteTable", CHECK, [9] + C_STATIC, oid_value([0, 0]))
    rec("ipCidrRouteNumber", GET, [0])
    for name in ("ipInReceives", "ipForwDatagrams", "ipOutNoRoutes", "ipReasmReqds", "ipFragCreates",
                 "ipRoutingDiscards", "ipReasmTimeout"):
        rec(name, GET, [0])
        rec(name, NEXT, [])
    rec("ipReasmTimeout", CHECK, [0], integer(30))
    rec("ipInReceives", CHECK, [0], b"\x02" + num(5))
    for r in (DR_V4, DR_V6, DR_RA):
        rec("ipDefaultRouterTable", GET, [4] + r)
        rec("ipDefaultRouterTable", NEXT, [5] + r)
    rec("ipDefaultRouterTable", CHECK, [5] + DR_RA, integer(1))
    for i in (1, 2, 3, 4):
        rec("ipv6ScopeZoneIndexTable", GET, [2, i])
    rec("ipv6ScopeZoneIndexTable", NEXT, [9, 3])
    rec("ipv6ScopeZoneIndexTable", CHECK, [2, 3], b"\x02" + num(3))
    # Requests beside the subtree: the object's OID cut after 4 and 8 sub-identifiers.
    rec("inetCidrRouteTable", 0x80 | NEXT | 4, [2, 1, 4, 24, 7, 1, 1])
    rec("ipNetToPhysicalTable", 0x80 | GET | 8, [35, 1, 4] + N_STATIC)
    for i in range(0, len(recs), 6):
        write("mib_get_fuzz", "requests-%02d" % (i // 6), b"".join(recs[i:i + 6]))


def set_request():
    def vb(obj, suffix, value, end=False, fault=0, minutes=0):
        flags = (1 if end else 0) | fault << 1 | minutes << 4
        return bytes([flags, OBJ[obj]]) + subids(suffix) + value
    R, N = "inetCidrRouteTable", "ipNetToPhysicalTable"
    M, C, P = "ipNetToMediaTable", "ipCidrRouteTable", "ipRouteTable"
    CREATE_ROUTE, SET_ROUTE, DELETE_ROUTE, CREATE_NEIGH = 17, 18, 19, 12
    seeds = {
        "route-createAndGo-metric": vb(R, [17] + R_NEW, integer(4)) + vb(R, [12] + R_NEW, integer(40), True),
        "route-createAndGo-onlink": vb(R, [17] + R_NEW_ONLINK, integer(4), True),
        "route-createAndGo-v6": vb(R, [7] + R_NEW_V6, integer(3)) + vb(R, [17] + R_NEW_V6, integer(4), True),
        "route-blackhole": vb(R, [8] + R_NEW_BLACKHOLE, integer(5)) + vb(R, [17] + R_NEW_BLACKHOLE, integer(4), True),
        "route-destroy-static": vb(R, [17] + R_STATIC, integer(6), True),
        "route-change-metric-type": vb(R, [12] + R_STATIC, integer(9)) + vb(R, [9] + R_STATIC, integer(3), True),
        "route-createAndWait-then-active":
            vb(R, [17] + R_NEW, integer(5), True) + vb(R, [7] + R_NEW, integer(2), True)
            + vb(R, [17] + R_NEW, integer(1), True),
        "route-createAndWait-expires": vb(R, [17] + R_NEW, integer(5), True, minutes=6)
            + vb(R, [17] + R_NEW, integer(1), True),
        "route-notInService": vb(R, [17] + R_STATIC, integer(2), True) + vb(R, [12] + R_STATIC, integer(3), True)
            + vb(R, [17] + R_STATIC, integer(1), True),
        "route-fault-in-action": vb(R, [17] + R_NEW, integer(4)) + vb(R, [17] + R_STATIC, integer(6))
            + vb(R, [12] + R_DEFAULT, integer(5), True, fault=2) + bytes([CREATE_ROUTE]),
        "route-fault-set": vb(R, [12] + R_DEFAULT, integer(5), True, fault=2) + bytes([SET_ROUTE]),
        "route-fault-delete": vb(R, [17] + R_STATIC, integer(6)) + vb(R, [17] + R_NEW, integer(4), True, fault=2)
            + bytes([DELETE_ROUTE]),
        "route-rollback-after-clock-move": vb("ipDefaultTTL", [0], integer(64), True, minutes=1)
            + vb(R, [17] + R_STATIC, integer(6)) + vb(R, [17] + R_NEW, integer(4), True, fault=2)
            + bytes([CREATE_ROUTE]),
        "route-fault-prepare": vb(R, [17] + R_NEW, integer(4), True, fault=1) + bytes([0]),
        "route-wrong-type": vb(R, [17] + R_NEW, octets(b"x")) + vb(R, [12] + R_NEW, integer(1), True),
        "neighbor-create": vb(N, [8] + N_NEW, integer(4)) + vb(N, [4] + N_NEW, octets(MAC), True),
        "neighbor-create-v6": vb(N, [8] + [3, *inet("2001:db8:1::9")], integer(4))
            + vb(N, [4] + [3, *inet("2001:db8:1::9")], octets(MAC), True),
        "neighbor-destroy-invalid": vb(N, [8] + N_STATIC, integer(6), True) + vb(N, [6] + N_DYNAMIC, integer(2), True),
        "neighbor-change-phys": vb(N, [4] + N_DYNAMIC, octets(MAC)) + vb(N, [6] + N_DYNAMIC, integer(4), True),
        "neighbor-fault": vb(N, [8] + N_NEW, integer(4)) + vb(N, [4] + N_NEW, octets(MAC))
            + vb(R, [17] + R_NEW, integer(4), True, fault=2) + bytes([CREATE_NEIGH]),
        "scalars": vb("ipDefaultTTL", [0], integer(32)) + vb("ipForwarding", [0], integer(2))
            + vb("ipv6IpDefaultHopLimit", [0], integer(100)) + vb("ipv6IpForwarding", [0], integer(1), True),
        "scalars-fault": vb("ipDefaultTTL", [0], integer(32)) + vb("ipv6IpForwarding", [0], integer(1), True, fault=2)
            + bytes([6]),
        "interfaces": vb("ipv4InterfaceTable", [3, 2], integer(2)) + vb("ipv6InterfaceTable", [5, 3], integer(2))
            + vb("ipv6InterfaceTable", [8, 3], integer(1), True),
        "interfaces-fault": vb("ipv4InterfaceTable", [3, 2], integer(2))
            + vb("ipv6InterfaceTable", [8, 3], integer(1), True, fault=2) + bytes([3]),
        "media-create": vb(M, [4] + MEDIA_NEW, integer(4)) + vb(M, [2] + MEDIA_NEW, octets(MAC), True),
        "media-invalidate-change": vb(M, [4] + MEDIA_STATIC, integer(2))
            + vb(M, [2] + MEDIA_DYNAMIC, octets(MAC)) + vb(M, [4] + MEDIA_DYNAMIC, integer(4), True),
        "media-same-ifindex-netaddress": vb(M, [1] + MEDIA_STATIC, integer(2))
            + vb(M, [3] + MEDIA_STATIC, ip("192.0.2.7"), True),
        "media-fault": vb(M, [4] + MEDIA_STATIC, integer(2)) + vb(M, [4] + MEDIA_NEW, integer(4))
            + vb(M, [2] + MEDIA_NEW, octets(MAC), True, fault=2) + bytes([CREATE_NEIGH]),
        "media-and-physical-same-row": vb(M, [4] + MEDIA_STATIC, integer(2))
            + vb(N, [8] + N_STATIC, integer(6), True),
        "cidr-createAndGo": vb(C, [16] + C_NEW, integer(4)) + vb(C, [11] + C_NEW, integer(40))
            + vb(C, [9] + C_NEW, oid_value([0, 0]), True),
        "cidr-createAndGo-onlink": vb(C, [16] + C_NEW_ONLINK, integer(4)) + vb(C, [5] + C_NEW_ONLINK, integer(2), True),
        "cidr-createAndWait-active": vb(C, [16] + C_NEW, integer(5), True) + vb(C, [16] + C_NEW, integer(1), True),
        "cidr-destroy-change": vb(C, [16] + C_STATIC, integer(6)) + vb(C, [11] + C_STATIC_26, integer(9), True),
        "cidr-fault": vb(C, [16] + C_STATIC, integer(6)) + vb(C, [16] + C_NEW, integer(4), True, fault=2)
            + bytes([CREATE_ROUTE]),
        "cidr-and-inet-same-route": vb(R, [17] + R_STATIC, integer(6)) + vb(C, [16] + C_STATIC, integer(6), True),
        "iproute-invalid": vb(P, [8, 203, 0, 113, 0], integer(2), True) + vb(P, [8, 203, 0, 113, 0], integer(2), True),
        "iproute-fault": vb(P, [8, 203, 0, 113, 0], integer(2), True, fault=2) + bytes([DELETE_ROUTE]),
        "iproute-and-cidr-same-route": vb(P, [8, 10, 3, 0, 0], integer(2)) + vb(C, [16] + C_BLACKHOLE, integer(6), True),
        "read-only-views": vb("ipAddrTable", [3, 192, 0, 2, 2], integer(24)) + vb("ipReasmTimeout", [0], integer(30))
            + vb("ipInReceives", [0], b"\x02" + num(1)) + vb("ipCidrRouteNumber", [0], b"\x02" + num(1))
            + vb("ipDefaultRouterTable", [5] + DR_RA, integer(1))
            + vb("ipv6ScopeZoneIndexTable", [2, 3], b"\x02" + num(3)) + vb(P, [7, 0, 0, 0, 0], ip("192.0.2.1"), True),
        "mixed-rows": vb(R, [17] + R_NEW, integer(4)) + vb(N, [8] + N_NEW, integer(4))
            + vb(N, [4] + N_NEW, octets(MAC)) + vb("ipDefaultTTL", [0], integer(200))
            + vb("ipAddressSpinLock", [0], integer(0), True),
    }
    for name, data in seeds.items():
        write("set_request_fuzz", name, data)


def daemon_config():
    with open(os.path.join(ROOT, "conf", "ipmibd.conf")) as f:
        write("daemon_config_fuzz", "ipmibd.conf", f.read())
    write("daemon_config_fuzz", "all-directives",
          "backend sim scenarios/demo.scn\nrouteTable main\nrouteTable 100\nrouteTable local\n"
          "agentxPriority 20\nagentxContext blue\nwriteAccess inetCidrRouteTable,ipDefaultTTL ipForwarding\n"
          "rowIdleTimeout 600\n")
    write("daemon_config_fuzz", "netns", "backend linux netns blue\nwriteAccess all\nrouteTable default\n")
    write("daemon_config_fuzz", "contexts",
          "backend linux\ncontext a netns tenant-a\ncontext p table 100\ncontext b vrf blue\n"
          "context auto netns\ncontext auto vrf\n")
    write("daemon_config_fuzz", "refused",
          "backend windows\nrouteTable 0\nrouteTable 12abc\nagentxPriority 256\nagentxContext a b\n"
          "writeAccess all,ipForwarding\nwriteAccess none\nrowIdleTimeout 86401\nbackend linux\nbackend sim x\n")


def scenario():
    with open(os.path.join(ROOT, "platform", "sim", "scenarios", "demo.scn")) as f:
        write("scenario_fuzz", "demo.scn", f.read())
    with open(os.path.join(ROOT, "tests", "agent", "routes.scn")) as f:
        write("scenario_fuzz", "routes.scn", f.read())
    with open(os.path.join(HERE, "table_lab.cpp")) as f:
        text = f.read()
    lab = text.split('R"(')[1].split(')"')[0]
    write("scenario_fuzz", "table_lab.scn", lab)
    write("scenario_fuzz", "timers-and-everything",
          "ip -4 link add name v0 mtu 1400 address 02:00:00:00:00:01 type veth peer name v1\n"
          "link set dev v0 up mtu 9000 alias uplink\nlink set v1 up\n"
          "addr add 192.0.2.1/24 dev v0 valid_lft 30 preferred_lft 10 broadcast 192.0.2.255\n"
          "addr add 2001:db8::1/64 dev v1 nodad\n"
          "route add 198.51.100.0/24 nexthop via 192.0.2.2 dev v0 weight 3 nexthop via 192.0.2.3 dev v0\n"
          "route add unreachable 203.0.113.0/24 table 100 metric 5 proto 42\n"
          "route replace 10.0.0.0/8 dev v0 src 192.0.2.1 onlink\n"
          "neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev v0 nud stale router\n"
          "sysctl -w net.ipv4.ip_forward=1\nsysctl net.ipv6.conf.all.forwarding=1\n"
          "every 2s route flap 10.9.0.0/16 via 192.0.2.2 dev v0\n"
          "every 500ms neigh cycle 192.0.2.10 dev v0 lladdr 02:00:00:00:00:0a\n"
          "at 10s link set v0 down\nat 20s link del v1\nat 1m addr del 192.0.2.1/24 dev v0\n")
    write("scenario_fuzz", "addrlabels",  # issue 19, h-sort
          "link add v0 type ether\nip addrlabel add prefix 2001:db8:7::/48 dev v0 label 99\n"
          "addrlabel del prefix ::ffff:0:0/96\naddrlabel add prefix ::ffff:0:0/96 label 3\n"
          "at 1s addrlabel del prefix 2001:db8:7::/48 dev v0 label 99\n")
    write("scenario_fuzz", "vrf",
          "link add blue type vrf table 10\nlink add v0 type veth peer name v1\nlink set blue up\n"
          "link set v0 master blue up\naddr add 192.0.2.1/24 dev v0\n"
          "route add 198.51.100.0/24 via 192.0.2.2 dev v0 table 10\nat 1s link set v0 nomaster\n"
          "at 2s link del blue\n")


def vrf_links():
    """RTM_NEWLINK of a VRF device and of a port enslaved to it, built as rtnl_fill_ifinfo() lays
    them out (the machines that write the kernel seeds have no VRF driver to capture them from)."""
    def attr(kind, payload):
        data = struct.pack("=HH", 4 + len(payload), kind) + payload
        return data + b"\0" * (-len(data) % 4)

    def link(index, name, master, info):
        body = struct.pack("=BxHiII", 0, 1, index, 0x10041, 0)  # AF_UNSPEC, ARPHRD_ETHER, UP|RUNNING|LOWER_UP
        body += attr(3, name.encode() + b"\0") + attr(4, struct.pack("=I", 1500))  # IFLA_IFNAME, IFLA_MTU
        if master:
            body += attr(10, struct.pack("=I", master))  # IFLA_MASTER
        body += attr(18, info)  # IFLA_LINKINFO
        return struct.pack("=IHHII", 16 + len(body), 16, 0, 0, 0) + body  # RTM_NEWLINK

    vrf = link(5, "blue", 0, attr(1, b"vrf\0") + attr(2, attr(1, struct.pack("=I", 1001))))
    port = link(7, "v0", 5, attr(1, b"veth\0") + attr(4, b"vrf\0") + attr(5, attr(1, struct.pack("=I", 1001))))
    write("rtnl_decode_fuzz", "link-vrf-and-port", vrf + port)


# ---- kernel messages (--kernel, in a fresh network namespace) -----------------------------------
RTM = {"link": 18, "addr": 22, "route": 26, "neigh": 30, "neightbl": 66, "netconf": 82, "addrlabel": 74,
       "multicast": 58, "anycast": 62}


def dump(kind, family=0):
    """The raw receive buffers of one rtnetlink dump, as NetlinkSocket::dump gets them."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.bind((0, 0))
    body = struct.pack("BxxxiII", family, 0, 0, 0) if kind == "link" else struct.pack("Bxxx", family) + bytes(8)
    header = struct.pack("=IHHII", 16 + len(body), RTM[kind], 0x301, 1, 0)  # NLM_F_REQUEST|NLM_F_DUMP
    s.send(header + body)
    buffers = []
    while True:
        data = s.recv(65536)
        buffers.append(data)
        if any(struct.unpack_from("=H", data, off + 4)[0] in (2, 3) for off in offsets(data)):
            return buffers


def offsets(data):
    off = 0
    while off + 16 <= len(data):
        length = struct.unpack_from("=I", data, off)[0]
        if length < 16:
            return
        yield off
        off += (length + 3) & ~3


def kernel():
    sh = lambda cmd: subprocess.run(cmd, shell=True, check=True)  # noqa: E731
    sh("ip link set lo up")
    sh("ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up")
    sh("ip link set v0 alias uplink && ip link add d0 type veth peer name d1 && ip link set d0 up && ip link set d1 up")
    sh("ip addr add 192.0.2.1/24 dev v0 && ip addr add 2001:db8::1/64 dev v0 nodad")
    sh("ip addr add 198.51.100.1/24 dev d0 valid_lft 300 preferred_lft 100")
    sh("ip route add 203.0.113.0/24 via 192.0.2.2 proto static metric 5")
    sh("ip route add 10.0.0.0/8 nexthop via 192.0.2.2 weight 2 nexthop via 198.51.100.2")
    sh("ip route add blackhole 10.9.0.0/16 && ip route add unreachable 10.8.0.0/16 table 100")
    sh("ip -6 route add 2001:db8:5::/48 via fe80::2 dev v0")
    sh("ip -6 route add 2001:db8:6::/48 via inet 192.0.2.2 dev v0 || true")
    sh("ip neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent")
    sh("ip neigh add 2001:db8::7 lladdr 02:00:00:00:00:08 dev v0 nud reachable router")
    sh("ip addrlabel add prefix 2001:db8:7::/48 label 99 && ip addrlabel add prefix ::/0 dev v0 label 98")
    for kind, family in (("link", 0), ("link", 10), ("addr", 0), ("route", 2), ("route", 10),
                         ("neigh", 0), ("neightbl", 0), ("netconf", 0), ("addrlabel", 10)):
        for i, data in enumerate(dump(kind, family)):
            # Whole messages up to ~4 KB: small seeds mutate faster.
            end = max([o for o in offsets(data) if o <= 4096] + [0])
            end = end if end > 0 else len(data)
            if end > 20:
                write("rtnl_decode_fuzz", "%s-%d-%d" % (kind, family, i), data[:end])
    for name in ("snmp", "netstat", "snmp6", "dev_snmp6/v0"):
        with open("/proc/net/" + name) as f:
            write("proc_counters_fuzz", name.replace("/", "-"), f.read())
    group_seeds()


def group_seeds():
    """group_decode_fuzz: multicast and anycast dumps (IPv6 forwarding on v0 gives subnet-router
    anycasts) and the /proc/net/igmp files; a kernel without IPv4 RTM_GETMULTICAST (before 6.13)
    answers that dump with an error message, a seed too."""
    subprocess.run("sysctl -qw net.ipv6.conf.v0.forwarding=1", shell=True, check=True)
    for kind, family in (("multicast", 2), ("multicast", 10), ("anycast", 10)):
        for i, data in enumerate(dump(kind, family)):
            end = max([o for o in offsets(data) if o <= 4096] + [0])
            write("group_decode_fuzz", "%s-%d-%d" % (kind, family, i), data[:end] if end > 20 else data)
    for name in ("igmp", "igmp6"):
        with open("/proc/net/" + name) as f:
            write("group_decode_fuzz", name, f.read())


def path_dumps(out_dir):
    """Run inside the path lab's first namespace (see path_seeds): its route exception dumps, the
    generic netlink controller's tcp_metrics reply and the tcp_metrics dump, as raw buffers."""
    def request(s, kind, flags, body):
        s.send(struct.pack("=IHHII", 16 + len(body), kind, flags, 1, 0) + body)
        buffers = []
        while True:
            data = s.recv(65536)
            buffers.append(data)
            if any(struct.unpack_from("=H", data, off + 4)[0] in (2, 3) for off in offsets(data)):
                return buffers
    route = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    for family in (2, 10):  # RTM_GETROUTE dump, rtm_flags RTM_F_CLONED (0x200)
        body = struct.pack("=BBBBBBBBI", family, 0, 0, 0, 0, 0, 0, 0, 0x200)
        for i, data in enumerate(request(route, 26, 0x301, body)):
            open(os.path.join(out_dir, "exceptions-%d-%d" % (family, i)), "wb").write(data)
    generic = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    name = b"tcp_metrics\0"
    attr = struct.pack("=HH", 4 + len(name), 2) + name + bytes((4 - len(name) % 4) % 4)  # CTRL_ATTR_FAMILY_NAME
    reply = request(generic, 16, 0x5, struct.pack("=BBH", 3, 1, 0) + attr)  # GENL_ID_CTRL, CTRL_CMD_GETFAMILY
    open(os.path.join(out_dir, "ctrl-family"), "wb").write(reply[0])
    family_id = None
    for off in offsets(reply[0]):
        if struct.unpack_from("=H", reply[0], off + 4)[0] == 16:
            pos = off + 20
            end = off + struct.unpack_from("=I", reply[0], off)[0]
            while pos + 4 <= end:
                length, kind = struct.unpack_from("=HH", reply[0], pos)
                if kind == 1:
                    family_id = struct.unpack_from("=H", reply[0], pos + 4)[0]
                pos += (length + 3) & ~3
    for i, data in enumerate(request(generic, family_id, 0x301, struct.pack("=BBH", 1, 1, 0))):
        open(os.path.join(out_dir, "tcp-metrics-%d" % i), "wb").write(data)


def path_seeds():
    """path_decode_fuzz: a namespace behind a router with a 1280-byte link beyond: a too-big
    datagram from each family leaves a PMTU exception, a TCP exchange leaves tcp_metrics."""
    sh = lambda cmd: subprocess.run(cmd, shell=True, check=True)  # noqa: E731
    a, r, b = ("ipmibd-seed-%d-%s" % (os.getpid(), n) for n in "arb")
    try:
        for n in (a, r, b):
            sh("ip netns add %s && ip -n %s link set lo up" % (n, n))
        sh("ip -n %s link add pa type veth peer name pr netns %s" % (a, r))
        sh("ip -n %s link add rb mtu 1280 type veth peer name pb mtu 1280 netns %s" % (r, b))
        for n, dev, v4, v6 in ((a, "pa", "192.0.2.1/24", "2001:db8:1::1/64"), (r, "pr", "192.0.2.2/24", "2001:db8:1::2/64"),
                               (r, "rb", "198.18.0.1/24", "2001:db8:f::1/64"), (b, "pb", "198.18.0.2/24", "2001:db8:f::2/64")):
            sh("ip -n %s link set %s up && ip -n %s addr add %s dev %s && ip -n %s addr add %s dev %s nodad"
               % (n, dev, n, v4, dev, n, v6, dev))
        sh("ip netns exec %s sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1" % r)
        sh("ip -n %s route add 198.18.0.0/24 via 192.0.2.2 && ip -n %s -6 route add 2001:db8:f::/64 via 2001:db8:1::2"
           % (a, a))
        sh("ip -n %s route add default via 198.18.0.1 && ip -n %s -6 route add default via 2001:db8:f::1" % (b, b))
        sh("sleep 1")
        probe = ("import socket,sys,time\n"
                 "for d in ('198.18.0.2','2001:db8:f::2'):\n"
                 " v6=':' in d; s=socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,socket.SOCK_DGRAM)\n"
                 " s.setsockopt(41,23,2) if v6 else s.setsockopt(0,10,2)\n"
                 " v6 and s.setsockopt(41,62,1)\n"
                 " for i in range(50):\n"
                 "  try: s.sendto(b'x'*1400,(d,9)); time.sleep(0.02)\n"
                 "  except OSError: break\n")
        server = subprocess.Popen(["ip", "netns", "exec", b, sys.executable, "-c",
                                   "import socket\ns=socket.socket(socket.AF_INET6)\ns.bind(('::',5001))\ns.listen()\n"
                                   "for i in range(2):\n c,_=s.accept(); c.recv(100); c.send(b'ok'); c.recv(10); c.close()"])
        sh("sleep 0.5")
        client = ("import socket,time\nfor d in ('198.18.0.2','2001:db8:f::2'):\n"
                  " s=socket.create_connection((d,5001)); s.send(b'x'*100); s.recv(10); s.close(); time.sleep(0.2)")
        subprocess.run(["ip", "netns", "exec", a, sys.executable, "-c", probe], check=True)
        subprocess.run(["ip", "netns", "exec", a, sys.executable, "-c", client], check=True)
        server.wait(timeout=10)
        out_dir = os.path.join(CORPUS, "path_decode_fuzz")
        os.makedirs(out_dir, exist_ok=True)
        subprocess.run(["ip", "netns", "exec", a, sys.executable, __file__, "--path-dumps", out_dir], check=True)
    finally:
        for n in (a, r, b):
            subprocess.run(["ip", "netns", "del", n])


if __name__ == "__main__":
    if "--path-dumps" in sys.argv:
        path_dumps(sys.argv[-1])
    elif "--paths" in sys.argv:
        path_seeds()
    elif "--kernel" in sys.argv:
        kernel()
    else:
        index_codec()
        mib_get()
        set_request()
        daemon_config()
        scenario()
        vrf_links()
