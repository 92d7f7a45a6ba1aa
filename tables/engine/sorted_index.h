// SortedIndex: the rows of one table kept in SNMP index order, O(log n) exact and GETNEXT lookups.
#pragma once

#include "tables/engine/index_key.h"
#include "tables/engine/row_arena.h"

#include <boost/intrusive/set.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>

namespace ipmibd::tables {

// Rows are keyed by their encoded instance index (IndexKey); because that encoding preserves the
// SNMP order, "GETNEXT of anything" is upperBound(encodeIndexKey(requested sub-ids)) whatever the
// requested sub-ids are (partial, over-long, malformed): no decoding happens on the request path.
//
// Memory: one block per row (from the index's RowArena: its size rounded up to 8 bytes, no malloc
// header) holding the tree links (3 pointers, colour packed into the parent pointer), the table's
// compact Entry, the key length and the key bytes inline, right after the length (not after the
// Item's own tail padding). No separate key allocation, no per-row std::string. Entries should be
// small value types (the route table's is 28 bytes, 4-byte aligned): an IPv4 route row takes 72
// bytes, an IPv6 one 96.
//
// Not thread-safe; the agent is single-threaded.
template <class Entry> class SortedIndex {
  using Hook = boost::intrusive::set_base_hook<boost::intrusive::optimize_size<true>,
                                               boost::intrusive::link_mode<boost::intrusive::normal_link>>;

public:
  using KeyView = std::span<const std::uint8_t>;

  // One stored row: its key (encoded index) and entry. Pointers stay valid until the row is erased.
  class Item : public Hook {
  public:
    KeyView key() const { return {reinterpret_cast<const std::uint8_t*>(&keyLength_ + 1), keyLength_}; }
    const Entry& entry() const { return entry_; }
    Entry& entry() { return entry_; }

  private:
    friend class SortedIndex;
    Item(const Entry& entry, std::size_t keyLength) : entry_(entry), keyLength_(std::uint16_t(keyLength)) {}
    Entry entry_;
    std::uint16_t keyLength_;
  };

  SortedIndex() = default;
  SortedIndex(const SortedIndex&) = delete;
  SortedIndex& operator=(const SortedIndex&) = delete;
  ~SortedIndex() { clear(); }

  std::size_t size() const { return set_.size(); }
  bool empty() const { return set_.empty(); }

  const Item* find(KeyView key) const {
    auto it = set_.find(key, Less{});
    return it == set_.end() ? nullptr : &*it;
  }
  Item* find(KeyView key) {
    auto it = set_.find(key, Less{});
    return it == set_.end() ? nullptr : &*it;
  }
  const Item* first() const { return set_.empty() ? nullptr : &*set_.begin(); }
  // The first row whose key is strictly greater than `key` (GETNEXT), or nullptr.
  const Item* upperBound(KeyView key) const {
    auto it = set_.upper_bound(key, Less{});
    return it == set_.end() ? nullptr : &*it;
  }
  const Item* next(const Item* item) const {
    auto it = set_.iterator_to(*item);
    ++it;
    return it == set_.end() ? nullptr : &*it;
  }

  // Inserts, or replaces the entry of an existing key. Returns true when the key was new.
  // Keys longer than 65535 bytes cannot occur (128 sub-identifiers take at most 640 bytes).
  bool upsert(KeyView key, const Entry& entry) {
    typename Set::insert_commit_data commit;
    auto [it, fresh] = set_.insert_check(key, Less{}, commit);
    ++changes_;
    if (!fresh) {
      it->entry_ = entry;
      return false;
    }
    set_.insert_commit(*make(key, entry), commit);
    return true;
  }

  // Inserts when `key` sorts after every stored row, at the end without a tree search (a table
  // loaded in index order: a million-row route load). False, nothing changed, otherwise.
  bool appendIfLast(KeyView key, const Entry& entry) {
    if (!set_.empty() && compare(set_.crbegin()->key(), key) >= 0) return false;
    set_.push_back(*make(key, entry));
    ++changes_;
    return true;
  }

  bool erase(KeyView key) {
    auto it = set_.find(key, Less{});
    if (it == set_.end()) return false;
    ++erasures_;
    ++changes_;
    Item* item = &*it;
    set_.erase(it);
    destroy(item);
    if (set_.empty()) arena_.release();
    return true;
  }

  void clear() {
    ++erasures_;
    ++changes_;
    set_.clear_and_dispose([this](Item* item) { destroy(item); });
    arena_.release();
  }

  // Changes whenever a row may have been freed: an Item pointer taken while this value was
  // current is still valid (inserts never move rows).
  std::uint64_t erasures() const { return erasures_; }
  // Changes on every insert, erase and entry replacement made through this class (not on edits
  // through a non-const Item::entry()): views cache what they derive from the rows under it.
  std::uint64_t changes() const { return changes_; }

  // Bytes of the rows (their blocks' sizes in the arena; excludes free blocks and unused chunk space).
  std::size_t storedBytes() const { return bytes_; }

private:
  static int compare(KeyView a, KeyView b) {
    std::size_t n = a.size() < b.size() ? a.size() : b.size();
    int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    if (c != 0) return c;
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
  }
  struct Less {
    bool operator()(const Item& a, const Item& b) const { return compare(a.key(), b.key()) < 0; }
    bool operator()(KeyView a, const Item& b) const { return compare(a, b.key()) < 0; }
    bool operator()(const Item& a, KeyView b) const { return compare(a.key(), b) < 0; }
  };
  using Set = boost::intrusive::set<Item, boost::intrusive::compare<Less>,
                                    boost::intrusive::constant_time_size<true>>;

  Item* make(KeyView key, const Entry& entry) {
    void* block = arena_.allocate(blockSize(key.size()));
    Item* item = new (block) Item(entry, key.size());
    if (reinterpret_cast<std::uint8_t*>(&item->keyLength_ + 1) !=
        static_cast<std::uint8_t*>(block) + kKeyOffset)
      std::abort(); // a layout kKeyOffset does not describe: never with GCC or Clang (folded away)
    if (!key.empty())
      std::memcpy(reinterpret_cast<std::uint8_t*>(&item->keyLength_ + 1), key.data(), key.size());
    bytes_ += blockSize(key.size());
    return item;
  }
  // Where the key bytes start in an Item (just past keyLength_, inside the Item's tail padding if
  // it has any), computed from the layout rules the Itanium ABI gives Item (a base of 3 pointers,
  // then entry_, then keyLength_); make() checks it against the real member address.
  static constexpr std::size_t alignUp(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }
  static constexpr std::size_t kKeyOffset =
      alignUp(alignUp(sizeof(Hook), alignof(Entry)) + sizeof(Entry), alignof(std::uint16_t)) +
      sizeof(std::uint16_t);
  static std::size_t blockSize(std::size_t keyLength) {
    return RowArena::roundUp(kKeyOffset + keyLength > sizeof(Item) ? kKeyOffset + keyLength : sizeof(Item));
  }
  static_assert(alignof(Item) <= RowArena::kGranule);

  void destroy(Item* item) {
    bytes_ -= blockSize(item->keyLength_);
    const std::size_t size = blockSize(item->keyLength_);
    item->~Item();
    arena_.deallocate(item, size);
  }

  RowArena arena_; // declared before set_: destroyed after it
  Set set_;
  std::size_t bytes_ = 0;
  std::uint64_t erasures_ = 0;
  std::uint64_t changes_ = 0;
};

} // namespace ipmibd::tables
