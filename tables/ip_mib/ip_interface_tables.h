// IpInterfaceTables: the IP-MIB (RFC 4293) per-interface tables ipv4InterfaceTable and
// ipv6InterfaceTable with their LastChange scalars, kept current from the platform's IP interface changes.
#pragma once

#include "platform/backend.h"
#include "tables/engine/change_queue.h"
#include "tables/engine/row_observer.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>

namespace ipmibd::tables {

// What one served row stores; the ifIndex is the row's index.
struct IpInterfaceEntry {
  std::uint32_t reasmMaxSize = 0;           // ipv4/ipv6InterfaceReasmMaxSize
  std::uint32_t reachableTime = 0;          // ipv6InterfaceReachableTime (ms)
  std::uint32_t retransmitTime = 0;         // ipv4/ipv6InterfaceRetransmitTime (ms)
  std::array<std::uint8_t, 8> identifier{}; // ipv6InterfaceIdentifier (Ipv6AddressIfIdentifierTC)
  std::uint8_t identifierLength = 0;
  bool enabled = false;    // ipv4/ipv6InterfaceEnableStatus
  bool forwarding = false; // ipv6InterfaceForwarding
  friend bool operator==(const IpInterfaceEntry&, const IpInterfaceEntry&) = default;
};

struct IpInterfaceTablesOptions {
  platform::Family family = platform::Family::Unspecified; // both tables
  // The clock that stamps ipv4/ipv6InterfaceTableLastChange when a change is applied; the agent
  // keeps the default, tests pass the simulator's clock.
  std::function<platform::Timestamp()> clock = [] { return platform::Clock::now(); };
};

// Also the tables' RowWriter (ip_interface_writes.cpp): ipv4InterfaceEnableStatus,
// ipv6InterfaceEnableStatus and ipv6InterfaceForwarding become SetIpInterfaceEntry calls.
class IpInterfaceTables final : public RowWriter {
public:
  // 1.3.6.1.2.1.4: .27 ipv4InterfaceTableLastChange, .28.1 ipv4InterfaceEntry,
  //                .29 ipv6InterfaceTableLastChange, .30.1 ipv6InterfaceEntry
  static const Oid& ipv4LastChangeOid();
  static const Oid& ipv4EntryOid();
  static const Oid& ipv6LastChangeOid();
  static const Oid& ipv6EntryOid();

  explicit IpInterfaceTables(IpInterfaceTablesOptions options = {});
  IpInterfaceTables(const IpInterfaceTables&) = delete;
  IpInterfaceTables& operator=(const IpInterfaceTables&) = delete;

  // Subscribes to IP interface changes, then queues the initial dump (rows appear as
  // applyPending() works through it; the dump does not move the LastChange scalars). Failure
  // leaves the tables empty but subscribed.
  platform::Result attach(platform::Backend& backend);
  // Queues a batch as delivered by Backend::notifyIpInterfaceChange (the subscription calls this).
  void enqueue(std::span<const platform::Change<platform::IpInterfaceRow>> changes);
  // Applies queued rows/changes for at most about `budget`; true while work remains.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // Applies one change immediately: Add/ParameterChange upsert, Delete erases; LastChange moves
  // when a row appears or disappears or a column the MIB names for it changes value.
  void apply(platform::ChangeKind kind, const platform::IpInterfaceRow& row);

  // Watches every change applied after the initial dump (nullptr: none); must outlive its use.
  void setObserver(RowObserver<platform::IpInterfaceRow>* observer) { observer_ = observer; }
  bool loading() const { return queue_.loadingSnapshot(); }
  std::size_t pending() const { return queue_.pending(); }
  std::size_t rowCount(platform::Family family) const;
  // When the table of `family` last changed; a default Timestamp (TimeStamp 0) if never since attach.
  platform::Timestamp lastChange(platform::Family family) const;

  // The objects to register with the agent, in OID order: v4 LastChange, v4 table, v6 LastChange,
  // v6 table (all four whatever options.family says; the other family's table stays empty).
  std::array<const MibObject*, 4> objects() const {
    return {&v4LastChangeScalar_, &v4Table_, &v6LastChangeScalar_, &v6Table_};
  }
  const MibTable<IpInterfaceEntry>& ipv4Table() const { return v4Table_; }
  const MibTable<IpInterfaceEntry>& ipv6Table() const { return v6Table_; }

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;

private:
  static IpInterfaceEntry entryOf(const platform::IpInterfaceRow& row);
  // `stamp`: whether an effective change moves LastChange (not for rows of the initial dump).
  void applyRow(platform::ChangeKind kind, const platform::IpInterfaceRow& row, bool stamp);
  // applyRow() minus the observer.
  void applyChange(platform::ChangeKind kind, const platform::IpInterfaceRow& row, bool stamp);
  // True when the change from `before` to `after` is one ipv4/ipv6InterfaceTableLastChange counts.
  static bool significant(platform::Family family, const IpInterfaceEntry& before,
                          const IpInterfaceEntry& after);

  IpInterfaceTablesOptions options_;
  MibTable<IpInterfaceEntry> v4Table_, v6Table_;
  platform::Timestamp v4LastChange_{}, v6LastChange_{};
  MibScalar v4LastChangeScalar_, v6LastChangeScalar_;
  ChangeQueue<platform::IpInterfaceRow> queue_;
  std::size_t snapshotLeft_ = 0; // rows of the initial dump not yet applied (they are not "changes")
  platform::Subscription subscription_;
  RowObserver<platform::IpInterfaceRow>* observer_ = nullptr;
  platform::Backend* backend_ = nullptr; // for writes
};

} // namespace ipmibd::tables
