// Unit tests of RouteShadow over synthetic routes: key packing and order, change detection, narrow
// storage, the sorted-vectors-plus-delta container against a std::map model, and the re-dump merge.
#include "platform/linux/route_dump_sorter.h"
#include "platform/linux/route_shadow.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;
using namespace std::chrono_literals;

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
  // An expiry moved by a new router advertisement is a change; a rounding difference is not.
  finite.expires = Timestamp(std::chrono::seconds(1000));
  later.expires = finite.expires + 700ms;
  CHECK(sameRouteParams(packParams(finite), packParams(later)));
  later.expires = finite.expires + 5s;
  CHECK_FALSE(sameRouteParams(packParams(finite), packParams(later)));
  CHECK(differs([](RouteRow& r) { r.routerPreference = RouterPreference::High; }));
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
  r.routerPreference = RouterPreference::Low;
  // Finite lifetimes are stored as their expiry second: they come back as the expiry and what
  // remains of it now.
  const auto nowSecond = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch());
  r.expires = Timestamp(nowSecond + 3600s);
  RouteRow rebuilt = rowOf(packKey(r), packParams(r));
  CHECK(rebuilt.expires == r.expires);
  CHECK(rebuilt.validLifetime <= 3601);
  CHECK(rebuilt.validLifetime >= 3598);
  CHECK(rebuilt.preferredLifetime == Approx(rebuilt.validLifetime - 1800).margin(1));
  rebuilt.validLifetime = r.validLifetime;
  rebuilt.preferredLifetime = r.preferredLifetime;
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

// ---- the incremental merge -----------------------------------------------------------------------

using Model = std::map<PackedRouteKey, RouteShadow::Value>;

// randomRoute, a quarter of them with an IPv6 preferred source: IPv4 routes then no longer fit
// narrow, so a replacement can move a key between the narrow, compact and wide vectors.
RouteRow randomMixedRoute(std::mt19937& random) {
  RouteRow r = randomRoute(random);
  if (random() % 4 == 0) r.preferredSource = addr("2001:db8::" + std::to_string(1 + random() % 3));
  return r;
}

// Every read the backend uses agrees with the model: size, find (present and absent keys),
// forEach's order and contents, and keysOf for the heads of `probes`. (Mismatches are counted and
// required once per kind: this runs after every merge step.)
void requireSameAs(const RouteShadow& shadow, const Model& model, const std::vector<RouteRow>& probes) {
  REQUIRE(shadow.size() == model.size());
  std::vector<RouteShadowEntry> all;
  shadow.forEach([&](const RouteShadowEntry& e) { all.push_back(e); });
  auto same = [](const RouteShadowEntry& e, const Model::value_type& m) {
    return e.key == m.first && e.created == m.second.created && e.params == m.second.params;
  };
  REQUIRE(all.size() == model.size());
  REQUIRE(std::equal(all.begin(), all.end(), model.begin(), same));
  std::size_t wrongFinds = 0;
  for (const auto& [key, value] : model) {
    const auto found = shadow.find(key);
    wrongFinds += !found || found->created != value.created || !(found->params == value.params);
  }
  REQUIRE(wrongFinds == 0);
  for (const RouteRow& r : probes) {
    const PackedRouteKey key = packKey(r);
    REQUIRE(shadow.find(key).has_value() == model.contains(key));
    for (const std::optional<std::uint32_t> metric :
         {std::optional<std::uint32_t>(), std::optional(r.metric)}) {
      std::vector<PackedRouteKey> expected;
      for (const auto& [k, v] : model)
        if (k.table == key.table && k.family == key.family && k.destination == key.destination &&
            k.destinationScope == key.destinationScope && k.prefixLength == key.prefixLength &&
            (!metric || k.metric == *metric))
          expected.push_back(k);
      REQUIRE(shadow.keysOf(r.table, r.destinationPrefix, metric) == expected);
    }
  }
}

