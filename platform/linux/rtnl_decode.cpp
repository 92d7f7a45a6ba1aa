// Pure, bounds-checked rtnetlink parsers turning kernel messages (dumps and events alike) into
// platform rows, and the parsers of the /proc/net counter files behind the statistics rows.
#include "platform/linux/rtnl_decode.h"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/tcp_metrics.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace ipmibd::platform::linux_backend {

namespace {

// ---- attribute access -------------------------------------------------------------------------

// Attribute table filled by mnl_attr_parse*: one pointer per type up to Max; unknown (newer) types
// are ignored, later duplicates win as in the kernel's own nla_parse.
template <unsigned Max> struct Attributes {
  std::array<const nlattr*, Max + 1> table{};
  const nlattr* operator[](unsigned type) const { return type <= Max ? table[type] : nullptr; }
};

// Attribute payload accessors (inline equivalents of mnl_attr_get_payload[_len]); attributes come
// only from parseAttributes, so nla_len >= sizeof(nlattr) holds.
std::size_t payloadLength(const nlattr* a) { return a->nla_len - MNL_ATTR_HDRLEN; }
const std::uint8_t* payloadBytes(const nlattr* a) {
  return reinterpret_cast<const std::uint8_t*>(a) + MNL_ATTR_HDRLEN;
}

// Walks the attributes in [data, data + length) with exactly mnl_attr_ok()'s bounds checks (a header
// fits, nla_len covers the header and stays inside the buffer), inlined: through libmnl's
// callback-per-attribute interface the calls alone cost a third of a million-route dump's decoding.
template <unsigned Max>
bool parseAttributes(const std::uint8_t* data, std::size_t length, Attributes<Max>& out) {
  while (length >= sizeof(nlattr)) {
    nlattr header;
    std::memcpy(&header, data, sizeof header);
    if (header.nla_len < sizeof(nlattr) || header.nla_len > length) break;
    const unsigned type = header.nla_type & NLA_TYPE_MASK;
    if (type <= Max) out.table[type] = reinterpret_cast<const nlattr*>(data);
    const std::size_t step = std::min<std::size_t>(MNL_ALIGN(header.nla_len), length);
    data += step;
    length -= step;
  }
  return true;
}

// The header (`headerSize` bytes after the nlmsghdr) must fit in nlmsg_len; attributes follow it.
template <unsigned Max> bool parseMessage(const nlmsghdr& m, std::size_t headerSize, Attributes<Max>& out) {
  if (m.nlmsg_len < NLMSG_LENGTH(headerSize)) return false;
  const std::size_t offset = NLMSG_LENGTH(NLMSG_ALIGN(headerSize));
  if (m.nlmsg_len < offset) return true; // a header without attributes
  return parseAttributes(reinterpret_cast<const std::uint8_t*>(&m) + offset, m.nlmsg_len - offset, out);
}

template <unsigned Max> bool parseNested(const nlattr* nest, Attributes<Max>& out) {
  return parseAttributes(payloadBytes(nest), payloadLength(nest), out);
}

template <unsigned Max> bool parsePayload(const void* payload, std::size_t length, Attributes<Max>& out) {
  return parseAttributes(static_cast<const std::uint8_t*>(payload), length, out);
}

template <class T> std::optional<T> scalar(const nlattr* a) {
  if (!a || payloadLength(a) < sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, payloadBytes(a), sizeof value);
  return value;
}

// Copies a kernel struct that may be shorter (older kernel) or longer (newer kernel) than ours.
template <class T> bool structure(const nlattr* a, T& out, std::size_t minimum = sizeof(T)) {
  out = T{};
  if (!a || payloadLength(a) < minimum) return false;
  std::memcpy(&out, payloadBytes(a), std::min(payloadLength(a), sizeof(T)));
  return true;
}

std::string text(const nlattr* a) {
  if (!a) return {};
  const auto* p = reinterpret_cast<const char*>(payloadBytes(a));
  return std::string(p, strnlen(p, payloadLength(a)));
}

PhysicalAddress physical(const nlattr* a) {
  if (!a || payloadLength(a) > 32) return {};
  return PhysicalAddress(payloadBytes(a), payloadLength(a));
}

// An address attribute of exactly the family's size; IPv6 link-local ones get `scope`.
std::optional<IpAddress> address(const nlattr* a, int family, std::uint32_t scope = 0) {
  const std::size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (!a || want == 0 || payloadLength(a) != want) return std::nullopt;
  auto ip = IpAddress::fromBytes(payloadBytes(a), want);
  if (ip && ip->isV6LinkLocal()) *ip = ip->withScope(scope);
  return ip;
}

Family familyFrom(int family) {
  return family == AF_INET ? Family::V4 : family == AF_INET6 ? Family::V6 : Family::Unspecified;
}

// Kernel clock_t values (USER_HZ ticks) in interface-visible units.
std::uint64_t ticksPerSecond() {
  static const std::uint64_t hz = [] {
    const long v = ::sysconf(_SC_CLK_TCK);
    return v > 0 ? std::uint64_t(v) : std::uint64_t(100);
  }();
  return hz;
}
std::chrono::milliseconds ticksToDuration(std::uint64_t ticks) {
  return std::chrono::milliseconds(ticks * 1000 / ticksPerSecond());
}

// ---- links ------------------------------------------------------------------------------------

// ARPHRD_* -> IANAifType. Tunnels of every kind are tunnel(131), as net-snmp reports them.
std::uint16_t ianaTypeFromArphrd(unsigned arphrd) {
  switch (arphrd) {
  case ARPHRD_ETHER:
  case ARPHRD_EETHER: return 6;    // ethernetCsmacd
  case ARPHRD_LOOPBACK: return 24; // softwareLoopback
  case ARPHRD_PPP: return 23;      // ppp
  case ARPHRD_SLIP:
  case ARPHRD_CSLIP: return 28; // slip
  case ARPHRD_TUNNEL:
  case ARPHRD_TUNNEL6:
  case ARPHRD_SIT:
  case ARPHRD_IPGRE:
  case ARPHRD_IP6GRE: return 131; // tunnel
  case ARPHRD_IEEE80211:
  case ARPHRD_IEEE80211_PRISM:
  case ARPHRD_IEEE80211_RADIOTAP: return 71; // ieee80211
  case ARPHRD_INFINIBAND: return 199;        // infiniband
  case ARPHRD_FDDI: return 15;               // fddi
  case ARPHRD_IEEE802: return 9;             // iso88025TokenRing
  case ARPHRD_ATM: return 37;                // atm
  case ARPHRD_HDLC: return 118;              // hdlc
  case ARPHRD_X25: return 5;                 // rfc877x25
  case ARPHRD_IEEE1394: return 144;          // ieee1394
  case ARPHRD_IEEE802154: return 259;        // ieee802154
  default: return 1;                         // other (ARPHRD_NONE: tun, wireguard, ...)
  }
}

std::string_view describeType(std::uint16_t ianaType) {
  switch (ianaType) {
  case 6: return "ethernet";
  case 24: return "loopback";
  case 23: return "ppp";
  case 28: return "slip";
  case 131: return "tunnel";
  case 71: return "ieee80211";
  case 199: return "infiniband";
  default: return "other";
  }
}

// IFLA_OPERSTATE (RFC 2863 values) refined by the flags: an administratively down interface is
// down, and drivers that never report carrier leave UNKNOWN although they pass traffic (loopback,
// tun), which the kernel itself treats as up (IFF_RUNNING).
OperStatus operStatusOf(std::optional<std::uint8_t> operstate, unsigned flags) {
  if (!(flags & IFF_UP)) return OperStatus::Down;
  if (!operstate) return (flags & IFF_RUNNING) ? OperStatus::Up : OperStatus::Down;
  switch (*operstate) {
  case IF_OPER_UP: return OperStatus::Up;
  case IF_OPER_UNKNOWN: return (flags & IFF_RUNNING) ? OperStatus::Up : OperStatus::Unknown;
  case IF_OPER_NOTPRESENT: return OperStatus::NotPresent;
  case IF_OPER_DOWN: return OperStatus::Down;
  case IF_OPER_LOWERLAYERDOWN: return OperStatus::LowerLayerDown;
  case IF_OPER_TESTING: return OperStatus::Testing;
  case IF_OPER_DORMANT: return OperStatus::Dormant;
  default: return OperStatus::Unknown;
  }
}

bool linkHeader(const nlmsghdr& m, ifinfomsg& header) {
  if (m.nlmsg_type != RTM_NEWLINK && m.nlmsg_type != RTM_DELLINK) return false;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return false;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  return header.ifi_index > 0;
}

std::uint64_t minus(std::uint64_t a, std::uint64_t b) { return a >= b ? a - b : 0; }

// ---- IP interfaces ----------------------------------------------------------------------------

// The modified EUI-64 interface identifier of a 48-bit MAC (RFC 4291 appendix A).
PhysicalAddress eui64(const PhysicalAddress& mac) {
  if (mac.size() != 6) return {};
  bool zero = true;
  for (auto b : mac)
    zero = zero && b == 0;
  if (zero) return {};
  return PhysicalAddress{std::uint8_t(mac[0] ^ 0x02), mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]};
}

