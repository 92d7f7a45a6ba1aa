// ipSystemStatsTable / ipIfStatsTable: column declarations, IpStatisticsRow -> entry mapping and the
// on-demand snapshot refresh.
#include "tables/ip_mib/ip_if_stats_table.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ipmibd::tables {

using platform::Family;
using platform::IpStatisticsRow;

namespace {

constexpr std::uint32_t kMaxIfIndex = 0x7fffffff; // InterfaceIndex (1..2147483647)

// "For those objects, the 32-bit value MUST be the low order 32 bits of the 64-bit value" (RFC 4293
// ipTrafficStats); Counter32-only columns are the low 32 bits as well, as Debian's snmpd serves them.
template <IpCounter C> std::optional<Value> counter32Of(const IpStatsEntry& e, const RequestContext&) {
  if (!e.has(C)) return std::nullopt;
  return Value::counter32(std::uint32_t(e.value(C)));
}
template <IpCounter C> std::optional<Value> counter64Of(const IpStatsEntry& e, const RequestContext&) {
  if (!e.has(C)) return std::nullopt;
  return Value::counter64(e.value(C));
}
// The platform's discontinuity (counters reset, interface created); TimeStamp 0 when it happened
// before the agent started, as the DESCRIPTION asks. (Debian's snmpd always serves 0.)
std::optional<Value> discontinuityOf(const IpStatsEntry& e, const RequestContext& c) {
  return Value::timeTicks(c.timeStamp(e.discontinuity));
}
std::optional<Value> refreshRateOf(const IpStatsEntry& e, const RequestContext&) {
  return Value::unsigned32(e.refreshRateMs);
}

// Transcribed from the IP-MIB SEQUENCEs and checked against them (column 2 of ipSystemStatsEntry and column
// 22 of ipIfStatsEntry do not exist: there is no per-interface OutNoRoutes).
const Column<IpStatsEntry> kSystemColumns[] = {
    {1, "ipSystemStatsIPVersion", Syntax::Integer32, Access::NotAccessible},
    {3, "ipSystemStatsInReceives", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InReceives>},
    {4, "ipSystemStatsHCInReceives", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InReceives>},
    {5, "ipSystemStatsInOctets", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InOctets>},
    {6, "ipSystemStatsHCInOctets", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::InOctets>},
    {7, "ipSystemStatsInHdrErrors", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InHdrErrors>},
    {8, "ipSystemStatsInNoRoutes", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InNoRoutes>},
    {9, "ipSystemStatsInAddrErrors", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InAddrErrors>},
    {10, "ipSystemStatsInUnknownProtos", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InUnknownProtos>},
    {11, "ipSystemStatsInTruncatedPkts", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InTruncatedPkts>},
    {12, "ipSystemStatsInForwDatagrams", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InForwDatagrams>},
    {13, "ipSystemStatsHCInForwDatagrams", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InForwDatagrams>},
    {14, "ipSystemStatsReasmReqds", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::ReasmReqds>},
    {15, "ipSystemStatsReasmOKs", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::ReasmOKs>},
    {16, "ipSystemStatsReasmFails", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::ReasmFails>},
    {17, "ipSystemStatsInDiscards", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InDiscards>},
    {18, "ipSystemStatsInDelivers", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InDelivers>},
    {19, "ipSystemStatsHCInDelivers", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InDelivers>},
    {20, "ipSystemStatsOutRequests", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutRequests>},
    {21, "ipSystemStatsHCOutRequests", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutRequests>},
    {22, "ipSystemStatsOutNoRoutes", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutNoRoutes>},
    {23, "ipSystemStatsOutForwDatagrams", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutForwDatagrams>},
    {24, "ipSystemStatsHCOutForwDatagrams", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutForwDatagrams>},
    {25, "ipSystemStatsOutDiscards", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutDiscards>},
    {26, "ipSystemStatsOutFragReqds", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutFragReqds>},
    {27, "ipSystemStatsOutFragOKs", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutFragOKs>},
    {28, "ipSystemStatsOutFragFails", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutFragFails>},
    {29, "ipSystemStatsOutFragCreates", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutFragCreates>},
    {30, "ipSystemStatsOutTransmits", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutTransmits>},
    {31, "ipSystemStatsHCOutTransmits", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutTransmits>},
    {32, "ipSystemStatsOutOctets", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutOctets>},
    {33, "ipSystemStatsHCOutOctets", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::OutOctets>},
    {34, "ipSystemStatsInMcastPkts", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InMcastPkts>},
    {35, "ipSystemStatsHCInMcastPkts", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InMcastPkts>},
    {36, "ipSystemStatsInMcastOctets", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InMcastOctets>},
    {37, "ipSystemStatsHCInMcastOctets", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InMcastOctets>},
    {38, "ipSystemStatsOutMcastPkts", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutMcastPkts>},
    {39, "ipSystemStatsHCOutMcastPkts", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutMcastPkts>},
    {40, "ipSystemStatsOutMcastOctets", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutMcastOctets>},
    {41, "ipSystemStatsHCOutMcastOctets", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutMcastOctets>},
    {42, "ipSystemStatsInBcastPkts", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InBcastPkts>},
    {43, "ipSystemStatsHCInBcastPkts", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InBcastPkts>},
    {44, "ipSystemStatsOutBcastPkts", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutBcastPkts>},
    {45, "ipSystemStatsHCOutBcastPkts", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutBcastPkts>},
    {46, "ipSystemStatsDiscontinuityTime", Syntax::TimeTicks, Access::ReadOnly, &discontinuityOf},
    {47, "ipSystemStatsRefreshRate", Syntax::Unsigned32, Access::ReadOnly, &refreshRateOf},
};

const Column<IpStatsEntry> kInterfaceColumns[] = {
    {1, "ipIfStatsIPVersion", Syntax::Integer32, Access::NotAccessible},
    {2, "ipIfStatsIfIndex", Syntax::Integer32, Access::NotAccessible},
    {3, "ipIfStatsInReceives", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InReceives>},
    {4, "ipIfStatsHCInReceives", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::InReceives>},
    {5, "ipIfStatsInOctets", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InOctets>},
    {6, "ipIfStatsHCInOctets", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::InOctets>},
    {7, "ipIfStatsInHdrErrors", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InHdrErrors>},
    {8, "ipIfStatsInNoRoutes", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InNoRoutes>},
    {9, "ipIfStatsInAddrErrors", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InAddrErrors>},
    {10, "ipIfStatsInUnknownProtos", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InUnknownProtos>},
    {11, "ipIfStatsInTruncatedPkts", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InTruncatedPkts>},
    {12, "ipIfStatsInForwDatagrams", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InForwDatagrams>},
    {13, "ipIfStatsHCInForwDatagrams", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InForwDatagrams>},
    {14, "ipIfStatsReasmReqds", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::ReasmReqds>},
    {15, "ipIfStatsReasmOKs", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::ReasmOKs>},
    {16, "ipIfStatsReasmFails", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::ReasmFails>},
    {17, "ipIfStatsInDiscards", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InDiscards>},
    {18, "ipIfStatsInDelivers", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InDelivers>},
    {19, "ipIfStatsHCInDelivers", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::InDelivers>},
    {20, "ipIfStatsOutRequests", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutRequests>},
    {21, "ipIfStatsHCOutRequests", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::OutRequests>},
    {23, "ipIfStatsOutForwDatagrams", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutForwDatagrams>},
    {24, "ipIfStatsHCOutForwDatagrams", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutForwDatagrams>},
    {25, "ipIfStatsOutDiscards", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutDiscards>},
    {26, "ipIfStatsOutFragReqds", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutFragReqds>},
    {27, "ipIfStatsOutFragOKs", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutFragOKs>},
    {28, "ipIfStatsOutFragFails", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutFragFails>},
    {29, "ipIfStatsOutFragCreates", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutFragCreates>},
    {30, "ipIfStatsOutTransmits", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutTransmits>},
    {31, "ipIfStatsHCOutTransmits", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutTransmits>},
    {32, "ipIfStatsOutOctets", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutOctets>},
    {33, "ipIfStatsHCOutOctets", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::OutOctets>},
    {34, "ipIfStatsInMcastPkts", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InMcastPkts>},
    {35, "ipIfStatsHCInMcastPkts", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::InMcastPkts>},
    {36, "ipIfStatsInMcastOctets", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::InMcastOctets>},
    {37, "ipIfStatsHCInMcastOctets", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::InMcastOctets>},
    {38, "ipIfStatsOutMcastPkts", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutMcastPkts>},
    {39, "ipIfStatsHCOutMcastPkts", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutMcastPkts>},
    {40, "ipIfStatsOutMcastOctets", Syntax::Counter32, Access::ReadOnly,
     &counter32Of<IpCounter::OutMcastOctets>},
    {41, "ipIfStatsHCOutMcastOctets", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutMcastOctets>},
    {42, "ipIfStatsInBcastPkts", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::InBcastPkts>},
    {43, "ipIfStatsHCInBcastPkts", Syntax::Counter64, Access::ReadOnly, &counter64Of<IpCounter::InBcastPkts>},
    {44, "ipIfStatsOutBcastPkts", Syntax::Counter32, Access::ReadOnly, &counter32Of<IpCounter::OutBcastPkts>},
    {45, "ipIfStatsHCOutBcastPkts", Syntax::Counter64, Access::ReadOnly,
     &counter64Of<IpCounter::OutBcastPkts>},
    {46, "ipIfStatsDiscontinuityTime", Syntax::TimeTicks, Access::ReadOnly, &discontinuityOf},
    {47, "ipIfStatsRefreshRate", Syntax::Unsigned32, Access::ReadOnly, &refreshRateOf},
};

// InetVersion: ipv4(1), ipv6(2); 0 for families the tables cannot index.
std::uint32_t inetVersion(Family family) { return family == Family::V4 ? 1 : family == Family::V6 ? 2 : 0; }

std::optional<std::uint64_t> IpStatisticsRow::*const kCounterFields[] = {
    &IpStatisticsRow::inReceives,       &IpStatisticsRow::inOctets,        &IpStatisticsRow::inHdrErrors,
    &IpStatisticsRow::inNoRoutes,       &IpStatisticsRow::inAddrErrors,    &IpStatisticsRow::inUnknownProtos,
    &IpStatisticsRow::inTruncatedPkts,  &IpStatisticsRow::inForwDatagrams, &IpStatisticsRow::reasmReqds,
    &IpStatisticsRow::reasmOKs,         &IpStatisticsRow::reasmFails,      &IpStatisticsRow::inDiscards,
    &IpStatisticsRow::inDelivers,       &IpStatisticsRow::outRequests,     &IpStatisticsRow::outNoRoutes,
    &IpStatisticsRow::outForwDatagrams, &IpStatisticsRow::outDiscards,     &IpStatisticsRow::outFragReqds,
    &IpStatisticsRow::outFragOKs,       &IpStatisticsRow::outFragFails,    &IpStatisticsRow::outFragCreates,
    &IpStatisticsRow::outTransmits,     &IpStatisticsRow::outOctets,       &IpStatisticsRow::inMcastPkts,
    &IpStatisticsRow::inMcastOctets,    &IpStatisticsRow::outMcastPkts,    &IpStatisticsRow::outMcastOctets,
    &IpStatisticsRow::inBcastPkts,      &IpStatisticsRow::outBcastPkts,    &IpStatisticsRow::routingDiscards,
};
static_assert(std::size(kCounterFields) == std::size_t(IpCounter::Count));

using KeyedEntries = std::vector<std::pair<IndexKey, IpStatsEntry>>;

void sortUnique(KeyedEntries& entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // A platform reporting a row twice: the first one wins.
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                entries.end());
}

} // namespace

