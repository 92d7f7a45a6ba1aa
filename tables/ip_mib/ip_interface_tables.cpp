// ipv4InterfaceTable / ipv6InterfaceTable: column declarations, IpInterfaceRow -> entry mapping,
// incremental upkeep and the LastChange rules of RFC 4293.
#include "tables/ip_mib/ip_interface_tables.h"

#include "tables/engine/index_codec.h"

#include <algorithm>

namespace ipmibd::tables {

using platform::ChangeKind;
using platform::Family;
using platform::IpInterfaceRow;

namespace {

// InterfaceIndex is (1..2147483647): rows outside it cannot be indexed.
constexpr std::uint32_t kMaxIfIndex = 0x7fffffff;

Value upDown(bool up) { return Value::integer32(up ? 1 : 2); }

// ipv4InterfaceReasmMaxSize is Integer32 (0..65535).
std::optional<Value> v4ReasmOf(const IpInterfaceEntry& e, const RequestContext&) {
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(e.reasmMaxSize, 65535)));
}
std::optional<Value> enableOf(const IpInterfaceEntry& e, const RequestContext&) { return upDown(e.enabled); }
std::optional<Value> retransmitOf(const IpInterfaceEntry& e, const RequestContext&) {
  return Value::unsigned32(e.retransmitTime);
}

// ipv6InterfaceReasmMaxSize is Unsigned32 (1500..65535). 0 means the platform does not know: no
// instance. Every IPv6 node must reassemble at least 1500 octets (RFC 8200 §5), so a smaller
// report is raised to that floor rather than served outside the syntax.
std::optional<Value> v6ReasmOf(const IpInterfaceEntry& e, const RequestContext&) {
  if (e.reasmMaxSize == 0) return std::nullopt;
  return Value::unsigned32(std::clamp<std::uint32_t>(e.reasmMaxSize, 1500, 65535));
}
std::optional<Value> identifierOf(const IpInterfaceEntry& e, const RequestContext&) {
  return Value::octetString(Value::Bytes(e.identifier.data(), e.identifierLength));
}
std::optional<Value> reachableOf(const IpInterfaceEntry& e, const RequestContext&) {
  return Value::unsigned32(e.reachableTime);
}
// Linux has per-interface IPv6 forwarding (conf/IF/forwarding), so the row reports its own
// setting rather than the RFC's "forwarding on every interface" fallback for systems without one.
std::optional<Value> forwardingOf(const IpInterfaceEntry& e, const RequestContext&) {
  return Value::integer32(e.forwarding ? 1 : 2);
}

bool validUpDown(const Value& v) {
  return v.syntax() == Syntax::Integer32 && (v.asInteger32() == 1 || v.asInteger32() == 2);
}

const Column<IpInterfaceEntry> kV4Columns[] = {
    {1, "ipv4InterfaceIfIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "ipv4InterfaceReasmMaxSize", Syntax::Integer32, Access::ReadOnly, &v4ReasmOf},
    {3, "ipv4InterfaceEnableStatus", Syntax::Integer32, Access::ReadWrite, &enableOf, std::nullopt,
     &validUpDown},
    {4, "ipv4InterfaceRetransmitTime", Syntax::Unsigned32, Access::ReadOnly, &retransmitOf,
     Value::unsigned32(1000)},
};

// Column 4 (formerly ipv6InterfacePhysicalAddress) is reserved by the MIB.
const Column<IpInterfaceEntry> kV6Columns[] = {
    {1, "ipv6InterfaceIfIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "ipv6InterfaceReasmMaxSize", Syntax::Unsigned32, Access::ReadOnly, &v6ReasmOf},
    {3, "ipv6InterfaceIdentifier", Syntax::OctetString, Access::ReadOnly, &identifierOf},
    {5, "ipv6InterfaceEnableStatus", Syntax::Integer32, Access::ReadWrite, &enableOf, std::nullopt,
     &validUpDown},
    {6, "ipv6InterfaceReachableTime", Syntax::Unsigned32, Access::ReadOnly, &reachableOf},
    {7, "ipv6InterfaceRetransmitTime", Syntax::Unsigned32, Access::ReadOnly, &retransmitOf},
    {8, "ipv6InterfaceForwarding", Syntax::Integer32, Access::ReadWrite, &forwardingOf, std::nullopt,
     &validUpDown},
};

IndexKey keyOf(std::uint32_t ifIndex) {
  const SubId index[] = {ifIndex};
  return encodeIndexKey(index);
}

// Batches up to this size are applied on delivery when nothing is queued (see InetCidrRouteTable).
constexpr std::size_t kApplyInlineMax = 256;

} // namespace

const Oid& IpInterfaceTables::ipv4LastChangeOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 27};
  return oid;
}
const Oid& IpInterfaceTables::ipv4EntryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 28, 1};
  return oid;
}
const Oid& IpInterfaceTables::ipv6LastChangeOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 29};
  return oid;
}
const Oid& IpInterfaceTables::ipv6EntryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 30, 1};
  return oid;
}

// Debian's snmpd 5.9.3 serves neither table (nor the LastChange scalars); there is nothing to
// match, so every value follows the RFC 4293 DESCRIPTIONs.
IpInterfaceTables::IpInterfaceTables(IpInterfaceTablesOptions options)
    : options_(std::move(options)), v4Table_(ipv4EntryOid(), "ipv4InterfaceTable", kV4Columns),
      v6Table_(ipv6EntryOid(), "ipv6InterfaceTable", kV6Columns),
      v4LastChangeScalar_(
          ipv4LastChangeOid(), "ipv4InterfaceTableLastChange", Syntax::TimeTicks, Access::ReadOnly,
          [this](const RequestContext& c) { return Value::timeTicks(c.timeStamp(v4LastChange_)); }),
      v6LastChangeScalar_(
          ipv6LastChangeOid(), "ipv6InterfaceTableLastChange", Syntax::TimeTicks, Access::ReadOnly,
          [this](const RequestContext& c) { return Value::timeTicks(c.timeStamp(v6LastChange_)); }) {
  v4Table_.setWriter(this);
  v6Table_.setWriter(this);
}

