// Unit tests of the rtnetlink request builders: each message is parsed back with libmnl here (not
// with the backend's decoders) and every header field and attribute is checked.
#include "platform/linux/rtnl_decode.h"
#include "platform/linux/rtnl_encode.h"

#include <catch2/catch.hpp>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <map>
#include <vector>

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

namespace {

struct Buffer {
  alignas(NLMSG_ALIGNTO) std::uint8_t bytes[kRequestBufferSize];
  std::span<std::uint8_t> span() { return {bytes, sizeof bytes}; }
};

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

// Every attribute of a message (or of a nested block), ordered by type; duplicates are kept so that
// `only()` can insist on exactly one.
using Attributes = std::multimap<std::uint16_t, const nlattr*>;

Attributes attributesOf(const nlmsghdr* message, std::size_t headerSize) {
  Attributes out;
  mnl_attr_parse(
      message, unsigned(headerSize),
      [](const nlattr* attribute, void* data) {
        static_cast<Attributes*>(data)->emplace(mnl_attr_get_type(attribute), attribute);
        return MNL_CB_OK;
      },
      &out);
  return out;
}

Attributes attributesIn(const void* start, std::size_t length) {
  Attributes out;
  mnl_attr_parse_payload(
      start, length,
      [](const nlattr* attribute, void* data) {
        static_cast<Attributes*>(data)->emplace(mnl_attr_get_type(attribute), attribute);
        return MNL_CB_OK;
      },
      &out);
  return out;
}

std::vector<std::uint16_t> typesOf(const Attributes& attributes) {
  std::vector<std::uint16_t> types;
  for (const auto& [type, attribute] : attributes)
    types.push_back(type);
  return types;
}

const nlattr* only(const Attributes& attributes, std::uint16_t type) {
  REQUIRE(attributes.count(type) == 1);
  return attributes.find(type)->second;
}

IpAddress addressAttribute(const Attributes& attributes, std::uint16_t type) {
  const nlattr* attribute = only(attributes, type);
  auto address = IpAddress::fromBytes(static_cast<const std::uint8_t*>(mnl_attr_get_payload(attribute)),
                                      mnl_attr_get_payload_len(attribute));
  REQUIRE(address);
  return *address;
}

std::uint32_t u32Attribute(const Attributes& attributes, std::uint16_t type) {
  const nlattr* attribute = only(attributes, type);
  REQUIRE(mnl_attr_get_payload_len(attribute) == 4);
  return mnl_attr_get_u32(attribute);
}

template <class Header> const Header& headerOf(const nlmsghdr* message) {
  REQUIRE(message->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(Header));
  return *static_cast<const Header*>(mnl_nlmsg_get_payload(message));
}

RouteRow route(const char* destination, const char* nextHop, InterfaceIndex interfaceIndex) {
  RouteRow row;
  initializeIpForwardEntry(row);
  row.destinationPrefix = prefix(destination);
  row.nextHop = nextHop ? ip(nextHop) : IpAddress::zero(row.destinationPrefix.family());
  row.interfaceIndex = interfaceIndex;
  return row;
}

struct Hop {
  rtnexthop header;
  Attributes attributes;
};

std::vector<Hop> multipathOf(const Attributes& attributes) {
  const nlattr* multipath = only(attributes, RTA_MULTIPATH);
  std::vector<Hop> hops;
  const auto* cursor = static_cast<const std::uint8_t*>(mnl_attr_get_payload(multipath));
  std::size_t remaining = mnl_attr_get_payload_len(multipath);
  while (remaining >= sizeof(rtnexthop)) {
    rtnexthop header;
    std::memcpy(&header, cursor, sizeof header);
    REQUIRE(header.rtnh_len >= sizeof(rtnexthop));
    REQUIRE(header.rtnh_len <= remaining);
    hops.push_back({header, attributesIn(cursor + RTNH_ALIGN(sizeof(rtnexthop)),
                                         header.rtnh_len - RTNH_ALIGN(sizeof(rtnexthop)))});
    const std::size_t step = RTNH_ALIGN(header.rtnh_len);
    if (step >= remaining) break;
    cursor += step;
    remaining -= step;
  }
  return hops;
}

} // namespace