const Oid& IpStatisticsTables::systemStatsEntryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 31, 1, 1};
  return oid;
}
const Oid& IpStatisticsTables::ifStatsLastChangeOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 31, 2};
  return oid;
}
const Oid& IpStatisticsTables::ifStatsEntryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 31, 3, 1};
  return oid;
}

IpStatisticsTables::IpStatisticsTables(IpStatisticsOptions options)
    : options_(options), system_(systemStatsEntryOid(), "ipSystemStatsTable", kSystemColumns),
      interfaces_(ifStatsEntryOid(), "ipIfStatsTable", kInterfaceColumns), systemObject_(*this, system_),
      interfaceObject_(*this, interfaces_),
      lastChangeScalar_(ifStatsLastChangeOid(), "ipIfStatsTableLastChange", Syntax::TimeTicks,
                        Access::ReadOnly, [this](const RequestContext& c) {
                          refresh(c.now()); // rows come and go only when the snapshot is replaced
                          return Value::timeTicks(c.timeStamp(lastChange_));
                        }) {}

platform::Result IpStatisticsTables::attach(platform::Backend& backend, platform::Timestamp now) {
  backend_ = &backend;
  lastRead_.reset();
  loaded_ = false;
  return refresh(now);
}

// Why lazily and not on a timer: the counters are only worth reading when someone asks, and a
// timer would read them every interval forever on an agent nobody polls. Why at most once per
// interval: one walk of both tables is a few hundred GETNEXTs (GETBULKs), each of which would
// otherwise be a full dump of the kernel's per-interface statistics (one RTM_GETLINK dump on
// Linux). Every varbind of a PDU carries the same `now`, so a PDU never straddles two snapshots;
// a walk spanning several PDUs within the interval sees one snapshot, and
// ipSystemStats/ipIfStatsRefreshRate tell the manager that polling faster gains nothing.
platform::Result IpStatisticsTables::refresh(platform::Timestamp now) {
  if (!backend_) return platform::Result::failure(platform::Status::GeneralFailure, "not attached");
  if (lastRead_ && !(now > *lastRead_ && now - *lastRead_ >= options_.refreshInterval))
    return platform::Result::success();
  lastRead_ = now; // also after a failure: retried next interval, not on every varbind
  ++reads_;
  std::vector<IpStatisticsRow> rows;
  platform::Result result = backend_->getIpStatisticsTable(Family::Unspecified, rows);
  if (!result.ok()) return result; // keep serving the previous snapshot
  const bool baseline = !std::exchange(loaded_, true);

  KeyedEntries system, interfaces;
  for (const IpStatisticsRow& row : rows) {
    const std::uint32_t version = inetVersion(row.family);
    if (version == 0 || row.interfaceIndex > kMaxIfIndex) continue;
    IpStatsEntry entry = entryOf(row);
    if (row.interfaceIndex == 0) {
      const SubId index[] = {version};
      system.emplace_back(encodeIndexKey(index), entry);
    } else if (entry.present != 0) {
      // A per-interface row without a single counter (Linux keeps none for IPv4) is not served:
      // DiscontinuityTime and RefreshRate alone would claim statistics that do not exist. Debian's
      // snmpd likewise serves only IPv6 rows in ipIfStatsTable.
      const SubId index[] = {version, row.interfaceIndex};
      interfaces.emplace_back(encodeIndexKey(index), entry);
    }
  }
  replaceRows(system_, system);
  // ipIfStatsTableLastChange: "a row in the ipIfStatsTable was added or deleted". Interfaces that
  // come and go between two snapshots unseen are missed; the first snapshot is the baseline.
  if (replaceRows(interfaces_, interfaces) && !baseline) lastChange_ = std::max(lastChange_, now);
  return result;
}

