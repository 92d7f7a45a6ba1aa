// Scenario commands as kernel requests: name resolution, iproute2's defaults (route proto boot, neighbor
// nud permanent) and the sysctl keys the simulator models.
#include "platform/sim/scenario_apply.h"

#include "platform/sim/route_protocol.h"

#include <chrono>
#include <limits>

namespace ipmibd::platform::sim {

namespace {

Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }

Result resolve(const SimKernel& kernel, const std::string& name, InterfaceIndex& index) {
  const Link* l = kernel.linkByName(name);
  if (!l) return failure(Status::NotFound, "unknown device '" + name + "'");
  index = l->row.index;
  return Result::success();
}

Result apply(SimKernel& kernel, const LinkAddCommand& c) {
  LinkSpec spec;
  spec.name = c.name;
  spec.kind = c.kind;
  spec.peerName = c.peer;
  spec.parentName = c.parent;
  spec.mtu = c.mtu;
  spec.address = c.address;
  spec.vrfTable = c.table;
  return kernel.addLink(spec);
}

Result apply(SimKernel& kernel, const LinkSetCommand& c) {
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, c.name, index); !r.ok()) return r;
  if (c.mtu) {
    if (auto r = kernel.setLinkMtu(index, *c.mtu); !r.ok()) return r;
  }
  if (c.address) {
    if (auto r = kernel.setLinkAddress(index, *c.address); !r.ok()) return r;
  }
  if (c.alias) {
    if (auto r = kernel.setLinkAlias(index, *c.alias); !r.ok()) return r;
  }
  if (c.master) {
    InterfaceIndex master = 0;
    if (!c.master->empty()) {
      if (auto r = resolve(kernel, *c.master, master); !r.ok()) return r;
    }
    if (auto r = kernel.setLinkMaster(index, master); !r.ok()) return r;
  }
  if (c.up) return kernel.setLinkUp(index, *c.up);
  return Result::success();
}

Result apply(SimKernel& kernel, const LinkDeleteCommand& c) {
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, c.name, index); !r.ok()) return r;
  return kernel.deleteLink(index);
}

Result apply(SimKernel& kernel, const AddressCommand& c) {
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, c.device, index); !r.ok()) return r;
  if (c.verb == Verb::Delete) return kernel.deleteAddress({c.prefix.address, index});
  const std::uint32_t valid = c.validLifetime.value_or(kInfiniteLifetime);
  const std::uint32_t preferred = c.preferredLifetime.value_or(kInfiniteLifetime);
  // change/replace of an existing address rewrites its lifetimes (NLM_F_REPLACE).
  const auto scoped = SimKernel::scopedFor(c.prefix.address, index);
  const AddressEntry* existing = scoped ? kernel.address({*scoped, index}) : nullptr;
  if (c.verb == Verb::Change && !existing) return failure(Status::NotFound, "no such address");
  if (existing && c.verb != Verb::Add) return kernel.setAddressLifetimes({*scoped, index}, valid, preferred);
  AddressRequest request;
  request.address = c.prefix.address;
  request.interfaceIndex = index;
  request.prefixLength = c.prefix.length;
  request.validLifetime = valid;
  request.preferredLifetime = preferred;
  request.broadcast = c.broadcast.value_or(IpAddress{});
  request.nodad = c.nodad;
  return kernel.addAddress(request);
}

Result routeRequest(const SimKernel& kernel, const RouteCommand& c, RouteRequest& request) {
  request.table = c.table.value_or(kMainRouteTable);
  request.destination = c.destination;
  request.metric = c.metric.value_or(kUnspecifiedMetric);
  request.type = c.type.value_or(RouteType::Unicast);
  request.protocol = c.protocol.value_or(kProtoBoot); // what `ip route add` sends by default
  request.preferredSource = c.source.value_or(IpAddress{});
  request.lifetime = c.expires.value_or(kInfiniteLifetime);
  request.routerPreference = c.routerPreference.value_or(RouterPreference::Medium);
  request.nextHops.clear();
  for (const auto& hop : c.nextHops) {
    if (!hop.via && hop.device.empty()) continue;
    NextHopSpec spec;
    if (!hop.device.empty()) {
      if (auto r = resolve(kernel, hop.device, spec.interfaceIndex); !r.ok()) return r;
    }
    spec.gateway = hop.via.value_or(IpAddress{});
    spec.weight = hop.weight;
    spec.onlink = hop.onlink;
    request.nextHops.push_back(spec);
  }
  return Result::success();
}

Result routeSelector(const SimKernel& kernel, const RouteCommand& c, RouteSelector& selector) {
  selector.table = c.table.value_or(kMainRouteTable);
  selector.destination = c.destination;
  // Metric 0 in a delete means "any" to both IPv4 and IPv6.
  if (c.metric && *c.metric != 0) selector.metric = c.metric;
  selector.type = c.type;
  selector.protocol = c.protocol;
  if (!c.nextHops.empty()) {
    const auto& hop = c.nextHops.front();
    if (hop.via) selector.gateway = hop.via;
    if (!hop.device.empty()) {
      InterfaceIndex index = 0;
      if (auto r = resolve(kernel, hop.device, index); !r.ok()) return r;
      selector.interfaceIndex = index;
    }
  }
  return Result::success();
}

