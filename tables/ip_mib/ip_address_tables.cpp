// ipAddressTable / ipAddressPrefixTable / ipAddressSpinLock: column declarations, UnicastAddressRow ->
// index/entry mapping, prefix reference counting and incremental upkeep.
#include "tables/ip_mib/ip_address_tables.h"

#include <algorithm>
#include <limits>
#include <random>

namespace ipmibd::tables {

using platform::ChangeKind;
using platform::DadState;
using platform::PrefixOrigin;
using platform::SuffixOrigin;
using platform::Timestamp;
using platform::UnicastAddressRow;

namespace {

// ipAddressType values.
enum : std::uint8_t { kUnicast = 1, kAnycast = 2, kBroadcast = 3 };
// StorageType values.
enum : std::uint8_t { kVolatile = 2, kNonVolatile = 3, kPermanent = 4 };
constexpr Timestamp kForever = Timestamp::max();

// 1.3.6.1.2.1.4.32.1.5 ipAddressPrefixOrigin: the first accessible column of a prefix row, which is
// what a RowPointer names (SNMPv2-TC RowPointer).
const Oid& prefixOriginOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 32, 1, 5};
  return oid;
}

unsigned prefixLengthOf(const UnicastAddressRow& row) {
  // 0xff is IP Helper's "illegal" length (a host address); anything over the maximum is treated so.
  const unsigned max = row.address.isV4() ? 32 : 128;
  return row.onLinkPrefixLength > max ? max : row.onLinkPrefixLength;
}

// IpAddressPrefixOriginTC: the platform's NL_PREFIX_ORIGIN, value for value. Debian's snmpd
// reports the loopback prefixes 127.0.0.0/8 and ::1/128 as manual(2); the platform calls them
// WellKnown and so do we: RFC 4293 names prefixes "assigned ... by specification in a standards
// track RFC" as wellknown(3), and nobody configured them.
std::uint8_t prefixOriginValue(PrefixOrigin origin) {
  switch (origin) {
  case PrefixOrigin::Manual: return 2;
  case PrefixOrigin::WellKnown: return 3;
  case PrefixOrigin::Dhcp: return 4;
  case PrefixOrigin::RouterAdvertisement: return 5;
  default: return 1;
  }
}

// IpAddressOriginTC from how the address's interface identifier came about (NL_SUFFIX_ORIGIN).
// WellKnown suffixes (the loopback addresses) were "configured to a specified address", not
// learned or generated: manual(2), as Debian reports them.
std::uint8_t addressOriginValue(SuffixOrigin origin) {
  switch (origin) {
  case SuffixOrigin::Manual:
  case SuffixOrigin::WellKnown: return 2;
  case SuffixOrigin::Dhcp: return 4;
  case SuffixOrigin::LinkLayerAddress: return 5;
  case SuffixOrigin::Random: return 6;
  default: return 1;
  }
}

// IpAddressStatusTC from the DAD state. inaccessible(4) (interface not operational) is not
// reported: this unit does not follow interface state, and Debian never reports it either.
// The platform folds Linux's optimistic addresses into Tentative.
std::uint8_t addressStatusValue(DadState state) {
  switch (state) {
  case DadState::Preferred: return 1;
  case DadState::Deprecated: return 2;
  case DadState::Invalid: return 3;
  case DadState::Tentative: return 6;
  case DadState::Duplicate: return 7;
  }
  return 5; // unknown
}

// StorageType. Addresses the system owns (every prefix origin but manual: the WellKnown IPv6
// link-local and loopback addresses, SLAAC and DHCP addresses) are permanent(4): the
// ipAddressTable DESCRIPTION lets managers "remove any entry that isn't permanent", and removing
// those would break the host or fight the daemon that owns them; permanent rather than readOnly(5)
// because their status and lifetimes do change. Manually configured addresses are volatile(2):
// kernel addresses are lost on reboot, whatever re-adds them at boot is outside our view; those
// a manager made nonVolatile(3) through SNMP are the agent's to re-apply (IpAddressTables::
// nonVolatile). Debian's snmpd marks IPv6 link-local and SLAAC addresses permanent and the
// loopback addresses volatile.
bool systemOwned(const UnicastAddressRow& row) { return row.prefixOrigin != PrefixOrigin::Manual; }

