#!/usr/bin/env bash
# Every man page formats without a single warning, with groff's full warnings and as man(1) shows it.
set -euo pipefail
command -v groff >/dev/null || { echo "SKIP: groff not installed (groff-base)"; exit 77; }
command -v man >/dev/null || { echo "SKIP: man not installed (man-db)"; exit 77; }
status=0
for page in "$@"; do
  out="$(groff -ww -z -man "$page" 2>&1)"
  out+="$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)"
  if [ -n "$out" ]; then
    echo "FAIL: $page:"
    echo "$out"
    status=1
  else
    echo "ok: $page"
  fi
done
exit "$status"
