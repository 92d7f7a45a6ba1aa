// ipAddressTable / ipAddressSpinLock writes: RFC 4293 index checks, RowStatus / Status / StorageType
// mapped onto Create/Set/DeleteUnicastIpAddressEntry with out-of-band rechecks, undo, the spin lock
// and the COMMIT-time nonVolatile bookkeeping.
#include "tables/ip_mib/ip_address_writer.h"

#include "tables/engine/index_codec.h"
#include "tables/engine/index_key.h"
#include "tables/ip_forward_mib/inet_cidr_route_writer.h" // RowStatus
#include "tables/ip_mib/ip_address_tables.h"

#include <algorithm>
#include <limits>

namespace ipmibd::tables {

using platform::IpAddress;
using platform::Result;
using platform::UnicastAddressRow;

namespace {

// ipAddressEntry columns a SET can name.
enum : SubId { kIfIndex = 3, kType = 4, kStatus = 7, kRowStatus = 10, kStorageType = 11 };
// ipAddressType, IpAddressStatusTC and StorageType values.
enum : std::int32_t { kUnicast = 1 };
enum : std::int32_t { kPreferred = 1, kDeprecated = 2, kTentative = 6, kDuplicate = 7 };
enum : std::int32_t { kVolatile = 2, kNonVolatile = 3, kPermanent = 4 };

std::int32_t integerOf(const Value& value) {
  return value.syntax() == Syntax::Integer32 ? value.asInteger32() : 0;
}

SetError readFailure(const Result& result) {
  return result.status == platform::Status::NotFound ? SetError::InconsistentValue
                                                     : SetError::ResourceUnavailable;
}

// The platform key of an address on an interface: link-local IPv6 carries the interface as scope.
IpAddress scopedOn(const IpAddress& address, std::uint32_t ifIndex) {
  return address.isV6LinkLocal() ? address.withScope(ifIndex) : address.withScope(0);
}

// Whether two reads show the same address as far as a planned change depends on it: prefix length
// and whether it is deprecated. Lifetimes count down and DAD ends by itself meanwhile.
bool sameAddress(const UnicastAddressRow& a, const UnicastAddressRow& b) {
  return a.onLinkPrefixLength == b.onLinkPrefixLength &&
         (a.preferredLifetime == 0) == (b.preferredLifetime == 0);
}

// What an undo writes back for an address read as `before`: its remaining lifetimes (a valid
// lifetime that just ran out becomes 1 s: the platform refuses 0, and the address was about to go).
UnicastAddressRow restorable(const UnicastAddressRow& before) {
  UnicastAddressRow row = before;
  if (row.validLifetime == 0) row.validLifetime = 1;
  row.preferredLifetime = std::min(row.preferredLifetime, row.validLifetime);
  return row;
}

} // namespace

std::string IpAddressWriter::describe(const UnicastAddressRow& row) {
  const unsigned max = row.address.isV4() ? 32 : 128;
  const unsigned length = row.onLinkPrefixLength > max ? max : row.onLinkPrefixLength;
  return "address " + row.address.toString() + "/" + std::to_string(length) + " dev " +
         std::to_string(row.interfaceIndex);
}

// ---- RESERVE1 ------------------------------------------------------------------------------------

SetError IpAddressWriter::check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                                WriteTarget& target) {
  batchOpen_ = false; // a new PDU is being collected (see batch_)
  if (object.base() == IpAddressTables::spinLockOid()) {
    if (suffix.size() != 1 || suffix[0] != 0) return SetError::NoCreation;
    if (SetError e = checkSyntax(Syntax::Integer32, value); e != SetError::NoError) return e;
    if (value.asInteger32() < 0) return SetError::WrongValue; // TestAndIncr: 0..2147483647
    target.row = Oid{};                                       // the spin lock's own "row"
    target.column = 0;
    return SetError::NoError;
  }
  if (suffix.size() < 2) return SetError::NoCreation;
  if (SetError e = checkColumnWrite(tables_.addressTable().columns(), suffix[0], value);
      e != SetError::NoError)
    return e;
  AddressIndex index;
  if (SetError e = decodeIndex(suffix.subspan(1), index); e != SetError::NoError) return e;
  const std::int32_t v = integerOf(value);
  switch (suffix[0]) {
  case kRowStatus:
    // notReady is never settable (RFC 2579); createAndWait is not supported (see the class comment).
    if (RowStatus(v) == RowStatus::NotReady || RowStatus(v) == RowStatus::CreateAndWait)
      return SetError::WrongValue;
    break;
  case kType:
    if (v != kUnicast) return SetError::WrongValue; // anycast / broadcast: never creatable here
    break;
  case kStorageType:
    if (v != kVolatile && v != kNonVolatile) return SetError::WrongValue; // RFC 2579
    break;
  default: break;
  }
  target.row = Oid(suffix.subspan(1));
  target.column = suffix[0];
  return SetError::NoError;
}