TEST_CASE("route metric and type helpers", "[encode][route]") {
  CHECK(defaultRouteMetric(Family::V4) == 0);
  CHECK(defaultRouteMetric(Family::V6) == 1024);
  RouteRow v6 = route("2001:db8:5::/64", "2001:db8:1::2", 3);
  CHECK(effectiveMetric(v6) == 1024);
  v6.metric = 7;
  CHECK(effectiveMetric(v6) == 7);
  CHECK(effectiveMetric(route("198.51.100.0/24", nullptr, 3)) == 0);

  CHECK(kernelRouteType(RouteType::Unicast) == RTN_UNICAST);
  CHECK(kernelRouteType(RouteType::Blackhole) == RTN_BLACKHOLE);
  CHECK(kernelRouteType(RouteType::Unreachable) == RTN_UNREACHABLE);
  CHECK(kernelRouteType(RouteType::Prohibit) == RTN_PROHIBIT);
  CHECK(kernelRouteType(RouteType::Throw) == RTN_THROW);
  CHECK(kernelRouteType(RouteType::Local) == RTN_LOCAL);
  CHECK_FALSE(kernelRouteType(RouteType::Other));
  CHECK(routeTypeTakesNoNextHop(RouteType::Blackhole));
  CHECK(routeTypeTakesNoNextHop(RouteType::Prohibit));
  CHECK_FALSE(routeTypeTakesNoNextHop(RouteType::Unicast));
}

TEST_CASE("RTM_NEWROUTE for one IPv4 next hop", "[encode][route]") {
  Buffer buffer;
  RouteRow row = route("198.51.100.0/24", "192.0.2.2", 3);
  const nlmsghdr* message =
      encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 42, std::span(&row, 1));
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_NEWROUTE);
  CHECK(message->nlmsg_flags == (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL));
  CHECK(message->nlmsg_seq == 42);
  const auto& header = headerOf<rtmsg>(message);
  CHECK(header.rtm_family == AF_INET);
  CHECK(header.rtm_dst_len == 24);
  CHECK(header.rtm_src_len == 0);
  CHECK(header.rtm_table == RT_TABLE_MAIN);
  CHECK(header.rtm_type == RTN_UNICAST);
  CHECK(header.rtm_protocol == RTPROT_STATIC); // Unspecified -> static
  CHECK(header.rtm_scope == RT_SCOPE_UNIVERSE);
  CHECK(header.rtm_flags == 0);

  const Attributes attributes = attributesOf(message, sizeof(rtmsg));
  // No RTA_PRIORITY: kUnspecifiedMetric leaves the kernel default.
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_TABLE});
  CHECK(addressAttribute(attributes, RTA_DST) == ip("198.51.100.0"));
  CHECK(addressAttribute(attributes, RTA_GATEWAY) == ip("192.0.2.2"));
  CHECK(u32Attribute(attributes, RTA_OIF) == 3);
  CHECK(u32Attribute(attributes, RTA_TABLE) == RT_TABLE_MAIN);
}

TEST_CASE("RTM_NEWROUTE: metric, large table, preferred source, protocol", "[encode][route]") {
  Buffer buffer;
  RouteRow row = route("203.0.113.0/25", "192.0.2.2", 0);
  row.metric = 0; // an explicit 0 is still sent: it is not the "unspecified" marker
  row.table = 1000;
  row.preferredSource = ip("192.0.2.1");
  row.protocol = RouteProtocol::Ospf;
  const nlmsghdr* message =
      encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 1, std::span(&row, 1));
  REQUIRE(message);
  const auto& header = headerOf<rtmsg>(message);
  CHECK(header.rtm_table == RT_TABLE_UNSPEC); // > 255 only fits RTA_TABLE
  CHECK(header.rtm_protocol == kernelProtocolFromRoute(RouteProtocol::Ospf));
  const Attributes attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) ==
        std::vector<std::uint16_t>{RTA_DST, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC, RTA_TABLE});
  CHECK(u32Attribute(attributes, RTA_PRIORITY) == 0);
  CHECK(u32Attribute(attributes, RTA_TABLE) == 1000);
  CHECK(addressAttribute(attributes, RTA_PREFSRC) == ip("192.0.2.1"));

  // A row read from the kernel keeps its verbatim protocol number while `protocol` still agrees.
  row.nativeProtocol = RTPROT_BIRD;
  row.protocol = routeProtocolFromKernel(RTPROT_BIRD);
  CHECK(kernelRouteProtocol(row) == RTPROT_BIRD);
  // Once the caller changes `protocol`, the native number no longer applies.
  row.protocol = row.protocol == RouteProtocol::Rip ? RouteProtocol::Bgp : RouteProtocol::Rip;
  CHECK(kernelRouteProtocol(row) == kernelProtocolFromRoute(row.protocol));
}

