// inetCidrRouteTable: column declarations, RouteRow -> index/entry mapping, and incremental upkeep.
#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <algorithm>
#include <limits>

namespace ipmibd::tables {

using platform::ChangeKind;
using platform::RouteRow;
using platform::RouteType;

namespace {

// inetCidrRouteType values.
enum : std::uint8_t { kOther = 1, kReject = 2, kLocal = 3, kRemote = 4, kBlackhole = 5 };

bool hasGateway(const RouteRow& row) { return !row.nextHop.isZero(); }

// RFC 4292 inetCidrRouteType. Unicast splits on the next hop ("local(3) refers to a route for
// which the next hop is the final destination"). Multicast routes without a gateway (the kernel's
// ff00::/8 on every link) deliver on the link itself, so the receivers are the final
// destinations: local(3), as Debian's snmpd serves them. Linux unreachable and prohibit answer
// with ICMP errors: reject(2); blackhole drops silently: blackhole(5). Local, broadcast, anycast,
// throw and nat rows neither forward nor reject: other(1) ("not specified by this MIB"). Debian's snmpd 5.9
// instead calls every row local(3) or remote(4) by gateway presence, including the IPv6 local-table rows
// (::1/128, own addresses, ff00::/8) and blackholes.
std::uint8_t routeTypeOf(const RouteRow& row) {
  switch (row.type) {
  case RouteType::Unicast: return hasGateway(row) ? kRemote : kLocal;
  case RouteType::Multicast: return hasGateway(row) ? kOther : kLocal;
  case RouteType::Blackhole: return kBlackhole;
  case RouteType::Unreachable:
  case RouteType::Prohibit: return kReject;
  default: return kOther;
  }
}

// IANAipRouteProtocol. The platform's RouteProtocol already uses the IANA numbers for 1..19
// (the backend maps kernel rtm_protocol onto them); Windows' NT static kinds are static routes,
// netmgmt(3); anything else is other(1). Debian's snmpd reports every route as local(2) except
// ICMP redirects (icmp(4)), so static/BGP/OSPF routes differ from it here, deliberately.
std::uint8_t protocolOf(platform::RouteProtocol protocol) {
  auto value = std::uint32_t(protocol);
  if (value >= 1 && value <= 20) return std::uint8_t(value);
  switch (protocol) {
  case platform::RouteProtocol::NtAutostatic:
  case platform::RouteProtocol::NtStatic:
  case platform::RouteProtocol::NtStaticNonDod: return 3;
  default: return 1;
  }
}

std::optional<Value> ifIndexOf(const RouteEntry& e, const RequestContext&) {
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(e.ifIndex, 0x7fffffff)));
}
std::optional<Value> typeOf(const RouteEntry& e, const RequestContext&) { return Value::integer32(e.type); }
std::optional<Value> protoOf(const RouteEntry& e, const RequestContext&) {
  return Value::integer32(e.protocol);
}
std::optional<Value> ageOf(const RouteEntry& e, const RequestContext& c) {
  return Value::gauge32(c.secondsSince(e.created));
}
// No BGP feed reaches the platform layer: "unknown or not relevant" is 0.
std::optional<Value> nextHopAsOf(const RouteEntry&, const RequestContext&) { return Value::unsigned32(0); }
// The Linux route priority. Unset (0xffffffff) means "not used": -1. Priorities above 2^31-1 do
// not fit Integer32 and saturate (Debian's snmpd wraps them negative instead).
std::optional<Value> metric1Of(const RouteEntry& e, const RequestContext&) {
  if (e.metric == platform::kUnspecifiedMetric) return Value::integer32(-1);
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(e.metric, 0x7fffffff)));
}
std::optional<Value> unusedMetricOf(const RouteEntry&, const RequestContext&) { return Value::integer32(-1); }
// active(1) for routes the platform has installed; rows held by the agent say notInService(2) or
// notReady(3).
std::optional<Value> statusOf(const RouteEntry& e, const RequestContext&) {
  return Value::integer32(e.status);
}

