// LinuxBackend's initial route load, its repair after an event-socket overrun (resync) and its
// route re-read after a silent route flush (route refresh), the route part in budget-sized steps
// of dispatch().
//
// Contract
// - Why: ENOBUFS on the event socket (events were lost) sets resyncNeeded_: a full resync. A link
//   taken down, or deleted under a multipath route, flushes routes without RTM_DELROUTE and sets
//   routesRefreshNeeded_: a route-only one. open() starts the initial load: a route-only one
//   against the empty shadow. Either way no single dispatch() call runs much longer than its
//   budget, at any table size (before, a resync of 1M routes was one 1.2 s call, and open() with
//   the route tables' attach took ~1.5 s at 1M routes).
// - Start (within one dispatch() call): a full resync first discards the events already queued
//   (they predate what follows), then dumps links, addresses, neighbours, neighbour parameters and
//   IP interfaces synchronously (they are small) and reconciles them, publishing the differences.
//   Both kinds then request the route dump on routeDumpSocket_, one request per exported table and
//   family in key order (the kernel then sends the routes nearly sorted), so the request socket
//   stays free for the reads and writes served meanwhile.
// - Dumping: each dispatch() reads dump datagrams, at least one, until its budget is spent,
//   decoding them into a RouteDumpSorter. Before that it moves whatever the event socket holds into
//   the resync's HeldEvents, in arrival order, applying nothing. Every event is held, not only route
//   events: link events act on routes (a deleted or downed link loses its routes without route
//   events, see handleLinkEvent / removeLinkDependents), so they must meet the route cache after
//   the dump's mark and sweep in the kernel's order; address and neighbour events are held too, so
//   one order holds for everything (their notifications come later by the dump's duration, ~1 s at
//   1M routes).
// - Merging: RouteShadow::Rebuild marks and sweeps the dump against the shadow, kMergeStep entries
//   per clock check. Its differences are kept aside and published only when the result is
//   adopted, so a restart before that has told subscribers nothing. Events are still held.
// - Replaying: the held events are applied in order, as if just read (route events carry the
//   full route, so replaying them on top of the dump gives the kernel's final state; one the dump
//   already reflected at most causes a transient change). The event socket is not read until they
//   are all applied. Then the resync is complete: a full one counts in stats_.resyncs (the
//   IPMIBD-MIB counter) and sets lastResync.
// - Meanwhile: the shadow keeps serving the table as it was until the merge is adopted (then the
//   dump's, then with the held events replayed); cacheIsCurrent() and catchUpRoutes() say not
//   current, so single-row reads and the SET paths ask the kernel, as with queued events. The
//   periodic IP interface refresh waits (it would re-read links past held link events), and so
//   does the shadow's incremental merge (RouteShadow::stepMerge refuses while a Rebuild exists);
//   adopting the Rebuild abandons that merge, whose layers the Rebuild read (route_shadow.h).
// - Restart: ENOBUFS on the event socket while dumping or merging, or held events past
//   LinuxOptions::resyncEventLimit bytes, drop the attempt (the dump socket, busy with its
//   unfinished dump, is reopened) and start a full resync over (stats_.resyncRestarts); ENOBUFS
//   while replaying or later is a new overrun, repaired by a new resync. A dump interrupted by
//   concurrent changes (NLM_F_DUMP_INTR) is requested again, held events kept, up to
//   kMaxRouteDumpAttempts times; the last attempt is taken as is (the held events repair it). A
//   failure (a dump error, a socket that cannot be reopened) retries the full resync a second later.
// - Initial load (RouteResync::initial): the same phases, but each dumped route is also published
//   as an Add right away (Backend::routesLoading() is true meanwhile), in batches of
//   kRouteLoadBatch between two datagrams, so the subscribers' work on them is inside the budget
//   and no copy of the table waits in a queue. The merge then only builds the shadow (its
//   differences are those Adds); routesLoading() turns false when the last dumped route is
//   published, so the held events replayed afterwards reach the subscribers as changes. Since the
//   subscribers already have every route published, the shadow must have them too: a dump
//   interrupted by concurrent changes is requested again without dropping the first attempt's
//   routes (the shadow is the union; a route gone since has its deletion among the held events),
//   and an attempt cut short (events lost, held events past the limit, a dump error) is not
//   dropped but salvaged: the routes published so far are merged into the shadow, the held events
//   discarded, and a full resync follows, which diffs the kernel's table against them and
//   publishes the differences, still under routesLoading() (then it turns false). Its steps count
//   in stats_.loadSteps, not resyncSteps; it is not a resync (stats_.resyncs).
// - Kernel limit (not new, but a stepwise dump spans more time than a one-go dump): when the IPv6
//   tree changes between two datagrams of a dump, fib6_dump_table restarts its walk at the root and
//   skips as many routes as it already sent, without NLM_F_DUMP_INTR. A change behind the walk can
//   then make it send one route twice (harmless: the first copy wins) or, for a deletion, skip one;
//   such a route would stay missing until its next event. IPv4 dumps resume by key and are immune.
#include "platform/linux/linux_backend.h"

