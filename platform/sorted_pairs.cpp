// Backend::createSortedAddressPairs: gathers the host's addresses, routes and label table and hands
// them to the pure RFC 6724 selection (address_selection.h).
#include "platform/backend.h"

#include <algorithm>

namespace ipmibd::platform {

namespace {
constexpr std::size_t kMaxDestinations = 500; // CreateSortedAddressPairs' own limit
constexpr std::uint16_t kTunnelType = 131;    // IANAifType tunnel
} // namespace

Result Backend::createSortedAddressPairs(std::span<const IpAddress> destinations,
                                         std::vector<AddressPair>& pairs) {
  pairs.clear();
  if (destinations.empty()) return Result::failure(Status::InvalidParameter, "no destination addresses");
  if (destinations.size() > kMaxDestinations)
    return Result::failure(Status::InvalidParameter, "more than 500 destination addresses");
  for (const auto& d : destinations)
    if (d.isUnspecified() || d.isZero())
      return Result::failure(Status::InvalidParameter, "unspecified destination address");

  std::vector<UnicastAddressRow> addresses;
  if (Result r = getUnicastIpAddressTable(Family::Unspecified, addresses); !r.ok()) return r;
  std::vector<SourceCandidate> sources;
  for (const auto& a : addresses) {
    if (a.skipAsSource || a.dadState == DadState::Tentative || a.dadState == DadState::Duplicate ||
        a.dadState == DadState::Invalid)
      continue;
    SourceCandidate s;
    s.address = a.address;
    s.prefixLength = a.onLinkPrefixLength;
    s.interfaceIndex = a.interfaceIndex;
    s.deprecated = a.dadState == DadState::Deprecated;
    s.temporary = a.suffixOrigin == SuffixOrigin::Random;
    sources.push_back(s);
  }

  std::vector<InterfaceRow> interfaces;
  if (Result r = getIfTable2(interfaces); !r.ok()) return r;
  auto isTunnel = [&](InterfaceIndex index) {
    for (const auto& i : interfaces)
      if (i.index == index) return i.type == kTunnelType;
    return false;
  };

  std::vector<DestinationRoute> routes;
  for (const auto& d : destinations) {
    DestinationRoute route;
    RouteRow best;
    IpAddress bestSource;
    const Result r = getBestRoute2(d, best, bestSource);
    if (r.ok()) {
      route.interfaceIndex = best.interfaceIndex;
      route.encapsulated = isTunnel(best.interfaceIndex);
      // Local (and loopback) destinations: the kernel sends them through lo, but any address of
      // the host is a valid source; what matters is the interface that holds the address.
      if (best.type == RouteType::Local) route.interfaceIndex = 0;
      route.reachable = best.type == RouteType::Unicast || best.type == RouteType::Local;
    } else if (r.status == Status::NetworkUnreachable) {
      // getBestRoute2 looks only at the exported tables (main by default), not at the kernel's
      // local table: the host's own addresses and loopback are reachable all the same.
      const IpAddress unscoped = d.withScope(0);
      route.reachable = d.isLoopback() || std::any_of(addresses.begin(), addresses.end(), [&](const auto& a) {
                          return a.address.withScope(0) == unscoped;
                        });
    } else {
      return r;
    }
    // A scoped destination (fe80::1%3) names its interface itself.
    if (d.isV6() && d.scopeId() != 0) route.interfaceIndex = d.scopeId();
    routes.push_back(route);
  }

  SelectionPolicy policy;
  if (Result r = getAddressLabelTable(policy.labels); !r.ok()) return r;
  pairs = sortAddressPairs(destinations, routes, sources, policy);
  return Result::success();
}

} // namespace ipmibd::platform
