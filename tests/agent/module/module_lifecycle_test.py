#!/usr/bin/env python3
# module_lifecycle_test.py: ipmibd.so inside Debian's real snmpd (dlmod) through load, serve, every kind of SIGHUP, unload and shutdown, in a private network namespace.
"""usage: module_lifecycle_test.py [--sanitized] IPMIBD_SO

Three snmpd runs (Debian's /usr/sbin/snmpd 5.9.3, IP-MIB modules disabled as deployed), each in
the test's own network namespace with routes on RFC 5737 / RFC 3849 documentation addresses in the
main table and in table 100:

A. start-up load: `dlmod ipmibd` in snmpd.conf at start; inetCidrRouteTable (walked) equals
   `ip -j route` of the namespace; sysUpTime and IF-MIB ifDescr.1 still answered by snmpd; SIGTERM:
   exit status 0.
B. the reload life: snmpd starts without the dlmod line (baseline: its descriptors, its NETLINK
   sockets; nothing served under ip) ->
   dlmod line added + SIGHUP: loaded and serving (more NETLINK sockets than the baseline) ->
   SIGHUP, nothing changed: "configuration unchanged", same rows, the very same NETLINK sockets
   (the Service was kept, not rebuilt) ->
   ipmibd.conf changed (routeTable main + routeTable 100) + SIGHUP: table 100's rows appear, the
   Service's sockets are replaced, not added to ->
   a bad line + SIGHUP: "FILE: line N" logged, the error summary at LOG_ERR, the running
   configuration kept (table 100 still served) ->
   dlmod line commented out (and the bad line removed) + SIGHUP: "stopping", ip subtree gone
   (noSuchObject), snmpd still answers sysUpTime and IF-MIB; the NETLINK sockets are exactly the
   baseline's, and so is every other descriptor ->
   dlmod line back + SIGHUP: serving again (main + 100) ->
   dlmodTable SETs (UCD-DLMOD-MIB, what a manager can do): unload -> nothing under ip, descriptors
   and NETLINK sockets exactly the baseline's; load -> serving again ->
   SIGTERM: exit status 0.
C. a bad ipmibd.conf at start-up: snmpd runs, logs FILE: line N and "NOT serving" at LOG_ERR,
   serves nothing under ip but its own MIBs; fixed + SIGHUP: serving; SIGTERM: exit status 0.

--sanitized (CMake passes it when IPMIBD_SANITIZE is ON): the module is ASan+UBSan-instrumented;
the approach is LD_PRELOAD of gcc's ASan (and UBSan) runtime into the stock snmpd only, with
LeakSanitizer on at snmpd's exit (module_lab.Sanitizer); any sanitizer report fails the test.

Root and snmpd are needed; without them the test exits 77 (skipped)."""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from module_lab import (LabError, Sanitizer, Snmpd, Steps, kernel_routes, netlink_sockets, new_lab,  # noqa: E402
                        open_descriptors, parse_args, test_link, wait_for, wait_routes_equal)

DLMOD_ENTRY = "1.3.6.1.4.1.2021.13.14.2.1"  # UCD-DLMOD-MIB dlmodEntry: .2 dlmodName, .5 dlmodStatus
GOOD_CONF = "backend linux\n# no state file: the test must not touch /var/lib/ipmibd\nstateFile none\n"


def build_routes(lab, ns):
    test_link(lab, ns)
    for cmd in (["route", "add", "198.51.100.0/24", "via", "192.0.2.1"],
                ["route", "add", "203.0.113.0/25", "via", "192.0.2.1", "metric", "50"],
                ["-6", "route", "add", "2001:db8:100::/48", "via", "2001:db8:1::1"],
                # table 100: served only once ipmibd.conf says `routeTable 100`
                ["route", "add", "203.0.113.128/25", "via", "192.0.2.1", "dev", "d0", "table", "100"],
                ["-6", "route", "add", "2001:db8:200::/48", "via", "2001:db8:1::1", "dev", "d0", "table", "100"]):
        lab.ip(ns, *cmd)


def expect(cond, what):
    if not cond:
        raise LabError(what)


def expect_exit_0(snmpd, sanitizer):
    status = snmpd.terminate()
    if sanitizer:
        sanitizer.check()  # first: a leak report also makes the exit status 1
    expect(status == 0, f"{snmpd.tag} exited with status {status} after SIGTERM:{snmpd.tail()}")
    expect(re.search(r"shutting down", snmpd.read_log()), f"{snmpd.tag}: no shutdown message")


def expect_ip_empty(snmpd, when):
    empty, out = snmpd.ip_subtree_empty()
    expect(empty, f"{when}: something is served under ip (1.3.6.1.2.1.4):\n{out[:2000]}")
    number = snmpd.get("1.3.6.1.2.1.4.24.6.0")  # inetCidrRouteNumber.0
    expect("No Such Object" in number, f"{when}: inetCidrRouteNumber.0 answered: {number}")


