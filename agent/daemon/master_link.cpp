// Quiet reconnection logging through Net-SNMP's subagent callbacks (INDEX_START / INDEX_STOP).
#include "agent/daemon/master_link.h"

#include "agent/common/netsnmp.h"

// After netsnmp.h (net-snmp-config.h first); not among the agent includes it pulls in.
#include <net-snmp/agent/agent_callbacks.h>

namespace ipmibd::agent {
namespace {

int connectedCallback(int, int, void*, void* self) {
  static_cast<MasterLink*>(self)->onConnected();
  return SNMPERR_SUCCESS;
}

int lostCallback(int, int, void*, void* self) {
  static_cast<MasterLink*>(self)->onLost();
  return SNMPERR_SUCCESS;
}

} // namespace

MasterLink::MasterLink() {
  snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, connectedCallback, this);
  snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, lostCallback, this);
}

MasterLink::~MasterLink() {
  snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, connectedCallback, this, 1);
  snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, lostCallback, this, 1);
  quiet(false);
}

void MasterLink::afterStartup() {
  if (connected_) return;
  snmp_log(LOG_WARNING, "ipmibd: no AgentX master yet; retrying every %d s (further failures not logged)\n",
           netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL));
  quiet(true);
}

void MasterLink::onConnected() {
  connected_ = true;
  quiet(false); // in time for Net-SNMP's own "AgentX subagent connected" line, which follows
}

void MasterLink::onLost() {
  if (!connected_) return;
  connected_ = false;
  snmp_log(LOG_WARNING, "ipmibd: lost the AgentX master; retrying every %d s (failures not logged)\n",
           netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL));
  quiet(true);
}

void MasterLink::quiet(bool on) {
  quiet_ = on;
  netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, on ? 1 : 0);
}

} // namespace ipmibd::agent
