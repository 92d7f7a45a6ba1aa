# netns_lab.py: helpers for the agent integration tests in Python: throw-away network namespaces, background processes, a minimal SNMPv2c GET client and a parser for Net-SNMP walk output.
"""Everything here cleans up after itself: Lab.close() (also run by atexit and on SIGTERM/SIGINT)
kills the processes it started (by pid), deletes the namespaces it created and removes its
temporary directory."""

import atexit
import ctypes
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


class LabError(Exception):
    pass


def run(cmd, check=True, timeout=20, **kw):
    """Runs a command (list), returns CompletedProcess with text stdout/stderr."""
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and res.returncode != 0:
        raise LabError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
    return res


class Netns:
    """Enters a named namespace for the calling thread while in the `with` block: sockets
    created inside stay in that namespace afterwards."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self._orig = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                raise LabError(f"setns({self.name}): {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        try:
            if _libc.setns(self._orig, CLONE_NEWNET) != 0:
                raise LabError("setns back to the original namespace failed")
        finally:
            os.close(self._orig)


class Lab:
    """A set of namespaces with a unique prefix, background processes and a temp directory."""

    def __init__(self, tag):
        # Interface-name-sized, unique per run: pid + random suffix (parallel ctest runs).
        self.prefix = f"{tag}{os.getpid() % 100000}{secrets.token_hex(2)}"
        self.dir = tempfile.mkdtemp(prefix=f"ipmibd-{tag}.")
        self.namespaces = []
        self.procs = []
        self.inproc_snmpd = None  # start_master's snmpd, started by start_ipmibd (in-process)
        self._closed = False
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, _frame):
        self.close()
        os._exit(128 + signum)

    def path(self, name):
        return os.path.join(self.dir, name)

    def netns(self, suffix):
        name = f"{self.prefix}{suffix}"
        run(["ip", "netns", "add", name])
        self.namespaces.append(name)
        self.ip(name, "link", "set", "lo", "up")
        return name

    def ip(self, ns, *args, check=True):
        return run(["ip", "-n", ns, *args], check=check)

    def test_link(self, ns, ipv6):
        """The veth pair d0/d1 in ns, both up, IPv6 DAD off (addresses usable at once), with
        192.0.2.10/24 and `ipv6` on d0 (the Python side of testlib.sh's test_link); returns d0's
        ifIndex."""
        self.exec_in(ns, ["sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"])
        for cmd in (["link", "add", "d0", "type", "veth", "peer", "name", "d1"], ["link", "set", "d1", "up"],
                    ["link", "set", "d0", "up"], ["addr", "add", "192.0.2.10/24", "dev", "d0"],
                    ["addr", "add", ipv6, "dev", "d0", "nodad"]):
            self.ip(ns, *cmd)
        return json.loads(self.ip(ns, "-j", "link", "show", "d0").stdout)[0]["ifindex"]

    def exec_in(self, ns, cmd, **kw):
        return run(["ip", "netns", "exec", ns, *cmd], **kw)

    def spawn(self, cmd, log, env=None):
        out = open(self.path(log), "ab")
        # SIGKILL the child if the test dies without cleaning up (e.g. killed by a ctest timeout);
        # kept across exec (`ip netns exec` execs the command in the same process).
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True,
                             preexec_fn=lambda: _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL))
        out.close()
        self.procs.append(p)
        return p

    def stop(self, proc, timeout=5):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)

    def log_tail(self, name, lines=30):
        try:
            with open(self.path(name), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def close(self):
        if self._closed:
            return
        self._closed = True
        for p in reversed(self.procs):
            try:
                self.stop(p)
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
        for ns in reversed(self.namespaces):
            # Kill anything still living in the namespace (only processes we started can be
            # there: the namespace name is unique to this run), then delete it.
            res = run(["ip", "netns", "pids", ns], check=False)
            for pid in res.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run(["ip", "netns", "del", ns], check=False)
        if os.environ.get("IPMIBD_KEEP_TMP"):
            print(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise LabError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ---- ICMP echo (there is no ping binary on the test hosts) ------------------------------------
_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def ipmibd_argument(doc, tools):
    """The ipmibd path, the script's one argument; otherwise exits 2 with the usage (doc). Exits 77,
    ctest's SKIP code, when not root (network namespaces) or when one of `tools` is not installed."""
    if len(sys.argv) != 2:
        print(doc)
        sys.exit(2)
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)")
        sys.exit(77)
    for tool in tools:
        if not shutil.which(tool):
            print(f"SKIP: {tool} not installed")
            sys.exit(77)
    return os.path.abspath(sys.argv[1])


