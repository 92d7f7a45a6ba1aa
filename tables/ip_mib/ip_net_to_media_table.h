// IpNetToMediaTable: the deprecated RFC 4293 (RFC 2011) ipNetToMediaTable, a view of
// ipNetToPhysicalTable's IPv4 rows, writable through IpNetToPhysicalWriter.
#pragma once

#include "platform/backend.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/view_table.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"

#include <array>

namespace ipmibd::tables {

// Rows: ipNetToPhysicalTable's IPv4 rows; ipNetToMediaTable's ifIndex.a.b.c.d is
// ipNetToPhysicalTable's ifIndex.1.4.a.b.c.d, so both list the neighbors in the same order and no
// row is stored twice. Entries without a mapping (ipNetToPhysicalType invalid(2): resolution in
// progress, or failed) are not served: ipNetToMediaTable maps addresses to physical addresses and
// these have none; Debian's snmpd 5.9.3 omits them too (it lists /proc/net/arp's completed entries).
// Columns: IfIndex and NetAddress (the index), PhysAddress, Type (other/dynamic/static as in
// ipNetToPhysicalType; local(5) has no ipNetToMediaType and is served other(1)).
//
// Writes (RFC 4293 read-create without a RowStatus): a PDU writing ipNetToMediaPhysAddress of a row
// ipNetToPhysicalTable does not serve creates a static entry (with Type static(4), NetAddress and
// IfIndex equal to the index if given); on a served row PhysAddress changes the mapping and makes it
// static, Type static(4) makes it static, Type invalid(2) deletes it ("an agent may, but need not,
// remove the entry": the platform has no invalidated-but-present state). Everything goes through
// IpNetToPhysicalWriter as the corresponding ipNetToPhysicalTable SET (PhysAddress, Type, and
// RowStatus createAndGo for a creation), so checks, error statuses, rechecks and undo are the same.
// IfIndex and NetAddress can only be written with the index's own values (anything else is
// wrongValue: the index names the entry). Type invalid(2) of a row that does not exist succeeds
// with nothing to do (as RowStatus destroy); PhysAddress-less creations are noCreation.
// No notifications of its own: a change is announced by its ipNetToPhysicalTable row, which the
// writer names for the SET echo filter (announcingRows).
class IpNetToMediaTable final : public RowWriter {
public:
  // 1.3.6.1.2.1.4.22.1 ipNetToMediaEntry
  static const Oid& entryOid();

  // `neighbors` must outlive this unit.
  explicit IpNetToMediaTable(IpNetToPhysicalTable& neighbors);
  IpNetToMediaTable(const IpNetToMediaTable&) = delete;
  IpNetToMediaTable& operator=(const IpNetToMediaTable&) = delete;

  // Nothing to attach: the viewed unit is kept current (and its writer attached) on its own.
  platform::Result attach(platform::Backend&) { return platform::Result::success(); }

  std::array<const MibObject*, 1> objects() const { return {&table_}; }
  const ViewTable<NeighborEntry>& table() const { return table_; }
  std::size_t rowCount() const { return table_.size(); } // O(ipNetToPhysicalTable rows)
  const IpNetToPhysicalTable& neighbors() const { return neighbors_; }

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;
  void announcingRows(const MibObject& object, const Oid& row, std::span<const ColumnWrite> writes,
                      std::vector<Oid>& out) const override;

  // ipNetToPhysicalTable's index for an ipNetToMediaTable index (any sub-identifiers): ifIndex, then
  // ipv4(1), 4, then the rest.
  static Oid physicalIndex(std::span<const SubId> mediaIndex);

private:
  IpNetToPhysicalTable& neighbors_;
  ViewTable<NeighborEntry> table_;
};

} // namespace ipmibd::tables
