// InetCidrRouteTable: the IP-FORWARD-MIB (RFC 4292) route table unit: inetCidrRouteTable,
// inetCidrRouteNumber and inetCidrRouteDiscards, kept current from the platform's route changes.
#pragma once

#include "platform/backend.h"
#include "tables/engine/change_queue.h"
#include "tables/engine/index_codec.h"
#include "tables/engine/row_observer.h"
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"
#include "tables/ip_forward_mib/inet_cidr_route_writer.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace ipmibd::tables {

// A Timestamp stored as two 32-bit halves: 4-byte aligned, so that RouteEntry is 28 bytes, not 32,
// and an IPv4 route row of the SortedIndex fits malloc's 80-byte size class instead of 96.
class PackedTimestamp {
public:
  PackedTimestamp() = default;
  PackedTimestamp(platform::Timestamp t) // NOLINT(google-explicit-constructor): a stored Timestamp
      : low_(std::uint32_t(std::uint64_t(t.time_since_epoch().count()))),
        high_(std::uint32_t(std::uint64_t(t.time_since_epoch().count()) >> 32)) {}
  operator platform::Timestamp() const { // NOLINT(google-explicit-constructor)
    return platform::Timestamp(
        platform::Timestamp::duration(platform::Timestamp::rep(std::uint64_t(high_) << 32 | low_)));
  }
  friend bool operator==(const PackedTimestamp&, const PackedTimestamp&) = default;

private:
  std::uint32_t low_ = 0, high_ = 0;
};

// What one served row stores (28 bytes); everything else a column needs is in the index.
struct RouteEntry {
  PackedTimestamp created;        // inetCidrRouteAge
  std::uint32_t ifIndex = 0;      // inetCidrRouteIfIndex
  std::uint32_t metric = 0;       // platform metric; inetCidrRouteMetric1 and row identity
  std::uint32_t routeTable = 0;   // kernel table: row identity only
  std::uint32_t nextHopScope = 0; // next hop's scope id: row identity only
  std::uint8_t type = 0;          // inetCidrRouteType value
  std::uint8_t protocol = 0;      // IANAipRouteProtocol value
  // inetCidrRouteStatus: active(1) for installed routes; notInService(2) / notReady(3) for rows
  // that live only in the agent (createAndWait, or suspended), see InetCidrRouteWriter.
  std::uint8_t status = 1;
};
static_assert(sizeof(RouteEntry) == 28 && alignof(RouteEntry) == 4);

// How the next hop of a non-remote route (on-link, blackhole, reject, local) is indexed.
//  FamilyZero: the family's zero address, ipv4 "0.0.0.0" / ipv6 "::" — what Debian's snmpd 5.9
//    serves (verified against 5.9.3: ...24.3.0.0.4.1.4.0.0.0.0 for 192.0.2.0/24 dev eth0).
//  Unknown: unknown(0) with a zero-length address, as the RFC 4292 DESCRIPTIONs ask
//    ("Value should be set to unknown(0) for non-remote routes"; "a zero length string").
// Default FamilyZero: a SHOULD, and instance OIDs that match the snmpd this agent replaces.
enum class NonRemoteNextHop : std::uint8_t { FamilyZero, Unknown };

struct InetCidrRouteOptions {
  ZoneStyle zones = ZoneStyle::DropZone; // IPv6 link-local next hops: Debian's form
  NonRemoteNextHop nonRemoteNextHop = NonRemoteNextHop::FamilyZero;
  platform::Family family = platform::Family::Unspecified; // both
  // createAndWait / notInService rows untouched this long are removed (RFC 2579: ~5 minutes).
  std::chrono::seconds rowIdleTimeout{300};
  // The routing instance's own kernel table: SETs create routes there, and the deprecated views
  // (ipRouteTable, ipCidrRouteTable) show its IPv4 routes. main, or a context's table.
  std::uint32_t routeTable = platform::kMainRouteTable;
};

class InetCidrRouteTable {
public:
  // 1.3.6.1.2.1.4.24 ipForward: .6 inetCidrRouteNumber, .7.1 inetCidrRouteEntry, .8 inetCidrRouteDiscards
  static const Oid& entryOid();
  static const Oid& numberOid();
  static const Oid& discardsOid();

