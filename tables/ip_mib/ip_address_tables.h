// IpAddressTables: the IP-MIB (RFC 4293) address unit: ipAddressPrefixTable, ipAddressSpinLock and
// ipAddressTable, kept current together from the platform's unicast address changes so that every
// ipAddressPrefix RowPointer always names a served prefix row.
#pragma once

#include "platform/backend.h"
#include "tables/engine/change_queue.h"
#include "tables/engine/index_codec.h"
#include "tables/engine/row_observer.h"
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"
#include "tables/ip_mib/ip_address_writer.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <vector>

namespace ipmibd::tables {

// What one served ipAddressTable row stores (48 bytes); the address itself is the index.
struct AddressEntry {
  platform::Timestamp created{};         // ipAddressCreated
  platform::Timestamp lastChanged{};     // ipAddressLastChanged
  std::array<std::uint8_t, 16> prefix{}; // ipAddressPrefix: the prefix row's address (masked)
  std::uint32_t ifIndex = 0;             // ipAddressIfIndex, and the prefix row's first index
  std::uint8_t prefixType = 0;           // the prefix row's InetAddressType: ipv4(1) / ipv6(2)
  std::uint8_t prefixLength = 0;
  std::uint8_t type = 0;    // ipAddressType
  std::uint8_t origin = 0;  // ipAddressOrigin
  std::uint8_t status = 0;  // ipAddressStatus
  std::uint8_t storage = 0; // ipAddressStorageType
  // ipAdEntBcastAddr (the deprecated ipAddrTable view): the low bit of the address's IPv4 broadcast
  // address, 0 when it has none. Kept here (it fits the padding) so the view reads rows only.
  std::uint8_t broadcastLowBit = 0;
};
static_assert(sizeof(AddressEntry) <= 48, "one ipAddressTable row stays 48 bytes");

// What one served ipAddressPrefixTable row stores; lifetimes are kept as deadlines so that the
// served "remaining time" counts down between notifications.
struct PrefixEntry {
  platform::Timestamp preferredUntil{}; // Timestamp::max() = infinite
  platform::Timestamp validUntil{};
  std::uint8_t origin = 0; // ipAddressPrefixOrigin
  bool autonomous = false; // ipAddressPrefixAutonomousFlag
};

// An address created (or changed) through SNMP with ipAddressStorageType nonVolatile(3): what the
// agent saves in its state file and re-applies at start-up.
struct PersistentAddress {
  platform::IpAddress address; // with scope id for link-local IPv6
  std::uint8_t prefixLength = 0;
  std::uint32_t ifIndex = 0;
  friend auto operator<=>(const PersistentAddress&, const PersistentAddress&) = default;
};

struct IpAddressTablesOptions {
  // ipAddressTable index of scoped (IPv6 link-local) addresses. DropZone: ipv6(2), 16 bytes, as
  // Debian's snmpd 5.9.3; the same link-local address on two interfaces then maps to one index
  // (see IpAddressTables::hiddenCount). KeepZone: ipv6z(4) with the scope id (the ifIndex), as the
  // ipAddressTable DESCRIPTION asks ("the entry must use an InetAddressType of 'ipv6z' in order to
  // differentiate between the possible interfaces"). The prefix table never uses zones: its
  // compliance statement asks for ipv4/ipv6 only, and its ifIndex already tells the links apart.
  ZoneStyle zones = ZoneStyle::DropZone;
  // IPv4 broadcast addresses as broadcast(3) rows. Off: Debian's snmpd serves none.
  bool broadcastRows = false;
  // IPv6 anycast addresses (Backend::getAnycastIpAddressTable) as anycast(2) rows, as RFC 4293
  // defines ipAddressType; Debian's snmpd serves none (docs/differences.md). The kernel sends no
  // event for them, so they are re-read after the unicast address and IP interface changes that
  // make the kernel's own (a prefix on a forwarding interface, forwarding turned on or off), and
  // otherwise every anycastRefresh when the agent's loop runs (sockets of other processes join
  // and leave anycast addresses silently: such a change shows within that time).
  bool anycastRows = true;
  std::chrono::seconds anycastRefresh{30};
  platform::Family family = platform::Family::Unspecified; // both
  // The initial ipAddressSpinLock; unset = pseudo-random, as TestAndIncr asks after a restart.
  std::optional<std::int32_t> spinLockSeed;
  // The time a change is applied (prefix lifetimes count down from it); empty = Clock::now. Tests on
  // the simulator's manual clock pass the simulator's clock.
  std::function<platform::Timestamp()> clock;
  // Called at COMMIT of every SET that changed the nonVolatile list (never before COMMIT, never for
  // a refused or undone SET), once per SET, with the complete current list in ascending order.
  std::function<void(const std::vector<PersistentAddress>&)> onNonVolatileChange;
};

class IpAddressTables {
public:
  // 1.3.6.1.2.1.4: .32.1 ipAddressPrefixEntry, .33 ipAddressSpinLock, .34.1 ipAddressEntry
  static const Oid& prefixEntryOid();
  static const Oid& spinLockOid();
  static const Oid& addressEntryOid();

