// The read side of LinuxBackend: opening, dumps behind every Get…, GetBestRoute2, statistics and
// settings, and the event loop that keeps the caches (and subscribers) in step with the kernel.
#include "platform/linux/linux_backend.h"

#include "platform/linux/netns.h"
#include "platform/linux/route_resync.h"
#include "platform/linux/sysctl.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ipmibd::platform::linux_backend {

namespace {

using namespace std::chrono_literals;

// Events a single-row read's catch-up applies per receive call.
constexpr std::size_t kEventBatch = 4096;
// Events dispatch() handles between two looks at the clock: ~0.3 ms, up to ~1.3 ms while the route
// shadow merges (each change then also pays a merge step). Small, because a slice is 2 ms while
// SNMP requests wait (agent/common/request_backlog.h): with 512 (~10 ms) one look overran it and
// snmpd answered ~50 requests/s during a route flood (the bench's probe: p99 1.3 s at 10k routes).
// The loop runs until the budget ends, so a long slice handles as many events as before.
constexpr std::size_t kDispatchBatch = 64;
// rtnetlink raises no event for most /proc/sys changes (accept_ra, hop_limit, neighbour times), so
// IP interface rows are re-read this often and differences reported.
constexpr auto kIpInterfaceRefreshInterval = 10s;
// A router advertisement refreshes its default route's expiry and preference in place, without an
// rtnetlink message, so while such routes exist they are re-read (one kernel-filtered dump of the
// IPv6 routes of protocol ra) this often: the remaining lifetime served lags an RA by at most this.
constexpr auto kRaRouteRefreshInterval = 3s;
// Event batches a single-row read applies before answering from the cache; past that, the kernel is
// producing faster than we catch up and the read falls back to a dump.
constexpr int kCatchUpBatches = 16;

// ---- request building ----------------------------------------------------------------------------

// A small aligned buffer for one request.
struct RequestBuffer {
  alignas(nlmsghdr) std::array<char, 1024> bytes{};
  template <class Header> nlmsghdr* start(std::uint16_t type, Header*& header) {
    bytes.fill(0);
    nlmsghdr* m = mnl_nlmsg_put_header(bytes.data());
    m->nlmsg_type = type;
    m->nlmsg_flags = NLM_F_REQUEST;
    header = static_cast<Header*>(mnl_nlmsg_put_extra_header(m, sizeof(Header)));
    return m;
  }
};

int familyToAf(Family family) {
  return family == Family::V4 ? AF_INET : family == Family::V6 ? AF_INET6 : AF_UNSPEC;
}

// ---- per-row-type policies -------------------------------------------------------------------------

InterfaceIndex keyFor(const InterfaceRow& r) { return r.index; }
std::pair<Family, InterfaceIndex> keyFor(const IpInterfaceRow& r) { return {r.family, r.interfaceIndex}; }
std::pair<IpAddress, InterfaceIndex> keyFor(const UnicastAddressRow& r) {
  return {r.address, r.interfaceIndex};
}
std::pair<IpAddress, InterfaceIndex> keyFor(const NeighborRow& r) { return {r.address, r.interfaceIndex}; }

// Sorting a million routes by building RouteKeys per comparison would copy 64 bytes twice per
// comparison; comparing the fields in place is what keeps reconciliation fast.
bool keyLess(const RouteRow& a, const RouteRow& b) { return routeKeyLess(a, b); }
template <class Row> bool keyLess(const Row& a, const Row& b) { return keyFor(a) < keyFor(b); }

std::uint32_t lifetimeClass(std::uint32_t lifetime) { return lifetime == kInfiniteLifetime ? lifetime : 0; }

// "Same row" for change detection: equal apart from timestamps and the values that move by
// themselves (counters, remaining lifetimes, the re-randomized reachable time, neighbour ages).
bool sameRow(InterfaceRow a, InterfaceRow b) {
  for (auto* r : {&a, &b}) {
    r->lastChange = {};
    r->inOctets = r->inUcastPkts = r->inNUcastPkts = r->inDiscards = r->inErrors = r->inUnknownProtos =
        r->inMulticastPkts = 0;
    r->outOctets = r->outUcastPkts = r->outNUcastPkts = r->outDiscards = r->outErrors = 0;
  }
  return a == b;
}
bool sameRow(IpInterfaceRow a, IpInterfaceRow b) {
  a.lastChange = b.lastChange = {};
  a.reachableTime = b.reachableTime = 0;
  return a == b;
}
bool sameRow(UnicastAddressRow a, UnicastAddressRow b) {
  for (auto* r : {&a, &b}) {
    r->creationTimeStamp = r->lastChange = {};
    r->validLifetime = lifetimeClass(r->validLifetime);
    r->preferredLifetime = lifetimeClass(r->preferredLifetime);
  }
  return a == b;
}
bool sameRow(NeighborRow a, NeighborRow b) {
  a.lastUpdated = b.lastUpdated = {};
  a.reachabilityTime = b.reachabilityTime = 0;
  return a == b;
}

// Timestamps of a row first seen now. Rows present when the backend opened have unknown
// (default) change times, as RFC 2863 wants for ifLastChange; routes get the open time as their
// creation, so that Age counts from when the agent learned them.
void stampNew(InterfaceRow& r, Timestamp now, bool initial) { r.lastChange = initial ? Timestamp{} : now; }
void stampNew(IpInterfaceRow& r, Timestamp now, bool initial) { r.lastChange = initial ? Timestamp{} : now; }
void stampNew(UnicastAddressRow&, Timestamp, bool) {} // the kernel's own cstamp/tstamp
void stampNew(NeighborRow&, Timestamp, bool) {}       // decoded from NDA_CACHEINFO

// Timestamps of a row that changed (same key, different content).
void stampChanged(InterfaceRow& r, const InterfaceRow& old, Timestamp now) {
  r.lastChange = r.operStatus != old.operStatus ? now : old.lastChange;
}
void stampChanged(IpInterfaceRow& r, const IpInterfaceRow&, Timestamp now) { r.lastChange = now; }
void stampChanged(UnicastAddressRow&, const UnicastAddressRow&, Timestamp) {}
void stampChanged(NeighborRow&, const NeighborRow&, Timestamp) {}

// Timestamps a freshly dumped row takes over from the cache, so reads agree with what
// subscribers were told.
void adoptStamps(InterfaceRow& r, const InterfaceRow& c, bool) { r.lastChange = c.lastChange; }
void adoptStamps(IpInterfaceRow& r, const IpInterfaceRow& c, bool) { r.lastChange = c.lastChange; }
void adoptStamps(UnicastAddressRow& r, const UnicastAddressRow& c, bool same) {
  if (same) r.creationTimeStamp = c.creationTimeStamp, r.lastChange = c.lastChange;
}
void adoptStamps(NeighborRow& r, const NeighborRow& c, bool same) {
  if (same) r.lastUpdated = c.lastUpdated;
}

template <class Row> void sortAndDedupe(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return keyLess(a, b); });
  // Equal keys can occur (IPv4 routes differing only in TOS, repeated next hops): keep the first.
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [](const Row& a, const Row& b) { return !keyLess(a, b) && !keyLess(b, a); }),
             rows.end());
}

// Mark and sweep as one ordered merge: `fresh` (sorted, unique) becomes the cache content and the
// differences are appended to `changes` (when not null). Unchanged rows keep their cached copy.
template <class Key, class Row>
void reconcileMap(std::map<Key, Row>& cache, std::vector<Row>& fresh, std::vector<Change<Row>>* changes,
                  Timestamp now, bool initial) {
  sortAndDedupe(fresh);
  auto it = cache.begin();
  for (auto& row : fresh) {
    Key key = keyFor(row);
    while (it != cache.end() && it->first < key) {
      if (changes) changes->push_back({ChangeKind::Delete, std::move(it->second)});
      it = cache.erase(it);
    }
    if (it != cache.end() && it->first == key) {
      if (!sameRow(it->second, row)) {
        stampChanged(row, it->second, now);
        it->second = row;
        if (changes) changes->push_back({ChangeKind::ParameterChange, row});
      }
      ++it;
    } else {
      stampNew(row, now, initial);
      if (changes) changes->push_back({ChangeKind::Add, row});
      cache.emplace_hint(it, std::move(key), std::move(row));
    }
  }
  while (it != cache.end()) {
    if (changes) changes->push_back({ChangeKind::Delete, std::move(it->second)});
    it = cache.erase(it);
  }
}

