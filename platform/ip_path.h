// The IP path row (MIB_IPPATH_ROW): what the stack knows about the way to one destination, and
// the completion both backends share (interface, link speeds, reachability from the neighbor cache).
#pragma once

#include "platform/rows.h"
#include "platform/status.h"

#include <vector>

namespace ipmibd::platform {

class Backend;

// Key: destination + interface (luid when non-zero, else interfaceIndex), and source when the
// caller gives one (unspecified matches any). Linux has no path table of its own; a row is the
// union, per destination and interface, of
// - a route exception (IPv4 next-hop exception, IPv6 RTF_CACHE route): a path MTU learned from an
//   ICMP fragmentation-needed / packet-too-big, or a next hop learned from a redirect; and
// - the TCP metrics the kernel saved for the destination (tcp_metrics: RTT, per source address).
// A destination with both gives one row per TCP metrics source, each with the exception's fields.
struct IpPathRow {
  IpAddress source;      // the TCP metrics' source address; unspecified for an exception alone
  IpAddress destination; // a host address (the exception's /32 or /128)
  InterfaceLuid luid;
  InterfaceIndex interfaceIndex = 0;
  IpAddress currentNextHop; // the gateway (a redirect's target, else the route's); zero: on-link
  // The exception's MTU; without one, the route's or interface's (the IPv6 interface MTU for IPv6).
  std::uint32_t pathMtu = 0;
  // RttMean / RttDeviation, milliseconds as IP Helper has them, rounded up so that a measured RTT
  // below 1 ms (any LAN) shows as 1, not as "none": 0 means no TCP metric for the destination.
  std::uint32_t rttMean = 0;
  std::uint32_t rttDeviation = 0;
  // LastReachable while isReachable, else LastUnreachable (IP Helper's union): milliseconds since
  // reachability was last confirmed, by TCP (the metric's age: saved when a connection closed) or,
  // without a metric, by the neighbor cache (the next hop's, or the destination's on-link). Linux
  // records no time of unreachability: LastUnreachable is always 0 (unknown).
  std::uint32_t lastReachable = 0;
  // False only when the next hop's neighbor entry has failed (NUD_FAILED): the kernel keeps no
  // per-path reachability beyond that.
  bool isReachable = true;
  // Linux measures no per-path speed: the outgoing interface's speeds (0 = unknown).
  std::uint64_t linkTransmitSpeed = 0;
  std::uint64_t linkReceiveSpeed = 0;
  // Beyond IP Helper:
  bool hasException = false;       // a route exception is behind the row (pathMtu, expires)
  std::uint32_t expires = 0;       // seconds the exception has left; 0 = none or no expiry
  std::uint32_t rttMeanMicros = 0; // the TCP metric's RTT and variance, unrounded
  std::uint32_t rttDeviationMicros = 0;

  friend bool operator==(const IpPathRow&, const IpPathRow&) = default;
};

// Key order: interfaceIndex, destination, source.
bool pathKeyLess(const IpPathRow& a, const IpPathRow& b);

// A route exception or TCP metric as a backend found it, before completion.
struct PathException {
  IpAddress destination;
  InterfaceIndex interfaceIndex = 0;
  IpAddress gateway;     // zero/unspecified: on-link
  std::uint32_t mtu = 0; // RTAX_MTU; 0 = none (a redirect only)
  std::uint32_t expires = 0;
  std::uint32_t table = 0; // Linux: the table of the route it hangs off (RTA_TABLE), to delete it
};
struct PathMetric {
  IpAddress destination;
  IpAddress source;
  std::uint32_t rttMicros = 0;
  std::uint32_t rttVarianceMicros = 0;
  std::uint32_t ageMillis = 0;
  // Where the destination is sent now (the route lookup); interfaceIndex 0: unroutable, no row.
  InterfaceIndex interfaceIndex = 0;
  IpAddress gateway;
  std::uint32_t routeMtu = 0; // the lookup's RTAX_MTU, 0 = the interface's
};

// Builds the rows of `family` (Unspecified: both) from exceptions and metrics, completed from the
// backend's own tables (interfaces, IP interfaces, neighbors): LUID, pathMtu where no exception
// names one, link speeds, reachability. Sorted by key. Success, or the failure of a read.
Result buildIpPathTable(Backend& backend, Family family, const std::vector<PathException>& exceptions,
                        const std::vector<PathMetric>& metrics, std::vector<IpPathRow>& table);

} // namespace ipmibd::platform