// INDEX { ipAddressAddrType, ipAddressAddr }, in the forms this table serves, so that a created row
// appears under the index it was created with: ipv4 and ipv6, and ipv6z for link-local addresses
// only when the table serves zones (then a zoneless link-local index is a row it never serves). A
// length that does not fit the type, other types, and addresses that cannot be unicast addresses
// (zero, multicast, limited broadcast) are inconsistentName; sub-identifiers that do not decode at
// all name no possible row: noCreation.
SetError IpAddressWriter::decodeIndex(std::span<const SubId> subIds, AddressIndex& out) const {
  IndexReader reader(subIds);
  const auto address = reader.inetAddress();
  if (!reader.finish()) {
    return reader.error() == IndexError::BadLength || reader.error() == IndexError::BadType
               ? SetError::InconsistentName
               : SetError::NoCreation;
  }
  const IpAddressTablesOptions& options = tables_.options();
  const bool zones = options.zones == ZoneStyle::KeepZone;
  switch (address->type) {
  case InetAddressType::Ipv4: break;
  case InetAddressType::Ipv6: break;
  case InetAddressType::Ipv6z:
    if (!zones || address->zone == 0) return SetError::InconsistentName;
    break;
  default: return SetError::InconsistentName;
  }
  const auto ip = address->toIp();
  if (!ip) return SetError::InconsistentName;
  out.address = *ip;
  out.zone = address->type == InetAddressType::Ipv6z ? address->zone : 0;
  if (out.address.isZero() || out.address.isMulticast() ||
      (out.address.isV4() && out.address == IpAddress::v4(0xffffffffu)))
    return SetError::InconsistentName;
  // Zones exist for link-local addresses only; with KeepZone those are always served zoned.
  if (out.address.isV6LinkLocal() != (out.zone != 0) && zones) return SetError::InconsistentName;
  if (options.family != platform::Family::Unspecified && out.address.family() != options.family)
    return SetError::InconsistentName; // a row of a family this table does not serve
  return SetError::NoError;
}

// ---- RESERVE2 ------------------------------------------------------------------------------------

SetError IpAddressWriter::plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext&,
                               std::vector<WriteAction>& actions, std::size_t& failedWrite) {
  if (!batchOpen_) {
    batch_ = std::make_shared<Batch>();
    batchOpen_ = true;
  }
  if (row.empty()) return planSpinLock(writes, actions, failedWrite);
  if (!backend_) return SetError::ResourceUnavailable;
  AddressIndex index;
  if (SetError e = decodeIndex(row.view(), index); e != SetError::NoError) return e;
  Proposed proposed;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const std::int32_t v = integerOf(writes[i].value);
    switch (writes[i].column) {
    case kRowStatus:
      proposed.rowStatus = v;
      proposed.rowStatusWrite = failedWrite = i; // row-level errors are reported on the status varbind
      break;
    case kIfIndex:
      proposed.ifIndex = v;
      proposed.ifIndexWrite = i;
      break;
    case kType:
      proposed.type = v;
      proposed.typeWrite = i;
      break;
    case kStatus:
      proposed.status = v;
      proposed.statusWrite = i;
      break;
    case kStorageType:
      proposed.storage = v;
      proposed.storageWrite = i;
      break;
    default: break;
    }
  }
  if (const auto* served = tables_.addressTable().rows().find(encodeIndexKey(row.view())))
    return planExisting(index, served->entry(), proposed, actions, failedWrite);
  return planNew(index, proposed, actions, failedWrite);
}