TEST_CASE("RTM_NEWROUTE: on-link and default routes", "[encode][route]") {
  Buffer buffer;
  RouteRow onLink = route("198.51.100.0/24", nullptr, 4);
  onLink.metric = 100;
  const nlmsghdr* message = encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, std::span(&onLink, 1));
  REQUIRE(message);
  CHECK(headerOf<rtmsg>(message).rtm_scope == RT_SCOPE_LINK); // as `ip route` picks for no gateway
  Attributes attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{RTA_DST, RTA_OIF, RTA_PRIORITY, RTA_TABLE});
  CHECK(u32Attribute(attributes, RTA_PRIORITY) == 100);

  // An explicit scope wins over the derived one.
  onLink.scope = RT_SCOPE_HOST;
  message = encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, std::span(&onLink, 1));
  REQUIRE(message);
  CHECK(headerOf<rtmsg>(message).rtm_scope == RT_SCOPE_HOST);

  RouteRow defaultRoute = route("::/0", "2001:db8:1::2", 3);
  message = encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, std::span(&defaultRoute, 1));
  REQUIRE(message);
  const auto& header = headerOf<rtmsg>(message);
  CHECK(header.rtm_family == AF_INET6);
  CHECK(header.rtm_dst_len == 0);
  attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{RTA_OIF, RTA_GATEWAY, RTA_TABLE}); // no RTA_DST
  CHECK(addressAttribute(attributes, RTA_GATEWAY) == ip("2001:db8:1::2"));
}

TEST_CASE("RTM_NEWROUTE: blackhole, unreachable and prohibit carry no next hop", "[encode][route]") {
  Buffer buffer;
  for (auto [type, rtn] :
       {std::pair{RouteType::Blackhole, RTN_BLACKHOLE}, std::pair{RouteType::Unreachable, RTN_UNREACHABLE},
        std::pair{RouteType::Prohibit, RTN_PROHIBIT}}) {
    for (const char* destination : {"203.0.113.0/24", "2001:db8:9::/48"}) {
      RouteRow row = route(destination, nullptr, 0);
      row.type = type;
      // Even if a caller left these set, the message must not carry them (the kernel refuses).
      row.interfaceIndex = 5;
      const nlmsghdr* message =
          encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 9, std::span(&row, 1));
      REQUIRE(message);
      const auto& header = headerOf<rtmsg>(message);
      CHECK(header.rtm_type == rtn);
      CHECK(header.rtm_scope == RT_SCOPE_UNIVERSE);
      CHECK(typesOf(attributesOf(message, sizeof(rtmsg))) == std::vector<std::uint16_t>{RTA_DST, RTA_TABLE});
    }
  }
}

