#!/usr/bin/env python3
"""Route-flap benchmark (issue 5): notifications and GET/GETNEXT latency while N routes are withdrawn and re-added.

One command builds a network namespace with N routes (agent_bench.py's layout: IPv4 and IPv6, some
multipath), an snmpd master (IP modules disabled) with `trap2sink` to a private snmptrapd, and
ipmibd (Linux backend, AgentX, notifications on, default notifyRate). It then deletes all N routes
with one `ip -batch` and adds them back with another, while a client thread sends GETs and GETNEXTs
back to back to the master, and prints: the notifications received (per-row ones and
ipmibdChangesCoalesced summaries, and whether per-row + summary counts add up to the rows
withdrawn / re-added), the GET and GETNEXT latency during the flap (p50 / p99 / max) next to the
same before it, and the time until inetCidrRouteNumber is back in sync after each batch.
Exits 1 when the counts do not add up or no notification arrived; 77 (skip) without root or tools.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # importing agent_bench must not leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agent_bench  # noqa: E402  (the namespace, links and route set-up are shared)

NUMBER = "1.3.6.1.2.1.4.24.6.0"  # inetCidrRouteNumber.0
COLUMN = "1.3.6.1.2.1.4.24.7.1.7"  # inetCidrRouteIfIndex
TRAPOID = ".1.3.6.1.6.3.1.1.4.1.0"
N = ".1.3.6.1.4.1.8072.9999.9999.42.0"  # ipmibdNotifications
C = ".1.3.6.1.4.1.8072.9999.9999.42.3"  # ipmibdNotify


def ber_length(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + ber_length(len(body)) + body


def ber_int(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def ber_oid(text):
    parts = [int(p) for p in text.strip(".").split(".")]
    out = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(chunk)
    return tlv(0x06, out)


def request_pdu(pdu_tag, request_id, oid):
    """An SNMPv2c message with one varbind (oid, NULL); hand-encoded so a request costs no process
    start-up and the client measures the agent, not Python's SNMP stack."""
    varbind = tlv(0x30, ber_oid(oid) + b"\x05\x00")
    pdu = tlv(pdu_tag, ber_int(request_id) + ber_int(0) + ber_int(0) + tlv(0x30, varbind))
    return tlv(0x30, ber_int(1) + tlv(0x04, b"public") + pdu)


def response_id(data):
    """The request-id of a response (the second INTEGER after the community); None if unparsable."""
    try:
        i = 0

        def header(i):
            tag, n = data[i], data[i + 1]
            i += 2
            if n & 0x80:
                k = n & 0x7F
                n = int.from_bytes(data[i:i + k], "big")
                i += k
            return tag, n, i

        _, _, i = header(0)  # message SEQUENCE
        _, n, i = header(i)  # version
        i += n
        _, n, i = header(i)  # community
        i += n
        _, _, i = header(i)  # PDU
        _, n, i = header(i)  # request-id
        return int.from_bytes(data[i:i + n], "big", signed=True)
    except IndexError:
        return None


