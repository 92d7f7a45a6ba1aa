#!/usr/bin/env python3
"""Contexts benchmark (issue 18): one ipmibd serving many routing instances as SNMP contexts.

ipmibd runs as AgentX subagent of Debian's snmpd (its IP modules disabled), the deployment people
use; every request goes through that master, a context reached by a v2c community mapped to it
(`com2sec -Cn`). Two scenarios in one run (agent_bench.py's namespaces, routes, probe and walks):

  namespaces  --namespaces N named namespaces with --routes-per-ns IPv4 /32s each (every 20th with
              two next hops) and --ns-neighbors permanent neighbors, plus the same routes in the
              benchmark's own namespace (the default context), served by one ipmibd with one
              `context NAME netns NAME` line per namespace (--auto: `context auto netns`, which
              also serves every other named namespace on the machine). Figures: start-up until
              every context counts all its routes (inetCidrRouteNumber.0), ipmibd's RSS per route
              above the same ipmibd with the namespaces present and no routes, the probe's p99
              during that start-up and during a --flood of IPv6 route adds (then deletes) spread
              evenly over the namespaces, and the full inetCidrRouteTable walk of one context
              against the same routes in the default context (alternated, --walks each).
  big         --big-routes IPv4 /32s in one namespace, served once as the default context
              (`backend linux netns NS`) and once as a netns context (`context big netns NS`
              beside a default instance of the benchmark's own few routes): load time (spawn ->
              inetCidrRouteNumber.0 counts every row), RSS per route above the same configuration
              over the empty namespace, the probe at start-up and under a --big-flood of IPv6
              route adds and deletes, and a single-column walk of the slice 10.0.0.0/16.

The probe (agent_bench.Probe) GETs sysUpTime.0 + ifDescr.1, objects the master serves itself,
every 10 ms; during the floods a second probe GETs inetCidrRouteNumber.0 of a flooded context
(served by ipmibd through the master) every 10 ms. Budgets (docs/performance.md): <= 200 B of RSS
per route, probe p99 <= 50 ms. Debian's snmpd serves only its own namespace: it can serve neither
another namespace's routes nor contexts; --native walks its inetCidrRouteTable of the default
namespace's routes for the walk comparison (at 1M routes it does not load within minutes: not run).
Needs root, snmpd and the snmp tools; exits 77 (skip) without them, 1 when a context never counts
its routes or a flood is never caught up. Every namespace it creates is deleted on exit.
Full size (the defaults, --native): ~10 min on 2 CPUs, ~2 GB for `ip` while it loads 1M routes.
Small (ctest contexts_bench_smoke, ~1 min): --namespaces 4 --routes-per-ns 1000 --flood 4000
--big-routes 10000 --big-flood 2000 --walks 1 --native. Figures: tests/bench/RESULTS-contexts.md.
"""
import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agent_bench as ab  # noqa: E402

RESYNCS = "1.3.6.1.4.1.8072.9999.9999.42.1.3.0"  # ipmibdResyncs: full resyncs after event-socket overruns
SLICE = ab.COLUMN + ".1.4.10.0"  # inetCidrRouteIfIndex of the IPv4 destinations in 10.0.0.0/16


class Failure(Exception):
    pass


def route_number(data):
    """(request-id, inetCidrRouteNumber.0 or None) of a Response datagram to a GET of it, or None:
    None as the value when the answer is an error or an exception (no such object: not served)."""
    try:
        _, i, _ = ab._tlv(data, 0)
        _, _, i = ab._tlv(data, i)  # version
        _, _, i = ab._tlv(data, i)  # community
        tag, i, _ = ab._tlv(data, i)
        if tag != 0xA2:
            return None
        _, vs, i = ab._tlv(data, i)
        request_id = int.from_bytes(data[vs:i], "big", signed=True)
        _, es, i = ab._tlv(data, i)
        error = int.from_bytes(data[es:i], "big")
        _, _, i = ab._tlv(data, i)  # error-index
        _, i, _ = ab._tlv(data, i)  # varbind list
        _, i, _ = ab._tlv(data, i)  # varbind
        _, _, i = ab._tlv(data, i)  # name
        tag, vs, ve = ab._tlv(data, i)
        return request_id, (int.from_bytes(data[vs:ve], "big") if tag == 0x42 and not error else None)
    except IndexError:
        return None


