// RouteDumpSorter: a route dump's entries taken in arrival order and handed out in key order, the
// first arrival of each key only, without one long sort: how a re-dump reaches RouteShadow's merge.
//
// The kernel dumps a table nearly in key order (out of order: multipath next hops, nested
// prefixes), so an entry not smaller than the last one kept is appended to the kept run (O(1)); the
// others are set aside and sorted in chunks of kChunk as they fill. finish() sorts the last chunk
// only, and the entries are then read as a merge of the kept run and the chunks (a small heap of
// runs), each step O(log runs). Equal keys: the kept run's copy arrived first (an entry is set aside
// only when smaller than a kept one, so a later equal entry cannot be kept after an earlier aside
// one), chunks are in arrival order and sorted stably, so ties go to the lower run.
#pragma once

#include "platform/linux/route_shadow.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ipmibd::platform::linux_backend {

class RouteDumpSorter {
public:
  RouteDumpSorter() = default;
  RouteDumpSorter(const RouteDumpSorter&) = delete;
  RouteDumpSorter& operator=(const RouteDumpSorter&) = delete;

  // Appends one dumped entry (before finish()).
  void add(const RouteShadowEntry& entry);
  // No more entries: sorts the last chunk set aside and starts reading at the smallest key.
  void finish();
  // After finish(): the smallest entry not read yet (null at the end), and moving past it and every
  // later arrival with the same key.
  const RouteShadowEntry* current() const { return heap_.empty() ? nullptr : &at(heap_.front()); }
  void next();

  // Entries added, duplicates included, by the storage RouteShadow will give them.
  std::size_t size() const { return narrow_ + compactV6_ + wide_; }
  std::size_t narrowCount() const { return narrow_; }
  std::size_t compactV6Count() const { return compactV6_; }
  std::size_t wideCount() const { return wide_; }

private:
  // Kept entries live in fixed blocks, so a growing dump never copies what it already holds (a
  // vector doubling past 512k entries would move 50 MB in one go).
  static constexpr std::size_t kBlock = 4096;
  static constexpr std::size_t kChunk = 8192;
  struct Run {
    std::size_t position = 0, end = 0;
  };
  const RouteShadowEntry& kept(std::size_t i) const { return blocks_[i / kBlock][i % kBlock]; }
  const RouteShadowEntry& at(std::uint32_t run) const {
    const std::size_t i = runs_[run].position;
    return run == 0 ? kept(i) : aside_[run - 1][i];
  }
  bool later(std::uint32_t a, std::uint32_t b) const; // heap order: a after b
  void sortLastChunk();
  void advance(); // past the heap's top entry

  std::vector<std::unique_ptr<RouteShadowEntry[]>> blocks_;
  std::size_t keptCount_ = 0;
  std::vector<std::vector<RouteShadowEntry>> aside_; // chunks in arrival order, all but the last sorted
  std::vector<Run> runs_;                            // after finish(): 0 = kept, i = aside_[i - 1]
  std::vector<std::uint32_t> heap_;                  // runs with entries left, smallest entry on top
  std::size_t narrow_ = 0, compactV6_ = 0, wide_ = 0;
};

} // namespace ipmibd::platform::linux_backend
