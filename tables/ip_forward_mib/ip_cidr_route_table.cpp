// ipCidrRouteTable: column declarations and the per-destination ordering of the view.
#include "tables/ip_forward_mib/ip_cidr_route_table.h"

#include <algorithm>

namespace ipmibd::tables {

namespace {

// inetCidrRouteType -> ipCidrRouteType: blackhole(5) has no RFC 2096 value; it discards like
// reject(2) ("discards the message"), so it is served as that.
std::int32_t cidrTypeOf(const RouteEntry& e) { return e.type == 5 ? 2 : e.type; }

std::optional<Value> destOf(const Ipv4Route& r, const RequestContext&) {
  return Value::ipAddress(r.destination);
}
std::optional<Value> maskOf(const Ipv4Route& r, const RequestContext&) { return Value::ipAddress(r.mask()); }
std::optional<Value> tosOf(const Ipv4Route&, const RequestContext&) { return Value::integer32(0); }
std::optional<Value> nextHopOf(const Ipv4Route& r, const RequestContext&) {
  return Value::ipAddress(r.nextHop);
}
std::optional<Value> ifIndexOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(r.entry().ifIndex, 0x7fffffff)));
}
std::optional<Value> typeOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(cidrTypeOf(r.entry()));
}
// RFC 2096's protocol list ends at ciscoEigrp(16); later IANA values are other(1).
std::optional<Value> protoOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(r.entry().protocol <= 16 ? r.entry().protocol : 1);
}
std::optional<Value> ageOf(const Ipv4Route& r, const RequestContext& c) {
  return Value::integer32(
      std::int32_t(std::min<std::uint32_t>(c.secondsSince(r.entry().created), 0x7fffffff)));
}
std::optional<Value> infoOf(const Ipv4Route&, const RequestContext&) {
  return Value::objectIdentifier(Oid{0, 0});
}
std::optional<Value> nextHopAsOf(const Ipv4Route&, const RequestContext&) { return Value::integer32(0); }
std::optional<Value> metric1Of(const Ipv4Route& r, const RequestContext&) {
  if (r.entry().metric == platform::kUnspecifiedMetric) return Value::integer32(-1);
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(r.entry().metric, 0x7fffffff)));
}
std::optional<Value> unusedMetricOf(const Ipv4Route&, const RequestContext&) { return Value::integer32(-1); }
std::optional<Value> statusOf(const Ipv4Route& r, const RequestContext&) {
  return Value::integer32(r.entry().status);
}

// Writable values, as inetCidrRouteTable's (other(1) cannot be created; no BGP feed; one metric).
bool validType(const Value& v) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 2 && v.asInteger32() <= 4;
}
bool validIfIndex(const Value& v) { return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 0; }
bool validInfo(const Value& v) { return v.asOid() == Oid{0, 0}; }
bool validNextHopAs(const Value& v) { return v.asInteger32() == 0; }
bool validMetric1(const Value& v) { return v.asInteger32() >= -1; }
bool unusedMetric(const Value& v) { return v.asInteger32() == -1; }
bool validRowStatus(const Value& v) {
  return v.asInteger32() >= 1 && v.asInteger32() <= 6 && v.asInteger32() != 3;
}