def route_numbers(peer, communities, timeout=2.0):
    """{community: inetCidrRouteNumber.0 or None} from one GET per community, all sent at once
    over one socket (a sweep over 100 contexts costs one round of the master's queue, not 100
    snmpget processes); None for no answer within `timeout` or no such object."""
    host, port = peer.split(":")[1:]
    out = {c: None for c in communities}
    ids = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for n, community in enumerate(communities, 1):
            ids[n] = community
            sock.sendto(ab.get_request(n, (ab.NUMBER,), community.encode()), (host, int(port)))
        deadline = time.monotonic() + timeout
        pending = set(ids)
        while pending and time.monotonic() < deadline:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                answer = route_number(sock.recv(65536))
            except OSError:
                break
            if answer and answer[0] in pending:
                pending.discard(answer[0])
                out[ids[answer[0]]] = answer[1]
    return out


def wait_counts(system, expected, limit, exact=False):
    """Waits until each community's inetCidrRouteNumber.0 reaches expected[community] (== with
    exact); returns ({community: seconds when an answer said so}, seconds of the last, or None past
    `limit`). One GET outstanding per waiting community, resent 0.25 s (or the interval) after an
    unanswered one (a context not registered yet gets no answer from the master); about 100 GETs per
    second in all, at most 20 per second per community: the resolution of the times."""
    host, port = system.peer.split(":")[1:]
    addr = (host, int(port))
    t0 = time.monotonic()
    done, sent, ids, next_id = {}, {}, {}, 1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.01)
        while time.monotonic() - t0 < limit:
            pending = [c for c in expected if c not in done]
            if not pending:
                return done, max(done.values(), default=0.0)
            interval = min(1.0, max(0.05, 0.01 * len(pending)))
            now = time.monotonic()
            for community in pending:
                last, answered = sent.get(community, (0.0, True))
                if now - last >= (interval if answered else max(0.25, interval)):
                    ids[next_id] = community
                    sent[community] = (now, False)
                    sock.sendto(ab.get_request(next_id, (ab.NUMBER,), community.encode()), addr)
                    next_id += 1
            try:
                answer = route_number(sock.recv(65536))
            except OSError:  # timeout
                answer = None
            if answer and answer[0] in ids:
                community, value = ids.pop(answer[0]), answer[1]
                sent[community] = (sent[community][0], True)
                if value is not None and (value == expected[community] if exact else value >= expected[community]):
                    done.setdefault(community, time.monotonic() - t0)
            if system.server.poll() is not None:
                raise Failure(f"ipmibd exited (log: {system.work}/b.log)")
    return done, None


def context_system(args, work, contexts, backend="linux", lines=()):
    """An snmpd master + ipmibd (agent_bench's system b) with a community per context:
    contexts {community: context name}; `lines` go into ipmibd.conf."""
    system = ab.System("b", args, work, 0, 0)
    system.backend = backend
    system.ipmibd_extra = list(lines) + list(args.ipmibd_line)
    system.master_extra = ["view all included .1"]
    for n, (community, context) in enumerate(contexts.items()):
        system.master_extra += [f"com2sec -Cn {context} ctx{n} 127.0.0.1 {community}", f"group ctx{n} v2c ctx{n}",
                                f"access ctx{n} {context} any noauth exact all none none"]
    return system


def best_walks(system, targets, rounds):
    """{label: [seconds, ...]} of full inetCidrRouteTable walks of each (label, community), in turn,
    order reversed every round, after one unmeasured walk each (the first touch)."""
    out = {label: [] for label, _ in targets}
    for label, community in targets:
        ab.walk(system, ab.ENTRY, community=community)
    for r in range(rounds):
        for label, community in (targets if r % 2 == 0 else targets[::-1]):
            seconds, varbinds, _, _ = ab.walk(system, ab.ENTRY, community=community)
            out[label].append((seconds, varbinds))
    return out


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def probe_line(stat):
    if not stat or "p99" not in stat:
        return "no answer"
    return (f"p50 {stat['p50']:.1f} ms, p99 {stat['p99']:.1f} ms, max {stat['max']:.1f} ms, "
            f"{stat['answered']}/{stat['sent']} answered, lost {stat['lost']} after the first answer, "
            f"stall {stat['stall']:.0f} ms")