std::optional<Value> ifIndexOf(const AddressEntry& e, const RequestContext&) {
  return Value::integer32(std::int32_t(std::min<std::uint32_t>(e.ifIndex, 0x7fffffff)));
}
std::optional<Value> typeOf(const AddressEntry& e, const RequestContext&) { return Value::integer32(e.type); }
// ipAddressPrefixOrigin.<ifIndex>.<type>.<length>.<prefix bytes>.<prefix length>
std::optional<Value> prefixOf(const AddressEntry& e, const RequestContext&) {
  if (e.prefixType == 0) return Value::objectIdentifier({0, 0}); // an anycast row outside every prefix
  Oid pointer = prefixOriginOid();
  pointer.append(e.ifIndex).append(e.prefixType);
  const std::size_t size = e.prefixType == 1 ? 4 : 16;
  pointer.append(SubId(size));
  for (std::size_t i = 0; i < size; ++i)
    pointer.append(e.prefix[i]);
  pointer.append(e.prefixLength);
  return Value::objectIdentifier(std::move(pointer));
}
std::optional<Value> originOf(const AddressEntry& e, const RequestContext&) {
  return Value::integer32(e.origin);
}
std::optional<Value> statusOf(const AddressEntry& e, const RequestContext&) {
  return Value::integer32(e.status);
}
std::optional<Value> createdOf(const AddressEntry& e, const RequestContext& c) {
  return Value::timeTicks(c.timeStamp(e.created));
}
std::optional<Value> lastChangedOf(const AddressEntry& e, const RequestContext& c) {
  return Value::timeTicks(c.timeStamp(e.lastChanged));
}
// Rows exist only for addresses the platform holds: always active(1).
std::optional<Value> rowStatusOf(const AddressEntry&, const RequestContext&) { return Value::integer32(1); }
std::optional<Value> storageOf(const AddressEntry& e, const RequestContext&) {
  return Value::integer32(e.storage);
}

bool inRange(const Value& v, std::int32_t low, std::int32_t high) {
  return v.syntax() == Syntax::Integer32 && v.asInteger32() >= low && v.asInteger32() <= high;
}
bool validIfIndex(const Value& v) { return inRange(v, 1, 0x7fffffff); }
bool validAddressType(const Value& v) { return inRange(v, 1, 3); }
bool validStatus(const Value& v) { return inRange(v, 1, 8); }
bool validRowStatus(const Value& v) { return inRange(v, 1, 6); }
bool validStorage(const Value& v) { return inRange(v, 1, 5); }

const Column<AddressEntry> kAddressColumns[] = {
    {1, "ipAddressAddrType", Syntax::Integer32, Access::NotAccessible},
    {2, "ipAddressAddr", Syntax::OctetString, Access::NotAccessible},
    {3, "ipAddressIfIndex", Syntax::Integer32, Access::ReadCreate, &ifIndexOf, std::nullopt, &validIfIndex},
    {4, "ipAddressType", Syntax::Integer32, Access::ReadCreate, &typeOf, Value::integer32(kUnicast),
     &validAddressType},
    {5, "ipAddressPrefix", Syntax::ObjectIdentifier, Access::ReadOnly, &prefixOf,
     Value::objectIdentifier({0, 0})},
    {6, "ipAddressOrigin", Syntax::Integer32, Access::ReadOnly, &originOf},
    {7, "ipAddressStatus", Syntax::Integer32, Access::ReadCreate, &statusOf, Value::integer32(1),
     &validStatus},
    {8, "ipAddressCreated", Syntax::TimeTicks, Access::ReadOnly, &createdOf},
    {9, "ipAddressLastChanged", Syntax::TimeTicks, Access::ReadOnly, &lastChangedOf},
    {10, "ipAddressRowStatus", Syntax::Integer32, Access::ReadCreate, &rowStatusOf, std::nullopt,
     &validRowStatus},
    {11, "ipAddressStorageType", Syntax::Integer32, Access::ReadCreate, &storageOf,
     Value::integer32(kVolatile), &validStorage},
};

