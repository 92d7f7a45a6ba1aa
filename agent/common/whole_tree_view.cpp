// ACM_CHECK_INITIAL callback marking whole-tree-view PDUs always in view (whole_tree_view.h).
#include "agent/common/whole_tree_view.h"

#include "agent/common/netsnmp.h"

#include <net-snmp/agent/agent_callbacks.h>

namespace ipmibd::agent {
namespace {

bool g_registered = false;

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

void registerWholeTreeViewShortcut() {
  if (g_registered) return;
  snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_ACM_CHECK_INITIAL, grantWholeTreeView,
                         nullptr);
  g_registered = true;
}

void unregisterWholeTreeViewShortcut() {
  if (!g_registered) return;
  snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_ACM_CHECK_INITIAL, grantWholeTreeView,
                           nullptr, 1);
  g_registered = false;
}

} // namespace ipmibd::agent
