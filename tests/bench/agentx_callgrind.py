#!/usr/bin/env python3
"""Counts the instructions ipmibd over AgentX (b), the minimal subagent (c) and ipmibd -S (d) execute per walk.

The deterministic companion of agent_bench.py: it builds the same namespace (N routes, M neighbors)
and starts the same systems, but runs each serving process under `valgrind --tool=callgrind`.
Once the process answers a full inetCidrRouteNumber.0, each workload (one `snmpbulkwalk -Cr50` of
inetCidrRouteTable, one of its inetCidrRouteIfIndex column) runs between `callgrind_control -z`
(zero) and `-d` (dump), so the dump holds the instructions (Ir) the process executed for that walk
alone; `callgrind_annotate --inclusive=yes` gives its own request handler's share (ipmibd's
subtree handler, the minimal subagent's tableHandler). --master puts the snmpd master of (b) and
(c) under callgrind too, to show it does the same work for both. Why instruction counts: a walk
through the AgentX hop is thousands of request/response turns whose wall-clock time and CPU seconds
vary on a shared VM by more than the 1.2x margin of issue 6's target; the instructions executed for
the same walk of the same table do not. Callgrind runs ~50x slower than native: keep N modest (10k
routes take minutes). Needs root, snmpd, the snmp tools and valgrind; exits 77 (skip) without them.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import agent_bench as ab  # noqa: E402

SYSTEMS = "bcd"
COLUMNS = 11  # inetCidrRouteTable's readable columns, 7-17
# The request handlers, as callgrind_annotate names them (file:function, without the object).
IPMIBD_HANDLER = ("ipmibd::agent::(anonymous namespace)::handle(netsnmp_mib_handler_s*, "  # subtree_handler.cpp
                  "netsnmp_handler_registration_s*, netsnmp_agent_request_info_s*, netsnmp_request_info_s*)")
HANDLERS = {"b": IPMIBD_HANDLER, "c": "tableHandler", "d": IPMIBD_HANDLER}  # c: tests/bench/minimal_subagent.c
WORKLOADS = (("full", "full walk", ab.ENTRY), ("column", "single-column walk (IfIndex)", ab.COLUMN))


class Profiled:
    """One process under callgrind: zeroes its counters, dumps them and reads a dump back."""

    def __init__(self, out, pid):
        self.out, self.pid, self.dumps = out, pid, 0

    def control(self, *params):
        # A fresh valgrind process may not be listed by vgdb yet: retry "not detected".
        for _ in range(50):
            r = subprocess.run(["callgrind_control", *params, str(self.pid)], capture_output=True, text=True)
            if "OK." in r.stdout:
                return
            time.sleep(0.2)
        raise RuntimeError(f"callgrind_control {' '.join(params)} {self.pid}: {r.stdout}{r.stderr}")

    def dump(self, description):
        self.control("-d", description)
        self.dumps += 1
        return f"{self.out}.{self.dumps}"


def annotate(path, handler):
    """(whole process Ir, the handler's inclusive Ir or None) of one callgrind dump."""
    r = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--auto=no", path],
                       capture_output=True, text=True, check=True)
    total, own = None, None
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if not m:
            continue
        ir, what = int(m.group(1).replace(",", "")), m.group(2)
        if what.startswith("PROGRAM TOTALS"):
            total = ir
        elif handler and re.sub(r" \[[^\[\]]*\]$", "", what).split(":", 1)[-1] == handler:
            own = max(own or 0, ir)
    return total, own


class CallgrindSystem(ab.System):
    """agent_bench's system with its serving process (and with --master, its master) under callgrind."""

    def __init__(self, key, args, work, rows4, rows6):
        super().__init__(key, args, work, rows4, rows6)
        self.profiled = {}  # "server" / "master" -> Profiled

    def _spawn(self, cmd, log):
        role = "master" if cmd[0] == "snmpd" else "server"
        if role == "master" and not self.args.master:
            return super()._spawn(cmd, log)
        out = os.path.join(self.work, f"callgrind-{self.key}-{role}.out")
        # Uncompressed names: each dump after the first would otherwise name library functions by
        # ids defined in an earlier dump, and callgrind_annotate would charge them to main's caller.
        p = super()._spawn(["valgrind", "--tool=callgrind", "--compress-strings=no", f"--callgrind-out-file={out}",
                            f"--log-file={out}.log"] + cmd, log)
        self.profiled[role] = Profiled(out, p.pid)
        return p


def measure(args, key, work, rows4, rows6):
    """{workload: {varbinds, expected, ir, handler, master}} for one system."""
    system = CallgrindSystem(key, args, work, rows4, rows6)
    results = {}
    try:
        t0 = system.start(rows4, rows6)
        if ab.wait_full_answer(system, t0, rows4 + rows6, args.startup_cap) is None:
            raise RuntimeError(f"system {key}: no full inetCidrRouteNumber.0 within {args.startup_cap:.0f} s")
        rows = int(ab.snmpget(system.peer, ab.NUMBER, 10.0))
        for name, _, oid in WORKLOADS:
            for p in system.profiled.values():
                p.control("-z")
            _, varbinds, _, _ = ab.walk(system, oid)
            r = {"varbinds": varbinds, "expected": rows * (COLUMNS if name == "full" else 1)}
            r["ir"], r["handler"] = annotate(system.profiled["server"].dump(name), HANDLERS[key])
            if "master" in system.profiled:
                r["master"], _ = annotate(system.profiled["master"].dump(name), None)
            results[name] = r
    finally:
        system.stop()
    return results


