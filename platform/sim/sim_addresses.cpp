// Unicast addresses of the simulated kernel: validation as inet/addrconf do it, the kernel routes each
// address brings (local and prefix routes), secondaries, and lifetimes counted down by the clock.
#include "platform/sim/sim_kernel.h"

#include <algorithm>

namespace ipmibd::platform::sim {

namespace {

constexpr std::uint8_t kScopeLink = 253;
constexpr std::uint8_t kScopeHost = 254;

Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }

std::uint32_t remaining(std::uint32_t lifetime, Timestamp start, Timestamp now) {
  if (lifetime == kInfiniteLifetime) return lifetime;
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - start).count();
  if (elapsed <= 0) return lifetime;
  return std::uint64_t(elapsed) >= lifetime ? 0 : lifetime - std::uint32_t(elapsed);
}

std::optional<Timestamp> expiry(std::uint32_t lifetime, Timestamp start) {
  if (lifetime == kInfiniteLifetime) return std::nullopt;
  return start + std::chrono::seconds(lifetime);
}

IpPrefix subnetOf(const UnicastAddressRow& row) {
  return {row.address.withScope(0).masked(row.onLinkPrefixLength), row.onLinkPrefixLength};
}

} // namespace

std::optional<IpAddress> SimKernel::scopedFor(const IpAddress& address, InterfaceIndex index) {
  if (!address.isV6LinkLocal()) return address.withScope(0);
  if (address.scopeId() != 0 && address.scopeId() != index) return std::nullopt;
  return address.withScope(index);
}

const AddressEntry* SimKernel::address(const AddressKey& key) const {
  auto it = addresses_.find(key);
  return it == addresses_.end() ? nullptr : &it->second;
}

UnicastAddressRow SimKernel::addressView(const AddressEntry& entry) const {
  UnicastAddressRow row = entry.row;
  row.validLifetime = remaining(row.validLifetime, entry.lifetimeStart, now());
  row.preferredLifetime = remaining(row.preferredLifetime, entry.lifetimeStart, now());
  return row;
}

std::vector<AddressKey> SimKernel::addressKeysOn(InterfaceIndex index, Family family) const {
  std::vector<AddressKey> keys;
  for (const auto& [key, entry] : addresses_)
    if (key.second == index && key.first.family() == family) keys.push_back(key);
  return keys;
}

bool SimKernel::isLocalAddress(const IpAddress& address) const {
  return std::any_of(addresses_.begin(), addresses_.end(),
                     [&](const auto& item) { return item.first.first.withScope(0) == address.withScope(0); });
}

Result SimKernel::addAddress(const AddressRequest& request) {
  const Link* l = link(request.interfaceIndex);
  if (!l)
    return failure(Status::NotFound, "no such device (index " + std::to_string(request.interfaceIndex) + ")");
  const IpAddress& raw = request.address;
  if (raw.isUnspecified()) return failure(Status::InvalidParameter, "address family not set");
  if (raw.isZero() || raw.isMulticast()) return failure(Status::InvalidParameter, "not a unicast address");
  const auto address = scopedFor(raw, request.interfaceIndex);
  if (!address) return failure(Status::InvalidParameter, "scope id does not match the interface");
  const unsigned maxLength = raw.isV4() ? 32 : 128;
  const unsigned length = request.prefixLength == 0xff ? maxLength : request.prefixLength;
  if (length > maxLength) return failure(Status::InvalidParameter, "prefix length out of range");
  if (request.validLifetime == 0) return failure(Status::InvalidParameter, "valid_lft is zero");
  if (request.preferredLifetime > request.validLifetime)
    return failure(Status::InvalidParameter, "preferred_lft is greater than valid_lft");
  if (!request.broadcast.isUnspecified() && request.broadcast.family() != raw.family())
    return failure(Status::InvalidParameter, "broadcast address family mismatch");
  if (raw.isV6() && !l->ipv6.enabled) return failure(Status::AccessDenied, "IPv6 is disabled on this device");
  const AddressKey key{*address, request.interfaceIndex};
  if (addresses_.contains(key)) return failure(Status::AlreadyExists, "address already assigned");

  const Timestamp t = now();
  AddressEntry entry;
  entry.lifetimeStart = t;
  UnicastAddressRow& r = entry.row;
  r.address = *address;
  r.interfaceIndex = request.interfaceIndex;
  r.luid = l->row.luid;
  switch (request.source) {
  case AddressSource::Configured:
    r.prefixOrigin = PrefixOrigin::Manual;
    r.suffixOrigin = SuffixOrigin::Manual;
    break;
  case AddressSource::Loopback:
    r.prefixOrigin = PrefixOrigin::WellKnown;
    r.suffixOrigin = SuffixOrigin::WellKnown;
    break;
  case AddressSource::LinkLocal:
    r.prefixOrigin = PrefixOrigin::WellKnown;
    r.suffixOrigin = SuffixOrigin::LinkLayerAddress;
    break;
  }
  r.validLifetime = request.validLifetime;
  r.preferredLifetime = request.preferredLifetime;
  r.onLinkPrefixLength = std::uint8_t(length);
  r.skipAsSource = false;
  r.dadState = request.preferredLifetime == 0 ? DadState::Deprecated : DadState::Preferred;
  // Issue 19 part C: DAD, where the scenario enabled it (see sim_kernel.h).
  if (raw.isV6() && request.source == AddressSource::Configured && !request.nodad && l->acceptDad &&
      l->ipv6.dadTransmits > 0 && l->row.adminStatus == AdminStatus::Up) {
    r.dadState = DadState::Tentative;
    entry.dadEnd = t + std::chrono::milliseconds(std::int64_t(l->ipv6.dadTransmits) * l->ipv6.retransmitTime);
  }
  r.permanent = request.validLifetime == kInfiniteLifetime; // IFA_F_PERMANENT
  if (raw.isV4()) {
    // A second address in a subnet the link already has becomes secondary (no own prefix route).
    r.secondary = std::any_of(addresses_.begin(), addresses_.end(), [&](const auto& item) {
      const auto& other = item.second.row;
      return item.first.second == request.interfaceIndex && other.address.isV4() && !other.secondary &&
             other.onLinkPrefixLength == length && subnetOf(other) == subnetOf(r);
    });
    r.broadcast = request.broadcast;
  }
  r.creationTimeStamp = r.lastChange = t;
  const AddressEntry& stored = addresses_[key] = std::move(entry);
  changes_.push(ChangeKind::Add, addressView(stored));
  addAddressRoutes(stored, *l);
  return Result::success();
}

