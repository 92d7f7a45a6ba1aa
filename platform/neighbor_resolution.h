// The pending ResolveIpNetEntry2 requests of one backend: their keys, deadlines and callbacks, so
// that each backend only decides outcomes while this delivers them once, from dispatch().
#pragma once

#include "platform/rows.h"
#include "platform/status.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace ipmibd::platform {

// The outcome of one resolution: the status and, on Success, the neighbor row with its physical
// address (on failure the row as last seen, or the request's key fields).
using ResolveCallback = std::function<void(const Result& result, const NeighborRow& row)>;

// How long the blocking resolveIpNetEntry2 waits by default: longer than the kernel's own attempt
// (net.ipv4.neigh.*.mcast_solicit 3 probes x retrans_time 1 s), so that its verdict normally comes first.
inline constexpr std::chrono::milliseconds kResolveTimeout{5000};

// How often a backend that cannot rely on events alone looks at a pending entry again.
inline constexpr std::chrono::milliseconds kResolveCheckInterval{100};

struct PendingResolution {
  NeighborRow key;               // address (link-local ones scoped) and interfaceIndex
  Timestamp deadline{};          // the caller's timeout: NetworkUnreachable when reached
  Timestamp nextCheck{};         // when the backend looks again (Linux: asks the kernel; sim: its verdict)
  Timestamp backendLimit{};      // the simulator: when its modelled probes run out
  std::optional<Result> outcome; // decided; delivered by the next deliverDue()
  NeighborRow answer;            // the row delivered with outcome
  ResolveCallback callback;
};

class ResolutionQueue {
public:
  // Registers a request; the returned id identifies it for cancel().
  std::uint64_t add(PendingResolution pending);
  void cancel(std::uint64_t id) { pending_.erase(id); }
  bool empty() const { return pending_.empty(); }
  // The earliest time something is due (a decided outcome: now).
  std::optional<Timestamp> nextDeadline(Timestamp now) const;
  // Makes the requests for (address, interface) due now: an event touched their entry.
  void touch(const IpAddress& address, InterfaceIndex index, Timestamp now);
  // Ids of the requests due at `now` (decided, checked or timed out), in id order.
  std::vector<std::uint64_t> due(Timestamp now) const;
  PendingResolution* find(std::uint64_t id);
  // Removes the request and calls its callback with its outcome (a callback may add or cancel
  // requests, its own included).
  void deliver(std::uint64_t id);

private:
  std::uint64_t nextId_ = 1;
  std::map<std::uint64_t, PendingResolution> pending_;
};

} // namespace ipmibd::platform
