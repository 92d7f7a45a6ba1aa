// Unit tests of the issue-19 part B decoders on synthetic input: decodeLink's layering fields
// (IFLA_MASTER / IFLA_LINK), decodeGroupMembership, the /proc/net/igmp{,6} parsers, and the
// interface stack derived from rows.
#include "platform/if_stack.h"
#include "platform/linux/group_decode.h"
#include "platform/linux/rtnl_decode.h"
#include "tests/platform/linux/netlink_message.h"

#include <catch2/catch.hpp>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>
#include <random>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

using ipmibd::testing::Message;

IpAddress addr(const char* text) {
  auto a = IpAddress::parse(text);
  REQUIRE(a.has_value());
  return *a;
}

std::optional<InterfaceRow> link(const char* kind, std::uint32_t index, std::optional<std::uint32_t> master,
                                 std::optional<std::uint32_t> parent, bool otherNamespace = false) {
  Message msg;
  auto* ifi = msg.start<ifinfomsg>(RTM_NEWLINK);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_type = ARPHRD_ETHER;
  ifi->ifi_index = int(index);
  msg.str(IFLA_IFNAME, "x");
  if (master) msg.u32(IFLA_MASTER, *master);
  if (parent) msg.u32(IFLA_LINK, *parent);
  if (otherNamespace) msg.u32(IFLA_LINK_NETNSID, 0);
  if (kind) {
    auto* info = msg.nest(IFLA_LINKINFO);
    msg.str(IFLA_INFO_KIND, kind);
    msg.end(info);
  }
  return decodeLink(msg.message());
}

TEST_CASE("decodeLink: IFLA_MASTER and the IFLA_LINK that means layering", "[unit][decode][stack]") {
  auto port = link("veth", 5, 9, 6); // a bridge port that is one end of a veth pair
  REQUIRE(port);
  CHECK(port->masterIndex == 9);
  CHECK(port->linkIndex == 0); // IFLA_LINK names the peer: beside, not below
  auto vlan = link("vlan", 7, std::nullopt, 5);
  REQUIRE(vlan);
  CHECK(vlan->masterIndex == 0);
  CHECK(vlan->linkIndex == 5);
  CHECK(link("macvlan", 8, std::nullopt, 5)->linkIndex == 5);
  CHECK(link(nullptr, 3, std::nullopt, 3)->linkIndex == 0);      // a NIC names itself
  CHECK(link("vlan", 7, std::nullopt, 5, true)->linkIndex == 0); // the parent is in another namespace
  CHECK(link("vxcan", 7, std::nullopt, 5)->linkIndex == 0);      // a peer pair like veth
  CHECK(link("dummy", 4, std::nullopt, std::nullopt)->linkIndex == 0);
}

TEST_CASE("ifStackOf: masters above, parents below, absent interfaces left out", "[unit][stack]") {
  std::vector<InterfaceRow> rows(6);
  for (std::size_t i = 0; i < rows.size(); ++i)
    rows[i].index = InterfaceIndex(i + 1);
  rows[1].masterIndex = 4; // 2 is a port of bridge 4
  rows[2].masterIndex = 4; // 3 too
  rows[4].linkIndex = 2;   // 5 is a VLAN over 2
  rows[5].linkIndex = 42;  // 6's parent is not here
  rows[0].masterIndex = 1; // nonsense self-reference: ignored
  const auto stack = ifStackOf(rows);
  CHECK(stack == std::vector<IfStackRow>{{4, 2}, {4, 3}, {5, 2}});
  CHECK(invertedIfStackOf(rows) == std::vector<InvertedIfStackRow>{{2, 4}, {2, 5}, {3, 4}});
  CHECK(ifStackOf({}).empty());
}

nlmsghdr& groupMessage(Message& msg, std::uint16_t type, std::uint8_t family, std::uint32_t index,
                       std::uint16_t attribute, const char* address) {
  auto* ifa = msg.start<ifaddrmsg>(type);
  ifa->ifa_family = family;
  ifa->ifa_index = index;
  const IpAddress a = addr(address);
  msg.put(attribute, a.data(), a.size());
  ifa_cacheinfo cache{};
  msg.put(IFA_CACHEINFO, &cache, sizeof cache);
  return msg.message();
}

