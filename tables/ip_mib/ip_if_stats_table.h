// IpStatisticsTables: the IP-MIB (RFC 4293) traffic statistics ipSystemStatsTable, ipIfStatsTable
// and ipIfStatsTableLastChange, served from a snapshot of the platform's counters refreshed on demand.
#pragma once

#include "platform/backend.h"
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace ipmibd::tables {

// The counters of IpStatisticsRow, in ipSystemStats/ipIfStats column order.
enum class IpCounter : std::uint8_t {
  InReceives,
  InOctets,
  InHdrErrors,
  InNoRoutes,
  InAddrErrors,
  InUnknownProtos,
  InTruncatedPkts,
  InForwDatagrams,
  ReasmReqds,
  ReasmOKs,
  ReasmFails,
  InDiscards,
  InDelivers,
  OutRequests,
  OutNoRoutes,
  OutForwDatagrams,
  OutDiscards,
  OutFragReqds,
  OutFragOKs,
  OutFragFails,
  OutFragCreates,
  OutTransmits,
  OutOctets,
  InMcastPkts,
  InMcastOctets,
  OutMcastPkts,
  OutMcastOctets,
  InBcastPkts,
  OutBcastPkts,
  RoutingDiscards, // RFC 2011 ipRoutingDiscards: no ipSystemStats column, served by IpV4Counters
  Count
};

// One served row (both tables): the platform's 64-bit figures and which of them it has.
struct IpStatsEntry {
  std::array<std::uint64_t, std::size_t(IpCounter::Count)> values{};
  std::uint32_t present = 0; // bit i: values[i] is a real figure (absent ones have no instance)
  platform::Timestamp discontinuity{};
  std::uint32_t refreshRateMs = 0; // ipSystemStats/ipIfStatsRefreshRate
  bool has(IpCounter c) const { return (present >> unsigned(c)) & 1u; }
  std::uint64_t value(IpCounter c) const { return values[std::size_t(c)]; }
};

struct IpStatisticsOptions {
  // Statistics have no change notifications: the cached snapshot is replaced by a fresh
  // getIpStatisticsTable() when a request needs it and it is older than this (0 = every PDU).
  // Also served as ipSystemStats/ipIfStatsRefreshRate.
  std::chrono::milliseconds refreshInterval{1000};
};

class IpStatisticsTables {
public:
  // 1.3.6.1.2.1.4.31 ipTrafficStats: .1.1 ipSystemStatsEntry, .2 ipIfStatsTableLastChange,
  //                                  .3.1 ipIfStatsEntry
  static const Oid& systemStatsEntryOid();
  static const Oid& ifStatsLastChangeOid();
  static const Oid& ifStatsEntryOid();

  explicit IpStatisticsTables(IpStatisticsOptions options = {});
  IpStatisticsTables(const IpStatisticsTables&) = delete;
  IpStatisticsTables& operator=(const IpStatisticsTables&) = delete;

  // Remembers the backend and takes the first snapshot at `now` (the baseline: its rows do not
  // move ipIfStatsTableLastChange). The backend must outlive this object.
  platform::Result attach(platform::Backend& backend, platform::Timestamp now = platform::Clock::now());
  // Replaces the snapshot if it is older than refreshInterval at `now`; every object calls this
  // before answering. Success when the cache was fresh enough; on failure the old rows stay.
  platform::Result refresh(platform::Timestamp now);

  std::size_t systemRowCount() const { return system_.rows().size(); }
  std::size_t interfaceRowCount() const { return interfaces_.rows().size(); }
  platform::Timestamp lastChange() const { return lastChange_; } // default = never since attach
  std::uint64_t backendReads() const { return reads_; }          // getIpStatisticsTable round trips
  // The system-wide row of `family` (V4 or V6) in the snapshot current at `now`, after the same
  // refresh the tables do (so a view reading it in the same PDU sees the tables' numbers);
  // nullptr when the platform reported none.
  const IpStatsEntry* systemEntry(platform::Family family, platform::Timestamp now);

  // The objects to register with the agent, in OID order: ipSystemStatsTable,
  // ipIfStatsTableLastChange, ipIfStatsTable. The tables refresh the snapshot before answering.
  std::array<const MibObject*, 3> objects() const {
    return {&systemObject_, &lastChangeScalar_, &interfaceObject_};
  }

private:
  // A MibTable behind a refresh of the snapshot: the engine's tables only read their rows, and
  // the statistics have to be re-read at request time because nothing announces their changes.
  class RefreshingTable final : public MibObject {
  public:
    RefreshingTable(IpStatisticsTables& owner, const MibTable<IpStatsEntry>& table)
        : owner_(owner), table_(table) {}
    const Oid& base() const override { return table_.base(); }
    std::string_view name() const override { return table_.name(); }
    std::vector<ColumnDeclaration> declaredColumns() const override { return table_.declaredColumns(); }
    GetResult get(std::span<const SubId> suffix, const RequestContext& context) const override;
    std::optional<VarBind> getNext(std::span<const SubId> suffix,
                                   const RequestContext& context) const override;

  private:
    IpStatisticsTables& owner_;
    const MibTable<IpStatsEntry>& table_;
  };

  IpStatsEntry entryOf(const platform::IpStatisticsRow& row) const;
  // Replaces the rows of `table` by `fresh` (sorted by key); true when the set of keys changed.
  static bool replaceRows(MibTable<IpStatsEntry>& table,
                          std::vector<std::pair<IndexKey, IpStatsEntry>>& fresh);

  IpStatisticsOptions options_;
  platform::Backend* backend_ = nullptr;
  std::optional<platform::Timestamp> lastRead_;
  bool loaded_ = false; // a snapshot was read successfully (the next one can add and delete rows)
  std::uint64_t reads_ = 0;
  platform::Timestamp lastChange_{};
  MibTable<IpStatsEntry> system_, interfaces_;
  RefreshingTable systemObject_, interfaceObject_;
  MibScalar lastChangeScalar_;
};

} // namespace ipmibd::tables
