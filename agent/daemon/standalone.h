// Standalone mode: ipmibd as a Net-SNMP master agent, answering SNMP itself instead of over AgentX.
#pragma once

#include <string>

namespace ipmibd::agent {

// The three steps of start-up that differ from a subagent's, in the order main() calls them.
// Before init_agent(): master role, listening on `addresses` (comma-separated Net-SNMP transport
// specifications; `agentaddress` lines in ipmibd.conf are appended to them by Net-SNMP).
void configureStandalone(const std::string& addresses);
// After init_agent(), before init_snmp() reads the files: snmpd's access-control directives
// (rocommunity, rwcommunity, rouser, rwuser, com2sec, group, view, access, ...) and the VACM check
// of every request. createUser (USM) is Net-SNMP's own library directive and needs nothing here.
// Net-SNMP's IP-MIB modules (libnetsnmpmibs) are never linked, so nothing else registers.
void registerAccessControlDirectives();
// After the configuration is read: opens the listening transports. False (error set) when none
// could be opened.
bool openListeningPorts(std::string& error);
// sysUpTime.0 (SNMPv2-MIB), which snmpd's system module would serve: the timebase of every
// TimeStamp ipmibd answers. Registered once for the life of the process.
void registerSysUpTime();

} // namespace ipmibd::agent
