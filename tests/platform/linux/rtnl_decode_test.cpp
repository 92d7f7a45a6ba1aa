// Unit tests of the rtnetlink decoders on synthetic kernel messages built with libmnl, including
// truncated and corrupted ones, and of the errno -> Status mapping.
#include "platform/linux/netlink_socket.h"
#include "platform/linux/rtnl_decode.h"
#include "tests/platform/linux/netlink_message.h"

#include <catch2/catch.hpp>
#include <libmnl/libmnl.h>
#include <linux/icmpv6.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

// One message under construction, in an aligned buffer.
using ipmibd::testing::Message;

IpAddress addr(const char* text) {
  auto a = IpAddress::parse(text);
  REQUIRE(a.has_value());
  return *a;
}

const Timestamp kNow = Timestamp{} + std::chrono::hours(1000);

// Decodes every truncation and many random corruptions of `m` with `decode`; under ASan any read
// beyond the (exactly sized) copy fails the test.
template <class Decode> void survivesDamage(const nlmsghdr& m, Decode decode) {
  const std::size_t length = m.nlmsg_len;
  for (std::size_t cut = 0; cut <= length; ++cut) {
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[std::max(cut, sizeof(nlmsghdr))]());
    std::memcpy(copy.get(), &m, std::min(cut, length));
    auto* h = reinterpret_cast<nlmsghdr*>(copy.get());
    h->nlmsg_len = std::uint32_t(cut);
    h->nlmsg_type = m.nlmsg_type;
    decode(*h);
  }
  std::mt19937 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[length]);
    std::memcpy(copy.get(), &m, length);
    const int flips = 1 + int(random() % 4);
    for (int i = 0; i < flips; ++i)
      copy[sizeof(nlmsghdr) + random() % (length - sizeof(nlmsghdr))] = std::uint8_t(random());
    decode(*reinterpret_cast<nlmsghdr*>(copy.get()));
  }
}

// ---- links ------------------------------------------------------------------------------------

void buildLink(Message& msg, std::uint16_t type = RTM_NEWLINK, std::uint8_t family = AF_UNSPEC) {
  auto* ifi = msg.start<ifinfomsg>(type);
  ifi->ifi_family = family;
  ifi->ifi_type = ARPHRD_ETHER;
  ifi->ifi_index = 7;
  ifi->ifi_flags = IFF_UP | IFF_RUNNING | IFF_PROMISC | IFF_BROADCAST;
  msg.str(IFLA_IFNAME, "v0");
  msg.str(IFLA_IFALIAS, "uplink");
  msg.u32(IFLA_MTU, 1500);
  const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x07};
  const std::uint8_t perm[6] = {0x02, 0, 0, 0, 0, 0x99};
  msg.put(IFLA_ADDRESS, mac, 6);
  msg.put(IFLA_PERM_ADDRESS, perm, 6);
  msg.u8(IFLA_OPERSTATE, IF_OPER_UP);
  auto* info = msg.nest(IFLA_LINKINFO);
  msg.str(IFLA_INFO_KIND, "veth");
  msg.end(info);
  rtnl_link_stats64 stats{};
  stats.rx_packets = 100;
  stats.multicast = 30;
  stats.rx_bytes = 9000;
  stats.tx_packets = 50;
  stats.tx_bytes = 4000;
  stats.rx_dropped = 2;
  stats.rx_errors = 3;
  stats.tx_dropped = 4;
  stats.tx_errors = 5;
  stats.rx_nohandler = 6;
  msg.put(IFLA_STATS64, &stats, sizeof stats);

  auto* af = msg.nest(IFLA_AF_SPEC);
  auto* inet = msg.nest(AF_INET);
  std::array<std::uint32_t, IPV4_DEVCONF_MAX> conf4{};
  conf4[IPV4_DEVCONF_FORWARDING - 1] = 1;
  msg.put(IFLA_INET_CONF, conf4.data(), sizeof conf4);
  msg.end(inet);
  auto* inet6 = msg.nest(AF_INET6);
  std::array<std::int32_t, DEVCONF_MAX> conf6{};
  conf6[DEVCONF_FORWARDING] = 0;
  conf6[DEVCONF_HOPLIMIT] = 63;
  conf6[DEVCONF_MTU6] = 1480;
  conf6[DEVCONF_ACCEPT_RA] = 1;
  conf6[DEVCONF_DAD_TRANSMITS] = 2;
  conf6[DEVCONF_DISABLE_IPV6] = 0;
  msg.put(IFLA_INET6_CONF, conf6.data(), sizeof conf6);
  ifla_cacheinfo cache{65535, 0, 29000, 1000};
  msg.put(IFLA_INET6_CACHEINFO, &cache, sizeof cache);
  // Real messages carry IFLA_INET6_STATS; the decoders must skip it (statistics come from /proc).
  std::array<std::uint64_t, 38> s6{};
  s6[0] = 38;
  for (std::size_t i = 1; i < s6.size(); ++i)
    s6[i] = 1000 + i;
  msg.put(IFLA_INET6_STATS, s6.data(), sizeof s6);
  msg.u8(IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_EUI64);
  msg.end(inet6);
  msg.end(af);
}

TEST_CASE("decodeLink: name, alias, kind, MTU, addresses, states, counters", "[unit][decode][link]") {
  Message msg;
  buildLink(msg);
  auto row = decodeLink(msg.message());
  REQUIRE(row.has_value());
  CHECK(row->index == 7);
  CHECK(row->type == 6);
  CHECK(row->luid == InterfaceLuid::make(6, 7));
  CHECK(row->name == "v0");
  CHECK(row->alias == "uplink");
  CHECK(row->description == "veth");
  CHECK(row->mtu == 1500);
  CHECK(formatPhysicalAddress(row->physicalAddress) == "02:00:00:00:00:07");
  CHECK(formatPhysicalAddress(row->permanentPhysicalAddress) == "02:00:00:00:00:99");
  CHECK(row->adminStatus == AdminStatus::Up);
  CHECK(row->operStatus == OperStatus::Up);
  CHECK(row->promiscuous);
  CHECK(row->inOctets == 9000);
  CHECK(row->inUcastPkts == 70);
  CHECK(row->inMulticastPkts == 30);
  CHECK(row->inNUcastPkts == 30);
  CHECK(row->inDiscards == 2);
  CHECK(row->inErrors == 3);
  CHECK(row->inUnknownProtos == 6);
  CHECK(row->outOctets == 4000);
  CHECK(row->outUcastPkts == 50);
  CHECK(row->outDiscards == 4);
  CHECK(row->outErrors == 5);
}

TEST_CASE("decodeLink: ARPHRD types and RFC 2863 oper states", "[unit][decode][link]") {
  struct Case {
    unsigned short arphrd;
    std::uint16_t iana;
  };
  for (auto [arphrd, iana] : {Case{ARPHRD_ETHER, 6}, Case{ARPHRD_LOOPBACK, 24}, Case{ARPHRD_PPP, 23},
                              Case{ARPHRD_TUNNEL, 131}, Case{ARPHRD_SIT, 131}, Case{ARPHRD_TUNNEL6, 131},
                              Case{ARPHRD_IPGRE, 131}, Case{ARPHRD_NONE, 1}, Case{ARPHRD_INFINIBAND, 199}}) {
    Message msg;
    auto* ifi = msg.start<ifinfomsg>(RTM_NEWLINK);
    ifi->ifi_type = arphrd;
    ifi->ifi_index = 3;
    auto row = decodeLink(msg.message());
    REQUIRE(row.has_value());
    CHECK(row->type == iana);
    CHECK(row->luid.ifType() == iana);
  }
  struct State {
    unsigned flags;
    int operstate; // -1: attribute absent
    OperStatus expected;
  };
  for (auto [flags, operstate, expected] : {
           State{IFF_UP | IFF_RUNNING, IF_OPER_UP, OperStatus::Up},
           State{0, IF_OPER_UP, OperStatus::Down},                       // admin down wins
           State{IFF_UP | IFF_RUNNING, IF_OPER_UNKNOWN, OperStatus::Up}, // loopback, tun
           State{IFF_UP, IF_OPER_UNKNOWN, OperStatus::Unknown},
           State{IFF_UP, IF_OPER_LOWERLAYERDOWN, OperStatus::LowerLayerDown},
           State{IFF_UP, IF_OPER_DORMANT, OperStatus::Dormant},
           State{IFF_UP, IF_OPER_NOTPRESENT, OperStatus::NotPresent},
           State{IFF_UP, IF_OPER_TESTING, OperStatus::Testing},
           State{IFF_UP, IF_OPER_DOWN, OperStatus::Down},
           State{IFF_UP | IFF_RUNNING, -1, OperStatus::Up},
           State{IFF_UP, -1, OperStatus::Down},
       }) {
    Message msg;
    auto* ifi = msg.start<ifinfomsg>(RTM_NEWLINK);
    ifi->ifi_index = 3;
    ifi->ifi_flags = flags;
    if (operstate >= 0) msg.u8(IFLA_OPERSTATE, std::uint8_t(operstate));
    auto row = decodeLink(msg.message());
    REQUIRE(row.has_value());
    INFO("flags " << flags << " operstate " << operstate);
    CHECK(row->operStatus == expected);
    CHECK(row->adminStatus == ((flags & IFF_UP) ? AdminStatus::Up : AdminStatus::Down));
  }
}