// Index i of a devconf array attribute (s32/u32 entries), if the kernel sent that many.
std::optional<std::uint32_t> confEntry(const nlattr* conf, unsigned index) {
  if (!conf || payloadLength(conf) < (index + 1) * 4) return std::nullopt;
  std::uint32_t v;
  std::memcpy(&v, payloadBytes(conf) + index * 4, 4);
  return v;
}

// The first attribute of `type` inside a nest (IFLA_AF_SPEC is keyed by address family).
const nlattr* nestedOfType(const nlattr* nest, unsigned type) {
  Attributes<AF_MAX> byFamily;
  if (type > AF_MAX || !parseNested(nest, byFamily)) return nullptr;
  return byFamily[type];
}

// The IFLA_INET6_* attributes of a link message: inside IFLA_AF_SPEC/AF_INET6 for AF_UNSPEC
// messages, inside IFLA_PROTINFO for the AF_INET6 ones (RTNLGRP_IPV6_IFINFO events, AF_INET6 dumps).
bool inet6Attributes(const nlmsghdr& m, const ifinfomsg& header, const Attributes<IFLA_MAX>& tb,
                     Attributes<IFLA_INET6_MAX>& out) {
  if (header.ifi_family == AF_INET6) return tb[IFLA_PROTINFO] && parseNested(tb[IFLA_PROTINFO], out);
  if (header.ifi_family != AF_UNSPEC || !tb[IFLA_AF_SPEC]) return false;
  (void)m;
  const nlattr* found = nestedOfType(tb[IFLA_AF_SPEC], AF_INET6);
  return found && parseNested(found, out);
}

const nlattr* inet4Conf(const ifinfomsg& header, const Attributes<IFLA_MAX>& tb) {
  if (header.ifi_family != AF_UNSPEC || !tb[IFLA_AF_SPEC]) return nullptr;
  const nlattr* found = nestedOfType(tb[IFLA_AF_SPEC], AF_INET);
  Attributes<IFLA_INET_MAX> inet;
  if (!found || !parseNested(found, inet)) return nullptr;
  return inet[IFLA_INET_CONF];
}

// ---- routes -----------------------------------------------------------------------------------

RouteType routeTypeFrom(unsigned type) {
  switch (type) {
  case RTN_UNICAST: return RouteType::Unicast;
  case RTN_LOCAL: return RouteType::Local;
  case RTN_BROADCAST: return RouteType::Broadcast;
  case RTN_ANYCAST: return RouteType::Anycast;
  case RTN_MULTICAST: return RouteType::Multicast;
  case RTN_BLACKHOLE: return RouteType::Blackhole;
  case RTN_UNREACHABLE: return RouteType::Unreachable;
  case RTN_PROHIBIT: return RouteType::Prohibit;
  case RTN_THROW: return RouteType::Throw;
  case RTN_NAT: return RouteType::Nat;
  default: return RouteType::Other; // RTN_UNSPEC, RTN_XRESOLVE, newer types
  }
}

RouteOrigin routeOriginFrom(unsigned protocol) {
  switch (protocol) {
  case RTPROT_KERNEL: return RouteOrigin::WellKnown;
  case RTPROT_RA: return RouteOrigin::RouterAdvertisement;
  case RTPROT_DHCP: return RouteOrigin::Dhcp;
  default: return RouteOrigin::Manual;
  }
}

// RTA_GATEWAY, or RTA_VIA (a next hop of the other family, RFC 5549), of one next hop.
std::optional<IpAddress> nextHopOf(const nlattr* gateway, const nlattr* via, int family,
                                   std::uint32_t ifindex, bool& malformed) {
  if (gateway) {
    auto a = address(gateway, family, ifindex);
    if (!a) malformed = true;
    return a;
  }
  if (via) {
    // struct rtvia: a 2-byte family followed by the address.
    if (payloadLength(via) < 2) {
      malformed = true;
      return std::nullopt;
    }
    std::uint16_t viaFamily;
    std::memcpy(&viaFamily, payloadBytes(via), 2);
    const std::size_t length = payloadLength(via) - 2;
    if ((viaFamily == AF_INET && length == 4) || (viaFamily == AF_INET6 && length == 16)) {
      auto a = IpAddress::fromBytes(payloadBytes(via) + 2, length);
      if (a && a->isV6LinkLocal()) *a = a->withScope(ifindex);
      return a;
    }
    malformed = true;
  }
  return std::nullopt;
}

