// ipNetToPhysicalTable writes: RFC 4293 index checks, RowStatus/Type/PhysAddress mapped onto
// Create/Set/DeleteIpNetEntry2 with out-of-band rechecks and undo.
#include "tables/ip_mib/ip_net_to_physical_writer.h"

#include "tables/ip_forward_mib/inet_cidr_route_writer.h" // RowStatus
#include "tables/ip_mib/ip_net_to_physical_table.h"

namespace ipmibd::tables {

using platform::IpAddress;
using platform::NeighborRow;
using platform::NeighborState;
using platform::Result;

namespace {

// ipNetToPhysicalEntry columns a SET can name.
enum : SubId { kPhysAddress = 4, kType = 6, kRowStatus = 8 };
// ipNetToPhysicalType values a SET can write.
enum : std::int32_t { kTypeInvalid = 2, kTypeStatic = 4 };

std::int32_t integerOf(const Value& value) {
  return value.syntax() == Syntax::Integer32 ? value.asInteger32() : 0;
}

// Entries with a usable link-layer address: the ones whose mapping can be restored by an undo.
bool hasMapping(NeighborState state) {
  return state != NeighborState::Incomplete && state != NeighborState::Unreachable &&
         state != NeighborState::NoArp;
}

// What an undo writes back for an entry read as `before`: a static entry as it was; a dynamic one as
// stale, so the kernel re-verifies it before use (restoring "reachable" would claim a confirmation
// that never happened). nullopt: an entry without a mapping (resolution in progress or failed),
// which the kernel recreates by itself on the next packet, so the undo only removes what ACTION made.
std::optional<NeighborRow> restorable(const NeighborRow& before) {
  if (!hasMapping(before.state) || before.physicalAddress.empty()) return std::nullopt;
  NeighborRow row = before;
  if (row.state != NeighborState::Permanent) row.state = NeighborState::Stale;
  return row;
}

// Whether two reads show the same entry: mapping and state, not the backend's timestamps.
bool sameEntry(const NeighborRow& a, const NeighborRow& b) {
  return a.physicalAddress == b.physicalAddress && a.state == b.state;
}

SetError readFailure(const Result& result) {
  return result.status == platform::Status::NotFound ? SetError::InconsistentValue
                                                     : SetError::ResourceUnavailable;
}

} // namespace

std::string IpNetToPhysicalWriter::describe(const NeighborRow& row) {
  std::string text = row.state == NeighborState::Permanent ? "static neighbor " : "neighbor ";
  text += row.address.toString();
  if (!row.physicalAddress.empty()) text += " lladdr " + platform::formatPhysicalAddress(row.physicalAddress);
  return text + " dev " + std::to_string(row.interfaceIndex);
}

// ---- RESERVE1 ------------------------------------------------------------------------------------

SetError IpNetToPhysicalWriter::check(const MibObject&, std::span<const SubId> suffix, const Value& value,
                                      WriteTarget& target) {
  if (suffix.size() < 2) return SetError::NoCreation;
  if (SetError e = checkColumnWrite(table_.columns(), suffix[0], value); e != SetError::NoError) return e;
  NeighborIndex index;
  if (SetError e = decodeIndex(suffix.subspan(1), index); e != SetError::NoError) return e;
  switch (suffix[0]) {
  case kRowStatus: {
    // notReady is never settable (RFC 2579); createAndWait is not supported (see the class comment).
    const auto status = RowStatus(integerOf(value));
    if (status == RowStatus::NotReady || status == RowStatus::CreateAndWait) return SetError::WrongValue;
    break;
  }
  case kType:
    // Only static(4) (make/keep the mapping configured) and invalid(2) (delete it, RFC 4293) are
    // writes this agent can carry out: dynamic(3) entries are learnt by ARP/ND, never created, and
    // other(1)/local(5) describe entries the system makes.
    if (integerOf(value) != kTypeStatic && integerOf(value) != kTypeInvalid) return SetError::WrongValue;
    break;
  case kPhysAddress: {
    // The length is the interface's link-layer address length (6 on Ethernet); Linux would
    // silently truncate a longer one. An interface that does not exist is left to RESERVE2
    // (inconsistentValue), where the row's other varbinds are known.
    const std::size_t size = value.asBytes().size();
    if (size == 0) return SetError::WrongLength;
    if (backend_) {
      platform::InterfaceRow link;
      link.index = index.ifIndex;
      if (backend_->getIfEntry2(link).ok() && link.physicalAddress.size() != size)
        return SetError::WrongLength;
    }
    break;
  }
  default: break;
  }
  target.row = Oid(suffix.subspan(1));
  target.column = suffix[0];
  return SetError::NoError;
}

// INDEX { ipNetToPhysicalIfIndex, ipNetToPhysicalNetAddressType, ipNetToPhysicalNetAddress }, in the
// forms this table serves (so a created row appears under the index it was created with): ipv4 and
// ipv6, ipv6z only with KeepZone and the row's own interface as zone. A length that does not fit
// the type, unknown(0)/ipv4z(3)/dns(16) and addresses that cannot be neighbors (zero, multicast,
// limited broadcast) are inconsistentName; sub-identifiers that do not decode at all name no
// possible row: noCreation.
SetError IpNetToPhysicalWriter::decodeIndex(std::span<const SubId> subIds, NeighborIndex& out) const {
  IndexReader reader(subIds);
  const auto ifIndex = reader.integer(1, 0x7fffffff);
  const auto address = reader.inetAddress();
  if (!reader.finish()) {
    return reader.error() == IndexError::BadLength || reader.error() == IndexError::BadType
               ? SetError::InconsistentName
               : SetError::NoCreation;
  }
  out.ifIndex = *ifIndex;
  const bool zoneOk = address->type == InetAddressType::Ipv6z && options_.zones == ZoneStyle::KeepZone &&
                      address->zone == *ifIndex;
  if (address->type != InetAddressType::Ipv4 && address->type != InetAddressType::Ipv6 && !zoneOk)
    return SetError::InconsistentName;
  const auto ip = address->toIp();
  if (!ip) return SetError::InconsistentName;
  out.address = *ip;
  if (out.address.isZero() || out.address.isMulticast() ||
      (out.address.isV4() && out.address == IpAddress::v4(0xffffffffu)))
    return SetError::InconsistentName;
  if (options_.family != platform::Family::Unspecified && out.address.family() != options_.family)
    return SetError::InconsistentName; // a row of a family this table does not serve
  // The platform keys link-local neighbors by scoped address; the scope is the row's interface.
  if (out.address.isV6LinkLocal() && out.address.scopeId() == 0)
    out.address = out.address.withScope(*ifIndex);
  if (out.address.scopeId() != 0 && out.address.scopeId() != *ifIndex) return SetError::InconsistentName;
  return SetError::NoError;
}

// ---- RESERVE2 ------------------------------------------------------------------------------------

SetError IpNetToPhysicalWriter::readInterface(std::uint32_t ifIndex, platform::InterfaceRow& link) const {
  link.index = ifIndex;
  const Result result = backend_->getIfEntry2(link);
  if (result.ok()) return SetError::NoError;
  return result.status == platform::Status::NotFound || result.status == platform::Status::InvalidParameter
             ? SetError::InconsistentValue
             : SetError::ResourceUnavailable;
}

std::function<SetError()> IpNetToPhysicalWriter::unchanged(const NeighborRow& before) const {
  return [this, before] {
    NeighborRow now = before;
    const Result result = backend_->getIpNetEntry2(now);
    if (!result.ok()) return readFailure(result);
    return sameEntry(now, before) ? SetError::NoError : SetError::InconsistentValue;
  };
}

SetError IpNetToPhysicalWriter::plan(const Oid& row, std::span<const ColumnWrite> writes,
                                     const RequestContext&, std::vector<WriteAction>& actions,
                                     std::size_t& failedWrite) {
  if (!backend_) return SetError::ResourceUnavailable;
  NeighborIndex index;
  if (SetError e = decodeIndex(row.view(), index); e != SetError::NoError) return e;
  Proposed proposed;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    switch (writes[i].column) {
    case kRowStatus:
      proposed.status = integerOf(writes[i].value);
      proposed.statusWrite = failedWrite = i; // row-level errors are reported on the status varbind
      break;
    case kType:
      proposed.type = integerOf(writes[i].value);
      proposed.typeWrite = i;
      break;
    case kPhysAddress:
      proposed.physical = writes[i].value.asBytes();
      proposed.physicalWrite = i;
      break;
    default: break;
    }
  }

