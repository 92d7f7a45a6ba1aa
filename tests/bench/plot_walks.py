#!/usr/bin/env python3
"""Plots walk time against route count, one line per agent, from agent_bench.py --json files.

    python3 tests/bench/plot_walks.py OUT.svg RUN.json [RUN.json ...]

Full walks of inetCidrRouteTable (snmpbulkwalk -Cr50): warm solid, cold (first after start) dashed,
log-log axes. A system that did not walk the full table in a run (--large skips the AgentX hop and
Debian's snmpd) has no point there. Runs with --ipv4-only and mixed runs are separate lines (mixed:
hollow markers). Writes SVG by hand: the plot is made from manual runs only (CI never draws it), and
a few dozen lines of SVG need no plotting library on the machine.
"""
import json
import math
import sys

COLORS = {"a": "#d62728", "b": "#1f77b4", "c": "#7f7f7f", "d": "#2ca02c", "e": "#9467bd"}
W, H = 840, 480
LEFT, RIGHT, TOP, BOTTOM = 80, 330, 40, 60


def fmt_count(n):
    return f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k" if n >= 1e3 else str(n)


def fmt_seconds(s):
    return f"{s:g} s" if s >= 1 else f"{s * 1000:g} ms"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, runs = sys.argv[1], []
    for path in sys.argv[2:]:
        with open(path) as f:
            runs.append(json.load(f))
    names = {}
    series = {}  # (system, family, figure) -> [(routes, seconds)]
    for run in runs:
        names.update(run["names"])
        family = "IPv4" if run.get("ipv4_only") else "mixed"
        for key, r in run["results"].items():
            for figure in ("warm", "cold"):
                if r.get(figure) is not None:
                    series.setdefault((key, family, figure), []).append((run["routes"], r[figure]))
    if not series:
        sys.exit("no full-walk figures in these files")
    points = [p for s in series.values() for p in s]
    x0 = 10 ** math.floor(math.log10(min(p[0] for p in points)))
    x1 = 10 ** math.ceil(math.log10(max(p[0] for p in points)))
    y0 = 10 ** math.floor(math.log10(min(p[1] for p in points)))
    y1 = 10 ** math.ceil(math.log10(max(p[1] for p in points)))
    if x1 == x0:
        x1 *= 10
    if y1 == y0:
        y1 *= 10
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x):
        return LEFT + pw * (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0))

    def py(y):
        return TOP + ph * (1 - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)))

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" '
           f'font-size="12"><rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="14">inetCidrRouteTable full walk (snmpbulkwalk -Cr50) '
           'against route count</text>']
    decade = x0
    while decade <= x1 * 1.0001:
        svg.append(f'<line x1="{px(decade):.1f}" y1="{TOP}" x2="{px(decade):.1f}" y2="{TOP + ph}" stroke="#ddd"/>')
        svg.append(f'<text x="{px(decade):.1f}" y="{TOP + ph + 18}" text-anchor="middle">{fmt_count(decade)}</text>')
        decade *= 10
    decade = y0
    while decade <= y1 * 1.0001:
        svg.append(f'<line x1="{LEFT}" y1="{py(decade):.1f}" x2="{LEFT + pw}" y2="{py(decade):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{LEFT - 6}" y="{py(decade) + 4:.1f}" text-anchor="end">{fmt_seconds(decade)}</text>')
        decade *= 10
    svg.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="black"/>')
    svg.append(f'<text x="{LEFT + pw / 2}" y="{H - 15}" text-anchor="middle">routes</text>')
    svg.append(f'<text x="18" y="{TOP + ph / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {TOP + ph / 2})">walk time</text>')
    families = {k[1] for k in series}
    legend_y = TOP + 10
    for (key, family, figure), pts in sorted(series.items()):
        pts.sort()
        color = COLORS.get(key, "black")
        dash = ' stroke-dasharray="6 4"' if figure == "cold" else ""
        fill = "white" if family == "mixed" else color
        if len(pts) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            svg.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for x, y in pts:
            svg.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{fill}" stroke="{color}" '
                       f'stroke-width="1.5"><title>({key}) {figure} {fmt_count(x)}: {y:.3f} s</title></circle>')
        label = f"({key}) {names.get(key, key)}, {figure}" + (f", {family}" if len(families) > 1 else "")
        lx = LEFT + pw + 15
        svg.append(f'<line x1="{lx}" y1="{legend_y}" x2="{lx + 24}" y2="{legend_y}" stroke="{color}" '
                   f'stroke-width="2"{dash}/>')
        svg.append(f'<circle cx="{lx + 12}" cy="{legend_y}" r="4" fill="{fill}" stroke="{color}"/>')
        svg.append(f'<text x="{lx + 30}" y="{legend_y + 4}" font-size="11">{label}</text>')
        legend_y += 18
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")
    print(f"wrote {out}: {len(series)} lines from {len(runs)} runs")


if __name__ == "__main__":
    main()