bool isReject(RouteType type) {
  return type == RouteType::Blackhole || type == RouteType::Unreachable || type == RouteType::Prohibit ||
         type == RouteType::Throw;
}

} // namespace

// ---- public decoders --------------------------------------------------------------------------

bool messageFits(const nlmsghdr* m, int remaining) {
  return remaining >= int(sizeof(nlmsghdr)) && m->nlmsg_len >= sizeof(nlmsghdr) &&
         m->nlmsg_len <= unsigned(remaining);
}

std::optional<InterfaceRow> decodeLink(const nlmsghdr& m) {
  ifinfomsg header;
  if (!linkHeader(m, header)) return std::nullopt;
  // AF_BRIDGE (bridge port state) and AF_INET6 (IPv6 ifinfo) messages share RTM_NEWLINK/DELLINK but
  // describe something else; only AF_UNSPEC ones are about the link itself.
  if (header.ifi_family != AF_UNSPEC) return std::nullopt;
  Attributes<IFLA_MAX> tb;
  if (!parseMessage(m, sizeof(ifinfomsg), tb)) return std::nullopt;

  InterfaceRow row;
  row.index = InterfaceIndex(header.ifi_index);
  row.type = ianaTypeFromArphrd(header.ifi_type);
  row.luid = InterfaceLuid::make(row.type, row.index);
  row.name = text(tb[IFLA_IFNAME]);
  row.alias = text(tb[IFLA_IFALIAS]);
  if (tb[IFLA_LINKINFO]) {
    Attributes<IFLA_INFO_MAX> info;
    if (parseNested(tb[IFLA_LINKINFO], info)) {
      row.description = text(info[IFLA_INFO_KIND]);
      // A VRF's table: the only kind-specific datum ipmibd needs (drivers/net/vrf.c vrf_fill_info).
      Attributes<IFLA_VRF_MAX> vrf;
      if (row.description == "vrf" && info[IFLA_INFO_DATA] && parseNested(info[IFLA_INFO_DATA], vrf))
        row.vrfTable = scalar<std::uint32_t>(vrf[IFLA_VRF_TABLE]).value_or(0);
    }
  }
  row.masterIndex = scalar<std::uint32_t>(tb[IFLA_MASTER]).value_or(0);
  if (row.description.empty()) row.description = std::string(describeType(row.type));
  // Layering (platform/if_stack.h). IFLA_LINK of a veth (or vxcan, netkit) names its peer, beside
  // it rather than below; with IFLA_LINK_NETNSID it is an index of another namespace.
  row.masterIndex = scalar<std::uint32_t>(tb[IFLA_MASTER]).value_or(0);
  if (const auto link = scalar<std::uint32_t>(tb[IFLA_LINK]);
      link && *link != row.index && !tb[IFLA_LINK_NETNSID] && row.description != "veth" &&
      row.description != "vxcan" && row.description != "netkit")
    row.linkIndex = *link;
  row.mtu = scalar<std::uint32_t>(tb[IFLA_MTU]).value_or(0);
  row.physicalAddress = physical(tb[IFLA_ADDRESS]);
  row.permanentPhysicalAddress = physical(tb[IFLA_PERM_ADDRESS]);
  row.adminStatus = (header.ifi_flags & IFF_UP) ? AdminStatus::Up : AdminStatus::Down;
  row.operStatus = operStatusOf(scalar<std::uint8_t>(tb[IFLA_OPERSTATE]), header.ifi_flags);
  row.promiscuous = header.ifi_flags & IFF_PROMISC;

  rtnl_link_stats64 s64;
  rtnl_link_stats s32;
  // Linux has no transmit-side multicast count; received unicast = all received minus multicast.
  if (structure(tb[IFLA_STATS64], s64, offsetof(rtnl_link_stats64, multicast) + sizeof s64.multicast)) {
    row.inOctets = s64.rx_bytes;
    row.inUcastPkts = minus(s64.rx_packets, s64.multicast);
    row.inNUcastPkts = row.inMulticastPkts = s64.multicast;
    row.inDiscards = s64.rx_dropped;
    row.inErrors = s64.rx_errors;
    row.inUnknownProtos = s64.rx_nohandler;
    row.outOctets = s64.tx_bytes;
    row.outUcastPkts = s64.tx_packets;
    row.outDiscards = s64.tx_dropped;
    row.outErrors = s64.tx_errors;
  } else if (structure(tb[IFLA_STATS], s32, offsetof(rtnl_link_stats, multicast) + sizeof s32.multicast)) {
    row.inOctets = s32.rx_bytes;
    row.inUcastPkts = minus(s32.rx_packets, s32.multicast);
    row.inNUcastPkts = row.inMulticastPkts = s32.multicast;
    row.inDiscards = s32.rx_dropped;
    row.inErrors = s32.rx_errors;
    row.inUnknownProtos = s32.rx_nohandler;
    row.outOctets = s32.tx_bytes;
    row.outUcastPkts = s32.tx_packets;
    row.outDiscards = s32.tx_dropped;
    row.outErrors = s32.tx_errors;
  }
  return row;
}

