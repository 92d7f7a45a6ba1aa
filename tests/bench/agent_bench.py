#!/usr/bin/env python3
"""Agent benchmark: Debian's snmpd, ipmibd over AgentX, a minimal AgentX subagent and ipmibd standalone.

One command builds a network namespace with N routes (IPv4 and IPv6, some multipath) and M
neighbors, then measures the systems one after the other in the same run (alternating them when
--rounds > 1) and prints a table of absolute figures and ratios:
  a  Debian's snmpd serving the tables natively (its own private port and configuration)
  b  an snmpd master (IP modules disabled) + ipmibd over AgentX (Linux backend)
  c  the same master + tests/bench/minimal_subagent.c: a synthetic table of the same row count and
     index shapes, O(log n) lookups, nothing else: the floor of the AgentX path
  d  ipmibd -S: standalone, Net-SNMP's master agent in ipmibd's own process
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
import os
import random
import shutil
import signal
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
}


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


def ip_batch(lines, work, name):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    run(["ip", "-batch", path])


def build_links(work):
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
    ], work, "links.batch")


def build_routes(work, routes, neighbors):
    """Adds the routes and neighbors; returns (IPv4 rows, IPv6 rows) ipmibd will serve for them."""
    n4 = min(routes - routes // 5, IPV4_CAPACITY)
    n6 = routes - n4
    lines, extra4, extra6 = [], 0, 0
    for i in range(n4):
        a = 0xC6120000 + i  # 198.18.0.0 + i
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
    ip_batch(lines, work, "routes.batch")
    return n4 + extra4, n6 + extra6


# The tests' port picker (tests/agent/netns_lab.py): below the ephemeral range, so that no client
# started meanwhile (ctest runs the smoke beside other tests) takes the port before the agent binds it.
sys.path.insert(0, os.path.join(ROOT, "tests", "agent"))
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

    def _spawn(self, cmd, log):
        env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(self.work, "persist"))
        p = subprocess.Popen(PIN + cmd, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.work, log), "a"),
                             env=env)
        self.procs.append(p)
        return p

    def _master(self):
        sock = os.path.join(self.work, f"agentx-{self.key}.sock")
        conf = os.path.join(self.work, f"master-{self.key}.conf")
        with open(conf, "w") as f:
            f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\n"
                    "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n"
                    f"trap2sink 127.0.0.1:{self.trap_port} public\n")
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
            f.write("backend linux\nwriteAccess inetCidrRouteTable\n")
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


def walk(system, oid, keep=None):
    """(seconds, varbinds, server CPU seconds, master CPU seconds) of one snmpbulkwalk -Cr50."""
    cpu0 = cpu_seconds([system.server.pid])
    master0 = cpu_seconds([system.master.pid]) if system.master else 0
    t0 = time.monotonic()
    # One request may meet a native snmpd's whole-table reload (tens of seconds at 100k routes).
    r = subprocess.run(PIN + ["snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oq", "-Cr50", "-t", "300", "-r", "0",
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
        if key != "c":  # the same code paths as the measured run: the views are walked there too
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
    full_walks = not args.large or key == "d"
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
        else:
            r["column_cold"], _, _, _ = walk(system, COLUMN)
        r["column"], r["column_rows"], r["column_cpu"], r["column_master_cpu"] = walk(system, COLUMN,
                                                                                      keep=column_file)
        if full_walks and key != "c":
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
            if key in "bd":
                r["visible"] = client(args, system, "visible", 20 if args.quick else 200, 2000)
            elif key == "a":  # its 60-s cache: a change is not seen within a second
                r["visible"] = client(args, system, "visible", 2, 1000)
                r["visible_note"] = "none in 1 s"

        r["churn_rate"] = churn.achieved
        if key in "bd":
            # ipmibd's own change notifications (ipmibdRouteAdded), behind the master through its
            # trap2sink, standalone through ipmibd.conf's; Debian's snmpd and (c) send none. The
            # churn above put ipmibd's notifications in storm mode (counted, not sent per row),
            # which ends after a second of at most notifyRate changes.
            time.sleep(2.5)
            r["notify"] = client(args, system, "notify", 20 if args.quick or args.large else 100, system.trap_port,
                                 2000)
        if key != "c":
            # Each destroy after a timed create re-reads the route table (about 1 s at 1M routes).
            r["set"] = client(args, system, "set", 10 if args.quick or args.large else 100, community="private")
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
    add("resident memory (serving process; b, d: every view served)", lambda r: r.get("rss"),
        lambda r: f"{r['rss'] / 2**20:.1f} MB" if r.get("rss") is not None else "-")

    def per_route(k):
        r = results[k]
        return (r["rss"] - baseline[k]) / routes if baseline.get(k) is not None and r.get("rss") else None

    metric_rows.append(("  bytes per route above empty table (b, d: incl. every view)", {k: per_route(k) for k in systems},
                        {k: (f"{per_route(k):.0f}" if per_route(k) is not None else "-") for k in systems}))
    ratios = [(n, x, y) for n, x, y in (("b/c", "b", "c"), ("a/d", "a", "d"), ("b/d", "b", "d"))
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
    ipmibd = [k for k in systems if k in "bd" and per_route(k) is not None]
    if ipmibd:
        # ipmibd serves every deprecated table (ipAddrTable, ipNetToMediaTable, ipRouteTable,
        # ipCidrRouteTable, ...) as a view of the current tables' rows: nothing is stored per route for
        # them, and the RSS is taken after walks of inetCidrRouteTable, ipCidrRouteTable and ipRouteTable.
        figures = ", ".join(f"({k}) {per_route(k):.0f} B" for k in ipmibd)
        print(f"memory per route with every view served (RSS after walking inetCidrRouteTable, ipCidrRouteTable "
              f"and ipRouteTable): {figures}; target <= 200 B at 100k routes")


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
    parser.add_argument("--systems", default="a,b,c,d")
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
    parser.add_argument("--pin", type=int, default=None, metavar="CPU",
                        help="run the agents and the measuring clients on this one CPU (taskset)")
    args = parser.parse_args()
    if args.startup_cap is None:
        args.startup_cap = 120.0 if args.large else 600.0
    args.systems = list(dict.fromkeys(s.strip() for s in args.systems.split(",") if s.strip()))
    if any(s not in NAMES for s in args.systems):
        parser.error("--systems takes a comma-separated subset of a,b,c,d")
    if args.pin is not None:
        if args.pin not in os.sched_getaffinity(0):
            parser.error(f"--pin {args.pin}: no such CPU available")
        PIN[:] = ["taskset", "-c", str(args.pin)]
    args.ipmibd = os.path.join(args.build_dir, "agent", "ipmibd")
    args.minimal = os.path.join(args.build_dir, "tests", "bench", "minimal_subagent")
    args.client = os.path.join(args.build_dir, "tests", "bench", "bench_client")
    for path in (args.ipmibd, args.minimal, args.client):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: build the ipmibd, minimal_subagent and bench_client targets")
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
        rows4, rows6 = build_routes(work, args.routes, args.neighbors)
        print(f"namespace built: {args.routes} routes, {args.neighbors} neighbors in {time.monotonic() - t:.1f} s")
        results = {}
        for round_number in range(args.rounds):
            for key in args.systems:
                print(f"round {round_number + 1}: measuring ({key}) {NAMES[key]} ...", flush=True)
                r = measure(args, key, work, rows4, rows6, args.routes)
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
            print_table(args, results, baseline, args.routes, rows4, rows6, loads)
        if interleaved:
            print_interleaved(interleaved)
    finally:
        ns.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
