#!/usr/bin/env python3
"""Agent benchmark: Debian's snmpd, ipmibd over AgentX, a minimal AgentX subagent, ipmibd standalone and in-process.

One command builds a network namespace with N routes (IPv4 and IPv6, some multipath) and M
neighbors, then measures the systems one after the other in the same run (alternating them when
--rounds > 1) and prints a table of absolute figures and ratios:
  a  Debian's snmpd serving the tables natively (its own private port and configuration)
  b  an snmpd master (IP modules disabled) + ipmibd over AgentX (Linux backend)
  c  the same master + tests/bench/minimal_subagent.c: a synthetic table of the same row count and
     index shapes, O(log n) lookups, nothing else: the floor of the AgentX path
  d  ipmibd -S: standalone, Net-SNMP's master agent in ipmibd's own process
  e  Debian's snmpd (IP modules disabled) loading ipmibd.so in-process (`dlmod ipmibd PATH`), its
     ipmibd.conf found through SNMPCONFPATH; RSS and CPU are snmpd's
For (e) the run also probes snmpd's responsiveness: a GET of sysUpTime.0 + ifDescr.1 every 10 ms
during a start of its own (until inetCidrRouteNumber.0 counts every row) and during an `ip -batch`
flood of --flood IPv6 route adds (then deletes): latency p50/p99/max, lost requests, longest stall.
--ipv4-only puts every route in 10.0.0.0/8 (/32s) instead of the default 80/20 IPv4/IPv6 mix;
--json FILE keeps the figures for plot_walks.py (walk time against route count, one line per agent).
"Cold" is the first walk after a start, sent as soon as the system answers anything at all, so it
includes whatever the agent loads on first touch; the start-up figures come from a start of their
own (first answer; first inetCidrRouteNumber.0 counting every route). --large (1M routes) walks
one column only through the AgentX hop and Debian's snmpd and caps the wait for a full answer.
Figures are wall-clock times on a possibly shared machine; the load average is printed with them.
--interleave K then runs b and c side by side and alternates their walks (K single-column, K/2 full
walks each; min and median): both meet the same machine conditions, unlike separate runs.
--pin CPU runs every agent process and every measuring client on that one CPU (taskset): on a VM,
waking a halted vCPU for each of a walk's ~22,000 request/response turns costs more than some agents
spend answering, for every system alike, and pinning leaves the agents' and the client's own work.
Needs root (namespaces), snmpd and the snmp tools; exits 77 (skip) without them.
"""
import argparse
import ctypes
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ENTRY = "1.3.6.1.2.1.4.24.7"  # inetCidrRouteTable
COLUMN = "1.3.6.1.2.1.4.24.7.1.7"  # inetCidrRouteIfIndex
NUMBER = "1.3.6.1.2.1.4.24.6.0"  # inetCidrRouteNumber
# The deprecated route tables, whole-table walks: Debian's snmpd serves them natively, ipmibd as
# views of inetCidrRouteTable's rows (one row per IPv4 route; nothing stored per route), the minimal
# subagent (c) not at all. (key, OID, name)
VIEW_WALKS = (("cidr", "1.3.6.1.2.1.4.24.4", "ipCidrRouteTable"), ("iproute", "1.3.6.1.2.1.4.21", "ipRouteTable"))
IPMIBD_VERSION = "1.3.6.1.4.1.8072.9999.9999.42.1.1.0"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLONE_NEWNET = 0x40000000
IPV4_CAPACITY = 98304  # 198.18.0.0 - 198.19.127.255 (RFC 2544 benchmarking range); the rest is IPv6
NAMES = {
    "a": "snmpd native",
    "b": "snmpd+ipmibd AgentX",
    "c": "snmpd+minimal AgentX",
    "d": "ipmibd standalone",
    "e": "snmpd+ipmibd in-process",
}
IPMIBD_SERVERS = "bde"  # the systems where ipmibd serves the table (change notifications, views)
SYSUPTIME = "1.3.6.1.2.1.1.3.0"
IFDESCR1 = "1.3.6.1.2.1.2.2.1.2.1"  # lo's ifDescr: served by snmpd's own IF-MIB module, not ipmibd


PIN = []  # ["taskset", "-c", CPU] with --pin: agents and measuring clients share one CPU


def skip(message):
    print(f"SKIP: {message}")
    sys.exit(77)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


class Namespace:
    """A network namespace the whole benchmark process (and every child) lives in."""

    def __init__(self):
        self.name = f"ipmibd-bench-{os.getpid()}"
        if subprocess.run(["ip", "netns", "add", self.name], stderr=subprocess.DEVNULL).returncode != 0:
            skip("cannot create a network namespace (needs root)")
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        os.close(fd)

    def close(self):
        subprocess.run(["ip", "netns", "del", self.name], stderr=subprocess.DEVNULL)


def ip_batch(lines, work, name, netns=None):
    """`ip -batch` of the lines, in the named namespace `netns` (default: the one we live in)."""
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    run(["ip"] + (["-n", netns] if netns else []) + ["-batch", path])


def build_links(work, netns=None):
    """lo, the veth pair d0/d1 and their addresses, in `netns` (default: the one we live in)."""
    if netns:
        run(["ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
             "net.ipv6.conf.default.accept_dad=0"])
    else:
        for key in ("all", "default"):
            with open(f"/proc/sys/net/ipv6/conf/{key}/accept_dad", "w") as f:
                f.write("0")
    ip_batch([
        "link set lo up",
        "link add d0 type veth peer name d1",
        "link set d0 up",
        "link set d1 up",
        "addr add 192.0.2.1/24 dev d0",
        "addr add 198.19.128.1/17 dev d0",
        "addr add 2001:db8:ffff::1/64 dev d0",
    ], work, "links.batch", netns)


