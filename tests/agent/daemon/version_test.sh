#!/usr/bin/env bash
# `ipmibd --version` (and -V, -v) prints project(VERSION) from CMake, and the man pages carry it.
set -euo pipefail
IPMIBD="$1" VERSION="$2" MANDIR="$3"
fail() { echo "FAIL: $*" >&2; exit 1; }
for flag in --version -V -v; do
  out="$("$IPMIBD" "$flag")" || fail "$flag exited $?"
  [[ "$out" =~ ^ipmibd\ ${VERSION//./\\.}\ \(Net-SNMP\ [0-9.]+\)$ ]] || fail "$flag printed '$out', expected 'ipmibd $VERSION (Net-SNMP ...)'"
  echo "ok: $flag: $out"
done
for page in ipmibd.8 ipmibd-platform.8 ipmibd.conf.5; do
  grep -q "^\.TH .* \"ipmibd $VERSION\" " "$MANDIR/$page" || fail "$page: .TH does not name ipmibd $VERSION"
done
echo "PASS: version $VERSION"
