// IpNetToPhysicalWriter: the write side of ipNetToPhysicalTable (RFC 4293 + RFC 2579 RowStatus):
// static neighbors created, changed and deleted through Create/Set/DeleteIpNetEntry2.
#pragma once

#include "platform/backend.h"
#include "tables/engine/index_codec.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/table.h"

#include <optional>

namespace ipmibd::tables {

struct NeighborEntry;
struct IpNetToPhysicalOptions;

// What the index of a row says about its neighbor (ifIndex, InetAddressType, InetAddress).
struct NeighborIndex {
  std::uint32_t ifIndex = 0;
  platform::IpAddress address; // link-local IPv6 carries ifIndex as its scope id
};

// RowStatus supported: createAndGo, active, destroy. createAndWait is answered wrongValue (RFC 2579
// lets an agent that does not support it say so that way): a neighbor entry needs only one value,
// its PhysAddress, so createAndGo with PhysAddress covers every creation, and holding rows the
// kernel does not have would serve mappings that are not in use. notInService is inconsistentValue
// for the same reason (the agent cannot hold a row out of service).
class IpNetToPhysicalWriter final : public RowWriter {
public:
  IpNetToPhysicalWriter(MibTable<NeighborEntry>& table, const IpNetToPhysicalOptions& options)
      : table_(table), options_(options) {}

  void attach(platform::Backend& backend) { backend_ = &backend; }
  // "static neighbor 192.0.2.7 lladdr 02:00:00:00:00:07 dev 2", for logs.
  static std::string describe(const platform::NeighborRow& row);

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;

  // RESERVE1's verdict on a row index alone (what check says about the index of any column), for
  // views that write through this writer (ipNetToMediaTable).
  SetError checkIndex(std::span<const SubId> index) const {
    NeighborIndex decoded;
    return decodeIndex(index, decoded);
  }

private:
  // Column values a PDU proposes for one row, with the write each came from (for error indexes).
  struct Proposed {
    std::optional<std::int32_t> status, type;
    std::optional<platform::PhysicalAddress> physical;
    std::size_t statusWrite = 0, typeWrite = 0, physicalWrite = 0;
  };
  SetError decodeIndex(std::span<const SubId> subIds, NeighborIndex& out) const;
  // The interface of a new entry: missing -> inconsistentValue, unreadable -> resourceUnavailable.
  SetError readInterface(std::uint32_t ifIndex, platform::InterfaceRow& link) const;
  // Recheck for actions on an existing entry: still exactly as read in RESERVE2.
  std::function<SetError()> unchanged(const platform::NeighborRow& before) const;

  SetError planExisting(const platform::NeighborRow& before, const Proposed& proposed,
                        std::vector<WriteAction>& actions, std::size_t& failedWrite);
  SetError planNew(const NeighborIndex& index, bool existsUnserved, const Proposed& proposed,
                   std::vector<WriteAction>& actions, std::size_t& failedWrite);

  MibTable<NeighborEntry>& table_;
  const IpNetToPhysicalOptions& options_;
  platform::Backend* backend_ = nullptr;
};

} // namespace ipmibd::tables