void decodeIpInterfaces(const nlmsghdr& m, std::vector<IpInterfaceRow>& out) {
  ifinfomsg header;
  if (!linkHeader(m, header)) return;
  if (header.ifi_family != AF_UNSPEC && header.ifi_family != AF_INET6) return;
  Attributes<IFLA_MAX> tb;
  if (!parseMessage(m, sizeof(ifinfomsg), tb)) return;

  IpInterfaceRow base;
  base.interfaceIndex = InterfaceIndex(header.ifi_index);
  base.luid = InterfaceLuid::make(ianaTypeFromArphrd(header.ifi_type), base.interfaceIndex);
  base.connected = operStatusOf(scalar<std::uint8_t>(tb[IFLA_OPERSTATE]), header.ifi_flags) == OperStatus::Up;
  const std::uint32_t mtu = scalar<std::uint32_t>(tb[IFLA_MTU]).value_or(0);

  if (const nlattr* conf = inet4Conf(header, tb)) {
    IpInterfaceRow row = base;
    row.family = Family::V4;
    row.enabled = true; // Linux cannot disable IPv4 on an interface that has an in_device
    row.forwardingEnabled = confEntry(conf, IPV4_DEVCONF_FORWARDING - 1).value_or(0) != 0;
    row.nlMtu = mtu; // IPv4 uses the device MTU
    // IPv4 reassembles datagrams up to the largest IP datagram (ipv4InterfaceReasmMaxSize).
    row.reassemblyMaxSize = 65535;
    // Reachable/retransmit times live in the ARP neighbour parameters (decodeNeighborParms).
    out.push_back(std::move(row));
  }

  Attributes<IFLA_INET6_MAX> in6;
  if (inet6Attributes(m, header, tb, in6) && in6[IFLA_INET6_CONF]) {
    const nlattr* conf = in6[IFLA_INET6_CONF];
    IpInterfaceRow row = base;
    row.family = Family::V6;
    row.enabled = confEntry(conf, DEVCONF_DISABLE_IPV6).value_or(0) == 0;
    row.forwardingEnabled = confEntry(conf, DEVCONF_FORWARDING).value_or(0) != 0;
    row.routerDiscoveryEnabled = confEntry(conf, DEVCONF_ACCEPT_RA).value_or(0) != 0;
    row.nlMtu = confEntry(conf, DEVCONF_MTU6).value_or(mtu);
    row.dadTransmits = confEntry(conf, DEVCONF_DAD_TRANSMITS).value_or(0);
    row.curHopLimit = confEntry(conf, DEVCONF_HOPLIMIT).value_or(0);
    ifla_cacheinfo cache;
    if (structure(in6[IFLA_INET6_CACHEINFO], cache)) {
      row.reassemblyMaxSize = cache.max_reasm_len;
      row.reachableTime = cache.reachable_time;
      row.retransmitTime = cache.retrans_time;
    }
    // The identifier SLAAC uses: the configured token, else the EUI-64 of the MAC in the default
    // address generation mode. (The backend falls back to the link-local address's identifier.)
    std::array<std::uint8_t, 16> token{};
    bool haveToken = false;
    if (in6[IFLA_INET6_TOKEN] && payloadLength(in6[IFLA_INET6_TOKEN]) == 16) {
      std::memcpy(token.data(), payloadBytes(in6[IFLA_INET6_TOKEN]), 16);
      for (int i = 8; i < 16; ++i)
        haveToken = haveToken || token[i] != 0;
    }
    if (haveToken) {
      row.interfaceIdentifier.assign(token.begin() + 8, token.end());
    } else if (scalar<std::uint8_t>(in6[IFLA_INET6_ADDR_GEN_MODE]).value_or(IN6_ADDR_GEN_MODE_EUI64) ==
               IN6_ADDR_GEN_MODE_EUI64) {
      row.interfaceIdentifier = eui64(physical(tb[IFLA_ADDRESS]));
    }
    out.push_back(std::move(row));
  }
}

std::optional<UnicastAddressRow> decodeAddress(const nlmsghdr& m, Timestamp now) {
  if (m.nlmsg_type != RTM_NEWADDR && m.nlmsg_type != RTM_DELADDR) return std::nullopt;
  ifaddrmsg header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.ifa_family != AF_INET && header.ifa_family != AF_INET6) return std::nullopt;
  if (header.ifa_index == 0) return std::nullopt;
  Attributes<IFA_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return std::nullopt;
  if (tb[IFA_MULTICAST] || tb[IFA_ANYCAST]) return std::nullopt;

  const bool v6 = header.ifa_family == AF_INET6;
  if (header.ifa_prefixlen > (v6 ? 128 : 32)) return std::nullopt;
  // IFA_LOCAL is the interface's own address when present (point-to-point: IFA_ADDRESS is the peer).
  auto local = address(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS], header.ifa_family, header.ifa_index);
  if (!local || local->isMulticast()) return std::nullopt;

  UnicastAddressRow row;
  row.address = *local;
  row.interfaceIndex = header.ifa_index;
  row.onLinkPrefixLength = header.ifa_prefixlen;
  const std::uint32_t flags = scalar<std::uint32_t>(tb[IFA_FLAGS]).value_or(header.ifa_flags);
  row.permanent = flags & IFA_F_PERMANENT;
  row.secondary = !v6 && (flags & IFA_F_SECONDARY); // the same bit means "temporary" in IPv6
  const bool temporary = v6 && (flags & IFA_F_TEMPORARY);
  if (flags & IFA_F_DADFAILED)
    row.dadState = DadState::Duplicate;
  else if (flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC))
    row.dadState = DadState::Tentative;
  else if (flags & IFA_F_DEPRECATED)
    row.dadState = DadState::Deprecated;
  else
    row.dadState = DadState::Preferred;
  if (auto b = address(tb[IFA_BROADCAST], header.ifa_family)) row.broadcast = *b;

  // Origins (NL_PREFIX_ORIGIN / NL_SUFFIX_ORIGIN). IFA_PROTO (Linux 6.1+) tells kernel-made
  // addresses apart; without it, what the kernel configures is recognized by its flags.
  const auto proto = scalar<std::uint8_t>(tb[IFA_PROTO]).value_or(IFAPROT_UNSPEC);
  if (local->isLoopback() || proto == IFAPROT_KERNEL_LO) {
    row.prefixOrigin = PrefixOrigin::WellKnown;
    row.suffixOrigin = SuffixOrigin::WellKnown;
  } else if (local->isV6LinkLocal() || proto == IFAPROT_KERNEL_LL) {
    row.prefixOrigin = PrefixOrigin::WellKnown;
    row.suffixOrigin = SuffixOrigin::LinkLayerAddress;
  } else if (v6 && (temporary || proto == IFAPROT_KERNEL_RA || !row.permanent)) {
    // SLAAC: public addresses (mngtmpaddr, or simply not permanent) and RFC 8981 temporaries.
    row.prefixOrigin = PrefixOrigin::RouterAdvertisement;
    row.suffixOrigin =
        (temporary || (flags & IFA_F_STABLE_PRIVACY)) ? SuffixOrigin::Random : SuffixOrigin::LinkLayerAddress;
  } else if (!v6 && !row.permanent) {
    // Userspace adds IPv4 addresses with finite lifetimes only for leases (DHCP clients).
    row.prefixOrigin = PrefixOrigin::Dhcp;
    row.suffixOrigin = SuffixOrigin::Dhcp;
  } else {
    row.prefixOrigin = PrefixOrigin::Manual;
    row.suffixOrigin = SuffixOrigin::Manual;
  }

  ifa_cacheinfo cache;
  if (structure(tb[IFA_CACHEINFO], cache)) {
    row.validLifetime = cache.ifa_valid;
    row.preferredLifetime = cache.ifa_prefered;
    // cstamp/tstamp are hundredths of a second since boot, the epoch of CLOCK_MONOTONIC (=
    // steady_clock): absolute, so decoding the same address twice yields the same timestamps.
    auto since = [&](std::uint32_t hundredths) {
      const Timestamp t{
          std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(hundredths) * 10)};
      return t > now ? now : t;
    };
    row.creationTimeStamp = since(cache.cstamp);
    row.lastChange = since(cache.tstamp);
  }
  return row;
}

