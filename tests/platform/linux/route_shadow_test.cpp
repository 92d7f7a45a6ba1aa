// Unit tests of RouteShadow over synthetic routes: key packing and order, change detection, narrow
// storage, the sorted-vectors-plus-delta container against a std::map model, and the re-dump merge.
#include "platform/linux/route_dump_sorter.h"
#include "platform/linux/route_shadow.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

IpAddress addr(const std::string& text) {
  auto a = IpAddress::parse(text);
  REQUIRE(a);
  return *a;
}
IpPrefix prefix(const std::string& text) {
  auto p = IpPrefix::parse(text);
  REQUIRE(p);
  return *p;
}

RouteRow route(const std::string& destination, const std::string& nextHop, InterfaceIndex index,
               std::uint32_t metric = 0, std::uint32_t table = kMainRouteTable) {
  RouteRow r;
  r.destinationPrefix = prefix(destination);
  r.nextHop = addr(nextHop);
  r.interfaceIndex = index;
  r.metric = metric;
  r.table = table;
  r.protocol = RouteProtocol::NetMgmt;
  return r;
}

// A random route from a small space, so keys repeat and neighbours share heads.
RouteRow randomRoute(std::mt19937& random) {
  auto pick = [&](unsigned n) { return unsigned(random() % n); };
  RouteRow r;
  r.table = pick(2) ? kMainRouteTable : 100;
  if (pick(2)) {
    r.destinationPrefix = {IpAddress::v4(0xC6120000u + pick(8) * 256), std::uint8_t(24 + pick(2))};
    r.nextHop = pick(3) ? IpAddress::v4(0xC0000200u + pick(3)) : IpAddress::zero(Family::V4);
  } else {
    std::array<std::uint8_t, 16> d{0x20, 0x01, 0x0d, 0xb8};
    d[5] = std::uint8_t(pick(8));
    r.destinationPrefix = {IpAddress::v6(d), std::uint8_t(48 + pick(2) * 16)};
    std::array<std::uint8_t, 16> h{0xfe, 0x80};
    h[15] = std::uint8_t(1 + pick(2));
    r.nextHop = pick(3) ? IpAddress::v6(h, 1 + pick(2)) : IpAddress::zero(Family::V6);
  }
  r.metric = pick(3);
  r.interfaceIndex = 1 + pick(3);
  r.protocol = pick(2) ? RouteProtocol::NetMgmt : RouteProtocol::Ospf;
  return r;
}

TEST_CASE("packed route keys round-trip and order routes as RouteKey does", "[route_shadow]") {
  for (const RouteRow& r :
       {route("198.51.100.0/24", "192.0.2.1", 2, 7, 100), route("198.51.100.0/24", "0.0.0.0", 3),
        route("2001:db8:1::/64", "fe80::1%5", 5, 1024), route("2001:db8::/32", "::", 0)}) {
    const RouteRow back = rowOf(packKey(r));
    CHECK(keyOf(back) == keyOf(r));
    CHECK(back.nextHop.scopeId() == r.nextHop.scopeId());
  }
  // A blackhole route decoded without any next hop: an unspecified-family address.
  RouteRow none = route("198.18.0.0/15", "0.0.0.0", 0);
  none.nextHop = IpAddress{};
  CHECK(keyOf(rowOf(packKey(none))) == keyOf(none));

  std::mt19937 random(7);
  std::vector<RouteRow> rows;
  for (int i = 0; i < 2000; ++i)
    rows.push_back(randomRoute(random));
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) {
    const RouteRow& a = rows[i];
    const RouteRow& b = rows[i + 1];
    INFO(i);
    CHECK((packKey(a) < packKey(b)) == (keyOf(a) < keyOf(b)));
    CHECK((packKey(a) == packKey(b)) == (keyOf(a) == keyOf(b)));
    CHECK(routeKeyLess(a, b) == (keyOf(a) < keyOf(b)));
  }
}