#include "platform/linux/netns.h"
#include "platform/linux/route_resync.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace ipmibd::platform::linux_backend {

namespace {

// Stale events thrown away before a resync's dumps (they predate the dumps); the rest, if the
// kernel keeps producing, are held and applied afterwards, which is still consistent.
constexpr std::size_t kResyncDrainLimit = 1'000'000;
// Events moved from the event socket per receive call and per step: enough to keep its queue short.
constexpr std::size_t kHoldBatch = 4096;
constexpr std::size_t kHoldPerStep = 8 * kHoldBatch;
// Entries merged, and held events applied, between two looks at the clock (~0.1-0.5 ms each).
constexpr std::size_t kMergeStep = 2048;
constexpr std::size_t kReplayStep = 64;
constexpr int kMaxRouteDumpAttempts = 5;

// The units of work of one dispatch() call: the first always, so that a zero budget still makes
// progress, then more while the budget lasts.
class Slice {
public:
  explicit Slice(Timestamp deadline) : deadline_(deadline) {}
  bool more() { return std::exchange(first_, false) || Clock::now() < deadline_; }

private:
  Timestamp deadline_;
  bool first_ = true;
};

int familyToAf(Family family) { return family == Family::V4 ? AF_INET : AF_INET6; }

} // namespace

// ---- held events -------------------------------------------------------------------------------

bool HeldEvents::push(const nlmsghdr& message) {
  const std::size_t length = NLMSG_ALIGN(message.nlmsg_len);
  if (bytes_.size() - head_ + length > limit_) return false;
  const std::size_t at = bytes_.size();
  bytes_.resize(at + length);
  std::memcpy(bytes_.data() + at, &message, message.nlmsg_len);
  ++count_;
  return true;
}

const nlmsghdr& HeldEvents::front() const {
  return *reinterpret_cast<const nlmsghdr*>(bytes_.data() + head_);
}

void HeldEvents::clear() {
  bytes_.clear();
  head_ = 0;
}

void HeldEvents::pop() {
  head_ += NLMSG_ALIGN(front().nlmsg_len);
  if (empty()) {
    bytes_.clear();
    head_ = 0;
  }
}

// ---- start -----------------------------------------------------------------------------------------

Result LinuxBackend::beginResync() {
  abandonRouteResync(); // a route refresh in progress is part of what follows
  // Queued events predate the dumps below: reading them first only costs time.
  bool more = true;
  std::size_t discarded = 0;
  while (more && discarded < kResyncDrainLimit) {
    auto r = eventSocket_->receiveEvents([&](const nlmsghdr&) { ++discarded; }, kHoldBatch, more);
    if (!r.ok() && r.status != Status::NoMemory) break;
    if (r.status == Status::NoMemory) more = true;
  }
  if (auto r = reloadAllButRoutes(); !r.ok()) return r;
  resyncNeeded_ = ipInterfacesRefreshNeeded_ = false;
  return beginRouteDump(true);
}

Result LinuxBackend::beginRouteDump(bool full) {
  abandonRouteResync();
  if (!routeDumpSocket_) {
    // Netlink sockets belong to the namespace they are created in.
    NetnsScope scope(options_.netns);
    if (!scope.result().ok()) return scope.result();
    Result error;
    routeDumpSocket_ = NetlinkSocket::open({}, 0, error);
    if (!routeDumpSocket_) return error;
  }
  auto resync = std::make_unique<RouteResync>(full, options_.resyncEventLimit);
  std::vector<std::uint32_t> tables = options_.routeTables;
  std::sort(tables.begin(), tables.end());
  tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
  for (std::uint32_t table : tables)
    for (Family family : {Family::V4, Family::V6})
      resync->requests.emplace_back(table, family);
  if (auto r = requestRouteDump(*resync); !r.ok()) return r;
  routeResync_ = std::move(resync);
  routesRefreshNeeded_ = false; // the dump sees every flush so far
  return Result::success();
}