  // The kernel is the authority on what exists; the served table only decides whether the row is
  // visible (failed resolutions and NOARP entries may exist without being served).
  NeighborRow current;
  current.address = index.address;
  current.interfaceIndex = index.ifIndex;
  const Result read = backend_->getIpNetEntry2(current);
  if (!read.ok() && read.status != platform::Status::NotFound) return SetError::ResourceUnavailable;
  const bool served = table_.rows().find(encodeIndexKey(row.view())) != nullptr;
  if (served && read.ok()) return planExisting(current, proposed, actions, failedWrite);
  if (served) {
    // Gone from the kernel, its deletion not yet applied to the table: destroy has nothing to do.
    return proposed.status == std::int32_t(RowStatus::Destroy) ? SetError::NoError
                                                               : SetError::InconsistentValue;
  }
  return planNew(index, read.ok(), proposed, actions, failedWrite);
}

// An entry the table serves (RFC 2579 state D: active).
SetError IpNetToPhysicalWriter::planExisting(const NeighborRow& before, const Proposed& proposed,
                                             std::vector<WriteAction>& actions, std::size_t& failedWrite) {
  // 0 = no RowStatus in the PDU (a plain value, not an optional: GCC 12 -Wmaybe-uninitialized).
  const auto status = RowStatus(proposed.status.value_or(0));
  const bool hasStatus = proposed.status.has_value();
  if (status == RowStatus::CreateAndGo || status == RowStatus::NotInService)
    return SetError::InconsistentValue;
  if (before.state == NeighborState::NoArp) {
    // Kernel-made mappings (multicast, broadcast, NOARP links): not the manager's to change; the
    // kernel would recreate them anyway. Columns are notWritable, a status change inconsistentValue.
    if (status == RowStatus::Destroy || proposed.type == kTypeInvalid) {
      if (!hasStatus) failedWrite = proposed.typeWrite;
      return hasStatus ? SetError::InconsistentValue : SetError::NotWritable;
    }
    if (proposed.type || proposed.physical) {
      failedWrite = proposed.physical ? proposed.physicalWrite : proposed.typeWrite;
      return SetError::NotWritable;
    }
    return SetError::NoError;
  }
  platform::Backend* backend = backend_;
  WriteAction action;
  action.recheck = unchanged(before);
  if (status == RowStatus::Destroy || proposed.type == kTypeInvalid) {
    // RFC 4293: setting Type to invalid(2) "has the effect of invalidating the corresponding entry";
    // the platform has no invalidated-but-present state, so both are a deletion.
    action.order = WriteAction::Order::Delete;
    action.description = "delete " + describe(before);
    action.write = status == RowStatus::Destroy ? proposed.statusWrite : proposed.typeWrite;
    action.apply = [backend, before] { return backend->deleteIpNetEntry2(before); };
    if (const auto restore = restorable(before))
      action.undo = [backend, restore] { return backend->createIpNetEntry2(*restore); };
    actions.push_back(std::move(action));
    return SetError::NoError;
  }
  // A written PhysAddress or Type static(4) makes the entry static: a mapping a manager configured
  // must not be replaced by the next ARP/ND answer, which is what a dynamic entry would allow.
  NeighborRow after = before;
  if (proposed.physical) after.physicalAddress = *proposed.physical;
  if (proposed.physical || proposed.type == kTypeStatic) after.state = NeighborState::Permanent;
  if (after.state == NeighborState::Permanent && after.physicalAddress.empty()) {
    // An unresolved entry (incomplete) has no address to make static.
    failedWrite = proposed.typeWrite;
    return SetError::InconsistentValue;
  }
  if (sameEntry(after, before)) return SetError::NoError;
  action.order = WriteAction::Order::Modify;
  action.description = "change " + describe(before) + " to " + describe(after);
  action.write = proposed.physical ? proposed.physicalWrite : proposed.typeWrite;
  action.apply = [backend, after] { return backend->setIpNetEntry2(after); };
  if (const auto restore = restorable(before))
    action.undo = [backend, restore] { return backend->setIpNetEntry2(*restore); };
  else
    action.undo = [backend, after] { return backend->deleteIpNetEntry2(after); };
  actions.push_back(std::move(action));
  return SetError::NoError;
}