// One event's row: Add, ParameterChange, or nothing when only volatile values moved.
template <class Key, class Row>
void applyRow(std::map<Key, Row>& cache, Row row, std::vector<Change<Row>>* changes, Timestamp now) {
  Key key = keyFor(row);
  auto it = cache.find(key);
  if (it == cache.end()) {
    stampNew(row, now, false);
    if (changes) changes->push_back({ChangeKind::Add, row});
    cache.emplace(std::move(key), std::move(row));
    return;
  }
  if (sameRow(it->second, row)) return;
  stampChanged(row, it->second, now);
  if (changes) changes->push_back({ChangeKind::ParameterChange, row});
  it->second = std::move(row);
}

template <class Key, class Row>
void removeRow(std::map<Key, Row>& cache, const Key& key, std::vector<Change<Row>>* changes) {
  auto it = cache.find(key);
  if (it == cache.end()) return;
  if (changes) changes->push_back({ChangeKind::Delete, std::move(it->second)});
  cache.erase(it);
}

// Fresh rows for a Get… call take the cached timestamps of the rows the cache knows.
template <class Key, class Row>
void adoptCachedStamps(std::vector<Row>& rows, const std::map<Key, Row>& cache, Timestamp now) {
  for (auto& row : rows) {
    auto it = cache.find(keyFor(row));
    if (it != cache.end())
      adoptStamps(row, it->second, sameRow(it->second, row));
    else
      stampNew(row, now, false);
  }
}

// The same for routes: a lookup per row for a few, one ordered merge for a million.
void adoptCachedRouteStamps(std::vector<RouteRow>& rows, RouteShadow& cache, Timestamp now) {
  sortAndDedupe(rows);
  if (rows.size() < 64) {
    for (auto& row : rows) {
      const auto known = cache.find(packKey(row));
      row.created = known ? known->created : now;
    }
    return;
  }
  std::size_t i = 0;
  PackedRouteKey key = packKey(rows[0]);
  auto stamp = [&](Timestamp created) {
    rows[i].created = created;
    if (++i < rows.size()) key = packKey(rows[i]);
  };
  cache.forEach([&](const RouteShadowEntry& e) {
    while (i < rows.size() && key < e.key)
      stamp(now);
    if (i < rows.size() && key == e.key) stamp(e.created);
  });
  while (i < rows.size())
    stamp(now);
}

PhysicalAddress identifierOf(const IpAddress& linkLocal) {
  return PhysicalAddress(linkLocal.data() + 8, linkLocal.data() + 16);
}

} // namespace

// ---- construction ---------------------------------------------------------------------------------

struct LinuxBackend::Snapshot {
  std::vector<InterfaceRow> links;
  std::vector<IpInterfaceRow> ipInterfaces;
  std::vector<NeighborParms> parms;
  std::vector<UnicastAddressRow> addresses;
  std::vector<NeighborRow> neighbors;
};

struct LinuxBackend::IpInterfaceContext {
  std::map<std::pair<Family, InterfaceIndex>, NeighborParms> parms;
  std::map<InterfaceIndex, PhysicalAddress> linkLocalIdentifiers;
};

LinuxBackend::LinuxBackend(LinuxOptions options) : options_(std::move(options)) {}
LinuxBackend::~LinuxBackend() { closeAnycastSocket(); } // leaves our anycast joins (linux_groups.cpp)

std::unique_ptr<LinuxBackend> LinuxBackend::open(LinuxOptions options, Result& error) {
  std::unique_ptr<LinuxBackend> backend(new LinuxBackend(std::move(options)));
  {
    // Netlink sockets belong to the namespace they were created in; the scope only has to cover
    // their creation.
    NetnsScope scope(backend->options_.netns);
    if (!scope.result().ok()) {
      error = scope.result();
      return nullptr;
    }
    static constexpr std::array<unsigned, 9> groups{
        RTNLGRP_LINK,  RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,  RTNLGRP_IPV4_ROUTE,  RTNLGRP_IPV6_ROUTE,
        RTNLGRP_NEIGH, RTNLGRP_IPV6_IFINFO, RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF};
    // Subscribe before the initial dump: a change made meanwhile is then queued, not lost.
    backend->eventSocket_ = NetlinkSocket::open(groups, backend->options_.eventReceiveBuffer, error);
    if (!backend->eventSocket_) return nullptr;
    backend->requestSocket_ = NetlinkSocket::open({}, 0, error);
    if (!backend->requestSocket_) return nullptr;
    backend->routeDumpSocket_ = NetlinkSocket::open({}, 0, error);
    if (!backend->routeDumpSocket_) return nullptr;
  }
  Snapshot snapshot;
  if (auto r = backend->loadSnapshot(snapshot); !r.ok()) {
    error = r;
    return nullptr;
  }
  backend->batchNow_ = Clock::now();
  backend->reconcileAllButRoutes(snapshot, true);
  backend->nextIpInterfaceRefresh_ = backend->batchNow_ + kIpInterfaceRefreshInterval;
  // The routes, O(routes), are left to dispatch() (linux_resync.cpp): open() stays O(links,
  // addresses, neighbours), whatever the size of the route table.
  if (auto r = backend->beginInitialRouteLoad(); !r.ok()) {
    error = r;
    return nullptr;
  }
  error = Result::success();
  return backend;
}

int LinuxBackend::eventDescriptor() const { return eventSocket_ ? eventSocket_->fd() : -1; }

std::optional<Timestamp> LinuxBackend::nextDeadline() const {
  // Changes a single-row read applied early (catchUpRoutes) are published by the next dispatch(),
  // which also advances the route shadow's merge.
  if (routeResync_ || ipInterfacesRefreshNeeded_ || routesRefreshNeeded_ || hasPendingChanges() ||
      routes_.merging())
    return Clock::now();
  Timestamp next = std::min(nextIpInterfaceRefresh_, nextRaRouteRefresh_);
  if (auto resolution = resolutions_.nextDeadline(Clock::now()); resolution && *resolution < next)
    next = *resolution;
  return next;
}

bool LinuxBackend::exportsTable(std::uint32_t table) const {
  return std::find(options_.routeTables.begin(), options_.routeTables.end(), table) !=
         options_.routeTables.end();
}

bool LinuxBackend::cacheIsCurrent() const {
  if (resyncNeeded_ || routeResync_ || routesRefreshNeeded_ || ipInterfacesRefreshNeeded_) return false;
  pollfd fd{eventDescriptor(), POLLIN, 0};
  // Anything readable (or an overrun error) means the cache may lag behind the kernel.
  return ::poll(&fd, 1, 0) == 0;
}

bool LinuxBackend::hasPendingChanges() const {
  return !pendingLinks_.changes.empty() || !pendingIpInterfaces_.changes.empty() ||
         !pendingAddresses_.changes.empty() || !pendingNeighbors_.changes.empty() ||
         !pendingRoutes_.changes.empty();
}

bool LinuxBackend::catchUpRoutes() {
  // During a resync the events are held for after its route dump: reading them here would
  // reorder them.
  if (!eventSocket_ || routeResync_) return false;
  bool more = true;
  for (int batch = 0; more && batch < kCatchUpBatches && !resyncNeeded_ && !routesRefreshNeeded_; ++batch) {
    batchNow_ = Clock::now();
    const Result r =
        eventSocket_->receiveEvents([this](const nlmsghdr& m) { handleEvent(m); }, kEventBatch, more);
    if (r.status == Status::NoMemory) resyncNeeded_ = true; // dispatch() repairs it
    if (!r.ok()) return false;
  }
  if (more || resyncNeeded_ || routesRefreshNeeded_) return false;
  pollfd fd{eventDescriptor(), POLLIN, 0};
  return ::poll(&fd, 1, 0) == 0;
}

