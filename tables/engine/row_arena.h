// RowArena: the memory of one SortedIndex's rows, carved from large chunks in 8-byte size classes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace ipmibd::tables {

// malloc gives every block an 8-byte header and rounds it to 16 bytes: a 94-byte IPv6 route row
// costs 112. Here a row costs its size rounded up to 8 (96), carved from chunks (4 KiB growing to
// 256 KiB); a freed row goes on its size class's free list and is reused by the next row of that
// size. The chunks go back to the heap when the index is cleared or its last row erased
// (release()); until then freed rows stay reserved for that index (a route table that shrinks keeps
// its peak, as malloc's fragmented heap mostly would too).
//
// Not thread-safe; the agent is single-threaded.
class RowArena {
public:
  static constexpr std::size_t kGranule = 8;
  static constexpr std::size_t kChunkBytes = 256 * 1024;

  static constexpr std::size_t roundUp(std::size_t bytes) {
    return (bytes + kGranule - 1) / kGranule * kGranule;
  }

  // A block of roundUp(bytes) bytes, aligned to 8.
  void* allocate(std::size_t bytes) {
    const std::size_t size = roundUp(bytes);
    const std::size_t sizeClass = size / kGranule;
    if (sizeClass < free_.size() && free_[sizeClass]) {
      FreeBlock* block = free_[sizeClass];
      free_[sizeClass] = block->next;
      return block;
    }
    if (size > 1024) { // never for index rows (at most ~700 bytes); kept correct anyway
      large_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
      return large_.back().get();
    }
    if (left_ < size) {
      // Chunks grow from 4 KiB so that the many small tables hold little; left uninitialised so
      // that pages are touched only as rows fill them.
      const std::size_t chunk =
          std::min(kChunkBytes, std::size_t(4096) << std::min<std::size_t>(chunks_.size(), 6));
      chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(chunk));
      next_ = chunks_.back().get();
      left_ = chunk;
    }
    void* block = next_;
    next_ += size;
    left_ -= size;
    return block;
  }

  // `bytes` as given to allocate.
  void deallocate(void* block, std::size_t bytes) {
    const std::size_t sizeClass = roundUp(bytes) / kGranule;
    if (free_.size() <= sizeClass) free_.resize(sizeClass + 1, nullptr);
    auto* freed = static_cast<FreeBlock*>(block);
    freed->next = free_[sizeClass];
    free_[sizeClass] = freed;
  }

  // Frees every chunk: only when no block is in use.
  void release() {
    chunks_.clear();
    chunks_.shrink_to_fit();
    large_.clear();
    large_.shrink_to_fit();
    free_.clear();
    free_.shrink_to_fit();
    next_ = nullptr;
    left_ = 0;
  }

private:
  struct FreeBlock {
    FreeBlock* next;
  };
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::vector<std::unique_ptr<std::byte[]>> large_; // never reused (see allocate)
  std::vector<FreeBlock*> free_;                    // by size class (bytes / 8)
  std::byte* next_ = nullptr;                       // unused rest of the newest chunk
  std::size_t left_ = 0;
};

} // namespace ipmibd::tables