class Checks:
    """The named checks of one test run: `check(what, ok, detail)` prints each as ok or FAIL (with the
    detail) and keeps the failed ones in `failures` for the verdict."""

    def __init__(self):
        self.failures = []

    def __call__(self, what, ok, detail=""):
        print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
        if not ok:
            self.failures.append(what)


def report_failure(lab, message, logs=("ipmibd.log", "master.log"), lines=30):
    """Prints message and the tail of each log in the lab directory; returns 1 (the exit code)."""
    print(message)
    for log in logs:
        print(f"--- {log}\n{lab.log_tail(log, lines)}")
    return 1


def free_udp_port():
    """A loopback UDP port free right now, for an agent that binds it a moment later.

    Drawn below the kernel's ephemeral range (ip_local_port_range): a port the kernel handed out
    for an ephemeral bind could be handed out again, between our close and the agent's bind, to
    one of the many SNMP clients that the tests running beside this one start."""
    low = 20000
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            high = int(f.read().split()[0]) - 1
    except (OSError, ValueError, IndexError):
        high = 32767
    if high <= low:
        low, high = 1024, max(high, 1025)
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randint(low, high)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise LabError("no free UDP port below the ephemeral range")


def snmpd_disabled_modules():
    """Debian snmpd's own IP-MIB modules, as conf/snmpd-disabled-modules.sh lists them for -I."""
    res = run(["bash", "-c", f". {_ROOT}/conf/snmpd-disabled-modules.sh; echo $IPMIBD_SNMPD_DISABLED_MODULES"])
    return res.stdout.strip()


# IPMIBD_AGENT_MODE=inproc (default agentx) runs the same tests against ipmibd in-process: one snmpd
# that loads IPMIBD_MODULE (`dlmod ipmibd PATH`) and reads ipmibd.conf from an SNMPCONFPATH
# directory. start_master / start_ipmibd hide the difference; daemon_only() guards the rest.
AGENT_MODE = os.environ.get("IPMIBD_AGENT_MODE", "agentx")
if AGENT_MODE not in ("agentx", "inproc"):
    raise SystemExit(f"FAIL: IPMIBD_AGENT_MODE is agentx or inproc, not {AGENT_MODE!r}")
# AgentX lines an ipmibd.conf may hold for the daemon; in-process they are errors (snmpd.conf's).
_AGENTX_ONLY = re.compile(r"^\s*agentx(PingInterval|Socket|Timeout|Retries)\b", re.IGNORECASE)


def inproc():
    return AGENT_MODE == "inproc"


def daemon_only(what):
    """True with the daemon (agentx); in-process prints why `what` is skipped and returns False."""
    if inproc():
        print(f"SKIPPED (inproc): {what}")
    return not inproc()


def ipmibd_module():
    path = os.environ.get("IPMIBD_MODULE", "")
    if not os.path.isfile(path):
        raise LabError("IPMIBD_AGENT_MODE=inproc needs IPMIBD_MODULE=PATH/ipmibd.so")
    return os.path.abspath(path)


def start_master(lab, extra_conf="", log="master", ns=None, port=None, env=None):
    """A private snmpd master on 127.0.0.1:port (a free one by default; inside namespace ns if
    given; community public, more lines in extra_conf) with its IP modules disabled and its AgentX
    socket in the lab directory; returns (port, socket, process) once the socket exists. Logs to
    LOG.log in the lab directory. In-process only writes its configuration (with the dlmod line)
    and returns (port, None, None): start_ipmibd starts that snmpd."""
    port = port or free_udp_port()
    sock = lab.path("agentx.sock")
    conf = lab.path(f"{log}.conf")
    cmd = ["snmpd", "-f", "-Lf", lab.path(f"{log}.log"), "-C", "-c", conf, "-I", "-" + snmpd_disabled_modules(),
           "-p", lab.path(f"{log}.pid"), f"udp:127.0.0.1:{port}"]
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    with open(conf, "w") as f:
        if inproc():
            f.write(f"rocommunity public 127.0.0.1\n{extra_conf}\ndlmod ipmibd {ipmibd_module()}\n")
            lab.inproc_snmpd = (cmd, log, env)
            return port, None, None
        f.write(f"master agentx\nagentXSocket {sock}\nagentXPerms 0600 0700\n"
                f"rocommunity public 127.0.0.1\n{extra_conf}")
    master = lab.spawn(cmd, f"{log}.out", env=env)
    wait_for(lambda: os.path.exists(sock) or master.poll() is not None, 10, what="the AgentX socket")
    if master.poll() is not None:
        raise LabError("master snmpd exited:\n" + lab.log_tail(f"{log}.log"))
    return port, sock, master


