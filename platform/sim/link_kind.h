// LinkKind: the kinds of link a simulation can create (`ip link add NAME type KIND`).
#pragma once

#include <cstdint>
#include <string_view>

namespace ipmibd::platform::sim {

// Ether stands for a physical NIC and Loopback for an extra loopback device; neither exists as an
// iproute2 link type, they let scenarios model hosts that veth/dummy alone cannot. Vrf is a VRF
// device (`ip link add NAME type vrf table N`); Bridge, Vlan and Macvlan exist for the interface
// stack (ports below a bridge, a VLAN or macvlan above its parent). A VRF or a bridge can be a master.
enum class LinkKind : std::uint8_t { Ether, Dummy, Veth, Loopback, Vrf, Bridge, Vlan, Macvlan };

inline std::string_view toString(LinkKind kind) {
  switch (kind) {
  case LinkKind::Ether: return "ether";
  case LinkKind::Dummy: return "dummy";
  case LinkKind::Veth: return "veth";
  case LinkKind::Loopback: return "loopback";
  case LinkKind::Vrf: return "vrf";
  case LinkKind::Bridge: return "bridge";
  case LinkKind::Vlan: return "vlan";
  case LinkKind::Macvlan: return "macvlan";
  }
  return "?";
}

} // namespace ipmibd::platform::sim