std::optional<Value> prefixOriginOf(const PrefixEntry& e, const RequestContext&) {
  return Value::integer32(e.origin);
}
// Every prefix the platform reports comes with an address configured on the link, which makes the
// prefix on-link (Linux installs the prefix route; IPv4's default is true(1) too). Debian agrees.
std::optional<Value> onLinkOf(const PrefixEntry&, const RequestContext&) { return Value::integer32(1); }
std::optional<Value> autonomousOf(const PrefixEntry& e, const RequestContext&) {
  return Value::integer32(e.autonomous ? 1 : 2);
}
std::uint32_t remaining(Timestamp until, const RequestContext& c) {
  if (until == kForever) return 0xffffffff; // "A value of 4,294,967,295 represents infinity."
  if (until <= c.now()) return 0;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(until - c.now()).count();
  return std::uint32_t(std::min<std::int64_t>(seconds, 0xfffffffe));
}
std::optional<Value> preferredOf(const PrefixEntry& e, const RequestContext& c) {
  return Value::unsigned32(remaining(e.preferredUntil, c));
}
std::optional<Value> validOf(const PrefixEntry& e, const RequestContext& c) {
  return Value::unsigned32(remaining(e.validUntil, c));
}

const Column<PrefixEntry> kPrefixColumns[] = {
    {1, "ipAddressPrefixIfIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "ipAddressPrefixType", Syntax::Integer32, Access::NotAccessible},
    {3, "ipAddressPrefixPrefix", Syntax::OctetString, Access::NotAccessible},
    {4, "ipAddressPrefixLength", Syntax::Unsigned32, Access::NotAccessible},
    {5, "ipAddressPrefixOrigin", Syntax::Integer32, Access::ReadOnly, &prefixOriginOf},
    {6, "ipAddressPrefixOnLinkFlag", Syntax::Integer32, Access::ReadOnly, &onLinkOf},
    {7, "ipAddressPrefixAutonomousFlag", Syntax::Integer32, Access::ReadOnly, &autonomousOf},
    {8, "ipAddressPrefixAdvPreferredLifetime", Syntax::Unsigned32, Access::ReadOnly, &preferredOf},
    {9, "ipAddressPrefixAdvValidLifetime", Syntax::Unsigned32, Access::ReadOnly, &validOf},
};

std::int32_t initialSpinLock(const std::optional<std::int32_t>& seed) {
  if (seed) return std::clamp<std::int32_t>(*seed, 0, std::numeric_limits<std::int32_t>::max());
  std::random_device random;
  return std::uniform_int_distribution<std::int32_t>(0, std::numeric_limits<std::int32_t>::max())(random);
}

// As InetCidrRouteTable: ordinary address churn is visible at once, bursts go through the queue.
constexpr std::size_t kApplyInlineMax = 256;

} // namespace

const Oid& IpAddressTables::prefixEntryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 32, 1};
  return oid;
}
const Oid& IpAddressTables::spinLockOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 33};
  return oid;
}
const Oid& IpAddressTables::addressEntryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 34, 1};
  return oid;
}

IpAddressTables::IpAddressTables(IpAddressTablesOptions options)
    : options_(std::move(options)), prefixTable_(prefixEntryOid(), "ipAddressPrefixTable", kPrefixColumns),
      spinLockScalar_(spinLockOid(), "ipAddressSpinLock", Syntax::Integer32, Access::ReadWrite,
                      [this](const RequestContext&) { return Value::integer32(spinLock_); }),
      addressTable_(addressEntryOid(), "ipAddressTable", kAddressColumns),
      spinLock_(initialSpinLock(options_.spinLockSeed)) {
  addressTable_.setWriter(&writer_);
  spinLockScalar_.setWriter(&writer_);
}

bool IpAddressTables::testAndIncrSpinLock(std::int32_t value) {
  if (value != spinLock_) return false;
  spinLock_ = spinLock_ == std::numeric_limits<std::int32_t>::max() ? 0 : spinLock_ + 1;
  return true;
}