Result LinuxBackend::beginInitialRouteLoad() {
  if (auto r = beginRouteDump(false); !r.ok()) return r;
  routeResync_->initial = true;
  routeResync_->started = batchNow_; // as before: routes present at open were created then
  routesLoading_ = true;
  return Result::success();
}

Result LinuxBackend::requestRouteDump(RouteResync& resync) {
  const auto [table, family] = resync.requests[resync.request];
  alignas(nlmsghdr) std::array<char, 256> bytes{};
  nlmsghdr* request = mnl_nlmsg_put_header(bytes.data());
  request->nlmsg_type = RTM_GETROUTE;
  request->nlmsg_flags = NLM_F_REQUEST;
  auto* header = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(rtmsg)));
  header->rtm_family = std::uint8_t(familyToAf(family));
  // With strict dump checking the kernel walks only this table.
  mnl_attr_put_u32(request, RTA_TABLE, table);
  if (auto r = routeDumpSocket_->beginDump(request, resync.dump); !r.ok()) return r;
  resync.dumpOpen = true;
  return Result::success();
}

void LinuxBackend::abandonRouteResync() {
  if (!routeResync_) return;
  // The kernel refuses a new dump on a socket whose dump was not read to its end.
  if (routeResync_->dumpOpen) routeDumpSocket_.reset();
  routeResync_.reset();
}

// ---- initial load --------------------------------------------------------------------------------

void LinuxBackend::publishLoadedRoutes(RouteResync& resync) {
  std::vector<Change<RouteRow>>& batch = resync.loadBatch;
  if (batch.empty()) return;
  fillRouteChangeLuids(batch, 0, resync.dumpedLuids);
  // Moved out before publishing, as publishPending() does: a callback may read the backend.
  std::vector<Change<RouteRow>> rows;
  rows.swap(batch);
  const std::span<const Change<RouteRow>> all(rows);
  for (std::size_t at = 0; at < all.size(); at += kRouteLoadBatch)
    publish(all.subspan(at, std::min(kRouteLoadBatch, all.size() - at)));
  rows.clear();
  batch.swap(rows); // its capacity, for the next datagrams
}

void LinuxBackend::salvageInitialLoad(RouteResync& resync) {
  ++stats_.resyncRestarts;
  // The kernel refuses a new dump on a socket whose dump was not read to its end.
  if (resync.dumpOpen) routeDumpSocket_.reset();
  resync.dumpOpen = false;
  resync.salvaged = true;
  resync.events.clear(); // the full resync that follows starts from the kernel's state
  publishLoadedRoutes(resync);
  if (resync.phase == RouteResync::Phase::Dumping) {
    resync.fresh->finish();
    resync.merge = std::make_unique<RouteShadow::Rebuild>(routes_, *resync.fresh, resync.started);
    resync.phase = RouteResync::Phase::Merging;
  }
}

// ---- steps -----------------------------------------------------------------------------------------

bool LinuxBackend::holdEvents(RouteResync& resync) {
  bool more = true, fits = true;
  const std::size_t before = resync.events.count();
  while (more && fits && resync.events.count() - before < kHoldPerStep) {
    const Result r = eventSocket_->receiveEvents(
        [&](const nlmsghdr& m) { fits = fits && resync.events.push(m); }, kHoldBatch, more);
    if (r.status == Status::NoMemory) return false;
    if (!r.ok()) break; // as in dispatch(): another receive error loses nothing
  }
  return fits;
}

