// LinuxBackend's ResolveIpNetEntry2: the old dynamic entry is deleted, RTM_NEWNEIGH with NTF_USE has
// the kernel resolve the address afresh, and the entry is then watched until it is valid (Success)
// or failed (NetworkUnreachable), or the caller's timeout passes, all from dispatch().
#include "platform/linux/linux_backend.h"
#include "platform/linux/rtnl_encode.h"

#include <linux/rtnetlink.h>

#include <array>

namespace ipmibd::platform::linux_backend {

namespace {

constexpr std::uint16_t kSoftwareLoopback = 24; // IANAifType

// States with a link-layer address the kernel confirmed or learned (NUD_VALID), or no need of one.
bool resolved(const NeighborRow& row) {
  switch (row.state) {
  case NeighborState::Reachable:
  case NeighborState::Stale:
  case NeighborState::Delay:
  case NeighborState::Probe:
  case NeighborState::Permanent: return !row.physicalAddress.empty();
  case NeighborState::NoArp: return true;
  case NeighborState::Incomplete:
  case NeighborState::Unreachable: return false;
  }
  return false;
}

} // namespace

Result LinuxBackend::resolveIpNetEntry2Async(const NeighborRow& input, std::chrono::milliseconds timeout,
                                             ResolveCallback callback, Subscription& subscription) {
  subscription = Subscription();
  NeighborRow key;
  key.address = input.address;
  if (key.address.isUnspecified()) return Result::failure(Status::InvalidParameter, "no address given");
  if (key.address.isZero() || key.address.isMulticast())
    return Result::failure(Status::InvalidParameter, "not a unicast address: " + key.address.toString());
  if (timeout.count() <= 0) return Result::failure(Status::InvalidParameter, "the timeout must be positive");
  key.interfaceIndex = input.interfaceIndex;
  if (input.luid.value != 0) {
    if (auto r = convertInterfaceLuidToIndex(input.luid, key.interfaceIndex); !r.ok()) return r;
  } else if (key.interfaceIndex == 0) {
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  }
  InterfaceRow link;
  link.index = key.interfaceIndex;
  if (auto r = getIfEntry2(link); !r.ok())
    return r.status == Status::InvalidParameter ? Result::failure(Status::NotFound, r.message) : r;
  key.luid = link.luid;
  // The kernel makes and keeps no neighbor entry there: nothing would ever answer.
  if (link.type == kSoftwareLoopback)
    return Result::failure(Status::NotSupported, "the loopback interface resolves no neighbors");
  if (key.address.scopeId() != 0 && key.address.scopeId() != key.interfaceIndex)
    return Result::failure(Status::InvalidParameter, "the address's scope names another interface");
  if (key.address.isV6LinkLocal()) key.address = key.address.withScope(key.interfaceIndex);

  PendingResolution pending;
  pending.key = key;
  pending.answer = key;
  pending.callback = std::move(callback);
  const Timestamp now = Clock::now();
  pending.deadline = now + timeout;
  pending.nextCheck = now + kResolveCheckInterval;

  NeighborRow existing = key;
  const Result lookup = getIpNetEntry2(existing);
  if (lookup.ok() && (existing.state == NeighborState::Permanent || existing.state == NeighborState::NoArp)) {
    // A static entry is the answer: nothing to resolve (and nothing the kernel would probe).
    pending.outcome = Result::success();
    pending.answer = existing;
  } else {
    if (!lookup.ok() && lookup.status != Status::NotFound) return lookup;
    std::array<std::uint8_t, 512> buffer{};
    if (lookup.ok()) {
      // IP Helper flushes the entry and resolves afresh: a stale address must not be the answer.
      Result r = requestSocket_->request(encodeDelNeighbor(buffer, 0, key));
      if (!r.ok() && r.status != Status::NotFound) return r;
    }
    if (Result r = requestSocket_->request(encodeResolveNeighbor(buffer, 0, key)); !r.ok()) return r;
  }
  const auto id = resolutions_.add(std::move(pending));
  subscription = Subscription([this, id] { resolutions_.cancel(id); });
  return Result::success();
}

void LinuxBackend::runResolutions() {
  const Timestamp now = Clock::now();
  for (const auto id : resolutions_.due(now)) {
    PendingResolution* p = resolutions_.find(id);
    if (!p) continue; // cancelled by an earlier callback
    if (!p->outcome) {
      NeighborRow row = p->key;
      const Result r = getIpNetEntry2(row);
      if (r.ok()) p->answer = row;
      if (r.ok() && resolved(row)) {
        p->outcome = Result::success();
      } else if (r.ok() && row.state == NeighborState::Unreachable) {
        p->outcome = Result::failure(Status::NetworkUnreachable, "no answer from " + row.address.toString() +
                                                                     ": the kernel marked it failed");
      } else if (p->deadline <= now) {
        p->outcome = Result::failure(Status::NetworkUnreachable,
                                     "no answer from " + p->key.address.toString() + " before the timeout");
      } else {
        p->nextCheck = std::min(now + kResolveCheckInterval, p->deadline);
        continue;
      }
    }
    resolutions_.deliver(id);
  }
}

} // namespace ipmibd::platform::linux_backend
