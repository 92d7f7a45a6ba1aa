// RequestContext: the agent-supplied clock of one request, turning platform Timestamps into MIB times.
#pragma once

#include "platform/rows.h"

#include <cstdint>

namespace ipmibd::tables {

// Built by the agent once per PDU so that every varbind of a request sees the same "now" (a
// GETBULK walking inetCidrRouteAge gets consistent ages). `upSince` is the agent's sysUpTime
// origin (when it started), on the platform's clock (steady_clock / CLOCK_MONOTONIC).
class RequestContext {
public:
  RequestContext(platform::Timestamp now, platform::Timestamp upSince) : now_(now), upSince_(upSince) {}
  // A context reading the clock now; for callers (and tests) that do not care about PDU consistency.
  static RequestContext current(platform::Timestamp upSince) { return {platform::Clock::now(), upSince}; }

  platform::Timestamp now() const { return now_; }
  // sysUpTime: centiseconds since the origin, modulo 2^32 as TimeTicks wrap.
  std::uint32_t sysUpTime() const { return timeStamp(now_); }
  // TimeStamp TC (SNMPv2-TC): sysUpTime at the moment `t`; 0 when `t` is unknown (a default
  // Timestamp) or precedes the origin, which is what the TC says for "before the last
  // re-initialization of the local network management subsystem".
  std::uint32_t timeStamp(platform::Timestamp t) const;
  // Whole seconds from `t` to now (ages such as inetCidrRouteAge); 0 for unknown or future `t`,
  // saturating at 2^32-1.
  std::uint32_t secondsSince(platform::Timestamp t) const;

private:
  platform::Timestamp now_;
  platform::Timestamp upSince_;
};

} // namespace ipmibd::tables