TEST_CASE("decodeGroupMembership: multicast and anycast dump replies and events", "[unit][decode][groups]") {
  Message msg;
  auto g = decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_INET6, 3, IFA_MULTICAST, "ff02::1"));
  REQUIRE(g);
  CHECK(g->address == addr("ff02::1"));
  CHECK(g->address.scopeId() == 0);
  CHECK(g->interfaceIndex == 3);
  CHECK_FALSE(g->anycast);
  g = decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_INET, 2, IFA_MULTICAST, "224.0.0.1"));
  REQUIRE(g);
  CHECK(g->address == addr("224.0.0.1"));
  g = decodeGroupMembership(groupMessage(msg, RTM_GETANYCAST, AF_INET6, 4, IFA_ANYCAST, "fe80::"));
  REQUIRE(g);
  CHECK(g->anycast);
  CHECK(g->address == addr("fe80::").withScope(4)); // link-local: scoped, as unicast rows are
  g = decodeGroupMembership(
      groupMessage(msg, 60 /* RTM_NEWANYCAST */, AF_INET6, 4, IFA_ANYCAST, "2001:db8::"));
  REQUIRE(g);
  CHECK(g->address == addr("2001:db8::"));

  // Refused: the wrong attribute, a unicast "group", a multicast "anycast", interface 0, another
  // family, another message type, a truncated address.
  CHECK_FALSE(
      decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_INET6, 3, IFA_ANYCAST, "ff02::1")));
  CHECK_FALSE(
      decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_INET6, 3, IFA_MULTICAST, "2001:db8::")));
  CHECK_FALSE(decodeGroupMembership(groupMessage(msg, RTM_GETANYCAST, AF_INET6, 3, IFA_ANYCAST, "ff02::1")));
  CHECK_FALSE(
      decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_INET6, 0, IFA_MULTICAST, "ff02::1")));
  CHECK_FALSE(
      decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_BRIDGE, 3, IFA_MULTICAST, "ff02::1")));
  CHECK_FALSE(decodeGroupMembership(groupMessage(msg, RTM_NEWADDR, AF_INET6, 3, IFA_MULTICAST, "ff02::1")));
  CHECK_FALSE(
      decodeGroupMembership(groupMessage(msg, RTM_GETMULTICAST, AF_INET, 3, IFA_MULTICAST, "ff02::1")));

  // Every truncation and random damage of a real-shaped message: no read outside it (ASan). A cut
  // that leaves the address attribute whole is a valid shorter message (or one with a torn tail,
  // less than an attribute header, which attribute walks ignore, as libmnl's do).
  const nlmsghdr& m = groupMessage(msg, RTM_GETMULTICAST, AF_INET6, 3, IFA_MULTICAST, "ff02::1:ff00:1");
  const std::size_t length = m.nlmsg_len;
  const std::size_t addressEnd = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifaddrmsg)) + sizeof(nlattr) + 16;
  for (std::size_t cut = 0; cut <= length; ++cut) {
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[std::max(cut, sizeof(nlmsghdr))]());
    std::memcpy(copy.get(), &m, std::min(cut, length));
    auto* h = reinterpret_cast<nlmsghdr*>(copy.get());
    h->nlmsg_len = std::uint32_t(cut);
    h->nlmsg_type = m.nlmsg_type;
    const auto decoded = decodeGroupMembership(*h);
    INFO("cut at " << cut);
    CHECK((cut >= addressEnd && (cut == length || cut == addressEnd || cut < addressEnd + sizeof(nlattr))) ==
          decoded.has_value());
    if (decoded) CHECK(decoded->address == addr("ff02::1:ff00:1"));
  }
  std::mt19937 random(19);
  for (int round = 0; round < 2000; ++round) {
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[length]);
    std::memcpy(copy.get(), &m, length);
    copy[sizeof(nlmsghdr) + random() % (length - sizeof(nlmsghdr))] = std::uint8_t(random());
    if (auto d = decodeGroupMembership(*reinterpret_cast<nlmsghdr*>(copy.get())))
      CHECK(d->address.isMulticast());
  }
}

TEST_CASE("parseProcIgmp and parseProcIgmp6: the kernel's own layout", "[unit][decode][groups]") {
  // As a little-endian 6.x kernel prints it (the __be32 group as a native number).
  const std::string igmp = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
                           "1\tlo        :     1      V3\n"
                           "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
                           "3\tv0        :     2      V3\n"
                           "\t\t\t\t0100FCE9     1 0:00000000\t\t0\n"
                           "\t\t\t\t010000E0     1 0:00000000\t\t0\n";
  auto v4 = parseProcIgmp(igmp);
  std::uint32_t probe = 1;
  std::uint8_t first;
  std::memcpy(&first, &probe, 1);
  if (first == 1) { // the sample is little-endian text
    REQUIRE(v4.size() == 3);
    CHECK(v4[0].address == addr("224.0.0.1"));
    CHECK(v4[0].interfaceIndex == 1);
    CHECK(v4[1].address == addr("233.252.0.1"));
    CHECK(v4[1].interfaceIndex == 3);
    CHECK(v4[2].interfaceIndex == 3);
  }
  // Group lines before any interface line, bad hex, short fields: skipped.
  CHECK(parseProcIgmp("\t\t\t\t010000E0     1 0:00000000\t\t0\n").empty());
  CHECK(parseProcIgmp("2\tv1 : 1 V3\n\t\t\t\tZZ0000E0 1\n\t\t\t\t10000E0 1\n").empty());

  const std::string igmp6 = "1    lo              ff020000000000000000000000000001     1 0000000C 0\n"
                            "3    v0              ff0200000000000000000001ff000001     1 00000004 0\n"
                            "3    v0              fe800000000000000000000000000001     1 00000004 0\n"
                            "x    v0              ff020000000000000000000000000002     1 00000004 0\n"
                            "4    v1              ff02000000000000000000000000000     1 00000004 0\n";
  const auto v6 = parseProcIgmp6(igmp6);
  REQUIRE(v6.size() == 2); // not multicast, bad index, short hex: skipped
  CHECK(v6[0].address == addr("ff02::1"));
  CHECK(v6[0].interfaceIndex == 1);
  CHECK(v6[1].address == addr("ff02::1:ff00:1"));
  CHECK(v6[1].interfaceIndex == 3);
}

} // namespace