def start_ipmibd(lab, ipmibd, conf_text, sock, env=None):
    """ipmibd in the foreground with ipmibd.conf = conf_text, connecting to the master at sock;
    logs to ipmibd.log in the lab directory. In-process: starts start_master's snmpd, logging to
    ipmibd.log, with conf_text (less its AgentX lines) as the ipmibd.conf of its SNMPCONFPATH, and
    returns snmpd's process (env's LD_PRELOAD, meant for ipmibd alone, is not passed on)."""
    conf = lab.path("ipmibd.conf")
    if inproc():
        lines = conf_text.splitlines(keepends=True)
        for line in lines:
            if _AGENTX_ONLY.match(line):
                print(f"inproc: AgentX-only line dropped from ipmibd.conf: {line.strip()}")
        os.makedirs(lab.path("snmpconf"), exist_ok=True)
        conf = lab.path("snmpconf/ipmibd.conf")
        with open(conf, "w") as f:
            f.write("".join(line for line in lines if not _AGENTX_ONLY.match(line)))
        cmd, log, env = lab.inproc_snmpd
        cmd = [lab.path("ipmibd.log") if a == lab.path(f"{log}.log") else a for a in cmd]
        env = dict(env or os.environ)
        if env.pop("LD_PRELOAD", None):
            print("SKIPPED (inproc): LD_PRELOAD, meant for ipmibd alone, is not preloaded into snmpd")
        # IPMIBD_SNMPD_PRELOAD: the ASan/UBSan runtimes a sanitized ipmibd.so needs (snmpd only).
        if os.environ.get("IPMIBD_SNMPD_PRELOAD"):
            env["LD_PRELOAD"] = os.environ["IPMIBD_SNMPD_PRELOAD"]
        return lab.spawn(cmd, "ipmibd.out", env=dict(env, SNMPCONFPATH=lab.path("snmpconf")))
    with open(conf, "w") as f:
        f.write(conf_text)
    return lab.spawn([ipmibd, "-f", "-Lf", lab.path("ipmibd.log"), "-C", "-c", conf, "-x", sock], "ipmibd.out",
                     env=env)


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(ns, address, timeout=3.0):
    """Sends ICMP(v6) echo requests from namespace `ns` until one is answered; the kernel resolves
    the neighbor (ARP / NS) on the way. Returns the round trip in seconds."""
    v6 = ":" in address
    with Netns(ns):
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    try:
        ident = os.getpid() & 0xFFFF
        deadline = time.monotonic() + timeout
        seq = 0
        while time.monotonic() < deadline:
            seq += 1
            head = bytes([128 if v6 else 8, 0, 0, 0]) + ident.to_bytes(2, "big") + seq.to_bytes(2, "big")
            packet = head + b"ipmibd-compare"
            if not v6:  # the kernel fills in the ICMPv6 checksum
                packet = packet[:2] + _csum(packet).to_bytes(2, "big") + packet[4:]
            start = time.monotonic()
            s.sendto(packet, (address, 0))
            s.settimeout(0.5)
            try:
                while True:
                    data, _ = s.recvfrom(2048)
                    if not v6:
                        data = data[(data[0] & 15) * 4:]
                    if data[0] == (129 if v6 else 0) and data[4:6] == ident.to_bytes(2, "big"):
                        return time.monotonic() - start
            except socket.timeout:
                continue
        raise LabError(f"no echo reply from {address} in {ns}")
    finally:
        s.close()


# ---- SNMP walk output --------------------------------------------------------------------------
_LINE = re.compile(r"^(\.[0-9.]+) = (?:([A-Za-z0-9-]+): )?(.*)$")