// No served row (RFC 2579 state A).
SetError IpNetToPhysicalWriter::planNew(const NeighborIndex& index, bool existsUnserved,
                                        const Proposed& proposed, std::vector<WriteAction>& actions,
                                        std::size_t& failedWrite) {
  if (!proposed.status) return SetError::NoCreation; // a column of a row that does not exist
  const auto status = RowStatus(*proposed.status);
  if (status == RowStatus::Destroy) return SetError::NoError;
  if (status != RowStatus::CreateAndGo) return SetError::InconsistentValue; // active, notInService
  // An entry the table does not serve (a failed resolution) is still the kernel's: creating over
  // it would fail in ACTION with AlreadyExists.
  if (existsUnserved) return SetError::InconsistentValue;
  if (proposed.type == kTypeInvalid) {
    failedWrite = proposed.typeWrite;
    return SetError::InconsistentValue;
  }
  if (!proposed.physical) return SetError::InconsistentValue; // nothing to map the address to
  platform::InterfaceRow link;
  if (SetError e = readInterface(index.ifIndex, link); e != SetError::NoError) return e;
  if (link.physicalAddress.size() != proposed.physical->size()) {
    // The interface changed between RESERVE1 and RESERVE2, or has no link-layer addresses at all.
    failedWrite = proposed.physicalWrite;
    return link.physicalAddress.empty() ? SetError::InconsistentValue : SetError::WrongLength;
  }
  NeighborRow row;
  row.address = index.address;
  row.interfaceIndex = index.ifIndex;
  row.physicalAddress = *proposed.physical;
  row.state = NeighborState::Permanent;
  platform::Backend* backend = backend_;
  WriteAction action;
  action.order = WriteAction::Order::Create;
  action.description = "create " + describe(row);
  action.write = proposed.statusWrite;
  // Appeared meanwhile (learnt by ARP/ND between RESERVE2 and ACTION): not ours to overwrite.
  action.recheck = [backend, row] {
    NeighborRow now = row;
    const Result result = backend->getIpNetEntry2(now);
    if (result.ok()) return SetError::InconsistentValue;
    return result.status == platform::Status::NotFound ? SetError::NoError : SetError::ResourceUnavailable;
  };
  action.apply = [backend, row] { return backend->createIpNetEntry2(row); };
  action.undo = [backend, row] { return backend->deleteIpNetEntry2(row); };
  actions.push_back(std::move(action));
  return SetError::NoError;
}

} // namespace ipmibd::tables
