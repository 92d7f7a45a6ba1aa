// IpRouteWriter: ipRouteTable SETs: ipRouteType = invalid(2) deletes the served route through
// inetCidrRouteTable's writer; nothing else changes a route (see ip_route_table.h).
#pragma once

#include "tables/engine/row_writer.h"
#include "tables/ip_forward_mib/ipv4_route_view.h"

namespace ipmibd::tables {

class InetCidrRouteTable;

class IpRouteWriter final : public RowWriter {
public:
  IpRouteWriter(InetCidrRouteTable& routes, const Ipv4RouteView& view) : routes_(routes), view_(view) {}

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;
  // The inetCidrRouteTable row of the served route, when ipRouteType invalid(2) deletes it.
  void announcingRows(const MibObject& object, const Oid& row, std::span<const ColumnWrite> writes,
                      std::vector<Oid>& out) const override;

private:
  InetCidrRouteTable& routes_;
  const Ipv4RouteView& view_;
};

} // namespace ipmibd::tables
