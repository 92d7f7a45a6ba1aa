// SimBackend's ResolveIpNetEntry2: a modelled resolution. The request flushes a dynamic entry and
// leaves an incomplete one; the veth peer answers (reachable, its MAC) when it holds the address and
// both ends are up, else the entry fails once the kernel's probes would have run out.
#include "platform/sim/sim_backend.h"

#include <algorithm>

namespace ipmibd::platform::sim {

namespace {

// net.ipv{4,6}.neigh.default.mcast_solicit: probes before an incomplete entry fails.
constexpr int kMulticastSolicit = 3;

bool isUp(const Link& link) { return link.row.operStatus == OperStatus::Up; }

} // namespace

std::optional<PhysicalAddress> SimBackend::answerFor(const NeighborRow& key) const {
  const Link* l = kernel_.link(key.interfaceIndex);
  if (!l || l->kind != LinkKind::Veth || l->peer == 0 || !isUp(*l)) return std::nullopt;
  const Link* peer = kernel_.link(l->peer);
  if (!peer || !isUp(*peer)) return std::nullopt;
  const auto scoped = SimKernel::scopedFor(key.address.withScope(0), peer->row.index);
  if (!scoped || !kernel_.address({*scoped, peer->row.index})) return std::nullopt;
  return peer->row.physicalAddress;
}

Result SimBackend::resolveIpNetEntry2Async(const NeighborRow& input, std::chrono::milliseconds timeout,
                                           ResolveCallback callback, Subscription& subscription) {
  subscription = Subscription();
  if (input.address.isUnspecified()) return Result::failure(Status::InvalidParameter, "no address given");
  if (input.address.isZero() || input.address.isMulticast())
    return Result::failure(Status::InvalidParameter, "not a unicast address: " + input.address.toString());
  if (timeout.count() <= 0) return Result::failure(Status::InvalidParameter, "the timeout must be positive");
  if (input.luid.value == 0 && input.interfaceIndex == 0)
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  const Link* l = kernel_.link(indexOf(input.interfaceIndex, input.luid));
  if (!l) return Result::failure(Status::NotFound, "no such interface");
  if (l->kind == LinkKind::Loopback)
    return Result::failure(Status::NotSupported, "the loopback interface resolves no neighbors");
  const auto scoped = SimKernel::scopedFor(input.address, l->row.index);
  if (!scoped)
    return Result::failure(Status::InvalidParameter, "the address's scope names another interface");

  PendingResolution pending;
  pending.key.address = *scoped;
  pending.key.interfaceIndex = l->row.index;
  pending.key.luid = l->row.luid;
  pending.answer = pending.key;
  pending.callback = std::move(callback);
  const Timestamp t = now();
  pending.deadline = t + timeout;
  pending.nextCheck = t; // the first probe's answer, if any, comes at the next dispatch
  const IpInterfaceRow& ip = scoped->isV4() ? l->ipv4 : l->ipv6;
  pending.backendLimit = t + std::chrono::milliseconds(std::int64_t(ip.retransmitTime) * kMulticastSolicit);

  const AddressKey key{*scoped, l->row.index};
  const NeighborRow* existing = kernel_.neighbor(key);
  if (existing && (existing->state == NeighborState::Permanent || existing->state == NeighborState::NoArp)) {
    pending.outcome = Result::success();
    pending.answer = kernel_.neighborView(*existing);
  } else {
    if (existing) (void)kernel_.deleteNeighbor(key); // flushed and resolved afresh, as IP Helper does
    NeighborRow incomplete = pending.key;
    incomplete.state = NeighborState::Incomplete;
    if (Result r = kernel_.writeNeighbor(incomplete, WriteMode::Create); !r.ok()) return r;
  }
  const auto id = resolutions_.add(std::move(pending));
  subscription = Subscription([this, id] { resolutions_.cancel(id); });
  return Result::success();
}

void SimBackend::runResolutions() {
  const Timestamp t = now();
  for (const auto id : resolutions_.due(t)) {
    PendingResolution* p = resolutions_.find(id);
    if (!p) continue; // cancelled by an earlier callback
    if (!p->outcome) {
      const AddressKey key{p->key.address, p->key.interfaceIndex};
      if (auto mac = answerFor(p->key)) {
        NeighborRow reachable = p->key;
        reachable.physicalAddress = *mac;
        reachable.state = NeighborState::Reachable;
        if (Result r = kernel_.writeNeighbor(reachable, WriteMode::Replace); !r.ok()) {
          p->outcome = r; // the interface went away
        } else {
          p->outcome = Result::success();
          p->answer = kernel_.neighborView(*kernel_.neighbor(key));
        }
      } else if (p->backendLimit <= t && p->backendLimit <= p->deadline) {
        NeighborRow failed = p->key;
        failed.state = NeighborState::Unreachable;
        if (const NeighborRow* entry = kernel_.neighbor(key);
            entry && entry->state == NeighborState::Incomplete)
          (void)kernel_.writeNeighbor(failed, WriteMode::Change);
        p->answer = failed;
        p->outcome =
            Result::failure(Status::NetworkUnreachable,
                            "no answer from " + p->key.address.toString() + ": the kernel marked it failed");
      } else if (p->deadline <= t) {
        p->outcome = Result::failure(Status::NetworkUnreachable,
                                     "no answer from " + p->key.address.toString() + " before the timeout");
      } else {
        // Probes go on: a peer given the address meanwhile still answers.
        p->nextCheck = std::min({t + kResolveCheckInterval, p->backendLimit, p->deadline});
        continue;
      }
    }
    resolutions_.deliver(id);
  }
}

} // namespace ipmibd::platform::sim