TEST_CASE("route parameter comparison sees every significant field and ignores the volatile ones",
          "[route_shadow]") {
  const RouteRow base = route("198.51.100.0/24", "192.0.2.1", 2);
  auto differs = [&](auto change) {
    RouteRow r = base;
    change(r);
    return !sameRouteParams(packParams(r), packParams(base));
  };
  CHECK(differs([](RouteRow& r) { r.protocol = RouteProtocol::Ospf; }));
  CHECK(differs([](RouteRow& r) { r.nativeProtocol = 186; }));
  CHECK(differs([](RouteRow& r) { r.type = RouteType::Blackhole; }));
  CHECK(differs([](RouteRow& r) { r.scope = 253; }));
  CHECK(differs([](RouteRow& r) { r.weight = 2; }));
  CHECK(differs([](RouteRow& r) { r.preferredSource = IpAddress::v4(0xC0000202u); }));
  CHECK(differs([](RouteRow& r) { r.immortal = false; }));
  CHECK(differs([](RouteRow& r) { r.validLifetime = 300; })); // infinite -> finite
  CHECK_FALSE(differs([](RouteRow& r) { r.created = Clock::now(); }));
  RouteRow finite = base;
  finite.validLifetime = finite.preferredLifetime = 300;
  RouteRow later = finite;
  later.validLifetime = later.preferredLifetime = 299; // remaining lifetime ticking down
  CHECK(sameRouteParams(packParams(finite), packParams(later)));
}

TEST_CASE("narrow and compact entries hold routes exactly; the others stay wide", "[route_shadow]") {
  auto entryOf = [](const RouteRow& r) {
    return RouteShadowEntry{packKey(r), Timestamp(std::chrono::nanoseconds(0x123456789abcdefLL)),
                            packParams(r)};
  };
  RouteRow v4 = route("198.51.100.0/24", "192.0.2.1", 2, 7, 100);
  v4.preferredSource = addr("192.0.2.9");
  v4.validLifetime = 300;
  v4.protocol = RouteProtocol::Ospf;
  v4.nativeProtocol = 186;
  v4.type = RouteType::Blackhole;
  v4.weight = 3;
  v4.scope = 253;
  v4.immortal = false;
  REQUIRE(fitsNarrow(entryOf(v4)));
  const RouteShadowEntry wide = wideOf(narrowOf(entryOf(v4)));
  CHECK(wide.key == packKey(v4));
  CHECK(wide.created == entryOf(v4).created);
  CHECK(wide.params == packParams(v4));
  CHECK(fitsNarrow(entryOf(route("198.51.100.0/24", "0.0.0.0", 2))));
  RouteRow onLink = route("198.51.100.0/24", "0.0.0.0", 2);
  onLink.nextHop = IpAddress{};
  CHECK(fitsNarrow(entryOf(onLink)));
  CHECK(wideOf(narrowOf(entryOf(onLink))).key == packKey(onLink));

  RouteRow v6 = route("2001:db8::/64", "fe80::1%2", 2, 1024, 100);
  v6.preferredSource = addr("2001:db8::9");
  v6.validLifetime = 600;
  v6.sitePrefixLength = 40;
  CHECK_FALSE(fitsNarrow(entryOf(v6)));
  REQUIRE(fitsCompactV6(entryOf(v6)));
  AddressPool pool;
  const auto compact = compactV6Of(entryOf(v6), pool);
  CHECK(compactV6Of(entryOf(route("2001:db8:1::/64", "fe80::1%2", 3)), pool).nextHop == compact.nextHop);
  const RouteShadowEntry v6Again = wideOf(compact, pool);
  CHECK(v6Again.key == packKey(v6));
  CHECK(v6Again.created == entryOf(v6).created);
  CHECK(v6Again.params == packParams(v6));
  CHECK_FALSE(fitsNarrow(entryOf(route("198.51.100.0/24", "fe80::1%2", 2)))); // IPv6 next hop
  RouteRow v6Source = v4;
  v6Source.preferredSource = addr("2001:db8::1");
  CHECK_FALSE(fitsNarrow(entryOf(v6Source)));

  // Stored and found again through either vector, whichever a change moves the route to.
  RouteShadow shadow;
  std::vector<RouteRow> rows{v4, onLink, route("2001:db8::/64", "fe80::1%2", 2)};
  shadow.reconcile(rows, nullptr, Timestamp(std::chrono::seconds(5)));
  std::vector<Change<RouteRow>> changes;
  std::vector<RouteRow> again{v6Source, onLink, route("2001:db8::/64", "fe80::1%2", 2)};
  shadow.reconcile(again, &changes, Timestamp(std::chrono::seconds(9)));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == ChangeKind::ParameterChange);
  CHECK(changes[0].row.created == Timestamp(std::chrono::seconds(5)));
  const auto found = shadow.find(packKey(v4));
  REQUIRE(found);
  CHECK(found->params == packParams(v6Source));
  CHECK(shadow.find(packKey(onLink)));
  CHECK(shadow.size() == 3);
}