  explicit IpAddressTables(IpAddressTablesOptions options = {});
  IpAddressTables(const IpAddressTables&) = delete;
  IpAddressTables& operator=(const IpAddressTables&) = delete;

  // Subscribes to unicast address changes, then takes the initial dump (queued: rows appear as
  // applyPending() works through it). Failure leaves the tables empty but subscribed.
  platform::Result attach(platform::Backend& backend);
  // Queues a batch as delivered by Backend::notifyUnicastIpAddressChange.
  void enqueue(std::span<const platform::Change<platform::UnicastAddressRow>> changes);
  // Applies queued work for at most about `budget`; true while work remains.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // Applies one change now to both tables (Add and ParameterChange replace what the address
  // contributed before, Delete removes it).
  void apply(platform::ChangeKind kind, const platform::UnicastAddressRow& row);
  // Replaces the anycast(2) rows with these platform anycast addresses (what a re-read does).
  // Each row points at the prefix row of a unicast address of its interface whose prefix holds it
  // (a subnet-router anycast's own prefix), else ipAddressPrefix is { 0 0 }; ipAddressOrigin
  // other(1), status preferred(1), storage permanent(4) (the agent can neither change nor remove
  // them: writes to them are refused as on the system's other rows).
  void applyAnycast(const std::vector<platform::AnycastAddressRow>& rows);
  std::size_t anycastCount() const { return anycast_.size(); } // anycast addresses known (served or hidden)

  // Watches every change applied after the initial dump (nullptr: none); must outlive its use.
  void setObserver(RowObserver<platform::UnicastAddressRow>* observer) { observer_ = observer; }
  bool loading() const { return queue_.loadingSnapshot(); }
  std::size_t pending() const { return queue_.pending(); }
  std::size_t rowCount() const { return addressTable_.rows().size(); }   // ipAddressTable rows
  std::size_t prefixCount() const { return prefixTable_.rows().size(); } // ipAddressPrefixTable rows
  // Platform addresses (and broadcast rows) not served because another one has the same index
  // (same address on two interfaces; with DropZone, the same link-local address on two links).
  // Of those sharing an index the unicast row with the lowest ifIndex is served; when it goes the
  // next one takes its place. The choice depends only on the current addresses.
  std::size_t hiddenCount() const { return candidates_.size() - addressTable_.rows().size(); }
  // Rows that cannot be indexed at all (no interface index or address family); 0 on a sane system.
  std::uint32_t discardCount() const { return discards_; }

  // ipAddressSpinLock (TestAndIncr): true (and the lock advanced, wrapping 2^31-1 to 0) when
  // `value` matches. restoreSpinLock puts back a value an undone SET advanced.
  std::int32_t spinLock() const { return spinLock_; }
  bool testAndIncrSpinLock(std::int32_t value);
  void restoreSpinLock(std::int32_t value) { spinLock_ = value; }

  // The addresses served with ipAddressStorageType nonVolatile(3). setNonVolatile replaces the list
  // (start-up: what the state file holds) without calling onNonVolatileChange. An address that
  // disappears out of band (ip addr del) stays in the list, so it is re-applied at the next start,
  // until a manager destroys its row through SNMP (destroy of a missing row drops it from the list).
  void setNonVolatile(std::vector<PersistentAddress> addresses);
  std::vector<PersistentAddress> nonVolatile() const { return {nonVolatile_.begin(), nonVolatile_.end()}; }
  void setOnNonVolatileChange(std::function<void(const std::vector<PersistentAddress>&)> callback) {
    options_.onNonVolatileChange = std::move(callback);
  }
  // The nonVolatile entry of an address (matched on address and interface), if any.
  std::optional<PersistentAddress> nonVolatileEntry(const platform::IpAddress& address,
                                                    std::uint32_t ifIndex) const;
  // COMMIT-time edits by the writer: add (or replace) / remove one entry; publishNonVolatile calls
  // onNonVolatileChange with the whole list.
  void keepNonVolatile(const PersistentAddress& address);
  void forgetNonVolatile(const platform::IpAddress& address, std::uint32_t ifIndex);
  void publishNonVolatile() const;