// One random change to both: a put (new key or replacement) or an erase (present or absent key).
void randomChange(RouteShadow& shadow, Model& model, std::mt19937& random, int i) {
  const RouteRow r = randomMixedRoute(random);
  const PackedRouteKey key = packKey(r);
  if (random() % 3 == 0) {
    const auto erased = shadow.erase(key);
    const auto it = model.find(key);
    REQUIRE(erased.has_value() == (it != model.end()));
    if (!erased) return;
    REQUIRE(erased->created == it->second.created);
    REQUIRE(erased->params == it->second.params);
    model.erase(it);
  } else {
    const RouteShadow::Value v{Timestamp(std::chrono::seconds(i)), packParams(r)};
    shadow.put(key, v);
    model[key] = v;
  }
}

TEST_CASE("an incremental merge reads as a map after every step, whatever changes meanwhile",
          "[route_shadow]") {
  RouteShadow shadow;
  shadow.setChangeStep(1); // changes advance the merge too, one entry each
  Model model;
  std::mt19937 random(31);
  int i = 0;
  for (; i < 1500; ++i)
    randomChange(shadow, model, random, i);
  shadow.compact(); // the old vectors
  std::vector<RouteRow> probes;
  for (int p = 0; p < 10; ++p)
    probes.push_back(randomMixedRoute(random));
  int merges = 0, longest = 0, steps = 0;
  while (merges < 4) {
    // The frozen delta: puts and erases of keys in the old vectors and of new keys.
    for (int c = 0; c < 300; ++c, ++i)
      randomChange(shadow, model, random, i);
    shadow.beginMerge();
    REQUIRE(shadow.merging());
    requireSameAs(shadow, model, probes);
    steps = 0;
    // The newest delta changes keys of all three layers between steps of 1 to 7 entries.
    for (bool done = false; !done; ++steps) {
      for (int c = int(random() % 4); c > 0; --c, ++i)
        randomChange(shadow, model, random, i);
      done = shadow.stepMerge(1 + random() % 7);
      REQUIRE(shadow.merging() == !done);
      requireSameAs(shadow, model, probes);
    }
    longest = std::max(longest, steps);
    ++merges;
  }
  CHECK(longest > 150); // ~1,300 entries, ~4 per step and ~1.5 by the changes between steps
  shadow.compact();
  CHECK(shadow.deltaSize() == 0);
  requireSameAs(shadow, model, probes);
}

