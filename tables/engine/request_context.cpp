// Conversions from platform Timestamps to SNMP TimeStamp/TimeTicks and ages.
#include "tables/engine/request_context.h"

namespace ipmibd::tables {

std::uint32_t RequestContext::timeStamp(platform::Timestamp t) const {
  if (t == platform::Timestamp{} || t < upSince_) return 0;
  auto centiseconds =
      std::chrono::duration_cast<std::chrono::duration<std::int64_t, std::centi>>(t - upSince_);
  return std::uint32_t(std::uint64_t(centiseconds.count())); // TimeTicks wrap modulo 2^32
}

std::uint32_t RequestContext::secondsSince(platform::Timestamp t) const {
  if (t == platform::Timestamp{} || t > now_) return 0;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now_ - t).count();
  return seconds > 0xffffffffLL ? 0xffffffffu : std::uint32_t(seconds);
}

} // namespace ipmibd::tables