def build_routes(work, routes, neighbors, ipv4_only=False, netns=None):
    """Adds the routes and neighbors; returns (IPv4 rows, IPv6 rows) ipmibd will serve for them.
    Mixed (default): 80 % IPv4 /32s in 198.18.0.0/15 (at most 98,304), the rest IPv6 /64s;
    ipv4_only: every route an IPv4 /32 in 10.0.0.0/8."""
    if ipv4_only:
        if routes > 1 << 24:
            sys.exit("--ipv4-only: at most 16,777,216 routes (10.0.0.0/8)")
        n4, n6, base = routes, 0, 0x0A000000  # 10.0.0.0
    else:
        n4 = min(routes - routes // 5, IPV4_CAPACITY)
        n6 = routes - n4
        base = 0xC6120000  # 198.18.0.0
    lines, extra4, extra6 = [], 0, 0
    for i in range(n4):
        a = base + i
        dst = f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}/32"
        if i % 20 == 19:
            lines.append(f"route add {dst} proto static nexthop via 192.0.2.{2 + i % 8} dev d0 "
                         f"nexthop via 192.0.2.{2 + (i + 1) % 8} dev d0")
            extra4 += 1
        else:
            lines.append(f"route add {dst} via 192.0.2.{2 + i % 8} dev d0 proto static")
    for i in range(n6):
        dst = f"2001:db8:{(i >> 16) & 0xffff:x}:{i & 0xffff:x}::/64"
        if i % 20 == 19:
            lines.append(f"route add {dst} proto static nexthop via 2001:db8:ffff::{2 + i % 8:x} dev d0 "
                         f"nexthop via 2001:db8:ffff::{2 + (i + 1) % 8:x} dev d0")
            extra6 += 1
        else:
            lines.append(f"route add {dst} via 2001:db8:ffff::{2 + i % 8:x} dev d0 proto static")
    for j in range(neighbors):
        mac = f"02:00:{(j >> 24) & 255:02x}:{(j >> 16) & 255:02x}:{(j >> 8) & 255:02x}:{j & 255:02x}"
        if j % 2 == 0:
            a = 0xC6138002 + j // 2  # 198.19.128.2 + j/2
            addr = f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}"
        else:
            addr = f"2001:db8:ffff::1:{(j >> 16) & 0xffff:x}:{j & 0xffff:x}"
        lines.append(f"neigh add {addr} lladdr {mac} dev d0 nud permanent")
    ip_batch(lines, work, "routes.batch", netns)
    return n4 + extra4, n6 + extra6