platform::Result IpAddressTables::attach(platform::Backend& backend) {
  writer_.attach(backend);
  // Subscribe first: every change after the dump is then delivered and replayed after it.
  subscription_ = backend.notifyUnicastIpAddressChange(
      options_.family,
      [this](std::span<const platform::Change<UnicastAddressRow>> changes) { enqueue(changes); });
  std::vector<UnicastAddressRow> rows;
  platform::Result result = backend.getUnicastIpAddressTable(options_.family, rows);
  if (result.ok()) queue_.loadSnapshot(std::move(rows));
  if (options_.anycastRows && options_.family != platform::Family::V4) {
    backend_ = &backend;
    // Forwarding turned on or off makes or removes the kernel's subnet-router anycasts.
    ipInterfaceSubscription_ = backend.notifyIpInterfaceChange(
        platform::Family::V6,
        [this](std::span<const platform::Change<platform::IpInterfaceRow>>) { anycastStale_ = true; });
    anycastStale_ = true; // read once the unicast rows are in (their prefixes are pointed at)
  }
  return result;
}

void IpAddressTables::enqueue(std::span<const platform::Change<UnicastAddressRow>> changes) {
  if (queue_.empty() && changes.size() <= kApplyInlineMax) {
    for (const auto& change : changes)
      apply(change.kind, change.row);
    return;
  }
  queue_.push(changes);
}

bool IpAddressTables::applyPending(std::chrono::steady_clock::duration budget) {
  const bool more =
      queue_.drain(budget, [this](ChangeKind kind, const UnicastAddressRow& row) { apply(kind, row); });
  if (backend_ && !more && (anycastStale_ || platform::Clock::now() >= nextAnycastRead_)) rereadAnycast();
  return more;
}

void IpAddressTables::rereadAnycast() {
  anycastStale_ = false;
  nextAnycastRead_ = platform::Clock::now() + options_.anycastRefresh;
  std::vector<platform::AnycastAddressRow> rows;
  // A failed read keeps the rows served and is retried at the next refresh.
  if (backend_->getAnycastIpAddressTable(platform::Family::V6, rows).ok()) applyAnycast(rows);
}

void IpAddressTables::applyAnycast(const std::vector<platform::AnycastAddressRow>& rows) {
  std::map<AddressId, Timestamp> fresh;
  for (const auto& r : rows) {
    if (!r.address.isV6() || r.interfaceIndex == 0) continue;
    const AddressId id{r.address, r.interfaceIndex};
    auto known = anycast_.find(id);
    fresh.emplace(id, known != anycast_.end() ? known->second : now());
  }
  // Every row is rebuilt: the unicast prefix it points at may have come or gone since.
  for (const auto& [id, reg] : anycastRegistered_) {
    candidates_.erase({reg.unicastKey, kAnycast, id.ifIndex, id.address});
    refresh(reg.unicastKey);
  }
  anycastRegistered_.clear();
  anycast_ = std::move(fresh);
  for (const auto& [id, created] : anycast_) {
    UnicastAddressRow probe;
    probe.address = id.address;
    probe.interfaceIndex = id.ifIndex;
    std::optional<Oid> index = addressIndex(probe);
    if (!index) continue;
    AddressEntry entry;
    entry.created = entry.lastChanged = created;
    entry.ifIndex = id.ifIndex;
    entry.type = kAnycast;
    entry.origin = 1; // other
    entry.status = 1; // preferred
    entry.storage = kPermanent;
    const platform::IpAddress bare = id.address.withScope(0);
    for (const auto& [candidate, unicast] : candidates_) {
      if (candidate.type != kUnicast || candidate.ifIndex != id.ifIndex || unicast.prefixType != 2) continue;
      const platform::IpAddress masked = bare.masked(unicast.prefixLength);
      if (std::equal(masked.data(), masked.data() + 16, unicast.prefix.begin())) {
        entry.prefix = unicast.prefix;
        entry.prefixType = 2;
        entry.prefixLength = unicast.prefixLength;
        break;
      }
    }
    Registration reg;
    reg.unicastKey = encodeIndexKey(index->view());
    candidates_.insert_or_assign({reg.unicastKey, kAnycast, id.ifIndex, id.address}, entry);
    refresh(reg.unicastKey);
    anycastRegistered_.emplace(id, std::move(reg));
  }
}