// other(1) is "not specified by this MIB": no platform route can be created as that, so it can
// never be assigned (wrongValue); reject, local, remote and blackhole can.
bool validRouteType(const Value& v) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 2 && v.asInteger32() <= 5;
}
// notReady(3) is never a valid value to write (RFC 2579).
bool validRowStatus(const Value& v) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 1 && v.asInteger32() <= 6 &&
         v.asInteger32() != 3;
}
// InterfaceIndexOrZero: 0..2147483647.
bool validIfIndex(const Value& v) { return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 0; }
// No BGP feed reaches the platform: the only next-hop AS the agent can honour is "unknown" (0).
bool validNextHopAs(const Value& v) { return v.asUnsigned32() == 0; }
// The platform has one metric; Metric2-5 can only be "not used" (-1).
bool unusedMetric(const Value& v) { return v.syntax() == Syntax::Integer32 && v.asInteger32() == -1; }
// Metric1 is the route priority; -1 = "not used" (the platform's default).
bool validMetric1(const Value& v) { return v.syntax() == Syntax::Integer32 && v.asInteger32() >= -1; }

const Column<RouteEntry> kColumns[] = {
    {1, "inetCidrRouteDestType", Syntax::Integer32, Access::NotAccessible},
    {2, "inetCidrRouteDest", Syntax::OctetString, Access::NotAccessible},
    {3, "inetCidrRoutePfxLen", Syntax::Unsigned32, Access::NotAccessible},
    {4, "inetCidrRoutePolicy", Syntax::ObjectIdentifier, Access::NotAccessible},
    {5, "inetCidrRouteNextHopType", Syntax::Integer32, Access::NotAccessible},
    {6, "inetCidrRouteNextHop", Syntax::OctetString, Access::NotAccessible},
    {7, "inetCidrRouteIfIndex", Syntax::Integer32, Access::ReadCreate, &ifIndexOf, Value::integer32(0),
     &validIfIndex},
    {8, "inetCidrRouteType", Syntax::Integer32, Access::ReadCreate, &typeOf, std::nullopt, &validRouteType},
    {9, "inetCidrRouteProto", Syntax::Integer32, Access::ReadOnly, &protoOf},
    {10, "inetCidrRouteAge", Syntax::Gauge32, Access::ReadOnly, &ageOf},
    {11, "inetCidrRouteNextHopAS", Syntax::Unsigned32, Access::ReadCreate, &nextHopAsOf, Value::unsigned32(0),
     &validNextHopAs},
    {12, "inetCidrRouteMetric1", Syntax::Integer32, Access::ReadCreate, &metric1Of, Value::integer32(-1),
     &validMetric1},
    {13, "inetCidrRouteMetric2", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {14, "inetCidrRouteMetric3", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {15, "inetCidrRouteMetric4", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {16, "inetCidrRouteMetric5", Syntax::Integer32, Access::ReadCreate, &unusedMetricOf, Value::integer32(-1),
     &unusedMetric},
    {17, "inetCidrRouteStatus", Syntax::Integer32, Access::ReadCreate, &statusOf, std::nullopt,
     &validRowStatus},
};

// Batches up to this size are applied on delivery when nothing is queued, so ordinary route
// churn is visible at once; bigger bursts go through the budgeted queue.
constexpr std::size_t kApplyInlineMax = 256;

} // namespace

const Oid& InetCidrRouteTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 24, 7, 1};
  return oid;
}
const Oid& InetCidrRouteTable::numberOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 24, 6};
  return oid;
}
const Oid& InetCidrRouteTable::discardsOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 24, 8};
  return oid;
}

InetCidrRouteTable::InetCidrRouteTable(InetCidrRouteOptions options)
    : options_(options), table_(entryOid(), "inetCidrRouteTable", kColumns),
      number_(numberOid(), "inetCidrRouteNumber", Syntax::Gauge32, Access::ReadOnly,
              [this](const RequestContext&) { return Value::gauge32(std::uint32_t(rowCount())); }),
      // Rows the table could not represent (see upsert); Linux itself never reports discarded
      // routes, so on a sane system this stays 0.
      discardsScalar_(discardsOid(), "inetCidrRouteDiscards", Syntax::Counter32, Access::ReadOnly,
                      [this](const RequestContext&) { return Value::counter32(discards_); }) {
  table_.setWriter(&writer_);
}

