// ipv6ScopeZoneIndexTable: column declarations and upkeep from IPv6 interface changes.
#include "tables/ip_mib/ipv6_scope_zone_index_table.h"

#include "tables/engine/index_codec.h"

namespace ipmibd::tables {

using platform::ChangeKind;
using platform::IpInterfaceRow;

namespace {

// InterfaceIndex is (1..2147483647): rows outside it cannot be indexed.
constexpr std::uint32_t kMaxIfIndex = 0x7fffffff;

std::optional<Value> linkLocalOf(const ScopeZoneEntry& e, const RequestContext&) {
  return Value::unsigned32(e.linkLocal);
}
// Every scope above link-local is one default zone on Linux: InetZoneIndex 0.
std::optional<Value> defaultZoneOf(const ScopeZoneEntry&, const RequestContext&) {
  return Value::unsigned32(0);
}

const Column<ScopeZoneEntry> kColumns[] = {
    {1, "ipv6ScopeZoneIndexIfIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "ipv6ScopeZoneIndexLinkLocal", Syntax::Unsigned32, Access::ReadOnly, &linkLocalOf},
    {3, "ipv6ScopeZoneIndex3", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {4, "ipv6ScopeZoneIndexAdminLocal", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {5, "ipv6ScopeZoneIndexSiteLocal", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {6, "ipv6ScopeZoneIndex6", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {7, "ipv6ScopeZoneIndex7", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {8, "ipv6ScopeZoneIndexOrganizationLocal", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {9, "ipv6ScopeZoneIndex9", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {10, "ipv6ScopeZoneIndexA", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {11, "ipv6ScopeZoneIndexB", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {12, "ipv6ScopeZoneIndexC", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
    {13, "ipv6ScopeZoneIndexD", Syntax::Unsigned32, Access::ReadOnly, &defaultZoneOf},
};

// Batches up to this size are applied on delivery when nothing is queued (see InetCidrRouteTable).
constexpr std::size_t kApplyInlineMax = 256;

} // namespace

const Oid& Ipv6ScopeZoneIndexTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 36, 1};
  return oid;
}

Ipv6ScopeZoneIndexTable::Ipv6ScopeZoneIndexTable()
    : table_(entryOid(), "ipv6ScopeZoneIndexTable", kColumns) {}

platform::Result Ipv6ScopeZoneIndexTable::attach(platform::Backend& backend) {
  // Subscribe first: every change after the dump is then delivered and replayed after it.
  subscription_ = backend.notifyIpInterfaceChange(
      platform::Family::V6,
      [this](std::span<const platform::Change<IpInterfaceRow>> changes) { enqueue(changes); });
  std::vector<IpInterfaceRow> rows;
  platform::Result result = backend.getIpInterfaceTable(platform::Family::V6, rows);
  if (result.ok()) queue_.loadSnapshot(std::move(rows));
  return result;
}

void Ipv6ScopeZoneIndexTable::enqueue(std::span<const platform::Change<IpInterfaceRow>> changes) {
  if (queue_.empty() && changes.size() <= kApplyInlineMax) {
    for (const auto& change : changes)
      apply(change.kind, change.row);
    return;
  }
  queue_.push(changes);
}

bool Ipv6ScopeZoneIndexTable::applyPending(std::chrono::steady_clock::duration budget) {
  return queue_.drain(budget, [this](ChangeKind kind, const IpInterfaceRow& row) { apply(kind, row); });
}

void Ipv6ScopeZoneIndexTable::apply(ChangeKind kind, const IpInterfaceRow& row) {
  if (row.family != platform::Family::V6 || row.interfaceIndex == 0 || row.interfaceIndex > kMaxIfIndex)
    return;
  const SubId index[] = {row.interfaceIndex};
  const IndexKey key = encodeIndexKey(index);
  // IPv6 disabled on the interface (disable_ipv6): it is no IPv6 interface, so no zones.
  if (kind == ChangeKind::Delete || !row.enabled)
    table_.rows().erase(key);
  else
    table_.rows().upsert(key, ScopeZoneEntry{row.interfaceIndex});
}

} // namespace ipmibd::tables
