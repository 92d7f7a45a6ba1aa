// Ipv4RouteView: a read-through MibObject over the main-table IPv4 rows inetCidrRouteTable holds,
// re-indexed the way a deprecated route table (ipCidrRouteTable, ipRouteTable) indexes them.
#pragma once

#include "tables/engine/mib_object.h"
#include "tables/engine/table.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <boost/container/small_vector.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace ipmibd::tables {

// One inetCidrRouteTable row read as an IPv4 route: the fields its index carries, and its entry.
struct Ipv4Route {
  const SortedIndex<RouteEntry>::Item* item = nullptr;
  std::array<std::uint8_t, 4> destination{};
  std::uint8_t prefixLength = 0;
  std::array<std::uint8_t, 4> nextHop{}; // 0.0.0.0 for non-remote routes (no gateway)

  const RouteEntry& entry() const { return item->entry(); }
  bool remote() const { return nextHop != std::array<std::uint8_t, 4>{}; }
  std::array<std::uint8_t, 4> mask() const;
  // The row's inetCidrRouteTable index (what writes go through).
  Oid inetCidrIndex() const;
};

// A row of a view: the route and its index in the view (at most 13 sub-identifiers: ipCidr's).
struct Ipv4RouteViewRow {
  Ipv4Route route;
  std::array<SubId, 13> index{};
  std::uint8_t indexLength = 0;
  std::span<const SubId> indexView() const { return {index.data(), indexLength}; }
};

using Ipv4RouteGroup = boost::container::small_vector<Ipv4Route, 8>;
using Ipv4RouteViewRows = boost::container::small_vector<Ipv4RouteViewRow, 8>;

// What makes a view: how the routes of one destination address (in inetCidr order: prefix length,
// policy, next hop) become its rows, sorted by the view's index with colliding rows resolved.
using Ipv4RouteGroupOrder = void (*)(const Ipv4RouteGroup& group, Ipv4RouteViewRows& rows);

// The view stores nothing per route: both deprecated tables index by destination address first, so
// every request seeks the destination's group of rows in inetCidrRouteTable's SortedIndex
// (O(log n)), orders those few rows by the view's index, and moves on to the next group when the
// request is past them. A change of inetCidrRouteTable is therefore in every view at once, and no
// view can lose or keep a row the others do not. Only main-table IPv4 rows are visible (Debian's
// snmpd reads /proc/net/route, which shows the main table only); rows held by the agent
// (createAndWait) are, with their RowStatus (ipCidrRouteTable) or not at all (ipRouteTable).
class Ipv4RouteView final : public MibObject {
public:
  Ipv4RouteView(Oid entry, std::string_view name, std::span<const Column<Ipv4Route>> columns,
                const InetCidrRouteTable& routes, Ipv4RouteGroupOrder order)
      : entry_(std::move(entry)), name_(name), columns_(columns), routes_(routes), order_(order) {}

  const Oid& base() const override { return entry_; }
  std::string_view name() const override { return name_; }
  std::span<const Column<Ipv4Route>> columns() const { return columns_; }
  std::vector<ColumnDeclaration> declaredColumns() const override { return declarationsOf(columns_); }
  void setWriter(RowWriter* writer) { writer_ = writer; }
  RowWriter* writer() const override { return writer_; }

  GetResult get(std::span<const SubId> suffix, const RequestContext& context) const override;
  std::optional<VarBind> getNext(std::span<const SubId> suffix, const RequestContext& context) const override;

  // The route served under `index` (below the column), nullopt if none.
  std::optional<Ipv4RouteViewRow> find(std::span<const SubId> index) const;
  // The number of rows, recounted (O(n)) only after inetCidrRouteTable's rows changed.
  std::size_t rowCount() const;

private:
  // The first row whose index is strictly greater than `index`, nullopt at the end.
  std::optional<Ipv4RouteViewRow> after(std::span<const SubId> index) const;

  Oid entry_;
  std::string_view name_;
  std::span<const Column<Ipv4Route>> columns_;
  const InetCidrRouteTable& routes_;
  Ipv4RouteGroupOrder order_;
  RowWriter* writer_ = nullptr;
  mutable std::optional<std::uint64_t> countedAt_; // SortedIndex::changes() when counted
  mutable std::size_t count_ = 0;
};

// Reads the group helpers directly (the views' ordering functions, tests).
namespace ipv4_routes {
using Item = SortedIndex<RouteEntry>::Item;
// The first row at or after destination `prefix` (its up to 4 leading sub-identifiers, SNMP order).
const Item* seek(const SortedIndex<RouteEntry>& rows, std::span<const SubId> prefix);
// Collects the IPv4 rows of kernel table `table` (the instance's: main by default) sharing the
// destination of `start` into `group` (emptied first) and returns the first row of the next
// destination; nullptr after the last IPv4 row.
const Item* collect(const SortedIndex<RouteEntry>& rows, const Item* start, Ipv4RouteGroup& group,
                    std::uint32_t table);
} // namespace ipv4_routes

} // namespace ipmibd::tables