Timestamp IpAddressTables::now() const { return options_.clock ? options_.clock() : platform::Clock::now(); }

// INDEX { ipAddressAddrType, ipAddressAddr }: type, then the length-prefixed address. Debian
// 5.9.3: ...34.1.3.1.4.192.0.2.1, and IPv6 link-local as ipv6(2) with 16 bytes. With KeepZone a
// link-local address is ipv6z(4): 16 bytes and its zone, the interface.
std::optional<Oid> IpAddressTables::addressIndex(const UnicastAddressRow& row) const {
  if (row.interfaceIndex == 0 || row.address.isUnspecified()) return std::nullopt;
  platform::IpAddress address = row.address;
  if (address.isV6LinkLocal() && address.scopeId() == 0) address = address.withScope(row.interfaceIndex);
  Oid index;
  encodeInetAddressIndex(index, address, options_.zones);
  return index;
}

// INDEX { ipAddressPrefixIfIndex, ipAddressPrefixType, ipAddressPrefixPrefix, ipAddressPrefixLength }:
// Debian 5.9.3: ...32.1.5.3.1.4.192.0.2.0.24 for 192.0.2.1/24 on ifIndex 3.
Oid IpAddressTables::prefixIndex(const UnicastAddressRow& row) {
  const unsigned length = prefixLengthOf(row);
  Oid index;
  encodeIntegerIndex(index, row.interfaceIndex);
  encodeInetAddressIndex(index, row.address.withScope(0).masked(length), ZoneStyle::DropZone);
  encodeIntegerIndex(index, length);
  return index;
}

void IpAddressTables::apply(ChangeKind kind, const UnicastAddressRow& row) {
  const bool watched = observer_ && !loading() && observer_->before(kind, row);
  applyChange(kind, row);
  if (watched) observer_->after(kind, row);
}

void IpAddressTables::applyChange(ChangeKind kind, const UnicastAddressRow& row) {
  if (options_.family != platform::Family::Unspecified && platform::familyOf(row) != options_.family) return;
  if (row.address.isV6()) anycastStale_ = true; // a prefix on a forwarding interface has its anycast
  const AddressId id{row.address, row.interfaceIndex};
  if (kind == ChangeKind::Delete) {
    remove(id);
    return;
  }
  // An update replaces everything the address contributed: its index, broadcast row and prefix
  // may all have changed (new prefix length, new broadcast address).
  std::optional<Timestamp> created;
  if (auto it = registered_.find(id); it != registered_.end()) {
    auto candidate = candidates_.find({it->second.unicastKey, kUnicast, id.ifIndex, id.address});
    if (candidate != candidates_.end()) created = candidate->second.created;
  }
  remove(id);
  UnicastAddressRow fresh = row;
  if (fresh.creationTimeStamp == Timestamp{} && created) fresh.creationTimeStamp = *created;
  add(id, fresh);
}

