// RFC 6724 address selection (platform/address_selection.h) against the RFC's own examples: section
// 10.1 (source selection), 10.2 (destination ordering) and 10.4 (a changed policy table).
#include "platform/address_selection.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace ipmibd::platform {
namespace {

IpAddress ip(std::string_view text) {
  auto a = IpAddress::parse(text);
  REQUIRE(a);
  return *a;
}

// A candidate as the RFC's examples describe it: "2001:db8:1::2 (deprecated)" and friends. The
// examples' addresses are /64s (IPv6) and /24s (IPv4), all on one interface.
struct Src {
  std::string address;
  bool deprecated = false;
  bool home = false;
  bool temporary = false;
};
std::vector<SourceCandidate> candidates(std::initializer_list<Src> list) {
  std::vector<SourceCandidate> out;
  for (const auto& s : list) {
    SourceCandidate c;
    c.address = ip(s.address);
    c.prefixLength = c.address.isV4() ? 24 : 64;
    c.interfaceIndex = 1;
    c.deprecated = s.deprecated;
    c.home = s.home;
    c.temporary = s.temporary;
    out.push_back(c);
  }
  return out;
}

std::string chosen(std::string_view destination, const std::vector<SourceCandidate>& sources,
                   const SelectionPolicy& policy = {}) {
  return selectSource(ip(destination), DestinationRoute{}, sources, policy).address.toString();
}

// "d1 (src s1) then d2 (src s2)", the RFC's notation, for whole-result comparisons.
std::string sorted(std::vector<std::string> destinations, const std::vector<SourceCandidate>& sources,
                   const SelectionPolicy& policy = {}) {
  std::vector<IpAddress> list;
  for (const auto& d : destinations)
    list.push_back(ip(d));
  const std::vector<DestinationRoute> routes(list.size());
  std::string out;
  for (const auto& p : sortAddressPairs(list, routes, sources, policy)) {
    if (!out.empty()) out += " then ";
    out += p.destination.toString() + " (src " + p.source.toString() + ")";
  }
  return out;
}

// Both input orders must give the RFC's result: rule-based, not order-preserving by accident.
void checkBothOrders(const std::string& a, const std::string& b, const std::vector<SourceCandidate>& sources,
                     const std::string& expected, const SelectionPolicy& policy = {}) {
  CHECK(sorted({a, b}, sources, policy) == expected);
  CHECK(sorted({b, a}, sources, policy) == expected);
}

TEST_CASE("RFC 6724 10.1: default source address selection examples", "[rfc6724]") {
  CHECK(chosen("2001:db8:1::1", candidates({{"2001:db8:3::1"}, {"fe80::1"}})) == "2001:db8:3::1");
  CHECK(chosen("ff05::1", candidates({{"2001:db8:3::1"}, {"fe80::1"}})) == "2001:db8:3::1");
  CHECK(chosen("2001:db8:1::1", candidates({{"2001:db8:1::1", true}, {"2001:db8:2::1"}})) == "2001:db8:1::1");
  CHECK(chosen("fe80::1", candidates({{"fe80::2", true}, {"2001:db8:1::1"}})) == "fe80::2");
  CHECK(chosen("2001:db8:1::1", candidates({{"2001:db8:1::2"}, {"2001:db8:3::2"}})) == "2001:db8:1::2");
  CHECK(chosen("2001:db8:1::1", candidates({{"2001:db8:1::2"}, {"2001:db8:3::2", false, true}})) ==
        "2001:db8:3::2");
  CHECK(chosen("2002:c633:6401::1", candidates({{"2002:c633:6401::d5e3:7953:13eb:22e8", false, false, true},
                                                {"2001:db8:1::2"}})) ==
        "2002:c633:6401:0:d5e3:7953:13eb:22e8"); // RFC 5952 text of the RFC's address
  CHECK(chosen("2001:db8:1::d5e3:0:0:1",
               candidates({{"2001:db8:1::2"}, {"2001:db8:1::d5e3:7953:13eb:22e8", false, false, true}})) ==
        "2001:db8:1:0:d5e3:7953:13eb:22e8");
}

TEST_CASE("RFC 6724 10.2: default destination address selection examples", "[rfc6724]") {
  SECTION("prefer matching scope (IPv6 global source)") {
    checkBothOrders("2001:db8:1::1", "198.51.100.121",
                    candidates({{"2001:db8:1::2"}, {"fe80::1"}, {"169.254.13.78"}}),
                    "2001:db8:1::1 (src 2001:db8:1::2) then 198.51.100.121 (src 169.254.13.78)");
  }
  SECTION("prefer matching scope (IPv4 global source)") {
    checkBothOrders("2001:db8:1::1", "198.51.100.121", candidates({{"fe80::1"}, {"198.51.100.117"}}),
                    "198.51.100.121 (src 198.51.100.117) then 2001:db8:1::1 (src fe80::1)");
  }
  SECTION("prefer higher precedence") {
    checkBothOrders("2001:db8:1::1", "10.1.2.3", candidates({{"2001:db8:1::2"}, {"fe80::1"}, {"10.1.2.4"}}),
                    "2001:db8:1::1 (src 2001:db8:1::2) then 10.1.2.3 (src 10.1.2.4)");
  }
  SECTION("prefer smaller scope") {
    checkBothOrders("2001:db8:1::1", "fe80::1", candidates({{"2001:db8:1::2"}, {"fe80::2"}}),
                    "fe80::1 (src fe80::2) then 2001:db8:1::1 (src 2001:db8:1::2)");
  }
  SECTION("prefer home address") {
    checkBothOrders("2001:db8:1::1", "fe80::1",
                    candidates({{"2001:db8:1::2"}, {"2001:db8:3::1", false, true}, {"fe80::2"}}),
                    "2001:db8:1::1 (src 2001:db8:3::1) then fe80::1 (src fe80::2)");
  }
  SECTION("avoid deprecated addresses") {
    checkBothOrders("2001:db8:1::1", "fe80::1", candidates({{"2001:db8:1::2"}, {"fe80::2", true}}),
                    "2001:db8:1::1 (src 2001:db8:1::2) then fe80::1 (src fe80::2)");
  }
  SECTION("longest matching prefix") {
    checkBothOrders("2001:db8:1::1", "2001:db8:3ffe::1",
                    candidates({{"2001:db8:1::2"}, {"2001:db8:3f44::2"}, {"fe80::2"}}),
                    "2001:db8:1::1 (src 2001:db8:1::2) then 2001:db8:3ffe::1 (src 2001:db8:3f44::2)");
  }
  SECTION("prefer matching label") {
    checkBothOrders("2002:c633:6401::1", "2001:db8:1::1", candidates({{"2002:c633:6401::2"}, {"fe80::2"}}),
                    "2002:c633:6401::1 (src 2002:c633:6401::2) then 2001:db8:1::1 (src 2002:c633:6401::2)");
  }
  SECTION("prefer higher precedence (6to4 against native)") {
    checkBothOrders("2002:c633:6401::1", "2001:db8:1::1",
                    candidates({{"2002:c633:6401::2"}, {"2001:db8:1::2"}, {"fe80::2"}}),
                    "2001:db8:1::1 (src 2001:db8:1::2) then 2002:c633:6401::1 (src 2002:c633:6401::2)");
  }
}

TEST_CASE("RFC 6724 10.4: a policy table preferring global over link-local destinations", "[rfc6724]") {
  SelectionPolicy policy;
  policy.precedences.push_back({*IpPrefix::parse("fe80::/10"), 33, 1});
  policy.labels.push_back({*IpPrefix::parse("fe80::/10"), 0, 1});
  checkBothOrders("2001:db8::1", "fe80::1", candidates({{"2001:db8::2"}, {"fe80::2"}}),
                  "2001:db8::1 (src 2001:db8::2) then fe80::1 (src fe80::2)", policy);
  // Unchanged: avoiding a deprecated source still comes first.
  checkBothOrders("2001:db8::1", "fe80::1", candidates({{"2001:db8::2", true}, {"fe80::2"}}),
                  "fe80::1 (src fe80::2) then 2001:db8::1 (src 2001:db8::2)", policy);
  // And with the default table, the smaller scope wins.
  checkBothOrders("2001:db8::1", "fe80::1", candidates({{"2001:db8::2"}, {"fe80::2"}}),
                  "fe80::1 (src fe80::2) then 2001:db8::1 (src 2001:db8::2)");
}

TEST_CASE("a label change alone reorders destinations (rule 5 before rule 6)", "[rfc6724]") {
  // ULA destination vs IPv4: by precedence (fc00::/7 3, IPv4 35) IPv4 first. Giving the ULA source
  // and destination different labels keeps that; giving the IPv4 destination a label its source
  // lacks puts the ULA first, before precedence is asked.
  const auto sources = candidates({{"fd00:1::2"}, {"192.0.2.2"}});
  checkBothOrders("fd00:1::1", "192.0.2.1", sources,
                  "192.0.2.1 (src 192.0.2.2) then fd00:1::1 (src fd00:1::2)");
  SelectionPolicy policy;
  policy.labels.push_back({*IpPrefix::parse("::ffff:192.0.2.1/128"), 0, 99});
  checkBothOrders("fd00:1::1", "192.0.2.1", sources,
                  "fd00:1::1 (src fd00:1::2) then 192.0.2.1 (src 192.0.2.2)", policy);
}

TEST_CASE("unusable destinations sort last, in their given order, without a source", "[rfc6724]") {
  const auto sources = candidates({{"2001:db8:1::2"}});
  const std::vector<IpAddress> destinations = {ip("198.51.100.1"), ip("2001:db8:9::1"), ip("2001:db8:1::1")};
  std::vector<DestinationRoute> routes(3);
  routes[1].reachable = false;
  const auto pairs = sortAddressPairs(destinations, routes, sources, {});
  REQUIRE(pairs.size() == 3);
  CHECK(pairs[0].destination == ip("2001:db8:1::1"));
  CHECK(pairs[0].source == ip("2001:db8:1::2"));
  // No IPv4 source at all, and no route: both unusable, kept in input order.
  CHECK(pairs[1].destination == ip("198.51.100.1"));
  CHECK(pairs[1].source.isUnspecified());
  CHECK(pairs[2].destination == ip("2001:db8:9::1"));
  CHECK(pairs[2].source.isUnspecified());
}

TEST_CASE("candidate sets: outgoing interface, link-local and loopback sources", "[rfc6724]") {
  std::vector<SourceCandidate> sources = candidates({{"fe80::1"}, {"2001:db8:1::1"}, {"::1"}});
  sources[0].interfaceIndex = 2; // fe80::1 on another link than the route's
  DestinationRoute route;
  route.interfaceIndex = 1;
  // A link-local destination on link 1 cannot use a link-local source of link 2.
  CHECK(selectSource(ip("fe80::9"), route, sources, {}).address.toString() == "2001:db8:1::1");
  route.interfaceIndex = 2;
  CHECK(selectSource(ip("fe80::9"), route, sources, {}).address.toString() == "fe80::1");
  // Rule 5: of two global sources, the one on the outgoing interface.
  std::vector<SourceCandidate> globals = candidates({{"2001:db8:1::1"}, {"2001:db8:1::2"}});
  globals[1].interfaceIndex = 2;
  route.interfaceIndex = 2;
  CHECK(selectSource(ip("2001:db8:5::1"), route, globals, {}).address.toString() == "2001:db8:1::2");
  // ::1 only speaks to loopback destinations.
  CHECK(selectSource(ip("::1"), DestinationRoute{}, sources, {}).address.toString() == "::1");
  std::vector<SourceCandidate> onlyLoopback = candidates({{"::1"}});
  CHECK(selectSource(ip("2001:db8:5::1"), DestinationRoute{}, onlyLoopback, {}).address.isUnspecified());
  // Rule 7 reversed by policy: public over temporary.
  SelectionPolicy publicFirst;
  publicFirst.preferTemporary = false;
  const auto pair = candidates({{"2001:db8:1::2"}, {"2001:db8:1::d5e3:7953:13eb:22e8", false, false, true}});
  CHECK(chosen("2001:db8:1::d5e3:0:0:1", pair, publicFirst) == "2001:db8:1::2");
  CHECK(chosen("2001:db8:1::d5e3:0:0:1", pair) == "2001:db8:1:0:d5e3:7953:13eb:22e8");
}

TEST_CASE("scopes, policy lookups and common prefix lengths", "[rfc6724]") {
  CHECK(addressScope(ip("127.0.0.1")) == 2);
  CHECK(addressScope(ip("169.254.1.2")) == 2);
  CHECK(addressScope(ip("10.1.2.3")) == 0xe);
  CHECK(addressScope(ip("::1")) == 2);
  CHECK(addressScope(ip("fe80::1")) == 2);
  CHECK(addressScope(ip("fec0::1")) == 5);
  CHECK(addressScope(ip("ff05::1")) == 5);
  CHECK(addressScope(ip("ff0e::1")) == 0xe);
  CHECK(addressScope(ip("fd00::1")) == 0xe);
  CHECK(addressScope(ip("::ffff:169.254.0.1")) == 2);

  CHECK(precedenceOf(ip("::1"), defaultPolicyTable()) == 50);
  CHECK(precedenceOf(ip("192.0.2.1"), defaultPolicyTable()) == 35);
  CHECK(precedenceOf(ip("2002::1"), defaultPolicyTable()) == 30);
  CHECK(precedenceOf(ip("2001::1"), defaultPolicyTable()) == 5);
  CHECK(precedenceOf(ip("2001:db8::1"), defaultPolicyTable()) == 40);
  CHECK(labelOf(ip("192.0.2.1"), 0, defaultAddressLabels()) == 4);
  CHECK(labelOf(ip("fc00::1"), 0, defaultAddressLabels()) == 13);
  // An interface-specific row wins over a global one of the same prefix, only on its interface.
  std::vector<AddressLabelRow> labels = defaultAddressLabels();
  labels.push_back({*IpPrefix::parse("::/0"), 7, 70});
  CHECK(labelOf(ip("2001:db8::1"), 7, labels) == 70);
  CHECK(labelOf(ip("2001:db8::1"), 3, labels) == 1);
  CHECK(labelOf(ip("2001:db8::1"), 0, std::vector<AddressLabelRow>{}) == 0xffffffff);

  CHECK(commonPrefixLength(ip("fe80::1"), 64, ip("fe80::2")) == 64);
  CHECK(commonPrefixLength(ip("fe81::1"), 64, ip("fe80::2")) == 15);
  CHECK(commonPrefixLength(ip("192.0.2.1"), 24, ip("192.0.2.200")) == 24);
  CHECK(commonPrefixLength(ip("192.0.2.1"), 32, ip("192.0.2.3")) == 30);
  CHECK(commonPrefixLength(ip("192.0.2.1"), 24, ip("2001:db8::1")) == 0);
}

} // namespace
} // namespace ipmibd::platform