TEST_CASE("decodeLink: only AF_UNSPEC link messages are links", "[unit][decode][link]") {
  Message bridge;
  buildLink(bridge, RTM_DELLINK, AF_BRIDGE);
  CHECK_FALSE(decodeLink(bridge.message()).has_value());
  Message inet6;
  buildLink(inet6, RTM_NEWLINK, AF_INET6);
  CHECK_FALSE(decodeLink(inet6.message()).has_value());
  Message del;
  buildLink(del, RTM_DELLINK);
  CHECK(decodeLink(del.message()).has_value());
  Message address;
  address.start<ifaddrmsg>(RTM_NEWADDR);
  CHECK_FALSE(decodeLink(address.message()).has_value());
}

TEST_CASE("decodeLink: short attributes are ignored, names need no terminator", "[unit][decode][link]") {
  Message msg;
  auto* ifi = msg.start<ifinfomsg>(RTM_NEWLINK);
  ifi->ifi_index = 4;
  msg.put(IFLA_IFNAME, "abc", 3); // no NUL
  const std::uint16_t shortMtu = 1500;
  msg.put(IFLA_MTU, &shortMtu, sizeof shortMtu);
  std::uint8_t stats[8] = {};
  msg.put(IFLA_STATS64, stats, sizeof stats);
  std::uint8_t huge[40] = {};
  msg.put(IFLA_ADDRESS, huge, sizeof huge);
  auto row = decodeLink(msg.message());
  REQUIRE(row.has_value());
  CHECK(row->name == "abc");
  CHECK(row->mtu == 0);
  CHECK(row->inOctets == 0);
  CHECK(row->physicalAddress.empty());
}

// RTM_NEWLINK of a VRF device and of an interface enslaved to it, byte for byte in the uapi layout
// rtnl_fill_ifinfo() writes (native byte order; attributes in the kernel's order, nests without
// NLA_F_NESTED as rtnl_link_fill uses nla_nest_start_noflag). They are written out here, not
// captured: this machine's kernel has no VRF driver (`ip link add ... type vrf` fails with "Unknown
// device type"), so no VRF message can be recorded from it.
std::vector<std::uint8_t> linkMessageBytes(std::uint32_t index, const char* name, std::uint32_t master,
                                           bool vrfDevice, std::uint32_t table) {
  std::vector<std::uint8_t> b;
  auto u16 = [&](std::uint16_t v) { b.insert(b.end(), {std::uint8_t(v), std::uint8_t(v >> 8)}); };
  auto u32 = [&](std::uint32_t v) {
    b.insert(b.end(), {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)});
  };
  auto pad = [&] {
    while (b.size() % 4)
      b.push_back(0);
  };
  auto attr = [&](std::uint16_t type, std::uint16_t length) { // header; payload follows
    u16(length);
    u16(type);
  };
  u32(0); // nlmsg_len, patched below
  u16(RTM_NEWLINK);
  u16(0);
  u32(0);
  u32(0);
  b.push_back(AF_UNSPEC); // ifinfomsg
  b.push_back(0);
  u16(ARPHRD_ETHER);
  u32(index);
  u32(IFF_UP | IFF_RUNNING | IFF_MASTER * vrfDevice);
  u32(0);
  const std::size_t nameLength = std::strlen(name) + 1;
  attr(IFLA_IFNAME, std::uint16_t(4 + nameLength));
  b.insert(b.end(), name, name + nameLength);
  pad();
  attr(IFLA_MTU, 8);
  u32(vrfDevice ? 65575 : 1500);
  if (master != 0) {
    attr(IFLA_MASTER, 8);
    u32(master);
  }
  attr(IFLA_LINKINFO, vrfDevice ? 24 : 36);
  if (vrfDevice) {
    attr(IFLA_INFO_KIND, 8);
    b.insert(b.end(), {'v', 'r', 'f', 0});
    attr(IFLA_INFO_DATA, 12);
    attr(IFLA_VRF_TABLE, 8);
    u32(table);
  } else {
    attr(IFLA_INFO_KIND, 9);
    b.insert(b.end(), {'v', 'e', 't', 'h', 0});
    pad();
    attr(IFLA_INFO_SLAVE_KIND, 8); // a VRF port reports its master's table as slave data
    b.insert(b.end(), {'v', 'r', 'f', 0});
    attr(IFLA_INFO_SLAVE_DATA, 12);
    attr(IFLA_VRF_PORT_TABLE, 8);
    u32(table);
  }
  const auto total = std::uint32_t(b.size());
  std::memcpy(b.data(), &total, 4);
  return b;
}

TEST_CASE("decodeLink: a VRF device's table and an enslaved interface's master", "[unit][decode][link]") {
  if constexpr (std::endian::native != std::endian::little) {
    WARN("not run: the constructed messages are little-endian");
    return;
  }
  auto decode = [](std::vector<std::uint8_t> bytes) {
    // An aligned, exactly sized copy, as a receive buffer holds it.
    std::unique_ptr<std::uint32_t[]> copy(new std::uint32_t[bytes.size() / 4]);
    std::memcpy(copy.get(), bytes.data(), bytes.size());
    const auto* m = reinterpret_cast<const nlmsghdr*>(copy.get());
    REQUIRE(m->nlmsg_len == bytes.size());
    return decodeLink(*m);
  };
  auto vrf = decode(linkMessageBytes(5, "blue", 0, true, 1001));
  REQUIRE(vrf.has_value());
  CHECK(vrf->index == 5);
  CHECK(vrf->name == "blue");
  CHECK(vrf->description == "vrf");
  CHECK(vrf->vrfTable == 1001);
  CHECK(vrf->masterIndex == 0);
  CHECK(vrf->mtu == 65575);

  auto port = decode(linkMessageBytes(7, "v0", 5, false, 1001));
  REQUIRE(port.has_value());
  CHECK(port->name == "v0");
  CHECK(port->description == "veth");
  CHECK(port->masterIndex == 5);
  CHECK(port->vrfTable == 0); // IFLA_VRF_PORT_TABLE is the master's, not this link's

  auto released = decode(linkMessageBytes(7, "v0", 0, false, 0)); // `ip link set v0 nomaster`
  REQUIRE(released.has_value());
  CHECK(released->masterIndex == 0);

  // Damaged VRF messages: every truncation and corruption decodes without reading past the end.
  const auto bytes = linkMessageBytes(5, "blue", 0, true, 1001);
  std::unique_ptr<std::uint32_t[]> aligned(new std::uint32_t[bytes.size() / 4]);
  std::memcpy(aligned.get(), bytes.data(), bytes.size());
  survivesDamage(*reinterpret_cast<const nlmsghdr*>(aligned.get()),
                 [](const nlmsghdr& m) { (void)decodeLink(m); });
}

TEST_CASE("decodeIpInterfaces: IPv4 devconf and IPv6 conf, cache info, EUI-64",
          "[unit][decode][ipinterface]") {
  Message msg;
  buildLink(msg);
  std::vector<IpInterfaceRow> rows;
  decodeIpInterfaces(msg.message(), rows);
  REQUIRE(rows.size() == 2);
  const auto& v4 = rows[0];
  CHECK(v4.family == Family::V4);
  CHECK(v4.interfaceIndex == 7);
  CHECK(v4.luid == InterfaceLuid::make(6, 7));
  CHECK(v4.enabled);
  CHECK(v4.forwardingEnabled);
  CHECK(v4.nlMtu == 1500);
  CHECK(v4.connected);
  CHECK(v4.reassemblyMaxSize == 65535);
  const auto& v6 = rows[1];
  CHECK(v6.family == Family::V6);
  CHECK(v6.enabled);
  CHECK_FALSE(v6.forwardingEnabled);
  CHECK(v6.routerDiscoveryEnabled);
  CHECK(v6.curHopLimit == 63);
  CHECK(v6.nlMtu == 1480);
  CHECK(v6.dadTransmits == 2);
  CHECK(v6.reassemblyMaxSize == 65535);
  CHECK(v6.reachableTime == 29000);
  CHECK(v6.retransmitTime == 1000);
  CHECK(formatPhysicalAddress(v6.interfaceIdentifier) == "00:00:00:ff:fe:00:00:07");
}

