// ipRouteTable: column declarations and the choice of one route per destination address.
#include "tables/rfc1213_mib/ip_route_table.h"

#include <algorithm>

namespace ipmibd::tables {

namespace {

// inetCidrRouteType -> ipRouteType: local(3) -> direct(3), remote(4) -> indirect(4); reject,
// blackhole and other have no MIB-II counterpart: other(1).
std::int32_t ipRouteTypeOf(const RouteEntry& e) { return e.type == 3 || e.type == 4 ? e.type : 1; }

std::optional<Value> destOf(const Ipv4Route& r, const RequestContext&) {
  return Value::ipAddress(r.destination);
}
std::optional<Value> ifIndexOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(r.entry().ifIndex, 0x7fffffff)));
}
// Debian (var_route.c): RTF_GATEWAY ? 1 : 0, a hop count rather than the route priority.
std::optional<Value> metric1Of(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(r.remote() ? 1 : 0);
}
std::optional<Value> unusedMetricOf(const Ipv4Route&, const RequestContext&) { return Value::integer32(-1); }
std::optional<Value> nextHopOf(const Ipv4Route& r, const RequestContext&) {
  return Value::ipAddress(r.nextHop);
}
std::optional<Value> typeOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(ipRouteTypeOf(r.entry()));
}
// RFC 1213's list ends at bgp(14).
std::optional<Value> protoOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(r.entry().protocol <= 14 ? r.entry().protocol : 1);
}
std::optional<Value> ageOf(const Ipv4Route& r, const RequestContext& c) {
  return Value::integer32(
      std::int32_t(std::min<std::uint32_t>(c.secondsSince(r.entry().created), 0x7fffffff)));
}
std::optional<Value> maskOf(const Ipv4Route& r, const RequestContext&) { return Value::ipAddress(r.mask()); }
std::optional<Value> infoOf(const Ipv4Route&, const RequestContext&) {
  return Value::objectIdentifier(Oid{0, 0});
}

// other(1) .. indirect(4); whether the value is acceptable for the row is decided in RESERVE2.
bool validType(const Value& v) { return v.asInteger32() >= 1 && v.asInteger32() <= 4; }

// MIB-II declares every column but Proto and Info read-write; only ipRouteType can be written here,
// so the others are declared read-only and a SET of them is notWritable, as Debian answers.
const Column<Ipv4Route> kColumns[] = {
    {1, "ipRouteDest", Syntax::IpAddress, Access::ReadOnly, &destOf},
    {2, "ipRouteIfIndex", Syntax::Integer32, Access::ReadOnly, &ifIndexOf},
    {3, "ipRouteMetric1", Syntax::Integer32, Access::ReadOnly, &metric1Of},
    {4, "ipRouteMetric2", Syntax::Integer32, Access::ReadOnly, &unusedMetricOf},
    {5, "ipRouteMetric3", Syntax::Integer32, Access::ReadOnly, &unusedMetricOf},
    {6, "ipRouteMetric4", Syntax::Integer32, Access::ReadOnly, &unusedMetricOf},
    {7, "ipRouteNextHop", Syntax::IpAddress, Access::ReadOnly, &nextHopOf},
    {8, "ipRouteType", Syntax::Integer32, Access::ReadWrite, &typeOf, std::nullopt, &validType},
    {9, "ipRouteProto", Syntax::Integer32, Access::ReadOnly, &protoOf},
    {10, "ipRouteAge", Syntax::Integer32, Access::ReadOnly, &ageOf},
    {11, "ipRouteMask", Syntax::IpAddress, Access::ReadOnly, &maskOf},
    {12, "ipRouteMetric5", Syntax::Integer32, Access::ReadOnly, &unusedMetricOf},
    {13, "ipRouteInfo", Syntax::ObjectIdentifier, Access::ReadOnly, &infoOf},
};

// Debian's first entry of the destination (see the header): longest prefix, lowest metric, then
// lowest next hop and ifIndex. Agent-held rows are not routes.
bool better(const Ipv4Route& a, const Ipv4Route& b) {
  if (a.prefixLength != b.prefixLength) return a.prefixLength > b.prefixLength;
  if (a.entry().metric != b.entry().metric) return a.entry().metric < b.entry().metric;
  if (a.nextHop != b.nextHop) return a.nextHop < b.nextHop;
  return a.entry().ifIndex < b.entry().ifIndex;
}

void orderGroup(const Ipv4RouteGroup& group, Ipv4RouteViewRows& rows) {
  const Ipv4Route* best = nullptr;
  for (const Ipv4Route& route : group)
    if (route.entry().status == 1 && (!best || better(route, *best))) best = &route;
  if (!best) return;
  Ipv4RouteViewRow row;
  row.route = *best;
  std::copy(best->destination.begin(), best->destination.end(), row.index.begin());
  row.indexLength = 4;
  rows.push_back(row);
}

} // namespace

const Oid& IpRouteTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 21, 1};
  return oid;
}

IpRouteTable::IpRouteTable(InetCidrRouteTable& routes)
    : view_(entryOid(), "ipRouteTable", kColumns, routes, &orderGroup), writer_(routes, view_) {
  view_.setWriter(&writer_);
}

} // namespace ipmibd::tables
