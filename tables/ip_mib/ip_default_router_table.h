// IpDefaultRouterTable: the IP-MIB (RFC 4293) ipDefaultRouterTable, the IPv4 and IPv6 default
// routers, kept current from the platform's route changes.
#pragma once

#include "platform/backend.h"
#include "tables/engine/change_queue.h"
#include "tables/engine/index_codec.h"
#include "tables/engine/table.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>

namespace ipmibd::tables {

// What one served row stores (16 bytes): the lifetime is computed per request from the expiry, so
// a served value never goes stale between route changes.
struct DefaultRouterEntry {
  platform::Timestamp expires{}; // a default value: no lifetime (static route)
  std::int8_t preference = 0;    // ipDefaultRouterPreference: -2 reserved, -1 low, 0 medium, 1 high
};

struct IpDefaultRouterOptions {
  // IPv6 default routes without a lifetime (static, DHCP, routing daemons). Debian's snmpd 5.9.3
  // drops them (defaultrouter_linux.c reads an IPv6 lifetime only from RTA_CACHEINFO and skips
  // lifetime 0); RFC 4293 lists "the default routers known to this entity", which a configured
  // IPv6 default router is, so by default they are served as IPv4 ones are: lifetime 65535.
  bool includeStaticIpv6 = true;
};

// Rows: every default route (prefix length 0) of the exported route tables with a gateway and an
// interface (unicast; a reject or on-link default route names no router), one per next hop of a
// multipath route. Values, following Debian's snmpd 5.9.3 except where RFC 4293 disagrees:
//  index: ipv4(1)/ipv6(2) (link-local gateways without zone: the ifIndex is the third component),
//    the gateway, the ifIndex.
//  ipDefaultRouterLifetime: the seconds left of the route's lifetime (the kernel's RA default
//    route: the router lifetime of the last advertisement), at most 65535; 65535 without one
//    (Debian: IPv4 routes). A route whose lifetime ran out is not served (RFC: "left to the
//    implementer"; Debian drops lifetime 0) until the platform removes it.
//  ipDefaultRouterPreference: the RA's RFC 4191 preference; medium(0) for routes not learned from
//    an RA ("IPv4 routers or IPv6 routers that are not using the updated router advertisement
//    format"). Exception: Debian serves medium(0) for every router.
// Two routes with one index (the same router in two tables or metrics) give one row: the lowest
// metric's, as the kernel would use it. Debian omits multipath default routes (no top-level
// RTA_GATEWAY); ipmibd serves each next hop: each is a default router known to the entity.
class IpDefaultRouterTable {
public:
  // 1.3.6.1.2.1.4.37.1 ipDefaultRouterEntry
  static const Oid& entryOid();

  explicit IpDefaultRouterTable(IpDefaultRouterOptions options = {});
  IpDefaultRouterTable(const IpDefaultRouterTable&) = delete;
  IpDefaultRouterTable& operator=(const IpDefaultRouterTable&) = delete;

  // Subscribes to route changes, then queues the initial dump (rows appear as applyPending()
  // works through it). Failure leaves the table empty but subscribed. A backend whose routes are
  // still loading is not asked for a dump (as InetCidrRouteTable::attach); it must outlive the table.
  platform::Result attach(platform::Backend& backend);
  // Queues a batch as delivered by Backend::notifyRouteChange2 (the subscription calls this).
  void enqueue(std::span<const platform::Change<platform::RouteRow>> changes);
  // Applies queued work for at most about `budget`; true while work remains.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // Applies one change now. Routes that are no default router are ignored.
  void apply(platform::ChangeKind kind, const platform::RouteRow& row);

  bool loading() const {
    return queue_.loadingSnapshot() || (loadingBackend_ && loadingBackend_->routesLoading());
  }
  std::size_t pending() const { return queue_.pending(); }
  std::size_t rowCount() const { return table_.rows().size(); }

  // The objects to register with the agent, in OID order: the table.
  std::array<const MibObject*, 1> objects() const { return {&table_}; }
  const MibTable<DefaultRouterEntry>& table() const { return table_; }

  // The index (below ipDefaultRouterEntry.<column>) a route is served under, if it is a default router.
  std::optional<Oid> indexFor(const platform::RouteRow& row) const;

private:
  struct Candidate {
    IndexKey key;
    std::uint32_t metric = 0;
    DefaultRouterEntry entry;
  };
  // Serves the best candidate for `key`, or erases the row when none is left.
  void refresh(const IndexKey& key);

  IpDefaultRouterOptions options_;
  MibTable<DefaultRouterEntry> table_;
  std::map<platform::RouteKey, Candidate> candidates_; // every default route served or shadowed
  ChangeQueue<platform::RouteRow> queue_;
  const platform::Backend* loadingBackend_ = nullptr; // as InetCidrRouteTable's
  platform::Subscription subscription_;
};

} // namespace ipmibd::tables
