// The whole-tree view shortcut: VACM decided once per PDU when the requester may read everything.
#pragma once

namespace ipmibd::agent {

// In a master-role agent (ipmibd -S, or snmpd with the module loaded) Net-SNMP checks every varbind
// of every request against the requester's view twice (when it picks the varbind's subtree and
// again before answering); at one varbind per GETBULK repetition that is almost half of the
// agent's CPU in a table walk. When the requester's read view holds the whole OID tree
// (rocommunity/rouser without an OID), no varbind can fail those checks, so the PDU is marked as
// always in view, the flag AgentX subagents use for requests their master already checked, and
// ipmibd's handlers answer a GETBULK repeater's whole run in one call (subtree_handler.cpp). Any
// narrower view keeps the per-varbind checks. SNMPv1 is left alone: its per-varbind check also
// hides Counter64 values (ipIfStatsTable's HC columns). Inside snmpd the flag applies to snmpd's
// own MIBs' PDUs too; it only skips checks that could not fail, so every answer stays the same.
void registerWholeTreeViewShortcut();   // SNMPD_CALLBACK_ACM_CHECK_INITIAL; idempotent
void unregisterWholeTreeViewShortcut(); // idempotent

} // namespace ipmibd::agent
