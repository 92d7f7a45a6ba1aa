#!/bin/bash
# The snmpd.service drop-ins (conf/snmpd-agentx.conf for the AgentX mode, conf/snmpd-ipmibd.conf
# for the in-process mode) disable exactly the modules conf/snmpd-disabled-modules.sh lists, on
# top of the packaged unit's own -I list, and conf/snmpd.default (SysV) says the same.
set -euo pipefail
CONF="$(cd "$(dirname "$0")/../../conf" && pwd)"
. "$CONF/snmpd-disabled-modules.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
want="$(tr ',' '\n' <<<"$IPMIBD_SNMPD_DISABLED_MODULES" | sort)"
for dropin in snmpd-agentx.conf snmpd-ipmibd.conf; do
  line="$(grep '^ExecStart=/usr/sbin/snmpd ' "$CONF/$dropin")" || fail "$dropin: no ExecStart=/usr/sbin/snmpd line"
  list="$(sed -E 's/.* -I -([^ ]+).*/\1/' <<<"$line" | tr ',' '\n' | grep -vxE 'smux|mteTrigger|mteTriggerConf' | sort)"
  [ "$list" = "$want" ] || fail "$dropin disables: $(tr '\n' ' ' <<<"$list"), want: $(tr '\n' ' ' <<<"$want")"
  echo "ok: $dropin disables the $(wc -l <<<"$list") modules of the list"
done
grep -q -- "-I -$IPMIBD_SNMPD_DISABLED_MODULES " "$CONF/snmpd.default" || fail "snmpd.default's -I list differs"
grep -q -- '-u Debian-snmp' "$CONF/snmpd-agentx.conf" || fail "snmpd-agentx.conf: snmpd must keep dropping to Debian-snmp"
if command -v systemd-analyze >/dev/null && [ -f /lib/systemd/system/snmpd.service ]; then
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  cp /lib/systemd/system/snmpd.service "$work/" && mkdir "$work/snmpd.service.d"
  cp "$CONF/snmpd-agentx.conf" "$work/snmpd.service.d/ipmibd.conf"
  out="$(systemd-analyze verify "$work/snmpd.service" 2>&1 | grep -v 'Unknown section\|\.mount\|\.socket' || true)"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "ok: systemd-analyze verify snmpd.service + snmpd-agentx.conf"
fi
echo "PASS"