template <class Visit>
void LinuxBackend::forEachCachedRouteCovering(const IpAddress& address, Visit visit) const {
  // One ordered-map probe per (table, prefix length): O(tables x address bits x log n).
  const IpAddress unscoped = address.withScope(0);
  const unsigned bits = unsigned(address.size()) * 8;
  // Tables in key order, so rows come in the order a walk of routes_ would meet them per table.
  std::vector<std::uint32_t> tables = options_.routeTables;
  std::sort(tables.begin(), tables.end());
  for (std::uint32_t table : tables)
    for (unsigned length = 0; length <= bits; ++length) {
      const IpPrefix prefix{unscoped.masked(length), std::uint8_t(length)};
      routes_.forEachOf(table, prefix, std::nullopt,
                        [&](const PackedRouteKey& key, const RouteShadow::Value& value) {
                          RouteRow row = rowOf(key, value.params);
                          row.luid = luidOf(row.interfaceIndex);
                          row.created = value.created;
                          visit(std::move(row));
                        });
    }
}

InterfaceLuid LinuxBackend::luidOf(InterfaceIndex index) const {
  auto it = links_.find(index);
  return it != links_.end() ? it->second.luid : InterfaceLuid{};
}

template <class Row> void LinuxBackend::fillLuids(std::vector<Row>& rows) {
  bool missing = false;
  for (auto& row : rows) {
    if (row.interfaceIndex == 0) continue;
    row.luid = luidOf(row.interfaceIndex);
    missing = missing || row.luid.value == 0;
  }
  if (!missing) return;
  // A link the cache has not heard of yet (its event is still queued): ask the kernel.
  std::vector<InterfaceRow> links;
  if (!dumpLinks(&links, nullptr).ok()) return;
  std::map<InterfaceIndex, InterfaceLuid> luids;
  for (const auto& link : links)
    luids[link.index] = link.luid;
  for (auto& row : rows)
    if (row.interfaceIndex != 0 && row.luid.value == 0)
      if (auto it = luids.find(row.interfaceIndex); it != luids.end()) row.luid = it->second;
}

// ---- dumps --------------------------------------------------------------------------------------------

Result LinuxBackend::dumpLinks(std::vector<InterfaceRow>* links, std::vector<IpInterfaceRow>* ipInterfaces) {
  RequestBuffer buffer;
  ifinfomsg* header;
  nlmsghdr* request = buffer.start(RTM_GETLINK, header);
  header->ifi_family = AF_UNSPEC;
  auto clear = [&] {
    if (links) links->clear();
    if (ipInterfaces) ipInterfaces->clear();
  };
  clear();
  return requestSocket_->dump(
      request,
      [&](const nlmsghdr& m) {
        if (links)
          if (auto row = decodeLink(m)) links->push_back(std::move(*row));
        if (ipInterfaces) decodeIpInterfaces(m, *ipInterfaces);
      },
      clear);
}

Result LinuxBackend::dumpNeighborParms(std::vector<NeighborParms>& out) {
  RequestBuffer buffer;
  ndtmsg* header;
  nlmsghdr* request = buffer.start(RTM_GETNEIGHTBL, header);
  header->ndtm_family = AF_UNSPEC;
  out.clear();
  return requestSocket_->dump(
      request,
      [&](const nlmsghdr& m) {
        if (auto p = decodeNeighborParms(m); p && p->interfaceIndex != 0) out.push_back(*p);
      },
      [&] { out.clear(); });
}

Result LinuxBackend::dumpAddresses(Family family, InterfaceIndex index, std::vector<UnicastAddressRow>& out) {
  RequestBuffer buffer;
  ifaddrmsg* header;
  nlmsghdr* request = buffer.start(RTM_GETADDR, header);
  header->ifa_family = std::uint8_t(familyToAf(family));
  header->ifa_index = index; // a kernel-side filter with strict checking
  out.clear();
  const Timestamp now = Clock::now();
  return requestSocket_->dump(
      request,
      [&](const nlmsghdr& m) {
        auto row = decodeAddress(m, now);
        if (row && (index == 0 || row->interfaceIndex == index)) out.push_back(std::move(*row));
      },
      [&] { out.clear(); });
}

Result LinuxBackend::dumpNeighbors(Family family, InterfaceIndex index, std::vector<NeighborRow>& out) {
  RequestBuffer buffer;
  ndmsg* header;
  nlmsghdr* request = buffer.start(RTM_GETNEIGH, header);
  header->ndm_family = std::uint8_t(familyToAf(family));
  if (index != 0) mnl_attr_put_u32(request, NDA_IFINDEX, index);
  out.clear();
  const Timestamp now = Clock::now();
  return requestSocket_->dump(
      request,
      [&](const nlmsghdr& m) {
        auto row = decodeNeighbor(m, now);
        if (row && (index == 0 || row->interfaceIndex == index)) out.push_back(std::move(*row));
      },
      [&] { out.clear(); });
}

Result LinuxBackend::dumpRoutes(Family family, std::uint32_t table, InterfaceIndex oif,
                                std::vector<RouteRow>& out, std::uint8_t protocol) {
  if (family == Family::Unspecified) {
    out.clear();
    std::vector<RouteRow> v6;
    if (auto r = dumpRoutes(Family::V4, table, oif, out, protocol); !r.ok()) return r;
    if (auto r = dumpRoutes(Family::V6, table, oif, v6, protocol); !r.ok()) return r;
    out.insert(out.end(), std::make_move_iterator(v6.begin()), std::make_move_iterator(v6.end()));
    return Result::success();
  }
  // With one table to look at, the kernel filters (strict dump checking): a main table of a
  // million routes is not walked for a table of ten.
  if (table == 0 && options_.routeTables.size() == 1) table = options_.routeTables.front();
  RequestBuffer buffer;
  rtmsg* header;
  nlmsghdr* request = buffer.start(RTM_GETROUTE, header);
  header->rtm_family = std::uint8_t(familyToAf(family));
  header->rtm_protocol = protocol;
  if (table != 0) mnl_attr_put_u32(request, RTA_TABLE, table);
  if (oif != 0) mnl_attr_put_u32(request, RTA_OIF, oif);
  out.clear();
  const std::size_t reserve = routes_.size() + 1024;
  if (out.capacity() < reserve) out.reserve(reserve);
  auto r = requestSocket_->dump(
      request,
      [&](const nlmsghdr& m) {
        const std::size_t before = out.size();
        if (!decodeRoute(m, out) || out.size() == before) return;
        const std::uint32_t t = out[before].table;
        if ((table != 0 && t != table) || !exportsTable(t) ||
            (protocol != 0 && out[before].nativeProtocol != protocol))
          out.resize(before);
      },
      [&] { out.clear(); });
  // A filtered per-family dump of a table that does not exist (yet) is an error to the kernel.
  if (!r.ok() && r.status == Status::NotFound && table != 0) return Result::success();
  return r;
}

Result LinuxBackend::loadIpInterfaces(std::vector<InterfaceRow>& links,
                                      std::vector<IpInterfaceRow>& ipInterfaces) {
  if (auto r = dumpLinks(&links, &ipInterfaces); !r.ok()) return r;
  std::vector<NeighborParms> parms;
  if (auto r = dumpNeighborParms(parms); !r.ok()) return r;
  std::vector<UnicastAddressRow> addresses;
  if (auto r = dumpAddresses(Family::V6, 0, addresses); !r.ok()) return r;
  IpInterfaceContext context;
  for (const auto& p : parms)
    context.parms[{p.family, p.interfaceIndex}] = p;
  for (const auto& a : addresses)
    if (a.address.isV6LinkLocal())
      context.linkLocalIdentifiers.emplace(a.interfaceIndex, identifierOf(a.address));
  for (auto& row : ipInterfaces)
    completeIpInterface(row, context);
  return Result::success();
}