std::optional<NeighborRow> decodeNeighbor(const nlmsghdr& m, Timestamp now) {
  if (m.nlmsg_type != RTM_NEWNEIGH && m.nlmsg_type != RTM_DELNEIGH) return std::nullopt;
  ndmsg header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.ndm_family != AF_INET && header.ndm_family != AF_INET6) return std::nullopt;
  // Proxy entries are answers we give for others, not neighbours we know.
  if (header.ndm_flags & NTF_PROXY) return std::nullopt;
  if (header.ndm_ifindex <= 0) return std::nullopt;
  Attributes<NDA_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return std::nullopt;
  auto dst = address(tb[NDA_DST], header.ndm_family, std::uint32_t(header.ndm_ifindex));
  if (!dst) return std::nullopt;

  NeighborRow row;
  row.address = *dst;
  row.interfaceIndex = InterfaceIndex(header.ndm_ifindex);
  row.physicalAddress = physical(tb[NDA_LLADDR]);
  row.isRouter = header.ndm_flags & NTF_ROUTER;
  const unsigned state = header.ndm_state;
  if (state & NUD_PERMANENT)
    row.state = NeighborState::Permanent;
  else if (state & NUD_NOARP)
    row.state = NeighborState::NoArp;
  else if (state & NUD_REACHABLE)
    row.state = NeighborState::Reachable;
  else if (state & NUD_STALE)
    row.state = NeighborState::Stale;
  else if (state & NUD_DELAY)
    row.state = NeighborState::Delay;
  else if (state & NUD_PROBE)
    row.state = NeighborState::Probe;
  else if (state & NUD_FAILED)
    row.state = NeighborState::Unreachable;
  else // NUD_INCOMPLETE, and NUD_NONE: an entry created but not yet resolved
    row.state = NeighborState::Incomplete;
  row.isUnreachable = state & NUD_FAILED;

  nda_cacheinfo cache;
  if (structure(tb[NDA_CACHEINFO], cache)) {
    // Relative ages in USER_HZ ticks, as the kernel computed them when it built the message.
    row.reachabilityTime =
        std::uint32_t(std::min<std::uint64_t>(ticksToDuration(cache.ndm_confirmed).count(), 0xffffffffu));
    row.lastUpdated = now - std::chrono::duration_cast<Clock::duration>(ticksToDuration(cache.ndm_updated));
  } else {
    row.lastUpdated = now;
  }
  return row;
}

std::optional<NeighborParms> decodeNeighborParms(const nlmsghdr& m) {
  if (m.nlmsg_type != RTM_NEWNEIGHTBL) return std::nullopt;
  ndtmsg header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.ndtm_family != AF_INET && header.ndtm_family != AF_INET6) return std::nullopt;
  Attributes<NDTA_MAX> tb;
  if (!parseMessage(m, sizeof header, tb) || !tb[NDTA_PARMS]) return std::nullopt;
  Attributes<NDTPA_MAX> parms;
  if (!parseNested(tb[NDTA_PARMS], parms)) return std::nullopt;
  NeighborParms out;
  out.family = familyFrom(header.ndtm_family);
  out.interfaceIndex = scalar<std::uint32_t>(parms[NDTPA_IFINDEX]).value_or(0);
  auto ms = [&](unsigned type) {
    return std::uint32_t(
        std::min<std::uint64_t>(scalar<std::uint64_t>(parms[type]).value_or(0), 0xffffffffu));
  };
  out.reachableTime = ms(NDTPA_REACHABLE_TIME);
  out.baseReachableTime = ms(NDTPA_BASE_REACHABLE_TIME);
  out.retransmitTime = ms(NDTPA_RETRANS_TIME);
  return out;
}

