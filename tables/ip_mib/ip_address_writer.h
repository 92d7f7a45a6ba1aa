// IpAddressWriter: the write side of ipAddressTable and ipAddressSpinLock (RFC 4293 + RFC 2579
// RowStatus, StorageType, TestAndIncr): addresses created, changed and deleted through
// Create/Set/DeleteUnicastIpAddressEntry, and the nonVolatile list kept at COMMIT.
#pragma once

#include "platform/backend.h"
#include "tables/engine/row_writer.h"

#include <memory>
#include <optional>

namespace ipmibd::tables {

class IpAddressTables;
struct AddressEntry;
struct PersistentAddress;

// What the index of an ipAddressTable row says: the address (a link-local IPv6 address carries the
// ipv6z zone as scope id; with the zoneless ipv6 form the scope comes from ipAddressIfIndex).
struct AddressIndex {
  platform::IpAddress address;
  std::uint32_t zone = 0; // ipv6z only
};

// RowStatus supported: createAndGo, active, destroy. createAndWait is answered wrongValue (RFC 2579
// lets an agent that does not support it say so that way), as ipNetToPhysicalTable does: an address
// row is complete with one value, ipAddressIfIndex, so createAndGo covers every creation, and rows
// held in the agent would list addresses the host does not have (ipAddressPrefix, the prefix table
// and every manager treat this table as the host's addresses). notInService is inconsistentValue
// (the agent cannot hold a row out of service).
//
// Creation (createAndGo): ipAddressIfIndex is required (missing: inconsistentValue on the RowStatus
// varbind; no such interface: inconsistentValue on the IfIndex varbind). ipAddressType unicast(1)
// only: anycast(2) and broadcast(3) are wrongValue, in RESERVE1, since this agent creates
// neither (anycast rows are the kernel's and other sockets' anycast addresses, read-only here: the
// platform's createAnycastIpAddressEntry would hold a join only as long as the agent's process,
// which is not wired to SETs; broadcast rows follow their IPv4 address). ipAddressStatus preferred(1) (the
// default) or deprecated(2), which is a preferred lifetime of 0; the other states are the stack's to enter:
// inconsistentValue unless the row is in that state already. A row the stack holds in tentative(6) (DAD
// running) or duplicate(7) (DAD failed) takes no other status either (inconsistentValue): the status read is
// the kernel's, so a created IPv6 address reads tentative(6) until DAD ends, then preferred(1) or
// duplicate(7). ipAddressStorageType volatile(2) (DEFVAL) or nonVolatile(3); other(1), permanent(4) and
// readOnly(5) are wrongValue (RFC 2579: "cannot be modified to be permanent(4) or readOnly(5) ...
// wrongValue"; other(1) is no storage this agent has).
//
// Prefix length of a created address, first match wins: (1) the longest prefix of an address
// already on that interface (an ipAddressPrefixTable row of that ifIndex) that covers the new
// address; (2) the longest on-link route (no next hop, unicast, not a default route) through that
// interface that covers it; (3) a host prefix, /32 or /128 (no prefix route is made).
//
// Active rows: ipAddressStatus preferred <-> deprecated through SetUnicastIpAddressEntry (the
// preferred lifetime); ipAddressStorageType volatile <-> nonVolatile (agent bookkeeping only);
// changing ipAddressIfIndex is inconsistentValue (an address moves by destroy + createAndGo);
// destroy deletes the address (DeleteUnicastIpAddressEntry).
//
// Rows the system owns are served with StorageType permanent(4) (every origin but manual: loopback,
// link-local, SLAAC, DHCP; and broadcast rows). RFC 2579: "A row which is permanent(4) can be
// changed but not deleted", so destroy is inconsistentValue; "If the value ... is permanent(4) ...
// it cannot be written", so writing its StorageType is wrongValue; and as the ipAddressStorageType
// DESCRIPTION allows ("no other objects are required to be able to be modified"), its other
// columns are notWritable (RFC 3416: the variable exists but cannot be modified, whatever value).
//
// ipAddressSpinLock (TestAndIncr): a SET with the current value succeeds and advances it at ACTION
// (put back on undo); any other value is inconsistentValue in RESERVE2, which refuses the whole PDU
// it came in, whatever else the PDU holds.
class IpAddressWriter final : public RowWriter {
public:
  explicit IpAddressWriter(IpAddressTables& tables) : tables_(tables) {}

  void attach(platform::Backend& backend) { backend_ = &backend; }
  // "address 192.0.2.7/24 dev 2", for logs.
  static std::string describe(const platform::UnicastAddressRow& row);

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;

private:
  // Column values a PDU proposes for one row, with the write each came from (for error indexes).
  struct Proposed {
    std::optional<std::int32_t> rowStatus, ifIndex, type, status, storage;
    std::size_t rowStatusWrite = 0, ifIndexWrite = 0, typeWrite = 0, statusWrite = 0, storageWrite = 0;
  };
  // The nonVolatile list edits of one SET PDU, so that onNonVolatileChange runs once, after the last.
  struct Batch {
    std::size_t planned = 0, committed = 0;
    bool changed = false;
  };

  SetError decodeIndex(std::span<const SubId> subIds, AddressIndex& out) const;
  SetError planSpinLock(std::span<const ColumnWrite> writes, std::vector<WriteAction>& actions,
                        std::size_t& failedWrite);
  SetError planExisting(const AddressIndex& index, const AddressEntry& entry, const Proposed& proposed,
                        std::vector<WriteAction>& actions, std::size_t& failedWrite);
  SetError planNew(const AddressIndex& index, const Proposed& proposed, std::vector<WriteAction>& actions,
                   std::size_t& failedWrite);
  // The prefix length rule above; 0xff never (the host prefix is returned as 32 / 128).
  SetError choosePrefixLength(const platform::IpAddress& address, std::uint32_t ifIndex,
                              std::uint8_t& length) const;
  // A commit hook that adds (`keep`) or drops the list entry of `entry`'s address, part of `batch_`.
  std::function<void()> nonVolatileEdit(bool keep, const PersistentAddress& entry);

  IpAddressTables& tables_;
  platform::Backend* backend_ = nullptr;
  // check() runs for every varbind of a PDU before plan() runs for its rows, and one PDU's plans
  // are not interleaved with another's: the first plan() after a check() opens a new batch.
  std::shared_ptr<Batch> batch_;
  bool batchOpen_ = false;
};

} // namespace ipmibd::tables
