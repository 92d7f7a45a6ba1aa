// Neighbor resolution shared by the backends: the pending requests' bookkeeping (ResolutionQueue)
// and the blocking resolveIpNetEntry2 over each backend's asynchronous form.
#include "platform/neighbor_resolution.h"

#include "platform/backend.h"

#include <poll.h>

#include <algorithm>
#include <thread>

namespace ipmibd::platform {

std::uint64_t ResolutionQueue::add(PendingResolution pending) {
  const auto id = nextId_++;
  pending_.emplace(id, std::move(pending));
  return id;
}

std::optional<Timestamp> ResolutionQueue::nextDeadline(Timestamp now) const {
  std::optional<Timestamp> next;
  for (const auto& [id, p] : pending_) {
    const Timestamp t = p.outcome ? now : std::min(p.deadline, p.nextCheck);
    if (!next || t < *next) next = t;
  }
  return next;
}

void ResolutionQueue::touch(const IpAddress& address, InterfaceIndex index, Timestamp now) {
  for (auto& [id, p] : pending_)
    if (p.key.interfaceIndex == index && p.key.address.withScope(0) == address.withScope(0))
      p.nextCheck = std::min(p.nextCheck, now);
}

std::vector<std::uint64_t> ResolutionQueue::due(Timestamp now) const {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, p] : pending_)
    if (p.outcome || p.deadline <= now || p.nextCheck <= now) ids.push_back(id);
  return ids;
}

PendingResolution* ResolutionQueue::find(std::uint64_t id) {
  auto it = pending_.find(id);
  return it == pending_.end() ? nullptr : &it->second;
}

void ResolutionQueue::deliver(std::uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end() || !it->second.outcome) return;
  PendingResolution done = std::move(it->second);
  pending_.erase(it);
  if (done.callback) done.callback(*done.outcome, done.answer);
}

Result Backend::resolveIpNetEntry2Async(const NeighborRow&, std::chrono::milliseconds, ResolveCallback,
                                        Subscription& subscription) {
  subscription = Subscription();
  return Result::failure(Status::NotSupported, std::string(name()) + " cannot resolve neighbors");
}

Result Backend::resolveIpNetEntry2(NeighborRow& row, std::chrono::milliseconds timeout) {
  std::optional<Result> outcome;
  NeighborRow answer;
  Subscription subscription;
  Result started = resolveIpNetEntry2Async(
      row, timeout,
      [&](const Result& result, const NeighborRow& resolved) {
        outcome = result;
        answer = resolved;
      },
      subscription);
  if (!started.ok()) return started;
  // A real-time bound of our own, in case the backend's clock does not move (manual sim clock).
  const Timestamp giveUp = Clock::now() + timeout + std::chrono::seconds(1);
  while (!outcome) {
    const Timestamp now = Clock::now();
    if (now >= giveUp)
      return Result::failure(Status::GeneralFailure, "the backend did not finish the resolution in time");
    Timestamp wake = giveUp;
    if (auto next = nextDeadline(); next && *next < wake) wake = *next;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now);
    if (wait.count() > 0) {
      const int fd = eventDescriptor();
      if (fd >= 0) {
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, int(std::min<long long>(wait.count() + 1, 1000)));
      } else {
        std::this_thread::sleep_for(
            std::min(wait + std::chrono::milliseconds(1), std::chrono::milliseconds(1000)));
      }
    }
    dispatch(std::chrono::milliseconds(50));
  }
  if (outcome->ok()) row = answer;
  return *outcome;
}

} // namespace ipmibd::platform