bool decodeRoute(const nlmsghdr& m, std::vector<RouteRow>& out) {
  if (m.nlmsg_type != RTM_NEWROUTE && m.nlmsg_type != RTM_DELROUTE) return false;
  rtmsg header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return false;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  const int family = header.rtm_family;
  if (family != AF_INET && family != AF_INET6) return false;
  const unsigned maxLength = family == AF_INET ? 32 : 128;
  if (header.rtm_dst_len > maxLength || header.rtm_src_len > maxLength) return false;
  // Route cache / IPv6 exception entries are not routes.
  if (header.rtm_flags & RTM_F_CLONED) return true;
  Attributes<RTA_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return false;
  // Source-specific (IPv6 subtree) routes have no place in a destination-keyed table.
  if (header.rtm_src_len != 0) return true;

  RouteRow row;
  if (tb[RTA_DST]) {
    auto dst = address(tb[RTA_DST], family);
    if (!dst) return false;
    row.destinationPrefix.address = *dst;
  } else {
    row.destinationPrefix.address = IpAddress::zero(familyFrom(family));
  }
  row.destinationPrefix.length = header.rtm_dst_len;
  row.table = scalar<std::uint32_t>(tb[RTA_TABLE]).value_or(header.rtm_table);
  row.type = routeTypeFrom(header.rtm_type);
  row.metric = scalar<std::uint32_t>(tb[RTA_PRIORITY]).value_or(0);
  row.nativeProtocol = header.rtm_protocol;
  row.protocol = routeProtocolFromKernel(header.rtm_protocol);
  row.origin = routeOriginFrom(header.rtm_protocol);
  row.scope = header.rtm_scope;
  row.sitePrefixLength = 0xff;
  if (auto src = address(tb[RTA_PREFSRC], family)) row.preferredSource = *src;
  rta_cacheinfo cache;
  if (structure(tb[RTA_CACHEINFO], cache) && cache.rta_expires != 0) {
    // rta_expires is the time left in clock ticks (USER_HZ) as of this message; the expiry
    // timestamp keeps it meaningful after the message is old. It is signed: a route past its expiry
    // that the kernel has not collected yet reports the time since, negative (clamped to INT_MAX
    // ticks either way); that route has no time left.
    const auto ticks = std::uint64_t(std::max<std::int32_t>(cache.rta_expires, 0));
    const auto seconds = ticks / ticksPerSecond();
    row.validLifetime = row.preferredLifetime = std::uint32_t(std::min<std::uint64_t>(seconds, 0xfffffffe));
    row.expires = Clock::now() + ticksToDuration(ticks);
    row.immortal = false;
  }
  // RFC 4191 preference of a route from a router advertisement (IPv6 only; 2 bits).
  if (auto preference = scalar<std::uint8_t>(tb[RTA_PREF]))
    row.routerPreference = RouterPreference(*preference & 3);
  const IpAddress onLink = IpAddress::zero(familyFrom(family));
  const bool reject = isReject(row.type);
  const std::size_t first = out.size();

  if (tb[RTA_MULTIPATH]) {
    const std::uint8_t* p = payloadBytes(tb[RTA_MULTIPATH]);
    std::size_t remaining = payloadLength(tb[RTA_MULTIPATH]);
    while (remaining >= sizeof(rtnexthop)) {
      rtnexthop nh;
      std::memcpy(&nh, p, sizeof nh);
      if (nh.rtnh_len < sizeof(rtnexthop) || nh.rtnh_len > remaining) {
        out.resize(first);
        return false;
      }
      Attributes<RTA_MAX> nhtb;
      const std::size_t attrOffset = RTNH_ALIGN(sizeof(rtnexthop));
      if (nh.rtnh_len > attrOffset && !parsePayload(p + attrOffset, nh.rtnh_len - attrOffset, nhtb)) {
        out.resize(first);
        return false;
      }
      bool malformed = false;
      RouteRow hop = row;
      hop.interfaceIndex = nh.rtnh_ifindex > 0 ? InterfaceIndex(nh.rtnh_ifindex) : 0;
      hop.nextHop =
          nextHopOf(nhtb[RTA_GATEWAY], nhtb[RTA_VIA], family, hop.interfaceIndex, malformed).value_or(onLink);
      if (malformed) {
        out.resize(first);
        return false;
      }
      hop.weight = std::uint8_t(nh.rtnh_hops + 1);
      out.push_back(hop);
      const std::size_t step = std::min<std::size_t>(RTNH_ALIGN(nh.rtnh_len), remaining);
      p += step;
      remaining -= step;
    }
    if (out.size() == first) return false; // an empty multipath attribute
    return true;
  }

  bool malformed = false;
  if (!reject) {
    row.interfaceIndex = scalar<std::uint32_t>(tb[RTA_OIF]).value_or(0);
    row.nextHop =
        nextHopOf(tb[RTA_GATEWAY], tb[RTA_VIA], family, row.interfaceIndex, malformed).value_or(onLink);
    if (malformed) return false;
  } else {
    // IPv6 hangs reject routes on the loopback device; they have no interface in the platform model.
    row.nextHop = onLink;
  }
  out.push_back(row);
  return true;
}

std::optional<RouteLookup> decodeRouteLookup(const nlmsghdr& m) {
  if (m.nlmsg_type != RTM_NEWROUTE) return std::nullopt;
  rtmsg header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.rtm_family != AF_INET && header.rtm_family != AF_INET6) return std::nullopt;
  Attributes<RTA_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return std::nullopt;
  RouteLookup out;
  out.type = routeTypeFrom(header.rtm_type);
  out.table = scalar<std::uint32_t>(tb[RTA_TABLE]).value_or(header.rtm_table);
  out.interfaceIndex = scalar<std::uint32_t>(tb[RTA_OIF]).value_or(0);
  bool malformed = false;
  if (auto gw = nextHopOf(tb[RTA_GATEWAY], tb[RTA_VIA], header.rtm_family, out.interfaceIndex, malformed))
    out.gateway = *gw;
  if (auto src = address(tb[RTA_PREFSRC], header.rtm_family, out.interfaceIndex)) out.preferredSource = *src;
  if (malformed) return std::nullopt;
  return out;
}

// ---- /proc/net counter files -------------------------------------------------------------------

namespace {

// Splits off the next whitespace-delimited word of `text` (empty at the end).
std::string_view nextWord(std::string_view& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) {
    text = {};
    return {};
  }
  text.remove_prefix(begin);
  const auto end = std::min(text.find_first_of(" \t"), text.size());
  const std::string_view word = text.substr(0, end);
  text.remove_prefix(end);
  return word;
}

std::string_view nextLine(std::string_view& text) {
  const auto end = std::min(text.find('\n'), text.size());
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(std::min(end + 1, text.size()));
  return line;
}

