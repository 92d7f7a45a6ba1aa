// Kernel route protocol numbers (rtm_protocol) and what the Linux read side reports for them.
#pragma once

#include "platform/rows.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace ipmibd::platform::sim {

// The RTPROT_* values of <linux/rtnetlink.h> the simulator knows by name.
inline constexpr std::uint8_t kProtoUnspec = 0;
inline constexpr std::uint8_t kProtoRedirect = 1;
inline constexpr std::uint8_t kProtoKernel = 2;
inline constexpr std::uint8_t kProtoBoot = 3;
inline constexpr std::uint8_t kProtoStatic = 4;
inline constexpr std::uint8_t kProtoRa = 9;
inline constexpr std::uint8_t kProtoZebra = 11;
inline constexpr std::uint8_t kProtoBird = 12;
inline constexpr std::uint8_t kProtoDhcp = 16;
inline constexpr std::uint8_t kProtoBgp = 186;
inline constexpr std::uint8_t kProtoIsis = 187;
inline constexpr std::uint8_t kProtoOspf = 188;
inline constexpr std::uint8_t kProtoRip = 189;
inline constexpr std::uint8_t kProtoEigrp = 192;

// kernel 2 -> Local, boot/static -> NetMgmt, ra/redirect -> Icmp, dhcp -> Dhcp, the routing daemons'
// own numbers -> their protocol; zebra/bird and unknown numbers -> Other (they can carry anything).
RouteProtocol routeProtocolOf(std::uint8_t native);
// The number a create request stores: Unspecified -> static (4). nullopt for protocols Linux has no
// number for (EGP, Hello, ...).
std::optional<std::uint8_t> nativeProtocolOf(RouteProtocol protocol);
// kernel -> WellKnown, ra -> RouterAdvertisement, dhcp -> Dhcp, else Manual.
RouteOrigin routeOriginOf(std::uint8_t native);
// iproute2's names (/etc/iproute2/rt_protos) or a decimal number.
std::optional<std::uint8_t> parseProtocolName(std::string_view text);

} // namespace ipmibd::platform::sim
