// IpNetToPhysicalTable: the IP-MIB (RFC 4293) neighbor table unit, ipNetToPhysicalTable, kept
// current from the platform's ARP / Neighbor Discovery cache changes.
#pragma once

#include "platform/backend.h"
#include "tables/engine/change_queue.h"
#include "tables/engine/index_codec.h"
#include "tables/engine/row_observer.h"
#include "tables/engine/table.h"
#include "tables/ip_mib/ip_net_to_physical_writer.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

namespace ipmibd::tables {

// What one served row stores (48 bytes); interface and address are in the index.
struct NeighborEntry {
  platform::Timestamp lastUpdated{};       // ipNetToPhysicalLastUpdated
  std::array<std::uint8_t, 32> physical{}; // ipNetToPhysicalPhysAddress (IP Helper's 32-byte maximum)
  std::uint8_t physicalLength = 0;
  std::uint8_t type = 0;  // ipNetToPhysicalType value
  std::uint8_t state = 0; // ipNetToPhysicalState value
};

// ipNetToPhysicalState of static (permanent) entries. The kernel never runs Neighbor Unreachability
// Detection on them, and RFC 4293 says "If Neighbor Unreachability Detection is not in use ...
// this object is always unknown(6)". Debian's snmpd 5.9.3 reports reachable(1) (arp_netlink.c maps
// NUD_PERMANENT with NUD_REACHABLE).
enum class StaticNeighborState : std::uint8_t { Unknown, Reachable };

struct IpNetToPhysicalOptions {
  // IPv6 link-local neighbors: ipv6(2) without zone, as Debian; the interface is already the first
  // index component, so the zone adds nothing. KeepZone serves ipv6z(4) with the scope id.
  ZoneStyle zones = ZoneStyle::DropZone;
  StaticNeighborState staticState = StaticNeighborState::Unknown; // RFC 4293
  // Failed resolutions (NUD_FAILED): Debian drops them (arp_netlink.c turns them into deletions);
  // when kept they are served as type invalid(2), state invalid(5).
  bool includeFailed = false;
  // NUD_NOARP entries (multicast/broadcast mappings, NOARP and loopback devices): Debian drops them
  // ("for broadcast addresses and similar"); when kept: type other(1), state unknown(6).
  bool includeNoArp = false;
  platform::Family family = platform::Family::Unspecified; // both
};

class IpNetToPhysicalTable {
public:
  // 1.3.6.1.2.1.4.35.1 ipNetToPhysicalEntry
  static const Oid& entryOid();

  explicit IpNetToPhysicalTable(IpNetToPhysicalOptions options = {});
  IpNetToPhysicalTable(const IpNetToPhysicalTable&) = delete;
  IpNetToPhysicalTable& operator=(const IpNetToPhysicalTable&) = delete;

  // Subscribes to neighbor changes, then takes the initial dump (queued: rows appear as
  // applyPending() works through it). Failure leaves the table empty but subscribed.
  platform::Result attach(platform::Backend& backend);
  // Queues a batch as delivered by Backend::notifyIpNetChange (the subscription calls this).
  void enqueue(std::span<const platform::Change<platform::NeighborRow>> changes);
  // Applies queued work for at most about `budget`; true while work remains.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // Applies one change now. Add/ParameterChange upsert (or erase, when the entry moved to a state
  // that is not served), Delete erases.
  void apply(platform::ChangeKind kind, const platform::NeighborRow& row);

  // Watches every change applied after the initial dump (nullptr: none); must outlive its use.
  void setObserver(RowObserver<platform::NeighborRow>* observer) { observer_ = observer; }
  bool loading() const { return queue_.loadingSnapshot(); }
  std::size_t pending() const { return queue_.pending(); }
  std::size_t rowCount() const { return table_.rows().size(); }
  // Rows that cannot be indexed (no interface index or no address family); 0 on a sane system.
  std::uint32_t discardCount() const { return discards_; }

  // The objects to register with the agent, in OID order: the table.
  std::array<const MibObject*, 1> objects() const { return {&table_}; }
  const MibTable<NeighborEntry>& table() const { return table_; }
  // The table's write side (static neighbors through Create/Set/DeleteIpNetEntry2).
  IpNetToPhysicalWriter& writer() { return writer_; }

  // The index (below ipNetToPhysicalEntry.<column>) a row is served under now, nullopt if not served.
  std::optional<Oid> indexOf(const platform::NeighborRow& row) const;

private:
  void applyChange(platform::ChangeKind kind, const platform::NeighborRow& row); // apply() minus the observer
  std::optional<Oid> indexFor(const platform::NeighborRow& row) const;
  // nullopt when the row's state is not served with the current options.
  std::optional<NeighborEntry> entryOf(const platform::NeighborRow& row) const;

  IpNetToPhysicalOptions options_;
  MibTable<NeighborEntry> table_;
  IpNetToPhysicalWriter writer_{table_, options_};
  ChangeQueue<platform::NeighborRow> queue_;
  platform::Subscription subscription_;
  RowObserver<platform::NeighborRow>* observer_ = nullptr;
  std::uint32_t discards_ = 0;
};

} // namespace ipmibd::tables
