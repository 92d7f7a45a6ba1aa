// MasterLink: logs the AgentX session's losses and returns once each, not every reconnect attempt.
#pragma once

namespace ipmibd::agent {

// Net-SNMP retries the master every agentxPingInterval seconds and logs every failed attempt: a
// line every 2 s for as long as snmpd is down. After the first failure MasterLink switches those
// warnings off (NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS) and says once that ipmibd keeps trying;
// when the session is back it switches them on again (Net-SNMP then logs "subagent connected"). It learns
// both events from the subagent's SNMPD_CALLBACK_INDEX_START / _STOP callbacks. One instance per process.
class MasterLink {
public:
  MasterLink();  // registers the callbacks: construct before init_snmp() connects
  ~MasterLink(); // unregisters them
  MasterLink(const MasterLink&) = delete;
  MasterLink& operator=(const MasterLink&) = delete;

  // Call after init_snmp(): a failed first connection was logged by Net-SNMP; go quiet after it.
  void afterStartup();
  bool connected() const { return connected_; }

  // Net-SNMP callback entry points; public only for the .cpp's trampolines.
  void onConnected();
  void onLost();

private:
  void quiet(bool on);
  bool connected_ = false;
  bool quiet_ = false;
};

} // namespace ipmibd::agent