TEST_CASE("decodeIpInterfaces: AF_INET6 ifinfo (PROTINFO) with token and disabled IPv6",
          "[unit][decode][ipinterface]") {
  Message msg;
  auto* ifi = msg.start<ifinfomsg>(RTM_NEWLINK);
  ifi->ifi_family = AF_INET6;
  ifi->ifi_index = 9;
  ifi->ifi_type = ARPHRD_ETHER;
  msg.u32(IFLA_MTU, 9000);
  auto* proto = msg.nest(IFLA_PROTINFO);
  std::array<std::int32_t, DEVCONF_MAX> conf6{};
  conf6[DEVCONF_DISABLE_IPV6] = 1;
  conf6[DEVCONF_FORWARDING] = 1;
  msg.put(IFLA_INET6_CONF, conf6.data(), sizeof conf6);
  msg.ip(IFLA_INET6_TOKEN, "::1:2:3:4");
  msg.end(proto);
  std::vector<IpInterfaceRow> rows;
  decodeIpInterfaces(msg.message(), rows);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].family == Family::V6);
  CHECK(rows[0].interfaceIndex == 9);
  CHECK_FALSE(rows[0].enabled);
  CHECK(rows[0].forwardingEnabled);
  CHECK_FALSE(rows[0].connected);
  CHECK(formatPhysicalAddress(rows[0].interfaceIdentifier) == "00:01:00:02:00:03:00:04");
}

// ---- /proc/net counter files ----------------------------------------------------------------------

// Every IpStatisticsRow counter with the name the kernel prints it under (Ip6 prefix for IPv6;
// "Ip."/"IpExt." for IPv4), written out here independently of the code under test. Derived
// fields (outFragReqds, inForwDatagrams) are checked separately.
using Field = std::optional<std::uint64_t> IpStatisticsRow::*;
struct Named {
  Field field;
  const char* v4; // nullptr: Linux has no IPv4 counter for it
  const char* v6; // nullptr: Linux has no IPv6 counter for it
};
const Named kNamedCounters[] = {
    {&IpStatisticsRow::inReceives, "Ip.InReceives", "Ip6InReceives"},
    {&IpStatisticsRow::inOctets, "IpExt.InOctets", "Ip6InOctets"},
    {&IpStatisticsRow::inHdrErrors, "Ip.InHdrErrors", "Ip6InHdrErrors"},
    {&IpStatisticsRow::inNoRoutes, "IpExt.InNoRoutes", "Ip6InNoRoutes"},
    {&IpStatisticsRow::inAddrErrors, "Ip.InAddrErrors", "Ip6InAddrErrors"},
    {&IpStatisticsRow::inUnknownProtos, "Ip.InUnknownProtos", "Ip6InUnknownProtos"},
    {&IpStatisticsRow::inTruncatedPkts, "IpExt.InTruncatedPkts", "Ip6InTruncatedPkts"},
    {&IpStatisticsRow::outForwDatagrams, "Ip.ForwDatagrams", "Ip6OutForwDatagrams"},
    {&IpStatisticsRow::reasmReqds, "Ip.ReasmReqds", "Ip6ReasmReqds"},
    {&IpStatisticsRow::reasmOKs, "Ip.ReasmOKs", "Ip6ReasmOKs"},
    {&IpStatisticsRow::reasmFails, "Ip.ReasmFails", "Ip6ReasmFails"},
    {&IpStatisticsRow::inDiscards, "Ip.InDiscards", "Ip6InDiscards"},
    {&IpStatisticsRow::inDelivers, "Ip.InDelivers", "Ip6InDelivers"},
    {&IpStatisticsRow::outRequests, "Ip.OutRequests", "Ip6OutRequests"},
    {&IpStatisticsRow::outNoRoutes, "Ip.OutNoRoutes", "Ip6OutNoRoutes"},
    {&IpStatisticsRow::outDiscards, "Ip.OutDiscards", "Ip6OutDiscards"},
    {&IpStatisticsRow::outFragOKs, "Ip.FragOKs", "Ip6FragOKs"},
    {&IpStatisticsRow::outFragFails, "Ip.FragFails", "Ip6FragFails"},
    {&IpStatisticsRow::outFragCreates, "Ip.FragCreates", "Ip6FragCreates"},
    {&IpStatisticsRow::outTransmits, "Ip.OutTransmits", "Ip6OutTransmits"},
    {&IpStatisticsRow::outOctets, "IpExt.OutOctets", "Ip6OutOctets"},
    {&IpStatisticsRow::inMcastPkts, "IpExt.InMcastPkts", "Ip6InMcastPkts"},
    {&IpStatisticsRow::inMcastOctets, "IpExt.InMcastOctets", "Ip6InMcastOctets"},
    {&IpStatisticsRow::outMcastPkts, "IpExt.OutMcastPkts", "Ip6OutMcastPkts"},
    {&IpStatisticsRow::outMcastOctets, "IpExt.OutMcastOctets", "Ip6OutMcastOctets"},
    {&IpStatisticsRow::inBcastPkts, "IpExt.InBcastPkts", nullptr},
    {&IpStatisticsRow::outBcastPkts, "IpExt.OutBcastPkts", nullptr},
};

// /proc/net/snmp and /proc/net/netstat as Linux 6.18 prints them (Tcp/Udp/TcpExt lines shortened),
// every IP counter a distinct value so that any mix-up shows.
constexpr const char* kSnmp =
    "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos "
    "InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs "
    "ReasmFails FragOKs FragFails FragCreates OutTransmits\n"
    "Ip: 2 64 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118\n"
    "Icmp: InMsgs InErrors\n"
    "Icmp: 7 8\n"
    "Udp: InDatagrams NoPorts\n"
    "Udp: 9 10\n";
constexpr const char* kNetstat =
    "TcpExt: SyncookiesSent SyncookiesRecv\n"
    "TcpExt: 1 2\n"
    "IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets "
    "OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts "
    "InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps\n"
    "IpExt: 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218\n";

TEST_CASE("parseProcNetPairs: /proc/net/snmp and netstat line pairs", "[unit][decode][stats]") {
  NamedCounters c;
  parseProcNetPairs(kSnmp, c);
  parseProcNetPairs(kNetstat, c);
  CHECK(c.at("Ip.Forwarding") == 2);
  CHECK(c.at("Ip.InReceives") == 101);
  CHECK(c.at("Ip.OutTransmits") == 118);
  CHECK(c.at("Icmp.InErrors") == 8);
  CHECK(c.at("TcpExt.SyncookiesRecv") == 2);
  CHECK(c.at("IpExt.InNoRoutes") == 201);
  CHECK(c.at("IpExt.OutOctets") == 208);
  CHECK(c.at("IpExt.ReasmOverlaps") == 218);

  // Pairs that do not belong together, negative and torn values are no counters; nothing
  // overflows or throws.
  NamedCounters odd;
  parseProcNetPairs("Ip: A B\nIcmp: 1 2\nX: N M O\nX: -1 18446744073709551616 7x\nY: P\nY: 5", odd);
  CHECK(odd.size() == 1);
  CHECK(odd.at("Y.P") == 5);
  // A stray line does not misalign the pairs after it.
  NamedCounters stray;
  parseProcNetPairs("Stray\nIp: A B\nIp: 1 2\nTcp: MaxConn C\nTcp: -1 3\n", stray);
  CHECK(stray == NamedCounters{{"Ip.A", 1}, {"Ip.B", 2}, {"Tcp.C", 3}});
  NamedCounters none;
  parseProcNetPairs("", none);
  parseProcNetPairs("Ip: A B\n", none);
  parseProcNetPairs(":\n:\n", none);
  CHECK(none.empty());
}

TEST_CASE("ipv4Statistics: every counter from snmp's Ip and netstat's IpExt lines", "[unit][decode][stats]") {
  NamedCounters c;
  parseProcNetPairs(kSnmp, c);
  parseProcNetPairs(kNetstat, c);
  const IpStatisticsRow row = ipv4Statistics(c);
  CHECK(row.family == Family::V4);
  CHECK(row.interfaceIndex == 0);
  for (const auto& named : kNamedCounters) {
    INFO(named.v4);
    REQUIRE((row.*named.field).has_value());
    CHECK(*(row.*named.field) == c.at(named.v4));
  }
  CHECK(row.inForwDatagrams == c.at("Ip.ForwDatagrams")); // counted once by Linux
  CHECK(row.outFragReqds == c.at("Ip.FragOKs") + c.at("Ip.FragFails"));

  // Without netstat (or before Linux 6.3, without OutTransmits) those counters are absent, not 0.
  NamedCounters snmpOnly;
  parseProcNetPairs(kSnmp, snmpOnly);
  snmpOnly.erase("Ip.OutTransmits");
  const IpStatisticsRow partial = ipv4Statistics(snmpOnly);
  CHECK(partial.inReceives == 101u);
  CHECK_FALSE(partial.inOctets.has_value());
  CHECK_FALSE(partial.outBcastPkts.has_value());
  CHECK_FALSE(partial.outTransmits.has_value());
}

