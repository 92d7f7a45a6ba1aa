// Routes of the simulated kernel: request validation as fib_create_info()/ip6_route_info_create() do
// it, create/replace/change/delete with multipath groups, flushes when links go, and longest-prefix
// lookups.
#include "platform/sim/route_protocol.h"
#include "platform/sim/sim_kernel.h"

#include <algorithm>
#include <set>

namespace ipmibd::platform::sim {

namespace {

constexpr std::uint8_t kScopeUniverse = 0;
constexpr std::uint8_t kScopeLink = 253;
constexpr std::uint8_t kScopeHost = 254;

Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }

bool isReject(RouteType type) {
  return type == RouteType::Blackhole || type == RouteType::Unreachable || type == RouteType::Prohibit ||
         type == RouteType::Throw;
}

bool sameRoute(const RouteKey& a, const RouteKey& b) {
  return a.table == b.table && a.destination == b.destination && a.metric == b.metric;
}

// A selector's gateway without scope matches a link-local next hop on any interface.
bool gatewayMatches(const IpAddress& wanted, const IpAddress& actual) {
  return wanted.scopeId() == 0 ? wanted == actual.withScope(0) : wanted == actual;
}

bool matches(const RouteSelector& s, const RouteRow& row) {
  return row.table == s.table && row.destinationPrefix == s.destination &&
         (!s.metric || *s.metric == row.metric) && (!s.type || *s.type == row.type) &&
         (!s.protocol || *s.protocol == row.nativeProtocol) &&
         (!s.gateway || gatewayMatches(*s.gateway, row.nextHop)) &&
         (!s.interfaceIndex || *s.interfaceIndex == row.interfaceIndex);
}

} // namespace

std::uint32_t SimKernel::effectiveMetric(Family family, std::uint32_t metric) {
  if (family == Family::V6) return metric == kUnspecifiedMetric || metric == 0 ? 1024 : metric;
  return metric == kUnspecifiedMetric ? 0 : metric;
}

bool SimKernel::onConnectedNetwork(const Link& l, const IpAddress& gateway) const {
  for (const auto& [key, entry] : addresses_) {
    const auto& a = entry.row;
    if (key.second == l.row.index && a.address.family() == gateway.family() &&
        IpPrefix{a.address.withScope(0).masked(a.onLinkPrefixLength), a.onLinkPrefixLength}.contains(gateway))
      return true;
  }
  for (const auto& [key, entry] : routes_) {
    const auto& r = entry.row;
    if (r.interfaceIndex == l.row.index && r.type == RouteType::Unicast && r.nextHop.isZero() &&
        r.table == kMainRouteTable && r.destinationPrefix.contains(gateway.withScope(0)))
      return true;
  }
  return false;
}

