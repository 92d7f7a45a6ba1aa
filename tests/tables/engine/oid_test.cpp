// Oid: parsing, text form, prefix tests and RFC 2578 §7.7 ordering.
#include "tables/engine/oid.h"

#include <catch2/catch.hpp>

using ipmibd::tables::Oid;

TEST_CASE("Oid parses and prints dotted decimal", "[oid]") {
  auto oid = Oid::parse("1.3.6.1.2.1.4.24.7.1");
  REQUIRE(oid);
  CHECK(oid->size() == 10);
  CHECK(oid->toString() == "1.3.6.1.2.1.4.24.7.1");
  CHECK(Oid::parse(".1.3")->toString() == "1.3");
  CHECK(Oid::parse("")->empty());
  CHECK(Oid::parse("4294967295")->operator[](0) == 4294967295u);
  CHECK_FALSE(Oid::parse("4294967296"));
  CHECK_FALSE(Oid::parse("1..3"));
  CHECK_FALSE(Oid::parse("1.3."));
  CHECK_FALSE(Oid::parse("1.x"));
  CHECK_FALSE(Oid::parse("-1"));
}

TEST_CASE("Oid orders as SNMP: sub-identifiers unsigned, prefix first", "[oid]") {
  CHECK(Oid{1, 3} < Oid{1, 3, 0});
  CHECK(Oid{1, 3, 0} < Oid{1, 3, 6});
  CHECK(Oid{1, 3, 6} < Oid{1, 4});
  CHECK(Oid{1, 3, 4294967295u} > Oid{1, 3, 2147483648u});
  CHECK(Oid{} < Oid{0});
  CHECK(Oid{1, 2} == Oid{1, 2});
}

TEST_CASE("Oid prefix tests and suffixes", "[oid]") {
  Oid base{1, 3, 6};
  Oid full{1, 3, 6, 1, 2};
  CHECK(base.isPrefixOf(full));
  CHECK(base.isPrefixOf(base));
  CHECK_FALSE(full.isPrefixOf(base));
  CHECK_FALSE((Oid{1, 4}).isPrefixOf(full));
  auto suffix = full.suffixAfter(base);
  CHECK(Oid(suffix) == Oid{1, 2});
  CHECK(full.suffixAfter(Oid{2}).empty());
  CHECK((base + Oid{9}) == Oid{1, 3, 6, 9});
}