TEST_CASE("ipv6Statistics: every counter of snmp6 / dev_snmp6 by name", "[unit][decode][stats]") {
  // /proc/net/dev_snmp6/IF in Linux 6.18's order, which is neither the IPSTATS_MIB enum order of
  // this kernel nor of the headers we build with; Icmp6/Udp6 lines follow in the real file.
  const char* names[] = {"Ip6InReceives",    "Ip6InHdrErrors",      "Ip6InTooBigErrors",  "Ip6InNoRoutes",
                         "Ip6InAddrErrors",  "Ip6InUnknownProtos",  "Ip6InTruncatedPkts", "Ip6InDiscards",
                         "Ip6InDelivers",    "Ip6OutForwDatagrams", "Ip6OutRequests",     "Ip6OutDiscards",
                         "Ip6OutNoRoutes",   "Ip6ReasmTimeout",     "Ip6ReasmReqds",      "Ip6ReasmOKs",
                         "Ip6ReasmFails",    "Ip6FragOKs",          "Ip6FragFails",       "Ip6FragCreates",
                         "Ip6InMcastPkts",   "Ip6OutMcastPkts",     "Ip6InOctets",        "Ip6OutOctets",
                         "Ip6InMcastOctets", "Ip6OutMcastOctets",   "Ip6InBcastOctets",   "Ip6OutBcastOctets",
                         "Ip6InNoECTPkts",   "Ip6InECT1Pkts",       "Ip6InECT0Pkts",      "Ip6InCEPkts",
                         "Ip6OutTransmits"};
  std::string file = "ifIndex                         \t7\n";
  std::map<std::string, std::uint64_t> expected;
  std::uint64_t value = 5000000000; // beyond 32 bits
  for (const char* name : names) {
    file +=
        std::string(name) + std::string(32 - std::strlen(name), ' ') + "\t" + std::to_string(value) + "\n";
    expected[name] = value;
    value += 11;
  }
  file += "Icmp6InMsgs                     \t3\nIcmp6OutType133                 \t1\nUdp6InDatagrams \t4\n";

  const NamedCounters c = parseProcNetNameValue(file);
  CHECK(c.at("ifIndex") == 7);
  CHECK(c.at("Icmp6OutType133") == 1);
  const IpStatisticsRow row = ipv6Statistics(c);
  CHECK(row.family == Family::V6);
  CHECK(row.interfaceIndex == 7);
  for (const auto& named : kNamedCounters) {
    if (!named.v6) {
      CHECK_FALSE((row.*named.field).has_value()); // IPv6 has no broadcast
      continue;
    }
    INFO(named.v6);
    REQUIRE((row.*named.field).has_value());
    CHECK(*(row.*named.field) == expected.at(named.v6));
  }
  CHECK(row.inForwDatagrams == expected.at("Ip6OutForwDatagrams"));
  CHECK(row.outFragReqds == expected.at("Ip6FragOKs") + expected.at("Ip6FragFails"));

  // /proc/net/snmp6 has no ifIndex line: the system-wide row. An older kernel's missing counters
  // stay nullopt; garbage lines are skipped.
  const IpStatisticsRow system = ipv6Statistics(
      parseProcNetNameValue("Ip6InReceives 12\nIp6OutRequests\nnonsense -3\n\nIp6InOctets 900"));
  CHECK(system.interfaceIndex == 0);
  CHECK(system.inReceives == 12u);
  CHECK(system.inOctets == 900u);
  CHECK_FALSE(system.outRequests.has_value());
  CHECK_FALSE(system.outTransmits.has_value());
}

// ---- addresses ----------------------------------------------------------------------------------

struct AddressSpec {
  std::uint8_t family = AF_INET;
  const char* address = "198.51.100.1";
  std::uint8_t prefix = 24;
  std::uint32_t flags = IFA_F_PERMANENT;
  std::uint32_t index = 7;
  std::uint16_t type = RTM_NEWADDR;
  bool cacheinfo = true;
  std::uint32_t valid = 0xffffffff, preferred = 0xffffffff;
  int proto = -1;
};

void buildAddress(Message& msg, const AddressSpec& s) {
  auto* ifa = msg.start<ifaddrmsg>(s.type);
  ifa->ifa_family = s.family;
  ifa->ifa_prefixlen = s.prefix;
  ifa->ifa_flags = std::uint8_t(s.flags);
  ifa->ifa_index = s.index;
  msg.ip(IFA_ADDRESS, s.address);
  if (s.family == AF_INET) {
    msg.ip(IFA_LOCAL, s.address);
    msg.ip(IFA_BROADCAST, "198.51.100.255");
  }
  msg.u32(IFA_FLAGS, s.flags);
  if (s.proto >= 0) msg.u8(IFA_PROTO, std::uint8_t(s.proto));
  if (s.cacheinfo) {
    ifa_cacheinfo cache{s.preferred, s.valid, 12345, 23456};
    msg.put(IFA_CACHEINFO, &cache, sizeof cache);
  }
}

TEST_CASE("decodeAddress: IPv4 permanent manual address", "[unit][decode][address]") {
  Message msg;
  buildAddress(msg, {});
  auto row = decodeAddress(msg.message(), kNow);
  REQUIRE(row.has_value());
  CHECK(row->address == addr("198.51.100.1"));
  CHECK(row->interfaceIndex == 7);
  CHECK(row->onLinkPrefixLength == 24);
  CHECK(row->permanent);
  CHECK_FALSE(row->secondary);
  CHECK(row->prefixOrigin == PrefixOrigin::Manual);
  CHECK(row->suffixOrigin == SuffixOrigin::Manual);
  CHECK(row->dadState == DadState::Preferred);
  CHECK(row->broadcast == addr("198.51.100.255"));
  CHECK(row->validLifetime == kInfiniteLifetime);
  CHECK(row->preferredLifetime == kInfiniteLifetime);
  // cstamp/tstamp: hundredths of a second since boot.
  CHECK(row->creationTimeStamp == Timestamp{} + std::chrono::milliseconds(123450));
  CHECK(row->lastChange == Timestamp{} + std::chrono::milliseconds(234560));
}

