#!/usr/bin/env bash
# The Debian package end to end (ctest packaging_deb; root, Debian 12):
#   packaging/build-deb OUTDIR     build (nocheck)
#   lintian                        no error or warning
#   dpkg -i                        every file where expected, conffile, unit installed and not enabled,
#                                  system user; systemd-analyze verify of the installed unit
#   daemon                         the installed /usr/sbin/ipmibd with the installed /etc/snmp/ipmibd.conf
#                                  (found by default, not given with -c) as user ipmibd, against a private
#                                  snmpd master in a network namespace; tables walked through the master
#   module                         a private snmpd in the namespace loads the installed ipmibd.so (dlmod)
#                                  and reads the installed ipmibd.conf; walked
#   dpkg --purge                   nothing of the package left but the system user (kept by convention)
# Restores the machine whatever happens (trap): agents killed, namespace deleted, package purged, the
# user it created removed. Refuses to run where ipmibd is already installed or /etc/snmp/ipmibd.conf exists.
#   package_test.sh OUTDIR [DEB]   DEB: test that .deb instead of building one (lintian still runs on it)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$1"
DEB="${2:-}"
MULTIARCH="$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
fail() {
  echo "FAIL: $*" >&2
  for f in "${WORK:-/nonexistent}"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}
trap 'echo "FAIL: line $LINENO: \"$BASH_COMMAND\" exited with status $?" >&2' ERR

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (dpkg -i)"; exit 77; }
for tool in dpkg-buildpackage dh lintian fakeroot snmpd snmpwalk systemd-analyze ip; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (.ci/install-deps)"; exit 77; }
done
if dpkg-query -W -f='${Status}' ipmibd 2>/dev/null | grep -q 'installed\|config-files'; then
  fail "the ipmibd package is already on this machine: the test would remove it (dpkg --purge ipmibd first)"
fi
[ ! -e /etc/snmp/ipmibd.conf ] || fail "/etc/snmp/ipmibd.conf exists (not from the package): move it away first"

WORK="$(mktemp -d /tmp/ipmibd-pkg.XXXXXX)"
chmod 755 "$WORK"
NS="ipmibd-pkg-$$"
PIDS=()
user_existed=no
getent passwd ipmibd >/dev/null && user_existed=yes
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  if dpkg-query -W ipmibd >/dev/null 2>&1; then dpkg --purge ipmibd >/dev/null 2>&1 || echo "cleanup: dpkg --purge ipmibd failed" >&2; fi
  if [ "$user_existed" = no ] && getent passwd ipmibd >/dev/null; then
    deluser --quiet --system ipmibd >/dev/null 2>&1 || userdel ipmibd || true
    getent group ipmibd >/dev/null && { delgroup --quiet --system ipmibd >/dev/null 2>&1 || groupdel ipmibd || true; }
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build"
if [ -z "$DEB" ]; then
  start=$SECONDS
  # -g1 (line tables) unless the caller says otherwise: the same package, a third less compile time.
  export IPMIBD_G1="${IPMIBD_G1-1}"
  DEB="$("$ROOT/packaging/build-deb" "$OUT" >"$WORK/build.log" 2>&1 && tail -1 "$WORK/build.log")" ||
    { tail -40 "$WORK/build.log"; fail "packaging/build-deb"; }
  echo "built $DEB in $((SECONDS - start)) s (IPMIBD_G1=$IPMIBD_G1)"
fi
[ -f "$DEB" ] || fail "no package $DEB"
CHANGES="${DEB%.deb}.changes"

echo "== lintian"
# lintian's own verdict (pedantic and info tags shown): any error or warning fails.
lintian --pedantic --display-info "$([ -f "$CHANGES" ] && echo "$CHANGES" || echo "$DEB")" >"$WORK/lintian.out" 2>&1 || true
cat "$WORK/lintian.out"
grep -qE '^[EW]: ' "$WORK/lintian.out" && fail "lintian reports errors or warnings (above)"