def run_a(lab, ns, module, sanitizer, step):
    snmpd = Snmpd(lab, ns, module, GOOD_CONF, tag="a-snmpd", sanitizer=sanitizer)
    snmpd.wait_log(r"^ipmibd \S+ started inside snmpd")
    routes = wait_routes_equal(snmpd, lab, ns)
    expect(len(routes) >= 5, f"too few routes served: {routes}")
    snmpd.check_snmpd_own()
    expect("INFO" not in snmpd.read_log(snmpd.errlog) and not snmpd.read_log(snmpd.errlog).strip(),
           f"errors logged at start-up: {snmpd.read_log(snmpd.errlog)}")
    step(f"A: loaded at snmpd's start-up, {len(routes)} routes == ip -j route; sysUpTime, ifDescr.1 answered")
    expect_exit_0(snmpd, sanitizer)
    step("A: SIGTERM: snmpd exited 0" + (", no sanitizer report" if sanitizer else ""))


def run_b(lab, ns, module, sanitizer, step):
    snmpd = Snmpd(lab, ns, module, GOOD_CONF, tag="b-snmpd", dlmod=False, write=True, sanitizer=sanitizer)
    fds0, nl0 = open_descriptors(snmpd.pid), netlink_sockets(snmpd.pid)
    expect_ip_empty(snmpd, "snmpd without the dlmod line")
    snmpd.check_snmpd_own()
    step(f"B: snmpd alone: nothing under ip; {len(fds0)} descriptors, {len(nl0)} NETLINK sockets")

    snmpd.write_snmpd_conf(dlmod=True)
    mark = snmpd.sighup()
    snmpd.wait_log(r"^ipmibd \S+ started inside snmpd", mark)
    wait_routes_equal(snmpd, lab, ns)
    snmpd.check_snmpd_own()
    nl1 = netlink_sockets(snmpd.pid)
    expect(nl0 < nl1, f"loaded module: NETLINK sockets {sorted(nl1)} are not a superset of the baseline {sorted(nl0)}")
    step(f"B: dlmod line + SIGHUP: loaded, routes == ip -j route, {len(nl1 - nl0)} NETLINK sockets of the module")

    mark = snmpd.sighup()
    snmpd.wait_log(r"^ipmibd: configuration unchanged", mark)
    wait_routes_equal(snmpd, lab, ns)
    expect(netlink_sockets(snmpd.pid) == nl1, "unchanged SIGHUP: the module's NETLINK sockets changed (not kept)")
    step("B: SIGHUP, unchanged: logged unchanged, same rows, same sockets (Service kept)")

    snmpd.write_ipmibd_conf(GOOD_CONF + "routeTable main\nrouteTable 100\n")
    mark = snmpd.sighup()
    both = wait_routes_equal(snmpd, lab, ns, tables=("main", "100"))
    expect(both > kernel_routes(lab, ns), "table 100 adds no rows")
    expect("configuration unchanged" not in snmpd.read_log()[mark:], "changed ipmibd.conf reported unchanged")
    nl2 = netlink_sockets(snmpd.pid)
    expect(len(nl2) == len(nl1) and nl2 != nl1 and nl0 < nl2,
           f"changed SIGHUP: NETLINK sockets {len(nl1)} -> {len(nl2)}; expected the module's replaced, as many")
    step(f"B: SIGHUP, routeTable 100 added: {len(both)} rows (table 100's included); sockets replaced, none leaked")

    bad = GOOD_CONF + "routeTable main\nrouteTable 100\nnoSuchDirective 1\n"
    bad_line = bad.count("\n")  # the last line
    snmpd.write_ipmibd_conf(bad)
    mark = snmpd.sighup()
    snmpd.wait_log(re.escape(snmpd.ipmibd_conf) + rf": line {bad_line}:.*noSuchDirective", mark)
    snmpd.wait_log(r"^ipmibd: 1 error\(s\) in ipmibd.conf.*keeping the running configuration", 0, which=snmpd.errlog)
    wait_routes_equal(snmpd, lab, ns, tables=("main", "100"))
    expect(netlink_sockets(snmpd.pid) == nl2, "bad SIGHUP: the running Service was not kept")
    step(f"B: SIGHUP, bad line {bad_line}: FILE: line {bad_line} logged, LOG_ERR summary, running config kept")

    snmpd.write_ipmibd_conf(GOOD_CONF + "routeTable main\nrouteTable 100\n")
    snmpd.write_snmpd_conf(dlmod=False)
    mark = snmpd.sighup()
    snmpd.wait_log(r"^ipmibd: no longer loaded by snmpd.conf; stopping", mark)
    expect_ip_empty(snmpd, "dlmod line removed")
    snmpd.check_snmpd_own()
    nl3, fds3 = netlink_sockets(snmpd.pid), open_descriptors(snmpd.pid)
    expect(nl3 == nl0, f"after the unload: NETLINK sockets {sorted(nl3)}, before the load {sorted(nl0)}")
    expect(fds3 == fds0, f"after the unload the descriptors differ from before the load: "
           f"before {sorted(set(fds0.items()) - set(fds3.items()))}, after {sorted(set(fds3.items()) - set(fds0.items()))}")
    step(f"B: dlmod line removed + SIGHUP: stopped, ip noSuchObject, sysUpTime answered; "
         f"{len(nl3)} NETLINK sockets and all {len(fds3)} descriptors as before the load")

    snmpd.write_snmpd_conf(dlmod=True)
    mark = snmpd.sighup()
    snmpd.wait_log(r"^ipmibd \S+ started inside snmpd", mark)
    wait_routes_equal(snmpd, lab, ns, tables=("main", "100"))
    expect(len(netlink_sockets(snmpd.pid)) == len(nl2), "reloaded module: NETLINK socket count differs")
    step("B: dlmod line back + SIGHUP: serving again (main + table 100)")

    # UCD-DLMOD-MIB's dlmodTable: a manager unloads and loads the module (no configuration read).
    # Each SIGHUP re-creates the row under a new index: find ipmibd's.
    rows = re.findall(r'^\.' + re.escape(DLMOD_ENTRY) + r'\.2\.(\d+) = STRING: "ipmibd"$', snmpd.walk(DLMOD_ENTRY), re.M)
    expect(len(rows) == 1, f"dlmodTable rows named ipmibd: {rows}")
    status = f"{DLMOD_ENTRY}.5.{rows[0]}"
    rc, out = snmpd.set(status, "i", "5")  # unload(5)
    expect(rc == 0, f"dlmodStatus.1 = unload: {out}")
    wait_for(lambda: snmpd.ip_subtree_empty()[0], 10, 0.1, what="ip subtree gone after the dlmodTable unload")
    snmpd.check_snmpd_own()
    nl4, fds4 = netlink_sockets(snmpd.pid), open_descriptors(snmpd.pid)
    expect(nl4 == nl0 and fds4 == fds0, f"after the dlmodTable unload: NETLINK {sorted(nl4)} vs {sorted(nl0)}, "
           f"descriptors {len(fds4)} vs {len(fds0)}")
    mark = snmpd.mark()
    rc, out = snmpd.set(status, "i", "4")  # load(4)
    expect(rc == 0, f"dlmodStatus.1 = load: {out}")
    snmpd.wait_log(r"^ipmibd \S+ started inside snmpd", mark)
    wait_routes_equal(snmpd, lab, ns, tables=("main", "100"))
    step("B: dlmodTable unload (SET): stopped, sockets/descriptors as before the load; load (SET): serving")

    errors = [l for l in snmpd.read_log(snmpd.errlog).splitlines() if l.strip() and "noSuchDirective" not in l
              and "1 error(s) in ipmibd.conf" not in l]
    expect(not errors, f"unexpected LOG_ERR lines: {errors}")
    expect_exit_0(snmpd, sanitizer)
    step("B: SIGTERM while serving: snmpd exited 0" + (", no sanitizer report" if sanitizer else ""))


