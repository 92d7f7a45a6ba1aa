// Unit tests of the IP path decoders (issue 19) on synthetic messages built with libmnl: route
// exceptions (RTM_F_CLONED), the generic netlink controller's family reply and tcp_metrics replies,
// plus the committed kernel seeds of tests/fuzz/corpus/path_decode_fuzz decoded as a backend would.
#include "platform/linux/rtnl_decode.h"
#include "tests/platform/linux/netlink_message.h"

#include <catch2/catch.hpp>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <linux/tcp_metrics.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

using ipmibd::testing::Message;

long hz() { return sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100; }

void exception4(Message& m, std::uint32_t flags = RTM_F_CLONED, std::uint8_t dstLength = 32) {
  auto* r = m.start<rtmsg>(RTM_NEWROUTE);
  r->rtm_family = AF_INET;
  r->rtm_dst_len = dstLength;
  r->rtm_table = RT_TABLE_MAIN;
  r->rtm_flags = flags;
  m.ip(RTA_DST, "198.18.0.2");
  m.u32(RTA_OIF, 3);
  m.ip(RTA_GATEWAY, "192.0.2.2");
  m.u32(RTA_TABLE, RT_TABLE_MAIN);
  auto* metrics = m.nest(RTA_METRICS);
  m.u32(RTAX_MTU, 1280);
  m.end(metrics);
  rta_cacheinfo cache{};
  cache.rta_expires = std::int32_t(598 * hz());
  m.put(RTA_CACHEINFO, &cache, sizeof cache);
}

TEST_CASE("decodeRouteException: an IPv4 PMTU exception", "[paths]") {
  Message m;
  exception4(m);
  auto e = decodeRouteException(m.message());
  REQUIRE(e);
  CHECK(e->destination == *IpAddress::parse("198.18.0.2"));
  CHECK(e->interfaceIndex == 3);
  CHECK(e->gateway == *IpAddress::parse("192.0.2.2"));
  CHECK(e->mtu == 1280);
  CHECK(e->expires == 598);
  CHECK(e->table == RT_TABLE_MAIN);
  // The same message is not a route to decodeRoute.
  std::vector<RouteRow> routes;
  CHECK(decodeRoute(m.message(), routes));
  CHECK(routes.empty());
}

TEST_CASE("decodeRouteException: an IPv6 exception without gateway is on-link; refusals", "[paths]") {
  Message m;
  auto* r = m.start<rtmsg>(RTM_NEWROUTE);
  r->rtm_family = AF_INET6;
  r->rtm_dst_len = 128;
  r->rtm_flags = RTM_F_CLONED;
  m.ip(RTA_DST, "2001:db8:f::2");
  m.u32(RTA_OIF, 4);
  auto e = decodeRouteException(m.message());
  REQUIRE(e);
  CHECK(e->gateway == IpAddress::zero(Family::V6));
  CHECK(e->mtu == 0);
  CHECK(e->expires == 0);

  Message route; // a route, not an exception
  exception4(route, 0);
  CHECK_FALSE(decodeRouteException(route.message()));
  Message prefix; // not a host destination
  exception4(prefix, RTM_F_CLONED, 24);
  CHECK_FALSE(decodeRouteException(prefix.message()));
  Message noInterface;
  auto* h = noInterface.start<rtmsg>(RTM_NEWROUTE);
  h->rtm_family = AF_INET;
  h->rtm_dst_len = 32;
  h->rtm_flags = RTM_F_CLONED;
  noInterface.ip(RTA_DST, "198.18.0.2");
  CHECK_FALSE(decodeRouteException(noInterface.message()));
  // Truncated: every prefix of a good message decodes to nothing or to a row, never crashes.
  Message whole;
  exception4(whole);
  for (std::uint32_t length = 0; length < whole.message().nlmsg_len; ++length) {
    Message cut;
    exception4(cut);
    cut.message().nlmsg_len = length;
    auto partial = decodeRouteException(cut.message());
    if (partial) CHECK(partial->interfaceIndex != 0);
  }
}

TEST_CASE("decodeGenericFamilyId: the controller's reply names the family", "[paths]") {
  Message m;
  auto* g = m.start<genlmsghdr>(GENL_ID_CTRL);
  g->cmd = CTRL_CMD_NEWFAMILY;
  m.str(CTRL_ATTR_FAMILY_NAME, TCP_METRICS_GENL_NAME);
  m.u16(CTRL_ATTR_FAMILY_ID, 0x1d);
  CHECK(decodeGenericFamilyId(m.message(), "tcp_metrics") == std::optional<std::uint16_t>(0x1d));
  CHECK_FALSE(decodeGenericFamilyId(m.message(), "nl80211"));
  Message low; // an id in the netlink control range is no family
  auto* l = low.start<genlmsghdr>(GENL_ID_CTRL);
  l->cmd = CTRL_CMD_NEWFAMILY;
  low.str(CTRL_ATTR_FAMILY_NAME, TCP_METRICS_GENL_NAME);
  low.u16(CTRL_ATTR_FAMILY_ID, 3);
  CHECK_FALSE(decodeGenericFamilyId(low.message(), "tcp_metrics"));
}