TEST_CASE("decodeAddress: flags, origins and scopes", "[unit][decode][address]") {
  SECTION("IPv4 secondary (the bit IPv6 calls temporary)") {
    Message msg;
    buildAddress(msg, {.flags = IFA_F_PERMANENT | IFA_F_SECONDARY});
    auto row = decodeAddress(msg.message(), kNow);
    REQUIRE(row.has_value());
    CHECK(row->secondary);
    CHECK(row->suffixOrigin == SuffixOrigin::Manual);
  }
  SECTION("IPv4 lease with finite lifetimes -> DHCP") {
    Message msg;
    buildAddress(msg, {.flags = 0, .valid = 600, .preferred = 300});
    auto row = decodeAddress(msg.message(), kNow);
    REQUIRE(row.has_value());
    CHECK_FALSE(row->permanent);
    CHECK(row->prefixOrigin == PrefixOrigin::Dhcp);
    CHECK(row->validLifetime == 600);
    CHECK(row->preferredLifetime == 300);
  }
  SECTION("IPv6 link-local: well-known, link-layer suffix, scoped to the interface") {
    Message msg;
    buildAddress(msg, {.family = AF_INET6, .address = "fe80::1", .prefix = 64});
    auto row = decodeAddress(msg.message(), kNow);
    REQUIRE(row.has_value());
    CHECK(row->address == addr("fe80::1%7"));
    CHECK(row->address.scopeId() == 7);
    CHECK(row->prefixOrigin == PrefixOrigin::WellKnown);
    CHECK(row->suffixOrigin == SuffixOrigin::LinkLayerAddress);
  }
  SECTION("IPv6 SLAAC public address (mngtmpaddr, not permanent)") {
    Message msg;
    buildAddress(msg, {.family = AF_INET6,
                       .address = "2001:db8:1::200:ff:fe00:7",
                       .prefix = 64,
                       .flags = IFA_F_MANAGETEMPADDR,
                       .valid = 86400,
                       .preferred = 14400});
    auto row = decodeAddress(msg.message(), kNow);
    REQUIRE(row.has_value());
    CHECK(row->address.scopeId() == 0);
    CHECK(row->prefixOrigin == PrefixOrigin::RouterAdvertisement);
    CHECK(row->suffixOrigin == SuffixOrigin::LinkLayerAddress);
  }
  SECTION("IPv6 temporary address -> random suffix") {
    Message msg;
    buildAddress(msg, {.family = AF_INET6,
                       .address = "2001:db8:1::1234:5678",
                       .prefix = 64,
                       .flags = IFA_F_TEMPORARY,
                       .valid = 3600,
                       .preferred = 1800});
    auto row = decodeAddress(msg.message(), kNow);
    REQUIRE(row.has_value());
    CHECK(row->prefixOrigin == PrefixOrigin::RouterAdvertisement);
    CHECK(row->suffixOrigin == SuffixOrigin::Random);
    CHECK_FALSE(row->secondary);
  }
  SECTION("IPv6 manual address, and the loopback") {
    Message msg;
    buildAddress(msg, {.family = AF_INET6, .address = "2001:db8:1::1", .prefix = 64});
    auto row = decodeAddress(msg.message(), kNow);
    REQUIRE(row.has_value());
    CHECK(row->prefixOrigin == PrefixOrigin::Manual);
    Message lo;
    buildAddress(
        lo, {.family = AF_INET6, .address = "::1", .prefix = 128, .index = 1, .proto = IFAPROT_KERNEL_LO});
    auto loop = decodeAddress(lo.message(), kNow);
    REQUIRE(loop.has_value());
    CHECK(loop->prefixOrigin == PrefixOrigin::WellKnown);
    CHECK(loop->suffixOrigin == SuffixOrigin::WellKnown);
  }
  SECTION("DAD states") {
    struct Case {
      std::uint32_t flags;
      DadState state;
    };
    for (auto [flags, state] :
         {Case{IFA_F_TENTATIVE, DadState::Tentative}, Case{IFA_F_OPTIMISTIC, DadState::Tentative},
          Case{IFA_F_DADFAILED | IFA_F_TENTATIVE, DadState::Duplicate},
          Case{IFA_F_DEPRECATED, DadState::Deprecated}, Case{0, DadState::Preferred}}) {
      Message msg;
      buildAddress(
          msg,
          {.family = AF_INET6, .address = "2001:db8:1::1", .prefix = 64, .flags = flags | IFA_F_PERMANENT});
      auto row = decodeAddress(msg.message(), kNow);
      REQUIRE(row.has_value());
      CHECK(row->dadState == state);
    }
  }
  SECTION("RTM_DELADDR decodes the same row") {
    Message msg;
    buildAddress(msg, {.type = RTM_DELADDR});
    CHECK(decodeAddress(msg.message(), kNow).has_value());
  }
  SECTION("multicast, wrong-sized and foreign-family addresses are not unicast rows") {
    Message mc;
    buildAddress(mc, {.family = AF_INET6, .address = "ff02::1", .prefix = 128});
    CHECK_FALSE(decodeAddress(mc.message(), kNow).has_value());
    Message wrong;
    auto* ifa = wrong.start<ifaddrmsg>(RTM_NEWADDR);
    ifa->ifa_family = AF_INET;
    ifa->ifa_index = 2;
    wrong.ip(IFA_ADDRESS, "2001:db8::1"); // 16 bytes for an IPv4 message
    CHECK_FALSE(decodeAddress(wrong.message(), kNow).has_value());
    Message bad;
    auto* b = bad.start<ifaddrmsg>(RTM_NEWADDR);
    b->ifa_family = AF_INET;
    b->ifa_index = 2;
    b->ifa_prefixlen = 33;
    bad.ip(IFA_LOCAL, "198.51.100.1");
    CHECK_FALSE(decodeAddress(bad.message(), kNow).has_value());
  }
}

// ---- neighbors ------------------------------------------------------------------------------------

void buildNeighbor(Message& msg, std::uint16_t state, std::uint8_t family = AF_INET,
                   const char* dst = "198.51.100.2", std::uint8_t flags = 0,
                   std::uint16_t type = RTM_NEWNEIGH) {
  auto* nd = msg.start<ndmsg>(type);
  nd->ndm_family = family;
  nd->ndm_ifindex = 7;
  nd->ndm_state = state;
  nd->ndm_flags = flags;
  msg.ip(NDA_DST, dst);
  const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x08};
  msg.put(NDA_LLADDR, mac, 6);
  nda_cacheinfo cache{};
  const long hz = ::sysconf(_SC_CLK_TCK);
  cache.ndm_confirmed = std::uint32_t(3 * hz);
  cache.ndm_updated = std::uint32_t(2 * hz);
  msg.put(NDA_CACHEINFO, &cache, sizeof cache);
}

TEST_CASE("decodeNeighbor: NUD states, router flag, cache info", "[unit][decode][neighbor]") {
  struct Case {
    std::uint16_t nud;
    NeighborState state;
  };
  for (auto [nud, state] :
       {Case{NUD_PERMANENT, NeighborState::Permanent}, Case{NUD_NOARP, NeighborState::NoArp},
        Case{NUD_REACHABLE, NeighborState::Reachable}, Case{NUD_STALE, NeighborState::Stale},
        Case{NUD_DELAY, NeighborState::Delay}, Case{NUD_PROBE, NeighborState::Probe},
        Case{NUD_INCOMPLETE, NeighborState::Incomplete}, Case{NUD_FAILED, NeighborState::Unreachable}}) {
    Message msg;
    buildNeighbor(msg, nud);
    auto row = decodeNeighbor(msg.message(), kNow);
    REQUIRE(row.has_value());
    INFO("NUD " << nud);
    CHECK(row->state == state);
    CHECK(row->isUnreachable == (nud == NUD_FAILED));
  }
  Message msg;
  buildNeighbor(msg, NUD_REACHABLE, AF_INET6, "fe80::8", NTF_ROUTER);
  auto row = decodeNeighbor(msg.message(), kNow);
  REQUIRE(row.has_value());
  CHECK(row->address == addr("fe80::8%7"));
  CHECK(row->interfaceIndex == 7);
  CHECK(row->isRouter);
  CHECK(formatPhysicalAddress(row->physicalAddress) == "02:00:00:00:00:08");
  CHECK(row->reachabilityTime == 3000);
  CHECK(row->lastUpdated == kNow - std::chrono::seconds(2));

  Message del;
  buildNeighbor(del, NUD_NONE, AF_INET, "198.51.100.2", 0, RTM_DELNEIGH);
  CHECK(decodeNeighbor(del.message(), kNow).has_value());
}

TEST_CASE("decodeNeighbor: bridge FDB and proxy entries are not neighbors", "[unit][decode][neighbor]") {
  Message fdb;
  auto* nd = fdb.start<ndmsg>(RTM_NEWNEIGH);
  nd->ndm_family = AF_BRIDGE;
  nd->ndm_ifindex = 7;
  const std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x08};
  fdb.put(NDA_LLADDR, mac, 6);
  CHECK_FALSE(decodeNeighbor(fdb.message(), kNow).has_value());
  Message proxy;
  buildNeighbor(proxy, NUD_NONE, AF_INET, "198.51.100.2", NTF_PROXY);
  CHECK_FALSE(decodeNeighbor(proxy.message(), kNow).has_value());
}

TEST_CASE("decodeNeighborParms: per-device ARP/ND times", "[unit][decode][neighbor]") {
  Message msg;
  auto* t = msg.start<ndtmsg>(RTM_NEWNEIGHTBL);
  t->ndtm_family = AF_INET;
  msg.str(NDTA_NAME, "arp_cache");
  auto* parms = msg.nest(NDTA_PARMS);
  msg.u32(NDTPA_IFINDEX, 7);
  const std::uint64_t reachable = 21000, base = 30000, retrans = 1000;
  msg.put(NDTPA_REACHABLE_TIME, &reachable, 8);
  msg.put(NDTPA_BASE_REACHABLE_TIME, &base, 8);
  msg.put(NDTPA_RETRANS_TIME, &retrans, 8);
  msg.end(parms);
  auto p = decodeNeighborParms(msg.message());
  REQUIRE(p.has_value());
  CHECK(p->family == Family::V4);
  CHECK(p->interfaceIndex == 7);
  CHECK(p->reachableTime == 21000);
  CHECK(p->baseReachableTime == 30000);
  CHECK(p->retransmitTime == 1000);
}

// ---- routes ------------------------------------------------------------------------------------------