class Prober(threading.Thread):
    """Alternating GET inetCidrRouteNumber.0 / GETNEXT inetCidrRouteIfIndex, back to back, one
    outstanding request; records (send time, kind, latency seconds or None for a timeout)."""

    def __init__(self, port, timeout=2.0):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect(("127.0.0.1", port))
        self.sock.settimeout(timeout)
        self.samples, self.stopped, self.timeout = [], threading.Event(), timeout

    def run(self):
        rid = 1000
        while not self.stopped.is_set():
            kind = "get" if rid % 2 == 0 else "getnext"
            msg = request_pdu(0xA0, rid, NUMBER) if kind == "get" else request_pdu(0xA1, rid, COLUMN)
            t0 = time.monotonic()
            self.sock.send(msg)
            latency = None
            deadline = t0 + self.timeout
            while True:
                try:
                    self.sock.settimeout(max(0.001, deadline - time.monotonic()))
                    data = self.sock.recv(65536)
                except socket.timeout:
                    break
                if response_id(data) == rid:
                    latency = time.monotonic() - t0
                    break
            self.samples.append((t0, kind, latency))
            rid += 1

    def stats(self, kind, start, end):
        values = sorted(lat if lat is not None else self.timeout
                        for t, k, lat in self.samples if k == kind and start <= t < end)
        lost = sum(1 for t, k, lat in self.samples if k == kind and start <= t < end and lat is None)
        if not values:
            return None
        return {"n": len(values), "p50": values[len(values) // 2],
                "p99": values[min(len(values) - 1, int(len(values) * 0.99))], "max": values[-1], "lost": lost,
                "slow": sum(1 for v in values if v > 0.1)}


def route_number(peer):
    value = agent_bench.snmpget(peer, NUMBER, 5)
    return int(value) if value and value.isdigit() else None


def wait_number(peer, expected, limit):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if route_number(peer) == expected:
            return time.monotonic()
        time.sleep(0.02)
    raise RuntimeError(f"inetCidrRouteNumber did not reach {expected} within {limit} s "
                       f"(last {route_number(peer)})")


def read_traps(path):
    with open(path, errors="replace") as f:
        return [line for line in f if TRAPOID in line]


def count(traps, kind, column):
    """(per-row notifications of ipmibdNotifications.kind, summaries' sum of ipmibdNotify.column)."""
    rows = sum(1 for t in traps if f"|{TRAPOID} {N}.{kind}|" in t)
    total = 0
    for t in traps:
        if f"|{TRAPOID} {N}.10|" in t and f"|{C}.10.0 1|" in t:  # inetCidrRouteTable summaries
            for field in t.split("|"):
                if field.startswith(f"{C}.{column}.0 "):
                    total += int(field.split()[1])
    return rows, total


def summaries(traps):
    return sum(1 for t in traps if f"|{TRAPOID} {N}.10|" in t)


def wait_counts(trap_file, since, kind, column, expected, limit=60):
    t0 = time.monotonic()
    while True:
        traps = read_traps(trap_file)[since:]
        rows, total = count(traps, kind, column)
        if rows + total >= expected or time.monotonic() - t0 > limit:
            return traps, rows, total
        time.sleep(0.1)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--routes", type=int, default=500000)
    parser.add_argument("--build-dir", default=os.path.join(agent_bench.ROOT, "build"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, traps)")
    args = parser.parse_args()
    ipmibd = os.path.join(args.build_dir, "agent", "daemon", "ipmibd")
    if not os.path.exists(ipmibd):
        agent_bench.skip(f"{ipmibd} not built")
    for tool in ("snmpd", "snmptrapd", "snmpget", "ip"):
        if shutil.which(tool) is None:
            agent_bench.skip(f"{tool} not installed")
    disabled = subprocess.run(
        ["bash", "-c", f". {agent_bench.ROOT}/conf/snmpd-disabled-modules.sh; echo $IPMIBD_SNMPD_DISABLED_MODULES"],
        capture_output=True, text=True).stdout.strip()

    work = tempfile.mkdtemp(prefix="ipmibd-flap-")
    ns = agent_bench.Namespace()
    procs = []
    env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(work, "persist"), MIBS="")

    def spawn(cmd, log):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, log), "a"), env=env)
        procs.append(p)
        return p

    try:
        agent_bench.build_links(work)
        started = time.monotonic()
        rows4, rows6 = agent_bench.build_routes(work, args.routes, 0)
        rows = rows4 + rows6
        print(f"{args.routes} routes ({rows} inetCidrRouteTable rows) added in "
              f"{time.monotonic() - started:.1f} s; load average {os.getloadavg()[0]:.2f}", flush=True)
        with open(os.path.join(work, "routes.batch")) as f:
            dels = [" ".join(line.split()[:3]).replace("route add", "route del") for line in f
                    if line.startswith("route add")]
        with open(os.path.join(work, "del.batch"), "w") as f:
            f.write("\n".join(dels) + "\n")

        tport, port = agent_bench.free_port(), agent_bench.free_port()
        trap_file = os.path.join(work, "traps.log")
        with open(os.path.join(work, "snmptrapd.conf"), "w") as f:
            f.write("disableAuthorization yes\n")
        spawn(["snmptrapd", "-f", "-C", "-c", os.path.join(work, "snmptrapd.conf"), "-Lf", trap_file, "-On", "-Oe",
               "-Oq", "-OU", "-Ot", "-F", "%V|%v\n", f"udp:127.0.0.1:{tport}"], "stderr.log")
        sock = os.path.join(work, "agentx.sock")
        with open(os.path.join(work, "snmpd.conf"), "w") as f:
            f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\n"
                    f"rocommunity public 127.0.0.1\ntrap2sink 127.0.0.1:{tport} public\n")
        peer = f"udp:127.0.0.1:{port}"
        spawn(["snmpd", "-f", "-C", "-c", os.path.join(work, "snmpd.conf"), "-I", "-" + disabled,
               "-Lf", os.path.join(work, "snmpd.log"), peer], "stderr.log")
        for _ in range(200):
            if os.path.exists(sock) and agent_bench.snmpget(peer, "1.3.6.1.2.1.1.3.0", 0.1) is not None:
                break
            time.sleep(0.05)
        with open(os.path.join(work, "ipmibd.conf"), "w") as f:
            f.write("backend linux\nnotifications on\n")
        spawn([ipmibd, "-f", "-C", "-c", os.path.join(work, "ipmibd.conf"), "-x", sock,
               "-Lf", os.path.join(work, "ipmibd.log")], "stderr.log")
        deadline = time.monotonic() + 600
        full = None
        while time.monotonic() < deadline:
            full = route_number(peer)
            if full is not None and full >= rows:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("ipmibd did not serve the routes")
        time.sleep(1.5)  # let start-up settle (no notifications for the initial rows)
        base = full - rows

        prober = Prober(port)
        prober.start()
        time.sleep(2.0)
        before = read_traps(trap_file)
        idle = (time.monotonic() - 2.0, time.monotonic())

        t_del = time.monotonic()
        agent_bench.run(["ip", "-batch", os.path.join(work, "del.batch")])
        t_del_done = time.monotonic()
        t_del_sync = wait_number(peer, base, 300)
        traps_del, rows_del, sum_del = wait_counts(trap_file, len(before), 3, 13, rows)
        time.sleep(1.5)  # a quiet second between withdraw and re-add
        mid = read_traps(trap_file)

        t_add = time.monotonic()
        agent_bench.run(["ip", "-batch", os.path.join(work, "routes.batch")])
        t_add_done = time.monotonic()
        t_add_sync = wait_number(peer, full, 300)
        traps_add, rows_add, sum_add = wait_counts(trap_file, len(mid), 1, 11, rows)
        t_end = time.monotonic()
        time.sleep(1.5)
        prober.stopped.set()
        prober.join()
        traps_del = read_traps(trap_file)[len(before):len(mid)]
        traps_add = read_traps(trap_file)[len(mid):]
        rows_del, sum_del = count(traps_del, 3, 13)
        rows_add, sum_add = count(traps_add, 1, 11)
        _, changed_del = count(traps_del, 2, 12)
        _, changed_add = count(traps_add, 2, 12)

        print(f"load average {os.getloadavg()[0]:.2f} (2 cores, shared)")
        print(f"{'phase':<10} {'ip -batch':>10} {'in sync':>10} {'notif.':>7} {'per-row':>8} {'summaries':>10} "
              f"{'coalesced':>10} {'sum ok':>7}")
        ok = True
        for name, t0, done, sync, traps, nrows, total, changed in (
                ("withdraw", t_del, t_del_done, t_del_sync, traps_del, rows_del, sum_del, changed_del),
                ("re-add", t_add, t_add_done, t_add_sync, traps_add, rows_add, sum_add, changed_add)):
            adds_up = nrows + total == rows
            ok = ok and adds_up and len(traps) > 0
            print(f"{name:<10} {done - t0:>8.2f} s {sync - t0:>8.2f} s {len(traps):>7} {nrows:>8} "
                  f"{summaries(traps):>10} {total:>10} {'yes' if adds_up else 'NO':>7}"
                  + (f"  (+{changed} changed)" if changed else ""))
        print(f"rows per phase: {rows}")
        print(f"{'latency':<22} {'n':>7} {'p50':>9} {'p99':>9} {'max':>9} {'>100ms':>7} {'lost':>5}")
        for kind in ("get", "getnext"):
            for label, (a, b) in (("idle", idle), ("flap", (t_del, t_end))):
                s = prober.stats(kind, a, b)
                if s:
                    print(f"{kind.upper() + ' ' + label:<22} {s['n']:>7} {ms(s['p50']):>9} {ms(s['p99']):>9} "
                          f"{ms(s['max']):>9} {s['slow']:>7} {s['lost']:>5}")
        if not ok:
            print("FAIL: no notification, or per-row + summary counts do not add up to the rows")
            return 1
        return 0
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        ns.close()
        if args.keep:
            print(f"work directory: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