TEST_CASE("an incremental merge keeps each layer's overrides exact", "[route_shadow]") {
  const Timestamp t0 = Timestamp(std::chrono::seconds(10));
  const Timestamp t1 = Timestamp(std::chrono::seconds(20));
  const Timestamp t2 = Timestamp(std::chrono::seconds(30));
  const RouteRow a = route("198.51.100.0/24", "192.0.2.1", 2); // narrow
  const RouteRow b = route("2001:db8:1::/64", "fe80::1%2", 2); // compact
  const RouteRow c = route("198.51.101.0/24", "fe80::1%2", 2); // wide: IPv6 next hop
  const RouteRow d = route("198.51.102.0/24", "192.0.2.1", 2); // narrow, then wide
  const RouteRow e = route("2001:db8:2::/64", "::", 3);        // compact
  const RouteRow f = route("203.0.113.0/24", "192.0.2.1", 2);  // new in the frozen delta
  const RouteRow g = route("2001:db8:3::/64", "fe80::2%2", 2); // new in the newest delta
  RouteShadow shadow;
  shadow.setChangeStep(0); // only stepMerge() advances the merge here
  Model model;
  std::vector<RouteRow> base{a, b, c, d, e};
  shadow.reconcile(base, nullptr, t0);
  for (const RouteRow& r : base)
    model[packKey(r)] = {t0, packParams(r)};
  auto put = [&](const RouteRow& r, Timestamp t) {
    shadow.put(packKey(r), {t, packParams(r)});
    model[packKey(r)] = {t, packParams(r)};
  };
  auto erase = [&](const RouteRow& r) {
    CHECK(shadow.erase(packKey(r)).has_value() == model.contains(packKey(r)));
    model.erase(packKey(r));
  };
  RouteRow aChanged = a, dWide = d, cChanged = c;
  aChanged.protocol = RouteProtocol::Ospf;
  dWide.preferredSource = addr("2001:db8::7");
  cChanged.metric = 0, cChanged.weight = 5;
  // The frozen delta: a replaced, b and e deleted, f new, d moved from narrow to wide.
  put(aChanged, t1);
  erase(b);
  erase(e);
  put(f, t1);
  put(dWide, t1);
  shadow.beginMerge();
  REQUIRE(shadow.merging());
  CHECK(shadow.deltaSize() == 0);
  // The newest delta: a deleted over its frozen replacement, b back over its frozen deletion, f
  // (in the frozen delta only) deleted, e back, c replaced, g new, and an absent key erased.
  erase(aChanged);
  put(b, t2);
  erase(f);
  put(e, t2);
  put(cChanged, t2);
  put(g, t2);
  CHECK_FALSE(shadow.erase(packKey(route("192.0.2.0/24", "0.0.0.0", 9))).has_value());
  const std::vector<RouteRow> probes{a, b, c, d, e, f, g};
  requireSameAs(shadow, model, probes);
  int steps = 0;
  while (!shadow.stepMerge(1)) {
    ++steps;
    requireSameAs(shadow, model, probes);
  }
  CHECK(steps >= 5); // the frozen delta counted, then the entries one by one
  CHECK_FALSE(shadow.merging());
  CHECK(shadow.deltaSize() == 6); // the newest delta stays, over the new vectors
  requireSameAs(shadow, model, probes);
  // Its deletion of f, a key that only the frozen delta held, still deletes it from the new vectors.
  CHECK_FALSE(shadow.find(packKey(f)));
  shadow.compact();
  CHECK(shadow.deltaSize() == 0);
  requireSameAs(shadow, model, probes);
}

TEST_CASE("a Rebuild pauses an incremental merge, and adopting it abandons the merge", "[route_shadow]") {
  std::mt19937 random(41);
  std::vector<RouteRow> before, after;
  for (int i = 0; i < 2000; ++i)
    before.push_back(randomMixedRoute(random));
  for (int i = 0; i < 2000; ++i)
    after.push_back(randomMixedRoute(random));
  const Timestamp t0 = Timestamp(std::chrono::seconds(1));
  const Timestamp t1 = Timestamp(std::chrono::seconds(2));
  RouteShadow oneGo, merging;
  merging.setChangeStep(0); // only stepMerge() advances the merge here
  for (RouteShadow* s : {&oneGo, &merging}) {
    s->reconcile(before, nullptr, t0);
    for (int i = 0; i < 40; ++i)
      s->put(packKey(after[i]), {t0, packParams(after[i])});
    s->erase(packKey(before[100]));
  }
  merging.beginMerge();
  for (int i = 0; i < 30; ++i)
    REQUIRE_FALSE(merging.stepMerge(5));      // the frozen delta counted, and some entries merged
  for (RouteShadow* s : {&oneGo, &merging}) { // the newest delta
    for (int i = 40; i < 60; ++i)
      s->put(packKey(after[i]), {t0, packParams(after[i])});
    s->erase(packKey(before[200]));
  }
  oneGo.compact();

  std::vector<Change<RouteRow>> expected, changes;
  oneGo.reconcile(after, &expected, t1);
  RouteDumpSorter fresh;
  for (const auto& r : after)
    fresh.add({packKey(r), {}, packParams(r)});
  fresh.finish();
  {
    RouteShadow::Rebuild rebuild(merging, fresh, t1);
    while (!rebuild.step(11, &changes)) {
      // Paused: a finishing step would swap the vectors the Rebuild is reading.
      CHECK_FALSE(merging.stepMerge(1'000'000));
      CHECK(merging.merging());
    }
    merging.adopt(rebuild);
    CHECK_FALSE(merging.merging());
    CHECK(merging.deltaSize() == 0);
  }
  REQUIRE(changes.size() == expected.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    CHECK(changes[i].kind == expected[i].kind);
    CHECK(changes[i].row == expected[i].row);
  }
  Model model;
  oneGo.forEach([&](const RouteShadowEntry& e) { model[e.key] = {e.created, e.params}; });
  requireSameAs(merging, model, {after[0], before[100], before[200]});
  // After the Rebuild the merge machinery starts afresh.
  merging.put(packKey(before[100]), {t1, packParams(before[100])});
  model[packKey(before[100])] = {t1, packParams(before[100])};
  merging.beginMerge();
  while (!merging.stepMerge(64)) {}
  requireSameAs(merging, model, {before[100]});
}

