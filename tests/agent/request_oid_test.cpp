// Unit tests of request OID conversion, including sub-identifiers that do not fit SNMP's 32 bits.
#include "agent/common/request_oid.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace ipmibd::agent;
using ipmibd::tables::Oid;

TEST_CASE("request oid: exact conversion", "[agent][oid]") {
  const std::vector<unsigned long> name{1, 3, 6, 1, 4294967295ul};
  CHECK(exactOid(name) == Oid{1, 3, 6, 1, 4294967295u});
  const std::vector<unsigned long> tooBig{1, 3, 4294967296ul, 1};
  CHECK_FALSE(exactOid(tooBig));
  CHECK(exactOid({}) == Oid{});
}

TEST_CASE("request oid: GETNEXT start for oversize sub-identifiers", "[agent][oid]") {
  const std::vector<unsigned long> plain{1, 3, 6};
  CHECK(nextStart(plain, false) == NextStart{Oid{1, 3, 6}, false});
  CHECK(nextStart(plain, true) == NextStart{Oid{1, 3, 6}, true});
  // 1.3.(2^32).5 sorts after every 1.3.x...: start at 1.4 inclusive.
  const std::vector<unsigned long> over{1, 3, 4294967296ul, 5};
  CHECK(nextStart(over, false) == NextStart{Oid{1, 4}, true});
  // Carry over maximal sub-identifiers: 1.4294967295.(2^40) -> 2.
  const std::vector<unsigned long> carry{1, 4294967295ul, 1ul << 40};
  CHECK(nextStart(carry, false) == NextStart{Oid{2}, true});
  // Nothing can follow (2^32).x or 4294967295.(2^32).
  const std::vector<unsigned long> first{4294967296ul};
  CHECK_FALSE(nextStart(first, false));
  const std::vector<unsigned long> last{4294967295ul, 4294967296ul};
  CHECK_FALSE(nextStart(last, false));
}

TEST_CASE("request oid: a reused GETNEXT start is replaced whole", "[agent][oid]") {
  // The handler reuses one NextStart for every request: a longer, then a shorter, then an
  // oversize request must each leave exactly their own start, whatever the buffer held before.
  NextStart start;
  const std::vector<unsigned long> longer{1, 3, 6, 1, 2, 1, 4, 24, 7, 1, 7, 1, 4, 198, 18, 0, 1};
  REQUIRE(assignNextStart(longer, true, start));
  CHECK(start == NextStart{Oid{1, 3, 6, 1, 2, 1, 4, 24, 7, 1, 7, 1, 4, 198, 18, 0, 1}, true});
  const std::vector<unsigned long> shorter{1, 3, 6};
  REQUIRE(assignNextStart(shorter, false, start));
  CHECK(start == NextStart{Oid{1, 3, 6}, false});
  const std::vector<unsigned long> over{1, 3, 4294967296ul, 5};
  REQUIRE(assignNextStart(over, false, start));
  CHECK(start == NextStart{Oid{1, 4}, true});
  const std::vector<unsigned long> first{4294967296ul};
  CHECK_FALSE(assignNextStart(first, false, start));
  REQUIRE(assignNextStart({}, false, start));
  CHECK(start == NextStart{Oid{}, false});
}

TEST_CASE("request oid: back to Net-SNMP", "[agent][oid]") {
  CHECK(toNetSnmp(Oid{1, 3, 4294967295u}) == std::vector<unsigned long>{1, 3, 4294967295ul});
}
