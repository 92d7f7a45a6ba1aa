#!/usr/bin/env python3
# module_privilege_test.py: the snmpd.service drop-in (conf/snmpd-ipmibd.conf) gives in-process ipmibd exactly the capability its SETs need; without it SETs are refused with noAccess and a warning is logged.
"""usage: module_privilege_test.py [--sanitized] IPMIBD_SO

1. The drop-in itself: User/Group Debian-snmp, AmbientCapabilities == CapabilityBoundingSet,
   ExecStart reset and without -u/-g, its -I list = the packaged one + conf/snmpd-disabled-modules.sh,
   and `systemd-analyze verify` of Debian's snmpd.service with the drop-in beside it (when both
   are installed) reports nothing about it.
2. The drop-in emulated without systemd, in a private network namespace:
   snmpd with the drop-in's -I list alone serves nothing under ip; then
   `setpriv --reuid/--regid Debian-snmp --init-groups` with the ambient, inheritable and bounding
   sets taken from the drop-in's AmbientCapabilities line (so the two cannot drift), snmpd bound to
   udp:127.0.0.1:161 (needs CAP_NET_BIND_SERVICE), `writeAccess inetCidrRouteTable`:
   /proc/PID/status shows uid/gid Debian-snmp and exactly those capabilities, no CAP_NET_ADMIN
   warning is logged, an inetCidrRouteTable createAndGo SET succeeds and the route is in
   `ip -j route`, destroy removes it; SIGTERM: exit 0.
3. Without the capability, twice: Debian's packaged way (snmpd started as root with
   `-u Debian-snmp -g Debian-snmp`: snmpd drops every capability itself) and a plain `setpriv` to
   Debian-snmp: the CAP_NET_ADMIN warning is logged at LOG_WARNING, the SET gets noAccess and
   `ip -j route` is unchanged; reads still work.

The state file: ipmibd's default (/var/lib/ipmibd/state) is not writable by Debian-snmp unless the
directory is made for it, which the drop-in does with StateDirectory=snmp ipmibd; here that
directory is emulated by one in the test's own directory owned by Debian-snmp (`stateFile` set).

--sanitized: the ASan runtime is preloaded into snmpd as in module_lifecycle_test.py (after the
user switch: `setpriv ... env LD_PRELOAD=... snmpd`). Root, snmpd, setpriv and the Debian-snmp
user are needed, else exit 77 (skipped)."""

import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from module_lab import (ROOT, LabError, Sanitizer, Snmpd, Steps, new_lab, parse_args, run,  # noqa: E402
                        snmpd_disabled_modules, test_link, wait_for)

DROP_IN = os.path.join(ROOT, "conf", "snmpd-ipmibd.conf")
PACKAGED_UNIT = "/lib/systemd/system/snmpd.service"
PACKAGED_DISABLED = "smux,mteTrigger,mteTriggerConf"  # the packaged ExecStart's -I list
USER = "Debian-snmp"
ENTRY = "1.3.6.1.2.1.4.24.7.1"
ROUTE = "1.4.198.51.100.0.24.2.0.0.1.4.192.0.2.1"  # 198.51.100.0/24 via 192.0.2.1 (RFC 5737)
CAP_BITS = {"CAP_NET_BIND_SERVICE": 10, "CAP_NET_ADMIN": 12}
WARNING = "writeAccess is configured but snmpd runs without CAP_NET_ADMIN"


def expect(cond, what):
    if not cond:
        raise LabError(what)


