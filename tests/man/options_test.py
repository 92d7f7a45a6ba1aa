#!/usr/bin/env python3
"""ipmibd(8)'s OPTIONS section documents exactly the options of `ipmibd -h` (whose list the unit
test "options: the usage text lists exactly what parseOptions accepts" ties to options.cpp)."""
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import manpage

OPTION = re.compile(r"^(--?[A-Za-z][A-Za-z-]*)")


def options_of(words):
    return {m.group(1) for w in words for m in [OPTION.match(w.strip(",[]"))] if m}


ipmibd, page = sys.argv[1], sys.argv[2]
usage = subprocess.run([ipmibd, "-h"], check=True, capture_output=True, text=True).stdout
accepted = set()
for line in usage.splitlines():
    if line.startswith("  -"):
        accepted |= options_of(re.split(r"\s{2,}", line.strip())[0].split())
documented = set()
for tag in manpage.tags(manpage.section(page, "OPTIONS")):
    documented |= options_of(tag.split())
print("ipmibd -h:", " ".join(sorted(accepted)))
print("ipmibd.8: ", " ".join(sorted(documented)))
if accepted != documented:
    print("FAIL: not in ipmibd(8):", " ".join(sorted(accepted - documented)) or "-")
    print("FAIL: in ipmibd(8) only:", " ".join(sorted(documented - accepted)) or "-")
    sys.exit(1)
print(f"PASS: {len(accepted)} options, the same in ipmibd -h and ipmibd(8)")