Result SimKernel::buildRoute(const RouteRequest& request, std::vector<RouteRow>& rows) const {
  const Family family = request.destination.family();
  if (family == Family::Unspecified || !request.destination.isValid())
    return failure(Status::InvalidParameter, "invalid destination prefix");
  if (!request.destination.isCanonical())
    return failure(Status::InvalidParameter, "invalid prefix for given prefix length");
  const bool reject = isReject(request.type);
  if (!reject && request.type != RouteType::Unicast && request.type != RouteType::Local)
    return failure(Status::InvalidParameter,
                   "route type " + std::string(toString(request.type)) + " not supported");
  const IpAddress& source = request.preferredSource;
  const bool hasSource = !source.isUnspecified() && !source.isZero();
  if (hasSource && source.family() != family)
    return failure(Status::InvalidParameter, "preferred source family does not match destination");
  if (hasSource && !isLocalAddress(source))
    return failure(Status::InvalidParameter, "invalid prefsrc address");

  RouteRow base;
  base.destinationPrefix = {request.destination.address.withScope(0), request.destination.length};
  base.nextHop = IpAddress::zero(family);
  base.metric = effectiveMetric(family, request.metric);
  base.protocol = routeProtocolOf(request.protocol);
  base.nativeProtocol = request.protocol;
  base.origin = routeOriginOf(request.protocol);
  base.type = request.type;
  base.table = request.table == 0 ? kMainRouteTable : request.table;
  if (hasSource) base.preferredSource = source.withScope(0);
  base.created = now();
  if (family == Family::V6) {
    base.routerPreference = request.routerPreference;
    if (request.lifetime != kInfiniteLifetime) {
      base.validLifetime = base.preferredLifetime = request.lifetime;
      base.expires = now() + std::chrono::seconds(request.lifetime);
      base.immortal = false;
    }
  }

  if (reject) {
    for (const auto& hop : request.nextHops)
      if ((!hop.gateway.isUnspecified() && !hop.gateway.isZero()) || hop.interfaceIndex != 0)
        return failure(Status::InvalidParameter,
                       "gateway, device and multipath can not be specified for this route type");
    rows = {base};
    return Result::success();
  }
  if (request.nextHops.empty())
    return failure(Status::InvalidParameter, "a route needs a next hop, an interface, or both");

  std::set<std::pair<IpAddress, InterfaceIndex>> seen;
  bool anyGateway = false;
  rows.clear();
  for (const auto& hop : request.nextHops) {
    IpAddress gateway = hop.gateway.isUnspecified() ? IpAddress::zero(family) : hop.gateway;
    if (gateway.family() != family)
      return failure(Status::InvalidParameter, "gateway family does not match destination");
    if (gateway.isMulticast()) return failure(Status::InvalidParameter, "multicast gateway");
    InterfaceIndex index = hop.interfaceIndex;
    if (index == 0) {
      if (gateway.isZero())
        return failure(Status::InvalidParameter, "a route needs a next hop, an interface, or both");
      if (gateway.isV6LinkLocal()) {
        if (gateway.scopeId() == 0)
          return failure(Status::InvalidParameter, "a link-local next hop needs an interface");
        index = gateway.scopeId();
      } else {
        for (const auto& [candidate, l] : links_) {
          if (l.row.adminStatus == AdminStatus::Up && onConnectedNetwork(l, gateway)) {
            index = candidate;
            break;
          }
        }
        if (index == 0) return failure(Status::NetworkUnreachable, "nexthop has invalid gateway");
      }
    }
    const Link* l = link(index);
    if (!l) return failure(Status::NotFound, "no such device (index " + std::to_string(index) + ")");
    if (l->row.adminStatus != AdminStatus::Up)
      return failure(Status::NetworkUnreachable, "nexthop device " + l->row.name + " is not up");
    if (family == Family::V6 && !l->ipv6.enabled)
      return failure(Status::AccessDenied, "IPv6 is disabled on nexthop device");
    const auto scoped = scopedFor(gateway, index);
    if (!scoped) return failure(Status::InvalidParameter, "gateway scope does not match the device");
    gateway = *scoped;
    if (!gateway.isZero()) {
      anyGateway = true;
      if (family == Family::V6 && isLocalAddress(gateway))
        return failure(Status::InvalidParameter, "gateway can not be a local address");
      if (!hop.onlink && !gateway.isV6LinkLocal() && !onConnectedNetwork(*l, gateway))
        return failure(Status::NetworkUnreachable, "nexthop has invalid gateway");
    }
    if (!seen.insert({gateway, index}).second) return failure(Status::InvalidParameter, "duplicate nexthop");
    RouteRow row = base;
    row.interfaceIndex = index;
    row.luid = l->row.luid;
    row.nextHop = gateway;
    row.weight = request.nextHops.size() > 1 ? std::max<std::uint8_t>(hop.weight, 1) : 1;
    rows.push_back(row);
  }
  // What `ip route` asks for and the kernel reports: IPv6 is always universe.
  std::uint8_t scope = kScopeUniverse;
  if (family == Family::V4) {
    if (request.type == RouteType::Local)
      scope = kScopeHost;
    else if (!anyGateway)
      scope = kScopeLink;
  }
  for (auto& row : rows)
    row.scope = scope;
  return Result::success();
}

std::vector<RouteKey> SimKernel::keysWith(std::uint32_t table, const IpPrefix& destination,
                                          std::uint32_t metric) const {
  std::vector<RouteKey> keys;
  for (auto it = routes_.lower_bound({table, destination, metric, IpAddress{}, 0}); it != routes_.end();
       ++it) {
    if (it->first.table != table || it->first.destination != destination || it->first.metric != metric) break;
    keys.push_back(it->first);
  }
  return keys;
}