def idle_probe(system, community, seconds):
    """Both probes for `seconds` with nothing else asked of the agents: the floor the machine
    (shared, loaded) gives the start-up and flood figures."""
    with ab.Probe(system.peer) as master_probe, \
            ab.Probe(system.peer, oids=(ab.NUMBER,), community=community.encode()) as ctx_probe:
        time.sleep(seconds)
    return {"master": master_probe.result(), "context": ctx_probe.result(), "load": load()}


def resync_count(system, community):
    """ipmibdResyncs of the instance behind `community` (None when unanswered)."""
    r = subprocess.run(["snmpget", "-v2c", "-c", community, "-On", "-Oqv", "-t", "5", "-r", "0", system.peer, RESYNCS],
                       capture_output=True, text=True)
    value = r.stdout.strip()
    return int(value) if r.returncode == 0 and value.isdigit() else None


def flood_phase(system, work, namespaces, per_ns, expected_base, probe_community, limit):
    """Route adds then deletes (per_ns IPv6 /64s into each namespace, one `ip -batch` each in
    turn) with both probes running, until every context counts them; returns the figures."""
    out = {}
    for name, delete in (("add", False), ("del", True)):
        resyncs = resync_count(system, probe_community)
        expected = {c: expected_base[c] + (0 if delete else per_ns) for c in namespaces}
        with ab.Probe(system.peer) as master_probe, \
                ab.Probe(system.peer, oids=(ab.NUMBER,), community=probe_community.encode()) as ctx_probe:
            t = time.monotonic()
            for community, ns in namespaces.items():
                ab.flood(work, per_ns, delete, netns=ns)
            ip_seconds = time.monotonic() - t
            _, caught_up = wait_counts(system, expected, limit, exact=True)
            time.sleep(0.5)
        out[name] = {"master": master_probe.result(), "context": ctx_probe.result(), "ip_seconds": ip_seconds,
                     "caught_up": caught_up, "load": load(),
                     "resyncs": None if resyncs is None else (resync_count(system, probe_community) or 0) - resyncs}
        if caught_up is None:
            raise Failure(f"flood {name}: the contexts did not count it within {limit} s")
    return out


