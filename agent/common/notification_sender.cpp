// send_v2trap: from a subagent Net-SNMP turns it into an AgentX Notify-PDU on the master session;
// in the master role (standalone) it sends it to the trap2sink / informsink / trapsess sinks.
#include "agent/common/notification_sender.h"

#include "agent/common/netsnmp.h"
#include "agent/common/varbind_value.h"

#include <vector>

// The AgentX session to the master, non-null while connected (snmp_agent.c; not in the headers).
extern "C" netsnmp_session* main_session;

namespace ipmibd::agent {
namespace {

const oid kSnmpTrapOid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; // snmpTrapOID.0

std::vector<oid> toNetSnmp(const tables::Oid& o) { return std::vector<oid>(o.begin(), o.end()); }

// Returns false when Net-SNMP could not build the varbind list (allocation failure).
bool send(const tables::Notification& n, const std::string& context) {
  netsnmp_variable_list* vars = nullptr;
  const std::vector<oid> trap = toNetSnmp(n.trapOid);
  bool ok = snmp_varlist_add_variable(&vars, kSnmpTrapOid, OID_LENGTH(kSnmpTrapOid), ASN_OBJECT_ID,
                                      trap.data(), trap.size() * sizeof(oid)) != nullptr;
  for (const tables::VarBind& vb : n.varbinds) {
    if (!ok) break;
    const std::vector<oid> name = toNetSnmp(vb.oid);
    netsnmp_variable_list* var =
        snmp_varlist_add_variable(&vars, name.data(), name.size(), asnType(vb.value.syntax()), nullptr, 0);
    ok = var != nullptr && setVarbindValue(var, vb.value);
  }
  if (ok && !context.empty()) {
    // For receivers without the SNMPv3 contextName (v1/v2c sinks): ipmibdNotifyContext.0, last.
    const std::vector<oid> name = toNetSnmp(tables::NotificationOids::context());
    ok = snmp_varlist_add_variable(&vars, name.data(), name.size(), ASN_OCTET_STR, context.data(),
                                   context.size()) != nullptr;
  }
  // Both prepend sysUpTime.0; a non-default routing instance's notification carries its SNMP
  // context (the AgentX Notify-PDU's context; SNMPv3 sinks' contextName).
  if (ok && context.empty()) send_v2trap(vars);
  if (ok && !context.empty()) send_trap_vars_with_context(-1, -1, vars, context.c_str());
  snmp_free_varbind(vars);
  return ok;
}

} // namespace

bool NotificationSender::masterConnected() { return main_session != nullptr; }

bool NotificationSender::standalone() {
  return !netsnmp_ds_get_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE); // 0: master
}

std::size_t NotificationSender::flush(tables::ChangeNotifier& notifier, const std::string& context) {
  if (!notifier.hasOutput()) return 0;
  const std::vector<tables::Notification> ready = notifier.take();
  const bool connected = standalone() || masterConnected();
  for (const tables::Notification& n : ready) {
    if (connected && send(n, context))
      notifier.countSent();
    else
      notifier.countDropped();
  }
  return ready.size();
}

} // namespace ipmibd::agent