platform::Result InetCidrRouteTable::attach(platform::Backend& backend) {
  // Subscribe first: every change after the dump is then delivered and replayed after it.
  writer_.attach(backend);
  subscription_ = backend.notifyRouteChange2(
      options_.family, [this](std::span<const platform::Change<RouteRow>> changes) { enqueue(changes); });
  if (backend.routesLoading()) {
    // Its routes come as notifications (backend.h): no O(routes) dump here.
    loadingBackend_ = &backend;
    return platform::Result::success();
  }
  std::vector<RouteRow> rows;
  platform::Result result = backend.getIpForwardTable2(options_.family, rows);
  if (result.ok()) queue_.loadSnapshot(std::move(rows));
  return result;
}

void InetCidrRouteTable::enqueue(std::span<const platform::Change<RouteRow>> changes) {
  // A backend's load batches (at most kRouteLoadBatch rows) are applied on delivery too: inside
  // the backend's budget, so its load never piles up here as a copy of the table.
  if (queue_.empty() && changes.size() <= std::max(kApplyInlineMax, platform::kRouteLoadBatch)) {
    for (const auto& change : changes)
      apply(change.kind, change.row);
    return;
  }
  if (loadingBackend_ && loadingBackend_->routesLoading())
    queue_.pushLoad(changes);
  else
    queue_.push(changes);
}

bool InetCidrRouteTable::applyPending(std::chrono::steady_clock::duration budget) {
  writer_.expireIdle(platform::Clock::now());
  return queue_.drain(budget, [this](ChangeKind kind, const RouteRow& row) { apply(kind, row); });
}

void InetCidrRouteTable::apply(ChangeKind kind, const RouteRow& row) {
  if (options_.family != platform::Family::Unspecified && platform::familyOf(row) != options_.family) return;
  const bool watched = observer_ && !loading() && observer_->before(kind, row);
  if (kind == ChangeKind::Delete)
    erase(row);
  else
    upsert(row);
  if (watched) observer_->after(kind, row);
}

InetCidrRouteTable::Identity InetCidrRouteTable::identityOf(const RouteEntry& e) {
  return {e.ifIndex, e.routeTable, e.metric, e.nextHopScope};
}

RouteEntry InetCidrRouteTable::entryOf(const RouteRow& row) const {
  RouteEntry e;
  e.created = row.created;
  e.ifIndex = row.interfaceIndex;
  e.metric = row.metric;
  e.routeTable = row.table;
  e.nextHopScope = row.nextHop.scopeId();
  e.type = routeTypeOf(row);
  e.protocol = protocolOf(row.protocol);
  return e;
}

// INDEX { DestType, Dest, PfxLen, Policy, NextHopType, NextHop }.
//
// inetCidrRoutePolicy is opaque ("{ 0 0 } shall be used as the default"). Linux routes are
// identified by (table, destination, metric, next hop, interface), but the index only carries
// destination and next hop, so the policy has to tell the rest apart. Debian's snmpd 5.9.3 (checked
// by walking it: ...24.3.0.0.4.1.4.0.0.0.0 for "192.0.2.0/24 dev eth0", ...0.2.0.0.1.4.192.0.2.1 for
// "default via 192.0.2.1") uses {0 0 ifIndex} for IPv4 routes without a gateway and {0 0} for
// routes with one; for IPv6 it uses {0 0 n} with n the row's position in its /proc dump, which
// changes whenever an earlier route comes or goes and cannot be reproduced. We apply the IPv4
// rule to both families, so IPv4 instances match Debian's and IPv6 ones are stable (and give each
// link's fe80::/64 its own row). Rows that would still collide (same destination and next hop
// through several interfaces, e.g. ECMP over link-local next hops, or in several tables or with
// several metrics) are all served with the full form {0 0 ifIndex table metric}; when only one
// of them remains it returns to the short form. The choice depends only on the current set of
// routes, never on arrival order.
IndexKey InetCidrRouteTable::keyOf(const RouteRow& row, const Identity* fullForm) const {
  // Built once per row of a million-row load: one allocation for the whole index (at most
  // 2 + 21 + 1 + 6 + 2 + 21 sub-identifiers), the policy OID appended in place.
  Oid index;
  index.reserve(64);
  encodeInetAddressIndex(index, row.destinationPrefix.address, options_.zones);
  index.append(row.destinationPrefix.length);
  if (fullForm)
    index.append(5)
        .append(0)
        .append(0)
        .append(fullForm->ifIndex)
        .append(fullForm->routeTable)
        .append(fullForm->metric);
  else if (!hasGateway(row))
    index.append(3).append(0).append(0).append(row.interfaceIndex);
  else
    index.append(2).append(0).append(0);
  if (hasGateway(row))
    encodeInetAddressIndex(index, row.nextHop, options_.zones);
  else if (options_.nonRemoteNextHop == NonRemoteNextHop::Unknown)
    encodeInetAddressIndex(index, InetAddress::unknown());
  else
    encodeInetAddressIndex(index, platform::IpAddress::zero(row.destinationPrefix.family()), options_.zones);
  return encodeIndexKey(index.view());
}

