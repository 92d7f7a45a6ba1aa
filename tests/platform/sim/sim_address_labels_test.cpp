// The simulator's address label table (issue 19, h-sort): RFC 6724's default labels, `addrlabel`
// scenario lines (parsed, and refused as the kernel refuses them).
#include "platform/sim/scenario_parser.h"
#include "tests/platform/sim/sim_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>

namespace ipmibd::platform::sim::test {
namespace {

TEST_CASE("the simulator's label table starts as RFC 6724 section 2.1's", "[sim][addrlabel]") {
  auto b = load(kTwoLinks);
  std::vector<AddressLabelRow> labels;
  REQUIRE(b->getAddressLabelTable(labels).ok());
  auto expected = defaultAddressLabels();
  auto byPrefix = [](const AddressLabelRow& x, const AddressLabelRow& y) { return x.prefix < y.prefix; };
  std::sort(expected.begin(), expected.end(), byPrefix);
  auto sorted = labels;
  std::sort(sorted.begin(), sorted.end(), byPrefix);
  CHECK(sorted == expected);
  // Kept longest prefix first, as the kernel keeps its list.
  for (std::size_t i = 1; i < labels.size(); ++i)
    CHECK(labels[i - 1].prefix.length >= labels[i].prefix.length);
}

TEST_CASE("addrlabel scenario lines", "[sim][addrlabel]") {
  std::optional<Statement> statement;
  REQUIRE(parseLine("ip addrlabel add prefix 2001:db8::/32 dev eth0 label 7", statement).ok());
  const auto& c = std::get<AddressLabelCommand>(std::get<Command>(*statement));
  CHECK(c.add);
  CHECK(c.prefix == prefix("2001:db8::/32"));
  CHECK(c.device == "eth0");
  CHECK(c.label == 7u);
  REQUIRE(parseLine("addrlabel del prefix 2001:db8::/32", statement).ok());
  CHECK_FALSE(std::get<AddressLabelCommand>(std::get<Command>(*statement)).add);
  CHECK(parseLine("addrlabel add prefix 2001:db8::/32", statement).status == Status::InvalidParameter);
  CHECK(parseLine("addrlabel add label 3", statement).status == Status::InvalidParameter);
  CHECK(parseLine("addrlabel flush", statement).status == Status::InvalidParameter);
  CHECK(parseLine("addrlabel add prefix 2001:db8::/32 label x", statement).status ==
        Status::InvalidParameter);

  auto b = load(kTwoLinks);
  CHECK(b->apply("addrlabel add prefix 192.0.2.0/24 label 3").status == Status::InvalidParameter);
  CHECK(b->apply("addrlabel add prefix ::ffff:192.0.2.2/128 label 3").status == Status::InvalidParameter);
  CHECK(b->apply("addrlabel add prefix ::/0 label 5").status == Status::AlreadyExists);
  CHECK(b->apply("addrlabel add prefix ::/0 dev nosuch label 5").status == Status::NotFound);
  CHECK(b->apply("addrlabel del prefix 2001:db8:77::/48").status == Status::NotFound);
  REQUIRE(b->apply("addrlabel add prefix 2001:db8:77::1/48 label 5").ok());
  std::vector<AddressLabelRow> labels;
  REQUIRE(b->getAddressLabelTable(labels).ok());
  CHECK(std::count(labels.begin(), labels.end(), AddressLabelRow{prefix("2001:db8:77::/48"), 0, 5}) == 1);
  REQUIRE(b->apply("addrlabel del prefix 2001:db8:77::/48").ok());
}

} // namespace
} // namespace ipmibd::platform::sim::test