TEST_CASE("RTM_NEWROUTE: IPv4 and IPv6 multipath", "[encode][route]") {
  Buffer buffer;
  std::vector<RouteRow> hops{route("198.51.100.0/24", "192.0.2.2", 3),
                             route("198.51.100.0/24", "192.0.2.3", 4), route("198.51.100.0/24", nullptr, 5)};
  hops[0].weight = 1;
  hops[1].weight = 3;
  hops[2].weight = 0; // treated as 1
  hops[0].metric = 20;
  const nlmsghdr* message = encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 7, hops);
  REQUIRE(message);
  CHECK(headerOf<rtmsg>(message).rtm_scope == RT_SCOPE_UNIVERSE); // some hops have gateways
  Attributes attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{RTA_DST, RTA_PRIORITY, RTA_MULTIPATH, RTA_TABLE});
  CHECK(u32Attribute(attributes, RTA_PRIORITY) == 20);
  std::vector<Hop> parsed = multipathOf(attributes);
  REQUIRE(parsed.size() == 3);
  CHECK(parsed[0].header.rtnh_ifindex == 3);
  CHECK(parsed[0].header.rtnh_hops == 0);
  CHECK(parsed[0].header.rtnh_flags == 0);
  CHECK(typesOf(parsed[0].attributes) == std::vector<std::uint16_t>{RTA_GATEWAY});
  CHECK(addressAttribute(parsed[0].attributes, RTA_GATEWAY) == ip("192.0.2.2"));
  CHECK(parsed[1].header.rtnh_ifindex == 4);
  CHECK(parsed[1].header.rtnh_hops == 2);
  CHECK(addressAttribute(parsed[1].attributes, RTA_GATEWAY) == ip("192.0.2.3"));
  CHECK(parsed[2].header.rtnh_ifindex == 5);
  CHECK(parsed[2].header.rtnh_hops == 0);
  CHECK(parsed[2].attributes.empty()); // on-link hop: device only

  std::vector<RouteRow> v6{route("2001:db8:5::/64", "2001:db8:1::2", 3),
                           route("2001:db8:5::/64", "fe80::1", 4)};
  message = encodeNewRoute(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 8, v6);
  REQUIRE(message);
  attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{RTA_DST, RTA_MULTIPATH, RTA_TABLE});
  parsed = multipathOf(attributes);
  REQUIRE(parsed.size() == 2);
  CHECK(addressAttribute(parsed[0].attributes, RTA_GATEWAY) == ip("2001:db8:1::2"));
  CHECK(addressAttribute(parsed[1].attributes, RTA_GATEWAY) == ip("fe80::1"));
  CHECK(parsed[1].header.rtnh_ifindex == 4);
}

TEST_CASE("RTM_DELROUTE matches the key and wildcards protocol and scope", "[encode][route]") {
  Buffer buffer;
  RouteRow row = route("198.51.100.0/24", "192.0.2.2", 3);
  row.metric = 5;
  row.protocol = RouteProtocol::Ospf;
  row.scope = RT_SCOPE_LINK;
  const nlmsghdr* message = encodeDelRoute(buffer.span(), 11, row);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_DELROUTE);
  CHECK(message->nlmsg_flags == NLM_F_REQUEST);
  CHECK(message->nlmsg_seq == 11);
  const auto& header = headerOf<rtmsg>(message);
  CHECK(header.rtm_protocol == RTPROT_UNSPEC);
  CHECK(header.rtm_scope == RT_SCOPE_NOWHERE);
  CHECK(header.rtm_type == RTN_UNICAST);
  CHECK(header.rtm_dst_len == 24);
  const Attributes attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) ==
        std::vector<std::uint16_t>{RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_TABLE});
  CHECK(u32Attribute(attributes, RTA_PRIORITY) == 5);
  CHECK(addressAttribute(attributes, RTA_GATEWAY) == ip("192.0.2.2"));

  RouteRow blackhole = route("2001:db8:9::/64", nullptr, 0);
  blackhole.type = RouteType::Blackhole;
  blackhole.metric = 1024;
  message = encodeDelRoute(buffer.span(), 12, blackhole);
  REQUIRE(message);
  CHECK(headerOf<rtmsg>(message).rtm_type == RTN_BLACKHOLE);
  CHECK(typesOf(attributesOf(message, sizeof(rtmsg))) ==
        std::vector<std::uint16_t>{RTA_DST, RTA_PRIORITY, RTA_TABLE});
}

