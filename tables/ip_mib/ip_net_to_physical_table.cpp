// ipNetToPhysicalTable: column declarations, NeighborRow -> index/entry mapping (types and NUD
// states), and incremental upkeep.
#include "tables/ip_mib/ip_net_to_physical_table.h"

#include <algorithm>

namespace ipmibd::tables {

using platform::ChangeKind;
using platform::NeighborRow;
using platform::NeighborState;

namespace {

// ipNetToPhysicalType values.
enum : std::uint8_t { kTypeOther = 1, kTypeInvalid = 2, kTypeDynamic = 3, kTypeStatic = 4 };
// ipNetToPhysicalState values.
enum : std::uint8_t {
  kReachable = 1,
  kStale = 2,
  kDelay = 3,
  kProbe = 4,
  kInvalid = 5,
  kUnknown = 6,
  kIncomplete = 7
};

std::optional<Value> physAddressOf(const NeighborEntry& e, const RequestContext&) {
  return Value::octetString(Value::Bytes(e.physical.data(), e.physicalLength));
}
std::optional<Value> lastUpdatedOf(const NeighborEntry& e, const RequestContext& c) {
  return Value::timeTicks(c.timeStamp(e.lastUpdated));
}
std::optional<Value> typeOf(const NeighborEntry& e, const RequestContext&) {
  return Value::integer32(e.type);
}
std::optional<Value> stateOf(const NeighborEntry& e, const RequestContext&) {
  return Value::integer32(e.state);
}
// Rows exist only for entries the platform holds: always active(1).
std::optional<Value> rowStatusOf(const NeighborEntry&, const RequestContext&) { return Value::integer32(1); }

bool validType(const Value& v) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 1 && v.asInteger32() <= 5;
}
bool validRowStatus(const Value& v) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= 1 && v.asInteger32() <= 6;
}
bool validPhysAddress(const Value& v) {
  return v.syntax() == Syntax::OctetString && v.asBytes().size() <= 32;
}

const Column<NeighborEntry> kColumns[] = {
    {1, "ipNetToPhysicalIfIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "ipNetToPhysicalNetAddressType", Syntax::Integer32, Access::NotAccessible},
    {3, "ipNetToPhysicalNetAddress", Syntax::OctetString, Access::NotAccessible},
    {4, "ipNetToPhysicalPhysAddress", Syntax::OctetString, Access::ReadCreate, &physAddressOf, std::nullopt,
     &validPhysAddress},
    {5, "ipNetToPhysicalLastUpdated", Syntax::TimeTicks, Access::ReadOnly, &lastUpdatedOf},
    {6, "ipNetToPhysicalType", Syntax::Integer32, Access::ReadCreate, &typeOf, Value::integer32(kTypeStatic),
     &validType},
    {7, "ipNetToPhysicalState", Syntax::Integer32, Access::ReadOnly, &stateOf},
    {8, "ipNetToPhysicalRowStatus", Syntax::Integer32, Access::ReadCreate, &rowStatusOf, std::nullopt,
     &validRowStatus},
};

// As InetCidrRouteTable: ordinary neighbor churn is visible at once, bursts go through the queue.
constexpr std::size_t kApplyInlineMax = 256;

} // namespace

const Oid& IpNetToPhysicalTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 35, 1};
  return oid;
}

IpNetToPhysicalTable::IpNetToPhysicalTable(IpNetToPhysicalOptions options)
    : options_(options), table_(entryOid(), "ipNetToPhysicalTable", kColumns) {
  table_.setWriter(&writer_);
}

platform::Result IpNetToPhysicalTable::attach(platform::Backend& backend) {
  // Subscribe first: every change after the dump is then delivered and replayed after it.
  writer_.attach(backend);
  subscription_ = backend.notifyIpNetChange(
      options_.family, [this](std::span<const platform::Change<NeighborRow>> changes) { enqueue(changes); });
  std::vector<NeighborRow> rows;
  platform::Result result = backend.getIpNetTable2(options_.family, rows);
  if (result.ok()) queue_.loadSnapshot(std::move(rows));
  return result;
}

void IpNetToPhysicalTable::enqueue(std::span<const platform::Change<NeighborRow>> changes) {
  if (queue_.empty() && changes.size() <= kApplyInlineMax) {
    for (const auto& change : changes)
      apply(change.kind, change.row);
    return;
  }
  queue_.push(changes);
}

bool IpNetToPhysicalTable::applyPending(std::chrono::steady_clock::duration budget) {
  return queue_.drain(budget, [this](ChangeKind kind, const NeighborRow& row) { apply(kind, row); });
}