platform::Result IpInterfaceTables::attach(platform::Backend& backend) {
  backend_ = &backend;
  // Subscribe first: every change after the dump is then delivered and replayed after it.
  subscription_ = backend.notifyIpInterfaceChange(
      options_.family,
      [this](std::span<const platform::Change<IpInterfaceRow>> changes) { enqueue(changes); });
  std::vector<IpInterfaceRow> rows;
  platform::Result result = backend.getIpInterfaceTable(options_.family, rows);
  if (result.ok()) {
    snapshotLeft_ = rows.size();
    queue_.loadSnapshot(std::move(rows));
  }
  return result;
}

void IpInterfaceTables::enqueue(std::span<const platform::Change<IpInterfaceRow>> changes) {
  if (queue_.empty() && changes.size() <= kApplyInlineMax) {
    for (const auto& change : changes)
      apply(change.kind, change.row);
    return;
  }
  queue_.push(changes);
}

bool IpInterfaceTables::applyPending(std::chrono::steady_clock::duration budget) {
  // The queue hands out the dump's rows first, so the first snapshotLeft_ rows are the dump.
  return queue_.drain(budget, [this](ChangeKind kind, const IpInterfaceRow& row) {
    const bool initial = snapshotLeft_ > 0;
    if (initial) --snapshotLeft_;
    applyRow(kind, row, !initial);
  });
}

void IpInterfaceTables::apply(ChangeKind kind, const IpInterfaceRow& row) { applyRow(kind, row, true); }

void IpInterfaceTables::applyRow(ChangeKind kind, const IpInterfaceRow& row, bool stamp) {
  // Rows of the initial dump (stamp false) are not changes: nobody is told about them.
  const bool watched = stamp && observer_ && observer_->before(kind, row);
  applyChange(kind, row, stamp);
  if (watched) observer_->after(kind, row);
}

void IpInterfaceTables::applyChange(ChangeKind kind, const IpInterfaceRow& row, bool stamp) {
  if (row.family != Family::V4 && row.family != Family::V6) return;
  if (options_.family != Family::Unspecified && row.family != options_.family) return;
  if (row.interfaceIndex == 0 || row.interfaceIndex > kMaxIfIndex) return;
  const bool v6 = row.family == Family::V6;
  auto& rows = (v6 ? v6Table_ : v4Table_).rows();
  const IndexKey key = keyOf(row.interfaceIndex);
  auto* item = rows.find(key);

  bool changed = false;
  if (kind == ChangeKind::Delete) {
    changed = item != nullptr;
    if (item) rows.erase(key);
  } else {
    const IpInterfaceEntry entry = entryOf(row);
    if (!item) {
      rows.upsert(key, entry);
      changed = true;
    } else {
      changed = significant(row.family, item->entry(), entry);
      item->entry() = entry;
    }
  }
  if (changed && stamp) {
    // Never backwards: LastChange is "the most recent occasion".
    platform::Timestamp& last = v6 ? v6LastChange_ : v4LastChange_;
    last = std::max(last, options_.clock());
  }
}

// ipv6InterfaceReachableTime serves the configured base value (neigh/IF/base_reachable_time_ms),
// as Net-SNMP's Linux implementation does, not the current value the kernel re-randomizes every
// few minutes (RFC 4861 §6.3.2) without telling anyone: a value that changes unannounced would be
// stale between notifications and would move ipv6InterfaceTableLastChange for no configured change.
IpInterfaceEntry IpInterfaceTables::entryOf(const IpInterfaceRow& row) {
  IpInterfaceEntry e;
  e.reasmMaxSize = row.reassemblyMaxSize;
  e.reachableTime = row.baseReachableTime != 0 ? row.baseReachableTime : row.reachableTime;
  e.retransmitTime = row.retransmitTime;
  e.identifierLength =
      std::uint8_t(std::min<std::size_t>(row.interfaceIdentifier.size(), e.identifier.size()));
  std::copy_n(row.interfaceIdentifier.begin(), e.identifierLength, e.identifier.begin());
  e.enabled = row.enabled;
  e.forwarding = row.forwardingEnabled;
  return e;
}

// The DESCRIPTIONs of ipv4InterfaceTableLastChange and ipv6InterfaceTableLastChange list exactly
// which columns count. IPv4: ReasmMaxSize and EnableStatus (not RetransmitTime). IPv6:
// ReasmMaxSize, Identifier, EnableStatus, ReachableTime, RetransmitTime and Forwarding. Changes
// to platform fields no column serves (MTU, hop limit, accept_ra, ...) do not count either.
bool IpInterfaceTables::significant(Family family, const IpInterfaceEntry& before,
                                    const IpInterfaceEntry& after) {
  if (family == Family::V4)
    return before.reasmMaxSize != after.reasmMaxSize || before.enabled != after.enabled;
  return !(before == after);
}

std::size_t IpInterfaceTables::rowCount(Family family) const {
  return (family == Family::V6 ? v6Table_ : v4Table_).rows().size();
}

platform::Timestamp IpInterfaceTables::lastChange(Family family) const {
  return family == Family::V6 ? v6LastChange_ : v4LastChange_;
}

} // namespace ipmibd::tables
