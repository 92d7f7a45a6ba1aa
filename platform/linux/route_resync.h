// RouteResync: the state of LinuxBackend's route re-dump in progress (the contract is at the top of
// linux_resync.cpp): its dump requests, the entries dumped so far, the merge, and the kernel events
// held back meanwhile.
#pragma once

#include "platform/linux/netlink_socket.h"
#include "platform/linux/route_dump_sorter.h"
#include "platform/linux/route_shadow.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

struct nlmsghdr;

namespace ipmibd::platform::linux_backend {

// Netlink messages copied in arrival order, up to `limit` bytes, and read back in that order.
class HeldEvents {
public:
  explicit HeldEvents(std::size_t limit) : limit_(limit) {}
  // False (nothing kept) when the message would take the buffer past its limit.
  bool push(const nlmsghdr& message);
  bool empty() const { return head_ == bytes_.size(); }
  std::size_t count() const { return count_; } // messages pushed
  const nlmsghdr& front() const;
  void pop();
  void clear(); // drops every message

private:
  std::size_t limit_;
  std::vector<char> bytes_; // whole messages, each padded to NLMSG_ALIGNTO (so each stays aligned)
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

struct RouteResync {
  enum class Phase { Dumping, Merging, Replaying };

  RouteResync(bool full, std::size_t eventLimit) : full(full), events(eventLimit) {}

  bool full; // after an overrun (everything re-dumped; counts in BackendStats::resyncs)
  // The routes' initial load (open()): the shadow is empty and nothing was published, so each
  // dumped route is published as an Add as soon as it is read (loadBatch), every attempt's, and
  // the shadow becomes the union of the attempts' dumps (what was published); the merge publishes
  // nothing. `salvaged`: cut short (events lost, a dump failed), it merges what it published and
  // leaves the rest to a full resync instead of replaying.
  bool initial = false;
  bool salvaged = false;
  Timestamp started{}; // initial: the creation time of the routes it loads
  std::vector<Change<RouteRow>> loadBatch;
  Phase phase = Phase::Dumping;
  // Dumping: one request per exported table and family, in key order, so the kernel sends the
  // routes nearly sorted; `request` is the one in progress.
  std::vector<std::pair<std::uint32_t, Family>> requests;
  std::size_t request = 0;
  NetlinkSocket::DumpState dump;
  bool dumpOpen = false;    // a request is sent and its NLMSG_DONE not read yet
  bool interrupted = false; // some reply of this attempt carried NLM_F_DUMP_INTR
  int attempt = 1;
  std::unique_ptr<RouteDumpSorter> fresh = std::make_unique<RouteDumpSorter>();
  std::vector<RouteRow> decoded; // scratch for one message's rows
  // Merging: the stepwise mark and sweep, and its differences, published when it is adopted.
  std::unique_ptr<RouteShadow::Rebuild> merge;
  std::vector<Change<RouteRow>> changes;
  std::optional<std::map<InterfaceIndex, InterfaceLuid>> dumpedLuids; // links asked for their luids
  Timestamp mergeStarted{};
  // Every event read from the event socket since the dump was requested, replayed after the merge.
  HeldEvents events;
};

} // namespace ipmibd::platform::linux_backend