def scenario_namespaces(args, work, prefix, created, results):
    n = args.namespaces
    names = [f"{prefix}n{i:03d}" for i in range(n)]
    contexts = {f"c{i:03d}": ns for i, ns in enumerate(names)}
    lines = ["context auto netns"] if args.auto else [f"context {ns} netns {ns}" for ns in names]
    t = time.monotonic()
    for ns in names:
        ab.run(["ip", "netns", "add", ns])
        created.append(ns)
        ab.build_links(work, ns)
        ab.build_routes(work, 0, args.ns_neighbors, ipv4_only=True, netns=ns)
    r = {"namespaces": n, "routes_per_ns": args.routes_per_ns, "mode": lines[0] if args.auto else "context lines",
         "build_links_seconds": time.monotonic() - t}
    print(f"namespaces: {n} built (links, {args.ns_neighbors} neighbors each) in {r['build_links_seconds']:.1f} s",
          flush=True)
    every = dict(contexts, public="")  # the default context too (the benchmark's own namespace)

    # Baseline: the same ipmibd, every namespace present, no routes; walked as the loaded one is.
    system = context_system(args, work, contexts, lines=lines)
    try:
        t0 = system.start(0, 0)
        _, full = wait_counts(system, {c: 0 for c in every}, args.startup_cap)
        if full is None:
            raise Failure("baseline: not every context answered")
        r["empty_startup"] = full
        best_walks(system, [("context", "c000"), ("default", "public")], 1)
        r["empty_rss"] = ab.proc_status(system.server.pid, "VmRSS")
    finally:
        system.stop()
    print(f"namespaces: empty start-up {full:.2f} s, RSS {r['empty_rss'] / 2**20:.1f} MB", flush=True)

    t = time.monotonic()
    rows = 0
    for ns in names + [None]:
        rows, _ = ab.build_routes(work, args.routes_per_ns, 0, ipv4_only=True, netns=ns)
    r["load_kernel_seconds"] = time.monotonic() - t
    r["rows_per_ns"] = rows
    total_routes = args.routes_per_ns * (n + 1)
    print(f"namespaces: {total_routes} routes into {n} + 1 namespaces in {r['load_kernel_seconds']:.1f} s", flush=True)

    system = context_system(args, work, contexts, lines=lines)
    try:
        with ab.Probe(system.peer) as probe:
            t0 = system.start(0, 0)
            done, full = wait_counts(system, {c: rows for c in every}, args.startup_cap)
        r["startup_probe"] = probe.result()
        r["startup_cpu"] = ab.cpu_seconds([system.server.pid])
        r["startup_load"] = load()
        if full is None:
            raise Failure(f"start-up: {len(every) - len(done)} contexts did not count their routes "
                          f"within {args.startup_cap} s")
        times = sorted(done[c] for c in contexts)
        r["startup_first_context"], r["startup_median_context"] = times[0], statistics.median(times)
        r["startup_all"], r["startup_default"] = full, done["public"]
        print(f"namespaces: every context full {full:.2f} s after spawn; probe {probe_line(r['startup_probe'])}",
              flush=True)
        r["idle"] = idle_probe(system, "c000", args.idle)
        print(f"namespaces: idle probe {probe_line(r['idle']['master'])}", flush=True)
        walks = best_walks(system, [("context", "c000"), ("default", "public")], args.walks)
        r["walks"] = walks
        r["rss"] = ab.proc_status(system.server.pid, "VmRSS")
        r["bytes_per_route"] = (r["rss"] - r["empty_rss"]) / total_routes
        base = route_numbers(system.peer, list(contexts), 10.0)
        if None in base.values():
            raise Failure("no count before the flood")
        if args.flood:
            per_ns = max(1, args.flood // n)
            r["flood_per_ns"] = per_ns
            r["flood"] = flood_phase(system, work, contexts, per_ns, base, "c000", args.startup_cap)
            print(f"namespaces: flood of {per_ns * n} adds: probe {probe_line(r['flood']['add']['master'])}",
                  flush=True)
    finally:
        system.stop()

    if args.native:
        # Debian's snmpd serves the default namespace's copy of the routes, nothing else.
        native = ab.System("a", args, work, 0, 0)
        try:
            t0 = native.start(0, 0)
            ab.wait_any_answer(native, t0)
            cold = ab.walk(native, ab.ENTRY)
            warm = ab.walk(native, ab.ENTRY)
            r["native_walks"] = {"cold": cold[:2], "warm": warm[:2]}
        finally:
            native.stop()
    r["end_load"] = load()
    results["namespaces"] = r
    for ns in names:  # the kernel's copy of the routes goes before the next scenario loads its own
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        created.remove(ns)
    subprocess.run(["ip", "route", "flush", "proto", "static"], stderr=subprocess.DEVNULL)


def big_run(args, work, system, community, rows, with_flood, out, big):
    """Start-up with the probe, RSS, the slice walk, the flood, for one configuration over the
    loaded namespace."""
    try:
        with ab.Probe(system.peer) as probe:
            t0 = system.start(0, 0)
            _, full = wait_counts(system, {community: rows}, args.startup_cap)
        out["startup_probe"] = probe.result()
        out["startup_cpu"] = ab.cpu_seconds([system.server.pid])
        out["startup_load"] = load()
        if full is None:
            raise Failure(f"{community}: {rows} rows not counted within {args.startup_cap} s")
        out["startup"] = full
        print(f"big ({community}): full {full:.2f} s after spawn; probe {probe_line(out['startup_probe'])}", flush=True)
        out["idle"] = idle_probe(system, community, args.idle)
        seconds, varbinds, cpu, master = ab.walk(system, SLICE, community=community)
        out["slice"] = {"seconds": seconds, "varbinds": varbinds, "cpu": cpu, "master_cpu": master}
        out["rss"] = ab.proc_status(system.server.pid, "VmRSS")
        if with_flood:
            base = route_numbers(system.peer, [community], 10.0)
            out["flood"] = flood_phase(system, work, {community: big}, args.big_flood, base, community,
                                       args.startup_cap)
            print(f"big ({community}): flood probe {probe_line(out['flood']['add']['master'])}", flush=True)
    finally:
        system.stop()


def scenario_big(args, work, prefix, created, results):
    big, r = f"{prefix}big", {"routes": args.big_routes}
    ab.run(["ip", "netns", "add", big])
    created.append(big)
    ab.build_links(work, big)
    ab.build_routes(work, 0, args.ns_neighbors, ipv4_only=True, netns=big)
    configs = {  # served as the default context, and as a netns context beside the default one
        "default": ("public", lambda: context_system(args, work, {}, backend=f"linux netns {big}")),
        "context": ("cbig", lambda: context_system(args, work, {"cbig": "big"}, lines=[f"context big netns {big}"])),
    }
    for key, (community, make) in configs.items():
        system = make()
        try:
            t0 = system.start(0, 0)
            _, full = wait_counts(system, {community: 0}, args.startup_cap)
            if full is None:
                raise Failure(f"big baseline {key}: no answer")
            ab.walk(system, SLICE, community=community)
            r[f"{key}_empty_rss"] = ab.proc_status(system.server.pid, "VmRSS")
        finally:
            system.stop()
    t = time.monotonic()
    rows, _ = ab.build_routes(work, args.big_routes, 0, ipv4_only=True, netns=big)
    r["load_kernel_seconds"] = time.monotonic() - t
    r["rows"] = rows
    print(f"big: {args.big_routes} routes into {big} in {r['load_kernel_seconds']:.1f} s", flush=True)
    for key, (community, make) in configs.items():
        out = r[key] = {}
        big_run(args, work, make(), community, rows, bool(args.big_flood), out, big)
        out["bytes_per_route"] = (out["rss"] - r[f"{key}_empty_rss"]) / args.big_routes
    r["end_load"] = load()
    results["big"] = r


def ms(v):
    return "-" if v is None else (f"{v:.1f} ms" if v < 1000 else f"{v / 1000:.2f} s")


def verdict(ok):
    return "met" if ok else "MISSED"


def probe_cells(stat):
    if not stat or "p99" not in stat:
        return ["no answer", "-"]
    ok = stat["p99"] <= 50 and stat["lost"] == 0
    return [f"{ms(stat['p99'])} (max {ms(stat['max'])}, lost {stat['lost']})", verdict(ok)]


def print_namespaces(r):
    fmt = ab.fmt_time
    n = r["namespaces"]
    print(f"\n### {n} namespaces x {r['routes_per_ns']} IPv4 routes ({r['rows_per_ns']} rows each), "
          f"{r['mode']}, + the same routes in the default context")
    rows = [["figure", "value", "budget"]]
    rows.append([f"routes into the kernel (ip -batch, {n + 1} namespaces)", fmt(r["load_kernel_seconds"]), ""])
    rows.append(["start-up, every context counting 0 routes (empty namespaces)", fmt(r["empty_startup"]), ""])
    rows.append(["start-up: first context full", fmt(r["startup_first_context"]), ""])
    rows.append(["start-up: median context full", fmt(r["startup_median_context"]), ""])
    rows.append(["start-up: default context full", fmt(r["startup_default"]), ""])
    rows.append(["start-up: every context full", fmt(r["startup_all"]), ""])
    rows.append(["  ipmibd CPU until then", fmt(r["startup_cpu"]), ""])
    rows.append(["ipmibd RSS empty / loaded", f"{r['empty_rss'] / 2**20:.1f} MB / {r['rss'] / 2**20:.1f} MB", ""])
    rows.append(["  bytes per route above empty namespaces", f"{r['bytes_per_route']:.0f} B",
                 f"<= 200 B: {verdict(r['bytes_per_route'] <= 200)}"])
    rows.append(["probe p99 during start-up"] + probe_cells(r["startup_probe"]))
    rows.append([f"probe p99 idle (control: nothing asked of the agents, load {r['idle']['load']})"]
                + probe_cells(r["idle"]["master"]))
    rows.append(["  inetCidrRouteNumber.0 GET in a context, idle: p99"] + probe_cells(r["idle"]["context"]))
    if r.get("flood"):
        per = r["flood_per_ns"]
        for key, label in (("add", "adds"), ("del", "deletes")):
            f = r["flood"][key]
            rows.append([f"probe p99 during {per * n} IPv6 route {label} ({per} per namespace; ip took "
                         f"{fmt(f['ip_seconds'])}, caught up {fmt(f['caught_up'])} after; resyncs in the probed "
                         f"context {f.get('resyncs')})"] + probe_cells(f["master"]))
            rows.append(["  inetCidrRouteNumber.0 GET in a flooded context: p99"] + probe_cells(f["context"]))
    w = r["walks"]
    ctx, dflt = min(s for s, _ in w["context"]), min(s for s, _ in w["default"])
    rows.append([f"full inetCidrRouteTable walk, one context (min of {len(w['context'])})",
                 f"{fmt(ctx)} ({w['context'][0][1]} varbinds)", ""])
    rows.append([f"full inetCidrRouteTable walk, default context (min of {len(w['default'])})",
                 f"{fmt(dflt)} ({w['default'][0][1]} varbinds)", ""])
    rows.append(["  context / default", f"{ctx / dflt:.2f}", ""])
    if r.get("native_walks"):
        nw = r["native_walks"]
        rows.append(["Debian's snmpd, the default namespace's routes: cold / warm walk",
                     f"{fmt(nw['cold'][0])} / {fmt(nw['warm'][0])} ({nw['warm'][1]} varbinds)", ""])
        rows.append(["  context (ipmibd via master) / Debian's snmpd warm", f"{ctx / nw['warm'][0]:.2f}", ""])
    ab.print_markdown(rows)
    print(f"load average: start-up {r['startup_load']}; end {r['end_load']}")


def print_big(r):
    fmt = ab.fmt_time
    print(f"\n### {r['routes']} IPv4 routes ({r['rows']} rows) in one namespace: default context vs netns context")
    rows = [["figure", "default context", "netns context", "context / default"]]

    def add(label, get, text, budget=None):
        d, c = get(r["default"]), get(r["context"])
        numbers = isinstance(d, (int, float)) and isinstance(c, (int, float))
        rows.append([label, text(d), text(c), f"{c / d:.2f}" if numbers and d else "-"])

    add("load: spawn -> inetCidrRouteNumber.0 counts every row", lambda x: x["startup"], fmt)
    add("  ipmibd CPU until then", lambda x: x["startup_cpu"], fmt)
    add("RSS bytes per route above the empty namespace", lambda x: x["bytes_per_route"], lambda v: f"{v:.0f} B")
    add("probe p99 during start-up", lambda x: x["startup_probe"].get("p99"), ms)
    add("probe p99 idle (control: agents idle)", lambda x: x["idle"]["master"].get("p99"), ms)
    add("  inetCidrRouteNumber.0 GET p99, idle", lambda x: x["idle"]["context"].get("p99"), ms)
    if r["default"].get("flood"):
        for key, label in (("add", "adds"), ("del", "deletes")):
            add(f"probe p99 during the flood's {label}", lambda x: x["flood"][key]["master"].get("p99"), ms)
            add("  lost after the first answer", lambda x: x["flood"][key]["master"]["lost"], str)
            add("  inetCidrRouteNumber.0 GET p99 in the flooded context",
                lambda x: x["flood"][key]["context"].get("p99"), ms)
            add("  caught up after ip exited", lambda x: x["flood"][key]["caught_up"], fmt)
            add("  ipmibdResyncs during it (event-socket overruns)", lambda x: x["flood"][key].get("resyncs"),
                lambda v: "-" if v is None else str(v))
    add("single-column walk of 10.0.0.0/16", lambda x: x["slice"]["seconds"], fmt)
    add("  varbinds", lambda x: x["slice"]["varbinds"], str)
    ab.print_markdown(rows)
    for key in ("default", "context"):
        x = r[key]
        checks = [f"RSS {x['bytes_per_route']:.0f} B/route: {verdict(x['bytes_per_route'] <= 200)}",
                  f"start-up probe {probe_cells(x['startup_probe'])[1]}"]
        if x.get("flood"):
            checks += [f"flood {k} probe {probe_cells(x['flood'][k]['master'])[1]}" for k in ("add", "del")]
        print(f"budgets ({key}): " + "; ".join(checks))
    print(f"load average at the end: {r['end_load']}")


def main():
    class Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
        pass

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=Formatter)
    parser.add_argument("--scenarios", default="namespaces,big", help="namespaces, big or both")
    parser.add_argument("--namespaces", type=int, default=100, help="namespaces: how many")
    parser.add_argument("--routes-per-ns", type=int, default=10000, help="namespaces: IPv4 routes in each")
    parser.add_argument("--ns-neighbors", type=int, default=10, help="permanent neighbors per namespace")
    parser.add_argument("--flood", type=int, default=100000,
                        help="namespaces: IPv6 route adds (then deletes) spread over the namespaces (0: none)")
    parser.add_argument("--walks", type=int, default=3, help="namespaces: alternated walks of each (min kept)")
    parser.add_argument("--auto", action="store_true",
                        help="namespaces: `context auto netns` instead of one `context` line per namespace "
                             "(serves every named namespace on the machine, other programs' too)")
    parser.add_argument("--native", action="store_true",
                        help="namespaces: also walk Debian's snmpd over the default namespace's routes")
    parser.add_argument("--idle", type=float, default=5.0,
                        help="seconds of both probes with the agents idle after start-up: the machine's floor")
    parser.add_argument("--big-routes", type=int, default=1000000, help="big: IPv4 routes in the one namespace")
    parser.add_argument("--big-flood", type=int, default=100000, help="big: IPv6 route adds (then deletes) (0: none)")
    parser.add_argument("--startup-cap", type=float, default=900.0, help="seconds to wait for every count")
    parser.add_argument("--build-dir", default=os.path.join(ab.ROOT, "build"), help="where agent/daemon/ipmibd is")
    parser.add_argument("--ipmibd-line", action="append", default=[], metavar="LINE",
                        help="one more ipmibd.conf line for every ipmibd started (repeatable), "
                             "e.g. 'notifyRate 0' to see what the notifications cost")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep-work", action="store_true", help="keep the work directory (the agents' logs)")
    args = parser.parse_args()
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if any(s not in ("namespaces", "big") for s in scenarios):
        parser.error("--scenarios takes namespaces, big or both")
    args.ipmibd = os.path.join(args.build_dir, "agent", "daemon", "ipmibd")
    if not os.access(args.ipmibd, os.X_OK):
        sys.exit(f"missing {args.ipmibd}: build the ipmibd target")
    for tool in ("snmpd", "snmpbulkwalk", "snmpget", "ip"):
        if shutil.which(tool) is None:
            ab.skip(f"{tool} not installed")
    if os.geteuid() != 0:
        ab.skip("needs root for network namespaces")
    args.disabled = ab.disabled_modules()
    args.debug = None

    # SIGTERM/SIGINT/SIGHUP unwind through the finally below, which deletes every namespace.
    def interrupted(signum, _frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, interrupted)
    work = tempfile.mkdtemp(prefix="ipmibd-ctxbench.")
    os.makedirs(os.path.join(work, "persist"))
    prefix = f"ctxb{os.getpid() % 100000}{secrets.token_hex(2)}"
    created = []
    ns = None
    results = {}
    status = 0
    try:
        ns = ab.Namespace()  # the benchmark, the master and ipmibd live there: the default context
        print(f"machine: {ab.machine()}")
        print(f"command: {' '.join(sys.argv)}")
        if args.ipmibd_line:
            print(f"ipmibd.conf lines added: {args.ipmibd_line}")
        print(f"load average at start: {load()}", flush=True)
        ab.build_links(work)
        ab.build_routes(work, 0, args.ns_neighbors, ipv4_only=True)
        try:
            if "namespaces" in scenarios:
                scenario_namespaces(args, work, prefix, created, results)
            if "big" in scenarios:
                scenario_big(args, work, prefix, created, results)
        except Failure as e:
            print(f"FAILED: {e}")
            status = 1
        if "namespaces" in results:
            print_namespaces(results["namespaces"])
        if "big" in results:
            print_big(results["big"])
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"machine": ab.machine(), "date": time.strftime("%Y-%m-%d %H:%M"),
                           "command": sys.argv, "results": results}, f, indent=1)
    finally:
        for name in created:
            subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)
        if ns is not None:
            ns.close()
        if args.keep_work:
            print(f"work directory kept (agent logs): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