void IpAddressTables::add(const AddressId& id, const UnicastAddressRow& row) {
  std::optional<Oid> index = addressIndex(row);
  if (!index) {
    ++discards_;
    return;
  }
  const unsigned length = prefixLengthOf(row);
  const platform::IpAddress prefix = row.address.withScope(0).masked(length);

  AddressEntry entry;
  entry.created = row.creationTimeStamp;
  entry.lastChanged = row.lastChange;
  std::copy_n(prefix.data(), prefix.size(), entry.prefix.begin());
  entry.ifIndex = row.interfaceIndex;
  entry.prefixType = row.address.isV4() ? 1 : 2;
  entry.prefixLength = std::uint8_t(length);
  entry.type = kUnicast;
  entry.origin = addressOriginValue(row.suffixOrigin);
  entry.status = addressStatusValue(row.dadState);
  entry.storage = storageOf(row);
  if (row.address.isV4() && row.broadcast.isV4() && !row.broadcast.isZero())
    entry.broadcastLowBit = row.broadcast.data()[3] & 1;

  Registration reg;
  reg.unicastKey = encodeIndexKey(index->view());
  reg.prefixKey = encodeIndexKey(prefixIndex(row).view());
  candidates_.insert_or_assign({reg.unicastKey, kUnicast, id.ifIndex, id.address}, entry);
  refresh(reg.unicastKey);

  // The subnet broadcast address is the entity's as much as the address is: same interface,
  // prefix, origin and status.
  if (options_.broadcastRows && row.address.isV4() && row.broadcast.isV4() && !row.broadcast.isZero()) {
    Oid broadcastIndex;
    encodeInetAddressIndex(broadcastIndex, row.broadcast, ZoneStyle::DropZone);
    reg.broadcastKey = encodeIndexKey(broadcastIndex.view());
    AddressEntry broadcast = entry;
    broadcast.type = kBroadcast;
    candidates_.insert_or_assign({reg.broadcastKey, kBroadcast, id.ifIndex, id.address}, broadcast);
    refresh(reg.broadcastKey);
  }

  // Prefix membership. A prefix formed from a router advertisement by stateless autoconfiguration
  // (the address's suffix is the link-layer or a random identifier) had its autonomous flag set.
  const Timestamp t = now();
  auto deadline = [&](std::uint32_t lifetime) {
    return lifetime == platform::kInfiniteLifetime ? kForever : t + std::chrono::seconds(lifetime);
  };
  reg.share.origin = prefixOriginValue(row.prefixOrigin);
  reg.share.autonomous =
      row.prefixOrigin == PrefixOrigin::RouterAdvertisement &&
      (row.suffixOrigin == SuffixOrigin::LinkLayerAddress || row.suffixOrigin == SuffixOrigin::Random);
  reg.share.preferredUntil = deadline(row.preferredLifetime);
  reg.share.validUntil = deadline(row.validLifetime);
  join(reg.prefixKey, reg.share);
  registered_.insert_or_assign(id, std::move(reg));
}

void IpAddressTables::remove(const AddressId& id) {
  auto it = registered_.find(id);
  if (it == registered_.end()) return;
  const Registration reg = std::move(it->second);
  registered_.erase(it);
  candidates_.erase({reg.unicastKey, kUnicast, id.ifIndex, id.address});
  refresh(reg.unicastKey);
  if (!reg.broadcastKey.empty()) {
    candidates_.erase({reg.broadcastKey, kBroadcast, id.ifIndex, id.address});
    refresh(reg.broadcastKey);
  }
  leave(reg.prefixKey, reg.share);
}

void IpAddressTables::refresh(const IndexKey& key) {
  auto first = candidates_.lower_bound({key, 0, 0, platform::IpAddress{}});
  if (first != candidates_.end() && first->first.key == key)
    addressTable_.rows().upsert(key, first->second);
  else
    addressTable_.rows().erase(key);
}

void IpAddressTables::join(const IndexKey& prefixKey, const PrefixShare& share) {
  PrefixMembers& members = prefixes_[prefixKey];
  ++members.origins[share.origin];
  if (share.autonomous) ++members.autonomous;
  members.preferredUntil.insert(share.preferredUntil);
  members.validUntil.insert(share.validUntil);
  prefixTable_.rows().upsert(prefixKey, summaryOf(members));
}

void IpAddressTables::leave(const IndexKey& prefixKey, const PrefixShare& share) {
  auto it = prefixes_.find(prefixKey);
  if (it == prefixes_.end()) return;
  PrefixMembers& members = it->second;
  --members.origins[share.origin];
  if (share.autonomous) --members.autonomous;
  members.preferredUntil.erase(members.preferredUntil.find(share.preferredUntil));
  members.validUntil.erase(members.validUntil.find(share.validUntil));
  if (members.validUntil.empty()) {
    prefixes_.erase(it);
    prefixTable_.rows().erase(prefixKey);
    return;
  }
  prefixTable_.rows().upsert(prefixKey, summaryOf(members));
}

