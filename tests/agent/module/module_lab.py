# module_lab.py: helpers for the in-process module's tests: Debian's snmpd with `dlmod ipmibd` in a private network namespace, its logs, SNMP requests from inside the namespace, and the ASan-runtime preload for a sanitized module.
"""The module serves snmpd's own network namespace (backend linux), so snmpd runs inside the test's
namespace (`ip netns exec`) and so do the SNMP clients (snmpd listens on the namespace's
127.0.0.1). Processes, namespaces and the temporary directory are netns_lab.Lab's: cleaned up on
exit, on SIGTERM and on a ctest timeout.

Sanitized module (--sanitized, passed by CMake when IPMIBD_SANITIZE is ON): an ASan-instrumented
ipmibd.so cannot be dlopen()ed by the uninstrumented /usr/sbin/snmpd unless the ASan runtime comes
first in the process's library list, so snmpd (and only snmpd: not `ip`, setpriv or the SNMP tools)
is started through `env LD_PRELOAD="libasan.so libubsan.so"` with LeakSanitizer on. Snmpd itself
is not instrumented; what ASan checks is the module's code and every heap block in the process
(interceptors). Reports go to files in the lab directory; any report fails the test.
Net-SNMP's own start-up leaks are suppressed by tests/agent/lsan.supp (Net-SNMP frames only)."""

import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "agent"))

from netns_lab import Lab, LabError, free_udp_port, run, snmpd_disabled_modules, wait_for  # noqa: E402

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_DESCR_1 = "1.3.6.1.2.1.2.2.1.2.1"  # IF-MIB ifDescr.1: lo, served by snmpd's own if-mib module
IP = "1.3.6.1.2.1.4"
ROUTE_ENTRY = (1, 3, 6, 1, 2, 1, 4, 24, 7, 1)
ROUTE_IFINDEX = ".".join(map(str, ROUTE_ENTRY + (7,)))
INET_CIDR_ROUTE_NUMBER = "1.3.6.1.2.1.4.24.6.0"


def parse_args(doc):
    """[--sanitized] MODULE: the ipmibd.so path. Exits 77 (ctest's skip) without root, snmpd or
    the tools; 2 with the usage on bad arguments."""
    args = sys.argv[1:]
    sanitized = "--sanitized" in args
    args = [a for a in args if a != "--sanitized"]
    if len(args) != 1:
        print(doc)
        sys.exit(2)
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces, snmpd)")
        sys.exit(77)
    for tool in ("/usr/sbin/snmpd", "snmpget", "snmpwalk", "snmpset", "ip"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} not installed")
            sys.exit(77)
    module = os.path.abspath(args[0])
    if not os.path.isfile(module):
        print(f"FAIL: no module at {module}")
        sys.exit(1)
    return module, sanitized


def new_lab(tag):
    """A Lab and one namespace in it; exits 77 when namespaces cannot be made."""
    lab = Lab(tag)
    try:
        ns = lab.netns("n")
    except LabError as e:
        print(f"SKIP: cannot create a network namespace: {e}")
        lab.close()
        sys.exit(77)
    return lab, ns


def test_link(lab, ns):
    """veth d0/d1 in ns, up, 192.0.2.10/24 and 2001:db8:1::10/64 on d0 (RFC 5737 / RFC 3849
    documentation addresses); returns d0's ifIndex."""
    return lab.test_link(ns, "2001:db8:1::10/64")


class Sanitizer:
    """The environment that lets a sanitized ipmibd.so run inside the stock snmpd, and its reports."""

    def __init__(self, lab):
        self.reports = lab.path("sanitizer-reports")
        os.makedirs(self.reports)
        os.chmod(self.reports, 0o1777)  # snmpd may run as Debian-snmp
        os.chmod(lab.dir, 0o755)
        supp = lab.path("lsan.supp")
        with open(supp, "w") as out:
            for name in (os.path.join(ROOT, "tests", "agent", "lsan.supp"),):
                with open(name) as f:
                    out.write(f.read() + "\n")
        os.chmod(supp, 0o644)
        runtime = []
        for lib in ("libasan.so", "libubsan.so"):
            path = run(["gcc", f"-print-file-name={lib}"]).stdout.strip()
            if not os.path.isfile(path):
                raise LabError(f"no {lib} (gcc -print-file-name={lib} gave {path}): cannot preload the ASan runtime")
            runtime.append(os.path.realpath(path))
        # Only these: the caller's ASAN_OPTIONS (test.sh's log_path into build-asan) are replaced
        # by our own file destinations, checked by check() after each snmpd.
        self.env = {
            "LD_PRELOAD": " ".join(runtime),
            # fast_unwind_on_malloc=0: Debian builds Net-SNMP without frame pointers; the fast
            # unwinder would stop at its first frame, and the suppressions match names deeper down.
            "ASAN_OPTIONS": f"detect_leaks=1:fast_unwind_on_malloc=0:log_path={self.reports}/asan",
            "LSAN_OPTIONS": f"suppressions={supp}:print_suppressions=0",
            "UBSAN_OPTIONS": f"print_stacktrace=1:halt_on_error=1:log_path={self.reports}/ubsan",
        }

    def check(self):
        """Raises with the reports' text when any sanitizer wrote one."""
        names = sorted(os.listdir(self.reports))
        if names:
            text = ""
            for n in names:
                with open(os.path.join(self.reports, n), errors="replace") as f:
                    text += f"--- {n}\n{f.read()}"
            raise LabError(f"sanitizer reports from snmpd with the module:\n{text}")