TEST_CASE("route builders refuse what they cannot express or fit", "[encode][route]") {
  Buffer buffer;
  RouteRow row = route("198.51.100.0/24", "192.0.2.2", 3);
  CHECK_FALSE(encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, std::span<const RouteRow>{}));
  row.type = RouteType::Other;
  CHECK_FALSE(encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, std::span(&row, 1)));
  CHECK_FALSE(encodeDelRoute(buffer.span(), 1, row));
  row.type = RouteType::Unicast;
  CHECK_FALSE(encodeNewRoute(buffer.span().first(8), NLM_F_REQUEST, 1, std::span(&row, 1)));
  CHECK_FALSE(encodeNewRoute(buffer.span().first(40), NLM_F_REQUEST, 1, std::span(&row, 1)));
  // Far more IPv6 next hops than fit: refused without writing past the buffer (ASan checks).
  std::vector<RouteRow> hops(1000, route("2001:db8:5::/64", "2001:db8:1::2", 3));
  CHECK_FALSE(encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, hops));
  hops.resize(100);
  CHECK(encodeNewRoute(buffer.span(), NLM_F_REQUEST, 1, hops));
}

TEST_CASE("RTM_NEWADDR and RTM_DELADDR", "[encode][address]") {
  Buffer buffer;
  UnicastAddressRow row;
  initializeUnicastIpAddressEntry(row);
  row.address = ip("192.0.2.9");
  row.interfaceIndex = 3;
  row.broadcast = ip("192.0.2.255");
  row.validLifetime = 600;
  row.preferredLifetime = 300;
  const nlmsghdr* message =
      encodeNewAddress(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 5, row, 24);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_NEWADDR);
  CHECK(message->nlmsg_flags == (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL));
  const auto& header = headerOf<ifaddrmsg>(message);
  CHECK(header.ifa_family == AF_INET);
  CHECK(header.ifa_prefixlen == 24);
  CHECK(header.ifa_flags == 0); // kernel defaults (DAD etc.)
  CHECK(header.ifa_scope == RT_SCOPE_UNIVERSE);
  CHECK(header.ifa_index == 3);
  Attributes attributes = attributesOf(message, sizeof(ifaddrmsg));
  CHECK(typesOf(attributes) ==
        std::vector<std::uint16_t>{IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_CACHEINFO});
  CHECK(addressAttribute(attributes, IFA_LOCAL) == ip("192.0.2.9"));
  CHECK(addressAttribute(attributes, IFA_ADDRESS) == ip("192.0.2.9"));
  CHECK(addressAttribute(attributes, IFA_BROADCAST) == ip("192.0.2.255"));
  const nlattr* cacheinfo = only(attributes, IFA_CACHEINFO);
  REQUIRE(mnl_attr_get_payload_len(cacheinfo) == sizeof(ifa_cacheinfo));
  ifa_cacheinfo lifetimes;
  std::memcpy(&lifetimes, mnl_attr_get_payload(cacheinfo), sizeof lifetimes);
  CHECK(lifetimes.ifa_valid == 600);
  CHECK(lifetimes.ifa_prefered == 300);

  row.address = ip("127.0.0.2");
  row.broadcast = {};
  message = encodeNewAddress(buffer.span(), NLM_F_REQUEST, 5, row, 8);
  REQUIRE(message);
  CHECK(headerOf<ifaddrmsg>(message).ifa_scope == RT_SCOPE_HOST);

  UnicastAddressRow v6;
  initializeUnicastIpAddressEntry(v6);
  v6.address = ip("2001:db8:1::9");
  v6.interfaceIndex = 4;
  v6.broadcast = ip("192.0.2.255"); // meaningless for IPv6: never sent
  message = encodeNewAddress(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 6, v6, 64);
  REQUIRE(message);
  CHECK(headerOf<ifaddrmsg>(message).ifa_family == AF_INET6);
  CHECK(headerOf<ifaddrmsg>(message).ifa_prefixlen == 64);
  attributes = attributesOf(message, sizeof(ifaddrmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{IFA_ADDRESS, IFA_LOCAL, IFA_CACHEINFO});
  std::memcpy(&lifetimes, mnl_attr_get_payload(only(attributes, IFA_CACHEINFO)), sizeof lifetimes);
  CHECK(lifetimes.ifa_valid == kInfiniteLifetime);
  CHECK(lifetimes.ifa_prefered == kInfiniteLifetime);

  message = encodeDelAddress(buffer.span(), 7, v6, 64);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_DELADDR);
  CHECK(message->nlmsg_flags == NLM_F_REQUEST);
  CHECK(headerOf<ifaddrmsg>(message).ifa_prefixlen == 64);
  CHECK(headerOf<ifaddrmsg>(message).ifa_index == 4);
  attributes = attributesOf(message, sizeof(ifaddrmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{IFA_ADDRESS, IFA_LOCAL});
  CHECK(addressAttribute(attributes, IFA_ADDRESS) == ip("2001:db8:1::9"));

  row.address = ip("192.0.2.9");
  message = encodeDelAddress(buffer.span(), 8, row, 24);
  REQUIRE(message);
  CHECK(headerOf<ifaddrmsg>(message).ifa_family == AF_INET);
  CHECK(headerOf<ifaddrmsg>(message).ifa_prefixlen == 24);
  attributes = attributesOf(message, sizeof(ifaddrmsg));
  // IFA_ADDRESS makes the kernel match the exact prefix length, not just the local address.
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{IFA_ADDRESS, IFA_LOCAL});
  CHECK(addressAttribute(attributes, IFA_LOCAL) == ip("192.0.2.9"));
}