std::vector<RouteKey> SimKernel::groupOf(const RouteKey& key) const {
  auto it = routes_.find(key);
  if (it == routes_.end()) return {};
  if (it->second.group == 0) return {key};
  std::vector<RouteKey> keys;
  for (const auto& k : keysWith(key.table, key.destination, key.metric))
    if (routes_.at(k).group == it->second.group) keys.push_back(k);
  return keys;
}

void SimKernel::installRoutes(const std::vector<RouteKey>& replaced, std::vector<RouteRow> rows,
                              std::uint32_t group) {
  std::map<RouteKey, RouteRow> previous;
  for (const auto& key : replaced)
    previous.emplace(key, routes_.at(key).row);
  std::set<RouteKey> fresh;
  for (const auto& row : rows)
    fresh.insert(keyOf(row));
  for (const auto& key : replaced) {
    if (fresh.contains(key))
      routes_.erase(key);
    else
      removeRoute(key);
  }
  for (auto& row : rows) {
    const RouteKey key = keyOf(row);
    auto old = previous.find(key);
    if (old != previous.end()) row.created = old->second.created;
    routes_[key] = RouteEntry{row, group};
    if (old == previous.end())
      changes_.push(ChangeKind::Add, row);
    else if (old->second != row)
      changes_.push(ChangeKind::ParameterChange, row);
  }
}

Result SimKernel::writeRoute(const RouteRequest& request, WriteMode mode) {
  std::vector<RouteRow> rows;
  if (auto r = buildRoute(request, rows); !r.ok()) return r;
  const RouteRow& first = rows.front();
  const auto existing = keysWith(first.table, first.destinationPrefix, first.metric);
  if (mode == WriteMode::Create && !existing.empty())
    return failure(Status::AlreadyExists, "a route to " + first.destinationPrefix.toString() +
                                              " with this metric exists in table " +
                                              std::to_string(first.table));
  if (mode == WriteMode::Change && existing.empty()) return failure(Status::NotFound, "no such route");
  installRoutes(existing, std::move(rows), request.nextHops.size() > 1 ? nextGroup_++ : 0);
  return Result::success();
}

Result SimKernel::addRouteRow(const RouteRequest& request) {
  std::vector<RouteRow> rows;
  if (auto r = buildRoute(request, rows); !r.ok()) return r;
  RouteRow row = rows.front();
  const RouteKey key = keyOf(row);
  if (routes_.contains(key))
    return failure(Status::AlreadyExists, "route " + row.destinationPrefix.toString() + " exists");
  const auto existing = keysWith(key.table, key.destination, key.metric);
  if (existing.empty()) {
    installRoutes({}, {row}, 0);
    return Result::success();
  }
  const bool unicastOnly =
      row.type == RouteType::Unicast && std::all_of(existing.begin(), existing.end(), [&](const RouteKey& k) {
        return routes_.at(k).row.type == RouteType::Unicast;
      });
  if (!unicastOnly)
    return failure(Status::AlreadyExists, "a route of another type holds " +
                                              row.destinationPrefix.toString() + " at metric " +
                                              std::to_string(key.metric));
  std::uint32_t group = routes_.at(existing.front()).group;
  if (group == 0) group = nextGroup_++;
  const bool v4 = key.destination.family() == Family::V4;
  if (v4) {
    // One IPv4 route per key: the new hop takes the route's attributes, the scope is derived again.
    const RouteRow& route = routes_.at(existing.front()).row;
    row.protocol = route.protocol;
    row.nativeProtocol = route.nativeProtocol;
    row.origin = route.origin;
    row.preferredSource = route.preferredSource;
    const bool anyGateway =
        !row.nextHop.isZero() ||
        std::any_of(existing.begin(), existing.end(), [&](const auto& k) { return !k.nextHop.isZero(); });
    row.scope = anyGateway ? 0 : route.scope;
  }
  for (const auto& k : existing) {
    RouteEntry& entry = routes_.at(k);
    const RouteRow before = entry.row;
    entry.group = group;
    if (v4) entry.row.scope = row.scope;
    if (entry.row != before) changes_.push(ChangeKind::ParameterChange, entry.row);
  }
  routes_[key] = RouteEntry{row, group};
  changes_.push(ChangeKind::Add, row);
  return Result::success();
}