IpStatsEntry IpStatisticsTables::entryOf(const IpStatisticsRow& row) const {
  IpStatsEntry e;
  for (std::size_t i = 0; i < std::size(kCounterFields); ++i) {
    if (const auto& field = row.*kCounterFields[i]) {
      e.values[i] = *field;
      e.present |= 1u << i;
    }
  }
  e.discontinuity = row.discontinuityTime;
  e.refreshRateMs =
      std::uint32_t(std::min<std::chrono::milliseconds::rep>(options_.refreshInterval.count(), 0xffffffff));
  return e;
}

bool IpStatisticsTables::replaceRows(MibTable<IpStatsEntry>& table, KeyedEntries& fresh) {
  sortUnique(fresh);
  auto& rows = table.rows();
  std::vector<IndexKey> gone;
  bool changed = rows.size() != fresh.size();
  auto next = fresh.begin();
  for (const auto* item = rows.first(); item; item = rows.next(item)) {
    IndexKey key(item->key().begin(), item->key().end());
    while (next != fresh.end() && next->first < key)
      ++next;
    if (next == fresh.end() || next->first != key) {
      gone.push_back(std::move(key));
      changed = true;
    }
  }
  for (const IndexKey& key : gone)
    rows.erase(key);
  for (const auto& [key, entry] : fresh)
    rows.upsert(key, entry);
  return changed;
}

const IpStatsEntry* IpStatisticsTables::systemEntry(Family family, platform::Timestamp now) {
  refresh(now);
  const SubId index[] = {inetVersion(family)};
  const auto* item = system_.rows().find(encodeIndexKey(index));
  return item ? &item->entry() : nullptr;
}

GetResult IpStatisticsTables::RefreshingTable::get(std::span<const SubId> suffix,
                                                   const RequestContext& context) const {
  owner_.refresh(context.now());
  return table_.get(suffix, context);
}

std::optional<VarBind> IpStatisticsTables::RefreshingTable::getNext(std::span<const SubId> suffix,
                                                                    const RequestContext& context) const {
  owner_.refresh(context.now());
  return table_.getNext(suffix, context);
}

} // namespace ipmibd::tables