TEST_CASE("RTM_NEWNEIGH and RTM_DELNEIGH", "[encode][neighbor]") {
  Buffer buffer;
  NeighborRow row;
  row.address = ip("192.0.2.7");
  row.interfaceIndex = 3;
  row.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:07");
  row.isRouter = true; // ignored for IPv4
  const nlmsghdr* message =
      encodeNewNeighbor(buffer.span(), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, 3, row);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_NEWNEIGH);
  CHECK(message->nlmsg_flags == (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL));
  const auto& header = headerOf<ndmsg>(message);
  CHECK(header.ndm_family == AF_INET);
  CHECK(header.ndm_ifindex == 3);
  CHECK(header.ndm_state == NUD_PERMANENT);
  CHECK(header.ndm_flags == 0);
  CHECK(header.ndm_type == 0);
  Attributes attributes = attributesOf(message, sizeof(ndmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{NDA_DST, NDA_LLADDR});
  CHECK(addressAttribute(attributes, NDA_DST) == ip("192.0.2.7"));
  const nlattr* lladdr = only(attributes, NDA_LLADDR);
  CHECK(PhysicalAddress(static_cast<const std::uint8_t*>(mnl_attr_get_payload(lladdr)),
                        mnl_attr_get_payload_len(lladdr)) == row.physicalAddress);

  NeighborRow v6 = row;
  v6.address = ip("2001:db8:1::7");
  v6.state = NeighborState::Reachable;
  message = encodeNewNeighbor(buffer.span(), NLM_F_REQUEST | NLM_F_REPLACE, 4, v6);
  REQUIRE(message);
  CHECK(headerOf<ndmsg>(message).ndm_family == AF_INET6);
  CHECK(headerOf<ndmsg>(message).ndm_state == NUD_REACHABLE);
  CHECK(headerOf<ndmsg>(message).ndm_flags == NTF_ROUTER);

  CHECK(kernelNeighborState(NeighborState::Stale) == NUD_STALE);
  CHECK(kernelNeighborState(NeighborState::NoArp) == NUD_NOARP);
  CHECK_FALSE(kernelNeighborState(NeighborState::Incomplete));
  v6.state = NeighborState::Incomplete;
  CHECK_FALSE(encodeNewNeighbor(buffer.span(), NLM_F_REQUEST, 4, v6));

  message = encodeDelNeighbor(buffer.span(), 5, row);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_DELNEIGH);
  CHECK(headerOf<ndmsg>(message).ndm_ifindex == 3);
  CHECK(headerOf<ndmsg>(message).ndm_state == 0);
  attributes = attributesOf(message, sizeof(ndmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{NDA_DST});
  CHECK(addressAttribute(attributes, NDA_DST) == ip("192.0.2.7"));
}