  explicit InetCidrRouteTable(InetCidrRouteOptions options = {});
  InetCidrRouteTable(const InetCidrRouteTable&) = delete;
  InetCidrRouteTable& operator=(const InetCidrRouteTable&) = delete;

  // Subscribes to route changes, then takes the initial dump. The dump is only queued: rows appear
  // as applyPending() works through it. Failure leaves the table empty but subscribed. A backend
  // whose routes are still loading (Backend::routesLoading()) is not asked for a dump: its load's
  // batches arrive as notifications, applied on delivery, and the table is loading() until the
  // backend's load is over and every batch applied. `backend` must outlive the table.
  platform::Result attach(platform::Backend& backend);
  // Queues a batch as delivered by Backend::notifyRouteChange2 (the subscription calls this).
  void enqueue(std::span<const platform::Change<platform::RouteRow>> changes);
  // Applies queued rows/changes for at most about `budget`; true while work remains. The agent
  // calls it from its loop after Backend::dispatch(), with e.g. 20 ms, until it returns false.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // The idle time after which agent-held rows (createAndWait, notInService) are removed.
  void setRowIdleTimeout(std::chrono::seconds timeout) { options_.rowIdleTimeout = timeout; }
  void setRouteTable(std::uint32_t table) { options_.routeTable = table; }
  InetCidrRouteWriter& writer() { return writer_; }
  // Applies one change immediately (Add and ParameterChange upsert, Delete erases).
  void apply(platform::ChangeKind kind, const platform::RouteRow& row);

  // Watches every change applied after the initial dump (nullptr: none); must outlive its use.
  void setObserver(RowObserver<platform::RouteRow>* observer) { observer_ = observer; }
  bool loading() const {
    return queue_.loadingSnapshot() || (loadingBackend_ && loadingBackend_->routesLoading());
  }
  std::size_t pending() const { return queue_.pending(); }
  std::size_t rowCount() const { return table_.rows().size(); } // = inetCidrRouteNumber
  std::uint32_t discardCount() const { return discards_; }      // = inetCidrRouteDiscards

  // The objects to register with the agent, in OID order: Number, Table, Discards.
  std::array<const MibObject*, 3> objects() const { return {&number_, &table_, &discardsScalar_}; }
  const MibTable<RouteEntry>& table() const { return table_; }
  const InetCidrRouteOptions& options() const { return options_; }

  // The index (below inetCidrRouteEntry.<column>) a row is served under now, nullopt if not served.
  std::optional<Oid> indexOf(const platform::RouteRow& row) const;

private:
  struct Identity {
    std::uint32_t ifIndex, routeTable, metric, nextHopScope;
    friend bool operator==(const Identity&, const Identity&) = default;
  };
  static Identity identityOf(const RouteEntry& entry);
  RouteEntry entryOf(const platform::RouteRow& row) const;
  // inetCidrRoutePolicy: Debian's {0.0.ifIndex} (no next hop) / {0.0} (gateway), or, for rows
  // that would otherwise share an index, the full form {0.0.ifIndex.table.metric}.
  IndexKey keyOf(const platform::RouteRow& row, const Identity* fullForm) const;
  void upsert(const platform::RouteRow& row);
  void erase(const platform::RouteRow& row);

  InetCidrRouteOptions options_;
  MibTable<RouteEntry> table_;
  MibScalar number_;
  MibScalar discardsScalar_;
  ChangeQueue<platform::RouteRow> queue_;
  InetCidrRouteWriter writer_{table_, options_};
  platform::Subscription subscription_;
  const platform::Backend* loadingBackend_ = nullptr; // the backend whose route load feeds the table
  RowObserver<platform::RouteRow>* observer_ = nullptr;
  // Compatible-form keys shared by several rows, and those rows (all served in the full form).
  std::map<IndexKey, std::vector<Identity>> collisions_;
  std::uint32_t discards_ = 0;
};

} // namespace ipmibd::tables