// A whole word of decimal digits that fits in 64 bits; anything else (a negative setting such as
// Tcp's MaxConn -1, a torn read) is not a counter.
std::optional<std::uint64_t> counterValue(std::string_view word) {
  if (word.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> counter(const NamedCounters& counters, std::string_view name) {
  const auto it = counters.find(name);
  return it == counters.end() ? std::nullopt : std::optional(it->second);
}

// RFC 4293: datagrams that needed fragmentation = those fragmented + those that failed to be.
void deriveFragReqds(IpStatisticsRow& row) {
  if (row.outFragOKs && row.outFragFails) row.outFragReqds = *row.outFragOKs + *row.outFragFails;
}

} // namespace

void parseProcNetPairs(std::string_view content, NamedCounters& out) {
  while (!content.empty()) {
    std::string_view names = nextLine(content);
    const std::string_view afterNames = content;
    std::string_view values = nextLine(content);
    const std::string_view prefix = nextWord(names);
    // A line pair belongs together only when both start with the same "Prefix:". Otherwise the
    // second line may start the next pair: one stray line must not misalign all that follow.
    if (prefix.size() < 2 || prefix.back() != ':' || nextWord(values) != prefix) {
      content = afterNames;
      continue;
    }
    const std::string stem(prefix.substr(0, prefix.size() - 1));
    for (std::string_view name = nextWord(names), value = nextWord(values); !name.empty() && !value.empty();
         name = nextWord(names), value = nextWord(values))
      if (auto v = counterValue(value)) out[stem + "." + std::string(name)] = *v;
  }
}

NamedCounters parseProcNetNameValue(std::string_view content) {
  NamedCounters out;
  while (!content.empty()) {
    std::string_view line = nextLine(content);
    const std::string_view name = nextWord(line);
    if (auto v = counterValue(nextWord(line)); v && !name.empty()) out[std::string(name)] = *v;
  }
  return out;
}

IpStatisticsRow ipv4Statistics(const NamedCounters& c) {
  IpStatisticsRow row;
  row.family = Family::V4;
  row.inReceives = counter(c, "Ip.InReceives");
  row.inOctets = counter(c, "IpExt.InOctets");
  row.inHdrErrors = counter(c, "Ip.InHdrErrors");
  row.inNoRoutes = counter(c, "IpExt.InNoRoutes");
  row.inAddrErrors = counter(c, "Ip.InAddrErrors");
  row.inUnknownProtos = counter(c, "Ip.InUnknownProtos");
  row.inTruncatedPkts = counter(c, "IpExt.InTruncatedPkts");
  // Linux counts a forwarded datagram once, as ForwDatagrams; it is the in-side count as well.
  row.inForwDatagrams = row.outForwDatagrams = counter(c, "Ip.ForwDatagrams");
  row.reasmReqds = counter(c, "Ip.ReasmReqds");
  row.reasmOKs = counter(c, "Ip.ReasmOKs");
  row.reasmFails = counter(c, "Ip.ReasmFails");
  row.inDiscards = counter(c, "Ip.InDiscards");
  row.inDelivers = counter(c, "Ip.InDelivers");
  row.outRequests = counter(c, "Ip.OutRequests");
  row.outNoRoutes = counter(c, "Ip.OutNoRoutes");
  row.outDiscards = counter(c, "Ip.OutDiscards");
  row.outFragOKs = counter(c, "Ip.FragOKs");
  row.outFragFails = counter(c, "Ip.FragFails");
  row.outFragCreates = counter(c, "Ip.FragCreates");
  deriveFragReqds(row);
  row.outTransmits = counter(c, "Ip.OutTransmits"); // Linux 6.3+
  row.outOctets = counter(c, "IpExt.OutOctets");
  row.inMcastPkts = counter(c, "IpExt.InMcastPkts");
  row.inMcastOctets = counter(c, "IpExt.InMcastOctets");
  row.outMcastPkts = counter(c, "IpExt.OutMcastPkts");
  row.outMcastOctets = counter(c, "IpExt.OutMcastOctets");
  row.inBcastPkts = counter(c, "IpExt.InBcastPkts");
  row.outBcastPkts = counter(c, "IpExt.OutBcastPkts");
  // Linux never discards a valid route to make room for another: the IPv4 FIB has no size limit,
  // and a route that does not fit in memory is refused (ENOMEM), never installed and then dropped.
  // So the count is truly 0 (Debian's snmpd serves 0 as well, from a field it never fills).
  row.routingDiscards = 0;
  return row;
}

IpStatisticsRow ipv6Statistics(const NamedCounters& c) {
  IpStatisticsRow row;
  row.family = Family::V6;
  row.interfaceIndex = InterfaceIndex(counter(c, "ifIndex").value_or(0));
  row.inReceives = counter(c, "Ip6InReceives");
  row.inOctets = counter(c, "Ip6InOctets");
  row.inHdrErrors = counter(c, "Ip6InHdrErrors");
  row.inNoRoutes = counter(c, "Ip6InNoRoutes");
  row.inAddrErrors = counter(c, "Ip6InAddrErrors");
  row.inUnknownProtos = counter(c, "Ip6InUnknownProtos");
  row.inTruncatedPkts = counter(c, "Ip6InTruncatedPkts");
  // As for IPv4, a forwarded datagram is counted once.
  row.inForwDatagrams = row.outForwDatagrams = counter(c, "Ip6OutForwDatagrams");
  row.reasmReqds = counter(c, "Ip6ReasmReqds");
  row.reasmOKs = counter(c, "Ip6ReasmOKs");
  row.reasmFails = counter(c, "Ip6ReasmFails");
  row.inDiscards = counter(c, "Ip6InDiscards");
  row.inDelivers = counter(c, "Ip6InDelivers");
  row.outRequests = counter(c, "Ip6OutRequests");
  row.outNoRoutes = counter(c, "Ip6OutNoRoutes");
  row.outDiscards = counter(c, "Ip6OutDiscards");
  row.outFragOKs = counter(c, "Ip6FragOKs");
  row.outFragFails = counter(c, "Ip6FragFails");
  row.outFragCreates = counter(c, "Ip6FragCreates");
  deriveFragReqds(row);
  row.outTransmits = counter(c, "Ip6OutTransmits"); // Linux 6.3+
  row.outOctets = counter(c, "Ip6OutOctets");
  row.inMcastPkts = counter(c, "Ip6InMcastPkts");
  row.inMcastOctets = counter(c, "Ip6InMcastOctets");
  row.outMcastPkts = counter(c, "Ip6OutMcastPkts");
  row.outMcastOctets = counter(c, "Ip6OutMcastOctets");
  // IPv6 has no broadcast: in/outBcastPkts stay nullopt (the kernel's Ip6*BcastOctets are always 0).
  return row;
}

RouteProtocol routeProtocolFromKernel(std::uint8_t protocol) {
  switch (protocol) {
  case RTPROT_UNSPEC: return RouteProtocol::Other;
  case RTPROT_REDIRECT: return RouteProtocol::Icmp;
  case RTPROT_KERNEL: return RouteProtocol::Local;
  case RTPROT_BOOT:
  case RTPROT_STATIC: return RouteProtocol::NetMgmt;
  case RTPROT_RA: return RouteProtocol::Icmp;
  case RTPROT_DHCP: return RouteProtocol::Dhcp;
  case RTPROT_MROUTED: return RouteProtocol::Dvmrp;
  case RTPROT_BGP: return RouteProtocol::Bgp;
  case RTPROT_ISIS: return RouteProtocol::IsIs;
  case RTPROT_OSPF: return RouteProtocol::Ospf;
  case RTPROT_RIP: return RouteProtocol::Rip;
  case RTPROT_EIGRP: return RouteProtocol::Eigrp;
  default: return RouteProtocol::Other; // zebra, bird, babel, ... without a protocol of their own here
  }
}

std::uint8_t kernelProtocolFromRoute(RouteProtocol protocol) {
  switch (protocol) {
  case RouteProtocol::Local: return RTPROT_KERNEL;
  case RouteProtocol::Icmp: return RTPROT_RA;
  case RouteProtocol::Dhcp: return RTPROT_DHCP;
  case RouteProtocol::Dvmrp: return RTPROT_MROUTED;
  case RouteProtocol::Bgp: return RTPROT_BGP;
  case RouteProtocol::IsIs: return RTPROT_ISIS;
  case RouteProtocol::Ospf: return RTPROT_OSPF;
  case RouteProtocol::Rip: return RTPROT_RIP;
  case RouteProtocol::Eigrp: return RTPROT_EIGRP;
  case RouteProtocol::Other: return RTPROT_UNSPEC;
  default: return RTPROT_STATIC; // netmgmt, the NT_* static kinds and "unspecified": administrator routes
  }
}

// ---- Issue 19, h-sort ----------------------------------------------------------------------------

std::optional<AddressLabelRow> decodeAddressLabel(const nlmsghdr& m) {
  if (m.nlmsg_type != RTM_NEWADDRLABEL && m.nlmsg_type != RTM_DELADDRLABEL) return std::nullopt;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrlblmsg))) return std::nullopt;
  ifaddrlblmsg header;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.ifal_family != AF_INET6 || header.ifal_prefixlen > 128) return std::nullopt;
  Attributes<IFAL_MAX> tb;
  if (!parseMessage(m, sizeof(ifaddrlblmsg), tb)) return std::nullopt;
  const auto prefix = address(tb[IFAL_ADDRESS], AF_INET6);
  const auto label = scalar<std::uint32_t>(tb[IFAL_LABEL]);
  if (!prefix || !label) return std::nullopt;
  AddressLabelRow row;
  row.prefix = {prefix->withScope(0), header.ifal_prefixlen};
  row.interfaceIndex = header.ifal_index;
  row.label = *label;
  return row;
}