Result LinuxBackend::loadSnapshot(Snapshot& s) {
  if (auto r = dumpLinks(&s.links, &s.ipInterfaces); !r.ok()) return r;
  if (auto r = dumpNeighborParms(s.parms); !r.ok()) return r;
  if (auto r = dumpAddresses(Family::Unspecified, 0, s.addresses); !r.ok()) return r;
  return dumpNeighbors(Family::Unspecified, 0, s.neighbors);
}

// IPv4 keeps its reachable/retransmit times only in the ARP table's per-device parameters, and IPv6
// its base reachable time only in the ND table's; one RTM_GETNEIGHTBL dump brings both (cheaper and
// namespace-safe compared to reading /proc/sys/net/ipv4/neigh/IF/* per interface).
void LinuxBackend::completeIpInterface(IpInterfaceRow& row, const IpInterfaceContext& context) const {
  if (auto it = context.parms.find({row.family, row.interfaceIndex}); it != context.parms.end()) {
    const NeighborParms& p = it->second;
    row.baseReachableTime = p.baseReachableTime;
    if (row.family == Family::V4 || row.reachableTime == 0) row.reachableTime = p.reachableTime;
    if (row.family == Family::V4 || row.retransmitTime == 0) row.retransmitTime = p.retransmitTime;
  }
  // Without a token or EUI-64 (stable-privacy or random generation, links without a MAC) the
  // link-local address shows the identifier in use.
  if (row.family == Family::V6 && row.interfaceIdentifier.empty())
    if (auto it = context.linkLocalIdentifiers.find(row.interfaceIndex);
        it != context.linkLocalIdentifiers.end())
      row.interfaceIdentifier = it->second;
}

// ---- reconciliation ----------------------------------------------------------------------------------

void LinuxBackend::reconcileLinks(std::vector<InterfaceRow>& fresh, bool initial) {
  reconcileMap(links_, fresh, hasInterfaceSubscribers() ? &pendingLinks_.changes : nullptr, batchNow_,
               initial);
}
void LinuxBackend::reconcileIpInterfaces(std::vector<IpInterfaceRow>& fresh, bool initial) {
  decodedIdentifiers_.clear();
  reconcileMap(ipInterfaces_, fresh, hasIpInterfaceSubscribers() ? &pendingIpInterfaces_.changes : nullptr,
               batchNow_, initial);
}
void LinuxBackend::reconcileAddresses(std::vector<UnicastAddressRow>& fresh) {
  fillLuids(fresh);
  reconcileMap(addresses_, fresh, hasAddressSubscribers() ? &pendingAddresses_.changes : nullptr, batchNow_,
               false);
}
void LinuxBackend::reconcileNeighbors(std::vector<NeighborRow>& fresh) {
  fillLuids(fresh);
  reconcileMap(neighbors_, fresh, hasNeighborSubscribers() ? &pendingNeighbors_.changes : nullptr, batchNow_,
               false);
}
void LinuxBackend::fillRouteChangeLuids(std::vector<Change<RouteRow>>& changes, std::size_t first,
                                        std::optional<std::map<InterfaceIndex, InterfaceLuid>>& dumped) {
  for (auto c = changes.begin() + std::ptrdiff_t(first); c != changes.end(); ++c) {
    RouteRow& row = c->row;
    if (row.interfaceIndex == 0) continue;
    row.luid = luidOf(row.interfaceIndex);
    // A deleted route's link may be gone too; an added one's link event may still be queued.
    if (row.luid.value != 0 || c->kind == ChangeKind::Delete) continue;
    if (!dumped) {
      dumped.emplace();
      std::vector<InterfaceRow> links;
      if (dumpLinks(&links, nullptr).ok())
        for (const auto& link : links)
          (*dumped)[link.index] = link.luid;
    }
    if (auto it = dumped->find(row.interfaceIndex); it != dumped->end()) row.luid = it->second;
  }
}

Result LinuxBackend::reloadAllButRoutes() {
  Snapshot snapshot;
  if (auto r = loadSnapshot(snapshot); !r.ok()) return r;
  batchNow_ = Clock::now();
  reconcileAllButRoutes(snapshot, false);
  return Result::success();
}

void LinuxBackend::reconcileAllButRoutes(Snapshot& s, bool initial) {
  neighborParms_.clear();
  for (const auto& p : s.parms)
    neighborParms_[{p.family, p.interfaceIndex}] = p;
  reconcileLinks(s.links, initial);
  reconcileAddresses(s.addresses);
  IpInterfaceContext context;
  context.parms = neighborParms_;
  for (const auto& a : s.addresses)
    if (a.address.isV6LinkLocal())
      context.linkLocalIdentifiers.emplace(a.interfaceIndex, identifierOf(a.address));
  std::map<InterfaceIndex, PhysicalAddress> decoded;
  for (auto& row : s.ipInterfaces) {
    if (row.family == Family::V6) decoded[row.interfaceIndex] = row.interfaceIdentifier;
    completeIpInterface(row, context);
  }
  reconcileIpInterfaces(s.ipInterfaces, initial);
  decodedIdentifiers_ = std::move(decoded);
  reconcileNeighbors(s.neighbors);
}

Result LinuxBackend::refreshIpInterfaces() {
  std::vector<InterfaceRow> links;
  std::vector<IpInterfaceRow> ipInterfaces;
  std::vector<NeighborParms> parms;
  if (auto r = dumpLinks(&links, &ipInterfaces); !r.ok()) return r;
  if (auto r = dumpNeighborParms(parms); !r.ok()) return r;
  neighborParms_.clear();
  for (const auto& p : parms)
    neighborParms_[{p.family, p.interfaceIndex}] = p;
  reconcileLinks(links, false);
  IpInterfaceContext context;
  context.parms = neighborParms_;
  for (const auto& [key, a] : addresses_)
    if (a.address.isV6LinkLocal())
      context.linkLocalIdentifiers.emplace(a.interfaceIndex, identifierOf(a.address));
  std::map<InterfaceIndex, PhysicalAddress> decoded;
  for (auto& row : ipInterfaces) {
    if (row.family == Family::V6) decoded[row.interfaceIndex] = row.interfaceIdentifier;
    completeIpInterface(row, context);
  }
  reconcileIpInterfaces(ipInterfaces, false);
  decodedIdentifiers_ = std::move(decoded);
  ipInterfacesRefreshNeeded_ = false;
  return Result::success();
}

// ---- events --------------------------------------------------------------------------------------------

void LinuxBackend::handleEvent(const nlmsghdr& m) {
  switch (m.nlmsg_type) {
  case RTM_NEWLINK:
  case RTM_DELLINK: handleLinkEvent(m); break;
  case RTM_NEWADDR:
  case RTM_DELADDR: {
    auto row = decodeAddress(m, batchNow_);
    if (!row) break;
    row->luid = luidOf(row->interfaceIndex);
    const bool linkLocal = row->address.isV6LinkLocal();
    const InterfaceIndex index = row->interfaceIndex;
    auto* changes = hasAddressSubscribers() ? &pendingAddresses_.changes : nullptr;
    if (m.nlmsg_type == RTM_NEWADDR)
      applyRow(addresses_, std::move(*row), changes, batchNow_);
    else
      removeRow(addresses_, keyFor(*row), changes);
    if (linkLocal) updateLinkLocalIdentifier(index);
    break;
  }
  case RTM_NEWNEIGH:
  case RTM_DELNEIGH: {
    auto row = decodeNeighbor(m, batchNow_);
    if (!row) break;
    row->luid = luidOf(row->interfaceIndex);
    if (!resolutions_.empty()) resolutions_.touch(row->address, row->interfaceIndex, batchNow_);
    auto* changes = hasNeighborSubscribers() ? &pendingNeighbors_.changes : nullptr;
    if (m.nlmsg_type == RTM_NEWNEIGH)
      applyRow(neighbors_, std::move(*row), changes, batchNow_);
    else
      removeRow(neighbors_, keyFor(*row), changes);
    break;
  }
  case RTM_NEWROUTE:
  case RTM_DELROUTE: handleRouteEvent(m); break;
  case RTM_NEWNETCONF:
  case RTM_DELNETCONF:
    // Forwarding and friends changed; the link dump carries every devconf value.
    ipInterfacesRefreshNeeded_ = true;
    break;
  default: break;
  }
}

