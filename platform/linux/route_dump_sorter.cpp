// RouteDumpSorter: the kept run in blocks, the chunks set aside, and their merge through a heap of runs.
#include "platform/linux/route_dump_sorter.h"

#include <algorithm>

namespace ipmibd::platform::linux_backend {

void RouteDumpSorter::add(const RouteShadowEntry& entry) {
  ++(fitsNarrow(entry) ? narrow_ : fitsCompactV6(entry) ? compactV6_ : wide_);
  if (keptCount_ == 0 || !(entry.key < kept(keptCount_ - 1).key)) {
    if (keptCount_ % kBlock == 0) blocks_.push_back(std::make_unique<RouteShadowEntry[]>(kBlock));
    blocks_[keptCount_ / kBlock][keptCount_ % kBlock] = entry;
    ++keptCount_;
    return;
  }
  if (aside_.empty() || aside_.back().size() == kChunk) {
    aside_.emplace_back();
    aside_.back().reserve(kChunk);
  }
  aside_.back().push_back(entry);
  if (aside_.back().size() == kChunk) sortLastChunk();
}

void RouteDumpSorter::sortLastChunk() {
  // Stable: among equal keys the first arrival stays first.
  std::stable_sort(aside_.back().begin(), aside_.back().end(),
                   [](const RouteShadowEntry& a, const RouteShadowEntry& b) { return a.key < b.key; });
}

bool RouteDumpSorter::later(std::uint32_t a, std::uint32_t b) const {
  const PackedRouteKey& ka = at(a).key;
  const PackedRouteKey& kb = at(b).key;
  if (kb < ka) return true;
  if (ka < kb) return false;
  return a > b;
}

void RouteDumpSorter::finish() {
  if (!aside_.empty() && aside_.back().size() < kChunk) sortLastChunk();
  runs_.clear();
  runs_.push_back({0, keptCount_});
  for (const auto& chunk : aside_)
    runs_.push_back({0, chunk.size()});
  heap_.clear();
  for (std::uint32_t run = 0; run < runs_.size(); ++run)
    if (runs_[run].end > 0) heap_.push_back(run);
  auto order = [this](std::uint32_t a, std::uint32_t b) { return later(a, b); };
  std::make_heap(heap_.begin(), heap_.end(), order);
}

void RouteDumpSorter::advance() {
  auto order = [this](std::uint32_t a, std::uint32_t b) { return later(a, b); };
  if (heap_.size() == 1) { // the common case: everything arrived in order
    if (++runs_[heap_.front()].position == runs_[heap_.front()].end) heap_.clear();
    return;
  }
  std::pop_heap(heap_.begin(), heap_.end(), order);
  Run& run = runs_[heap_.back()];
  if (++run.position < run.end)
    std::push_heap(heap_.begin(), heap_.end(), order);
  else
    heap_.pop_back();
}

void RouteDumpSorter::next() {
  if (heap_.empty()) return;
  const PackedRouteKey last = current()->key;
  advance();
  // Equal keys can occur (IPv4 routes differing only in TOS, repeated next hops): the first wins.
  while (!heap_.empty() && current()->key == last)
    advance();
}

} // namespace ipmibd::platform::linux_backend