std::optional<RawLinkState> decodeRawLinkState(const nlmsghdr& m) {
  ifinfomsg header;
  if (!linkHeader(m, header) || header.ifi_family != AF_UNSPEC) return std::nullopt;
  const bool up = (header.ifi_flags & IFF_UP) && (header.ifi_flags & IFF_LOWER_UP);
  return RawLinkState{InterfaceIndex(header.ifi_index), up ? OperStatus::Up : OperStatus::Down};
}

// ---- Issue 19, IP paths ------------------------------------------------------------------------

std::optional<PathException> decodeRouteException(const nlmsghdr& m) {
  if (m.nlmsg_type != RTM_NEWROUTE) return std::nullopt;
  rtmsg header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (!(header.rtm_flags & RTM_F_CLONED)) return std::nullopt;
  const int family = header.rtm_family;
  if (family != AF_INET && family != AF_INET6) return std::nullopt;
  if (header.rtm_dst_len != (family == AF_INET ? 32 : 128)) return std::nullopt;
  Attributes<RTA_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return std::nullopt;
  PathException out;
  out.interfaceIndex = scalar<std::uint32_t>(tb[RTA_OIF]).value_or(0);
  if (out.interfaceIndex == 0) return std::nullopt;
  auto dst = address(tb[RTA_DST], family, out.interfaceIndex);
  if (!dst) return std::nullopt;
  out.destination = *dst;
  bool malformed = false;
  out.gateway = nextHopOf(tb[RTA_GATEWAY], tb[RTA_VIA], family, out.interfaceIndex, malformed)
                    .value_or(IpAddress::zero(familyFrom(family)));
  if (malformed) return std::nullopt;
  if (tb[RTA_METRICS]) {
    Attributes<RTAX_MAX> metrics;
    if (!parseNested(tb[RTA_METRICS], metrics)) return std::nullopt;
    out.mtu = scalar<std::uint32_t>(metrics[RTAX_MTU]).value_or(0);
  }
  rta_cacheinfo cache;
  if (structure(tb[RTA_CACHEINFO], cache) && cache.rta_expires > 0)
    out.expires = std::uint32_t(std::uint64_t(cache.rta_expires) / ticksPerSecond());
  out.table = scalar<std::uint32_t>(tb[RTA_TABLE]).value_or(header.rtm_table);
  return out;
}

std::optional<std::uint16_t> decodeGenericFamilyId(const nlmsghdr& m, std::string_view familyName) {
  if (m.nlmsg_type != GENL_ID_CTRL) return std::nullopt;
  genlmsghdr header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.cmd != CTRL_CMD_NEWFAMILY) return std::nullopt;
  Attributes<CTRL_ATTR_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return std::nullopt;
  if (!tb[CTRL_ATTR_FAMILY_NAME] || text(tb[CTRL_ATTR_FAMILY_NAME]) != familyName) return std::nullopt;
  auto id = scalar<std::uint16_t>(tb[CTRL_ATTR_FAMILY_ID]);
  if (!id || *id < NLMSG_MIN_TYPE) return std::nullopt;
  return id;
}

std::optional<PathMetric> decodeTcpMetric(const nlmsghdr& m, std::uint16_t familyId) {
  if (m.nlmsg_type != familyId || familyId < NLMSG_MIN_TYPE) return std::nullopt;
  genlmsghdr header;
  if (m.nlmsg_len < NLMSG_LENGTH(sizeof header)) return std::nullopt;
  std::memcpy(&header, mnl_nlmsg_get_payload(&m), sizeof header);
  if (header.cmd != TCP_METRICS_CMD_GET) return std::nullopt;
  Attributes<TCP_METRICS_ATTR_MAX> tb;
  if (!parseMessage(m, sizeof header, tb)) return std::nullopt;
  PathMetric out;
  if (auto v4 = address(tb[TCP_METRICS_ATTR_ADDR_IPV4], AF_INET)) {
    out.destination = *v4;
    out.source = address(tb[TCP_METRICS_ATTR_SADDR_IPV4], AF_INET).value_or(IpAddress{});
  } else if (auto v6 = address(tb[TCP_METRICS_ATTR_ADDR_IPV6], AF_INET6)) {
    out.destination = *v6;
    out.source = address(tb[TCP_METRICS_ATTR_SADDR_IPV6], AF_INET6).value_or(IpAddress{});
  } else {
    return std::nullopt;
  }
  out.ageMillis = std::uint32_t(
      std::min<std::uint64_t>(scalar<std::uint64_t>(tb[TCP_METRICS_ATTR_AGE]).value_or(0), 0xffffffffu));
  if (tb[TCP_METRICS_ATTR_VALS]) {
    Attributes<TCP_METRIC_MAX + 1> vals;
    if (!parseNested(tb[TCP_METRICS_ATTR_VALS], vals)) return std::nullopt;
    // The kernel keeps TCP's scaled estimators (tcp_sock's srtt_us << 3, mdev_us << 2) and sends
    // them as they are, in microseconds or (the old attributes) milliseconds: `shift` unscales.
    auto value = [&](unsigned micros, unsigned millis, unsigned shift) -> std::uint32_t {
      if (auto us = scalar<std::uint32_t>(vals[micros + 1])) return *us >> shift;
      const std::uint64_t ms = scalar<std::uint32_t>(vals[millis + 1]).value_or(0);
      return std::uint32_t(std::min<std::uint64_t>((ms * 1000) >> shift, 0xffffffffu));
    };
    out.rttMicros = value(TCP_METRIC_RTT_US, TCP_METRIC_RTT, 3);
    out.rttVarianceMicros = value(TCP_METRIC_RTTVAR_US, TCP_METRIC_RTTVAR, 2);
  }
  return out;
}

} // namespace ipmibd::platform::linux_backend