void LinuxBackend::handleLinkEvent(const nlmsghdr& m) {
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return;
  ifinfomsg header;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.ifi_index <= 0) return;
  const auto index = InterfaceIndex(header.ifi_index);
  auto* ipChanges = hasIpInterfaceSubscribers() ? &pendingIpInterfaces_.changes : nullptr;
  std::vector<IpInterfaceRow> rows;

  if (header.ifi_family == AF_INET6) {
    // RTNLGRP_IPV6_IFINFO: IPv6 settings only (RA flags, token, ...).
    decodeIpInterfaces(m, rows);
  } else if (header.ifi_family == AF_UNSPEC) {
    if (m.nlmsg_type == RTM_DELLINK) {
      removeRow(links_, index, hasInterfaceSubscribers() ? &pendingLinks_.changes : nullptr);
      removeLinkDependents(index);
      return;
    }
    auto link = decodeLink(m);
    if (!link) return;
    auto old = links_.find(index);
    // Taking a link down flushes its routes without RTM_DELROUTE (IPv4 and IPv6 alike).
    if (old != links_.end() && old->second.adminStatus == AdminStatus::Up &&
        link->adminStatus == AdminStatus::Down)
      routesRefreshNeeded_ = true;
    // Per-family values follow the link in netdev notifiers that may run after this message was
    // built (IPv6 mtu6 after an MTU change, connectivity after a state change): re-read them.
    if (old != links_.end() &&
        (old->second.mtu != link->mtu || old->second.adminStatus != link->adminStatus ||
         old->second.operStatus != link->operStatus))
      ipInterfacesRefreshNeeded_ = true;
    applyRow(links_, std::move(*link), hasInterfaceSubscribers() ? &pendingLinks_.changes : nullptr,
             batchNow_);
    decodeIpInterfaces(m, rows);
    // The families a full link message carries are all the link has (IPv6 goes away below 1280 MTU).
    for (Family family : {Family::V4, Family::V6})
      if (std::none_of(rows.begin(), rows.end(), [&](const IpInterfaceRow& r) { return r.family == family; }))
        removeRow(ipInterfaces_, std::pair{family, index}, ipChanges);
  } else {
    return; // AF_BRIDGE port events and the like
  }

  IpInterfaceContext context;
  for (Family family : {Family::V4, Family::V6})
    if (auto it = neighborParms_.find({family, index}); it != neighborParms_.end()) context.parms.insert(*it);
  for (const auto& [key, a] : addresses_)
    if (a.interfaceIndex == index && a.address.isV6LinkLocal()) {
      context.linkLocalIdentifiers.emplace(index, identifierOf(a.address));
      break;
    }
  for (auto& row : rows) {
    if (row.family == Family::V6) decodedIdentifiers_[index] = row.interfaceIdentifier;
    completeIpInterface(row, context);
    applyRow(ipInterfaces_, std::move(row), ipChanges, batchNow_);
  }
}

void LinuxBackend::updateLinkLocalIdentifier(InterfaceIndex index) {
  auto row = ipInterfaces_.find({Family::V6, index});
  if (row == ipInterfaces_.end()) return;
  PhysicalAddress identifier;
  if (auto d = decodedIdentifiers_.find(index); d != decodedIdentifiers_.end()) identifier = d->second;
  if (identifier.empty())
    for (const auto& [key, a] : addresses_)
      if (a.interfaceIndex == index && a.address.isV6LinkLocal()) {
        identifier = identifierOf(a.address);
        break;
      }
  if (identifier == row->second.interfaceIdentifier) return;
  IpInterfaceRow changed = row->second;
  changed.interfaceIdentifier = identifier;
  applyRow(ipInterfaces_, std::move(changed),
           hasIpInterfaceSubscribers() ? &pendingIpInterfaces_.changes : nullptr, batchNow_);
}

// The kernel removes a deleted link's addresses, neighbours and routes; it reports the addresses and
// neighbours, but IPv4 and IPv6 both flush routes silently. Everything still cached for the link is
// reported deleted here.
void LinuxBackend::removeLinkDependents(InterfaceIndex index) {
  for (Family family : {Family::V4, Family::V6}) {
    removeRow(ipInterfaces_, std::pair{family, index},
              hasIpInterfaceSubscribers() ? &pendingIpInterfaces_.changes : nullptr);
    neighborParms_.erase({family, index});
  }
  decodedIdentifiers_.erase(index);
  auto sweep = [index](auto& cache, auto* changes) {
    for (auto it = cache.begin(); it != cache.end();) {
      if (it->second.interfaceIndex == index) {
        if (changes) changes->push_back({ChangeKind::Delete, std::move(it->second)});
        it = cache.erase(it);
      } else {
        ++it;
      }
    }
  };
  sweep(addresses_, hasAddressSubscribers() ? &pendingAddresses_.changes : nullptr);
  sweep(neighbors_, hasNeighborSubscribers() ? &pendingNeighbors_.changes : nullptr);
  auto* routeChanges = hasRouteSubscribers() ? &pendingRoutes_.changes : nullptr;
  auto sameRoute = [](const PackedRouteKey& a, const PackedRouteKey& b) {
    return a.table == b.table && a.family == b.family && a.destination == b.destination &&
           a.destinationScope == b.destinationScope && a.prefixLength == b.prefixLength &&
           a.metric == b.metric;
  };
  bool any = false;
  PackedRouteKey previous;
  bool havePrevious = false, previousOnLink = false;
  routes_.forEach([&](const RouteShadowEntry& e) {
    const bool onLink = e.key.interfaceIndex == index;
    // A multipath route with a leg on this link may vanish entirely (IPv4) or lose that leg
    // (IPv6); only a re-dump tells which.
    if (havePrevious && (onLink || previousOnLink) && sameRoute(previous, e.key)) routesRefreshNeeded_ = true;
    previous = e.key;
    havePrevious = true;
    previousOnLink = onLink;
    if (!onLink) return;
    any = true;
    if (routeChanges) {
      RouteRow row = rowOf(e.key, e.params);
      row.luid = luidOf(index);
      row.created = e.created;
      routeChanges->push_back({ChangeKind::Delete, std::move(row)});
    }
  });
  if (any) routes_.eraseIf([index](const RouteShadowEntry& e) { return e.key.interfaceIndex == index; });
}

void LinuxBackend::handleRouteEvent(const nlmsghdr& m) {
  decodeScratch_.clear();
  if (!decodeRoute(m, decodeScratch_)) return;
  std::erase_if(decodeScratch_, [this](const RouteRow& r) { return !exportsTable(r.table); });
  if (decodeScratch_.empty()) return;
  for (auto& row : decodeScratch_)
    row.luid = luidOf(row.interfaceIndex);
  auto* changes = hasRouteSubscribers() ? &pendingRoutes_.changes : nullptr;
  if (m.nlmsg_type == RTM_DELROUTE) {
    // The kernel's message carries the whole deleted route: published as is, with its known age.
    for (auto& row : decodeScratch_)
      if (auto known = routes_.erase(packKey(row)); known && changes) {
        row.created = known->created;
        changes->push_back({ChangeKind::Delete, std::move(row)});
      }
    return;
  }
  if (m.nlmsg_flags & NLM_F_REPLACE) {
    // A replaced route's next hops that the new one lacks are gone without a delete message.
    const RouteRow& first = decodeScratch_.front();
    for (const auto& key : routes_.keysOf(first.table, first.destinationPrefix, first.metric)) {
      const bool kept = std::any_of(decodeScratch_.begin(), decodeScratch_.end(),
                                    [&](const RouteRow& r) { return packKey(r) == key; });
      if (kept) continue;
      const auto known = routes_.erase(key);
      if (changes && known) {
        RouteRow row = rowOf(key, known->params);
        row.luid = luidOf(row.interfaceIndex);
        row.created = known->created;
        changes->push_back({ChangeKind::Delete, std::move(row)});
      }
    }
  }
  for (auto& row : decodeScratch_)
    applyRoute(std::move(row), changes);
}