// Type and state per NeighborState, following Debian's snmpd 5.9.3 (arp_netlink.c) except where
// RFC 4293 disagrees:
//  Reachable/Stale/Delay/Probe: dynamic(3) ("dynamically resolved using e.g. IPv4 ARP or the IPv6
//    Neighbor Discovery protocol"), with the NUD state of the same name. Linux runs NUD for ARP too,
//    so IPv4 entries get real states rather than the RFC's "e.g. for IPv4 ... unknown(6)".
//  Permanent: static(4); state per options (RFC unknown(6) by default, see StaticNeighborState).
//  Incomplete (also NUD_NONE): invalid(2), incomplete(7), as Debian: resolution is still running
//    and there is no physical address, so no mapping is usable yet ("management stations must be
//    prepared to receive ... entries not currently in use" and look at the type).
//  Unreachable (NUD_FAILED): not served unless includeFailed; then invalid(2), invalid(5).
//  NoArp: not served unless includeNoArp; then other(1) (neither resolved nor necessarily
//    configured, nor always the entity's own address as local(5) means), unknown(6) (no NUD).
std::optional<NeighborEntry> IpNetToPhysicalTable::entryOf(const NeighborRow& row) const {
  NeighborEntry e;
  switch (row.state) {
  case NeighborState::Reachable: e.type = kTypeDynamic, e.state = kReachable; break;
  case NeighborState::Stale: e.type = kTypeDynamic, e.state = kStale; break;
  case NeighborState::Delay: e.type = kTypeDynamic, e.state = kDelay; break;
  case NeighborState::Probe: e.type = kTypeDynamic, e.state = kProbe; break;
  case NeighborState::Permanent:
    e.type = kTypeStatic;
    e.state = options_.staticState == StaticNeighborState::Reachable ? kReachable : kUnknown;
    break;
  case NeighborState::Incomplete: e.type = kTypeInvalid, e.state = kIncomplete; break;
  case NeighborState::Unreachable:
    if (!options_.includeFailed) return std::nullopt;
    e.type = kTypeInvalid, e.state = kInvalid;
    break;
  case NeighborState::NoArp:
    if (!options_.includeNoArp) return std::nullopt;
    e.type = kTypeOther, e.state = kUnknown;
    break;
  default: return std::nullopt; // a state this table does not know: nothing sensible to say
  }
  e.lastUpdated = row.lastUpdated;
  e.physicalLength = std::uint8_t(std::min(row.physicalAddress.size(), e.physical.size()));
  std::copy_n(row.physicalAddress.begin(), e.physicalLength, e.physical.begin());
  return e;
}

// INDEX { ipNetToPhysicalIfIndex, ipNetToPhysicalNetAddressType, ipNetToPhysicalNetAddress }:
// ifIndex, then type and length-prefixed address. Debian 5.9.3: ...35.1.4.3.1.4.192.0.2.7. The
// platform keys neighbors by (address, interface), so the index is unique in either zone style.
std::optional<Oid> IpNetToPhysicalTable::indexFor(const NeighborRow& row) const {
  if (row.interfaceIndex == 0 || row.address.isUnspecified()) return std::nullopt;
  platform::IpAddress address = row.address;
  if (address.isV6LinkLocal() && address.scopeId() == 0) address = address.withScope(row.interfaceIndex);
  Oid index;
  encodeIntegerIndex(index, row.interfaceIndex);
  encodeInetAddressIndex(index, address, options_.zones);
  return index;
}

void IpNetToPhysicalTable::apply(ChangeKind kind, const NeighborRow& row) {
  const bool watched = observer_ && !loading() && observer_->before(kind, row);
  applyChange(kind, row);
  if (watched) observer_->after(kind, row);
}

void IpNetToPhysicalTable::applyChange(ChangeKind kind, const NeighborRow& row) {
  if (options_.family != platform::Family::Unspecified && platform::familyOf(row) != options_.family) return;
  std::optional<Oid> index = indexFor(row);
  if (!index) {
    if (kind != ChangeKind::Delete) ++discards_;
    return;
  }
  IndexKey key = encodeIndexKey(index->view());
  std::optional<NeighborEntry> entry = kind == ChangeKind::Delete ? std::nullopt : entryOf(row);
  if (entry)
    table_.rows().upsert(key, *entry);
  else
    table_.rows().erase(key); // deleted, or moved to a state that is not served (e.g. FAILED)
}

std::optional<Oid> IpNetToPhysicalTable::indexOf(const NeighborRow& row) const {
  std::optional<Oid> index = indexFor(row);
  if (!index || !table_.rows().find(encodeIndexKey(index->view()))) return std::nullopt;
  return index;
}

} // namespace ipmibd::tables
