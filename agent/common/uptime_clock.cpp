// Derives the sysUpTime origin on the steady clock from Net-SNMP's (master-synchronised) agent uptime.
#include "agent/common/uptime_clock.h"

#include "agent/common/netsnmp.h"

#include <chrono>

namespace ipmibd::agent {

namespace {
// Two TimeTicks: rounding of centiseconds and scheduling jitter stay below this.
constexpr auto kTolerance = std::chrono::milliseconds(20);
} // namespace

tables::RequestContext UptimeClock::contextForRequest() {
  const auto now = platform::Clock::now();
  const auto uptime = std::chrono::milliseconds(10 * static_cast<std::int64_t>(netsnmp_get_agent_uptime()));
  const auto candidate = now - uptime;
  const auto drift = candidate > origin_ ? candidate - origin_ : origin_ - candidate;
  if (!known_ || drift > kTolerance) {
    origin_ = candidate;
    known_ = true;
  }
  return tables::RequestContext(now, origin_);
}

} // namespace ipmibd::agent
