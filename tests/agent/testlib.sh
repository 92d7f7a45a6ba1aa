# Helpers for the agent integration tests: a private snmpd master on a free loopback port and an
# ipmibd subagent, both in a unique temporary directory that is removed on exit.
# IPMIBD_AGENT_MODE=inproc (default agentx) runs the same tests against ipmibd in-process instead:
# one snmpd that loads the module IPMIBD_MODULE (`dlmod ipmibd PATH`) and reads the test's
# ipmibd.conf from an SNMPCONFPATH directory; start_master/start_agent hide the difference, and
# daemon_only guards what only the daemon has.
set -euo pipefail
# set -e ends a test silently at an unguarded failing command (an snmpget in $(...), say): name it.
trap 'echo "FAIL: line $LINENO: \"$BASH_COMMAND\" exited with status $?" >&2' ERR

TESTLIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../conf/snmpd-disabled-modules.sh
. "$TESTLIB_ROOT/conf/snmpd-disabled-modules.sh"

command -v snmpd >/dev/null || { echo "SKIP: snmpd not installed"; exit 77; }
command -v snmpwalk >/dev/null || { echo "SKIP: snmp tools not installed"; exit 77; }

IPMIBD_AGENT_MODE="${IPMIBD_AGENT_MODE:-agentx}"
case "$IPMIBD_AGENT_MODE" in
agentx) ;;
inproc)
  [ -f "${IPMIBD_MODULE:-}" ] || { echo "FAIL: IPMIBD_AGENT_MODE=inproc needs IPMIBD_MODULE=PATH/ipmibd.so" >&2; exit 1; }
  echo "mode inproc: snmpd with dlmod ipmibd $IPMIBD_MODULE"
  ;;
*) echo "FAIL: IPMIBD_AGENT_MODE is agentx or inproc, not '$IPMIBD_AGENT_MODE'" >&2; exit 1 ;;
esac
inproc() { [ "$IPMIBD_AGENT_MODE" = inproc ]; }
# daemon_only WHAT: true with the daemon (agentx); in-process prints why WHAT is skipped, false.
daemon_only() {
  inproc || return 0
  echo "SKIPPED (inproc): $1"
  return 1
}

