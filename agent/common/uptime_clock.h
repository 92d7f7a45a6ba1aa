// UptimeClock: the sysUpTime origin that TimeStamp columns are measured from.
#pragma once

#include "tables/engine/request_context.h"

namespace ipmibd::agent {

// Timebase decision: TimeStamps must be comparable with the sysUpTime.0 the manager reads from
// the master. Net-SNMP's subagent re-synchronises its own uptime with the master's sysUpTime on
// every AgentX response it receives (agentx_synch_input() calls netsnmp_set_agent_uptime() with
// the res.sysUpTime field, RFC 2741 §6.2.16), i.e. at Open, at each Register and at every
// agentxPingInterval ping. So netsnmp_get_agent_uptime() *is* the master's sysUpTime, within one
// tick plus drift between pings; no extra query is needed.
//
// The origin is kept stable between requests: it moves only when the master's clock jumps (master
// restarted, a resync after drift of more than a couple of ticks), so a row's TimeStamp does not
// flicker by one tick from one poll to the next.
class UptimeClock {
public:
  // The context for one request: now, and the origin derived from the subagent's uptime.
  tables::RequestContext contextForRequest();
  platform::Timestamp origin() const { return origin_; }

private:
  platform::Timestamp origin_{};
  bool known_ = false;
};

} // namespace ipmibd::agent
