// IpV4Counters: the deprecated RFC 4293 (RFC 2011) IPv4 counters ipInReceives … ipFragCreates and
// ipRoutingDiscards, served as a view of ipSystemStatsTable's ipv4 row.
#pragma once

#include "platform/backend.h"
#include "tables/engine/scalar.h"
#include "tables/ip_mib/ip_if_stats_table.h"

#include <memory>
#include <vector>

namespace ipmibd::tables {

// Each object reads the system-wide IPv4 row of the IpStatisticsTables snapshot, so a walk shows
// the same numbers here as in ipSystemStatsTable (Counter32: the low 32 bits, as the 32-bit
// ipSystemStats columns), and one PDU never mixes two snapshots. A counter the platform does not
// keep has no instance. ipReasmTimeout (.13), a setting, is IpScalars'.
class IpV4Counters {
public:
  // 1.3.6.1.2.1.4: .3 ipInReceives … .12 ipOutNoRoutes, .14 ipReasmReqds … .19 ipFragCreates,
  // .23 ipRoutingDiscards. `statistics` must outlive this object.
  explicit IpV4Counters(IpStatisticsTables& statistics);
  IpV4Counters(const IpV4Counters&) = delete;
  IpV4Counters& operator=(const IpV4Counters&) = delete;

  // Nothing to attach: the statistics unit reads the platform.
  platform::Result attach(platform::Backend&) { return platform::Result::success(); }

  // The objects to register with the agent, in OID order.
  const std::vector<const MibObject*>& objects() const { return objects_; }

private:
  std::vector<std::unique_ptr<MibScalar>> scalars_;
  std::vector<const MibObject*> objects_;
};

} // namespace ipmibd::tables
