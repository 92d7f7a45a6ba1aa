// IndexKey: the byte code round-trips and its byte order equals SNMP order on arbitrary sequences.
#include "tables/engine/index_key.h"

#include <catch2/catch.hpp>

#include <random>

using namespace ipmibd::tables;

namespace {
int sign(std::strong_ordering o) { return o < 0 ? -1 : o > 0 ? 1 : 0; }
int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }
} // namespace

TEST_CASE("IndexKey round-trips boundary values", "[index_key]") {
  Oid values{0, 1, 127, 128, 247, 248, 249, 255, 256, 65535, 65783, 65784, 65785, 0x7fffffff, 0xffffffff};
  IndexKey key = encodeIndexKey(values.view());
  auto back = decodeIndexKey(key);
  REQUIRE(back);
  CHECK(*back == values);
  CHECK(encodeIndexKey(Oid{1, 4, 10, 0, 0, 1}.view()).size() == 6); // small sub-ids: one byte each
  CHECK(encodeIndexKey(Oid{255}.view()).size() == 3);
  CHECK(encodeIndexKey(Oid{0xffffffff}.view()).size() == 5);
}

TEST_CASE("IndexKey rejects invalid encodings", "[index_key]") {
  CHECK_FALSE(decodeIndexKey(IndexKey{0xF8, 0x01}));
  CHECK_FALSE(decodeIndexKey(IndexKey{0xF9, 0, 0, 1}));
  CHECK_FALSE(decodeIndexKey(IndexKey{0xFA}));
  CHECK(decodeIndexKey(IndexKey{})->empty());
}

TEST_CASE("IndexKey byte order equals SNMP order (RFC 2578 7.7)", "[index_key]") {
  std::mt19937 rng(42);
  // Values clustered around the code's boundaries, so prefixes and near-equal sequences are common.
  const SubId interesting[] = {0,   1,   2,     127,   246,   247,        248,       249,
                               255, 256, 65783, 65784, 65785, 0xfffffffe, 0xffffffff};
  auto randomOid = [&] {
    Oid oid;
    std::size_t length = rng() % 6;
    for (std::size_t i = 0; i < length; ++i)
      oid.append(rng() % 4 ? interesting[rng() % std::size(interesting)] : SubId(rng()));
    return oid;
  };
  for (int i = 0; i < 20000; ++i) {
    Oid a = randomOid();
    Oid b = rng() % 3 ? randomOid() : a;
    if (rng() % 4 == 0) b.append(SubId(rng() % 300)); // extension of a
    IndexKey ka = encodeIndexKey(a.view()), kb = encodeIndexKey(b.view());
    INFO(a.toString() << " vs " << b.toString());
    CHECK(sign(ka.compare(kb)) == sign(a <=> b));
  }
}
