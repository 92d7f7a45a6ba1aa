// The multicast membership sources against a real kernel: the RTM_GETMULTICAST dumps the backend
// reads must list exactly what /proc/net/igmp and igmp6 (the fallback for kernels without an
// IPv4 RTM_GETMULTICAST, and what snmpd reads) list, sockets' joins included.
#include "platform/linux/group_decode.h"
#include "platform/linux/linux_backend.h"
#include "platform/linux/netns.h"
#include "tests/platform/linux/backend_test_support.h"
#include "tests/platform/linux/test_namespace.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;
using ipmibd::testing::TestNamespace;

using Memberships = std::set<std::pair<IpAddress, InterfaceIndex>>;

TEST_CASE("multicast memberships: the netlink dumps equal /proc/net/igmp and igmp6",
          "[integration][groups]") {
  REQUIRE_ROOT();
  TestNamespace ns("mc");
  ns.batch("link add v0 type veth peer name v1\nlink set v0 up\nlink set v1 up\n"
           "addr add 192.0.2.1/24 dev v0\naddr add 2001:db8:1::1/64 dev v0 nodad\n");
  // A socket's joins, beside the kernel's own groups.
  int v4 = -1, v6 = -1;
  {
    NetnsScope scope(ns.name());
    REQUIRE(scope.result().ok());
    const unsigned index = if_nametoindex("v0");
    REQUIRE(index != 0);
    v4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    v6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE((v4 >= 0 && v6 >= 0));
    ip_mreqn m4{};
    inet_pton(AF_INET, "233.252.0.7", &m4.imr_multiaddr);
    m4.imr_ifindex = int(index);
    REQUIRE(setsockopt(v4, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m4, sizeof m4) == 0);
    ipv6_mreq m6{};
    inet_pton(AF_INET6, "ff15::db8:7", &m6.ipv6mr_multiaddr);
    m6.ipv6mr_interface = index;
    REQUIRE(setsockopt(v6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m6, sizeof m6) == 0);
  }
  LinuxOptions options;
  options.netns = ns.name();
  Result error;
  auto backend = LinuxBackend::open(options, error);
  REQUIRE(backend);

  for (Family family : {Family::V4, Family::V6}) {
    INFO(toString(family));
    std::vector<MulticastAddressRow> rows;
    REQUIRE(backend->getMulticastIpAddressTable(family, rows).ok());
    Memberships fromBackend;
    for (const auto& r : rows)
      fromBackend.insert({r.address, r.interfaceIndex});
    Memberships fromProc;
    const auto text = ns.readProc(family == Family::V4 ? "/proc/net/igmp" : "/proc/net/igmp6");
    for (const auto& g : family == Family::V4 ? parseProcIgmp(text) : parseProcIgmp6(text))
      fromProc.insert({g.address, g.interfaceIndex});
    CHECK(fromBackend == fromProc);
    CHECK(fromBackend.size() >= 3); // lo, v0, v1 all have at least the all-systems / all-nodes group
    const IpAddress joined = *IpAddress::parse(family == Family::V4 ? "233.252.0.7" : "ff15::db8:7");
    CHECK(std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return r.address == joined; }));
  }
  close(v4);
  close(v6);
  // Closed sockets leave their groups.
  std::vector<MulticastAddressRow> rows;
  REQUIRE(backend->getMulticastIpAddressTable(Family::Unspecified, rows).ok());
  for (const auto& r : rows) {
    CHECK(r.address != *IpAddress::parse("233.252.0.7"));
    CHECK(r.address != *IpAddress::parse("ff15::db8:7"));
  }
}

} // namespace
