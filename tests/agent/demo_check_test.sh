#!/usr/bin/env bash
# demo.sh --check as on a fresh clone: the repository's files (git ls-files: tracked and new, not
# ignored) copied into a private directory whose parent holds nothing else (no ../shared MIB
# texts), an empty MIB directory for the snmp tools, no ~/.snmp; every served table must return
# rows printed by name. Then, as nobody with snmpd reported missing, demo.sh must name the command
# that installs it and stop before building. Usage: demo_check_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$(cd "$1" && pwd)"
build="$(cd "$2" && pwd)"
work="$(mktemp -d /tmp/ipmibd-demo-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
clone="$work/ipmibd"
mkdir -p "$clone" "$work/mibs" "$work/home"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -C "$clone" -xf -
else
  (cd "$src" && tar --exclude=./build --exclude='./build-*' -cf - .) | tar -C "$clone" -xf -
fi
[ ! -e "$clone/../shared" ] || { echo "FAIL: $clone/../shared exists"; exit 1; }

out="$work/demo.out"
status=0
env HOME="$work/home" MIBDIRS="$work/mibs" MIBS= SNMPCONFPATH="$work/home" \
  bash "$clone/demo.sh" --check --no-build --build-dir "$build" >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" -eq 0 ] || { echo "FAIL: demo.sh --check exited $status"; exit 1; }
for expected in "SNMP table: inetCidrRouteTable" "SNMP table: ipmibdTableTable" "ipForwarding.0 = " \
  "demo.sh --check: every served table returned rows, every object named"; do
  grep -qF "$expected" "$out" || { echo "FAIL: no '$expected' in the output"; exit 1; }
done
grep -q 'inetCidrRouteIfIndex' "$out" || { echo "FAIL: no column names"; exit 1; }
echo "ok: fresh-clone demo.sh --check prints every table by name"

# Missing packages, not root: the command to run, exit 1, nothing built or started.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  mkdir -p "$work/bin"
  cat >"$work/bin/dpkg-query" <<'STUB'
#!/bin/sh
# dpkg-query stub: every package installed except snmpd.
for a; do p="$a"; done
[ "$p" = snmpd ] && exit 1
printf 'install ok installed'
STUB
  chmod 755 "$work/bin/dpkg-query" && chmod -R a+rX "$work"
  status=0
  setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$work/bin:$PATH" \
    bash "$clone/demo.sh" --check --build-dir "$work/nobuild" >"$out" 2>&1 || status=$?
  cat "$out"
  [ "$status" -eq 1 ] || { echo "FAIL: demo.sh exited $status, not 1"; exit 1; }
  grep -q "missing Debian packages: snmpd" "$out" && grep -q "\.ci/install-deps" "$out" ||
    { echo "FAIL: demo.sh did not say what to install and how"; exit 1; }
  [ ! -e "$work/nobuild" ] || { echo "FAIL: demo.sh built without its packages"; exit 1; }
  echo "ok: without root, demo.sh names .ci/install-deps for what is missing"
else
  echo "skipped: the missing-package case (needs root and setpriv to run as nobody)"
fi
echo "PASS"
