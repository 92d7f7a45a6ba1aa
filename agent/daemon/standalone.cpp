// Net-SNMP master-role set-up for `ipmibd -S`: roles, listening ports, VACM directives.
#include "agent/daemon/standalone.h"

#include "agent/common/netsnmp.h"

#include <net-snmp/agent/agent_callbacks.h>

// vacm_conf.c lives in libnetsnmpagent but Debian installs no header declaring it.
extern "C" void init_vacm_conf(void);

namespace ipmibd::agent {
namespace {

int answerSysUpTime(netsnmp_mib_handler*, netsnmp_handler_registration*, netsnmp_agent_request_info* reqinfo,
                    netsnmp_request_info* requests) {
  if (reqinfo->mode != MODE_GET) return SNMP_ERR_NOERROR;
  for (netsnmp_request_info* request = requests; request != nullptr; request = request->next) {
    const u_long ticks = netsnmp_get_agent_uptime();
    snmp_set_var_typed_value(request->requestvb, ASN_TIMETICKS, &ticks, sizeof ticks);
  }
  return SNMP_ERR_NOERROR;
}

// The per-PDU half of VACM, decided once: Net-SNMP checks every varbind of every request against
// the requester's view twice (when it picks the varbind's subtree and again before answering), and
// at one varbind per GETBULK repetition that is almost half of the agent's CPU in a table walk. When
// the requester's read view holds the whole OID tree (rocommunity/rouser without an OID), no varbind
// can fail those checks, so the PDU is marked as always in view, the flag AgentX subagents use for
// requests their master already checked. Any narrower view keeps the per-varbind checks. SNMPv1 is
// left alone: its per-varbind check also hides Counter64 values (ipIfStatsTable's HC columns).
int grantWholeTreeView(int, int, void* serverArgument, void*) {
  auto* view = static_cast<view_parameters*>(serverArgument);
  netsnmp_pdu* pdu = view->pdu;
  if (pdu == nullptr || pdu->version == SNMP_VERSION_1) return SNMP_ERR_NOERROR;
  if (pdu->command != SNMP_MSG_GET && pdu->command != SNMP_MSG_GETNEXT && pdu->command != SNMP_MSG_GETBULK)
    return SNMP_ERR_NOERROR;
  oid everything[] = {1}; // iso: every object an agent can serve
  if (view->errorcode == VACM_SUCCESS && netsnmp_acm_check_subtree(pdu, everything, 1) == VACM_SUCCESS)
    pdu->flags |= UCD_MSG_FLAG_ALWAYS_IN_VIEW;
  return SNMP_ERR_NOERROR;
}

} // namespace

void configureStandalone(const std::string& addresses) {
  netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 0); // MASTER_AGENT
  if (!addresses.empty())
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_PORTS, addresses.c_str());
  // One "Connection from UDP: ..." log line per request costs more than answering it; snmpd's own
  // dontLogTCPWrappersConnects directive can turn the lines back on.
  netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_DONT_LOG_TCPWRAPPERS_CONNECTS, 1);
}

void registerAccessControlDirectives() {
  init_vacm_conf();
  snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_ACM_CHECK_INITIAL, grantWholeTreeView,
                         nullptr);
}

bool openListeningPorts(std::string& error) {
  const char* ports = netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_PORTS);
  if (ports == nullptr || *ports == '\0') {
    // Net-SNMP would fall back to udp:161; an empty -S with no agentaddress is more likely a mistake.
    error = "standalone mode without an address: give -S ADDRESSES or an agentaddress line";
    return false;
  }
  if (init_master_agent() != 0) {
    error = std::string("cannot listen on ") + ports + " (see the messages above)";
    return false;
  }
  return true;
}

void registerSysUpTime() {
  static const oid kSysUpTime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
  netsnmp_register_read_only_instance(netsnmp_create_handler_registration(
      "sysUpTime", answerSysUpTime, kSysUpTime, OID_LENGTH(kSysUpTime), HANDLER_CAN_RONLY));
}

} // namespace ipmibd::agent