Result apply(SimKernel& kernel, const RouteCommand& c) {
  if (c.verb == Verb::Delete) {
    RouteSelector selector;
    if (auto r = routeSelector(kernel, c, selector); !r.ok()) return r;
    return kernel.deleteRoutes(selector);
  }
  RouteRequest request;
  if (auto r = routeRequest(kernel, c, request); !r.ok()) return r;
  const WriteMode mode = c.verb == Verb::Add       ? WriteMode::Create
                         : c.verb == Verb::Replace ? WriteMode::Replace
                                                   : WriteMode::Change;
  return kernel.writeRoute(request, mode);
}

Result apply(SimKernel& kernel, const NeighborCommand& c) {
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, c.device, index); !r.ok()) return r;
  if (c.verb == Verb::Delete) return kernel.deleteNeighbor({c.address, index});
  NeighborRow row;
  row.address = c.address;
  row.interfaceIndex = index;
  row.physicalAddress = c.lladdr.value_or(PhysicalAddress{});
  row.state = c.state.value_or(NeighborState::Permanent); // iproute2's default for add/change/replace
  row.isRouter = c.router;
  const WriteMode mode = c.verb == Verb::Add       ? WriteMode::Create
                         : c.verb == Verb::Replace ? WriteMode::Replace
                                                   : WriteMode::Change;
  return kernel.writeNeighbor(row, mode);
}

std::vector<std::string> splitKey(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

Result setGlobal(SimKernel& kernel, Family family, std::optional<bool> forwarding,
                 std::optional<long long> hopLimit) {
  IpGlobalSettings settings = kernel.globalSettings(family);
  if (forwarding) settings.forwarding = *forwarding;
  if (hopLimit) {
    if (*hopLimit < 1 || *hopLimit > 255) return failure(Status::InvalidParameter, "hop limit out of range");
    settings.defaultHopLimit = std::uint32_t(*hopLimit);
  }
  return kernel.setGlobalSettings(settings);
}

// One per-interface setting: conf/IF/NAME or neigh/IF/NAME of the family's IpInterfaceRow.
Result setInterfaceValue(SimKernel& kernel, const Link& l, Family family, const std::string& group,
                         const std::string& name, long long value, const std::string& key) {
  if (value < 0 || value > std::numeric_limits<std::uint32_t>::max())
    return failure(Status::InvalidParameter, "value out of range for " + key);
  const auto v = std::uint32_t(value);
  IpInterfaceRow row = family == Family::V6 ? l.ipv6 : l.ipv4;
  const bool v6 = family == Family::V6;
  if (group == "conf" && name == "forwarding")
    row.forwardingEnabled = v != 0;
  else if (group == "conf" && v6 && name == "hop_limit")
    row.curHopLimit = v;
  else if (group == "conf" && v6 && name == "disable_ipv6")
    row.enabled = v == 0;
  else if (group == "conf" && v6 && name == "accept_ra")
    row.routerDiscoveryEnabled = v != 0;
  else if (group == "conf" && v6 && name == "mtu")
    row.nlMtu = v;
  else if (group == "conf" && v6 && name == "dad_transmits")
    row.dadTransmits = v;
  else if (group == "conf" && v6 && name == "accept_dad") // issue 19 part C
    return kernel.setAcceptDad(l.row.index, v > 0);
  else if (group == "neigh" && name == "base_reachable_time_ms")
    row.baseReachableTime = v;
  else if (group == "neigh" && name == "retrans_time_ms")
    row.retransmitTime = v;
  else
    return failure(Status::NotFound, "unknown sysctl '" + key + "'");
  return kernel.setIpInterface(row);
}

Result apply(SimKernel& kernel, const GroupCommand& c) {
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, c.device, index); !r.ok()) return r;
  if (c.anycast) return c.join ? kernel.joinAnycast(c.address, index) : kernel.leaveAnycast(c.address, index);
  return c.join ? kernel.joinGroup(c.address, index) : kernel.leaveGroup(c.address, index);
}

// Issue 19: IP paths.
Result apply(SimKernel& kernel, const PathCommand& c) {
  if (c.action == PathCommand::Action::Flush) {
    kernel.flushPaths(c.family);
    return Result::success();
  }
  InterfaceIndex index = 0;
  if (!c.device.empty())
    if (auto r = resolve(kernel, c.device, index); !r.ok()) return r;
  if (c.action == PathCommand::Action::Delete) return kernel.deletePaths(c.destination, index);
  if (c.mtu || c.gateway || c.expires) {
    SimPathException e;
    e.mtu = c.mtu.value_or(0);
    e.gateway = c.gateway.value_or(IpAddress{});
    if (c.expires) e.expiresAt = kernel.now() + std::chrono::seconds(*c.expires);
    if (auto r = kernel.addPathException(c.destination, index, e); !r.ok()) return r;
  }
  if (c.rtt) {
    SimTcpMetric m;
    m.rttMicros = *c.rtt;
    m.rttVarianceMicros = c.rttvar.value_or(*c.rtt / 2);
    m.savedAt = kernel.now();
    if (auto r = kernel.addTcpMetric(c.destination, c.source.value_or(IpAddress{}), m); !r.ok()) return r;
  }
  return Result::success();
}