def parse_oid(text):
    return tuple(int(x) for x in text.strip(".").split("."))


def parse_walk(text):
    """Parses `snmpbulkwalk -On -Oe -Ox -m ""` output into a list of (oid tuple, type, value):
    integers as int, strings as lowercase hex, TimeTicks as int, OIDs as tuples. Keeps the
    order (the caller checks it)."""
    out = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            if out and line.strip() and not line.startswith("."):
                # continuation of a long Hex-STRING
                oid, typ, val = out[-1]
                if typ == "STRING":
                    out[-1] = (oid, typ, val + line.replace(" ", "").lower())
                continue
            if line.strip():
                out.append((None, "ERROR", line))
            continue
        oid, typ, val = parse_oid(m.group(1)), m.group(2), m.group(3).strip()
        if typ is None:
            if val == '""':
                typ, val = "STRING", ""
            elif val.startswith("No Such") or val.startswith("No more"):
                typ = "NOSUCH"
            else:
                typ = "UNKNOWN"
        elif typ in ("Hex-STRING", "STRING"):
            if typ == "STRING":
                val = val.strip('"').encode().hex()
            else:
                val = val.replace(" ", "").lower()
            typ = "STRING"
        elif typ == "Timeticks":
            val = int(re.match(r"\((\d+)\)", val).group(1))
        elif typ == "OID":
            val = parse_oid(val) if val.startswith(".") else val
        elif typ in ("INTEGER", "Gauge32", "Counter32", "Counter64", "Unsigned32"):
            val = int(val.split()[0])
        elif typ == "IpAddress":
            val = tuple(int(x) for x in val.split("."))
        out.append((oid, typ, val))
    return out


# ---- a minimal SNMPv2c GET client (latency measurements without a process per request) ---------
def _ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, payload):
    return bytes([tag]) + _ber_len(len(payload)) + payload


def _ber_int(v):
    return _tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def _ber_oid(oid):
    body = bytes([oid[0] * 40 + oid[1]])
    for sub in oid[2:]:
        chunk = [sub & 0x7F]
        sub >>= 7
        while sub:
            chunk.append(0x80 | (sub & 0x7F))
            sub >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, body)


def _read_tlv(data, pos):
    tag = data[pos]
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    return tag, data[pos:pos + n], pos + n


class SnmpGetClient:
    """SNMPv2c GET over a UDP socket created inside namespace `ns`."""

    def __init__(self, ns, port, community="public"):
        with Netns(ns):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addr = ("127.0.0.1", port)
        self.community = community.encode()
        self.request_id = secrets.randbelow(1 << 30)

    def close(self):
        self.sock.close()

    def get(self, oid, timeout=1.0):
        """Returns (tag, raw value bytes) of the single varbind; tag 0x80/0x81/0x82 are
        noSuchObject/noSuchInstance/endOfMibView."""
        self.request_id = (self.request_id + 1) & 0x3FFFFFFF
        varbind = _tlv(0x30, _ber_oid(oid) + b"\x05\x00")
        pdu = _tlv(0xA0, _ber_int(self.request_id) + _ber_int(0) + _ber_int(0) + _tlv(0x30, varbind))
        self.sock.sendto(_tlv(0x30, _ber_int(1) + _tlv(0x04, self.community) + pdu), self.addr)
        self.sock.settimeout(timeout)
        while True:
            data, _ = self.sock.recvfrom(65535)
            _, msg, _ = _read_tlv(data, 0)
            _, _, pos = _read_tlv(msg, 0)          # version
            _, _, pos = _read_tlv(msg, pos)        # community
            _, pdu, _ = _read_tlv(msg, pos)        # response PDU
            _, rid, pos = _read_tlv(pdu, 0)
            if int.from_bytes(rid, "big", signed=True) != self.request_id:
                continue                           # a late answer to an earlier request
            _, err, pos = _read_tlv(pdu, pos)
            if int.from_bytes(err, "big"):
                raise LabError(f"SNMP error-status {int.from_bytes(err, 'big')} for {oid}")
            _, _, pos = _read_tlv(pdu, pos)        # error-index
            _, vbl, _ = _read_tlv(pdu, pos)
            _, vb, _ = _read_tlv(vbl, 0)
            _, _, vpos = _read_tlv(vb, 0)          # name
            tag, value, _ = _read_tlv(vb, vpos)
            return tag, value