SetError IpAddressWriter::planSpinLock(std::span<const ColumnWrite> writes, std::vector<WriteAction>& actions,
                                       std::size_t& failedWrite) {
  const std::int32_t current = tables_.spinLock();
  for (std::size_t i = 0; i < writes.size(); ++i)
    if (writes[i].value.asInteger32() != current) {
      failedWrite = i;
      return SetError::InconsistentValue; // another manager got there first: the whole PDU is refused
    }
  IpAddressTables* tables = &tables_;
  WriteAction action;
  action.order = WriteAction::Order::Modify;
  action.description = "advance ipAddressSpinLock from " + std::to_string(current);
  action.recheck = [tables, current] {
    return tables->spinLock() == current ? SetError::NoError : SetError::InconsistentValue;
  };
  action.apply = [tables, current] {
    return tables->testAndIncrSpinLock(current) ? Result::success()
                                                : Result::failure(platform::Status::Busy, "spin lock moved");
  };
  action.undo = [tables, current] {
    tables->restoreSpinLock(current);
    return Result::success();
  };
  actions.push_back(std::move(action));
  return SetError::NoError;
}

std::function<void()> IpAddressWriter::nonVolatileEdit(bool keep, const PersistentAddress& entry) {
  ++batch_->planned;
  return [tables = &tables_, batch = batch_, keep, entry] {
    const std::vector<PersistentAddress> before = tables->nonVolatile();
    if (keep)
      tables->keepNonVolatile(entry);
    else
      tables->forgetNonVolatile(entry.address, entry.ifIndex);
    batch->changed = batch->changed || tables->nonVolatile() != before;
    if (++batch->committed == batch->planned && batch->changed) tables->publishNonVolatile();
  };
}

// A row the table serves (RFC 2579 state D: active).
SetError IpAddressWriter::planExisting(const AddressIndex& index, const AddressEntry& entry,
                                       const Proposed& proposed, std::vector<WriteAction>& actions,
                                       std::size_t& failedWrite) {
  const auto rowStatus = RowStatus(proposed.rowStatus.value_or(0)); // 0 = no RowStatus in the PDU
  if (rowStatus == RowStatus::CreateAndGo || rowStatus == RowStatus::NotInService)
    return SetError::InconsistentValue;
  const bool destroy = rowStatus == RowStatus::Destroy;
  if (entry.storage == kPermanent || entry.type != kUnicast) {
    // The system's rows (see the class comment for the RFC 2579 text behind each error).
    if (destroy) return SetError::InconsistentValue;
    if (proposed.storage) {
      failedWrite = proposed.storageWrite;
      return SetError::WrongValue;
    }
    if (proposed.ifIndex || proposed.type || proposed.status) {
      failedWrite = proposed.ifIndex ? proposed.ifIndexWrite
                    : proposed.type  ? proposed.typeWrite
                                     : proposed.statusWrite;
      return SetError::NotWritable;
    }
    return SetError::NoError;
  }

  UnicastAddressRow before;
  before.address = scopedOn(index.address, entry.ifIndex);
  before.interfaceIndex = entry.ifIndex;
  const Result read = backend_->getUnicastIpAddressEntry(before);
  if (!read.ok()) {
    // Gone from the platform, its deletion not yet applied to the table: destroy has nothing to do
    // (but still drops a nonVolatile entry, below).
    if (read.status != platform::Status::NotFound) return SetError::ResourceUnavailable;
    if (!destroy) return SetError::InconsistentValue;
  }
  const auto persistent = tables_.nonVolatileEntry(before.address, entry.ifIndex);
  platform::Backend* backend = backend_;
  auto unchanged = [backend, before] {
    UnicastAddressRow now = before;
    const Result result = backend->getUnicastIpAddressEntry(now);
    if (!result.ok()) return readFailure(result);
    return sameAddress(now, before) ? SetError::NoError : SetError::InconsistentValue;
  };

  if (destroy) {
    WriteAction action;
    action.order = WriteAction::Order::Delete;
    action.write = proposed.rowStatusWrite;
    if (read.ok()) {
      action.description = "delete " + describe(before);
      action.recheck = unchanged;
      action.apply = [backend, before] { return backend->deleteUnicastIpAddressEntry(before); };
      action.undo = [backend, restore = restorable(before)] {
        return backend->createUnicastIpAddressEntry(restore);
      };
    } else {
      action.description = "forget " + describe(before);
      action.apply = [] { return Result::success(); };
    }
    if (persistent) action.commit = nonVolatileEdit(false, *persistent);
    if (read.ok() || persistent) actions.push_back(std::move(action));
    return SetError::NoError;
  }

  if (proposed.ifIndex && std::uint32_t(*proposed.ifIndex) != entry.ifIndex) {
    failedWrite = proposed.ifIndexWrite; // an address moves by destroy + createAndGo
    return SetError::InconsistentValue;
  }
  if (proposed.status && *proposed.status != entry.status && *proposed.status != kPreferred &&
      *proposed.status != kDeprecated) {
    failedWrite = proposed.statusWrite; // invalid, tentative, duplicate ...: the stack's states
    return SetError::InconsistentValue;
  }
  // Issue 19 part C: while DAD runs, and after it failed, the status is the stack's verdict: a lifetime
  // change would not make the address usable, so the SET would claim a state the row does not take.
  if (proposed.status && *proposed.status != entry.status &&
      (entry.status == kTentative || entry.status == kDuplicate)) {
    failedWrite = proposed.statusWrite;
    return SetError::InconsistentValue;
  }
  // ipAddressStatus preferred <-> deprecated is the preferred lifetime (RFC 4862 5.5.4: deprecated
  // once the preferred lifetime has expired).
  UnicastAddressRow after = restorable(before);
  if (proposed.status == kDeprecated) after.preferredLifetime = 0;
  if (proposed.status == kPreferred && before.preferredLifetime == 0)
    after.preferredLifetime = after.validLifetime;
  if ((after.preferredLifetime == 0) != (before.preferredLifetime == 0)) {
    WriteAction action;
    action.order = WriteAction::Order::Modify;
    action.description =
        "make " + describe(before) + (after.preferredLifetime == 0 ? " deprecated" : " preferred");
    action.write = proposed.statusWrite;
    action.recheck = unchanged;
    action.apply = [backend, after] { return backend->setUnicastIpAddressEntry(after); };
    action.undo = [backend, restore = restorable(before)] {
      return backend->setUnicastIpAddressEntry(restore);
    };
    actions.push_back(std::move(action));
  }
  if (proposed.storage && (*proposed.storage == kNonVolatile) != persistent.has_value()) {
    WriteAction action;
    action.order = WriteAction::Order::Modify;
    action.description =
        "make " + describe(before) + (*proposed.storage == kNonVolatile ? " nonVolatile" : " volatile");
    action.write = proposed.storageWrite;
    action.recheck = [backend, before] {
      UnicastAddressRow now = before;
      const Result result = backend->getUnicastIpAddressEntry(now);
      return result.ok() ? SetError::NoError : readFailure(result);
    };
    action.apply = [] { return Result::success(); }; // bookkeeping only, at COMMIT
    PersistentAddress keep{before.address, before.onLinkPrefixLength, before.interfaceIndex};
    action.commit = nonVolatileEdit(*proposed.storage == kNonVolatile, persistent ? *persistent : keep);
    actions.push_back(std::move(action));
  }
  return SetError::NoError;
}