struct RouteSpec {
  std::uint8_t family = AF_INET;
  const char* dst = "203.0.113.0";
  std::uint8_t length = 24;
  std::uint8_t type = RTN_UNICAST;
  std::uint8_t protocol = RTPROT_STATIC;
  std::uint8_t table = RT_TABLE_MAIN;
  const char* gateway = "198.51.100.254";
  std::uint32_t oif = 7;
  std::optional<std::uint32_t> priority{};
  std::uint16_t messageType = RTM_NEWROUTE;
  std::uint32_t flags = 0;
};

void buildRoute(Message& msg, const RouteSpec& s) {
  auto* rt = msg.start<rtmsg>(s.messageType);
  rt->rtm_family = s.family;
  rt->rtm_dst_len = s.length;
  rt->rtm_table = s.table;
  rt->rtm_protocol = s.protocol;
  rt->rtm_scope = RT_SCOPE_UNIVERSE;
  rt->rtm_type = s.type;
  rt->rtm_flags = s.flags;
  msg.u32(RTA_TABLE, s.table);
  if (s.length) msg.ip(RTA_DST, s.dst);
  if (s.priority) msg.u32(RTA_PRIORITY, *s.priority);
  if (s.gateway) msg.ip(RTA_GATEWAY, s.gateway);
  if (s.oif) msg.u32(RTA_OIF, s.oif);
}

// Appends RTA_MULTIPATH with the given (gateway, ifindex, hops) next hops.
void addMultipath(Message& msg, std::initializer_list<std::tuple<const char*, int, int>> hops) {
  auto* mp = msg.nest(RTA_MULTIPATH);
  for (auto [gateway, ifindex, weight] : hops) {
    auto* nh = static_cast<rtnexthop*>(msg.tail());
    msg.grow(sizeof(rtnexthop));
    nh->rtnh_flags = 0;
    nh->rtnh_hops = std::uint8_t(weight - 1);
    nh->rtnh_ifindex = ifindex;
    auto* before = static_cast<char*>(msg.tail());
    msg.ip(RTA_GATEWAY, gateway);
    nh->rtnh_len = std::uint16_t(sizeof(rtnexthop) + (static_cast<char*>(msg.tail()) - before));
  }
  msg.end(mp);
}

TEST_CASE("decodeRoute: IPv4 unicast via a gateway", "[unit][decode][route]") {
  Message msg;
  buildRoute(msg, {});
  std::vector<RouteRow> rows;
  REQUIRE(decodeRoute(msg.message(), rows));
  REQUIRE(rows.size() == 1);
  const auto& r = rows[0];
  CHECK(r.destinationPrefix == *IpPrefix::parse("203.0.113.0/24"));
  CHECK(r.nextHop == addr("198.51.100.254"));
  CHECK(r.interfaceIndex == 7);
  CHECK(r.metric == 0); // IPv4 without RTA_PRIORITY
  CHECK(r.table == kMainRouteTable);
  CHECK(r.type == RouteType::Unicast);
  CHECK(r.protocol == RouteProtocol::NetMgmt);
  CHECK(r.nativeProtocol == RTPROT_STATIC);
  CHECK(r.origin == RouteOrigin::Manual);
  CHECK(r.weight == 1);
  CHECK(r.validLifetime == kInfiniteLifetime);
  CHECK(r.immortal);
}

TEST_CASE("decodeRoute: IPv6 default route, metric 1024, link-local next hop scoped",
          "[unit][decode][route]") {
  Message msg;
  buildRoute(msg, {.family = AF_INET6,
                   .dst = "::",
                   .length = 0,
                   .protocol = RTPROT_RA,
                   .gateway = "fe80::1",
                   .oif = 3,
                   .priority = 1024});
  const long hz = ::sysconf(_SC_CLK_TCK);
  rta_cacheinfo cache{};
  cache.rta_expires = std::uint32_t(1800 * hz);
  msg.put(RTA_CACHEINFO, &cache, sizeof cache);
  std::vector<RouteRow> rows;
  REQUIRE(decodeRoute(msg.message(), rows));
  REQUIRE(rows.size() == 1);
  const auto& r = rows[0];
  CHECK(r.destinationPrefix == *IpPrefix::parse("::/0"));
  CHECK(r.metric == 1024);
  CHECK(r.nextHop == addr("fe80::1%3"));
  CHECK(r.nextHop.scopeId() == 3);
  CHECK(r.protocol == RouteProtocol::Icmp);
  CHECK(r.origin == RouteOrigin::RouterAdvertisement);
  CHECK(r.validLifetime == 1800);
  CHECK(r.preferredLifetime == 1800);
  CHECK_FALSE(r.immortal);
  // The expiry: the lifetime from when the message was decoded.
  const auto untilExpiry = std::chrono::duration<double>(r.expires - Clock::now()).count();
  CHECK(untilExpiry == Approx(1800).margin(2));
  CHECK(r.routerPreference == RouterPreference::Medium); // no RTA_PREF
}

TEST_CASE("decodeRoute: a negative rta_expires (past its expiry, not collected yet) is no time left",
          "[unit][decode][route]") {
  // Found by rtnl_decode_fuzz (corpus: route-expired-negative-expires): the signed field was read as
  // unsigned, and the resulting ~2^64 ticks overflowed the expiry time point.
  for (const std::int32_t expires :
       {-1, -100, std::numeric_limits<std::int32_t>::min() + 1, std::numeric_limits<std::int32_t>::min()}) {
    Message msg;
    buildRoute(msg, {.family = AF_INET6,
                     .dst = "::",
                     .length = 0,
                     .protocol = RTPROT_RA,
                     .gateway = "fe80::1",
                     .oif = 3,
                     .priority = 1024});
    rta_cacheinfo cache{};
    cache.rta_expires = expires;
    msg.put(RTA_CACHEINFO, &cache, sizeof cache);
    std::vector<RouteRow> rows;
    const auto before = Clock::now();
    REQUIRE(decodeRoute(msg.message(), rows));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].validLifetime == 0);
    CHECK_FALSE(rows[0].immortal);
    CHECK(rows[0].expires >= before);
    CHECK(rows[0].expires <= Clock::now());
  }
  // The largest time left the kernel reports (INT_MAX ticks) stays representable.
  Message msg;
  buildRoute(msg, {.family = AF_INET6, .dst = "::", .length = 0, .gateway = "fe80::1", .oif = 3});
  rta_cacheinfo cache{};
  cache.rta_expires = std::numeric_limits<std::int32_t>::max();
  msg.put(RTA_CACHEINFO, &cache, sizeof cache);
  std::vector<RouteRow> rows;
  REQUIRE(decodeRoute(msg.message(), rows));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].expires > Clock::now() + std::chrono::hours(24 * 200)); // 248 days at USER_HZ 100
}

TEST_CASE("decodeRoute: RTA_PREF gives the RFC 4191 router preference", "[unit][decode][route]") {
  for (const auto& [wire, expected] :
       {std::pair{std::uint8_t(ICMPV6_ROUTER_PREF_HIGH), RouterPreference::High},
        std::pair{std::uint8_t(ICMPV6_ROUTER_PREF_LOW), RouterPreference::Low},
        std::pair{std::uint8_t(ICMPV6_ROUTER_PREF_MEDIUM), RouterPreference::Medium},
        std::pair{std::uint8_t(ICMPV6_ROUTER_PREF_INVALID), RouterPreference::Reserved},
        std::pair{std::uint8_t(0xfd), RouterPreference::High}}) { // only the low 2 bits count
    Message msg;
    buildRoute(msg, {.family = AF_INET6,
                     .dst = "::",
                     .length = 0,
                     .protocol = RTPROT_RA,
                     .gateway = "fe80::1",
                     .oif = 3,
                     .priority = 1024});
    msg.put(RTA_PREF, &wire, sizeof wire);
    std::vector<RouteRow> rows;
    REQUIRE(decodeRoute(msg.message(), rows));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].routerPreference == expected);
    CHECK(rows[0].expires == Timestamp{}); // no RTA_CACHEINFO expiry: no lifetime
    CHECK(rows[0].validLifetime == kInfiniteLifetime);
  }
}