  const IpAddressTablesOptions& options() const { return options_; }
  // The write side of ipAddressTable and ipAddressSpinLock.
  IpAddressWriter& writer() { return writer_; }

  // The objects to register with the agent, in OID order: prefix table, spin lock, address table.
  std::array<const MibObject*, 3> objects() const {
    return {&prefixTable_, &spinLockScalar_, &addressTable_};
  }
  const MibTable<AddressEntry>& addressTable() const { return addressTable_; }
  const MibTable<PrefixEntry>& prefixTable() const { return prefixTable_; }

  // The index (below ipAddressEntry.<column>) this platform address is served under now; nullopt
  // when it is not served (unknown, or hidden behind another address with the same index).
  std::optional<Oid> indexOf(const platform::UnicastAddressRow& row) const;
  // The index (below ipAddressPrefixEntry.<column>) of the prefix row this address belongs to.
  std::optional<Oid> prefixIndexOf(const platform::UnicastAddressRow& row) const;

private:
  void applyChange(platform::ChangeKind kind,
                   const platform::UnicastAddressRow& row); // apply() minus the observer
  // A platform address: what Get/Set/Delete match on.
  struct AddressId {
    platform::IpAddress address;
    std::uint32_t ifIndex;
    friend auto operator<=>(const AddressId&, const AddressId&) = default;
  };
  // One claim on an ipAddressTable index. Claims of one index sort with the served one first:
  // unicast before broadcast, then by ifIndex, then by the address that made the claim.
  struct Candidate {
    IndexKey key;
    std::uint8_t type;
    std::uint32_t ifIndex;
    platform::IpAddress source;
    friend auto operator<=>(const Candidate&, const Candidate&) = default;
  };
  // What one platform address contributes to its prefix row.
  struct PrefixShare {
    std::uint8_t origin = 0;
    bool autonomous = false;
    platform::Timestamp preferredUntil{}, validUntil{};
  };
  // Everything one platform address put into the tables, so that it can be taken out again.
  struct Registration {
    IndexKey unicastKey;
    IndexKey broadcastKey; // empty: no broadcast row
    IndexKey prefixKey;
    PrefixShare share;
  };
  // A prefix row's members, reference-counted per contribution.
  struct PrefixMembers {
    std::array<std::uint32_t, 6> origins{}; // count per IpAddressPrefixOriginTC value
    std::uint32_t autonomous = 0;
    std::multiset<platform::Timestamp> preferredUntil, validUntil;
  };

  platform::Timestamp now() const;
  std::optional<Oid> addressIndex(const platform::UnicastAddressRow& row) const;
  static Oid prefixIndex(const platform::UnicastAddressRow& row);
  void add(const AddressId& id, const platform::UnicastAddressRow& row);
  void remove(const AddressId& id);
  // Serves the first claim on `key`, or removes the row when none is left.
  void refresh(const IndexKey& key);
  void join(const IndexKey& prefixKey, const PrefixShare& share);
  void leave(const IndexKey& prefixKey, const PrefixShare& share);
  static PrefixEntry summaryOf(const PrefixMembers& members);
  // ipAddressStorageType of a platform address: permanent for what the system owns, nonVolatile
  // for the list above, volatile otherwise.
  std::uint8_t storageOf(const platform::UnicastAddressRow& row) const;
  // Re-serves the StorageType of the address after a nonVolatile list change.
  void restyle(const platform::IpAddress& address, std::uint32_t ifIndex);

  IpAddressTablesOptions options_;
  MibTable<PrefixEntry> prefixTable_;
  MibScalar spinLockScalar_;
  MibTable<AddressEntry> addressTable_;
  ChangeQueue<platform::UnicastAddressRow> queue_;
  platform::Subscription subscription_;
  RowObserver<platform::UnicastAddressRow>* observer_ = nullptr;
  std::map<AddressId, Registration> registered_;
  std::map<Candidate, AddressEntry> candidates_;
  std::map<IndexKey, PrefixMembers> prefixes_;
  std::int32_t spinLock_ = 0;
  std::uint32_t discards_ = 0;
  std::set<PersistentAddress> nonVolatile_;
  // Anycast rows (see applyAnycast): the platform's anycast addresses and when each was first seen.
  void rereadAnycast();
  platform::Backend* backend_ = nullptr;
  platform::Subscription ipInterfaceSubscription_;
  bool anycastStale_ = false;
  platform::Timestamp nextAnycastRead_{};
  std::map<AddressId, Registration> anycastRegistered_; // unicastKey: the anycast row's index
  std::map<AddressId, platform::Timestamp> anycast_;    // first seen (ipAddressCreated)
  IpAddressWriter writer_{*this};
};

} // namespace ipmibd::tables