void SimKernel::addAddressRoutes(const AddressEntry& entry, const Link& l) {
  const UnicastAddressRow& a = entry.row;
  const bool up = l.row.adminStatus == AdminStatus::Up;
  const bool loopback = l.kind == LinkKind::Loopback;
  RouteRow local;
  local.interfaceIndex = a.interfaceIndex;
  local.luid = l.row.luid;
  local.nextHop = IpAddress::zero(a.address.family());
  local.type = RouteType::Local;
  local.table = l3mdevTable(a.interfaceIndex, kLocalRouteTable);
  local.metric = 0;
  if (a.address.isV4()) {
    // fib_add_ifaddr(): the local route even on a down link, the prefix route only when up.
    local.destinationPrefix = {a.address, 32};
    local.scope = kScopeHost;
    local.preferredSource = a.address;
    addKernelRoute(local);
    if (!up || a.secondary || a.onLinkPrefixLength >= 32) return;
    RouteRow prefix = local;
    prefix.destinationPrefix = subnetOf(a);
    prefix.type = loopback ? RouteType::Local : RouteType::Unicast;
    prefix.table = l3mdevTable(a.interfaceIndex, loopback ? kLocalRouteTable : kMainRouteTable);
    prefix.scope = loopback ? kScopeHost : kScopeLink;
    addKernelRoute(prefix);
    return;
  }
  // addrconf: routes only while the link is up (adding them on a down link fails ENETDOWN).
  if (!up) return;
  RouteRow prefix = local;
  prefix.destinationPrefix = subnetOf(a);
  prefix.type = RouteType::Unicast;
  prefix.table = l3mdevTable(a.interfaceIndex, kMainRouteTable);
  prefix.metric = 256;
  addKernelRoute(prefix);
  local.destinationPrefix = {a.address.withScope(0), 128};
  addKernelRoute(local);
}

Result SimKernel::setAddressLifetimes(const AddressKey& key, std::uint32_t valid, std::uint32_t preferred) {
  auto it = addresses_.find(key);
  if (it == addresses_.end()) return failure(Status::NotFound, "no such address");
  if (valid == 0) return failure(Status::InvalidParameter, "valid_lft is zero");
  if (preferred > valid) return failure(Status::InvalidParameter, "preferred_lft is greater than valid_lft");
  AddressEntry& entry = it->second;
  entry.lifetimeStart = now();
  entry.row.validLifetime = valid;
  entry.row.preferredLifetime = preferred;
  entry.row.permanent = valid == kInfiniteLifetime;
  // Lifetimes do not end DAD or undo its verdict.
  if (entry.row.dadState != DadState::Tentative && entry.row.dadState != DadState::Duplicate)
    entry.row.dadState = preferred == 0 ? DadState::Deprecated : DadState::Preferred;
  entry.row.lastChange = now();
  changes_.push(ChangeKind::ParameterChange, addressView(entry));
  return Result::success();
}

Result SimKernel::deleteAddress(const AddressKey& key) {
  const auto scoped = scopedFor(key.first, key.second);
  if (!scoped || !addresses_.contains({*scoped, key.second}))
    return failure(Status::NotFound, "no such address");
  removeAddress({*scoped, key.second});
  return Result::success();
}

