// Net-SNMP master-role set-up for `ipmibd -S`: roles, listening ports, VACM directives.
#include "agent/daemon/standalone.h"

#include "agent/common/netsnmp.h"
#include "agent/common/whole_tree_view.h"

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
  registerWholeTreeViewShortcut();
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