class Snmpd:
    """Debian's snmpd in namespace `ns` on 127.0.0.1:PORT with its IP-MIB modules disabled (as
    deployed), `rocommunity public` (`rwcommunity private` with write=True) and, unless
    dlmod=False, `dlmod ipmibd MODULE`; ipmibd.conf in its own SNMPCONFPATH directory.
    `wrap` is put between `ip netns exec NS` and snmpd (setpriv ...)."""

    def __init__(self, lab, ns, module, ipmibd_conf, tag="snmpd", dlmod=True, write=False, wrap=(),
                 sanitizer=None, extra_args=(), owner=None, address=None, disabled=None):
        """owner: (uid, gid) snmpd runs as (wrap does the switch, or -u in extra_args): its run
        directory (logs, pid file, Net-SNMP's persistent store) is made theirs. address: the
        agent address (default udp:127.0.0.1:a free port). disabled: snmpd's -I argument
        (default: -LIST of conf/snmpd-disabled-modules.sh)."""
        self.lab, self.ns, self.module, self.tag = lab, ns, module, tag
        os.chmod(lab.dir, 0o755)  # snmpd may run as another user: it must reach its files
        self.rundir = lab.path(tag)
        self.confdir = os.path.join(self.rundir, "conf")
        os.makedirs(self.confdir)
        os.chmod(self.rundir, 0o755)
        if owner:
            os.chown(self.rundir, *owner)
        self.conf = os.path.join(self.confdir, "snmpd.conf")
        self.ipmibd_conf = os.path.join(self.confdir, "ipmibd.conf")
        self.log = os.path.join(self.rundir, "snmpd.log")
        self.errlog = os.path.join(self.rundir, "err.log")  # LOG_ERR and worse only
        self.warnlog = os.path.join(self.rundir, "warn.log")  # LOG_WARNING and worse
        self.pidfile = os.path.join(self.rundir, "snmpd.pid")
        if address:
            self.port = int(address.rsplit(":", 1)[1])
        else:
            self.port = free_udp_port()
            address = f"udp:127.0.0.1:{self.port}"
        self.write = write
        self.sanitizer = sanitizer
        self.write_snmpd_conf(dlmod)
        self.write_ipmibd_conf(ipmibd_conf)
        # SNMP_PERSISTENT_DIR: Net-SNMP's persistent store in the run directory, not /var/lib/snmp.
        env = {"MIBS": "", "SNMPCONFPATH": self.confdir, "SNMP_PERSISTENT_DIR": self.rundir}
        if sanitizer:
            env.update(sanitizer.env)
        # snmpd logs to three files at once: everything, warnings and worse, errors and worse
        # (-LF PRIORITY FILE), so the tests can tell a LOG_ERR from a LOG_INFO. The order is the one
        # that once let a bad ipmibd.conf through: libnetsnmp 5.9.3's netsnmp_add_loghandler() never
        # sets `prev` of a handler it inserts, so with `-LF 0-3 A -LF 0-4 B -Lf C` a log callback
        # added later is cut out of the LOG_ERR chain; the module now counts its errors itself
        # (ConfigReader::readFiles), and the bad-configuration steps prove it in this order.
        cmd = ["ip", "netns", "exec", ns, *wrap, "env", *[f"{k}={v}" for k, v in env.items()], "/usr/sbin/snmpd",
               "-f", "-LF", "0-3", self.errlog, "-LF", "0-4", self.warnlog, "-Lf", self.log, "-C", "-c", self.conf,
               "-I", disabled or "-" + snmpd_disabled_modules(), "-p", self.pidfile, *extra_args, address]
        self.proc = lab.spawn(cmd, f"{tag}.out")
        self.pid = self.proc.pid  # ip netns exec, setpriv and env all exec: this is snmpd
        try:
            wait_for(lambda: self.proc.poll() is not None or self.get(SYS_UPTIME, check=False).startswith(
                f".{SYS_UPTIME} = Timeticks"), 30, 0.1, what=f"{tag} answering sysUpTime")
        except LabError:
            raise LabError(f"{tag} does not answer: {self.tail()}")
        if self.proc.poll() is not None:
            raise LabError(f"{tag} exited with {self.proc.returncode} at start-up: {self.tail()}")

    # ---- configuration -------------------------------------------------------------------------
    def write_snmpd_conf(self, dlmod):
        lines = ["rocommunity public 127.0.0.1"]
        if self.write:
            lines.append("rwcommunity private 127.0.0.1")
        lines.append(f"{'' if dlmod else '#'}dlmod ipmibd {self.module}")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.conf, 0o644)

    def write_ipmibd_conf(self, text):
        with open(self.ipmibd_conf, "w") as f:
            f.write(text)
        os.chmod(self.ipmibd_conf, 0o644)
        os.chmod(self.confdir, 0o755)

    # ---- logs ----------------------------------------------------------------------------------
    def read_log(self, which=None):
        try:
            with open(which or self.log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def tail(self):
        """The log without the per-request lines, and anything snmpd wrote to stdout/stderr."""
        text = "\n".join(l for l in self.read_log().splitlines() if not l.startswith("Connection from"))[-3000:]
        out = self.read_log(self.lab.path(f"{self.tag}.out")).strip()
        return "\n" + text + (f"\n--- stdout/stderr:\n{out[-2000:]}" if out else "")

    def mark(self):
        """The log's current length: wait_log(text, since=mark) looks only at what follows."""
        return len(self.read_log())

    def wait_log(self, pattern, since=0, timeout=15, which=None):
        """Waits until the log (after `since`) matches the regular expression; returns the match."""
        def found():
            return re.search(pattern, self.read_log(which)[since:], re.M)
        try:
            return wait_for(found, timeout, 0.05, what=f"/{pattern}/ in {self.tag}'s log")
        except LabError as e:
            raise LabError(f"{e}; log since the mark:{self.tail()}")

    # ---- signals -------------------------------------------------------------------------------
    def sighup(self):
        """Sends SIGHUP and waits for snmpd to finish re-reading its configuration."""
        since = self.mark()
        os.kill(self.pid, signal.SIGHUP)
        self.wait_log(r"^NET-SNMP version \S+ restarted", since)
        return since

    def terminate(self, timeout=30):
        """SIGTERM; returns snmpd's exit status (negative: killed by that signal)."""
        os.kill(self.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise LabError(f"{self.tag} did not exit within {timeout}s of SIGTERM")

    # ---- SNMP ----------------------------------------------------------------------------------
    def tool(self, tool, *args, community="public", check=True, timeout=30):
        res = run(["ip", "netns", "exec", self.ns, tool, "-v2c", "-c", community, "-On", "-t", "3", "-r", "1",
                   "-m", "", f"127.0.0.1:{self.port}", *args], check=False, timeout=timeout)
        if check and res.returncode != 0:
            raise LabError(f"{tool} {' '.join(args)}: {res.returncode}: {res.stderr.strip()} {res.stdout.strip()}")
        return (res.stdout + res.stderr).strip()

    def get(self, *oids, check=True):
        return self.tool("snmpget", *oids, check=check)

    def walk(self, oid):
        return self.tool("snmpwalk", oid)

    def set(self, *args):
        """snmpset with the write community; returns (exit status, output)."""
        res = run(["ip", "netns", "exec", self.ns, "snmpset", "-v2c", "-c", "private", "-On", "-t", "5", "-r", "0",
                   "-m", "", f"127.0.0.1:{self.port}", *args], check=False, timeout=30)
        return res.returncode, (res.stdout + res.stderr).strip()

    # ---- what snmpd shows of the module --------------------------------------------------------
    def check_snmpd_own(self):
        """snmpd's own MIBs answer: sysUpTime and IF-MIB ifDescr.1 (lo)."""
        out = self.get(SYS_UPTIME, IF_DESCR_1)
        if f".{SYS_UPTIME} = Timeticks:" not in out or f'.{IF_DESCR_1} = STRING: "lo"' not in out:
            raise LabError(f"snmpd's own objects not answered: {out}")

    def ip_subtree_empty(self):
        """True when nothing is served below ip (1.3.6.1.2.1.4): the walk returns only noSuchObject."""
        out = self.walk(IP)
        lines = [l for l in out.splitlines() if l.strip()]
        return len(lines) == 1 and "No Such Object available" in lines[0], out

    def served_routes(self):
        """{(network, gateway or None, ifIndex)} from an inetCidrRouteIfIndex walk."""
        out = self.walk(ROUTE_IFINDEX)
        routes = set()
        for line in out.splitlines():
            m = re.match(r"^\.([0-9.]+) = INTEGER: (-?\d+)$", line)
            if not m:
                if "No Such" in line:
                    continue
                raise LabError(f"unexpected line in the route walk: {line}")
            oid = tuple(int(x) for x in m.group(1).split("."))
            routes.add(parse_route_index(oid[len(ROUTE_ENTRY) + 1:]) + (int(m.group(2)),))
        return routes


def parse_route_index(ix):
    """inetCidrRouteTable index (destType, dest, pfxLen, policy, nextHopType, nextHop; the
    addresses and the policy OID length-prefixed) -> (network, gateway or None)."""
    pos = 0

    def take(with_type):
        nonlocal pos
        if with_type:
            pos += 1  # InetAddressType: implied by the address length here
        n = ix[pos]
        value = ix[pos + 1:pos + 1 + n]
        pos += 1 + n
        return value

    dest = bytes(take(True))
    pfx = ix[pos]
    pos += 1
    take(False)  # inetCidrRoutePolicy
    nh = bytes(take(True))
    gw = ipaddress.ip_address(nh) if any(nh) else None
    return ipaddress.ip_network(f"{ipaddress.ip_address(dest)}/{pfx}"), gw


def kernel_routes(lab, ns, tables=("main",)):
    """{(network, gateway or None, ifIndex)} of `ip -j route show table T` for each table, both families."""
    links = {l["ifname"]: l["ifindex"] for l in json.loads(lab.ip(ns, "-j", "link", "show").stdout)}
    out = set()
    for table in tables:
        for fam in ("-4", "-6"):
            for r in json.loads(lab.ip(ns, fam, "-j", "route", "show", "table", str(table)).stdout or "[]"):
                dst = r["dst"] if r["dst"] != "default" else ("0.0.0.0/0" if fam == "-4" else "::/0")
                gw = ipaddress.ip_address(r["gateway"]) if "gateway" in r else None
                out.add((ipaddress.ip_network(dst, strict=False), gw, links.get(r.get("dev"), 0)))
    return out


def wait_routes_equal(snmpd, lab, ns, tables=("main",), timeout=20):
    """Waits until the inetCidrRouteTable walk equals the kernel's tables; returns the set."""
    last = {}

    def equal():
        last["kernel"], last["served"] = kernel_routes(lab, ns, tables), snmpd.served_routes()
        return last["kernel"] == last["served"] and last["kernel"]

    try:
        wait_for(equal, timeout, 0.2, what="inetCidrRouteTable == ip -j route")
    except LabError:
        k, s = last.get("kernel", set()), last.get("served", set())
        raise LabError(f"inetCidrRouteTable differs from `ip -j route` (tables {tables}): kernel only "
                       f"{sorted(map(str, k - s))}, served only {sorted(map(str, s - k))}")
    return last["kernel"]


def netlink_sockets(pid):
    """Inodes of the NETLINK sockets among PID's descriptors (/proc/PID/fd matched against
    /proc/PID/net/netlink: the table of PID's own network namespace)."""
    fds = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            m = re.match(r"socket:\[(\d+)\]", os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            continue
        if m:
            fds.add(int(m.group(1)))
    with open(f"/proc/{pid}/net/netlink") as f:
        netlink = {int(line.split()[-1]) for line in f.readlines()[1:] if line.split()}
    return fds & netlink


def open_descriptors(pid):
    """{fd: target} of PID."""
    out = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out[int(fd)] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            pass
    return out


class Steps:
    """Prints each step with its duration, so a failure says where and a pass says how long."""

    def __init__(self):
        self.start = time.monotonic()
        self.t = self.start

    def __call__(self, what):
        now = time.monotonic()
        print(f"  ok ({now - self.t:.2f}s) {what}", flush=True)
        self.t = now

    def total(self):
        return time.monotonic() - self.start
