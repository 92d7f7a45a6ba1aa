// Conformance: GetIpPathTable / GetIpPathEntry / FlushIpPathTable (issue 19). A router beyond v0
// forwards to a host on a link of MTU 1280: a datagram too big for that link leaves a path MTU
// exception (ICMP fragmentation-needed / packet-too-big), a TCP connection leaves an RTT, and a
// flush forgets both.
#include "tests/platform/conformance/support.h"

#include <algorithm>

namespace ipmibd::conformance {
namespace {

struct Lab {
  const char* host;
  const char* router;
  const char* source; // this stack's address on v0, the one TCP uses
  Family family;
};
constexpr Lab kLabs[] = {{kPathLabHost4, kPathLabRouter4, "192.0.2.1", Family::V4},
                         {kPathLabHost6, kPathLabRouter6, "2001:db8:1::1", Family::V6}};

std::vector<IpPathRow> paths(Backend& backend, Family family) {
  std::vector<IpPathRow> rows;
  REQUIRE_OK(backend.getIpPathTable(family, rows));
  CHECK(std::is_sorted(rows.begin(), rows.end(), pathKeyLess));
  return rows;
}

std::vector<IpPathRow> pathsTo(Backend& backend, const IpAddress& destination) {
  auto rows = paths(backend, Family::Unspecified);
  std::erase_if(rows, [&](const IpPathRow& r) { return r.destination != destination; });
  return rows;
}

IpPathRow pathKey(const IpAddress& destination, InterfaceIndex index) {
  IpPathRow row;
  row.destination = destination;
  row.interfaceIndex = index;
  return row;
}

TEST_CASE("IP paths: a path MTU exception from beyond a router, read, then flushed", "[paths]") {
  CONFORMANCE_STACK(stack);
  Backend& backend = stack.backend();
  REQUIRE_OK(stack.buildPathLab());
  stack.settle();
  const auto v0 = indexOf(backend, "v0");
  const auto v2 = indexOf(backend, "v2");
  InterfaceRow link;
  link.index = v0;
  REQUIRE_OK(backend.getIfEntry2(link));

  for (const Lab& lab : kLabs) {
    INFO("destination " << lab.host);
    const IpAddress host = addr(lab.host);
    IpPathRow row = pathKey(host, v0);
    CHECK_STATUS(backend.getIpPathEntry(row), Status::NotFound);
    CHECK(pathsTo(backend, host).empty());

    REQUIRE_OK(stack.sendTooBig(lab.host));
    row = pathKey(host, v0);
    REQUIRE(stack.settleUntil([&] {
      IpPathRow probe = pathKey(host, v0);
      return backend.getIpPathEntry(probe).ok();
    }));
    REQUIRE_OK(backend.getIpPathEntry(row));
    CHECK(row.pathMtu == kPathLabMtu);
    CHECK(row.currentNextHop == addr(lab.router));
    CHECK(row.interfaceIndex == v0);
    CHECK(row.luid == link.luid);
    CHECK(row.hasException);
    CHECK(row.expires > 0);
    CHECK(row.expires <= 600); // net.ipv{4,6}.route.mtu_expires, the kernel's default
    CHECK(row.isReachable);
    CHECK(row.rttMean == 0); // no TCP metric for the destination
    CHECK(row.linkTransmitSpeed == link.transmitLinkSpeed);

    // The table has the same row (LastReachable ages between reads), in this family only.
    const auto inTable = pathsTo(backend, host);
    REQUIRE(inTable.size() == 1);
    CHECK(inTable.front().pathMtu == kPathLabMtu);
    CHECK(inTable.front().currentNextHop == row.currentNextHop);
    const Family other = lab.family == Family::V4 ? Family::V6 : Family::V4;
    for (const auto& r : paths(backend, other))
      CHECK(r.destination.family() == other);
    // By LUID instead of index; a source of the path's family that is not the row's does not match.
    IpPathRow byLuid;
    byLuid.destination = host;
    byLuid.luid = link.luid;
    REQUIRE_OK(backend.getIpPathEntry(byLuid));
    CHECK(byLuid.pathMtu == kPathLabMtu);
    // The same destination through another interface has no path.
    IpPathRow elsewhere = pathKey(host, v2);
    CHECK_STATUS(backend.getIpPathEntry(elsewhere), Status::NotFound);

    // Flushing the other family leaves this one; flushing this one forgets it.
    REQUIRE_OK(backend.flushIpPathTable(other));
    row = pathKey(host, v0);
    REQUIRE_OK(backend.getIpPathEntry(row));
    REQUIRE_OK(backend.flushIpPathTable(lab.family));
    row = pathKey(host, v0);
    CHECK_STATUS(backend.getIpPathEntry(row), Status::NotFound);
    CHECK(pathsTo(backend, host).empty());
  }
}

TEST_CASE("IP paths: a closed TCP connection leaves its RTT; a flush of both families forgets it",
          "[paths]") {
  CONFORMANCE_STACK(stack);
  Backend& backend = stack.backend();
  REQUIRE_OK(stack.buildPathLab());
  stack.settle();
  const auto v0 = indexOf(backend, "v0");
  const auto mtu = ipInterface(backend, Family::V4, v0).nlMtu;

  for (const Lab& lab : kLabs) {
    INFO("destination " << lab.host);
    const IpAddress host = addr(lab.host);
    REQUIRE_OK(stack.tcpExchange(lab.host));
    REQUIRE(stack.settleUntil([&] {
      const auto rows = pathsTo(backend, host);
      return !rows.empty() && rows.front().rttMean > 0;
    }));
    const auto rows = pathsTo(backend, host);
    REQUIRE(rows.size() == 1);
    const IpPathRow& row = rows.front();
    CHECK(row.source == addr(lab.source));
    CHECK(row.interfaceIndex == v0);
    CHECK(row.currentNextHop == addr(lab.router));
    CHECK(row.rttMeanMicros > 0);
    // Milliseconds rounded up: a sub-millisecond RTT reads 1, not "none".
    CHECK(row.rttMean == (row.rttMeanMicros + 999) / 1000);
    CHECK(row.rttDeviation == (row.rttDeviationMicros + 999) / 1000);
    CHECK(!row.hasException);
    CHECK(row.pathMtu == (lab.family == Family::V4 ? mtu : ipInterface(backend, Family::V6, v0).nlMtu));
    CHECK(row.isReachable);
    CHECK(row.lastReachable < 60'000); // the metric was saved just now
    // The entry, keyed with the source or without one.
    IpPathRow entry = pathKey(host, v0);
    entry.source = addr(lab.source);
    REQUIRE_OK(backend.getIpPathEntry(entry));
    CHECK(entry.rttMeanMicros == row.rttMeanMicros);
  }
  // A path MTU exception for the same destination joins the metric's row.
  REQUIRE_OK(stack.sendTooBig(kPathLabHost6));
  REQUIRE(stack.settleUntil([&] {
    const auto rows = pathsTo(backend, addr(kPathLabHost6));
    return rows.size() == 1 && rows.front().hasException;
  }));
  const auto joined = pathsTo(backend, addr(kPathLabHost6));
  REQUIRE(joined.size() == 1);
  CHECK(joined.front().pathMtu == kPathLabMtu);
  CHECK(joined.front().rttMean > 0);
  CHECK(joined.front().source == addr(kLabs[1].source));

  REQUIRE_OK(backend.flushIpPathTable(Family::Unspecified));
  CHECK(pathsTo(backend, addr(kPathLabHost4)).empty());
  CHECK(pathsTo(backend, addr(kPathLabHost6)).empty());
}

TEST_CASE("IP paths: refused requests", "[paths]") {
  CONFORMANCE_STACK(stack);
  Backend& backend = stack.backend();
  const auto v0 = indexOf(backend, "v0");
  std::vector<IpPathRow> rows;
  CHECK_STATUS(backend.getIpPathTable(Family(9), rows), Status::InvalidParameter);
  CHECK_STATUS(backend.flushIpPathTable(Family(9)), Status::InvalidParameter);
  IpPathRow row; // no destination
  row.interfaceIndex = v0;
  CHECK_STATUS(backend.getIpPathEntry(row), Status::InvalidParameter);
  row = pathKey(addr("198.18.0.2"), 0); // neither LUID nor index
  CHECK_STATUS(backend.getIpPathEntry(row), Status::InvalidParameter);
  row = pathKey(addr("198.18.0.2"), v0);
  row.source = addr("2001:db8:1::1"); // a source of the other family
  CHECK_STATUS(backend.getIpPathEntry(row), Status::InvalidParameter);
  row = pathKey(addr("198.18.0.2"), unusedIndex(backend));
  CHECK_STATUS(backend.getIpPathEntry(row), Status::NotFound);
  row = pathKey(addr("198.18.0.2"), v0); // an interface that exists, no path
  CHECK_STATUS(backend.getIpPathEntry(row), Status::NotFound);
  // A flush with nothing to flush succeeds.
  REQUIRE_OK(backend.flushIpPathTable(Family::Unspecified));
  REQUIRE_OK(backend.getIpPathTable(Family::Unspecified, rows));
  CHECK(rows.empty());
}

} // namespace
} // namespace ipmibd::conformance