echo "== install"
# Directories the package shares with others: after purge exactly these may remain.
existed_before() { [ -e "$1" ] && echo "$1"; }
mapfile -t pkgpaths < <(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|; s|/$||; /^$/d')
: >"$WORK/dirs-before"
for p in "${pkgpaths[@]}"; do existed_before "$p" >>"$WORK/dirs-before" || true; done
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >"$WORK/dpkg-install.log" 2>&1 ||
  { cat "$WORK/dpkg-install.log"; fail "dpkg -i"; }
# Exactly these files (dpkg -L minus directories).
dpkg -L ipmibd | while read -r p; do [ -d "$p" ] || echo "$p"; done | sort >"$WORK/files"
sort >"$WORK/expected" <<LIST
/etc/snmp/ipmibd.conf
/lib/systemd/system/ipmibd.service
/usr/bin/ipmibd-platform
/usr/lib/$MULTIARCH/ipmibd/ipmibd.so
/usr/sbin/ipmibd
/usr/share/doc/ipmibd/README.Debian
/usr/share/doc/ipmibd/README.md.gz
/usr/share/doc/ipmibd/changelog.gz
/usr/share/doc/ipmibd/copyright
/usr/share/doc/ipmibd/examples/snmpd-agentx.conf
/usr/share/doc/ipmibd/examples/snmpd-disabled-modules.sh
/usr/share/doc/ipmibd/examples/snmpd-inprocess.conf
/usr/share/doc/ipmibd/examples/snmpd-ipmibd.conf
/usr/share/doc/ipmibd/examples/snmpd-master.conf
/usr/share/doc/ipmibd/examples/snmpd.default
/usr/share/man/man5/ipmibd.conf.5.gz
/usr/share/man/man8/ipmibd-platform.8.gz
/usr/share/man/man8/ipmibd.8.gz
/usr/share/snmp/mibs/IPMIBD-MIB.txt
LIST
if ! diff "$WORK/files" "$WORK/expected"; then
  fail "installed files differ from the expected list (< installed, > expected)"
fi
echo "files: $(wc -l <"$WORK/files") as expected"
dpkg-query -W -f='${Conffiles}\n' ipmibd | grep -q '^ /etc/snmp/ipmibd.conf ' || fail "/etc/snmp/ipmibd.conf is not a conffile"
cmp -s /etc/snmp/ipmibd.conf "$ROOT/conf/ipmibd.conf" || fail "/etc/snmp/ipmibd.conf is not conf/ipmibd.conf"
grep -Eq '^writeAccess' /etc/snmp/ipmibd.conf && fail "the shipped ipmibd.conf enables writes"
grep -q "^ExecStart=/usr/sbin/ipmibd " /lib/systemd/system/ipmibd.service || fail "the unit's ExecStart is not /usr/sbin/ipmibd"
grep -qx "dlmod ipmibd /usr/lib/$MULTIARCH/ipmibd/ipmibd.so" /usr/share/doc/ipmibd/examples/snmpd-inprocess.conf ||
  fail "examples/snmpd-inprocess.conf does not name the packaged module"
grep -q "/usr/local" /usr/share/doc/ipmibd/examples/snmpd-ipmibd.conf && fail "examples/snmpd-ipmibd.conf names /usr/local"
ldd /usr/sbin/ipmibd /usr/lib/"$MULTIARCH"/ipmibd/ipmibd.so | grep -q 'not found' && fail "unresolved libraries"
getent passwd ipmibd >/dev/null || fail "no system user ipmibd"
# Installed, not enabled (README.Debian: the admin enables it once snmpd is its master).
ls /etc/systemd/system/*.wants/ipmibd.service 2>/dev/null && fail "ipmibd.service was enabled on install"
/usr/sbin/ipmibd -V | grep -q "$(dpkg-query -W -f='${Version}' ipmibd)" || fail "ipmibd -V is not the package version"

echo "== systemd-analyze verify (installed unit)"
verify="$(systemd-analyze verify --man=no /lib/systemd/system/ipmibd.service 2>&1)" || { echo "$verify"; fail "systemd-analyze verify"; }
# Without a running systemd, verify may warn about its environment; anything about our unit fails.
if echo "$verify" | grep -i "ipmibd.service:" | grep -iv "snmpd.service"; then fail "systemd-analyze verify complained about ipmibd.service"; fi
echo "verified"

echo "== daemon: /usr/sbin/ipmibd with /etc/snmp/ipmibd.conf, AgentX master in namespace $NS"
. "$ROOT/conf/snmpd-disabled-modules.sh"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" link set d1 up
ip -n "$NS" link set d0 up
ip -n "$NS" addr add 192.0.2.10/24 dev d0
# Background processes are started with `ip netns exec` itself (it execs them: $! is their pid).
walk() { ip netns exec "$NS" snmpwalk -v2c -c public -On -t 2 -r 1 "127.0.0.1:$1" "$2"; }
mkdir -m 755 "$WORK/agentx"
cat >"$WORK/master.conf" <<CONF
master agentx
agentXSocket $WORK/agentx/master
agentXPerms 0660 0750 root ipmibd
rocommunity public 127.0.0.1
CONF
ip netns exec "$NS" snmpd -f -Lf "$WORK/master.log" -C -c "$WORK/master.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
  -p "$WORK/master.pid" udp:127.0.0.1:1161 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$WORK/agentx/master" ] && break; sleep 0.1; done
[ -S "$WORK/agentx/master" ] || fail "the master did not create its AgentX socket"
# As the unit runs it: the package's user, only CAP_NET_ADMIN kept; no -c (the default path).
ip netns exec "$NS" /usr/sbin/ipmibd -f -Lf "$WORK/ipmibd.log" -u ipmibd -g ipmibd -x "$WORK/agentx/master" &
PIDS+=($!)
ok=no
for _ in $(seq 100); do
  if walk 1161 1.3.6.1.2.1.4.24.7.1.7 2>/dev/null | grep -q '\.1\.4\.192\.0\.2\.0\.24\.'; then ok=yes; break; fi
  kill -0 "${PIDS[-1]}" 2>/dev/null || fail "ipmibd exited"
  sleep 0.2
done
[ "$ok" = yes ] || fail "no inetCidrRouteTable row for 192.0.2.0/24 through the master"
walk 1161 1.3.6.1.2.1.4.34.1.3 | grep -q '\.1\.4\.192\.0\.2\.10 = INTEGER' || fail "no ipAddressTable row for 192.0.2.10"
grep -q "backend linux" "$WORK/ipmibd.log" || fail "ipmibd's log does not show the shipped backend linux"
echo "walked inetCidrRouteTable and ipAddressTable through the master ($(walk 1161 1.3.6.1.2.1.4.24.7 | wc -l) route instances)"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

echo "== module: snmpd with dlmod /usr/lib/$MULTIARCH/ipmibd/ipmibd.so"
cat >"$WORK/inproc.conf" <<CONF
rocommunity public 127.0.0.1
dlmod ipmibd /usr/lib/$MULTIARCH/ipmibd/ipmibd.so
CONF
# -C: no default snmpd.conf (this host's); SNMPCONFPATH=/etc/snmp: the module reads the installed ipmibd.conf.
SNMPCONFPATH=/etc/snmp ip netns exec "$NS" snmpd -f -Lf "$WORK/inproc.log" -Dread_config:file -C -c "$WORK/inproc.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
  -p "$WORK/inproc.pid" udp:127.0.0.1:1162 &
PIDS+=($!)
ok=no
for _ in $(seq 100); do
  if walk 1162 1.3.6.1.2.1.4.24.7.1.7 2>/dev/null | grep -q '\.1\.4\.192\.0\.2\.0\.24\.'; then ok=yes; break; fi
  kill -0 "${PIDS[-1]}" 2>/dev/null || fail "snmpd with the module exited"
  sleep 0.2
done
[ "$ok" = yes ] || fail "no inetCidrRouteTable row for 192.0.2.0/24 from the module"
walk 1162 1.3.6.1.2.1.4.34.1.3 | grep -q '\.1\.4\.192\.0\.2\.10 = INTEGER' || fail "no ipAddressTable row for 192.0.2.10 from the module"
grep -q "/etc/snmp/ipmibd.conf" "$WORK/inproc.log" || fail "snmpd did not read /etc/snmp/ipmibd.conf for the module"
echo "walked the module's tables"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

echo "== purge"
DEBIAN_FRONTEND=noninteractive dpkg --purge ipmibd >"$WORK/dpkg-purge.log" 2>&1 || { cat "$WORK/dpkg-purge.log"; fail "dpkg --purge"; }
dpkg-query -W ipmibd >/dev/null 2>&1 && fail "dpkg still knows ipmibd"
left=()
for p in "${pkgpaths[@]}"; do
  [ -e "$p" ] || [ -L "$p" ] || continue
  grep -qx "$p" "$WORK/dirs-before" || left+=("$p")
done
for p in /var/lib/ipmibd /etc/systemd/system/multi-user.target.wants/ipmibd.service \
  /var/lib/systemd/deb-systemd-helper-enabled/ipmibd.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/ipmibd.service; do
  [ -e "$p" ] && left+=("$p")
done
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
getent passwd ipmibd >/dev/null && echo "kept after purge (Debian's convention for system users): user ipmibd"
echo "PASS: package built, lint-clean, installed, served through snmpd (daemon and module), purged"
