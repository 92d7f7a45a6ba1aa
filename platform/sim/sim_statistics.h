// Deterministic traffic counters for simulated links and IP statistics: they grow with the whole
// seconds since the counted object appeared, at rates derived from its index, so tests can predict them.
#pragma once

#include "platform/rows.h"

#include <chrono>

namespace ipmibd::platform::sim {

// IF-MIB counters of a link that has existed for `age`.
void fillInterfaceCounters(InterfaceRow& row, std::chrono::milliseconds age);

// System-wide (index 0) or per-interface IP statistics. Like Linux, per-interface IPv4 rows carry
// no counters (every field nullopt); IPv6 has no broadcast counters and neither family counts
// fragmentation requests (outFragReqds).
IpStatisticsRow ipStatistics(Family family, InterfaceIndex index, std::chrono::milliseconds age,
                             Timestamp since);

} // namespace ipmibd::platform::sim