// One route event's row: Add, ParameterChange, or nothing when only volatile values moved.
void LinuxBackend::applyRoute(RouteRow row, std::vector<Change<RouteRow>>* changes) {
  const PackedRouteKey key = packKey(row);
  const PackedRouteParams params = packParams(row);
  const auto known = routes_.find(key);
  if (known && sameRouteParams(known->params, params)) return;
  row.created = known ? known->created : batchNow_;
  if (row.nativeProtocol == RTPROT_RA)
    nextRaRouteRefresh_ = std::min(nextRaRouteRefresh_, batchNow_ + kRaRouteRefreshInterval);
  routes_.put(key, {row.created, params});
  if (changes) changes->push_back({known ? ChangeKind::ParameterChange : ChangeKind::Add, std::move(row)});
}

// ra_route_refresh: the RA routes as the kernel has them now, applied like events (an expiry moved
// by more than a second or a new preference is a ParameterChange). Routes that appeared or went
// away are left to their own kernel messages, which the event socket still holds.
void LinuxBackend::refreshRaRoutes() {
  nextRaRouteRefresh_ = Timestamp::max();
  std::vector<RouteRow> rows;
  if (!dumpRoutes(Family::V6, 0, 0, rows, RTPROT_RA).ok()) {
    nextRaRouteRefresh_ = batchNow_ + kRaRouteRefreshInterval; // try again later
    return;
  }
  auto* changes = hasRouteSubscribers() ? &pendingRoutes_.changes : nullptr;
  for (auto& row : rows) {
    nextRaRouteRefresh_ = batchNow_ + kRaRouteRefreshInterval;
    if (!routes_.find(packKey(row))) continue;
    row.luid = luidOf(row.interfaceIndex);
    applyRoute(std::move(row), changes);
  }
}

void LinuxBackend::publishPending() {
  auto flush = [this](auto& pending) {
    if (pending.changes.empty()) return;
    // Moved out first: a callback may read the backend, which must not see a half-published list.
    auto changes = std::move(pending.changes);
    pending.changes.clear();
    stats_.eventsDelivered += changes.size();
    publish(std::span<const typename decltype(changes)::value_type>(changes));
  };
  flush(pendingLinks_);
  flush(pendingIpInterfaces_);
  flush(pendingAddresses_);
  flush(pendingNeighbors_);
  flush(pendingRoutes_);
}

bool LinuxBackend::dispatch(std::chrono::milliseconds budget) {
  const Timestamp deadline = Clock::now() + budget;
  if (!resolutions_.empty()) runResolutions();
  // A failed resync is retried at the next deadline rather than in a tight loop.
  auto failed = [this] {
    resyncNeeded_ = true;
    nextIpInterfaceRefresh_ = batchNow_ + 1s;
    return false;
  };
  do {
    batchNow_ = Clock::now();
    if (batchNow_ >= nextIpInterfaceRefresh_) {
      ipInterfacesRefreshNeeded_ = true;
      nextIpInterfaceRefresh_ = batchNow_ + kIpInterfaceRefreshInterval;
    }
    if (resyncNeeded_) {
      const Result r = beginResync();
      publishPending();
      if (!r.ok()) return failed();
    }
    if (routeResync_) {
      // The event stream waits for it (see linux_resync.cpp); so does the IP interface refresh.
      const Result r = stepRouteResync(deadline);
      publishPending();
      if (!r.ok()) return failed();
      if (resyncNeeded_) continue; // started over
      if (routeResync_) return true;
    }
    bool more = false;
    const Result r =
        eventSocket_->receiveEvents([this](const nlmsghdr& m) { handleEvent(m); }, kDispatchBatch, more);
    if (r.status == Status::NoMemory) {
      // Events were lost: what was read so far is applied and published, then everything re-dumped.
      resyncNeeded_ = true;
      publishPending();
      continue;
    }
    if (ipInterfacesRefreshNeeded_) refreshIpInterfaces();
    if (!more && batchNow_ >= nextRaRouteRefresh_ && !routesRefreshNeeded_) refreshRaRoutes();
    if (routesRefreshNeeded_ && !beginRouteDump(false).ok()) {
      publishPending();
      return failed();
    }
    publishPending();
    if (routeResync_) continue; // the refresh's first step, if the budget allows
    if (!more) {
      // Idle: the route shadow's merge in progress goes on (at least one bounded step, then while
      // the budget lasts), so that changes seldom have to pay for it (route_shadow.h).
      if (routes_.merging()) {
        while (!routes_.stepMerge(RouteShadow::kMergeStep) && Clock::now() < deadline) {}
      }
      return resyncNeeded_ || routes_.merging();
    }
  } while (Clock::now() < deadline);
  return true;
}

// ---- Get… ------------------------------------------------------------------------------------------------

Result LinuxBackend::getIfTable2(std::vector<InterfaceRow>& table) {
  if (auto r = dumpLinks(&table, nullptr); !r.ok()) return r;
  adoptCachedStamps(table, links_, Clock::now());
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return Result::success();
}

Result LinuxBackend::getIfEntry2(InterfaceRow& row) {
  InterfaceIndex index = row.index;
  if (row.luid.value != 0) index = InterfaceIndex((row.luid.value >> 24) & 0xffffff);
  if (index == 0) return Result::failure(Status::InvalidParameter, "neither LUID nor index given");
  RequestBuffer buffer;
  ifinfomsg* header;
  nlmsghdr* request = buffer.start(RTM_GETLINK, header);
  header->ifi_family = AF_UNSPEC;
  header->ifi_index = int(index);
  std::optional<InterfaceRow> found;
  auto r = requestSocket_->request(request, [&](const nlmsghdr& m) {
    if (auto link = decodeLink(m)) found = std::move(*link);
  });
  if (!r.ok() && r.status != Status::NotFound) return r;
  if (!found || (row.luid.value != 0 && found->luid != row.luid))
    return Result::failure(Status::NotFound, "no interface " + std::to_string(index));
  std::vector<InterfaceRow> one{std::move(*found)};
  adoptCachedStamps(one, links_, Clock::now());
  row = std::move(one.front());
  return Result::success();
}

Result LinuxBackend::getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) {
  std::vector<InterfaceRow> links;
  if (auto r = loadIpInterfaces(links, table); !r.ok()) return r;
  if (family != Family::Unspecified) std::erase_if(table, [&](const auto& r) { return r.family != family; });
  adoptCachedStamps(table, ipInterfaces_, Clock::now());
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return keyFor(a) < keyFor(b); });
  return Result::success();
}

Result LinuxBackend::getIpInterfaceEntry(IpInterfaceRow& row) {
  if (row.family == Family::Unspecified)
    return Result::failure(Status::InvalidParameter, "family unspecified");
  std::vector<IpInterfaceRow> table;
  if (auto r = getIpInterfaceTable(row.family, table); !r.ok()) return r;
  for (auto& candidate : table)
    if (candidate.interfaceIndex == row.interfaceIndex) {
      row = std::move(candidate);
      return Result::success();
    }
  return Result::failure(Status::NotFound, "no " + std::string(toString(row.family)) + " interface " +
                                               std::to_string(row.interfaceIndex));
}