TEST_CASE("RouteShadow behaves as a map across delta merges", "[route_shadow]") {
  RouteShadow shadow;
  std::map<RouteKey, RouteShadow::Value> model;
  std::mt19937 random(11);
  // A small key space and more operations than the delta holds, so entries are overridden,
  // deleted and re-added on both sides of merges.
  for (int i = 0; i < 6000; ++i) {
    const RouteRow r = randomRoute(random);
    const RouteShadow::Value v{Timestamp(std::chrono::seconds(i)), packParams(r)};
    if (random() % 3 == 0) {
      const auto erased = shadow.erase(packKey(r));
      const auto it = model.find(keyOf(r));
      REQUIRE(erased.has_value() == (it != model.end()));
      if (erased) {
        CHECK(erased->created == it->second.created);
        CHECK(erased->params == it->second.params);
        model.erase(it);
      }
    } else {
      shadow.put(packKey(r), v);
      model[keyOf(r)] = v;
    }
    REQUIRE(shadow.size() == model.size());
    if (i % 500 == 0) shadow.compact();
  }
  for (const auto& [key, value] : model) {
    RouteRow r;
    r.table = key.table, r.destinationPrefix = key.destination, r.metric = key.metric;
    r.nextHop = key.nextHop, r.interfaceIndex = key.interfaceIndex;
    const auto found = shadow.find(packKey(r));
    REQUIRE(found);
    CHECK(found->created == value.created);
    CHECK(found->params == value.params);
  }
  // keysOf sees the sorted part and the delta alike, with and without a metric.
  shadow.compact();
  const RouteRow extra = route("198.18.0.0/24", "192.0.2.9", 9, 1);
  shadow.put(packKey(extra), {{}, packParams(extra)});
  const auto keys = shadow.keysOf(extra.table, extra.destinationPrefix, std::nullopt);
  std::size_t expected = 1;
  for (const auto& [key, value] : model)
    expected += key.table == extra.table && key.destination == extra.destinationPrefix;
  CHECK(keys.size() == expected);
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  CHECK(std::count(keys.begin(), keys.end(), packKey(extra)) == 1);
  const auto withMetric = shadow.keysOf(extra.table, extra.destinationPrefix, 1u);
  for (const auto& k : withMetric)
    CHECK(k.metric == 1);
  std::vector<RouteShadowEntry> all;
  shadow.forEach([&](const RouteShadowEntry& e) { all.push_back(e); });
  CHECK(all.size() == model.size() + 1);
  CHECK(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.key < b.key; }));
}