TEST_CASE("decodeTcpMetric: destination, source, age and the unscaled RTT", "[paths]") {
  constexpr std::uint16_t kFamily = 0x1d;
  Message m;
  auto* g = m.start<genlmsghdr>(kFamily);
  g->cmd = TCP_METRICS_CMD_GET;
  m.ip(TCP_METRICS_ATTR_ADDR_IPV4, "198.18.0.2");
  m.ip(TCP_METRICS_ATTR_SADDR_IPV4, "192.0.2.1");
  m.u64(TCP_METRICS_ATTR_AGE, 1620);
  auto* vals = m.nest(TCP_METRICS_ATTR_VALS);
  m.u32(TCP_METRIC_RTT + 1, 0);             // srtt_us / 1000, in milliseconds (rounded to 0)
  m.u32(TCP_METRIC_RTT_US + 1, 79 << 3);    // TCP's srtt_us, scaled by 8 as the kernel keeps it
  m.u32(TCP_METRIC_RTTVAR_US + 1, 79 << 2); // mdev, scaled by 4
  m.u32(TCP_METRIC_CWND + 1, 12);
  m.end(vals);
  auto metric = decodeTcpMetric(m.message(), kFamily);
  REQUIRE(metric);
  CHECK(metric->destination == *IpAddress::parse("198.18.0.2"));
  CHECK(metric->source == *IpAddress::parse("192.0.2.1"));
  CHECK(metric->ageMillis == 1620);
  CHECK(metric->rttMicros == 79); // what `ip tcp_metrics` prints as "rtt 79us"
  CHECK(metric->rttVarianceMicros == 79);
  CHECK_FALSE(decodeTcpMetric(m.message(), kFamily + 1)); // another family's message

  // A kernel before the _US attributes: milliseconds, scaled the same way.
  Message old;
  auto* o = old.start<genlmsghdr>(kFamily);
  o->cmd = TCP_METRICS_CMD_GET;
  old.ip(TCP_METRICS_ATTR_ADDR_IPV6, "2001:db8:f::2");
  auto* oldVals = old.nest(TCP_METRICS_ATTR_VALS);
  old.u32(TCP_METRIC_RTT + 1, 16);
  old.u32(TCP_METRIC_RTTVAR + 1, 8);
  old.end(oldVals);
  metric = decodeTcpMetric(old.message(), kFamily);
  REQUIRE(metric);
  CHECK(metric->source.isUnspecified());
  CHECK(metric->rttMicros == 2000);
  CHECK(metric->rttVarianceMicros == 2000);

  Message none; // no destination
  auto* n = none.start<genlmsghdr>(kFamily);
  n->cmd = TCP_METRICS_CMD_GET;
  none.u64(TCP_METRICS_ATTR_AGE, 5);
  CHECK_FALSE(decodeTcpMetric(none.message(), kFamily));
}

// The kernel's own answers, captured by tests/fuzz/seeds.py --paths (a 1280-byte link behind a
// router, one too-big datagram and one TCP exchange per family).
std::vector<std::uint8_t> seed(const std::string& name) {
  std::ifstream in(std::string(IPMIBD_PATH_SEEDS) + "/" + name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), {}};
}

template <class Visit> void walk(std::vector<std::uint8_t>& bytes, Visit visit) {
  int remaining = int(bytes.size());
  for (auto* m = reinterpret_cast<const nlmsghdr*>(bytes.data()); messageFits(m, remaining);
       m = mnl_nlmsg_next(m, &remaining))
    visit(*m);
}

TEST_CASE("the kernel's path messages (committed seeds) decode", "[paths]") {
  for (const char* name : {"exceptions-2-0", "exceptions-10-0"}) {
    INFO(name);
    auto bytes = seed(name);
    std::vector<PathException> found;
    walk(bytes, [&](const nlmsghdr& m) {
      if (auto e = decodeRouteException(m)) found.push_back(*e);
    });
    REQUIRE(found.size() == 1);
    CHECK(found.front().mtu == 1280);
    CHECK(found.front().expires > 0);
    CHECK(found.front().destination == *IpAddress::parse(name[11] == '2' ? "198.18.0.2" : "2001:db8:f::2"));
  }
  auto ctrl = seed("ctrl-family");
  std::optional<std::uint16_t> id;
  walk(ctrl, [&](const nlmsghdr& m) {
    if (!id) id = decodeGenericFamilyId(m, TCP_METRICS_GENL_NAME);
  });
  REQUIRE(id);
  auto dump = seed("tcp-metrics-0");
  std::vector<PathMetric> metrics;
  walk(dump, [&](const nlmsghdr& m) {
    if (auto metric = decodeTcpMetric(m, *id)) metrics.push_back(*metric);
  });
  REQUIRE(metrics.size() == 2);
  for (const auto& metric : metrics) {
    CHECK(metric.rttMicros > 0);
    CHECK(metric.source.family() == metric.destination.family());
  }
}

} // namespace
