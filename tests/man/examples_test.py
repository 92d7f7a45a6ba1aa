#!/usr/bin/env python3
"""Every example of the man pages is checked or declared illustrative: each .EX block must follow a
`.\\" example: KIND` comment. run: each line is executed (ipmibd and ipmibd-platform are the built
ones) and must exit 0 with output; config / standalone-config: the block is an ipmibd.conf,
checked with `ipmibd -t -C -c FILE` (with -S '' for the standalone directives), `backend linux`
added when the block has no backend line; illustrative: not run (deployment steps, snmpd lines).
conf/ipmibd.conf, the sample the package ships, is checked the same way."""
import os
import re
import shlex
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import tempfile

import manpage

ipmibd, platform, source_dir = sys.argv[1:4]
pages = sys.argv[4:]
programs = {"ipmibd": ipmibd, "ipmibd-platform": platform}
failures = []
counts = {}


def check_config(text, standalone, where):
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        if not any(line.split()[:1] == ["backend"] for line in text):
            f.write("backend linux\n")
        f.write("\n".join(text) + "\n")
    try:
        cmd = [ipmibd, "-t", "-C", "-c", f.name] + (["-S", ""] if standalone else [])
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            failures.append(f"{where}: ipmibd -t refused it:\n{r.stdout}{r.stderr}")
    finally:
        os.unlink(f.name)


for page in pages:
    name = os.path.basename(page)
    for kind, line_no, text in manpage.examples(page):
        where = f"{name}:{line_no}"
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "run":
            for command in text:
                argv = shlex.split(command)
                if argv[0] not in programs:
                    failures.append(f"{where}: a run example must start with ipmibd or ipmibd-platform")
                    continue
                r = subprocess.run([programs[argv[0]]] + argv[1:], capture_output=True, text=True, timeout=30)
                if r.returncode != 0 or not r.stdout:
                    failures.append(f"{where}: `{command}` exited {r.returncode}:\n{r.stderr}")
                else:
                    print(f"ran: {command}")
        elif kind in ("config", "standalone-config"):
            check_config(text, kind == "standalone-config", where)
        elif kind != "illustrative":
            failures.append(f"{where}: .EX block without an `.\\\" example: run|config|standalone-config|"
                            f"illustrative` line before it (found {kind!r})")
# README.md: each fenced block follows `<!-- example: tested-by TEST... -->` naming the ctest tests
# (or .ci/run, the CI entry point) that run its commands, or `<!-- example: illustrative -->`.
ctest_names = set()
for root, _, files in os.walk(os.path.join(source_dir, "tests")):
    for file in files:
        if file == "CMakeLists.txt":
            with open(os.path.join(root, file), encoding="utf-8") as f:
                ctest_names.update(re.findall(r"add_test\(NAME (\S+)", f.read()))
readme = os.path.join(source_dir, "README.md")
with open(readme, encoding="utf-8") as f:
    lines = f.read().splitlines()
inside = False
for number, line in enumerate(lines, 1):
    if not line.startswith("```"):
        continue
    inside = not inside
    if not inside:
        continue
    marker = re.match(r"<!-- example: (tested-by (.+)|illustrative) -->$", lines[number - 2] if number > 1 else "")
    counts["README block"] = counts.get("README block", 0) + 1
    if not marker:
        failures.append(f"README.md:{number}: code block without `<!-- example: tested-by TEST | illustrative -->`")
        continue
    for test in (marker.group(2) or "").split():
        if test != ".ci/run" and test not in ctest_names:
            failures.append(f"README.md:{number}: tested-by {test}: no such ctest test")
with open(os.path.join(source_dir, "conf", "ipmibd.conf"), encoding="utf-8") as f:
    check_config(f.read().splitlines(), False, "conf/ipmibd.conf")
print("examples:", ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=str)))
if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("PASS: every example is run, checked, or marked illustrative")