TEST_CASE("packed route fields rebuild the whole row but its luid and creation time", "[route_shadow]") {
  RouteRow r = route("2001:db8:7::/48", "fe80::9%4", 4, 1024, 100);
  r.sitePrefixLength = 40;
  r.validLifetime = 3600;
  r.preferredLifetime = 1800;
  r.protocol = RouteProtocol(10007); // the largest RouteProtocol value
  r.nativeProtocol = 186;
  r.loopback = false;
  r.autoconfigureAddress = true;
  r.publish = false;
  r.immortal = true;
  r.origin = RouteOrigin::RouterAdvertisement;
  r.type = RouteType::Blackhole;
  r.weight = 7;
  r.scope = 253;
  r.preferredSource = addr("fe80::5%4");
  RouteRow rebuilt = rowOf(packKey(r), packParams(r));
  CHECK(rebuilt == r);
  r.luid.value = 42;
  r.created = Timestamp(std::chrono::seconds(5));
  CHECK_FALSE(rowOf(packKey(r), packParams(r)) == r); // neither is stored
  RouteRow v4 = route("198.51.100.0/24", "192.0.2.1", 2);
  v4.preferredSource = addr("192.0.2.7");
  v4.autoconfigureAddress = false;
  CHECK(rowOf(packKey(v4), packParams(v4)) == v4);
  CHECK(rowOf(packKey(v4), packParams(v4)).preferredSource.family() == Family::V4);
}

TEST_CASE("RouteShadow::reconcile publishes exactly the differences", "[route_shadow]") {
  RouteShadow shadow;
  const Timestamp t0 = Timestamp(std::chrono::seconds(100));
  const Timestamp t1 = Timestamp(std::chrono::seconds(200));
  std::vector<RouteRow> first{
      route("198.51.100.0/24", "192.0.2.1", 2), route("203.0.113.0/24", "192.0.2.1", 2),
      route("2001:db8:1::/64", "fe80::1%2", 2, 1024), route("2001:db8:2::/64", "::", 3, 256)};
  std::vector<Change<RouteRow>> changes;
  shadow.reconcile(first, &changes, t0);
  CHECK(changes.size() == 4);
  CHECK(std::all_of(changes.begin(), changes.end(),
                    [&](const auto& c) { return c.kind == ChangeKind::Add && c.row.created == t0; }));
  CHECK(shadow.size() == 4);

  // A re-dump: one route gone, one changed, one new, one unchanged but with a ticking lifetime,
  // one unchanged; plus a duplicate key whose first copy wins.
  RouteRow changed = route("203.0.113.0/24", "192.0.2.1", 2);
  changed.protocol = RouteProtocol::Ospf;
  RouteRow ticking = route("2001:db8:2::/64", "::", 3, 256);
  std::vector<RouteRow> second{route("2001:db8:1::/64", "fe80::1%2", 2, 1024), changed,
                               route("192.0.2.128/25", "0.0.0.0", 2), ticking,
                               route("203.0.113.0/24", "192.0.2.1", 2)}; // duplicate, unchanged copy
  changes.clear();
  shadow.reconcile(second, &changes, t1);
  REQUIRE(changes.size() == 3);
  auto find = [&](ChangeKind kind) {
    return std::find_if(changes.begin(), changes.end(), [&](const auto& c) { return c.kind == kind; });
  };
  const auto add = find(ChangeKind::Add);
  const auto change = find(ChangeKind::ParameterChange);
  const auto del = find(ChangeKind::Delete);
  REQUIRE(add != changes.end());
  REQUIRE(change != changes.end());
  REQUIRE(del != changes.end());
  CHECK(add->row.destinationPrefix == prefix("192.0.2.128/25"));
  CHECK(add->row.created == t1);
  CHECK(change->row.protocol == RouteProtocol::Ospf);
  CHECK(change->row.created == t0); // a change keeps the route's age
  // A Delete carries the stored row (luid left to the backend) and the known creation time.
  RouteRow gone = route("198.51.100.0/24", "192.0.2.1", 2);
  gone.created = t0;
  CHECK(del->row == gone);
  CHECK(del->row.created == t0);
  CHECK(shadow.size() == 4);

  // Keys are compared in full: the same route through another scope of a link-local next hop is
  // another route (Delete + Add), whatever the fingerprints say.
  std::vector<RouteRow> third = second;
  for (auto& r : third)
    if (r.nextHop.isV6LinkLocal()) r.nextHop = r.nextHop.withScope(3);
  changes.clear();
  shadow.reconcile(third, &changes, t1);
  CHECK(changes.size() == 2);
  CHECK(find(ChangeKind::Add) != changes.end());
  CHECK(find(ChangeKind::Delete) != changes.end());

  // Without a listener nothing is recorded, but the content still follows.
  shadow.reconcile(first, nullptr, t1);
  CHECK(shadow.size() == 4);
  CHECK(shadow.find(packKey(route("198.51.100.0/24", "192.0.2.1", 2))).has_value());
}

