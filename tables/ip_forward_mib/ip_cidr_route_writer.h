// IpCidrRouteWriter: ipCidrRouteTable SETs (RFC 2096 RowStatus), translated into the
// inetCidrRouteTable writes of the same route and planned by InetCidrRouteWriter.
#pragma once

#include "tables/engine/row_writer.h"
#include "tables/ip_forward_mib/ipv4_route_view.h"

namespace ipmibd::tables {

class InetCidrRouteTable;

// A SET names the row by its ipCidr index (dest.mask.tos.nexthop). RESERVE1 checks the index on
// its own (13 sub-identifiers of IpAddress bytes, else noCreation; a mask that is not a prefix,
// host bits beyond it, a Tos other than 0 or an invalid next hop: inconsistentName). RESERVE2 maps
// the row onto inetCidrRouteTable: an existing row is the inetCidr row the view serves under that
// index; a new one gets the index InetCidrRouteWriter creates (policy {0 0} with a next hop, {0 0
// IfIndex} without, IfIndex from the same PDU), and the columns become inetCidr columns (Type
// reject(2) of a blackhole row stays blackhole; Info accepts only 0.0, NextHopAS only 0). From there
// on it is the inetCidr write: the same RowStatus state machine (createAndGo, createAndWait,
// active, notInService, destroy), the same refusals of system routes, the same atomic actions.
class IpCidrRouteWriter final : public RowWriter {
public:
  IpCidrRouteWriter(InetCidrRouteTable& routes, const Ipv4RouteView& view) : routes_(routes), view_(view) {}

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;
  // The inetCidrRouteTable row the write goes to (the served route, or the one a creation makes).
  void announcingRows(const MibObject& object, const Oid& row, std::span<const ColumnWrite> writes,
                      std::vector<Oid>& out) const override;

private:
  InetCidrRouteTable& routes_;
  const Ipv4RouteView& view_;
};

} // namespace ipmibd::tables