WORK="$(mktemp -d /tmp/ipmibd-test.XXXXXX)"
MASTER_PID=""
AGENT_PID=""
cleanup() {
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true
  [ -n "$MASTER_PID" ] && kill "$MASTER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}

# free_udp_port: a loopback UDP port below the ephemeral range, free right now (netns_lab.py says why).
free_udp_port() {
  PYTHONPATH="$TESTLIB_ROOT/tests/agent" python3 -c 'from netns_lab import free_udp_port; print(free_udp_port())'
}

# start_master [LINES]: snmpd on 127.0.0.1:$PORT with AgentX at $WORK/agentx.sock, IP modules
# disabled; LINES are added to its configuration (e.g. start_write_master's write community).
# In-process only writes $WORK/snmpd.conf (with the dlmod line): start_agent starts that snmpd.
start_master() {
  PORT="$(free_udp_port)"
  AGENTX="$WORK/agentx.sock"
  if inproc; then
    printf 'rocommunity public 127.0.0.1\n%s\ndlmod ipmibd %s\n' "${1:-}" "$IPMIBD_MODULE" >"$WORK/snmpd.conf"
    return 0
  fi
  cat >"$WORK/snmpd.conf" <<CONF
master agentx
agentXSocket $AGENTX
agentXPerms 0600 0700
rocommunity public 127.0.0.1
${1:-}
CONF
  snmpd -f -Lf "$WORK/snmpd.log" -C -c "$WORK/snmpd.conf" -I "-$IPMIBD_SNMPD_DISABLED_MODULES" \
    -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
  MASTER_PID=$!
  for _ in $(seq 50); do [ -S "$AGENTX" ] && return 0; sleep 0.1; done
  fail "snmpd did not create $AGENTX"
}

# start_write_master: start_master with the write community "private" (the SET tests).
start_write_master() { start_master "rwcommunity private 127.0.0.1"; }

# start_agent IPMIBD CONF: runs ipmibd in the foreground against the master, waits for registration.
# In-process: starts snmpd (start_master's configuration, logging to $WORK/ipmibd.log) with CONF as
# the ipmibd.conf of its SNMPCONFPATH (a link: later edits of CONF are what a SIGHUP reads), after
# removing from CONF the AgentX lines that are errors there; AGENT_PID is then snmpd's, so stopping,
# signalling (SIGHUP: reload) and restarting "ipmibd" act on snmpd.
start_agent() {
  if inproc; then
    local line
    while read -r line; do echo "inproc: AgentX-only line dropped from ipmibd.conf: $line"; done \
      < <(grep -iE '^[[:space:]]*agentx(PingInterval|Socket|Timeout|Retries)\b' "$2" || true)
    sed -i -E '/^[[:space:]]*agentx(PingInterval|Socket|Timeout|Retries)\b/Id' "$2"
    mkdir -p "$WORK/snmpconf"
    ln -sfn "$(realpath "$2")" "$WORK/snmpconf/ipmibd.conf"
    # IPMIBD_SNMPD_PRELOAD: the ASan/UBSan runtimes for a sanitized ipmibd.so (snmpd only).
    LD_PRELOAD="${IPMIBD_SNMPD_PRELOAD:-}" SNMPCONFPATH="$WORK/snmpconf" snmpd -f -Lf "$WORK/ipmibd.log" -C -c "$WORK/snmpd.conf" \
      -I "-$IPMIBD_SNMPD_DISABLED_MODULES" -p "$WORK/snmpd.pid" "udp:127.0.0.1:$PORT" &
  else
    "$1" -f -Lf "$WORK/ipmibd.log" -C -c "$2" -x "$AGENTX" &
  fi
  AGENT_PID=$!
  for _ in $(seq 100); do
    snmpget -v2c -c public -On -t 1 -r 0 "127.0.0.1:$PORT" 1.3.6.1.4.1.8072.9999.9999.42.1.1.0 2>/dev/null |
      grep -q ipmibd && return 0
    kill -0 "$AGENT_PID" 2>/dev/null || fail "ipmibd exited during start-up"
    if inproc && grep -qs "NOT serving the IP-MIB tables" "$WORK/ipmibd.log"; then fail "ipmibd did not start inside snmpd"; fi
    sleep 0.1
  done
  fail "ipmibd did not register with the master"
}

snmp() { # snmp TOOL ARGS...: a v2c request to the private master, numeric output
  local tool="$1"
  shift
  "$tool" -v2c -c public -On -t 2 -r 1 "127.0.0.1:$PORT" "$@"
}

# test_namespace NAME: the network namespace $NS (NAME-PID; deleted at exit, before cleanup) with lo
# up and IPv6 DAD off, so addresses (and link-local routes) are there at once rather than appearing
# in the middle of a before/after comparison. Skips the test (77) where namespaces cannot be made.
test_namespace() {
  NS="$1-$$"
  ip netns add "$NS" 2>/dev/null || { echo "SKIP: cannot create a network namespace (needs root)"; exit 77; }
  trap 'ip netns del "$NS" 2>/dev/null || true; cleanup' EXIT
  ip -n "$NS" link set lo up
  ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# test_link [IPV6-ADDRESS/LEN]: the veth pair d0/d1 in $NS, both up, 192.0.2.10/24 (and the IPv6
# address, if given) on d0; $D0 is d0's ifIndex.
test_link() {
  ip -n "$NS" link add d0 type veth peer name d1
  ip -n "$NS" link set d1 up
  ip -n "$NS" link set d0 up
  ip -n "$NS" addr add 192.0.2.10/24 dev d0
  [ -z "${1:-}" ] || ip -n "$NS" addr add "$1" dev d0
  D0=$(ip -n "$NS" -j link show d0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])')
}