TEST_CASE("a Rebuild in small steps leaves the shadow as it was until adopted, then as reconcile would",
          "[route_shadow]") {
  std::mt19937 random(23);
  std::vector<RouteRow> before, after;
  for (int i = 0; i < 3000; ++i)
    before.push_back(randomRoute(random));
  for (int i = 0; i < 3000; ++i)
    after.push_back(randomRoute(random));
  const Timestamp t0 = Timestamp(std::chrono::seconds(1));
  const Timestamp t1 = Timestamp(std::chrono::seconds(2));

  RouteShadow oneGo, stepwise;
  oneGo.reconcile(before, nullptr, t0);
  stepwise.reconcile(before, nullptr, t0);
  // Pending delta entries (one overriding, one deleting, one new) are read by the Rebuild too.
  for (RouteShadow* s : {&oneGo, &stepwise}) {
    s->put(packKey(after[0]), {t0, packParams(after[0])});
    s->erase(packKey(before[1]));
    s->put(packKey(before[2]), {t0, packParams(after[2])});
  }
  std::vector<RouteShadowEntry> snapshot;
  stepwise.forEach([&](const RouteShadowEntry& e) { snapshot.push_back(e); });

  std::vector<Change<RouteRow>> expected;
  oneGo.reconcile(after, &expected, t1);

  RouteDumpSorter fresh;
  for (const auto& r : after)
    fresh.add({packKey(r), {}, packParams(r)});
  fresh.finish();
  RouteShadow::Rebuild rebuild(stepwise, fresh, t1);
  std::vector<Change<RouteRow>> changes;
  int steps = 1;
  while (!rebuild.step(7, &changes)) {
    ++steps;
    // Still the old content, readable meanwhile.
    if (steps % 50 == 0) {
      std::vector<RouteShadowEntry> now;
      stepwise.forEach([&](const RouteShadowEntry& e) { now.push_back(e); });
      REQUIRE(now.size() == snapshot.size());
      CHECK(std::equal(now.begin(), now.end(), snapshot.begin(),
                       [](const auto& a, const auto& b) { return a.key == b.key && a.params == b.params; }));
      CHECK(stepwise.find(snapshot.front().key).has_value());
    }
  }
  CHECK(steps > 100); // ~2,300 entries merged, 7 at a time
  stepwise.adopt(rebuild);

  REQUIRE(changes.size() == expected.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    CHECK(changes[i].kind == expected[i].kind);
    CHECK(changes[i].row == expected[i].row);
  }
  std::vector<RouteShadowEntry> a, b;
  oneGo.forEach([&](const RouteShadowEntry& e) { a.push_back(e); });
  stepwise.forEach([&](const RouteShadowEntry& e) { b.push_back(e); });
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].key == b[i].key);
    CHECK(a[i].created == b[i].created);
    CHECK(a[i].params == b[i].params);
  }
  CHECK(stepwise.size() == oneGo.size());
}

} // namespace