const Column<Ipv4Route> kColumns[] = {
    {1, "ipCidrRouteDest", Syntax::IpAddress, Access::ReadOnly, &destOf},
    {2, "ipCidrRouteMask", Syntax::IpAddress, Access::ReadOnly, &maskOf},
    {3, "ipCidrRouteTos", Syntax::Integer32, Access::ReadOnly, &tosOf},
    {4, "ipCidrRouteNextHop", Syntax::IpAddress, Access::ReadOnly, &nextHopOf},
    {5, "ipCidrRouteIfIndex", Syntax::Integer32, Access::ReadCreate, &ifIndexOf, Value::integer32(0),
     &validIfIndex},
    {6, "ipCidrRouteType", Syntax::Integer32, Access::ReadCreate, &typeOf, std::nullopt, &validType},
    {7, "ipCidrRouteProto", Syntax::Integer32, Access::ReadOnly, &protoOf},
    {8, "ipCidrRouteAge", Syntax::Integer32, Access::ReadOnly, &ageOf},
    {9, "ipCidrRouteInfo", Syntax::ObjectIdentifier, Access::ReadCreate, &infoOf, std::nullopt, &validInfo},
    {10, "ipCidrRouteNextHopAS", Syntax::Integer32, Access::ReadCreate, &nextHopAsOf, Value::integer32(0),
     &validNextHopAs},
    {11, "ipCidrRouteMetric1", Syntax::Integer32, Access::ReadCreate, &metric1Of, Value::integer32(-1),
     &validMetric1},
    {12, "ipCidrRouteMetric2", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {13, "ipCidrRouteMetric3", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {14, "ipCidrRouteMetric4", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {15, "ipCidrRouteMetric5", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {16, "ipCidrRouteStatus", Syntax::Integer32, Access::ReadCreate, &statusOf, std::nullopt,
     &validRowStatus},
};

// Which of several rows under one ipCidr index is served: the route the kernel uses (installed
// before agent-held, then lowest metric), then the lowest ifIndex so the choice is stable.
bool preferred(const Ipv4Route& a, const Ipv4Route& b) {
  const RouteEntry& x = a.entry();
  const RouteEntry& y = b.entry();
  if ((x.status == 1) != (y.status == 1)) return x.status == 1;
  if (x.metric != y.metric) return x.metric < y.metric;
  return x.ifIndex < y.ifIndex;
}

void orderGroup(const Ipv4RouteGroup& group, Ipv4RouteViewRows& rows) {
  for (const Ipv4Route& route : group) {
    Ipv4RouteViewRow row;
    row.route = route;
    const auto mask = route.mask();
    std::size_t n = 0;
    for (auto b : route.destination)
      row.index[n++] = b;
    for (auto b : mask)
      row.index[n++] = b;
    row.index[n++] = 0; // Tos
    for (auto b : route.nextHop)
      row.index[n++] = b;
    row.indexLength = std::uint8_t(n);
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(), [](const Ipv4RouteViewRow& a, const Ipv4RouteViewRow& b) {
    const auto c = Oid::compare(a.indexView(), b.indexView());
    return c != 0 ? c < 0 : preferred(a.route, b.route);
  });
  const auto last =
      std::unique(rows.begin(), rows.end(), [](const Ipv4RouteViewRow& a, const Ipv4RouteViewRow& b) {
        return std::ranges::equal(a.indexView(), b.indexView());
      });
  rows.erase(last, rows.end());
}

} // namespace

const Oid& IpCidrRouteTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 24, 4, 1};
  return oid;
}
const Oid& IpCidrRouteTable::numberOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 24, 3};
  return oid;
}

IpCidrRouteTable::IpCidrRouteTable(InetCidrRouteTable& routes)
    : view_(entryOid(), "ipCidrRouteTable", kColumns, routes, &orderGroup),
      // "The number of current ipCidrRouteTable entries that are not invalid" (Debian does not
      // serve it).
      number_(numberOid(), "ipCidrRouteNumber", Syntax::Gauge32, Access::ReadOnly,
              [this](const RequestContext&) { return Value::gauge32(std::uint32_t(rowCount())); }),
      writer_(routes, view_) {
  view_.setWriter(&writer_);
}

std::optional<Oid> IpCidrRouteTable::indexOf(const platform::RouteRow& row) {
  if (row.destinationPrefix.family() != platform::Family::V4 || !row.destinationPrefix.isValid())
    return std::nullopt;
  Ipv4Route route;
  std::copy_n(row.destinationPrefix.address.data(), 4, route.destination.begin());
  route.prefixLength = row.destinationPrefix.length;
  if (!row.nextHop.isZero() && !row.nextHop.isUnspecified()) {
    std::copy_n(row.nextHop.data(), 4, route.nextHop.begin());
  }
  Oid index;
  for (auto b : route.destination)
    index.append(b);
  for (auto b : route.mask())
    index.append(b);
  index.append(0);
  for (auto b : route.nextHop)
    index.append(b);
  return index;
}

} // namespace ipmibd::tables
