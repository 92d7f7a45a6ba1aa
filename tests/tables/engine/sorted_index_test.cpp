// SortedIndex: exact lookup, GETNEXT (upperBound), upsert/erase, checked against std::map; its RowArena.
#include "tables/engine/sorted_index.h"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

using namespace ipmibd::tables;

TEST_CASE("SortedIndex finds, replaces, erases and walks in key order", "[sorted_index]") {
  SortedIndex<int> index;
  CHECK(index.empty());
  CHECK(index.first() == nullptr);
  CHECK(index.upsert(encodeIndexKey(Oid{2, 5}.view()), 25));
  CHECK(index.upsert(encodeIndexKey(Oid{1}.view()), 1));
  CHECK(index.upsert(encodeIndexKey(Oid{10}.view()), 10));
  CHECK_FALSE(index.upsert(encodeIndexKey(Oid{1}.view()), 100)); // replace
  CHECK(index.size() == 3);
  CHECK(index.find(encodeIndexKey(Oid{1}.view()))->entry() == 100);
  CHECK(index.find(encodeIndexKey(Oid{2}.view())) == nullptr);

  CHECK(index.first()->entry() == 100);
  CHECK(index.upperBound(encodeIndexKey(Oid{1}.view()))->entry() == 25);
  CHECK(index.upperBound(encodeIndexKey(Oid{2}.view()))->entry() == 25);       // partial index
  CHECK(index.upperBound(encodeIndexKey(Oid{2, 5, 0}.view()))->entry() == 10); // over-long
  CHECK(index.upperBound(encodeIndexKey(Oid{10}.view())) == nullptr);
  CHECK(index.upperBound(encodeIndexKey(Oid{}.view()))->entry() == 100);
  CHECK(index.next(index.first())->entry() == 25);

  CHECK(index.erase(encodeIndexKey(Oid{2, 5}.view())));
  CHECK_FALSE(index.erase(encodeIndexKey(Oid{2, 5}.view())));
  CHECK(index.size() == 2);
  index.clear();
  CHECK(index.empty());
  CHECK(index.storedBytes() == 0);
}

TEST_CASE("SortedIndex agrees with std::map under random churn", "[sorted_index]") {
  std::mt19937 rng(3);
  SortedIndex<std::uint32_t> index;
  std::map<Oid, std::uint32_t> reference;
  auto randomOid = [&] {
    Oid oid;
    std::size_t length = 1 + rng() % 4;
    for (std::size_t i = 0; i < length; ++i)
      oid.append(rng() % 3 ? rng() % 6 : rng() % 70000);
    return oid;
  };
  for (int i = 0; i < 20000; ++i) {
    Oid oid = randomOid();
    IndexKey key = encodeIndexKey(oid.view());
    if (rng() % 3) {
      index.upsert(key, std::uint32_t(i));
      reference[oid] = std::uint32_t(i);
    } else {
      CHECK(index.erase(key) == (reference.erase(oid) == 1));
    }
    Oid probe = randomOid();
    auto expected = reference.upper_bound(probe);
    const auto* got = index.upperBound(encodeIndexKey(probe.view()));
    if (expected == reference.end()) {
      CHECK(got == nullptr);
    } else {
      REQUIRE(got != nullptr);
      CHECK(*decodeIndexKey(got->key()) == expected->first);
      CHECK(got->entry() == expected->second);
    }
  }
  CHECK(index.size() == reference.size());
}

TEST_CASE("SortedIndex appends only keys past every row", "[sorted_index]") {
  SortedIndex<int> index;
  CHECK(index.appendIfLast(encodeIndexKey(Oid{2}.view()), 2)); // empty: any key is last
  CHECK(index.appendIfLast(encodeIndexKey(Oid{2, 1}.view()), 21));
  CHECK(index.appendIfLast(encodeIndexKey(Oid{300}.view()), 300));
  CHECK_FALSE(index.appendIfLast(encodeIndexKey(Oid{300}.view()), 0)); // equal: not new
  CHECK_FALSE(index.appendIfLast(encodeIndexKey(Oid{1}.view()), 1));   // smaller: refused
  CHECK(index.size() == 3);
  CHECK(index.find(encodeIndexKey(Oid{300}.view()))->entry() == 300);
  CHECK(index.find(encodeIndexKey(Oid{1}.view())) == nullptr);
  CHECK(index.upsert(encodeIndexKey(Oid{1}.view()), 1));
  std::vector<int> order;
  for (const auto* item = index.first(); item; item = index.next(item))
    order.push_back(item->entry());
  CHECK(order == std::vector<int>{1, 2, 21, 300});
  CHECK(index.storedBytes() > 0);
  index.clear();
  CHECK(index.storedBytes() == 0);
}

TEST_CASE("RowArena reuses freed blocks of a size and hands out 8-byte multiples", "[sorted_index]") {
  RowArena arena;
  void* a = arena.allocate(94);
  void* b = arena.allocate(94);
  CHECK(static_cast<std::byte*>(b) - static_cast<std::byte*>(a) == 96); // no header, rounded to 8
  CHECK(reinterpret_cast<std::uintptr_t>(a) % 8 == 0);
  void* c = arena.allocate(70);
  arena.deallocate(a, 94);
  CHECK(arena.allocate(72) != a); // another size class
  CHECK(arena.allocate(90) == a); // same class (96): the freed block again
  arena.deallocate(b, 94);
  arena.deallocate(c, 70);
  arena.release();
  CHECK(arena.allocate(8) != nullptr);
}

TEST_CASE("SortedIndex rows survive erasing to empty and refilling", "[sorted_index]") {
  SortedIndex<int> index;
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t i = 0; i < 5000; ++i)
      REQUIRE(index.upsert(encodeIndexKey(Oid{i % 7, i}.view()), int(i)));
    CHECK(index.storedBytes() % RowArena::kGranule == 0);
    for (std::uint32_t i = 0; i < 5000; i += 2)
      REQUIRE(index.erase(encodeIndexKey(Oid{i % 7, i}.view())));
    for (std::uint32_t i = 0; i < 5000; i += 2) // into the freed blocks
      REQUIRE(index.upsert(encodeIndexKey(Oid{i % 7, i}.view()), -int(i)));
    for (std::uint32_t i = 0; i < 5000; ++i) {
      const auto* item = index.find(encodeIndexKey(Oid{i % 7, i}.view()));
      REQUIRE(item);
      CHECK(item->entry() == (i % 2 ? int(i) : -int(i)));
    }
    for (std::uint32_t i = 0; i < 5000; ++i)
      REQUIRE(index.erase(encodeIndexKey(Oid{i % 7, i}.view())));
    CHECK(index.empty());
    CHECK(index.storedBytes() == 0);
  }
}