TEST_CASE("changes pay merge steps when nothing else runs them, so the newest delta stays bounded",
          "[route_shadow]") {
  // 200k routes, half narrow and half compact; then 30k new distinct keys, one change at a time,
  // and never a stepMerge() call: without the changes' steps the newest delta would reach ~27k.
  auto v4 = [](std::uint32_t i) {
    RouteRow r = route("0.0.0.0/32", "192.0.2.1", 2);
    r.destinationPrefix = {IpAddress::v4(0x0a000000u + i), 32};
    return r;
  };
  auto v6 = [](std::uint32_t i) {
    std::array<std::uint8_t, 16> d{0x20, 0x01, 0x0d, 0xb8};
    d[4] = std::uint8_t(i >> 16), d[5] = std::uint8_t(i >> 8), d[6] = std::uint8_t(i);
    RouteRow r = route("2001:db8::/64", "fe80::1%2", 2);
    r.destinationPrefix = {IpAddress::v6(d), 64};
    return r;
  };
  std::vector<RouteRow> rows;
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    rows.push_back(v4(2 * i));
    rows.push_back(v6(2 * i));
  }
  RouteShadow shadow;
  shadow.reconcile(rows, nullptr, Timestamp(std::chrono::seconds(1)));
  REQUIRE(shadow.size() == 200'000);
  std::size_t maxDelta = 0, merges = 0;
  bool wasMerging = false;
  for (std::uint32_t i = 0; i < 15'000; ++i)
    for (const RouteRow& r : {v4(2 * i + 1), v6(2 * i + 1)}) {
      shadow.put(packKey(r), {Timestamp(std::chrono::seconds(2)), packParams(r)});
      maxDelta = std::max(maxDelta, shadow.deltaSize());
      if (wasMerging && !shadow.merging()) ++merges;
      wasMerging = shadow.merging();
    }
  CHECK(merges >= 5); // each ~3.2k changes: a merge started and finished by the changes alone
  // Each change during a merge pays a small step, so the merge ends before the next one is due:
  // the delta never passes the threshold (size / 64 here) by more than the change that starts one.
  CHECK(maxDelta <= shadow.size() / 64 + 1);
  // The old vectors' pages go back in 8-MB pieces, not a small madvise (a TLB flush, an IPI) per
  // change: here each vector is under one piece, so the final free() returns it whole. (128-KB
  // pieces, one per change, made ~40 calls per vector per merge.)
  CHECK(shadow.pageReleases() <= 2 * merges);
  CHECK(shadow.size() == 230'000);
  std::size_t count = 0, unordered = 0;
  PackedRouteKey previous;
  shadow.forEach([&](const RouteShadowEntry& e) {
    unordered += count++ > 0 && !(previous < e.key);
    previous = e.key;
  });
  CHECK(count == 230'000);
  CHECK(unordered == 0);
  for (std::uint32_t i = 0; i < 30'000; i += 997) {
    CHECK(shadow.find(packKey(v4(i))));
    CHECK(shadow.find(packKey(v6(i))));
  }
}

} // namespace
