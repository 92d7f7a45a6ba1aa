#!/bin/bash
# `cmake --install` into a private prefix: the daemon, the in-process module and the MIB land
# where docs/design.md, conf/snmpd-inprocess.conf and the man pages say, and the module exports only snmpd's entry points.
set -euo pipefail
BUILD="$1"
PREFIX="$(mktemp -d /tmp/ipmibd-install.XXXXXX)"
trap 'rm -rf "$PREFIX"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A build configured with absolute install directories (dh_auto_configure's /etc, the package's
# /lib/systemd/system) would install those files outside PREFIX, onto this machine: refuse it.
grep -E '^(CMAKE_INSTALL_SYSCONFDIR|IPMIBD_SYSTEMD_UNITDIR):[A-Z]+=/' "$BUILD/CMakeCache.txt" &&
  fail "$BUILD has absolute install directories (above): not a build this test can install privately"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
libdir="$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$BUILD/CMakeCache.txt")"
[ -n "$libdir" ] || libdir=lib
mandir="$(sed -n 's/^CMAKE_INSTALL_MANDIR:PATH=//p' "$BUILD/CMakeCache.txt")"
[ -n "$mandir" ] || mandir=share/man
# The set the Debian package is built from (debian/, tests/packaging/package_test.sh checks the .deb).
for f in sbin/ipmibd bin/ipmibd-platform "$libdir/ipmibd/ipmibd.so" share/snmp/mibs/IPMIBD-MIB.txt \
  "$mandir/man8/ipmibd.8" "$mandir/man8/ipmibd-platform.8" "$mandir/man5/ipmibd.conf.5" \
  etc/snmp/ipmibd.conf lib/systemd/system/ipmibd.service \
  share/doc/ipmibd/examples/snmpd-agentx.conf share/doc/ipmibd/examples/snmpd-inprocess.conf \
  share/doc/ipmibd/examples/snmpd-ipmibd.conf share/doc/ipmibd/examples/snmpd-master.conf \
  share/doc/ipmibd/examples/snmpd-disabled-modules.sh share/doc/ipmibd/examples/snmpd.default; do
  [ -f "$PREFIX/$f" ] || fail "cmake --install did not install $f"
  echo "installed: $f"
done
# The installed unit and dlmod snippet name the configured prefix's paths (conf/'s are /usr/local's).
configured="$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")"
grep -q "^ExecStart=$configured/sbin/ipmibd " "$PREFIX/lib/systemd/system/ipmibd.service" ||
  fail "the installed unit's ExecStart is not $configured/sbin/ipmibd"
grep -qx "dlmod ipmibd $configured/$libdir/ipmibd/ipmibd.so" "$PREFIX/share/doc/ipmibd/examples/snmpd-inprocess.conf" ||
  fail "the installed snmpd-inprocess.conf does not name $configured/$libdir/ipmibd/ipmibd.so"
# conf/snmpd-inprocess.conf names PREFIX/lib/ipmibd/ipmibd.so for the default prefix /usr/local.
grep -q "^dlmod ipmibd /usr/local/$libdir/ipmibd/ipmibd.so$" "$(dirname "$0")/../../conf/snmpd-inprocess.conf" ||
  fail "conf/snmpd-inprocess.conf does not name /usr/local/$libdir/ipmibd/ipmibd.so"
# Only init_ipmibd/deinit_ipmibd are exported (agent/module/module.map): nothing of ipmibd's can
# interpose on snmpd's own symbols.
exported="$(nm -D --defined-only "$PREFIX/$libdir/ipmibd/ipmibd.so" | awk '{print $3}' | sort | tr '\n' ' ')"
[ "$exported" = "deinit_ipmibd init_ipmibd " ] || fail "the module exports: $exported"
# Loadable on its own: every symbol resolved by its declared libraries (snmpd adds none).
ldd -r "$PREFIX/$libdir/ipmibd/ipmibd.so" 2>&1 | grep -q "undefined symbol" && fail "undefined symbols in ipmibd.so"
echo "PASS: install layout and module exports"
# The installed man pages name the module under the configured prefix (CMAKE_INSTALL_PREFIX, what
# a package build sets; --prefix above only moves this test's copy), not a placeholder.
case "$libdir" in /*) module="$libdir/ipmibd/ipmibd.so" ;; *) module="$configured/$libdir/ipmibd/ipmibd.so" ;; esac
grep -q "^\.B dlmod ipmibd $module\$" "$PREFIX/$mandir/man8/ipmibd.8" || fail "ipmibd.8 does not name $module"
grep -q "@[A-Z_]*@" "$PREFIX/$mandir"/man*/ipmibd* && fail "unconfigured @...@ left in a man page"
echo "PASS: man pages installed and configured"