# The tests' port picker (tests/agent/netns_lab.py): below the ephemeral range, so that no client
# started meanwhile (ctest runs the smoke beside other tests) takes the port before the agent binds it.
sys.path.insert(0, os.path.join(ROOT, "tests", "agent"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from netns_lab import free_udp_port as free_port  # noqa: E402


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


class System:
    """One system under test: its processes and the address its SNMP requests go to."""

    def __init__(self, key, args, work, rows4, rows6):
        self.key, self.args, self.work = key, args, work
        self.rows4, self.rows6 = rows4, rows6
        self.procs = []
        self.port = free_port()
        self.peer = f"udp:127.0.0.1:{self.port}"
        self.trap_port = free_port()  # bench_client's notify mode listens here (b, d: trap2sink)
        self.server = None  # the process serving the table (RSS, CPU)
        self.master = None
        # More configuration (contexts_bench.py: com2sec lines for the contexts, `context` lines)
        self.master_extra, self.ipmibd_extra, self.backend = [], [], "linux"

    def _spawn(self, cmd, log, env_extra=None):
        env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(self.work, "persist"), **(env_extra or {}))
        with open(os.path.join(self.work, log), "a") as err:
            p = subprocess.Popen(PIN + cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        self.procs.append(p)
        return p

    def _master(self):
        sock = os.path.join(self.work, f"agentx-{self.key}.sock")
        conf = os.path.join(self.work, f"master-{self.key}.conf")
        with open(conf, "w") as f:
            f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\n"
                    "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n"
                    f"trap2sink 127.0.0.1:{self.trap_port} public\n" + "".join(l + "\n" for l in self.master_extra))
        self.master = self._spawn(["snmpd", "-f", "-C", "-c", conf, "-I", "-" + self.args.disabled,
                                   "-Lf", os.path.join(self.work, f"master-{self.key}.log"), self.peer],
                                  "stderr.log")
        # The socket appears before the master accepts on it; a subagent that connects too early
        # waits a whole agentxPingInterval (15 s) before it retries. Wait for an SNMP answer.
        for _ in range(200):
            if os.path.exists(sock) and snmpget(self.peer, "1.3.6.1.2.1.1.3.0", 0.1) is not None:
                return sock
            time.sleep(0.05)
        raise RuntimeError("snmpd master did not start")

    def _ipmibd_conf(self, standalone):
        conf = os.path.join(self.work, f"ipmibd-{self.key}.conf")
        with open(conf, "w") as f:
            f.write(f"backend {self.backend}\nwriteAccess inetCidrRouteTable\n")
            f.writelines(l + "\n" for l in self.ipmibd_extra)
            if standalone:
                f.write("rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n"
                        f"trap2sink 127.0.0.1:{self.trap_port} public\n")
        return conf

    def start(self, rows4, rows6):
        """Starts the system; returns the time the serving process was started (the master, for
        b and c, is started before and not counted)."""
        log = os.path.join(self.work, f"{self.key}.log")
        if self.key == "a":
            conf = os.path.join(self.work, "native.conf")
            with open(conf, "w") as f:
                f.write("rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n")
            t0 = time.monotonic()
            self.server = self._spawn(["snmpd", "-f", "-C", "-c", conf, "-Lf", log, self.peer], "stderr.log")
        elif self.key == "b":
            sock = self._master()
            t0 = time.monotonic()
            self.server = self._spawn([self.args.ipmibd, "-f", "-C", "-c", self._ipmibd_conf(False), "-x", sock,
                                       "-Lf", log], "stderr.log")
        elif self.key == "c":
            sock = self._master()
            t0 = time.monotonic()
            self.server = self._spawn([self.args.minimal, sock, str(rows4), str(rows6)], "stderr.log")
        elif self.key == "e":
            # snmpd.conf holds Net-SNMP's directives and the dlmod line; ipmibd.conf (ipmibd's own
            # directives, the same file as (b)'s) is found in SNMPCONFPATH. No system snmpd.conf
            # is read (-C), and the IP modules ipmibd replaces are disabled as for the master.
            confdir = os.path.join(self.work, "conf-e")
            os.makedirs(confdir, exist_ok=True)
            shutil.copy(self._ipmibd_conf(False), os.path.join(confdir, "ipmibd.conf"))
            conf = os.path.join(self.work, "inproc.conf")
            with open(conf, "w") as f:
                f.write("rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n"
                        f"trap2sink 127.0.0.1:{self.trap_port} public\n"
                        f"dlmod ipmibd {self.args.module}\n")
            t0 = time.monotonic()
            debug = ["-D" + self.args.debug] if self.args.debug else []
            self.server = self._spawn(["snmpd", "-f", "-C", "-c", conf, "-I", "-" + self.args.disabled, "-Lf", log,
                                       *debug, "-p", os.path.join(self.work, "snmpd-e.pid"), self.peer], "stderr.log",
                                      {"SNMPCONFPATH": confdir})
        else:
            t0 = time.monotonic()
            self.server = self._spawn([self.args.ipmibd, "-f", "-C", "-c", self._ipmibd_conf(True), "-S", self.peer,
                                       "-Lf", log], "stderr.log")
        return t0

    def pids(self):
        return [p.pid for p in (self.server, self.master) if p is not None]

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs, self.server, self.master = [], None, None


def snmpget(peer, oid, timeout=0.5):
    r = subprocess.run(["snmpget", "-v2c", "-c", "public", "-On", "-Oqv", "-t", str(timeout), "-r", "0", peer, oid],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def wait_any_answer(system, t0, limit=600):
    """Seconds from start to the system's first answer of any kind: the moment a manager's first
    request gets through, whatever the agent still has to load. A standalone agent answers
    sysUpTime.0 itself; behind a master (b, c) that is the master's answer, so there the first
    inetCidrRouteNumber.0 the subagent serves (any count) is the first answer."""
    behind_master = system.master is not None
    oid = NUMBER if behind_master else "1.3.6.1.2.1.1.3.0"
    while time.monotonic() - t0 < limit:
        # A request sent before the port is open (or the subagent registered) is lost: retry fast.
        r = subprocess.run(["snmpget", "-v2c", "-c", "public", "-On", "-Oqv", "-t", "0.02", "-r", "0",
                            system.peer, oid], capture_output=True, text=True)
        if r.returncode == 0 and (not behind_master or r.stdout.strip().isdigit()):
            return time.monotonic() - t0
        if system.server.poll() is not None:
            raise RuntimeError(f"system {system.key} exited during start-up")
    raise RuntimeError(f"system {system.key}: no answer within {limit} s")


def wait_full_answer(system, t0, expected, limit=600):
    """Seconds from start to the first GET of inetCidrRouteNumber.0 counting >= `expected` rows,
    or None when `limit` seconds pass first (a native snmpd loads its whole route cache inside
    the request, and takes hours at 1M routes)."""
    while time.monotonic() - t0 < limit:
        value = snmpget(system.peer, NUMBER, max(0.5, min(10.0, limit - (time.monotonic() - t0))))
        if value is not None and value.isdigit() and int(value) >= expected:
            return time.monotonic() - t0
        if system.server.poll() is not None:
            raise RuntimeError(f"system {system.key} exited during start-up")
        time.sleep(0.02)
    return None


def wait_first_answer(system, t0, expected, limit=600):
    """Seconds from start to the first full answer (see wait_full_answer); raises past `limit`."""
    wait_any_answer(system, t0, limit)
    full = wait_full_answer(system, t0, expected, limit)
    if full is None:
        raise RuntimeError(f"system {system.key}: no full answer within {limit} s")
    return full


def _ber(tag, payload):
    n = len(payload)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + payload


def _ber_int(v):
    return _ber(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def _ber_oid(text):
    arcs = [int(x) for x in text.strip(".").split(".")]
    out = bytearray([arcs[0] * 40 + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return _ber(0x06, bytes(out))


def get_request(request_id, oids, community=b"public"):
    """An SNMPv2c GetRequest datagram (BER written by hand: the probe must not wait on a library)."""
    varbinds = b"".join(_ber(0x30, _ber_oid(o) + b"\x05\x00") for o in oids)
    pdu = _ber(0xA0, _ber_int(request_id) + _ber_int(0) + _ber_int(0) + _ber(0x30, varbinds))
    return _ber(0x30, _ber_int(1) + _ber(0x04, community) + pdu)


def _tlv(data, i):
    """(tag, start of value, end of value) of the TLV at data[i]."""
    tag, n = data[i], data[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[i:i + k], "big")
        i += k
    return tag, i, i + n


def response_status(data):
    """(request-id, error-status) of an SNMPv2c Response datagram, or None."""
    try:
        _, i, _ = _tlv(data, 0)  # message SEQUENCE
        _, _, i = _tlv(data, i)  # version
        _, _, i = _tlv(data, i)  # community
        tag, i, _ = _tlv(data, i)  # PDU
        if tag != 0xA2:
            return None
        _, vs, ve = _tlv(data, i)
        request_id = int.from_bytes(data[vs:ve], "big", signed=True)
        _, es, ee = _tlv(data, ve)
        return request_id, int.from_bytes(data[es:ee], "big")
    except IndexError:
        return None


class Probe:
    """A GET of sysUpTime.0 and ifDescr.1 (objects snmpd serves itself, not ipmibd) every `interval`
    seconds from one UDP socket, whatever is outstanding: how long snmpd leaves its other MIBs
    waiting while ipmibd works inside it. A request unanswered after `timeout` is lost (so is one
    sent before snmpd opened its port); the longest stall is the longest time without any answer
    while requests were outstanding (from the first answer on)."""

    def __init__(self, peer, interval=0.01, timeout=1.0, oids=(SYSUPTIME, IFDESCR1), community=b"public"):
        host, port = peer.split(":")[1:]
        self.addr, self.interval, self.timeout = (host, int(port)), interval, timeout
        self.oids, self.community = oids, community
        self.sent, self.latencies, self.errors = {}, [], 0
        self.stopped, self.stop_time = threading.Event(), None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(0.005)
        self.first_answer = None
        self.last_answer = None
        self.stall = 0.0

    def __enter__(self):
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self._send, self._receive)]
        for t in self.threads:
            t.start()
        return self

    def _send(self):
        request_id, next_time = 1, time.monotonic()
        while not self.stopped.is_set():
            self.sent[request_id] = time.monotonic()
            try:
                self.sock.sendto(get_request(request_id, self.oids, self.community), self.addr)
            except OSError:  # ECONNREFUSED from an earlier ICMP port unreachable: snmpd not bound yet
                pass
            request_id += 1
            next_time += self.interval
            time.sleep(max(0.0, next_time - time.monotonic()))

    def _receive(self):
        # After the last request, answers are awaited for `timeout` more (then the rest are lost).
        while not self.stopped.is_set() or time.monotonic() - self.stop_time <= self.timeout:
            try:
                data = self.sock.recv(65536)
            except OSError:  # timeout
                continue
            now = time.monotonic()
            status = response_status(data)
            if status is None or status[0] not in self.sent:
                continue
            request_id, error = status
            if error:
                self.errors += 1
            self.latencies.append((request_id, now - self.sent[request_id]))
            if self.first_answer is None:
                self.first_answer = now
            elif self.last_answer is not None:
                # time without any answer, less the part when nothing was outstanding (~none at 10 ms)
                self.stall = max(self.stall, now - self.last_answer)
            self.last_answer = now

    def __exit__(self, *exc):
        self.stop_time = time.monotonic()
        self.stopped.set()
        for t in self.threads:
            t.join()
        self.sock.close()

    def result(self):
        """{'sent', 'answered', 'lost', 'late', 'p50', 'p99', 'max' (ms), 'first' (s), 'stall' (ms)}."""
        on_time = {i for i, l in self.latencies if l <= self.timeout}
        answered = len(self.latencies)
        sent = len(self.sent)
        # Lost before snmpd answered anything at all (its port not open yet, or never read before
        # the answer that came first), and lost afterwards: a stall of a serving snmpd.
        first_id = min((i for i, _ in self.latencies), default=None)
        early = sum(1 for i in self.sent if i not in on_time and (first_id is None or i < first_id))
        r = {"sent": sent, "answered": answered, "lost": sent - len(on_time) - early, "lost_before_first": early,
             "late": answered - len(on_time),
             "errors": self.errors, "stall": self.stall * 1000,
             "first": (self.first_answer - self.started) if self.first_answer else None,
             "seconds": self.stop_time - self.started}
        every = sorted(l for _, l in self.latencies)
        if every:
            r["p50"] = every[len(every) // 2] * 1000
            r["p99"] = every[min(len(every) - 1, int(len(every) * 0.99))] * 1000
            r["max"] = every[-1] * 1000
        return r


def flood(work, count, delete=False, netns=None):
    """`ip -batch` of `count` IPv6 /64 route adds (or their deletes) in 2001:db8:f000::/36, away
    from the benchmark's own routes (in `netns`, default ours); returns the seconds ip took."""
    verb = "del" if delete else "add"
    lines = [f"route {verb} 2001:db8:f{(i >> 16) & 0xfff:03x}:{i & 0xffff:x}::/64"
             + ("" if delete else " via 2001:db8:ffff::2 dev d0 proto static") for i in range(count)]
    t = time.monotonic()
    ip_batch(lines, work, f"flood-{verb}.batch", netns)
    return time.monotonic() - t


def measure_responsiveness(args, key, work, rows4, rows6):
    """The probe during a start of its own (the agent's spawn until inetCidrRouteNumber.0 counts
    every row) and during a flood of --flood route adds, then of their deletes. Made for (e); (d)
    (--probe-systems d,e) is the control: the same ipmibd code in its own event loop; (a) the
    probe's own floor: Debian's snmpd does no work per route change (its cache lives 60 s)."""
    system = System(key, args, work, rows4, rows6)
    expected = args.routes if key == "a" else rows4 + rows6  # Debian counts a multipath route once
    out = {}
    try:
        with Probe(system.peer) as probe:
            t0 = system.start(rows4, rows6)
            # a GET sent before snmpd's port opens is lost: wait for any answer first (20-ms retries)
            wait_any_answer(system, t0, args.startup_cap)
            full = wait_full_answer(system, t0, expected, args.startup_cap)
        out["startup"] = probe.result()
        out["startup"]["full"] = full
        if full is None:
            return out
        time.sleep(1.0)
        base = int(snmpget(system.peer, NUMBER, 5.0))  # the routes above plus the connected ones
        for name, delete in (("flood_add", False), ("flood_del", True)):
            with Probe(system.peer) as probe:
                seconds = flood(work, args.flood, delete)
                # until ipmibd counts the whole flood, then 0.5 s more ((a): its cache, 1 s)
                caught_up = (wait_count(system, base if delete else base + args.flood, 120) if key != "a"
                             else time.sleep(1.0))
                time.sleep(0.5)
            out[name] = probe.result()
            out[name]["ip_seconds"] = seconds
            out[name]["caught_up"] = caught_up
    finally:
        system.stop()
    return out


def wait_count(system, expected, limit):
    """Seconds until inetCidrRouteNumber.0 == expected, or None after `limit` seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        value = snmpget(system.peer, NUMBER, 2.0)
        if value is not None and value.isdigit() and int(value) == expected:
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def walk(system, oid, keep=None, community="public"):
    """(seconds, varbinds, server CPU seconds, master CPU seconds) of one snmpbulkwalk -Cr50."""
    cpu0 = cpu_seconds([system.server.pid])
    master0 = cpu_seconds([system.master.pid]) if system.master else 0
    t0 = time.monotonic()
    # One request may meet a native snmpd's whole-table reload (tens of seconds at 100k routes).
    r = subprocess.run(PIN + ["snmpbulkwalk", "-v2c", "-c", community, "-On", "-Oq", "-Cr50", "-t", "300", "-r", "0",
                        system.peer, oid], capture_output=True)
    seconds = time.monotonic() - t0
    cpu = cpu_seconds([system.server.pid]) - cpu0
    master = cpu_seconds([system.master.pid]) - master0 if system.master else None
    if r.returncode != 0:
        raise RuntimeError(f"walk of {oid} on {system.key} failed: {r.stderr.decode()[:200]}")
    if keep is not None:
        with open(keep, "wb") as f:
            f.write(r.stdout)
    return seconds, r.stdout.count(b"\n"), cpu, master


def client(args, system, *params, community="public"):
    r = subprocess.run(PIN + [args.client, system.peer, community, *map(str, params)], capture_output=True, text=True,
                       timeout=900)
    fields = r.stdout.split()
    if r.returncode != 0 or len(fields) != 4:
        return None
    p50, p99, n, failures = float(fields[0]), float(fields[1]), int(fields[2]), int(fields[3])
    return {"p50": p50, "p99": p99, "n": n, "failures": failures}


class Churn:
    """~rate route changes per second (add/delete of 198.19.200.0/24 host routes) through one
    `ip -batch -` process, for as long as the context lasts."""

    def __init__(self, rate):
        self.rate, self.stopped = rate, threading.Event()
        self.changes = 0

    def __enter__(self):
        self.proc = subprocess.Popen(["ip", "-force", "-batch", "-"], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        self.thread = threading.Thread(target=self._feed, daemon=True)
        self.started = time.monotonic()
        self.thread.start()
        return self

    def _feed(self):
        present, k = set(), 0
        tick = 0.01
        next_time = time.monotonic()
        while not self.stopped.is_set():
            lines = []
            for _ in range(max(1, int(self.rate * tick))):
                host = k % 250 + 1
                k += 1
                if host in present:
                    lines.append(f"route del 198.19.200.{host}/32")
                    present.discard(host)
                else:
                    lines.append(f"route add 198.19.200.{host}/32 via 192.0.2.3 dev d0 proto static")
                    present.add(host)
            self.proc.stdin.write("\n".join(lines) + "\n")
            self.proc.stdin.flush()
            self.changes += len(lines)
            next_time += tick
            time.sleep(max(0.0, next_time - time.monotonic()))
        for host in present:
            self.proc.stdin.write(f"route del 198.19.200.{host}/32\n")
        self.proc.stdin.close()

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self.proc.wait()
        self.achieved = self.changes / max(1e-9, time.monotonic() - self.started)


def measure_empty(args, key, work):
    """RSS of the serving process with the namespace's handful of connected routes only."""
    system = System(key, args, work, 0, 0)
    try:
        t0 = system.start(0, 0)
        wait_first_answer(system, t0, 0)
        walk(system, ENTRY)
        if key != "c" and not args.no_views:  # the same code paths as the measured run: the views are walked there too
            for _, oid, _ in VIEW_WALKS:
                walk(system, oid)
        return proc_status(system.server.pid, "VmRSS")
    finally:
        system.stop()


def measure_startup(args, key, work, rows4, rows6, expected):
    """Start-up figures, from a start of their own so that the cold walk (next start) begins at
    the first answer: seconds to the first answer, to the first full answer (None past the cap),
    and the serving process's CPU seconds until then."""
    system = System(key, args, work, rows4, rows6)
    try:
        t0 = system.start(rows4, rows6)
        first = wait_any_answer(system, t0)
        full = wait_full_answer(system, t0, expected, args.startup_cap)
        return first, full, cpu_seconds([system.server.pid])
    finally:
        system.stop()


def measure(args, key, work, rows4, rows6, routes):
    r = {}
    # Debian's snmpd serves one row per multipath route, the others one per next hop.
    expected = routes if key == "a" else rows4 + rows6
    r["first"], r["startup"], r["startup_cpu"] = measure_startup(args, key, work, rows4, rows6, expected)
    if r["startup"] is None:  # never loaded within the cap: any walk or GET would wait for that load
        return r
    # --large: full walks through the AgentX hop (~15 min each at 1M routes) and through Debian's
    # snmpd are skipped; those systems walk one column, standalone ipmibd the whole table as well.
    full_walks = not args.large or key in "de"
    system = System(key, args, work, rows4, rows6)
    try:
        t0 = system.start(rows4, rows6)
        wait_any_answer(system, t0)
        # Cold: the first walk after start, sent as soon as the agent answers at all, so it
        # includes whatever the agent loads on first touch (Debian's snmpd: its route cache).
        cold_started = time.monotonic()
        column_file = os.path.join(work, f"column-{key}.txt")
        if full_walks:
            r["cold"], r["varbinds"], r["cold_cpu"], _ = walk(system, ENTRY)
            warm = [walk(system, ENTRY) for _ in range(1 if args.quick or args.large else 2)]
            best = min(warm, key=lambda w: w[0])
            r["warm"], r["warm_cpu"], r["warm_master_cpu"] = best[0], best[2], best[3]
            r["warm_varbinds"] = best[1]
        else:
            r["column_cold"], _, _, _ = walk(system, COLUMN)
        r["column"], r["column_rows"], r["column_cpu"], r["column_master_cpu"] = walk(system, COLUMN,
                                                                                      keep=column_file)
        if full_walks and key != "c" and not args.no_views:
            # The deprecated tables (a warm walk each, after the full walks loaded any cache), and
            # before the RSS below, so that it includes whatever serving them costs.
            for name, oid, _ in VIEW_WALKS:
                r[name], r[name + "_rows"], r[name + "_cpu"], r[name + "_master_cpu"] = walk(system, oid)
        with open(column_file) as f:
            oids = [line.split()[0] for line in f if line.strip()]
        sample = random.Random(42).sample(oids, min(len(oids), 2000))
        oid_file = os.path.join(work, f"oids-{key}.txt")
        with open(oid_file, "w") as f:
            f.write("\n".join(sample) + "\n")
        gets = 500 if args.quick else 5000
        r["get"] = client(args, system, "get", oid_file, gets)
        r["rss"] = proc_status(system.server.pid, "VmRSS")
        with Churn(args.churn_rate) as churn:
            r["get_churn"] = client(args, system, "get", oid_file, gets)
            if key in IPMIBD_SERVERS:
                r["visible"] = client(args, system, "visible", 20 if args.quick else 200, 2000)
            elif key == "a":  # its 60-s cache: a change is not seen within a second
                r["visible"] = client(args, system, "visible", 2, 1000)
                r["visible_note"] = "none in 1 s"

        r["churn_rate"] = churn.achieved
        if key in IPMIBD_SERVERS:
            # ipmibd's own change notifications (ipmibdRouteAdded), behind the master through its
            # trap2sink, standalone through ipmibd.conf's, in-process through snmpd.conf's; Debian's snmpd and (c) send none. The
            # churn above put ipmibd's notifications in storm mode (counted, not sent per row),
            # which ends after a second of at most notifyRate changes.
            time.sleep(2.5)
            r["notify"] = client(args, system, "notify", 20 if args.quick or args.large else 100, system.trap_port,
                                 2000)
        if key != "c":
            # Each destroy after a timed create re-reads the route table (about 1 s at 1M routes).
            r["set"] = client(args, system, "set", 10 if args.quick or args.large else 100, community="private")
            # A destroy that timed out (a loaded machine) leaves its route, and the next system's
            # createAndGo of the same row would be refused: remove whatever is left.
            subprocess.run(["ip", "route", "flush", "root", "198.19.251.0/24"], stderr=subprocess.DEVNULL)
        if key == "a" and not args.quick and not args.large:
            # Debian's inetCidrRouteTable cache expires 60 s after its load; the next request reloads it.
            wait = 61 - (time.monotonic() - cold_started)
            if wait > 0:
                time.sleep(wait)
            r["reload"] = walk(system, ENTRY)[0]
    finally:
        system.stop()
    return r


def exec_ns(pid):
    """CPU time of a single-threaded process in nanoseconds (/proc/PID/schedstat: exact, where
    utime/stime count 10-ms ticks)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def interleaved_walk(system, oid):
    """(seconds, subagent CPU seconds, master CPU seconds) of one snmpbulkwalk -Cr50 of oid."""
    server0, master0 = exec_ns(system.server.pid), exec_ns(system.master.pid)
    t0 = time.monotonic()
    r = subprocess.run(PIN + ["snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oq", "-Cr50", "-t", "300", "-r", "0",
                              system.peer, oid], capture_output=True)
    seconds = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError(f"walk of {oid} on {system.key} failed: {r.stderr.decode()[:200]}")
    return seconds, (exec_ns(system.server.pid) - server0) / 1e9, (exec_ns(system.master.pid) - master0) / 1e9


def measure_interleaved(args, work, rows4, rows6):
    """b and c running side by side, their walks alternating (b c, c b, b c, ...) --interleave
    times each, after one warm-up walk each: both systems meet the same machine conditions,
    which on a shared VM drift by more than the 1.2x margin between separate runs of each.
    Returns {(workload, key): [(seconds, subagent CPU, master CPU), ...]}."""
    systems = {key: System(key, args, work, rows4, rows6) for key in "bc"}
    samples = {}
    try:
        for system in systems.values():
            wait_first_answer(system, system.start(rows4, rows6), rows4 + rows6)
        workloads = [("column", COLUMN, args.interleave)]
        if not args.large:  # a full walk through the hop takes ~15 min at 1M routes
            workloads.append(("full", ENTRY, max(1, args.interleave // 2)))
        for name, oid, count in workloads:
            for key in "bc":
                interleaved_walk(systems[key], oid)
            for i in range(count):
                for key in ("bc" if i % 2 == 0 else "cb"):
                    samples.setdefault((name, key), []).append(interleaved_walk(systems[key], oid))
    finally:
        for system in systems.values():
            system.stop()
    return samples


def print_interleaved(samples):
    """Min and median of each figure for b and c, and their ratios."""
    header = ["interleaved walks (b and c side by side)", "(b) min", "(c) min", "b/c min", "(b) median",
              "(c) median", "b/c median"]
    table = [header]
    labels = {"column": "single-column walk (IfIndex)", "full": "full walk"}
    for name in ("column", "full"):
        if (name, "b") not in samples:
            continue
        n = len(samples[(name, "b")])
        # The last row divides each walk's subagent CPU by its master's: the master's work is the
        # same for b and c, so this cancels how fast the machine happened to be during that walk.
        figures = ((lambda x: x[0], f"{labels[name]}, {n} each", fmt_time),
                   (lambda x: x[1], "  subagent CPU", fmt_time), (lambda x: x[2], "  master CPU", fmt_time),
                   (lambda x: x[1] / x[2] if x[2] else 0.0, "  subagent CPU / its master's CPU", lambda v: f"{v:.3f}"))
        for figure, label, text in figures:
            b = [figure(x) for x in samples[(name, "b")]]
            c = [figure(x) for x in samples[(name, "c")]]
            row = [label]
            for stat in (min, statistics.median):
                vb, vc = stat(b), stat(c)
                row += [text(vb), text(vc), f"{vb / vc:.2f}" if vc else "-"]
            table.append(row)
    print(f"\nload average after the interleaved walks: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_markdown(table)


def fmt_time(seconds):
    if seconds is None:
        return "-"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def fmt_latency(stat, key, unit="us"):
    if not stat:
        return "-"
    if stat["n"] == 0:
        return "timeout"
    v = stat[key]
    if unit == "ms":
        return f"{v / 1000:.1f} ms"
    return f"{v:.0f} us" if v < 10000 else f"{v / 1000:.1f} ms"


def print_markdown(table):
    """Prints rows of cells (the first one the header) as an aligned markdown table."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def print_table(args, results, baseline, routes, rows4, rows6, loads):
    systems = [k for k in args.systems if k in results]
    metric_rows = []

    def value(k, f):
        return f(results[k]) if k in results else None

    def add(label, raw, text):
        metric_rows.append((label, {k: raw(results[k]) for k in systems}, {k: text(results[k]) for k in systems}))

    get = lambda name, field: (lambda r: r[name][field] if r.get(name) and r[name]["n"] else None)
    def opt_time(name, missing="-"):
        return lambda r: fmt_time(r[name]) if r.get(name) is not None else missing

    skipped = "skipped (--large)" if args.large else "-"
    add("start-up to first answer", lambda r: r["first"], lambda r: fmt_time(r["first"]))
    add("start-up to first full answer", lambda r: r["startup"],
        lambda r: fmt_time(r["startup"]) if r["startup"] is not None else f"> {args.startup_cap:.0f} s")
    add("  agent CPU until then", lambda r: r["startup_cpu"], lambda r: fmt_time(r["startup_cpu"]))
    add("full walk, cold (first after start)", lambda r: r.get("cold"), opt_time("cold", skipped))
    add("full walk, warm", lambda r: r.get("warm"), opt_time("warm", skipped))
    add("full walk meeting snmpd's 60-s reload", lambda r: r.get("reload"),
        lambda r: fmt_time(r["reload"]) if "reload" in r else
        ("skipped (--quick/--large)" if r is results.get("a") else "n/a"))
    add("  varbinds per full walk", lambda r: r.get("varbinds"),
        lambda r: str(r["varbinds"]) if r.get("varbinds") is not None else "-")
    add("  agent CPU per warm walk", lambda r: r.get("warm_cpu"), opt_time("warm_cpu"))
    add("  master CPU per warm walk", lambda r: r.get("warm_master_cpu"), opt_time("warm_master_cpu", "n/a"))
    if args.large:
        add("single-column walk, cold (first after start)", lambda r: r.get("column_cold"),
            opt_time("column_cold"))
    add("single-column walk (IfIndex)", lambda r: r.get("column"), opt_time("column"))
    add("  varbinds per single-column walk", lambda r: r.get("column_rows"),
        lambda r: str(r["column_rows"]) if r.get("column_rows") is not None else "-")
    add("  agent CPU per single-column walk", lambda r: r.get("column_cpu"), opt_time("column_cpu"))
    add("  master CPU per single-column walk", lambda r: r.get("column_master_cpu"),
        opt_time("column_master_cpu", "n/a"))
    # (c) serves no deprecated table; the others skip these walks where they skip full walks.
    def view_time(name):
        return lambda r: (fmt_time(r[name]) if r.get(name) is not None else
                          "n/a" if r is results.get("c") else skipped)

    for name, _, table in VIEW_WALKS:
        add(f"{table} walk (deprecated, a view in ipmibd)", lambda r, n=name: r.get(n), view_time(name))
        add(f"  varbinds per {table} walk", lambda r, n=name: r.get(n + "_rows"),
            lambda r, n=name: str(r[n + "_rows"]) if r.get(n + "_rows") is not None else "-")
        add(f"  agent CPU per {table} walk", lambda r, n=name: r.get(n + "_cpu"), opt_time(name + "_cpu"))
        add(f"  master CPU per {table} walk", lambda r, n=name: r.get(n + "_master_cpu"),
            opt_time(name + "_master_cpu", "n/a"))
    add("GET p50", get("get", "p50"), lambda r: fmt_latency(r.get("get"), "p50"))
    add("GET p99", get("get", "p99"), lambda r: fmt_latency(r.get("get"), "p99"))
    add(f"GET p50 under ~{args.churn_rate} changes/s", get("get_churn", "p50"),
        lambda r: fmt_latency(r.get("get_churn"), "p50"))
    add(f"GET p99 under ~{args.churn_rate} changes/s", get("get_churn", "p99"),
        lambda r: fmt_latency(r.get("get_churn"), "p99"))
    def visible(field):
        return lambda r: (r["visible_note"] if r.get("visible_note") and not (r.get("visible") or {}).get("n") else
                          fmt_latency(r.get("visible"), field, "ms") if r.get("visible") else "n/a")

    add("change -> visible p50 (under churn)", get("visible", "p50"), visible("p50"))
    add("change -> visible p99 (under churn)", get("visible", "p99"), visible("p99"))

    def notified(field):
        def text(r):
            stat = r.get("notify")
            if not stat:
                return "n/a"
            lost = f" ({stat['failures']} of {stat['n'] + stat['failures']} lost)" if stat["failures"] else ""
            return fmt_latency(stat, field) + lost
        return text
    add("change -> notification p50", get("notify", "p50"), notified("p50"))
    add("change -> notification p99", get("notify", "p99"), notified("p99"))
    add("createAndGo SET p50", get("set", "p50"),
        lambda r: (fmt_latency(r.get("set"), "p50") if r["set"]["n"] else "refused") if r.get("set") else
        ("n/a" if "rss" in r else "-"))
    add("resident memory (serving process; b, d, e: every view served)", lambda r: r.get("rss"),
        lambda r: f"{r['rss'] / 2**20:.1f} MB" if r.get("rss") is not None else "-")

    def per_route(k):
        r = results[k]
        return (r["rss"] - baseline[k]) / routes if baseline.get(k) is not None and r.get("rss") else None

    metric_rows.append(("  bytes per route above empty table (b, d, e: incl. every view)", {k: per_route(k) for k in systems},
                        {k: (f"{per_route(k):.0f}" if per_route(k) is not None else "-") for k in systems}))
    ratios = [(n, x, y) for n, x, y in (("b/c", "b", "c"), ("a/d", "a", "d"), ("b/d", "b", "d"), ("a/e", "a", "e"),
                                        ("b/e", "b", "e"), ("d/e", "d", "e"))
              if x in systems and y in systems]
    print()
    print(f"ipmibd agent benchmark: {routes} routes ({rows4} IPv4 + {rows6} IPv6 rows incl. multipath next "
          f"hops), {args.neighbors} neighbors; load average before/after: {loads[0]} / {loads[1]}")
    header = ["figure"] + [f"({k}) {NAMES[k]}" for k in systems] + [r[0] for r in ratios]
    table = [header]
    for label, raw, text in metric_rows:
        row = [label] + [text[k] for k in systems]
        for _, x, y in ratios:
            vx, vy = raw.get(x), raw.get(y)
            row.append(f"{vx / vy:.2f}" if isinstance(vx, (int, float)) and isinstance(vy, (int, float)) and vy
                       else "")
        table.append(row)
    print_markdown(table)
    churn = {k: f"{results[k].get('churn_rate', 0):.0f}" for k in systems}
    print(f"\nachieved churn (changes/s): {churn}; ratios are column x / column y (times, latencies, memory)")
    ipmibd = [k for k in systems if k in IPMIBD_SERVERS and per_route(k) is not None]
    if ipmibd:
        # ipmibd serves every deprecated table (ipAddrTable, ipNetToMediaTable, ipRouteTable,
        # ipCidrRouteTable, ...) as a view of the current tables' rows: nothing is stored per route for
        # them, and the RSS is taken after walks of inetCidrRouteTable, ipCidrRouteTable and ipRouteTable.
        figures = ", ".join(f"({k}) {per_route(k):.0f} B" for k in ipmibd)
        print(f"memory per route with every view served (RSS after walking inetCidrRouteTable, ipCidrRouteTable "
              f"and ipRouteTable; (e): snmpd's): {figures}; target <= 200 B at 100k routes")
    for k in systems:
        cold, warm = results[k].get("varbinds"), results[k].get("warm_varbinds")
        if cold is not None and warm is not None and cold != warm:
            print(f"NOTE ({k}): the cold walk returned {cold} varbinds, the warm one {warm}: the cold walk met a "
                  "table still loading")
    if "e" in systems:
        print_targets(results, {k: per_route(k) for k in systems})


def print_targets(results, per_route):
    """The in-process module's targets (issue 16), each with its figure and verdict."""
    e = results["e"]
    checks = []

    def ratio(name, other, figure, target):
        x, y = results.get(other, {}).get(figure), e.get(figure)
        if x is None or y is None or not y:
            checks.append((name, "not measured", "-"))
        else:
            checks.append((name, f"{x / y:.2f}x (target >= {target}x)", "met" if x / y >= target else "MISSED"))

    ratio("warm walk: in-process vs native (a/e)", "a", "warm", 1.5)
    ratio("warm walk: in-process vs AgentX (b/e)", "b", "warm", 10)
    ratio("cold walk: in-process vs native (a/e)", "a", "cold", 5)
    if per_route.get("e") is None:
        checks.append(("snmpd's RSS growth per route (e)", "not measured", "-"))
    else:
        checks.append(("snmpd's RSS growth per route (e)", f"{per_route['e']:.0f} B (target <= 200 B)",
                       "met" if per_route["e"] <= 200 else "MISSED"))
    probe = e.get("probe") or {}
    for name, label in (("startup", "start-up"), ("flood_add", "route-add flood"), ("flood_del", "route-delete flood")):
        stat = probe.get(name)
        if not stat or "p99" not in stat:
            checks.append((f"probe p99 during {label}", "not measured", "-"))
        else:
            ok = stat["p99"] <= 50 and stat["lost"] == 0
            first = f", first answer {fmt_time(stat['first'])} after spawn" if name == "startup" else ""
            checks.append((f"probe p99 during {label}", f"{stat['p99']:.1f} ms, max {stat['max']:.1f} ms, "
                           f"lost {stat['lost']} after the first answer{first} (target p99 <= 50 ms)",
                           "met" if ok else "MISSED"))
    print()
    print_markdown([["in-process target", "figure", "verdict"]] + [list(c) for c in checks])


def systems_probed(args, results):
    return [k for k in args.systems if results.get(k, {}).get("probe")]


def print_probe(key, probe, flood_count):
    """The responsiveness probe's figures for one system."""
    rows = [[f"({key}) responsiveness probe: GET sysUpTime.0+ifDescr.1 every 10 ms", "sent", "answered",
             "lost before first answer", "lost after", "p50", "p99", "max", "longest stall", "notes"]]
    labels = {"startup": "start-up (agent spawned -> inetCidrRouteNumber.0 full)",
              "flood_add": f"ip -batch of {flood_count} IPv6 route adds", "flood_del": f"... and of their {flood_count} deletes"}
    for name in ("startup", "flood_add", "flood_del"):
        stat = probe.get(name)
        if not stat:
            continue
        ms = lambda v: "-" if v is None else (f"{v:.1f} ms" if v < 1000 else f"{v / 1000:.2f} s")
        if name == "startup":
            notes = (f"first answer {fmt_time(stat['first'])} after spawn; full count "
                     + (fmt_time(stat["full"]) if stat.get("full") is not None else "never") + " after spawn")
        else:
            notes = f"ip -batch took {fmt_time(stat['ip_seconds'])}"
            if key != "a":  # Debian's snmpd shows the flood only when its 60-s cache expires
                notes += ("; inetCidrRouteNumber.0 caught up "
                          + (fmt_time(stat["caught_up"]) if stat.get("caught_up") is not None else "NOT within 120 s")
                          + " after ip exited")
        if stat["errors"]:
            notes += f"; {stat['errors']} error answers"
        rows.append([labels[name], str(stat["sent"]), str(stat["answered"]), str(stat["lost_before_first"]),
                     str(stat["lost"]), ms(stat.get("p50")),
                     ms(stat.get("p99")), ms(stat.get("max")), ms(stat["stall"]), notes])
    print()
    print("lost = no answer within 1 s of its send; before the first answer the agent may not have opened its "
          "port yet; latencies over every answer; longest stall = longest time between two answers"
          + ("; ipmibd -S serves no IF-MIB: (d) answers ifDescr.1 with noSuchObject" if key == "d" else ""))
    print_markdown(rows)


def disabled_modules():
    """The snmpd modules a master beside ipmibd runs without (-I -LIST): its own IP-MIB tables."""
    return subprocess.run(
        ["bash", "-c", f". {ROOT}/conf/snmpd-disabled-modules.sh; echo $IPMIBD_SNMPD_DISABLED_MODULES"],
        capture_output=True, text=True, check=True).stdout.strip()


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    snmpd = subprocess.run(["snmpd", "-v"], capture_output=True, text=True).stdout
    version = next((l.split(":", 1)[1].strip() for l in snmpd.splitlines() if "version" in l.lower()), "?")
    return f"{os.cpu_count()} x {cpu}, kernel {os.uname().release}, Net-SNMP snmpd {version}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", type=int, default=10000)
    parser.add_argument("--neighbors", type=int, default=1000)
    parser.add_argument("--systems", default="a,b,c,d,e")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the systems in turn; best figures kept")
    parser.add_argument("--quick", action="store_true", help="fewer samples, no 60-s reload walk")
    parser.add_argument("--churn-rate", type=int, default=1000)
    parser.add_argument("--large", action="store_true",
                        help="for 1M routes: AgentX systems and Debian's snmpd walk one column only (full walks "
                             "through the AgentX hop take ~15 min each), one warm walk, 10 SETs; start-up capped")
    parser.add_argument("--startup-cap", type=float, default=None,
                        help="seconds to wait for a full answer after start (default 600, 120 with --large); "
                             "a system that needs longer is reported as '> N s' and not measured further")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--interleave", type=int, default=0, metavar="K",
                        help="with b and c: afterwards run both side by side and alternate K single-column "
                             "walks (and K/2 full walks unless --large) of each; prints min and median")
    parser.add_argument("--ipv4-only", action="store_true",
                        help="every route an IPv4 /32 in 10.0.0.0/8 (default: 80 %% IPv4, 20 %% IPv6)")
    parser.add_argument("--flood", type=int, default=100000, metavar="N",
                        help="(e)'s responsiveness probe: route adds (then deletes) in one ip -batch (0: no flood)")
    parser.add_argument("--no-probe", action="store_true", help="skip the responsiveness probe")
    parser.add_argument("--debug", metavar="TOKENS",
                        help="(e): snmpd -DTOKENS, e.g. ipmibd:slice (slices over 4x their budget; with --keep-work)")
    parser.add_argument("--keep-work", action="store_true", help="keep the work directory (the agents' logs)")
    parser.add_argument("--probe-only", action="store_true",
                        help="only the responsiveness probe of --probe-systems (no walks, churn or memory figures)")
    parser.add_argument("--probe-systems", default="e",
                        help="systems probed for responsiveness (default e; d,e adds standalone ipmibd as the control)")
    parser.add_argument("--no-views", action="store_true",
                        help="skip the walks of the deprecated ipCidrRouteTable and ipRouteTable (the longest "
                             "part of (b)'s run at 100k routes); RSS then excludes what serving them costs")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON (for plot_walks.py)")
    parser.add_argument("--pin", type=int, default=None, metavar="CPU",
                        help="run the agents and the measuring clients on this one CPU (taskset)")
    args = parser.parse_args()
    if args.startup_cap is None:
        args.startup_cap = 120.0 if args.large else 600.0
    args.systems = list(dict.fromkeys(s.strip() for s in args.systems.split(",") if s.strip()))
    if any(s not in NAMES for s in args.systems):
        parser.error("--systems takes a comma-separated subset of a,b,c,d,e")
    if args.pin is not None:
        if args.pin not in os.sched_getaffinity(0):
            parser.error(f"--pin {args.pin}: no such CPU available")
        PIN[:] = ["taskset", "-c", str(args.pin)]
    args.ipmibd = os.path.join(args.build_dir, "agent", "daemon", "ipmibd")
    args.minimal = os.path.join(args.build_dir, "tests", "bench", "minimal_subagent")
    args.client = os.path.join(args.build_dir, "tests", "bench", "bench_client")
    args.module = os.path.abspath(os.path.join(args.build_dir, "agent", "module", "ipmibd.so"))
    for path in (args.ipmibd, args.minimal, args.client):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: build the ipmibd, minimal_subagent, bench_client and ipmibd_module targets")
    if "e" in args.systems and not os.path.exists(args.module):
        sys.exit(f"missing {args.module}: build the ipmibd_module target")
    for tool in ("snmpd", "snmpbulkwalk", "snmpget", "ip"):
        if shutil.which(tool) is None:
            skip(f"{tool} not installed")
    if os.geteuid() != 0:
        skip("needs root for network namespaces")
    args.disabled = disabled_modules()

    work = tempfile.mkdtemp(prefix="ipmibd-bench.")
    os.makedirs(os.path.join(work, "persist"))
    ns = Namespace()
    try:
        print(f"machine: {machine()}")
        print(f"command: {' '.join(sys.argv)}")
        loads = [" ".join(f"{x:.2f}" for x in os.getloadavg())]
        build_links(work)
        baseline = {}
        for key in args.systems:
            baseline[key] = measure_empty(args, key, work)
        t = time.monotonic()
        rows4, rows6 = build_routes(work, args.routes, args.neighbors, args.ipv4_only)
        print(f"namespace built: {args.routes} routes, {args.neighbors} neighbors in {time.monotonic() - t:.1f} s")
        results = {}
        for round_number in range(args.rounds):
            for key in args.systems:
                print(f"round {round_number + 1}: measuring ({key}) {NAMES[key]} ...", end="", flush=True)
                t = time.monotonic()
                r = {} if args.probe_only else measure(args, key, work, rows4, rows6, args.routes)
                print(f" {time.monotonic() - t:.1f} s; load average {os.getloadavg()[0]:.2f}", flush=True)
                if key in args.probe_systems and not args.no_probe and round_number == 0:
                    print(f"({key}) responsiveness probe: start-up and route flood ...", end="", flush=True)
                    t = time.monotonic()
                    r["probe"] = measure_responsiveness(args, key, work, rows4, rows6)
                    r["probe_load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
                    print(f" {time.monotonic() - t:.1f} s", flush=True)
                previous = results.get(key)
                if previous is None:
                    results[key] = r
                else:  # keep the best of each figure
                    for name, v in r.items():
                        if isinstance(v, (int, float)) and name not in ("varbinds", "rss", "churn_rate"):
                            previous[name] = min(previous[name], v) if previous.get(name) is not None else v
        loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
        if args.interleave > 0 and "b" in args.systems and "c" in args.systems:
            print(f"interleaving (b) and (c): {args.interleave} walks each ...", flush=True)
            interleaved = measure_interleaved(args, work, rows4, rows6)
        else:
            interleaved = None
        if results:  # --rounds 0: the interleaved walks only
            if not args.probe_only:
                print_table(args, results, baseline, args.routes, rows4, rows6, loads)
            for key in systems_probed(args, results):
                print_probe(key, results[key]["probe"], args.flood)
                print(f"load average after the probe: {results[key]['probe_load']}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"routes": args.routes, "rows4": rows4, "rows6": rows6, "neighbors": args.neighbors,
                           "ipv4_only": args.ipv4_only, "large": args.large, "quick": args.quick,
                           "machine": machine(), "loads": loads, "date": time.strftime("%Y-%m-%d %H:%M"),
                           "names": NAMES, "baseline": baseline, "results": results}, f, indent=1)
        if interleaved:
            print_interleaved(interleaved)
    finally:
        ns.close()
        if args.keep_work:
            print(f"work directory kept (agent logs): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
