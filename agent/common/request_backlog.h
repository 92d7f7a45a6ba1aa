// RequestBacklog: whether SNMP input waits on Net-SNMP's sockets, so work yields to requests.
#pragma once

#include <chrono>

namespace ipmibd::agent {

// Net-SNMP reads one packet per readable session per pass of its loop (snmp_read2), and each pass
// also runs one slice of ipmibd's work while the backend has events. Under a route flood a full
// slice every pass caps the agent at 1/slice requests per second (20 ms: ~50/s, measured by the
// bench's responsiveness probe: seconds of queueing). So a slice is short while requests wait:
// a zero-timeout poll() of Net-SNMP's own descriptors (snmp_select_info2) before each slice.
bool requestsWaiting();

// The budget for the next slice: `full` when no request waits, kShortSlice when one does (the
// work still progresses, a request waits at most about that long).
inline constexpr std::chrono::milliseconds kShortSlice{2};
std::chrono::milliseconds sliceBudget(std::chrono::milliseconds full);

} // namespace ipmibd::agent
