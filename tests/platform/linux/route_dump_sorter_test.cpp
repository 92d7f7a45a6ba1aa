// Unit tests of RouteDumpSorter over synthetic entries: key order, first arrival winning among equal
// keys, across the kept run and many chunks set aside, and the storage counts.
#include "platform/linux/route_dump_sorter.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

RouteShadowEntry entry(std::uint32_t table, std::uint32_t destination, std::uint32_t metric,
                       std::uint32_t tag) {
  RouteRow r;
  r.table = table;
  r.destinationPrefix = {IpAddress::v4(destination), 32};
  r.nextHop = IpAddress::zero(Family::V4);
  r.interfaceIndex = 2;
  r.metric = metric;
  PackedRouteParams params = packParams(r);
  params.validUntil = tag; // tells copies of one key apart (any value: the sorter never reads it)
  return {packKey(r), {}, params};
}

// Reads everything out of a finished sorter.
std::vector<RouteShadowEntry> drain(RouteDumpSorter& sorter) {
  sorter.finish();
  std::vector<RouteShadowEntry> out;
  for (; sorter.current(); sorter.next())
    out.push_back(*sorter.current());
  return out;
}

TEST_CASE("entries come out in key order, the first arrival of each key only", "[route_dump_sorter]") {
  // Mostly ascending, as the kernel dumps, with a share out of order (more than several chunks'
  // worth) and repeated keys both among the kept entries and among those set aside.
  std::mt19937 random(5);
  RouteDumpSorter sorter;
  std::map<PackedRouteKey, std::uint32_t> firstTag; // the model: key -> tag of its first arrival
  std::uint32_t tag = 0;
  for (std::uint32_t i = 0; i < 60000; ++i) {
    std::uint32_t destination = 0x0a000000u + i;
    if (random() % 3 == 0) destination = 0x0a000000u + std::uint32_t(random() % 60000); // out of order
    const RouteShadowEntry e = entry(random() % 5 == 0 ? 100 : 254, destination, random() % 2, ++tag);
    firstTag.try_emplace(e.key, tag);
    sorter.add(e);
  }
  CHECK(sorter.size() == 60000);
  CHECK(sorter.narrowCount() == 60000);
  const auto out = drain(sorter);
  REQUIRE(out.size() == firstTag.size());
  auto model = firstTag.begin();
  for (const auto& e : out) {
    REQUIRE(e.key == model->first);
    CHECK(e.params.validUntil == model->second);
    ++model;
  }
}

TEST_CASE("an empty sorter and a fully reversed one", "[route_dump_sorter]") {
  RouteDumpSorter empty;
  CHECK(drain(empty).empty());
  RouteDumpSorter reversed;
  for (std::uint32_t i = 20000; i > 0; --i)
    reversed.add(entry(254, i, 0, i));
  const auto out = drain(reversed);
  REQUIRE(out.size() == 20000);
  for (std::size_t i = 1; i < out.size(); ++i)
    REQUIRE(out[i - 1].key < out[i].key);
}

} // namespace