Result LinuxBackend::stepRouteResync(Timestamp deadline) {
  RouteResync& resync = *routeResync_;
  ++(resync.initial ? stats_.loadSteps : stats_.resyncSteps);
  Slice slice(deadline);
  if (resync.phase != RouteResync::Phase::Replaying && !resync.salvaged && !holdEvents(resync)) {
    if (resync.initial) {
      salvageInitialLoad(resync);
    } else {
      ++stats_.resyncRestarts;
      abandonRouteResync();
      resyncNeeded_ = true;
      return Result::success();
    }
  }
  // A dump error: a resync retries later; an initial load keeps what it published (see above).
  auto failed = [&](Result r) {
    if (!resync.initial) {
      abandonRouteResync();
      return r;
    }
    salvageInitialLoad(resync);
    return Result::success();
  };

  while (resync.phase == RouteResync::Phase::Dumping && slice.more()) {
    const std::uint32_t table = resync.requests[resync.request].first;
    Result r = routeDumpSocket_->continueDump(
        resync.dump,
        [&](const nlmsghdr& m) {
          resync.decoded.clear();
          if (!decodeRoute(m, resync.decoded)) return;
          for (RouteRow& row : resync.decoded) {
            if (row.table != table) continue; // the kernel filters, unless strict checking is missing
            resync.fresh->add({packKey(row), resync.started, packParams(row)});
            // RA routes' expiries move without a message (refreshRaRoutes); without any, no
            // refresh: its dump walks every IPv6 route (~0.2 s at 200k, in one call).
            if (row.nativeProtocol == RTPROT_RA)
              nextRaRouteRefresh_ = std::min(nextRaRouteRefresh_, Clock::now());
            if (resync.initial) {
              row.created = resync.started;
              resync.loadBatch.push_back({ChangeKind::Add, std::move(row)});
            }
          }
        },
        [&] { return resync.loadBatch.size() >= kRouteLoadBatch || !slice.more(); });
    // Published between datagrams: the subscribers' time on them counts in the budget.
    publishLoadedRoutes(resync);
    if (resync.dump.done) resync.dumpOpen = false;
    // A table that does not exist (yet) in this family is an error to a filtered dump: no routes.
    if (!r.ok() && (r.status != Status::NotFound || !resync.dump.done)) return failed(r);
    if (!resync.dump.done) continue; // a batch published, or out of time (slice.more() says)
    resync.interrupted = resync.interrupted || resync.dump.interrupted;
    if (++resync.request == resync.requests.size()) {
      if (resync.interrupted && resync.attempt < kMaxRouteDumpAttempts) {
        // Concurrent changes may have made the walk skip routes: again, from the start. (The
        // initial load keeps the routes it has published: see above.)
        ++resync.attempt;
        resync.interrupted = false;
        resync.request = 0;
        if (!resync.initial) resync.fresh = std::make_unique<RouteDumpSorter>();
      } else {
        // Every route of the initial load is published: what follows are changes.
        if (resync.initial) routesLoading_ = false;
        resync.fresh->finish();
        resync.mergeStarted = resync.initial ? resync.started : Clock::now();
        resync.merge = std::make_unique<RouteShadow::Rebuild>(routes_, *resync.fresh, resync.mergeStarted);
        resync.phase = RouteResync::Phase::Merging;
        break;
      }
    }
    if (auto sent = requestRouteDump(resync); !sent.ok()) return failed(sent);
  }

  while (resync.phase == RouteResync::Phase::Merging && slice.more()) {
    const std::size_t first = resync.changes.size();
    // The initial load has published its differences (every route an Add) already.
    const bool publishing = hasRouteSubscribers() && !resync.initial;
    const bool done = resync.merge->step(kMergeStep, publishing ? &resync.changes : nullptr);
    fillRouteChangeLuids(resync.changes, first, resync.dumpedLuids);
    if (!done) continue;
    routes_.adopt(*resync.merge);
    resync.merge.reset();
    resync.fresh.reset();
    if (pendingRoutes_.changes.empty())
      pendingRoutes_.changes.swap(resync.changes);
    else
      pendingRoutes_.changes.insert(pendingRoutes_.changes.end(),
                                    std::make_move_iterator(resync.changes.begin()),
                                    std::make_move_iterator(resync.changes.end()));
    resync.changes = {};
    if (resync.salvaged) {
      // The shadow is what the subscribers were told; a full resync repairs the rest.
      routeResync_.reset();
      resyncNeeded_ = true;
      return Result::success();
    }
    if (routesLoading_) {
      // The full resync after a salvaged initial load: its differences complete the load.
      publishPending();
      routesLoading_ = false;
    }
    resync.phase = RouteResync::Phase::Replaying;
  }

  if (resync.phase != RouteResync::Phase::Replaying) return Result::success();
  while (!resync.events.empty() && slice.more()) {
    batchNow_ = Clock::now();
    for (std::size_t i = 0; i < kReplayStep && !resync.events.empty(); ++i) {
      handleEvent(resync.events.front());
      resync.events.pop();
    }
  }
  if (!resync.events.empty()) return Result::success();
  const bool full = resync.full;
  routeResync_.reset();
  if (full) {
    ++stats_.resyncs;
    stats_.lastResync = Clock::now();
  }
  return Result::success();
}

} // namespace ipmibd::platform::linux_backend
