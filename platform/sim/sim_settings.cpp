// Per-interface and global IP settings of the simulated kernel, with the ranges and propagation of the
// Linux sysctls behind them (conf/*/forwarding, hop_limit, disable_ipv6, accept_ra, neigh/*/...).
#include "platform/sim/sim_kernel.h"

#include <limits>

namespace ipmibd::platform::sim {

namespace {
Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }
} // namespace

// Issue 19 part C: only later addresses are affected, as in Linux (a tentative one keeps its DAD).
Result SimKernel::setAcceptDad(InterfaceIndex index, bool accept) {
  auto it = links_.find(index);
  if (it == links_.end()) return Result::failure(Status::NotFound, "no such device");
  it->second.acceptDad = accept;
  return Result::success();
}

Result SimKernel::setIpInterface(const IpInterfaceRow& wanted) {
  if (wanted.family == Family::Unspecified) return failure(Status::InvalidParameter, "family not set");
  Link* l = mutableLink(wanted.interfaceIndex);
  if (!l)
    return failure(Status::NotFound, "no such device (index " + std::to_string(wanted.interfaceIndex) + ")");
  const bool v6 = wanted.family == Family::V6;
  const IpInterfaceRow& current = v6 ? l->ipv6 : l->ipv4;

  // Validate everything first: a refused field leaves the row untouched.
  if (wanted.advertisingEnabled != current.advertisingEnabled)
    return failure(Status::NotSupported, "router advertisements are sent by a daemon, not the kernel");
  if (!v6) {
    if (wanted.enabled != current.enabled) return failure(Status::NotSupported, "IPv4 cannot be disabled");
    if (wanted.dadTransmits != current.dadTransmits)
      return failure(Status::NotSupported, "IPv4 has no duplicate address detection setting");
    if (wanted.curHopLimit != current.curHopLimit)
      return failure(Status::NotSupported, "IPv4 has no per-interface hop limit");
    if (wanted.routerDiscoveryEnabled != current.routerDiscoveryEnabled)
      return failure(Status::NotSupported, "IPv4 has no router discovery setting");
  }
  if (wanted.nlMtu != current.nlMtu) {
    const std::uint32_t low = v6 ? 1280 : 68;
    const std::uint32_t high = v6 ? l->row.mtu : (l->kind == LinkKind::Loopback ? 65536 : 65535);
    if (wanted.nlMtu < low || wanted.nlMtu > high)
      return failure(Status::InvalidParameter, "MTU " + std::to_string(wanted.nlMtu) + " out of range");
  }
  if (wanted.baseReachableTime != current.baseReachableTime && wanted.baseReachableTime == 0)
    return failure(Status::InvalidParameter, "base reachable time must be positive");
  if (wanted.retransmitTime != current.retransmitTime && wanted.retransmitTime == 0)
    return failure(Status::InvalidParameter, "retransmit time must be positive");
  if (v6 && wanted.curHopLimit != current.curHopLimit &&
      (wanted.curHopLimit == 0 || wanted.curHopLimit > 255))
    return failure(Status::InvalidParameter, "hop limit out of range");

  // The IPv4 MTU is the link's MTU (RTM_SETLINK); IPv6 has its own (conf/IF/mtu).
  if (!v6 && wanted.nlMtu != current.nlMtu) {
    if (auto r = setLinkMtu(l->row.index, wanted.nlMtu); !r.ok()) return r;
  }
  const Link before = *l;
  IpInterfaceRow& row = v6 ? l->ipv6 : l->ipv4;
  row.forwardingEnabled = wanted.forwardingEnabled;
  row.baseReachableTime = row.reachableTime = wanted.baseReachableTime;
  row.retransmitTime = wanted.retransmitTime;
  const bool disable = v6 && row.enabled && !wanted.enabled;
  const bool enable = v6 && !row.enabled && wanted.enabled;
  if (v6) {
    row.enabled = wanted.enabled;
    row.nlMtu = wanted.nlMtu;
    row.dadTransmits = wanted.dadTransmits;
    row.curHopLimit = wanted.curHopLimit;
    row.routerDiscoveryEnabled = wanted.routerDiscoveryEnabled;
  }
  publishLinkEdits(before, *l);
  // disable_ipv6 runs addrconf_ifdown(); clearing it configures the link again if it is running.
  if (disable) stopIpv6(*l);
  if (enable && l->row.adminStatus == AdminStatus::Up) {
    for (const auto& key : addressKeysOn(l->row.index, Family::V6))
      addAddressRoutes(addresses_.at(key), *l);
    if (l->row.operStatus == OperStatus::Up) startIpv6(*l);
  }
  return Result::success();
}

Result SimKernel::setGlobalSettings(const IpGlobalSettings& settings) {
  if (settings.family != Family::V4 && settings.family != Family::V6)
    return failure(Status::InvalidParameter, "family must be IPv4 or IPv6");
  if (settings.defaultHopLimit == 0 || settings.defaultHopLimit > 255)
    return failure(Status::InvalidParameter, "hop limit out of range");
  IpGlobalSettings& global = settings.family == Family::V6 ? global6_ : global4_;
  const bool forwardingChanged = global.forwarding != settings.forwarding;
  global.forwarding = settings.forwarding;
  global.defaultHopLimit = settings.defaultHopLimit;
  // Writing ip_forward / conf/all/forwarding rewrites every interface's forwarding too.
  if (forwardingChanged) {
    for (auto& [index, l] : links_) {
      const Link before = l;
      (settings.family == Family::V6 ? l.ipv6 : l.ipv4).forwardingEnabled = settings.forwarding;
      publishLinkEdits(before, l);
    }
  }
  return Result::success();
}

Result SimKernel::setReassemblyTimeout(Family family, long long seconds) {
  if (family != Family::V4 && family != Family::V6)
    return failure(Status::InvalidParameter, "family must be IPv4 or IPv6");
  // Linux stores the value in jiffies in an int (proc_dointvec_jiffies): at HZ=1000 that is about
  // 24 days; a negative time is refused here rather than modelled.
  if (seconds < 0 || seconds > std::numeric_limits<int>::max() / 1000)
    return failure(Status::InvalidParameter, "fragment time out of range");
  (family == Family::V6 ? global6_ : global4_).reassemblyTimeout = std::uint32_t(seconds);
  return Result::success();
}

} // namespace ipmibd::platform::sim