Result SimKernel::replaceRoute(const RouteKey& old, const RouteRequest& request) {
  auto it = routes_.find(old);
  if (it == routes_.end()) return failure(Status::NotFound, "no such route");
  std::vector<RouteRow> rows;
  if (auto r = buildRoute(request, rows); !r.ok()) return r;
  if (!sameRoute(keyOf(rows.front()), old)) {
    if (auto r = addRouteRow(request); !r.ok()) return r;
    return deleteRouteRow(old);
  }
  RouteRow row = rows.front();
  const RouteKey key = keyOf(row);
  if (key != old && routes_.contains(key))
    return failure(Status::AlreadyExists, "the new next hop is another existing route row");
  const RouteEntry previous = it->second;
  const auto siblings = groupOf(old);
  if (siblings.size() > 1 && row.type != RouteType::Unicast)
    return failure(Status::InvalidParameter,
                   "a " + std::string(toString(row.type)) +
                       " route cannot keep the other next hops of this multipath route");
  if (siblings.size() > 1) row.weight = std::max<std::uint8_t>(request.nextHops.front().weight, 1);
  if (key.destination.family() == Family::V4) {
    // The route-level attributes belong to every next hop of the IPv4 route.
    for (const auto& k : siblings) {
      if (k == old) continue;
      RouteEntry& sibling = routes_.at(k);
      const RouteRow before = sibling.row;
      sibling.row.protocol = row.protocol;
      sibling.row.nativeProtocol = row.nativeProtocol;
      sibling.row.origin = row.origin;
      sibling.row.preferredSource = row.preferredSource;
      if (sibling.row != before) changes_.push(ChangeKind::ParameterChange, sibling.row);
    }
  }
  if (key == old) {
    row.created = previous.row.created;
    it->second.row = row;
    if (row != previous.row) changes_.push(ChangeKind::ParameterChange, row);
    return Result::success();
  }
  removeRoute(old);
  routes_[key] = RouteEntry{row, previous.group};
  changes_.push(ChangeKind::Add, row);
  return Result::success();
}

Result SimKernel::deleteRouteRow(const RouteKey& key) {
  auto it = routes_.find(key);
  if (it == routes_.end()) return failure(Status::NotFound, "no such route");
  const std::uint32_t group = it->second.group;
  removeRoute(key);
  if (group == 0) return Result::success();
  std::vector<RouteKey> rest;
  for (const auto& k : keysWith(key.table, key.destination, key.metric))
    if (routes_.at(k).group == group) rest.push_back(k);
  if (rest.size() == 1) routes_.at(rest.front()).group = 0;
  return Result::success();
}

Result SimKernel::deleteRoutes(const RouteSelector& selector) {
  for (const auto& [key, entry] : routes_) {
    if (!matches(selector, entry.row)) continue;
    const bool byNextHop = selector.gateway || selector.interfaceIndex;
    removeRouteOrGroup(key, key.destination.family() == Family::V4 || !byNextHop);
    return Result::success();
  }
  return failure(Status::NotFound, "no such route");
}

bool SimKernel::hasRoute(const RouteSelector& selector) const {
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const auto& item) { return matches(selector, item.second.row); });
}

void SimKernel::addKernelRoute(RouteRow row) {
  row.protocol = routeProtocolOf(kProtoKernel);
  row.nativeProtocol = kProtoKernel;
  row.origin = routeOriginOf(kProtoKernel);
  row.created = now();
  const RouteKey key = keyOf(row);
  if (routes_.contains(key)) return;
  routes_.emplace(key, RouteEntry{row, 0});
  changes_.push(ChangeKind::Add, row);
}

void SimKernel::removeRoute(const RouteKey& key) {
  auto it = routes_.find(key);
  if (it == routes_.end()) return;
  const RouteRow row = it->second.row;
  routes_.erase(it);
  changes_.push(ChangeKind::Delete, row);
}

void SimKernel::removeKernelRoute(const RouteKey& key) {
  auto it = routes_.find(key);
  if (it != routes_.end() && it->second.row.nativeProtocol == kProtoKernel) removeRoute(key);
}

void SimKernel::removeRouteOrGroup(const RouteKey& key, bool wholeGroup) {
  if (!wholeGroup) {
    removeRoute(key);
    return;
  }
  for (const auto& member : groupOf(key))
    removeRoute(member);
}