void InetCidrRouteTable::upsert(const RouteRow& row) {
  if (!row.destinationPrefix.isValid()) {
    ++discards_; // no InetAddressType for it: cannot be indexed
    return;
  }
  RouteEntry entry = entryOf(row);
  const Identity id = identityOf(entry);
  IndexKey shortKey = keyOf(row, nullptr);

  if (auto group = collisions_.find(shortKey); group != collisions_.end()) {
    IndexKey fullKey = keyOf(row, &id);
    auto& members = group->second;
    bool member = std::find(members.begin(), members.end(), id) != members.end();
    if (!member && table_.rows().find(fullKey)) {
      ++discards_; // identical even in the full form (differs only in next-hop scope)
      return;
    }
    if (auto* item = table_.rows().find(fullKey); item && entry.created == platform::Timestamp{})
      entry.created = item->entry().created;
    table_.rows().upsert(fullKey, entry);
    if (!member) members.push_back(id);
    return;
  }

  // Past every row (the initial load comes in index order): new, no tree search.
  if (table_.rows().appendIfLast(shortKey, entry)) return;
  auto* item = table_.rows().find(shortKey);
  // A row the agent holds (createAndWait) is superseded by a route installed under its index.
  if (!item || item->entry().status != 1) {
    table_.rows().upsert(shortKey, entry);
    return;
  }
  if (identityOf(item->entry()) == id) {
    if (entry.created == platform::Timestamp{}) entry.created = item->entry().created;
    item->entry() = entry;
    return;
  }
  // A second route under the same short index: both move to the full form.
  const RouteEntry other = item->entry();
  const Identity otherId = identityOf(other);
  IndexKey fullKey = keyOf(row, &id);
  IndexKey otherKey = keyOf(row, &otherId); // same destination and next hop, the other identity
  if (fullKey == otherKey) {
    ++discards_;
    return;
  }
  table_.rows().erase(shortKey);
  table_.rows().upsert(otherKey, other);
  table_.rows().upsert(fullKey, entry);
  collisions_.emplace(std::move(shortKey), std::vector<Identity>{otherId, id});
}

void InetCidrRouteTable::erase(const RouteRow& row) {
  if (!row.destinationPrefix.isValid()) return;
  const Identity id = identityOf(entryOf(row));
  IndexKey shortKey = keyOf(row, nullptr);

  if (auto group = collisions_.find(shortKey); group != collisions_.end()) {
    auto& members = group->second;
    auto it = std::find(members.begin(), members.end(), id);
    if (it == members.end()) return;
    table_.rows().erase(keyOf(row, &id));
    members.erase(it);
    if (members.size() == 1) {
      // The survivor goes back to the short (Debian-compatible) form.
      IndexKey survivorKey = keyOf(row, &members.front());
      if (const auto* survivor = table_.rows().find(survivorKey)) {
        RouteEntry entry = survivor->entry();
        table_.rows().erase(survivorKey);
        table_.rows().upsert(shortKey, entry);
      }
      collisions_.erase(group);
    }
    return;
  }
  // A row held by the agent (a suspended route) stays when its route's deletion is reported.
  if (const auto* item = table_.rows().find(shortKey);
      item && item->entry().status == 1 && identityOf(item->entry()) == id)
    table_.rows().erase(shortKey);
}

std::optional<Oid> InetCidrRouteTable::indexOf(const RouteRow& row) const {
  if (!row.destinationPrefix.isValid()) return std::nullopt;
  RouteEntry entry = entryOf(row);
  const Identity id = identityOf(entry);
  IndexKey key = keyOf(row, nullptr);
  if (collisions_.count(key)) key = keyOf(row, &id);
  const auto* item = table_.rows().find(key);
  if (!item || identityOf(item->entry()) != id) return std::nullopt;
  return decodeIndexKey(item->key());
}

} // namespace ipmibd::tables