def print_table(args, results, rows4, rows6):
    systems = [k for k in SYSTEMS if k in results]
    lines = []  # (label, {key: raw value}, formatter, ratio?)
    millions = lambda v: f"{v / 1e6:,.1f} M"
    for name, title, _ in WORKLOADS:
        def add(label, f, fmt, ratio=True):
            lines.append((label, {k: f(results[k][name]) for k in systems}, fmt, ratio))

        add(f"{title}: varbinds", lambda r: r["varbinds"], str)
        add("  Ir, whole serving process", lambda r: r["ir"], millions)
        add("  Ir per varbind", lambda r: r["ir"] / r["varbinds"] if r["varbinds"] else None, lambda v: f"{v:,.0f}")
        add("  Ir, own request handler (inclusive)", lambda r: r["handler"], millions)
        add("  handler share of the process", lambda r: r["handler"] / r["ir"] if r["handler"] else None,
            lambda v: f"{100 * v:.1f} %", False)
        if args.master:
            add("  Ir, snmpd master", lambda r: r.get("master"), millions)
    ratio = "b" in systems and "c" in systems
    header = ["figure"] + [f"({k}) {ab.NAMES[k]}" for k in systems] + (["b/c"] if ratio else [])
    table = [header]
    for label, raw, fmt, has_ratio in lines:
        row = [label] + [fmt(raw[k]) if raw[k] is not None else "-" for k in systems]
        if ratio:
            row.append(f"{raw['b'] / raw['c']:.2f}" if has_ratio and raw["b"] and raw["c"] else "")
        table.append(row)
    print(f"\nipmibd AgentX instruction counts (callgrind): {args.routes} routes ({rows4} IPv4 + {rows6} IPv6 rows "
          f"incl. multipath next hops), {args.neighbors} neighbors")
    ab.print_markdown(table)
    print()
    if ratio:
        whole = ", ".join(f"{results['b'][n]['ir'] / results['c'][n]['ir']:.2f} ({t.split(' (')[0]})"
                          for n, t, _ in WORKLOADS)
        print(f"whole subagent b/c = {whole} (target ≤ 1.2)")
    if "b" in systems and all(results["b"][n]["handler"] for n, _, _ in WORKLOADS):
        share = ", ".join(f"{100 * results['b'][n]['handler'] / results['b'][n]['ir']:.1f} % ({t.split(' (')[0]})"
                          for n, t, _ in WORKLOADS)
        print(f"ipmibd handler share = {share} (target ≤ 10 %)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", type=int, default=10000)
    parser.add_argument("--neighbors", type=int, default=1000)
    parser.add_argument("--systems", default="b,c", help="comma-separated subset of b,c,d")
    parser.add_argument("--master", action="store_true", help="count the snmpd master's instructions too (b, c)")
    parser.add_argument("--startup-cap", type=float, default=900.0,
                        help="seconds to wait (under callgrind) for a full inetCidrRouteNumber.0")
    parser.add_argument("--build-dir", default=os.path.join(ab.ROOT, "build"))
    parser.add_argument("--keep", action="store_true", help="keep the work dir with the callgrind dumps")
    args = parser.parse_args()
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if not args.systems or any(s not in SYSTEMS for s in args.systems):
        parser.error("--systems takes a comma-separated subset of b,c,d")
    args.ipmibd = os.path.join(args.build_dir, "agent", "daemon", "ipmibd")
    args.minimal = os.path.join(args.build_dir, "tests", "bench", "minimal_subagent")
    for path in (args.ipmibd, args.minimal):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: build the ipmibd and minimal_subagent targets")
    for tool in ("snmpd", "snmpbulkwalk", "snmpget", "ip", "valgrind", "callgrind_control", "callgrind_annotate"):
        if shutil.which(tool) is None:
            ab.skip(f"{tool} not installed")
    if os.geteuid() != 0:
        ab.skip("needs root for network namespaces")
    args.disabled = ab.disabled_modules()

    work = tempfile.mkdtemp(prefix="ipmibd-callgrind.")
    os.makedirs(os.path.join(work, "persist"))
    ns = ab.Namespace()
    try:
        valgrind = subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip()
        print(f"machine: {ab.machine()}, {valgrind}")
        print(f"command: {' '.join(sys.argv)}")
        ab.build_links(work)
        rows4, rows6 = ab.build_routes(work, args.routes, args.neighbors)
        results, errors = {}, []
        for key in SYSTEMS:
            if key not in args.systems:
                continue
            t = time.monotonic()
            print(f"measuring ({key}) {ab.NAMES[key]} under callgrind ...", flush=True)
            results[key] = measure(args, key, work, rows4, rows6)
            print(f"  done in {time.monotonic() - t:.0f} s", flush=True)
            for name, title, _ in WORKLOADS:
                r = results[key][name]
                if r["varbinds"] != r["expected"]:
                    errors.append(f"({key}) {title}: {r['varbinds']} varbinds, expected {r['expected']}")
                if r["handler"] is None:
                    errors.append(f"({key}) {title}: no {HANDLERS[key]} in the callgrind dump")
        print_table(args, results, rows4, rows6)
        for e in errors:
            print(f"ERROR: {e}")
        if errors:
            sys.exit(1)
    finally:
        ns.close()
        if args.keep:
            print(f"callgrind dumps kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