Result LinuxBackend::getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) {
  table.clear();
  // /proc/<pid>/net follows the namespace of the thread group leader, /proc/thread-self/net that
  // of the calling thread, which is the one NetnsScope moves; one scope covers every read.
  NetnsScope scope(options_.netns);
  if (!scope.result().ok()) return scope.result();
  auto read = [](const std::string& path, std::string& content) -> Result {
    std::ifstream in(path);
    if (!in) return Result::failure(Status::GeneralFailure, "cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    content = text.str();
    return Result::success();
  };
  const std::string net = "/proc/thread-self/net/";
  std::string content;
  if (family != Family::V6) {
    // The RFC 2011 counters are in snmp's "Ip:" lines; octets, no-route, truncated, multicast and
    // broadcast counts (RFC 4293 additions) only in netstat's "IpExt:" lines.
    NamedCounters counters;
    if (auto r = read(net + "snmp", content); !r.ok()) return r;
    parseProcNetPairs(content, counters);
    if (auto r = read(net + "netstat", content); !r.ok()) return r;
    parseProcNetPairs(content, counters);
    table.push_back(ipv4Statistics(counters));
    // Per-interface IPv4 counters do not exist in Linux: there are no per-interface IPv4 rows.
  }
  if (family != Family::V4) {
    if (auto r = read(net + "snmp6", content); !r.ok()) return r;
    table.push_back(ipv6Statistics(parseProcNetNameValue(content))); // no ifIndex line: system-wide
    // Per interface: one dev_snmp6 file per interface with IPv6 state (an inet6_dev; the same set
    // that carries IFLA_INET6_STATS), counters by name (see rtnl_decode.h for why not netlink).
    // Each file names its interface's index itself, so a rename between listing the directory
    // and opening a file cannot attribute counters to the wrong interface: a vanished file (the
    // interface went away or was renamed) simply yields no row, as it would a moment later.
    const std::size_t first = table.size();
    std::error_code error;
    for (std::filesystem::directory_iterator it(net + "dev_snmp6", error), end; !error && it != end;
         it.increment(error)) {
      if (!read(it->path().string(), content).ok()) continue;
      IpStatisticsRow row = ipv6Statistics(parseProcNetNameValue(content));
      if (row.interfaceIndex != 0) table.push_back(std::move(row));
    }
    if (error)
      return Result::failure(Status::GeneralFailure, "cannot list " + net + "dev_snmp6: " + error.message());
    auto byIndex = [](const auto& a, const auto& b) { return a.interfaceIndex < b.interfaceIndex; };
    std::sort(table.begin() + std::ptrdiff_t(first), table.end(), byIndex);
    // A rename while listing can show one interface under its old and its new name.
    table.erase(
        std::unique(table.begin() + std::ptrdiff_t(first), table.end(),
                    [](const auto& a, const auto& b) { return a.interfaceIndex == b.interfaceIndex; }),
        table.end());
  }
  return Result::success();
}

Result LinuxBackend::getIpGlobalSettings(IpGlobalSettings& settings) {
  const bool v4 = settings.family == Family::V4;
  if (!v4 && settings.family != Family::V6)
    return Result::failure(Status::InvalidParameter, "family unspecified");
  const auto forwarding =
      readSysctl(options_.netns, v4 ? "net/ipv4/ip_forward" : "net/ipv6/conf/all/forwarding");
  // IPv6: conf/all/hop_limit, the value Net-SNMP's snmpd reports and so what managers of the agent
  // we replace expect. (conf/default is what new interfaces inherit; setIpGlobalSettings writes
  // both, so after our own sets they agree.)
  const auto hopLimit =
      readSysctl(options_.netns, v4 ? "net/ipv4/ip_default_ttl" : "net/ipv6/conf/all/hop_limit");
  // Per namespace (each netns has its own fragment queues, net->ipv4.fqdir).
  const auto fragmentTime = readSysctl(options_.netns, v4 ? "net/ipv4/ipfrag_time" : "net/ipv6/ip6frag_time");
  if (!forwarding || !hopLimit || !fragmentTime)
    return Result::failure(Status::GeneralFailure, "cannot read /proc/sys/net settings");
  settings.forwarding = *forwarding != 0;
  settings.defaultHopLimit = std::uint32_t(*hopLimit);
  settings.reassemblyTimeout = std::uint32_t(std::max<long long>(*fragmentTime, 0));
  return Result::success();
}

Result LinuxBackend::getUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table) {
  if (auto r = dumpAddresses(family, 0, table); !r.ok()) return r;
  fillLuids(table);
  adoptCachedStamps(table, addresses_, Clock::now());
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return keyFor(a) < keyFor(b); });
  return Result::success();
}

Result LinuxBackend::getUnicastIpAddressEntry(UnicastAddressRow& row) {
  IpAddress address = row.address;
  InterfaceIndex index = row.interfaceIndex;
  if (address.isUnspecified()) return Result::failure(Status::InvalidParameter, "no address given");
  if (address.isV6LinkLocal()) {
    if (index == 0) index = address.scopeId();
    address = address.withScope(index);
  }
  std::vector<UnicastAddressRow> table;
  if (auto r = dumpAddresses(address.family(), index, table); !r.ok()) return r;
  for (auto& candidate : table)
    if (candidate.address == address && (index == 0 || candidate.interfaceIndex == index)) {
      std::vector<UnicastAddressRow> one{std::move(candidate)};
      fillLuids(one);
      adoptCachedStamps(one, addresses_, Clock::now());
      row = std::move(one.front());
      return Result::success();
    }
  return Result::failure(Status::NotFound,
                         "no address " + address.toString() + " on interface " + std::to_string(index));
}

Result LinuxBackend::getIpNetTable2(Family family, std::vector<NeighborRow>& table) {
  if (auto r = dumpNeighbors(family, 0, table); !r.ok()) return r;
  fillLuids(table);
  adoptCachedStamps(table, neighbors_, Clock::now());
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return keyFor(a) < keyFor(b); });
  return Result::success();
}

Result LinuxBackend::getIpNetEntry2(NeighborRow& row) {
  IpAddress address = row.address;
  if (address.isUnspecified()) return Result::failure(Status::InvalidParameter, "no address given");
  if (address.isV6LinkLocal()) address = address.withScope(row.interfaceIndex);
  std::vector<NeighborRow> table;
  if (auto r = dumpNeighbors(address.family(), row.interfaceIndex, table); !r.ok()) return r;
  for (auto& candidate : table)
    if (candidate.address == address && candidate.interfaceIndex == row.interfaceIndex) {
      std::vector<NeighborRow> one{std::move(candidate)};
      fillLuids(one);
      adoptCachedStamps(one, neighbors_, Clock::now());
      row = std::move(one.front());
      return Result::success();
    }
  return Result::failure(Status::NotFound, "no neighbor " + address.toString() + " on interface " +
                                               std::to_string(row.interfaceIndex));
}

Result LinuxBackend::getIpForwardTable2(Family family, std::vector<RouteRow>& table) {
  // With every queued event applied the shadow is the kernel's table: rebuilding the rows from it
  // costs a fraction of a dump (at 1M routes ~0.2 s instead of ~1 s of dump, decode and sort).
  // During the initial route load (and any resync) this is a dump.
  if (catchUpRoutes()) {
    table.clear();
    table.reserve(routes_.size());
    routes_.forEach([&](const RouteShadowEntry& e) {
      if (family != Family::Unspecified && e.key.family != family) return;
      RouteRow& row = table.emplace_back(rowOf(e.key, e.params));
      row.created = e.created;
    });
    fillLuids(table);
    return Result::success();
  }
  if (auto r = dumpRoutes(family, 0, 0, table); !r.ok()) return r;
  fillLuids(table);
  adoptCachedRouteStamps(table, routes_, Clock::now()); // also sorts by key
  return Result::success();
}

