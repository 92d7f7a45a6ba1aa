// Initialize…Entry defaults and enum names for the platform rows.
#include "platform/rows.h"

namespace ipmibd::platform {

void initializeIpForwardEntry(RouteRow& row) {
  row = RouteRow{};
  row.validLifetime = row.preferredLifetime = kInfiniteLifetime;
  row.loopback = row.autoconfigureAddress = row.publish = row.immortal = true;
  row.sitePrefixLength = 0xff;
  row.metric = kUnspecifiedMetric;
  row.protocol = RouteProtocol::Unspecified;
  row.table = kMainRouteTable;
}

void initializeUnicastIpAddressEntry(UnicastAddressRow& row) {
  row = UnicastAddressRow{};
  row.prefixOrigin = PrefixOrigin::Unchanged;
  row.suffixOrigin = SuffixOrigin::Unchanged;
  row.onLinkPrefixLength = 0xff;
  row.validLifetime = row.preferredLifetime = kInfiniteLifetime;
  row.skipAsSource = false;
}

void initializeIpInterfaceEntry(IpInterfaceRow& row) {
  row = IpInterfaceRow{};
  row.enabled = false;
}

std::string_view toString(NeighborState s) {
  switch (s) {
  case NeighborState::Unreachable: return "unreachable";
  case NeighborState::Incomplete: return "incomplete";
  case NeighborState::Probe: return "probe";
  case NeighborState::Delay: return "delay";
  case NeighborState::Stale: return "stale";
  case NeighborState::Reachable: return "reachable";
  case NeighborState::Permanent: return "permanent";
  case NeighborState::NoArp: return "noarp";
  }
  return "?";
}

std::string_view toString(RouteType t) {
  switch (t) {
  case RouteType::Unicast: return "unicast";
  case RouteType::Local: return "local";
  case RouteType::Broadcast: return "broadcast";
  case RouteType::Anycast: return "anycast";
  case RouteType::Multicast: return "multicast";
  case RouteType::Blackhole: return "blackhole";
  case RouteType::Unreachable: return "unreachable";
  case RouteType::Prohibit: return "prohibit";
  case RouteType::Throw: return "throw";
  case RouteType::Nat: return "nat";
  case RouteType::Other: return "other";
  }
  return "?";
}

std::string_view toString(RouteProtocol p) {
  switch (p) {
  case RouteProtocol::Other: return "other";
  case RouteProtocol::Local: return "local";
  case RouteProtocol::NetMgmt: return "netmgmt";
  case RouteProtocol::Icmp: return "icmp";
  case RouteProtocol::Egp: return "egp";
  case RouteProtocol::Ggp: return "ggp";
  case RouteProtocol::Hello: return "hello";
  case RouteProtocol::Rip: return "rip";
  case RouteProtocol::IsIs: return "isis";
  case RouteProtocol::EsIs: return "esis";
  case RouteProtocol::Cisco: return "cisco";
  case RouteProtocol::Bbn: return "bbn";
  case RouteProtocol::Ospf: return "ospf";
  case RouteProtocol::Bgp: return "bgp";
  case RouteProtocol::Idpr: return "idpr";
  case RouteProtocol::Eigrp: return "eigrp";
  case RouteProtocol::Dvmrp: return "dvmrp";
  case RouteProtocol::Rpl: return "rpl";
  case RouteProtocol::Dhcp: return "dhcp";
  case RouteProtocol::NtAutostatic: return "nt-autostatic";
  case RouteProtocol::NtStatic: return "nt-static";
  case RouteProtocol::NtStaticNonDod: return "nt-static-non-dod";
  case RouteProtocol::Unspecified: return "unspecified";
  }
  return "?";
}

std::string_view toString(OperStatus s) {
  switch (s) {
  case OperStatus::Up: return "up";
  case OperStatus::Down: return "down";
  case OperStatus::Testing: return "testing";
  case OperStatus::Unknown: return "unknown";
  case OperStatus::Dormant: return "dormant";
  case OperStatus::NotPresent: return "notPresent";
  case OperStatus::LowerLayerDown: return "lowerLayerDown";
  }
  return "?";
}

std::string_view toString(DadState s) {
  switch (s) {
  case DadState::Invalid: return "invalid";
  case DadState::Tentative: return "tentative";
  case DadState::Duplicate: return "duplicate";
  case DadState::Deprecated: return "deprecated";
  case DadState::Preferred: return "preferred";
  }
  return "?";
}

} // namespace ipmibd::platform