def drop_in_settings():
    """{key: [values]} of the drop-in's [Service] section (comments skipped, repeats kept)."""
    settings = {}
    with open(DROP_IN) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("["):
                continue
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def check_drop_in(step):
    s = drop_in_settings()
    expect(s.get("User") == [USER] and s.get("Group") == [USER], f"User/Group are not {USER}: {s}")
    ambient = s["AmbientCapabilities"][0].split()
    expect(s.get("CapabilityBoundingSet") == [" ".join(ambient)],
           f"CapabilityBoundingSet {s.get('CapabilityBoundingSet')} differs from AmbientCapabilities {ambient}")
    expect(set(ambient) == {"CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE"}, f"unexpected capabilities {ambient}")
    exec_start = s.get("ExecStart", [])
    expect(len(exec_start) == 2 and exec_start[0] == "", "ExecStart is not reset (an empty ExecStart= first)")
    argv = shlex.split(exec_start[1])
    expect(argv[0] == "/usr/sbin/snmpd", f"ExecStart runs {argv[0]}")
    expect("-u" not in argv and "-g" not in argv, "ExecStart still switches user with -u/-g (drops every capability)")
    disabled = argv[argv.index("-I") + 1]
    want = f"-{PACKAGED_DISABLED},{snmpd_disabled_modules()}"
    expect(disabled == want, f"the drop-in's -I list {disabled} differs from {want} (conf/snmpd-disabled-modules.sh)")
    pid = argv[argv.index("-p") + 1]
    expect(os.path.dirname(pid) == "/run/" + s["RuntimeDirectory"][0], f"pid file {pid} not in RuntimeDirectory")
    expect("ipmibd" in " ".join(s.get("StateDirectory", [])).split(), "no StateDirectory for ipmibd's state file")
    step(f"drop-in: {USER}, capabilities {' '.join(ambient)} (ambient == bounding), ExecStart without -u, -I list in sync")

    analyze = shutil.which("systemd-analyze")
    if analyze and os.path.isfile(PACKAGED_UNIT):
        work = run(["mktemp", "-d"]).stdout.strip()
        try:
            shutil.copy(PACKAGED_UNIT, work)
            os.makedirs(os.path.join(work, "snmpd.service.d"))
            shutil.copy(DROP_IN, os.path.join(work, "snmpd.service.d", "ipmibd.conf"))
            res = subprocess.run([analyze, "verify", "--man=no", "./snmpd.service"], cwd=work, capture_output=True,
                                 text=True, timeout=60)
            out = (res.stdout + res.stderr).strip()
            # Without a running systemd, verify may warn about its environment; anything naming
            # the drop-in or the unit's settings is a real problem.
            bad = [l for l in out.splitlines() if "ipmibd.conf" in l or "snmpd.service:" in l]
            expect(res.returncode == 0 and not bad, f"systemd-analyze verify: {res.returncode}: {out}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        step("systemd-analyze verify: snmpd.service + the drop-in, no complaint")
    else:
        print("  (systemd-analyze or the packaged snmpd.service missing: verify skipped)")
    return [c.lower()[len("cap_"):] for c in ambient], disabled


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


def expect_creds(pid, uid, gid, caps):
    st = status(pid)
    expect(st["Uid"] == [str(uid)] * 4 and st["Gid"] == [str(gid)] * 4, f"snmpd runs as Uid {st['Uid']} Gid {st['Gid']}")
    mask = sum(1 << CAP_BITS[c] for c in caps)
    for field in ("CapEff", "CapPrm", "CapAmb", "CapBnd") if caps else ("CapEff", "CapPrm", "CapAmb"):
        expect(int(st[field][0], 16) == mask, f"{field} of snmpd is {st[field][0]}, expected {mask:016x}")


def kernel_route_table(lab, ns):
    return json.loads(lab.ip(ns, "-j", "route", "show", "table", "all").stdout)


def main():
    module, sanitized = parse_args(__doc__)
    if not shutil.which("setpriv"):
        print("SKIP: setpriv not installed (util-linux)")
        return 77
    try:
        pw = pwd.getpwnam(USER)
    except KeyError:
        print(f"SKIP: no user {USER} (created by Debian's snmpd package)")
        return 77
    uid, gid = pw.pw_uid, pw.pw_gid
    step = Steps()
    try:
        caps, disabled = check_drop_in(step)
    except LabError as e:
        print(f"FAIL: {e}")
        return 1

    lab, ns = new_lab("mpv")
    try:
        sanitizer = Sanitizer(lab) if sanitized else None
        test_link(lab, ns)
        state_dir = lab.path("state")  # stands for StateDirectory=ipmibd
        os.makedirs(state_dir, mode=0o700)
        os.chown(state_dir, uid, gid)
        conf = f"backend linux\nwriteAccess inetCidrRouteTable\nstateFile {state_dir}/state\n"
        setpriv = ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups",
                   "--inh-caps=" + ",".join("+" + c for c in caps), "--ambient-caps=" + ",".join("+" + c for c in caps),
                   "--bounding-set=-all," + ",".join("+" + c for c in caps), "--no-new-privs"]
        print("emulating the drop-in with: " + " ".join(setpriv))

        # The drop-in's own -I list: snmpd accepts it and, without the module, serves nothing under ip.
        snmpd = Snmpd(lab, ns, module, conf, tag="drop-in-list", dlmod=False, sanitizer=sanitizer, disabled=disabled)
        expect(snmpd.ip_subtree_empty()[0], "snmpd with the drop-in's -I list still serves objects under ip")
        expect(snmpd.terminate() == 0, "snmpd with the drop-in's -I list did not exit 0")
        if sanitizer:
            sanitizer.check()
        step("the drop-in's -I list: snmpd alone serves nothing under ip")

        # 2. With the drop-in's capabilities and -I list, on port 161.
        snmpd = Snmpd(lab, ns, module, conf, tag="capable", write=True, wrap=setpriv, sanitizer=sanitizer,
                      owner=(uid, gid), address="udp:127.0.0.1:161", disabled=disabled)
        snmpd.wait_log(r"^ipmibd \S+ started inside snmpd")
        expect_creds(snmpd.pid, uid, gid, [f"CAP_{c.upper()}" for c in caps])
        wait_for(lambda: snmpd.served_routes(), 10, what="routes served")
        before = kernel_route_table(lab, ns)
        rc, out = snmpd.set(f"{ENTRY}.17.{ROUTE}", "i", "4", f"{ENTRY}.12.{ROUTE}", "i", "40")
        expect(rc == 0, f"createAndGo as {USER} with the drop-in's capabilities failed: {out}{snmpd.tail()}")
        got = json.loads(lab.ip(ns, "-j", "route", "show", "198.51.100.0/24").stdout)
        expect(len(got) == 1 and got[0].get("gateway") == "192.0.2.1" and got[0].get("metric") == 40,
               f"route not created as set: {got}")
        wait_for(lambda: "INTEGER: 1" in snmpd.get(f"{ENTRY}.17.{ROUTE}"), 10, what="the new row active")
        expect(WARNING not in snmpd.read_log(), "CAP_NET_ADMIN warning although snmpd has the capability")
        rc, out = snmpd.set(f"{ENTRY}.17.{ROUTE}", "i", "6")
        expect(rc == 0, f"destroy refused: {out}")
        expect(kernel_route_table(lab, ns) == before, "destroy did not restore the route table")
        status_code = snmpd.terminate()
        if sanitizer:
            sanitizer.check()
        expect(status_code == 0, f"snmpd exited {status_code}:{snmpd.tail()}")
        step(f"as {USER} with {','.join(caps)} (ambient) on udp/161: creds exact, createAndGo + destroy "
             "applied to the kernel, no warning, exit 0")

        # 3. Without the capability: the packaged -u and a plain setpriv.
        variants = [("packaged-u", (), ["-u", USER, "-g", USER]),
                    ("plain-setpriv", ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups"], [])]
        for tag, wrap, extra in variants:
            snmpd = Snmpd(lab, ns, module, conf, tag=tag, write=True, wrap=wrap, sanitizer=sanitizer,
                          owner=(uid, gid), extra_args=extra)
            snmpd.wait_log(r"^ipmibd \S+ started inside snmpd")
            snmpd.wait_log(re.escape(WARNING), which=snmpd.warnlog)
            expect(WARNING not in snmpd.read_log(snmpd.errlog), "the CAP_NET_ADMIN warning was logged at LOG_ERR")
            expect_creds(snmpd.pid, uid, gid, [])
            wait_for(lambda: snmpd.served_routes(), 10, what="routes served")
            before = kernel_route_table(lab, ns)
            rc, out = snmpd.set(f"{ENTRY}.17.{ROUTE}", "i", "4", f"{ENTRY}.12.{ROUTE}", "i", "40")
            expect(rc != 0 and "noAccess" in out, f"{tag}: SET without CAP_NET_ADMIN was not refused with noAccess: {out}")
            expect(kernel_route_table(lab, ns) == before, f"{tag}: the refused SET changed the route table")
            expect("No Such" in snmpd.get(f"{ENTRY}.17.{ROUTE}"), f"{tag}: a row appeared after the refused SET")
            status_code = snmpd.terminate()
            if sanitizer:
                sanitizer.check()
            expect(status_code == 0, f"{tag}: snmpd exited {status_code}:{snmpd.tail()}")
            step(f"{tag}: no CAP_NET_ADMIN: LOG_WARNING at start, SET -> noAccess, ip route unchanged, exit 0")
    except LabError as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        lab.close()
    print(f"PASS ({step.total():.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