void SimKernel::flushRoutesVia(InterfaceIndex index, Family family, Flush how) {
  std::vector<RouteKey> doomed;
  for (const auto& [key, entry] : routes_) {
    const RouteRow& row = entry.row;
    if (row.interfaceIndex != index || (family != Family::Unspecified && key.destination.family() != family))
      continue;
    if (entry.group == 0) {
      doomed.push_back(key);
      continue;
    }
    const auto members = groupOf(key);
    if (how == Flush::LinkGone) {
      // IPv4 drops the whole multipath route, IPv6 only the sibling through the link.
      if (key.destination.family() == Family::V4)
        doomed.insert(doomed.end(), members.begin(), members.end());
      else
        doomed.push_back(key);
      continue;
    }
    const bool alive = std::any_of(members.begin(), members.end(), [&](const RouteKey& m) {
      const Link* l = link(m.interfaceIndex);
      return m.interfaceIndex != index && l && l->row.adminStatus == AdminStatus::Up;
    });
    if (!alive) doomed.insert(doomed.end(), members.begin(), members.end());
  }
  for (const auto& key : doomed)
    removeRoute(key);
}

Result SimKernel::bestRoute(const IpAddress& destination, const std::vector<std::uint32_t>& tables,
                            RouteRow& best, IpAddress& source) const {
  if (destination.isUnspecified()) return failure(Status::InvalidParameter, "destination family not set");
  const bool scoped = destination.isV6LinkLocal() && destination.scopeId() != 0;
  const RouteRow* found = nullptr;
  for (const auto& [key, entry] : routes_) {
    const RouteRow& row = entry.row;
    if (std::find(tables.begin(), tables.end(), row.table) == tables.end()) continue;
    if (!row.destinationPrefix.contains(destination.withScope(0))) continue;
    if (scoped && row.interfaceIndex != 0 && row.interfaceIndex != destination.scopeId()) continue;
    if (row.interfaceIndex != 0) {
      const Link* l = link(row.interfaceIndex);
      if (!l || l->row.adminStatus != AdminStatus::Up) continue;
    }
    if (!found || row.destinationPrefix.length > found->destinationPrefix.length ||
        (row.destinationPrefix.length == found->destinationPrefix.length && row.metric < found->metric))
      found = &row;
  }
  if (!found) return failure(Status::NetworkUnreachable, "no route to " + destination.toString());
  if (isReject(found->type))
    return failure(Status::NetworkUnreachable,
                   std::string(toString(found->type)) + " route to " + found->destinationPrefix.toString());
  best = *found;
  source = IpAddress::zero(destination.family());
  if (!found->preferredSource.isUnspecified()) {
    source = found->preferredSource;
    return Result::success();
  }
  // The source Linux would pick: an address of the outgoing link, same scope kind as the target.
  const IpAddress target = found->nextHop.isZero() ? destination.withScope(0) : found->nextHop.withScope(0);
  bool exact = false;
  for (const auto& [key, entry] : addresses_) {
    const auto& a = entry.row;
    if (key.second != found->interfaceIndex || a.address.family() != destination.family() || a.secondary)
      continue;
    if (a.address.isV6LinkLocal() != destination.isV6LinkLocal()) continue;
    const bool covers =
        IpPrefix{a.address.withScope(0).masked(a.onLinkPrefixLength), a.onLinkPrefixLength}.contains(target);
    if (source.isZero() || (covers && !exact)) {
      source = a.address;
      exact = covers;
    }
  }
  return Result::success();
}

RouteRow SimKernel::routeView(const RouteRow& row) const {
  RouteRow view = row;
  if (row.validLifetime == kInfiniteLifetime) return view;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(row.expires - now()).count();
  view.validLifetime = view.preferredLifetime = std::uint32_t(std::max<std::int64_t>(left, 0));
  return view;
}

void SimKernel::expireRoutes() {
  const Timestamp t = now();
  std::vector<RouteKey> expired;
  for (const auto& [key, entry] : routes_)
    if (entry.row.validLifetime != kInfiniteLifetime && entry.row.expires <= t) expired.push_back(key);
  for (const auto& key : expired)
    removeRoute(key);
}

std::optional<Timestamp> SimKernel::nextRouteDeadline() const {
  std::optional<Timestamp> next;
  for (const auto& [key, entry] : routes_)
    if (entry.row.validLifetime != kInfiniteLifetime && (!next || entry.row.expires < *next))
      next = entry.row.expires;
  return next;
}

} // namespace ipmibd::platform::sim