// Issue 19 part C: ResolveIpNetEntry2's request.
TEST_CASE("RTM_NEWNEIGH with NTF_USE starts a resolution", "[encode][neighbor]") {
  Buffer buffer;
  NeighborRow row;
  row.address = ip("2001:db8:1::2");
  row.interfaceIndex = 3;
  row.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:07"); // not sent: the kernel finds it
  row.state = NeighborState::Permanent;                             // ignored with NTF_USE
  const nlmsghdr* message = encodeResolveNeighbor(buffer.span(), 6, row);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_NEWNEIGH);
  CHECK(message->nlmsg_flags == (NLM_F_REQUEST | NLM_F_CREATE));
  CHECK(message->nlmsg_seq == 6);
  const auto& header = headerOf<ndmsg>(message);
  CHECK(header.ndm_family == AF_INET6);
  CHECK(header.ndm_ifindex == 3);
  CHECK(header.ndm_state == NUD_NONE);
  CHECK(header.ndm_flags == NTF_USE);
  const Attributes attributes = attributesOf(message, sizeof(ndmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{NDA_DST});
  CHECK(addressAttribute(attributes, NDA_DST) == ip("2001:db8:1::2"));
}

TEST_CASE("RTM_SETLINK for the MTU", "[encode][link]") {
  Buffer buffer;
  const nlmsghdr* message = encodeSetLinkMtu(buffer.span(), 9, 3, 1400);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_SETLINK);
  CHECK(message->nlmsg_flags == NLM_F_REQUEST);
  const auto& header = headerOf<ifinfomsg>(message);
  CHECK(header.ifi_family == AF_UNSPEC);
  CHECK(header.ifi_index == 3);
  CHECK(header.ifi_change == 0); // flags untouched
  const Attributes attributes = attributesOf(message, sizeof(ifinfomsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{IFLA_MTU});
  CHECK(u32Attribute(attributes, IFLA_MTU) == 1400);
}

TEST_CASE("filtered dump requests", "[encode][dump]") {
  Buffer buffer;
  const nlmsghdr* message = encodeRouteDump(buffer.span(), 1, Family::V6, 1000, 3);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_GETROUTE);
  CHECK(message->nlmsg_flags == NLM_F_REQUEST); // NetlinkSocket::dump adds NLM_F_DUMP
  const auto& route = headerOf<rtmsg>(message);
  CHECK(route.rtm_family == AF_INET6);
  CHECK(route.rtm_table == RT_TABLE_UNSPEC);
  CHECK(route.rtm_dst_len == 0); // strict checking refuses any other header field
  CHECK(route.rtm_scope == 0);
  Attributes attributes = attributesOf(message, sizeof(rtmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{RTA_OIF, RTA_TABLE});
  CHECK(u32Attribute(attributes, RTA_TABLE) == 1000);
  CHECK(u32Attribute(attributes, RTA_OIF) == 3);

  message = encodeRouteDump(buffer.span(), 1, Family::V4, RT_TABLE_MAIN, 0);
  REQUIRE(message);
  CHECK(headerOf<rtmsg>(message).rtm_table == RT_TABLE_MAIN);
  CHECK(typesOf(attributesOf(message, sizeof(rtmsg))) == std::vector<std::uint16_t>{RTA_TABLE});

  message = encodeAddressDump(buffer.span(), 2, Family::Unspecified, 4);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_GETADDR);
  CHECK(headerOf<ifaddrmsg>(message).ifa_family == AF_UNSPEC);
  CHECK(headerOf<ifaddrmsg>(message).ifa_index == 4);
  CHECK(attributesOf(message, sizeof(ifaddrmsg)).empty());

  message = encodeNeighborDump(buffer.span(), 3, Family::V4, 4);
  REQUIRE(message);
  CHECK(message->nlmsg_type == RTM_GETNEIGH);
  CHECK(headerOf<ndmsg>(message).ndm_family == AF_INET);
  CHECK(headerOf<ndmsg>(message).ndm_ifindex == 0); // strict checking filters by NDA_IFINDEX only
  attributes = attributesOf(message, sizeof(ndmsg));
  CHECK(typesOf(attributes) == std::vector<std::uint16_t>{NDA_IFINDEX});
  CHECK(u32Attribute(attributes, NDA_IFINDEX) == 4);
}