void SimKernel::removeAddress(const AddressKey& key) {
  auto it = addresses_.find(key);
  if (it == addresses_.end()) return;
  const AddressEntry entry = it->second;
  const UnicastAddressRow& a = entry.row;
  const InterfaceIndex index = a.interfaceIndex;
  const Link* l = link(index);
  const bool loopback = l && l->kind == LinkKind::Loopback;

  if (a.address.isV4() && !a.secondary) {
    // promote_secondaries=0: the primary takes its secondaries with it, and they go first.
    for (const auto& otherKey : addressKeysOn(index, Family::V4)) {
      const auto& other = addresses_.at(otherKey).row;
      if (other.secondary && other.onLinkPrefixLength == a.onLinkPrefixLength &&
          subnetOf(other) == subnetOf(a))
        removeAddress(otherKey);
    }
  }
  addresses_.erase(key);
  changes_.push(ChangeKind::Delete, addressView(entry));

  if (a.address.isV4()) {
    removeKernelRoute(
        {l3mdevTable(index, kLocalRouteTable), {a.address, 32}, 0, IpAddress::zero(Family::V4), index});
    if (!a.secondary)
      removeKernelRoute({l3mdevTable(index, loopback ? kLocalRouteTable : kMainRouteTable), subnetOf(a), 0,
                         IpAddress::zero(Family::V4), index});
    // fib_sync_down_addr(): routes preferring this source die with it.
    std::vector<RouteKey> users;
    for (const auto& [routeKey, route] : routes_)
      if (route.row.preferredSource == a.address) users.push_back(routeKey);
    for (const auto& routeKey : users)
      removeRouteOrGroup(routeKey, true);
    // fib_inetaddr_event(): the link's last IPv4 address gone disables IPv4 routing over it.
    if (addressKeysOn(index, Family::V4).empty()) flushRoutesVia(index, Family::V4, Flush::LinkGone);
    return;
  }
  removeKernelRoute({l3mdevTable(index, kLocalRouteTable),
                     {a.address.withScope(0), 128},
                     0,
                     IpAddress::zero(Family::V6),
                     index});
  const IpPrefix subnet = subnetOf(a);
  const bool shared = std::any_of(addresses_.begin(), addresses_.end(), [&](const auto& item) {
    return item.first.second == index && item.second.row.address.isV6() &&
           item.second.row.onLinkPrefixLength == a.onLinkPrefixLength && subnetOf(item.second.row) == subnet;
  });
  if (!shared)
    removeKernelRoute({l3mdevTable(index, kMainRouteTable), subnet, 256, IpAddress::zero(Family::V6), index});
}

// The end of DAD: duplicate when the veth peer (up) holds the address, else usable.
void SimKernel::finishDad(const AddressKey& key, AddressEntry& entry) {
  entry.dadEnd.reset();
  bool duplicate = false;
  const Link* l = link(key.second);
  if (const Link* peer = l && l->peer ? link(l->peer) : nullptr;
      peer && peer->row.adminStatus == AdminStatus::Up) {
    if (const auto scoped = scopedFor(key.first.withScope(0), peer->row.index))
      duplicate = addresses_.contains({*scoped, peer->row.index});
  }
  if (duplicate) {
    entry.row.dadState = DadState::Duplicate;
  } else {
    const auto preferredEnd = expiry(entry.row.preferredLifetime, entry.lifetimeStart);
    entry.row.dadState = preferredEnd && *preferredEnd <= now() ? DadState::Deprecated : DadState::Preferred;
  }
  entry.row.lastChange = now();
  changes_.push(ChangeKind::ParameterChange, addressView(entry));
}

void SimKernel::expireAddresses() {
  const Timestamp t = now();
  std::vector<AddressKey> expired;
  for (auto& [key, entry] : addresses_) {
    const auto validEnd = expiry(entry.row.validLifetime, entry.lifetimeStart);
    if (validEnd && *validEnd <= t) {
      expired.push_back(key);
      continue;
    }
    if (entry.dadEnd && *entry.dadEnd <= t) finishDad(key, entry);
    const auto preferredEnd = expiry(entry.row.preferredLifetime, entry.lifetimeStart);
    if (preferredEnd && *preferredEnd <= t && entry.row.dadState == DadState::Preferred) {
      entry.row.dadState = DadState::Deprecated;
      entry.row.lastChange = t;
      changes_.push(ChangeKind::ParameterChange, addressView(entry));
    }
  }
  for (const auto& key : expired)
    removeAddress(key);
}

std::optional<Timestamp> SimKernel::nextAddressDeadline() const {
  std::optional<Timestamp> next;
  auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  for (const auto& [key, entry] : addresses_) {
    consider(expiry(entry.row.validLifetime, entry.lifetimeStart));
    consider(entry.dadEnd);
    if (entry.row.dadState == DadState::Preferred)
      consider(expiry(entry.row.preferredLifetime, entry.lifetimeStart));
  }
  return next;
}

} // namespace ipmibd::platform::sim