// No served row (RFC 2579 state A).
SetError IpAddressWriter::planNew(const AddressIndex& index, const Proposed& proposed,
                                  std::vector<WriteAction>& actions, std::size_t& failedWrite) {
  if (!proposed.rowStatus) return SetError::NoCreation; // a column of a row that does not exist
  const auto rowStatus = RowStatus(*proposed.rowStatus);
  if (rowStatus == RowStatus::Destroy) {
    // Nothing to delete; an entry of the nonVolatile list for this address (on the interface the
    // index or IfIndex names, else on any) is dropped, so it is not re-applied at the next start.
    std::vector<PersistentAddress> drop;
    for (const PersistentAddress& entry : tables_.nonVolatile()) {
      const std::uint32_t on = index.zone ? index.zone : std::uint32_t(proposed.ifIndex.value_or(0));
      if (entry.address.withScope(0) == index.address.withScope(0) && (on == 0 || entry.ifIndex == on))
        drop.push_back(entry);
    }
    for (const PersistentAddress& entry : drop) {
      WriteAction action;
      action.order = WriteAction::Order::Delete;
      action.description =
          "forget nonVolatile address " + entry.address.toString() + " dev " + std::to_string(entry.ifIndex);
      action.write = proposed.rowStatusWrite;
      action.apply = [] { return Result::success(); };
      action.commit = nonVolatileEdit(false, entry);
      actions.push_back(std::move(action));
    }
    return SetError::NoError;
  }
  if (rowStatus != RowStatus::CreateAndGo) return SetError::InconsistentValue; // active, notInService
  if (!proposed.ifIndex) return SetError::InconsistentValue; // the row would be notReady (RFC 4293)
  const auto ifIndex = std::uint32_t(*proposed.ifIndex);
  if (index.zone != 0 && index.zone != ifIndex) {
    failedWrite = proposed.ifIndexWrite; // an ipv6z zone names the interface
    return SetError::InconsistentValue;
  }
  if (proposed.status && *proposed.status != kPreferred && *proposed.status != kDeprecated) {
    failedWrite = proposed.statusWrite;
    return SetError::InconsistentValue;
  }
  platform::InterfaceRow link;
  link.index = ifIndex;
  if (const Result r = backend_->getIfEntry2(link); !r.ok()) {
    failedWrite = proposed.ifIndexWrite;
    return r.status == platform::Status::NotFound || r.status == platform::Status::InvalidParameter
               ? SetError::InconsistentValue
               : SetError::ResourceUnavailable;
  }
  UnicastAddressRow row;
  row.address = scopedOn(index.address, ifIndex);
  row.interfaceIndex = ifIndex;
  // On the platform but not served (its notification not yet applied): not ours to create over.
  {
    UnicastAddressRow existing = row;
    const Result r = backend_->getUnicastIpAddressEntry(existing);
    if (r.ok()) return SetError::InconsistentValue;
    if (r.status != platform::Status::NotFound) return SetError::ResourceUnavailable;
  }
  if (SetError e = choosePrefixLength(row.address, ifIndex, row.onLinkPrefixLength); e != SetError::NoError)
    return e;
  row.preferredLifetime = proposed.status == kDeprecated ? 0 : platform::kInfiniteLifetime;
  row.prefixOrigin = platform::PrefixOrigin::Manual;
  row.suffixOrigin = platform::SuffixOrigin::Manual;

  platform::Backend* backend = backend_;
  WriteAction action;
  action.order = WriteAction::Order::Create;
  action.description = "create " + describe(row);
  action.write = proposed.rowStatusWrite;
  // Added meanwhile (by another tool between RESERVE2 and ACTION): not ours to overwrite.
  action.recheck = [backend, row] {
    UnicastAddressRow now = row;
    const Result result = backend->getUnicastIpAddressEntry(now);
    if (result.ok()) return SetError::InconsistentValue;
    return result.status == platform::Status::NotFound ? SetError::NoError : SetError::ResourceUnavailable;
  };
  action.apply = [backend, row] { return backend->createUnicastIpAddressEntry(row); };
  action.undo = [backend, row] { return backend->deleteUnicastIpAddressEntry(row); };
  if (proposed.storage == kNonVolatile)
    action.commit = nonVolatileEdit(true, PersistentAddress{row.address, row.onLinkPrefixLength, ifIndex});
  actions.push_back(std::move(action));
  return SetError::NoError;
}