def run_c(lab, ns, module, sanitizer, step):
    bad = "backend linux\nstateFile none\nrouteTable nowhere\n"
    snmpd = Snmpd(lab, ns, module, bad, tag="c-snmpd", sanitizer=sanitizer)
    snmpd.wait_log(re.escape(snmpd.ipmibd_conf) + r": line 3:")
    snmpd.wait_log(r"^ipmibd: .*NOT serving the IP-MIB tables", 0, which=snmpd.errlog)
    expect(snmpd.proc.poll() is None, "snmpd exited on a bad ipmibd.conf")
    expect_ip_empty(snmpd, "bad ipmibd.conf at start-up")
    snmpd.check_snmpd_own()
    step("C: bad ipmibd.conf at start-up: snmpd runs, FILE: line 3 + NOT serving at LOG_ERR, nothing under ip")

    snmpd.write_ipmibd_conf(GOOD_CONF)
    mark = snmpd.sighup()
    snmpd.wait_log(r"^ipmibd \S+ started inside snmpd", mark)
    wait_routes_equal(snmpd, lab, ns)
    step("C: fixed + SIGHUP: serving")
    expect_exit_0(snmpd, sanitizer)
    step("C: SIGTERM: snmpd exited 0" + (", no sanitizer report" if sanitizer else ""))


def main():
    module, sanitized = parse_args(__doc__)
    lab, ns = new_lab("mlc")
    step = Steps()
    try:
        sanitizer = Sanitizer(lab) if sanitized else None
        build_routes(lab, ns)
        print(f"module {module}" + (" (sanitized: ASan+UBSan runtime preloaded into snmpd)" if sanitized else ""))
        run_a(lab, ns, module, sanitizer, step)
        run_b(lab, ns, module, sanitizer, step)
        run_c(lab, ns, module, sanitizer, step)
    except LabError as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        lab.close()
    print(f"PASS ({step.total():.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
