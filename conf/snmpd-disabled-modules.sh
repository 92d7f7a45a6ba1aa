# The snmpd (Net-SNMP 5.9.3, Debian 12) MIB modules that serve IP-MIB / IP-FORWARD-MIB objects and
# must be disabled (`snmpd -I -LIST`) so that the master does not answer in ipmibd's place.
# Sourced by demo.sh and the tests; copy the value into /etc/default/snmpd (see snmpd.default).
#
# Found with `snmpd -f -Le -Dregister_mib,mib_init` (every module registering under ip, 1.3.6.1.2.1.4;
# rechecked for issue 15, the same eleven):
#   ip                      the ip group 1.3.6.1.2.1.4 itself: the RFC 1213 scalars ipForwarding .1
#                           to ipFragCreates .19 (counters and ipReasmTimeout .13), ipRoutingDiscards
#                           .23, and through its mibII/ipaddr, mibII/iproute and mibII/ipmedia parts
#                           ipAddrTable .20, ipRouteTable .21, ipNetToMediaTable .22
#   ip_scalars              ipForwarding .1, ipDefaultTTL .2, ipv6IpForwarding .25, ipv6IpDefaultHopLimit .26,
#                           ipAddressSpinLock .33
#   ipAddressTable          .34
#   ipAddressPrefixTable    .32
#   ipDefaultRouterTable    .37
#   inetNetToMediaTable     ipNetToPhysicalTable .35
#   ipSystemStatsTable      .31.1
#   ipIfStatsTable          .31.3 and ipIfStatsTableLastChange .31.2
#   ipv6ScopeZoneIndexTable .36
#   ipCidrRouteTable        .24.4
#   inetCidrRouteTable      .24.7 and inetCidrRouteNumber .24.6.0
# Nothing is lost with this list: ipmibd serves every instance these modules served
# (tests/agent/compare_with_snmpd.py walks all of 1.3.6.1.2.1.4 on Debian's snmpd and on
# master + ipmibd and fails on any instance Debian has and ipmibd lacks; tests/agent/COMPARE.md).
# Verified by the same test on every run: with this list the master alone (before ipmibd connects)
# serves nothing below 1.3.6.1.2.1.4 (`snmpwalk` answers "No Such Object").
# AgentX priority is NOT a substitute: snmpd registers inetCidrRouteNumber as the instance
# 1.3.6.1.2.1.4.24.6.0, more specific than any object-level subagent registration, so the master
# keeps answering it whatever agentxPriority says (tested: master's own route count came back).
IPMIBD_SNMPD_DISABLED_MODULES="ip,ip_scalars,ipAddressTable,ipAddressPrefixTable,ipDefaultRouterTable,inetNetToMediaTable,ipSystemStatsTable,ipIfStatsTable,ipv6ScopeZoneIndexTable,ipCidrRouteTable,inetCidrRouteTable"