SetError IpAddressWriter::choosePrefixLength(const IpAddress& address, std::uint32_t ifIndex,
                                             std::uint8_t& length) const {
  const platform::Family family = address.family();
  const unsigned max = address.isV4() ? 32 : 128;
  // (1) The prefix of an address already on that interface (its ipAddressPrefixTable row).
  std::vector<UnicastAddressRow> addresses;
  if (!backend_->getUnicastIpAddressTable(family, addresses).ok()) return SetError::ResourceUnavailable;
  int best = -1;
  for (const UnicastAddressRow& a : addresses) {
    const unsigned l = a.onLinkPrefixLength > max ? max : a.onLinkPrefixLength;
    if (a.interfaceIndex != ifIndex || l == max || int(l) <= best) continue;
    if (platform::IpPrefix{a.address.withScope(0).masked(l), std::uint8_t(l)}.contains(address.withScope(0)))
      best = int(l);
  }
  if (best < 0) {
    // (2) An on-link route through that interface (a default route covers everything: not a subnet).
    // Only the routes through it that cover the address are read, not the whole table.
    std::vector<platform::RouteRow> routes;
    if (!backend_->getRoutesCovering(address.withScope(0), ifIndex, routes).ok())
      return SetError::ResourceUnavailable;
    for (const platform::RouteRow& r : routes) {
      const unsigned l = r.destinationPrefix.length;
      if (r.interfaceIndex != ifIndex || !r.nextHop.isZero() || r.type != platform::RouteType::Unicast ||
          l == 0 || l >= max || int(l) <= best)
        continue;
      if (r.destinationPrefix.contains(address.withScope(0))) best = int(l);
    }
  }
  length = std::uint8_t(best < 0 ? max : unsigned(best)); // (3) a host prefix
  return SetError::NoError;
}

} // namespace ipmibd::tables
