// ipDefaultRouterTable: column declarations, RouteRow -> index/entry mapping and upkeep from route
// changes; the lifetime is computed from the route's expiry per request.
#include "tables/ip_mib/ip_default_router_table.h"

#include <algorithm>

namespace ipmibd::tables {

using platform::ChangeKind;
using platform::RouteRow;

namespace {

// ipDefaultRouterLifetime is Unsigned32 (0..65535); also what a router without a lifetime gets.
constexpr std::uint32_t kMaxLifetime = 65535;
// InterfaceIndex is (1..2147483647): rows outside it cannot be indexed.
constexpr std::uint32_t kMaxIfIndex = 0x7fffffff;

// Whole seconds left (as Debian: rta_expires / HZ), nullopt once run out.
std::optional<std::uint32_t> remaining(const DefaultRouterEntry& e, const RequestContext& c) {
  if (e.expires == platform::Timestamp{}) return kMaxLifetime;
  if (e.expires <= c.now()) return std::nullopt;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(e.expires - c.now()).count();
  if (left <= 0) return std::nullopt;
  return std::uint32_t(std::min<std::int64_t>(left, kMaxLifetime));
}

std::optional<Value> lifetimeOf(const DefaultRouterEntry& e, const RequestContext& c) {
  auto left = remaining(e, c);
  if (!left) return std::nullopt;
  return Value::unsigned32(*left);
}
// A row whose lifetime ran out has no instance in any column: the row is gone for the manager.
std::optional<Value> preferenceOf(const DefaultRouterEntry& e, const RequestContext& c) {
  if (!remaining(e, c)) return std::nullopt;
  return Value::integer32(e.preference);
}

const Column<DefaultRouterEntry> kColumns[] = {
    {1, "ipDefaultRouterAddressType", Syntax::Integer32, Access::NotAccessible},
    {2, "ipDefaultRouterAddress", Syntax::OctetString, Access::NotAccessible},
    {3, "ipDefaultRouterIfIndex", Syntax::Integer32, Access::NotAccessible},
    {4, "ipDefaultRouterLifetime", Syntax::Unsigned32, Access::ReadOnly, &lifetimeOf},
    {5, "ipDefaultRouterPreference", Syntax::Integer32, Access::ReadOnly, &preferenceOf},
};

// RFC 4191's 2-bit preference read as a signed number, as the column's DESCRIPTION says.
std::int8_t preferenceValue(platform::RouterPreference p) {
  switch (p) {
  case platform::RouterPreference::High: return 1;
  case platform::RouterPreference::Low: return -1;
  case platform::RouterPreference::Reserved: return -2;
  default: return 0;
  }
}

// Route batches up to this size are applied on delivery when nothing is queued (see InetCidrRouteTable).
constexpr std::size_t kApplyInlineMax = 256;

} // namespace

const Oid& IpDefaultRouterTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 37, 1};
  return oid;
}

IpDefaultRouterTable::IpDefaultRouterTable(IpDefaultRouterOptions options)
    : options_(options), table_(entryOid(), "ipDefaultRouterTable", kColumns) {}

platform::Result IpDefaultRouterTable::attach(platform::Backend& backend) {
  // Subscribe first: every change after the dump is then delivered and replayed after it.
  subscription_ = backend.notifyRouteChange2(
      platform::Family::Unspecified,
      [this](std::span<const platform::Change<RouteRow>> changes) { enqueue(changes); });
  if (backend.routesLoading()) {
    // As InetCidrRouteTable: the backend's load brings every route as a notification.
    loadingBackend_ = &backend;
    return platform::Result::success();
  }
  std::vector<RouteRow> rows;
  platform::Result result = backend.getIpForwardTable2(platform::Family::Unspecified, rows);
  if (result.ok()) {
    // Only default routes matter: a million-route table queues a handful.
    std::erase_if(rows, [](const RouteRow& r) { return r.destinationPrefix.length != 0; });
    // erase_if keeps the whole dump's capacity: a fresh vector frees it now (at 100k routes it
    // was ~130 bytes per route, held for good when no default route was left to drain).
    queue_.loadSnapshot(std::vector<RouteRow>(rows.begin(), rows.end()));
  }
  return result;
}

void IpDefaultRouterTable::enqueue(std::span<const platform::Change<RouteRow>> changes) {
  // As InetCidrRouteTable: a backend's load batches too are applied on delivery.
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

bool IpDefaultRouterTable::applyPending(std::chrono::steady_clock::duration budget) {
  return queue_.drain(budget, [this](ChangeKind kind, const RouteRow& row) { apply(kind, row); });
}

std::optional<Oid> IpDefaultRouterTable::indexFor(const RouteRow& row) const {
  if (row.destinationPrefix.length != 0 || row.type != platform::RouteType::Unicast) return std::nullopt;
  if (row.interfaceIndex == 0 || row.interfaceIndex > kMaxIfIndex) return std::nullopt;
  const platform::IpAddress& gateway = row.nextHop;
  if (gateway.isUnspecified() || gateway.isZero() || gateway.family() != row.destinationPrefix.family())
    return std::nullopt;
  if (gateway.isV6() && !options_.includeStaticIpv6 && row.validLifetime == platform::kInfiniteLifetime)
    return std::nullopt;
  Oid index;
  encodeInetAddressIndex(index, gateway, ZoneStyle::DropZone);
  encodeIntegerIndex(index, row.interfaceIndex);
  return index;
}

void IpDefaultRouterTable::apply(ChangeKind kind, const RouteRow& row) {
  if (row.destinationPrefix.length != 0) return; // the common case: not a default route at all
  const platform::RouteKey routeKey = platform::keyOf(row);
  auto known = candidates_.find(routeKey);
  std::optional<IndexKey> previous;
  if (known != candidates_.end()) {
    previous = known->second.key;
    candidates_.erase(known);
  }
  std::optional<Oid> index = kind == ChangeKind::Delete ? std::nullopt : indexFor(row);
  if (index) {
    Candidate c;
    c.key = encodeIndexKey(index->view());
    c.metric = row.metric;
    if (row.validLifetime != platform::kInfiniteLifetime) c.entry.expires = row.expires;
    c.entry.preference = preferenceValue(row.routerPreference);
    const IndexKey key = c.key;
    candidates_.emplace(routeKey, std::move(c));
    refresh(key);
  }
  if (previous && (!index || *previous != encodeIndexKey(index->view()))) refresh(*previous);
}

void IpDefaultRouterTable::refresh(const IndexKey& key) {
  const Candidate* best = nullptr;
  for (const auto& [routeKey, c] : candidates_)
    if (c.key == key && (!best || c.metric < best->metric)) best = &c;
  if (best)
    table_.rows().upsert(key, best->entry);
  else
    table_.rows().erase(key);
}

} // namespace ipmibd::tables
