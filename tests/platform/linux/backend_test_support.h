// Helpers the Linux backend integration tests share: root check, the standard topology, opening
// and settling a backend, route tables as `ip -j` and the backend spell them, and a subscriber's view.
#pragma once

#include "platform/linux/linux_backend.h"
#include "tests/platform/linux/test_namespace.h"

#include <catch2/catch.hpp>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#define REQUIRE_ROOT()                                                                                       \
  do {                                                                                                       \
    if (::geteuid() != 0) {                                                                                  \
      WARN("skipped: needs root to create network namespaces");                                              \
      return;                                                                                                \
    }                                                                                                        \
  } while (false)

namespace ipmibd::testing {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;
using namespace std::chrono_literals;

inline IpAddress addr(const std::string& text) {
  auto a = IpAddress::parse(text);
  REQUIRE(a.has_value());
  return *a;
}
inline IpPrefix prefix(const std::string& text) {
  auto p = IpPrefix::parse(text);
  REQUIRE(p.has_value());
  return *p;
}

// The standard topology: a veth pair v0/v1 with IPv4/IPv6 addresses, a few routes of different
// kinds, and static neighbours.
inline void buildTopology(const TestNamespace& ns) {
  ns.ip("link add v0 type veth peer name v1");
  ns.ip("link set v0 address 02:00:00:00:00:01");
  ns.ip("link set v0 up");
  ns.ip("link set v1 up");
  ns.ip("addr add 198.51.100.1/24 dev v0");
  ns.ip("addr add 198.51.100.9/24 dev v0"); // secondary
  ns.ip("addr add 2001:db8:1::1/64 dev v0");
  ns.ip("route add 203.0.113.0/24 via 198.51.100.254");
  ns.ip("route add 203.0.113.128/25 metric 7 nexthop via 198.51.100.2 weight 1 nexthop via 198.51.100.3 "
        "weight 3");
  ns.ip("route add blackhole 192.0.2.0/24");
  ns.ip("route add unreachable 192.0.2.128/25 metric 5");
  ns.ip("-6 route add 2001:db8:ff::/48 via 2001:db8:1::fe");
  ns.ip("-6 route add 2001:db8:fe::/48 via fe80::fe dev v0 proto bird");
  ns.ip("-6 route add prohibit 2001:db8:f3::/48");
  ns.ip("neigh add 198.51.100.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent");
  ns.ip("-6 neigh add fe80::7 lladdr 02:00:00:00:00:08 dev v0 nud permanent");
}

// Runs the initial route load to its end before anyone subscribes (so the tests' subscribers,
// which read getIpForwardTable2 after subscribing, get no load batches on top of it).
inline void finishRouteLoad(LinuxBackend& backend) {
  for (int calls = 0; backend.routesLoading() || backend.dispatch(0ms); ++calls) {
    REQUIRE(calls < 1'000'000);
    backend.dispatch(100ms);
  }
}

inline std::unique_ptr<LinuxBackend> openBackend(const TestNamespace& ns, int eventBuffer = 8 << 20) {
  LinuxOptions options;
  options.netns = ns.name();
  options.eventReceiveBuffer = eventBuffer;
  Result error;
  auto backend = LinuxBackend::open(options, error);
  INFO(error.toString());
  REQUIRE(backend);
  finishRouteLoad(*backend);
  return backend;
}

// Dispatches until the backend is idle and no event arrives for a while.
inline void settle(LinuxBackend& backend, std::chrono::milliseconds quiet = 200ms) {
  const auto giveUp = Clock::now() + 60s;
  while (Clock::now() < giveUp) {
    while (backend.dispatch(100ms)) {}
    pollfd fd{backend.eventDescriptor(), POLLIN, 0};
    if (::poll(&fd, 1, int(quiet.count())) == 0) return;
  }
}

inline std::map<std::string, InterfaceIndex> indexByName(LinuxBackend& b) {
  std::vector<InterfaceRow> links;
  REQUIRE(b.getIfTable2(links).ok());
  std::map<std::string, InterfaceIndex> out;
  for (const auto& l : links)
    out[l.name] = l.index;
  return out;
}

// (destination, next hop or "", device or "", metric, type) as `ip -j route` spells them.
using RouteTuple = std::tuple<std::string, std::string, std::string, std::uint32_t, std::string>;

inline std::set<RouteTuple> ipRoutes(const TestNamespace& ns, bool v6) {
  std::set<RouteTuple> out;
  for (const auto& [_, r] : ns.json(std::string(v6 ? "-6 " : "-4 ") + "route show table main")) {
    std::string dst = r.get<std::string>("dst");
    if (dst == "default") dst = v6 ? "::/0" : "0.0.0.0/0";
    if (dst.find('/') == std::string::npos) dst += v6 ? "/128" : "/32";
    const std::string type = r.get<std::string>("type", "unicast");
    const auto metric = r.get<std::uint32_t>("metric", 0);
    const bool reject = type == "blackhole" || type == "unreachable" || type == "prohibit";
    if (auto hops = r.get_child_optional("nexthops")) {
      for (const auto& [__, h] : *hops)
        out.insert({dst, h.get<std::string>("gateway", ""), h.get<std::string>("dev", ""), metric, type});
    } else {
      out.insert({dst, r.get<std::string>("gateway", ""), reject ? "" : r.get<std::string>("dev", ""), metric,
                  type});
    }
  }
  return out;
}

inline std::set<RouteTuple> ourRoutes(LinuxBackend& b, Family family) {
  std::map<InterfaceIndex, std::string> names;
  for (auto& [name, index] : indexByName(b))
    names[index] = name;
  std::vector<RouteRow> rows;
  REQUIRE(b.getIpForwardTable2(family, rows).ok());
  std::set<RouteTuple> out;
  for (const auto& r : rows) {
    std::string prefixText = IpPrefix{r.destinationPrefix.address, r.destinationPrefix.length}.toString();
    out.insert({prefixText, r.nextHop.isZero() ? "" : r.nextHop.withScope(0).toString(),
                r.interfaceIndex ? names[r.interfaceIndex] : "", r.metric, std::string(toString(r.type))});
  }
  return out;
}

// A subscriber's view: initial table + applied changes, with anomalies (Add of a known key, change
// or delete of an unknown one) recorded.
template <class Key, class Row> struct View {
  explicit View(Key (*keyOf)(const Row&)) : key(keyOf) {}
  std::map<Key, Row> rows;
  std::vector<Change<Row>> log;
  std::vector<std::string> anomalies;
  Key (*key)(const Row&);
  void apply(std::span<const Change<Row>> changes) {
    for (const auto& c : changes) {
      log.push_back(c);
      const Key k = key(c.row);
      const bool known = rows.contains(k);
      if (c.kind == ChangeKind::Add && known) anomalies.push_back("add of known key");
      if (c.kind != ChangeKind::Add && !known)
        anomalies.push_back(std::string(toString(c.kind)) + " of unknown key");
      if (c.kind == ChangeKind::Delete)
        rows.erase(k);
      else
        rows[k] = c.row;
    }
  }
  bool saw(ChangeKind kind, const std::function<bool(const Row&)>& match) const {
    return std::any_of(log.begin(), log.end(), [&](const auto& c) { return c.kind == kind && match(c.row); });
  }
};

inline RouteKey routeKey(const RouteRow& r) { return keyOf(r); }
inline std::pair<IpAddress, InterfaceIndex> addressKey(const UnicastAddressRow& r) {
  return {r.address, r.interfaceIndex};
}
inline std::pair<IpAddress, InterfaceIndex> neighborKey(const NeighborRow& r) {
  return {r.address, r.interfaceIndex};
}
inline InterfaceIndex linkKey(const InterfaceRow& r) { return r.index; }
inline std::pair<Family, InterfaceIndex> ipInterfaceKey(const IpInterfaceRow& r) {
  return {r.family, r.interfaceIndex};
}

template <class Key, class Row>
std::map<Key, Row> asMap(const std::vector<Row>& rows, Key (*key)(const Row&)) {
  std::map<Key, Row> out;
  for (const auto& r : rows)
    out[key(r)] = r;
  return out;
}

} // namespace ipmibd::testing