// A prefix row summarizes its members: the highest origin value among them (routeradv(5) >
// dhcp(4) > wellknown(3) > manual(2) > other(1): a prefix some router advertises is "learned from
// a router advertisement" even if an address in it was also configured by hand), autonomous when
// any member was autoconfigured from it, and the longest remaining lifetimes (the prefix stays
// preferred/valid while any address formed from it does). Debian takes the first address's values.
PrefixEntry IpAddressTables::summaryOf(const PrefixMembers& members) {
  PrefixEntry entry;
  for (std::size_t origin = members.origins.size(); origin-- > 1;)
    if (members.origins[origin] != 0) {
      entry.origin = std::uint8_t(origin);
      break;
    }
  entry.autonomous = members.autonomous != 0;
  entry.preferredUntil = *members.preferredUntil.rbegin();
  entry.validUntil = *members.validUntil.rbegin();
  return entry;
}

std::uint8_t IpAddressTables::storageOf(const UnicastAddressRow& row) const {
  if (systemOwned(row)) return kPermanent;
  return nonVolatileEntry(row.address, row.interfaceIndex) ? kNonVolatile : kVolatile;
}

std::optional<PersistentAddress> IpAddressTables::nonVolatileEntry(const platform::IpAddress& address,
                                                                   std::uint32_t ifIndex) const {
  const platform::IpAddress plain = address.withScope(0);
  for (const PersistentAddress& entry : nonVolatile_)
    if (entry.ifIndex == ifIndex && entry.address.withScope(0) == plain) return entry;
  return std::nullopt;
}

void IpAddressTables::setNonVolatile(std::vector<PersistentAddress> addresses) {
  std::vector<PersistentAddress> old(nonVolatile_.begin(), nonVolatile_.end());
  nonVolatile_ = {addresses.begin(), addresses.end()};
  for (const PersistentAddress& entry : old)
    restyle(entry.address, entry.ifIndex);
  for (const PersistentAddress& entry : nonVolatile_)
    restyle(entry.address, entry.ifIndex);
}

void IpAddressTables::keepNonVolatile(const PersistentAddress& address) {
  forgetNonVolatile(address.address, address.ifIndex);
  nonVolatile_.insert(address);
  restyle(address.address, address.ifIndex);
}

void IpAddressTables::forgetNonVolatile(const platform::IpAddress& address, std::uint32_t ifIndex) {
  const platform::IpAddress plain = address.withScope(0);
  std::erase_if(nonVolatile_, [&](const PersistentAddress& entry) {
    return entry.ifIndex == ifIndex && entry.address.withScope(0) == plain;
  });
  restyle(address, ifIndex);
}

void IpAddressTables::publishNonVolatile() const {
  if (options_.onNonVolatileChange) options_.onNonVolatileChange(nonVolatile());
}

// The platform keys addresses with the scope id of link-local ones; the list may hold either form.
void IpAddressTables::restyle(const platform::IpAddress& address, std::uint32_t ifIndex) {
  platform::IpAddress scoped = address;
  if (scoped.isV6LinkLocal()) scoped = scoped.withScope(ifIndex);
  for (const platform::IpAddress& key : {scoped, address.withScope(0)}) {
    auto it = registered_.find({key, ifIndex});
    if (it == registered_.end()) continue;
    auto candidate = candidates_.find({it->second.unicastKey, kUnicast, ifIndex, key});
    if (candidate == candidates_.end() || candidate->second.storage == kPermanent) return;
    candidate->second.storage = nonVolatileEntry(key, ifIndex) ? kNonVolatile : kVolatile;
    refresh(it->second.unicastKey);
    return;
  }
}

std::optional<Oid> IpAddressTables::indexOf(const UnicastAddressRow& row) const {
  auto it = registered_.find({row.address, row.interfaceIndex});
  if (it == registered_.end()) return std::nullopt;
  const IndexKey& key = it->second.unicastKey;
  auto first = candidates_.lower_bound({key, 0, 0, platform::IpAddress{}});
  if (first == candidates_.end() || first->first.key != key || first->first.type != kUnicast ||
      first->first.ifIndex != row.interfaceIndex || first->first.source != row.address)
    return std::nullopt;
  return decodeIndexKey(key);
}

std::optional<Oid> IpAddressTables::prefixIndexOf(const UnicastAddressRow& row) const {
  auto it = registered_.find({row.address, row.interfaceIndex});
  if (it == registered_.end()) return std::nullopt;
  return decodeIndexKey(it->second.prefixKey);
}

} // namespace ipmibd::tables
