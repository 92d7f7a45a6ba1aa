#!/usr/bin/env bash
# Checks conf/ipmibd.service offline with systemd-analyze: it verifies (with ExecStart pointed at
# the built binary) and its sandbox exposure stays at or below the threshold ("OK" or better).
set -euo pipefail
IPMIBD="$1"
UNIT="$(cd "$(dirname "$0")/../../conf" && pwd)/ipmibd.service"
THRESHOLD="${THRESHOLD:-40}" # systemd-analyze scale x10: <= 40 is "OK" (4.0), <= 20 "SAFE"
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# security --offline reads the unit file alone; --threshold makes it fail above the level.
out="$(systemd-analyze security --offline=true --no-pager --threshold="$THRESHOLD" "$UNIT")" || {
  echo "$out" | tail -40
  echo "FAIL: exposure of ipmibd.service above $THRESHOLD (x10)"
  exit 1
}
echo "$out" | grep "Overall exposure level"
# The settings the least-privilege promise rests on must be there (not merely a good score).
for setting in 'User=ipmibd' 'CapabilityBoundingSet=CAP_NET_ADMIN' 'AmbientCapabilities=CAP_NET_ADMIN' \
  'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
  'RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET AF_INET6' 'StateDirectory=ipmibd'; do
  grep -qx "$setting" "$UNIT" || { echo "FAIL: ipmibd.service lacks '$setting'"; exit 1; }
done

# verify needs the binary the unit names: the same unit with ExecStart pointed at the build.
sed "s|^ExecStart=/usr/local/sbin/ipmibd|ExecStart=$IPMIBD|" "$UNIT" >"$work/ipmibd.service"
if ! verify="$(cd "$work" && systemd-analyze verify --man=no ./ipmibd.service 2>&1)"; then
  echo "$verify"
  echo "FAIL: systemd-analyze verify"
  exit 1
fi
# Without a running systemd, verify may warn about the environment (no D-Bus, dependencies it
# cannot load); anything naming our unit's own settings is a real problem.
if echo "$verify" | grep -i "ipmibd.service:" | grep -iv "snmpd.service"; then
  echo "FAIL: systemd-analyze verify complained about ipmibd.service"
  exit 1
fi
echo "PASS: ipmibd.service verifies and rates within $THRESHOLD (x10)"
