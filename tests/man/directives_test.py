#!/usr/bin/env python3
"""ipmibd.conf(5)'s DIRECTIVES section lists exactly the directives `ipmibd -H` prints (the parser's
table, agent/common/daemon_config.cpp), in both directions, and with the same order."""
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import manpage

ipmibd, page = sys.argv[1], sys.argv[2]
out = subprocess.run([ipmibd, "-H"], check=True, capture_output=True, text=True).stdout
# The table: indented "TOKEN SYNTAX" lines up to the first empty line.
parser = []
for line in out.splitlines()[1:]:
    if not line.strip():
        break
    if not line.startswith("  "):
        sys.exit(f"FAIL: unexpected -H line {line!r}")
    parser.append(line.split()[0])
documented = [tag.split()[0] for tag in manpage.tags(manpage.section(page, "DIRECTIVES"))]
missing = [d for d in parser if d not in documented]
extra = [d for d in documented if d not in parser]
print("parser:    ", " ".join(parser))
print("ipmibd.conf.5:", " ".join(documented))
if missing:
    print("FAIL: not documented in ipmibd.conf(5):", " ".join(missing))
if extra:
    print("FAIL: documented but not parsed:", " ".join(extra))
if missing or extra:
    sys.exit(1)
if parser != documented:
    sys.exit("FAIL: ipmibd.conf(5) lists the directives in another order than ipmibd -H")
print(f"PASS: {len(parser)} directives, the same in ipmibd -H and ipmibd.conf(5)")
