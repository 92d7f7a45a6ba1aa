// ChangeQueue: the initial dump applied before later changes, and its memory given back.
#include "tables/engine/change_queue.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

using ipmibd::platform::Change;
using ipmibd::platform::ChangeKind;
using ipmibd::tables::ChangeQueue;

namespace {
struct Row {
  int id = 0;
};
} // namespace

TEST_CASE("the dump is applied before later changes, then its memory is released", "[change_queue]") {
  ChangeQueue<Row> queue;
  queue.loadSnapshot({{1}, {2}});
  const Change<Row> later[] = {{ChangeKind::Delete, {1}}};
  queue.push(later);
  std::vector<std::pair<ChangeKind, int>> applied;
  CHECK_FALSE(queue.drain(std::chrono::seconds(1),
                          [&](ChangeKind k, const Row& r) { applied.emplace_back(k, r.id); }));
  CHECK(applied == std::vector<std::pair<ChangeKind, int>>{
                       {ChangeKind::Add, 1}, {ChangeKind::Add, 2}, {ChangeKind::Delete, 1}});
  CHECK(queue.heldSnapshotRows() == 0);
}

TEST_CASE("a dump filtered down to nothing still gives its capacity back", "[change_queue]") {
  // A unit that keeps a few rows of a big dump (ipDefaultRouterTable: the default routes of a
  // route table) may hand over an empty vector that still holds the whole dump's capacity.
  std::vector<Row> filtered;
  filtered.reserve(100000);
  ChangeQueue<Row> queue;
  queue.loadSnapshot(std::move(filtered));
  CHECK(queue.heldSnapshotRows() >= 100000);
  CHECK_FALSE(queue.drain(std::chrono::seconds(1), [](ChangeKind, const Row&) { FAIL("nothing to apply"); }));
  CHECK(queue.heldSnapshotRows() == 0);
}