Result apply(SimKernel& kernel, const SysctlCommand& c) {
  const auto parts = splitKey(c.key);
  const Result unknown = failure(Status::NotFound, "unknown sysctl '" + c.key + "'");
  if (parts.size() < 3 || parts[0] != "net" || (parts[1] != "ipv4" && parts[1] != "ipv6")) return unknown;
  const Family family = parts[1] == "ipv4" ? Family::V4 : Family::V6;
  if (parts.size() == 3) {
    if (family == Family::V4 && parts[2] == "ip_forward") return setGlobal(kernel, family, c.value != 0, {});
    if (family == Family::V4 && parts[2] == "ip_default_ttl") return setGlobal(kernel, family, {}, c.value);
    if ((family == Family::V4 && parts[2] == "ipfrag_time") ||
        (family == Family::V6 && parts[2] == "ip6frag_time"))
      return kernel.setReassemblyTimeout(family, c.value);
    return unknown;
  }
  if (parts.size() != 5 || (parts[2] != "conf" && parts[2] != "neigh")) return unknown;
  const std::string& device = parts[3];
  const std::string& name = parts[4];
  if (parts[2] == "conf" && (device == "all" || device == "default")) {
    if (name == "forwarding" && device == "all") return setGlobal(kernel, family, c.value != 0, {});
    if (family == Family::V6 && name == "hop_limit") return setGlobal(kernel, family, {}, c.value);
    if (family == Family::V6 && name == "disable_ipv6" && device == "all") {
      // conf/all/disable_ipv6 is copied to every interface.
      std::vector<InterfaceIndex> indexes;
      for (const auto& [index, l] : kernel.links())
        indexes.push_back(index);
      for (auto index : indexes) {
        if (auto r = setInterfaceValue(kernel, *kernel.link(index), family, "conf", name, c.value, c.key);
            !r.ok())
          return r;
      }
      return Result::success();
    }
    return unknown;
  }
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, device, index); !r.ok()) return r;
  return setInterfaceValue(kernel, *kernel.link(index), family, parts[2], name, c.value, c.key);
}

NeighborState nextInCycle(NeighborState state) {
  switch (state) {
  case NeighborState::Reachable: return NeighborState::Stale;
  case NeighborState::Stale: return NeighborState::Delay;
  default: return NeighborState::Reachable;
  }
}

Result flap(SimKernel& kernel, const RouteFlap& f) {
  RouteSelector selector;
  if (auto r = routeSelector(kernel, f.route, selector); !r.ok()) return r;
  if (kernel.hasRoute(selector)) return kernel.deleteRoutes(selector);
  RouteRequest request;
  if (auto r = routeRequest(kernel, f.route, request); !r.ok()) return r;
  return kernel.writeRoute(request, WriteMode::Create);
}

Result cycle(SimKernel& kernel, const NeighborCycle& c) {
  InterfaceIndex index = 0;
  if (auto r = resolve(kernel, c.device, index); !r.ok()) return r;
  if (const NeighborRow* current = kernel.neighbor({c.address, index})) {
    NeighborRow row = *current;
    row.state = nextInCycle(row.state);
    return kernel.writeNeighbor(row, WriteMode::Change);
  }
  if (!c.lladdr)
    return failure(Status::NotFound, "no neighbor " + c.address.toString() + " on " + c.device + " to cycle");
  NeighborRow row;
  row.address = c.address;
  row.interfaceIndex = index;
  row.physicalAddress = *c.lladdr;
  row.state = NeighborState::Reachable;
  return kernel.writeNeighbor(row, WriteMode::Create);
}

// Issue 19, h-sort.
Result apply(SimKernel& kernel, const AddressLabelCommand& c) {
  InterfaceIndex index = 0;
  if (!c.device.empty())
    if (auto r = resolve(kernel, c.device, index); !r.ok()) return r;
  if (!c.add) return kernel.deleteAddressLabel(c.prefix, index);
  return kernel.addAddressLabel({c.prefix, index, *c.label});
}

} // namespace

Result applyCommand(SimKernel& kernel, const Command& command) {
  return std::visit([&](const auto& c) { return apply(kernel, c); }, command);
}

Result applyFeedAction(SimKernel& kernel, const FeedAction& action) {
  struct Visitor {
    SimKernel& kernel;
    Result operator()(const Command& c) const { return applyCommand(kernel, c); }
    Result operator()(const RouteFlap& f) const { return flap(kernel, f); }
    Result operator()(const NeighborCycle& c) const { return cycle(kernel, c); }
  };
  return std::visit(Visitor{kernel}, action);
}

} // namespace ipmibd::platform::sim
