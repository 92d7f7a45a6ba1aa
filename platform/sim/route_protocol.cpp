// Mapping between kernel route protocol numbers, their iproute2 names and IANAipRouteProtocol.
#include "platform/sim/route_protocol.h"

#include <array>
#include <charconv>
#include <utility>

namespace ipmibd::platform::sim {

RouteProtocol routeProtocolOf(std::uint8_t native) {
  switch (native) {
  case kProtoKernel: return RouteProtocol::Local;
  case kProtoBoot:
  case kProtoStatic: return RouteProtocol::NetMgmt;
  case kProtoRedirect:
  case kProtoRa: return RouteProtocol::Icmp;
  case kProtoDhcp: return RouteProtocol::Dhcp;
  case kProtoBgp: return RouteProtocol::Bgp;
  case kProtoIsis: return RouteProtocol::IsIs;
  case kProtoOspf: return RouteProtocol::Ospf;
  case kProtoRip: return RouteProtocol::Rip;
  case kProtoEigrp: return RouteProtocol::Eigrp;
  default: return RouteProtocol::Other;
  }
}

std::optional<std::uint8_t> nativeProtocolOf(RouteProtocol protocol) {
  switch (protocol) {
  case RouteProtocol::Unspecified:
  case RouteProtocol::NetMgmt:
  case RouteProtocol::NtStatic:
  case RouteProtocol::NtStaticNonDod: return kProtoStatic;
  case RouteProtocol::Other: return kProtoUnspec;
  case RouteProtocol::Local: return kProtoKernel;
  case RouteProtocol::Icmp: return kProtoRa;
  case RouteProtocol::Dhcp: return kProtoDhcp;
  case RouteProtocol::Bgp: return kProtoBgp;
  case RouteProtocol::IsIs: return kProtoIsis;
  case RouteProtocol::Ospf: return kProtoOspf;
  case RouteProtocol::Rip: return kProtoRip;
  case RouteProtocol::Eigrp: return kProtoEigrp;
  default: return std::nullopt;
  }
}

RouteOrigin routeOriginOf(std::uint8_t native) {
  switch (native) {
  case kProtoKernel: return RouteOrigin::WellKnown;
  case kProtoRa: return RouteOrigin::RouterAdvertisement;
  case kProtoDhcp: return RouteOrigin::Dhcp;
  default: return RouteOrigin::Manual;
  }
}

std::optional<std::uint8_t> parseProtocolName(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::uint8_t>, 14> kNames{{
      {"unspec", kProtoUnspec},
      {"redirect", kProtoRedirect},
      {"kernel", kProtoKernel},
      {"boot", kProtoBoot},
      {"static", kProtoStatic},
      {"ra", kProtoRa},
      {"zebra", kProtoZebra},
      {"bird", kProtoBird},
      {"dhcp", kProtoDhcp},
      {"bgp", kProtoBgp},
      {"isis", kProtoIsis},
      {"ospf", kProtoOspf},
      {"rip", kProtoRip},
      {"eigrp", kProtoEigrp},
  }};
  for (const auto& [name, value] : kNames)
    if (name == text) return value;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > 255)
    return std::nullopt;
  return std::uint8_t(value);
}

} // namespace ipmibd::platform::sim