TEST_CASE("decodeRoute: multipath -> one row per next hop with weights", "[unit][decode][route]") {
  Message msg;
  buildRoute(msg, {.gateway = nullptr, .oif = 0, .priority = 100});
  addMultipath(msg, {{"198.51.100.2", 7, 1}, {"192.0.2.2", 8, 3}});
  std::vector<RouteRow> rows;
  REQUIRE(decodeRoute(msg.message(), rows));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].nextHop == addr("198.51.100.2"));
  CHECK(rows[0].interfaceIndex == 7);
  CHECK(rows[0].weight == 1);
  CHECK(rows[1].nextHop == addr("192.0.2.2"));
  CHECK(rows[1].interfaceIndex == 8);
  CHECK(rows[1].weight == 3);
  for (const auto& r : rows) {
    CHECK(r.metric == 100);
    CHECK(r.destinationPrefix == *IpPrefix::parse("203.0.113.0/24"));
  }

  Message v6;
  buildRoute(v6, {.family = AF_INET6,
                  .dst = "2001:db8:ff::",
                  .length = 48,
                  .gateway = nullptr,
                  .oif = 0,
                  .priority = 1024});
  addMultipath(v6, {{"fe80::1", 4, 1}, {"fe80::2", 5, 1}});
  rows.clear();
  REQUIRE(decodeRoute(v6.message(), rows));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].nextHop == addr("fe80::1%4"));
  CHECK(rows[1].nextHop == addr("fe80::2%5"));
}

TEST_CASE("decodeRoute: reject types have neither device nor next hop", "[unit][decode][route]") {
  struct Case {
    std::uint8_t rtn;
    RouteType type;
  };
  for (auto [rtn, type] :
       {Case{RTN_BLACKHOLE, RouteType::Blackhole}, Case{RTN_UNREACHABLE, RouteType::Unreachable},
        Case{RTN_PROHIBIT, RouteType::Prohibit}, Case{RTN_THROW, RouteType::Throw}}) {
    for (std::uint8_t family : {std::uint8_t(AF_INET), std::uint8_t(AF_INET6)}) {
      Message msg;
      // IPv6 hangs them on lo (ifindex 1).
      buildRoute(msg, {.family = family,
                       .dst = family == AF_INET ? "192.0.2.0" : "2001:db8:f1::",
                       .length = std::uint8_t(family == AF_INET ? 24 : 48),
                       .type = rtn,
                       .gateway = nullptr,
                       .oif = family == AF_INET ? 0u : 1u});
      std::vector<RouteRow> rows;
      REQUIRE(decodeRoute(msg.message(), rows));
      REQUIRE(rows.size() == 1);
      CHECK(rows[0].type == type);
      CHECK(rows[0].interfaceIndex == 0);
      CHECK(rows[0].nextHop.isZero());
      CHECK(rows[0].nextHop.family() == (family == AF_INET ? Family::V4 : Family::V6));
    }
  }
  struct Other {
    std::uint8_t rtn;
    RouteType type;
  };
  for (auto [rtn, type] : {Other{RTN_LOCAL, RouteType::Local}, Other{RTN_BROADCAST, RouteType::Broadcast},
                           Other{RTN_ANYCAST, RouteType::Anycast}, Other{RTN_MULTICAST, RouteType::Multicast},
                           Other{RTN_NAT, RouteType::Nat}, Other{RTN_XRESOLVE, RouteType::Other}}) {
    Message msg;
    buildRoute(msg, {.type = rtn, .gateway = nullptr});
    std::vector<RouteRow> rows;
    REQUIRE(decodeRoute(msg.message(), rows));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].type == type);
    CHECK(rows[0].interfaceIndex == 7);
  }
}

TEST_CASE("decodeRoute: RTM_DELROUTE, RTA_TABLE, RTA_PREFSRC, RTA_VIA", "[unit][decode][route]") {
  Message del;
  buildRoute(del, {.messageType = RTM_DELROUTE});
  del.u32(RTA_TABLE, 1000); // a later RTA_TABLE wins, and tables above 255 exist only there
  del.ip(RTA_PREFSRC, "198.51.100.1");
  std::vector<RouteRow> rows;
  REQUIRE(decodeRoute(del.message(), rows));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].table == 1000);
  CHECK(rows[0].preferredSource == addr("198.51.100.1"));

  Message via;
  buildRoute(via, {.gateway = nullptr});
  struct {
    std::uint16_t family;
    std::uint8_t address[16];
  } __attribute__((packed)) rtvia{AF_INET6, {}};
  rtvia.address[0] = 0xfe;
  rtvia.address[1] = 0x80;
  rtvia.address[15] = 1;
  via.put(RTA_VIA, &rtvia, sizeof rtvia);
  rows.clear();
  REQUIRE(decodeRoute(via.message(), rows));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].nextHop == addr("fe80::1%7"));
  CHECK(rows[0].destinationPrefix.family() == Family::V4);
}

TEST_CASE("decodeRoute: cloned and source-specific entries are skipped", "[unit][decode][route]") {
  Message cloned;
  buildRoute(cloned, {.flags = RTM_F_CLONED});
  std::vector<RouteRow> rows;
  CHECK(decodeRoute(cloned.message(), rows));
  CHECK(rows.empty());
  Message sourced;
  auto* rt = sourced.start<rtmsg>(RTM_NEWROUTE);
  rt->rtm_family = AF_INET6;
  rt->rtm_dst_len = 48;
  rt->rtm_src_len = 64;
  rt->rtm_type = RTN_UNICAST;
  sourced.ip(RTA_DST, "2001:db8:ff::");
  sourced.ip(RTA_SRC, "2001:db8:1::");
  CHECK(decodeRoute(sourced.message(), rows));
  CHECK(rows.empty());
}

TEST_CASE("decodeRoute: malformed messages append nothing", "[unit][decode][route]") {
  std::vector<RouteRow> rows;
  SECTION("prefix length beyond the family") {
    Message msg;
    buildRoute(msg, {.length = 33});
    CHECK_FALSE(decodeRoute(msg.message(), rows));
  }
  SECTION("destination of the wrong size") {
    Message msg;
    auto* rt = msg.start<rtmsg>(RTM_NEWROUTE);
    rt->rtm_family = AF_INET;
    rt->rtm_dst_len = 24;
    msg.ip(RTA_DST, "2001:db8::");
    CHECK_FALSE(decodeRoute(msg.message(), rows));
  }
  SECTION("gateway of the wrong size") {
    Message msg;
    buildRoute(msg, {.gateway = "2001:db8::1"});
    CHECK_FALSE(decodeRoute(msg.message(), rows));
  }
  SECTION("a next hop claiming more bytes than the attribute has") {
    Message msg;
    buildRoute(msg, {.gateway = nullptr, .oif = 0});
    addMultipath(msg, {{"198.51.100.2", 7, 1}, {"198.51.100.3", 7, 1}});
    auto* nh =
        reinterpret_cast<rtnexthop*>(static_cast<char*>(mnl_nlmsg_get_payload_tail(&msg.message())) - 16);
    nh->rtnh_len = 200;
    CHECK_FALSE(decodeRoute(msg.message(), rows));
  }
  SECTION("a family that is neither IPv4 nor IPv6 (e.g. ipmr)") {
    Message msg;
    buildRoute(msg, {});
    reinterpret_cast<rtmsg*>(mnl_nlmsg_get_payload(&msg.message()))->rtm_family = 128;
    CHECK_FALSE(decodeRoute(msg.message(), rows));
  }
  SECTION("a header cut short") {
    Message msg;
    buildRoute(msg, {});
    msg.message().nlmsg_len = NLMSG_LENGTH(4);
    CHECK_FALSE(decodeRoute(msg.message(), rows));
  }
  CHECK(rows.empty());
}

TEST_CASE("route protocols map both ways", "[unit][decode][route]") {
  CHECK(routeProtocolFromKernel(RTPROT_KERNEL) == RouteProtocol::Local);
  CHECK(routeProtocolFromKernel(RTPROT_BOOT) == RouteProtocol::NetMgmt);
  CHECK(routeProtocolFromKernel(RTPROT_STATIC) == RouteProtocol::NetMgmt);
  CHECK(routeProtocolFromKernel(RTPROT_RA) == RouteProtocol::Icmp);
  CHECK(routeProtocolFromKernel(RTPROT_DHCP) == RouteProtocol::Dhcp);
  CHECK(routeProtocolFromKernel(RTPROT_OSPF) == RouteProtocol::Ospf);
  CHECK(routeProtocolFromKernel(RTPROT_BGP) == RouteProtocol::Bgp);
  CHECK(routeProtocolFromKernel(RTPROT_BIRD) == RouteProtocol::Other);
  for (auto p : {RouteProtocol::Ospf, RouteProtocol::Bgp, RouteProtocol::Rip, RouteProtocol::IsIs,
                 RouteProtocol::Dhcp, RouteProtocol::Local})
    CHECK(routeProtocolFromKernel(kernelProtocolFromRoute(p)) == p);
  CHECK(kernelProtocolFromRoute(RouteProtocol::Unspecified) == RTPROT_STATIC);
  CHECK(kernelProtocolFromRoute(RouteProtocol::NetMgmt) == RTPROT_STATIC);
}