Result LinuxBackend::getIpForwardEntry2(RouteRow& row) {
  const Family family = row.destinationPrefix.family();
  if (family == Family::Unspecified) return Result::failure(Status::InvalidParameter, "no destination given");
  if (!exportsTable(row.table))
    return Result::failure(Status::NotFound, "table " + std::to_string(row.table) + " is not exported");
  // Key normalization: "none" next hop = on-link; a link-local next hop is scoped to its interface;
  // kUnspecifiedMetric matches any metric.
  IpAddress nextHop = row.nextHop.isUnspecified() ? IpAddress::zero(family) : row.nextHop;
  if (nextHop.isV6LinkLocal() && nextHop.scopeId() == 0) nextHop = nextHop.withScope(row.interfaceIndex);
  auto matches = [&](const RouteRow& r) {
    return r.table == row.table && r.destinationPrefix == row.destinationPrefix &&
           (row.metric == kUnspecifiedMetric || r.metric == row.metric) && r.nextHop == nextHop &&
           r.interfaceIndex == row.interfaceIndex;
  };
  if (catchUpRoutes()) {
    std::optional<RouteRow> found;
    routes_.forEachOf(row.table, row.destinationPrefix,
                      row.metric == kUnspecifiedMetric ? std::nullopt
                                                       : std::optional<std::uint32_t>(row.metric),
                      [&](const PackedRouteKey& key, const RouteShadow::Value& value) {
                        if (found) return;
                        RouteRow candidate = rowOf(key, value.params);
                        if (!matches(candidate)) return;
                        candidate.luid = luidOf(candidate.interfaceIndex);
                        candidate.created = value.created;
                        found = std::move(candidate);
                      });
    if (!found) return Result::failure(Status::NotFound, "no route " + row.destinationPrefix.toString());
    row = std::move(*found);
    return Result::success();
  }
  std::vector<RouteRow> table;
  if (auto r = dumpRoutes(family, row.table, row.interfaceIndex, table); !r.ok()) return r;
  std::erase_if(table, [&](const RouteRow& r) { return !matches(r); });
  if (table.empty()) return Result::failure(Status::NotFound, "no route " + row.destinationPrefix.toString());
  fillLuids(table);
  adoptCachedRouteStamps(table, routes_, Clock::now());
  row = table.front();
  return Result::success();
}

namespace {

// One RTM_GETROUTE request for `destination` (the kernel's own lookup: policy rules, every table;
// with `fibMatch`, the forwarding entry it matched instead of the resolved route).
Result askRoute(NetlinkSocket& socket, const IpAddress& destination, bool fibMatch,
                const std::function<void(const nlmsghdr&)>& onReply) {
  RequestBuffer buffer;
  rtmsg* header;
  nlmsghdr* request = buffer.start(RTM_GETROUTE, header);
  header->rtm_family = std::uint8_t(familyToAf(destination.family()));
  header->rtm_dst_len = std::uint8_t(destination.size() * 8);
  if (fibMatch) header->rtm_flags = RTM_F_FIB_MATCH;
  mnl_attr_put(request, RTA_DST, destination.size(), destination.data());
  if (destination.scopeId() != 0) mnl_attr_put_u32(request, RTA_OIF, destination.scopeId());
  return socket.request(request, onReply);
}

} // namespace

Result LinuxBackend::getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) {
  if (destination.isUnspecified()) return Result::failure(Status::InvalidParameter, "no destination given");
  std::optional<RouteLookup> lookup;
  const Result asked = askRoute(*requestSocket_, destination, false, [&](const nlmsghdr& m) {
    if (!lookup) lookup = decodeRouteLookup(m);
  });
  // The kernel answers a destination it cannot reach with an error (ENETUNREACH, EHOSTUNREACH...).
  if (!asked.ok() && asked.status != Status::NetworkUnreachable && asked.status != Status::NotFound &&
      asked.status != Status::InvalidParameter)
    return asked;
  if (!lookup || (lookup->type != RouteType::Unicast && lookup->type != RouteType::Local) ||
      lookup->interfaceIndex == 0)
    return Result::failure(Status::NetworkUnreachable, "no route to " + destination.toString() +
                                                           (asked.ok() ? "" : ": " + asked.message));
  interfaceIndex = lookup->interfaceIndex;
  return Result::success();
}

Result LinuxBackend::getBestRoute2(const IpAddress& destination, RouteRow& bestRoute,
                                   IpAddress& bestSourceAddress) {
  if (destination.isUnspecified()) return Result::failure(Status::InvalidParameter, "no destination given");
  auto ask = [&](bool fibMatch, const std::function<void(const nlmsghdr&)>& onReply) {
    return askRoute(*requestSocket_, destination, fibMatch, onReply);
  };

  // First the kernel's own answer (policy routing included): the way out and the source address;
  // then the forwarding entry that answer came from.
  std::optional<RouteLookup> lookup;
  ask(false, [&](const nlmsghdr& m) {
    if (!lookup) lookup = decodeRouteLookup(m);
  });
  if (lookup && exportsTable(lookup->table)) {
    std::vector<RouteRow> rows;
    ask(true, [&](const nlmsghdr& m) { decodeRoute(m, rows); });
    if (!rows.empty()) {
      auto chosen = std::find_if(rows.begin(), rows.end(), [&](const RouteRow& r) {
        return r.interfaceIndex == lookup->interfaceIndex &&
               (lookup->gateway.isUnspecified() || r.nextHop == lookup->gateway);
      });
      std::vector<RouteRow> one{chosen != rows.end() ? *chosen : rows.front()};
      fillLuids(one);
      adoptCachedRouteStamps(one, routes_, Clock::now());
      bestRoute = one.front();
      bestSourceAddress = lookup->preferredSource.isUnspecified() ? IpAddress::zero(destination.family())
                                                                  : lookup->preferredSource;
      return Result::success();
    }
  }

  // The kernel found nothing usable (no route, a reject route, or a table not exported): longest
  // match over the exported tables, which also answers with blackhole/unreachable routes.
  std::vector<RouteRow> candidates;
  if (catchUpRoutes()) {
    forEachCachedRouteCovering(destination, [&](RouteRow&& r) {
      if (r.destinationPrefix.contains(destination)) candidates.push_back(std::move(r));
    });
  } else {
    std::vector<RouteRow> all;
    if (auto r = dumpRoutes(destination.family(), 0, 0, all); !r.ok()) return r;
    fillLuids(all);
    adoptCachedRouteStamps(all, routes_, Clock::now());
    for (auto& r : all)
      if (r.destinationPrefix.contains(destination)) candidates.push_back(std::move(r));
  }
  std::erase_if(candidates, [](const RouteRow& r) {
    return r.type == RouteType::Local || r.type == RouteType::Broadcast || r.type == RouteType::Multicast ||
           r.type == RouteType::Anycast || r.type == RouteType::Throw;
  });
  if (candidates.empty())
    return Result::failure(Status::NetworkUnreachable, "no route to " + destination.toString());
  auto best =
      std::min_element(candidates.begin(), candidates.end(), [](const RouteRow& a, const RouteRow& b) {
        return std::tie(b.destinationPrefix.length, a.metric) <
               std::tie(a.destinationPrefix.length, b.metric);
      });
  bestRoute = *best;
  bestSourceAddress =
      best->preferredSource.isUnspecified() ? IpAddress::zero(destination.family()) : best->preferredSource;
  return Result::success();
}

Result LinuxBackend::getRoutesCovering(const IpAddress& address, InterfaceIndex interfaceIndex,
                                       std::vector<RouteRow>& routes) {
  if (address.isUnspecified() || !catchUpRoutes())
    return Backend::getRoutesCovering(address, interfaceIndex, routes);
  routes.clear();
  forEachCachedRouteCovering(address, [&](RouteRow&& r) {
    if (r.interfaceIndex == interfaceIndex) routes.push_back(std::move(r));
  });
  std::sort(routes.begin(), routes.end(),
            [](const RouteRow& a, const RouteRow& b) { return keyOf(a) < keyOf(b); });
  return Result::success();
}

bool LinuxBackend::routeKeyVacant(std::uint32_t table, const IpPrefix& destination, std::uint32_t metric) {
  if (!exportsTable(table) || !catchUpRoutes()) return false;
  return routes_.keysOf(table, destination, metric).empty();
}

} // namespace ipmibd::platform::linux_backend
