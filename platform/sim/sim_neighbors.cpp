// Neighbor (ARP/NDP) entries of the simulated kernel: validation as neigh_add() does it, replace and
// change semantics, flushes; entries change state only when told to (no NUD state machine).
#include "platform/sim/sim_kernel.h"

namespace ipmibd::platform::sim {

namespace {

Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }

// States that need a link-layer address (NUD_VALID); incomplete and failed entries have none yet.
bool needsLinkAddress(NeighborState state) {
  return state != NeighborState::Incomplete && state != NeighborState::Unreachable;
}

bool isDynamic(NeighborState state) {
  return state != NeighborState::Permanent && state != NeighborState::NoArp;
}

} // namespace

const NeighborRow* SimKernel::neighbor(const AddressKey& key) const {
  const auto scoped = scopedFor(key.first, key.second);
  if (!scoped) return nullptr;
  auto it = neighbors_.find({*scoped, key.second});
  return it == neighbors_.end() ? nullptr : &it->second;
}

NeighborRow SimKernel::neighborView(const NeighborRow& row) const {
  NeighborRow view = row;
  const bool confirmed = row.state == NeighborState::Reachable || row.state == NeighborState::Stale ||
                         row.state == NeighborState::Delay || row.state == NeighborState::Probe;
  if (confirmed) {
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now() - row.lastUpdated).count();
    view.reachabilityTime = age <= 0 ? 0 : age > 0xffffffffLL ? 0xffffffffu : std::uint32_t(age);
  }
  return view;
}

Result SimKernel::writeNeighbor(const NeighborRow& wanted, WriteMode mode) {
  const Link* l = link(wanted.interfaceIndex);
  if (!l)
    return failure(Status::NotFound, "no such device (index " + std::to_string(wanted.interfaceIndex) + ")");
  const IpAddress& raw = wanted.address;
  if (raw.isUnspecified()) return failure(Status::InvalidParameter, "address family not set");
  if (raw.isZero() || raw.isMulticast())
    return failure(Status::InvalidParameter, "neighbor address must be unicast and non-zero");
  const auto address = scopedFor(raw, wanted.interfaceIndex);
  if (!address) return failure(Status::InvalidParameter, "scope id does not match the interface");
  const AddressKey key{*address, wanted.interfaceIndex};
  auto it = neighbors_.find(key);
  if (mode == WriteMode::Create && it != neighbors_.end())
    return failure(Status::AlreadyExists, "neighbor entry exists");
  if (mode == WriteMode::Change && it == neighbors_.end())
    return failure(Status::NotFound, "no such neighbor entry");

  PhysicalAddress mac = wanted.physicalAddress;
  if (mac.empty() && it != neighbors_.end()) mac = it->second.physicalAddress; // `ip neigh change ... nud X`
  // Ethernet and loopback links have 6-byte addresses (dev->addr_len).
  if ((needsLinkAddress(wanted.state) || !mac.empty()) && mac.size() != 6)
    return failure(Status::InvalidParameter, "invalid link address: need 6 bytes on " + l->row.name);

  NeighborRow row;
  row.address = *address;
  row.interfaceIndex = wanted.interfaceIndex;
  row.luid = l->row.luid;
  row.physicalAddress = needsLinkAddress(wanted.state) ? mac : PhysicalAddress{};
  row.state = wanted.state;
  row.isRouter = wanted.isRouter;
  row.isUnreachable = wanted.state == NeighborState::Unreachable;
  row.lastUpdated = now();
  if (it != neighbors_.end()) {
    NeighborRow same = row;
    same.lastUpdated = it->second.lastUpdated;
    if (same == it->second) return Result::success(); // neigh_update() notifies only real changes
    it->second = row;
    changes_.push(ChangeKind::ParameterChange, neighborView(row));
    return Result::success();
  }
  neighbors_.emplace(key, row);
  changes_.push(ChangeKind::Add, neighborView(row));
  return Result::success();
}

Result SimKernel::deleteNeighbor(const AddressKey& key) {
  const auto scoped = scopedFor(key.first, key.second);
  auto it = scoped ? neighbors_.find({*scoped, key.second}) : neighbors_.end();
  if (it == neighbors_.end()) return failure(Status::NotFound, "no such neighbor entry");
  const NeighborRow row = it->second;
  neighbors_.erase(it);
  changes_.push(ChangeKind::Delete, neighborView(row));
  return Result::success();
}

Result SimKernel::flushNeighbors(Family family, InterfaceIndex index) {
  if (index != 0 && !link(index))
    return failure(Status::NotFound, "no such device (index " + std::to_string(index) + ")");
  for (auto it = neighbors_.begin(); it != neighbors_.end();) {
    const NeighborRow& row = it->second;
    const bool match = (index == 0 || row.interfaceIndex == index) &&
                       (family == Family::Unspecified || row.address.family() == family) &&
                       isDynamic(row.state);
    if (!match) {
      ++it;
      continue;
    }
    changes_.push(ChangeKind::Delete, neighborView(row));
    it = neighbors_.erase(it);
  }
  return Result::success();
}

void SimKernel::dropNeighborsOf(InterfaceIndex index) {
  // neigh_ifdown() on NETDEV_DOWN drops every entry of the link, permanent ones included.
  for (auto it = neighbors_.begin(); it != neighbors_.end();) {
    if (it->second.interfaceIndex != index) {
      ++it;
      continue;
    }
    changes_.push(ChangeKind::Delete, neighborView(it->second));
    it = neighbors_.erase(it);
  }
}

} // namespace ipmibd::platform::sim
