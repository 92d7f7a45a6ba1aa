// The deprecated ip group counters: OID, name and the IpStatisticsRow counter each one shows.
#include "tables/ip_mib/ip_v4_counters.h"

namespace ipmibd::tables {

namespace {

struct V4Counter {
  SubId id; // below ip (1.3.6.1.2.1.4)
  std::string_view name;
  IpCounter counter;
};

// Sources as in Debian's snmpd 5.9.3 (/proc/net/snmp "Ip:" fields, through the platform's row):
// ipForwDatagrams is ForwDatagrams, which the platform reports as ipSystemStatsInForwDatagrams;
// ipFragOKs/Fails/Creates are the OutFrag* counters. ipRoutingDiscards has no ipSystemStats column;
// the platform keeps it beside the others (Linux: always 0, see IpStatisticsRow::routingDiscards).
constexpr V4Counter kCounters[] = {
    {3, "ipInReceives", IpCounter::InReceives},
    {4, "ipInHdrErrors", IpCounter::InHdrErrors},
    {5, "ipInAddrErrors", IpCounter::InAddrErrors},
    {6, "ipForwDatagrams", IpCounter::InForwDatagrams},
    {7, "ipInUnknownProtos", IpCounter::InUnknownProtos},
    {8, "ipInDiscards", IpCounter::InDiscards},
    {9, "ipInDelivers", IpCounter::InDelivers},
    {10, "ipOutRequests", IpCounter::OutRequests},
    {11, "ipOutDiscards", IpCounter::OutDiscards},
    {12, "ipOutNoRoutes", IpCounter::OutNoRoutes},
    {14, "ipReasmReqds", IpCounter::ReasmReqds},
    {15, "ipReasmOKs", IpCounter::ReasmOKs},
    {16, "ipReasmFails", IpCounter::ReasmFails},
    {17, "ipFragOKs", IpCounter::OutFragOKs},
    {18, "ipFragFails", IpCounter::OutFragFails},
    {19, "ipFragCreates", IpCounter::OutFragCreates},
    {23, "ipRoutingDiscards", IpCounter::RoutingDiscards},
};

} // namespace

IpV4Counters::IpV4Counters(IpStatisticsTables& statistics) {
  for (const V4Counter& c : kCounters) {
    const IpCounter counter = c.counter;
    scalars_.push_back(std::make_unique<MibScalar>(
        Oid{1, 3, 6, 1, 2, 1, 4, c.id}, c.name, Syntax::Counter32, Access::ReadOnly,
        [&statistics, counter](const RequestContext& context) -> std::optional<Value> {
          const IpStatsEntry* entry = statistics.systemEntry(platform::Family::V4, context.now());
          if (!entry || !entry->has(counter)) return std::nullopt;
          return Value::counter32(std::uint32_t(entry->value(counter)));
        }));
    objects_.push_back(scalars_.back().get());
  }
}

} // namespace ipmibd::tables