TEST_CASE("decodeRouteLookup: the kernel's way out and source", "[unit][decode][route]") {
  Message msg;
  buildRoute(msg, {.dst = "203.0.113.77", .length = 32, .flags = RTM_F_CLONED});
  msg.ip(RTA_PREFSRC, "198.51.100.1");
  auto lookup = decodeRouteLookup(msg.message());
  REQUIRE(lookup.has_value());
  CHECK(lookup->table == kMainRouteTable);
  CHECK(lookup->interfaceIndex == 7);
  CHECK(lookup->gateway == addr("198.51.100.254"));
  CHECK(lookup->preferredSource == addr("198.51.100.1"));
}

// ---- robustness ------------------------------------------------------------------------------------------

TEST_CASE("decoders survive truncated and corrupted messages", "[unit][decode][robustness]") {
  std::vector<IpInterfaceRow> ipRows;
  std::vector<RouteRow> routeRows;
  Message link;
  buildLink(link);
  survivesDamage(link.message(), [&](const nlmsghdr& m) {
    (void)decodeLink(m);
    ipRows.clear();
    decodeIpInterfaces(m, ipRows);
  });
  Message address;
  buildAddress(address, {.family = AF_INET6, .address = "fe80::1", .prefix = 64});
  survivesDamage(address.message(), [&](const nlmsghdr& m) { (void)decodeAddress(m, kNow); });
  Message neighbor;
  buildNeighbor(neighbor, NUD_REACHABLE);
  survivesDamage(neighbor.message(), [&](const nlmsghdr& m) { (void)decodeNeighbor(m, kNow); });
  Message route;
  buildRoute(route, {.gateway = nullptr, .oif = 0, .priority = 5});
  addMultipath(route, {{"198.51.100.2", 7, 1}, {"198.51.100.3", 8, 2}});
  survivesDamage(route.message(), [&](const nlmsghdr& m) {
    routeRows.clear();
    const bool ok = decodeRoute(m, routeRows);
    if (!ok) CHECK(routeRows.empty()); // failures never leave partial rows behind
    (void)decodeRouteLookup(m);
  });
  Message whole;
  buildRoute(whole, {.gateway = nullptr, .oif = 0, .priority = 5});
  addMultipath(whole, {{"198.51.100.2", 7, 1}, {"198.51.100.3", 8, 2}});
  routeRows.clear();
  CHECK(decodeRoute(whole.message(), routeRows));
  CHECK(routeRows.size() == 2);
}

TEST_CASE("messageFits: a message length above INT_MAX does not fit", "[unit][decode][robustness]") {
  // tests/fuzz/corpus/rtnl_decode_fuzz/nlmsg-len-above-int-max: mnl_nlmsg_ok() accepted it (it
  // compares nlmsg_len as int) and the walk then jumped 4 GB back, outside the buffer.
  alignas(4) std::array<std::uint8_t, 20> buffer{};
  buffer.fill(0xff);
  nlmsghdr header{};
  header.nlmsg_len = 0xffff0a40;
  std::memcpy(buffer.data(), &header.nlmsg_len, sizeof header.nlmsg_len);
  const auto* m = reinterpret_cast<const nlmsghdr*>(buffer.data());
  CHECK_FALSE(messageFits(m, int(buffer.size())));
  // Lengths that fit, exactly or with a tail; too short for a header; longer than what is left.
  header.nlmsg_len = 20;
  std::memcpy(buffer.data(), &header.nlmsg_len, sizeof header.nlmsg_len);
  CHECK(messageFits(m, 20));
  CHECK(messageFits(m, 24));
  CHECK_FALSE(messageFits(m, 19));
  CHECK_FALSE(messageFits(m, 15));
  header.nlmsg_len = 15;
  std::memcpy(buffer.data(), &header.nlmsg_len, sizeof header.nlmsg_len);
  CHECK_FALSE(messageFits(m, 20));
}

TEST_CASE("statusFromErrno maps kernel errors onto IP Helper codes", "[unit]") {
  CHECK(statusFromErrno(0) == Status::Success);
  CHECK(statusFromErrno(ENOENT) == Status::NotFound);
  CHECK(statusFromErrno(ESRCH) == Status::NotFound);
  CHECK(statusFromErrno(ENODEV) == Status::NotFound);
  CHECK(statusFromErrno(EADDRNOTAVAIL) == Status::NotFound);
  CHECK(statusFromErrno(EEXIST) == Status::AlreadyExists);
  CHECK(statusFromErrno(EINVAL) == Status::InvalidParameter);
  CHECK(statusFromErrno(ERANGE) == Status::InvalidParameter);
  CHECK(statusFromErrno(EAFNOSUPPORT) == Status::InvalidParameter);
  CHECK(statusFromErrno(EPERM) == Status::AccessDenied);
  CHECK(statusFromErrno(EACCES) == Status::AccessDenied);
  CHECK(statusFromErrno(EOPNOTSUPP) == Status::NotSupported);
  CHECK(statusFromErrno(ENETUNREACH) == Status::NetworkUnreachable);
  CHECK(statusFromErrno(EHOSTUNREACH) == Status::NetworkUnreachable);
  CHECK(statusFromErrno(ENOMEM) == Status::NoMemory);
  CHECK(statusFromErrno(ENOBUFS) == Status::NoMemory);
  CHECK(statusFromErrno(EBUSY) == Status::Busy);
  CHECK(statusFromErrno(EAGAIN) == Status::Busy);
  CHECK(statusFromErrno(EIO) == Status::GeneralFailure);
}

// ---- Issue 19, h-sort: address labels and the raw link state -------------------------------------

void buildAddressLabel(Message& msg, std::uint8_t prefixLength = 48, std::uint32_t index = 3) {
  auto* h = msg.start<ifaddrlblmsg>(RTM_NEWADDRLABEL);
  h->ifal_family = AF_INET6;
  h->ifal_prefixlen = prefixLength;
  h->ifal_index = index;
  msg.ip(IFAL_ADDRESS, "2001:db8:7::");
  msg.u32(IFAL_LABEL, 99);
}

TEST_CASE("decodeAddressLabel: prefix, interface and label", "[unit][decode][addrlabel]") {
  Message msg;
  buildAddressLabel(msg);
  const auto row = decodeAddressLabel(msg.message());
  REQUIRE(row);
  CHECK(row->prefix.toString() == "2001:db8:7::/48");
  CHECK(row->interfaceIndex == 3);
  CHECK(row->label == 99);
  survivesDamage(msg.message(), [](const nlmsghdr& m) { (void)decodeAddressLabel(m); });
}

TEST_CASE("decodeAddressLabel: refuses other families, long prefixes, missing attributes",
          "[unit][decode][addrlabel]") {
  Message tooLong;
  buildAddressLabel(tooLong, 129);
  CHECK_FALSE(decodeAddressLabel(tooLong.message()));
  Message v4;
  auto* h = v4.start<ifaddrlblmsg>(RTM_NEWADDRLABEL);
  h->ifal_family = AF_INET;
  v4.ip(IFAL_ADDRESS, "192.0.2.0");
  v4.u32(IFAL_LABEL, 1);
  CHECK_FALSE(decodeAddressLabel(v4.message()));
  Message noLabel;
  auto* n = noLabel.start<ifaddrlblmsg>(RTM_NEWADDRLABEL);
  n->ifal_family = AF_INET6;
  noLabel.ip(IFAL_ADDRESS, "2001:db8::");
  CHECK_FALSE(decodeAddressLabel(noLabel.message()));
  Message link;
  buildLink(link);
  CHECK_FALSE(decodeAddressLabel(link.message()));
}

TEST_CASE("decodeRawLinkState: up only with IFF_UP and IFF_LOWER_UP, whatever IFLA_OPERSTATE says",
          "[unit][decode][link]") {
  Message msg;
  buildLink(msg);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(&msg.message()));
  // buildLink reports IF_OPER_UP without IFF_LOWER_UP: the device itself has no carrier.
  auto state = decodeRawLinkState(msg.message());
  REQUIRE(state);
  CHECK(state->index == 7);
  CHECK(state->operStatus == OperStatus::Down);
  ifi->ifi_flags |= IFF_LOWER_UP;
  CHECK(decodeRawLinkState(msg.message())->operStatus == OperStatus::Up);
  ifi->ifi_flags &= ~unsigned(IFF_UP);
  CHECK(decodeRawLinkState(msg.message())->operStatus == OperStatus::Down);
  Message inet6;
  buildLink(inet6, RTM_NEWLINK, AF_INET6);
  CHECK_FALSE(decodeRawLinkState(inet6.message()));
}

} // namespace
