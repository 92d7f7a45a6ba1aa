// RouteShadow: packing, narrow/wide storage, the sorted-vectors-plus-deltas container, its incremental
// merge and the re-dump merge.
#include "platform/linux/route_shadow.h"
#include "platform/linux/route_dump_sorter.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>

#include <sys/mman.h>
#include <unistd.h>

namespace ipmibd::platform::linux_backend {

namespace {

void packAddress(const IpAddress& a, Family& family, std::array<std::uint8_t, 16>& bytes,
                 std::uint32_t& scope) {
  family = a.family();
  std::memcpy(bytes.data(), a.data(), bytes.size()); // unused bytes of an IPv4 address are zero
  scope = a.scopeId();
}

IpAddress unpackAddress(Family family, const std::array<std::uint8_t, 16>& bytes, std::uint32_t scope) {
  if (family == Family::Unspecified) return IpAddress{};
  return *IpAddress::fromBytes(bytes.data(), family == Family::V4 ? 4 : 16, scope);
}

bool sameHead(const PackedRouteKey& k, std::uint32_t table, const PackedRouteKey& want,
              std::optional<std::uint32_t> metric) {
  return k.table == table && k.family == want.family && k.destination == want.destination &&
         k.destinationScope == want.destinationScope && k.prefixLength == want.prefixLength &&
         (!metric || k.metric == *metric);
}

} // namespace

PackedRouteKey packKey(const RouteRow& row) {
  PackedRouteKey k;
  k.table = row.table;
  packAddress(row.destinationPrefix.address, k.family, k.destination, k.destinationScope);
  k.prefixLength = row.destinationPrefix.length;
  k.metric = row.metric;
  packAddress(row.nextHop, k.nextHopFamily, k.nextHop, k.nextHopScope);
  k.interfaceIndex = row.interfaceIndex;
  return k;
}

RouteRow rowOf(const PackedRouteKey& k) {
  RouteRow row;
  row.table = k.table;
  row.destinationPrefix.address = unpackAddress(k.family, k.destination, k.destinationScope);
  row.destinationPrefix.length = k.prefixLength;
  row.metric = k.metric;
  row.nextHop = unpackAddress(k.nextHopFamily, k.nextHop, k.nextHopScope);
  row.interfaceIndex = k.interfaceIndex;
  return row;
}

namespace {

std::uint32_t monotonicSeconds(Timestamp t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return std::uint32_t(std::clamp<std::int64_t>((ms + 500) / 1000, 0, std::int64_t(kInfiniteLifetime) - 1));
}

// The second a finite lifetime of `r` runs out: from its expiry when the backend gave one, else
// counted from now.
std::uint32_t untilSecond(const RouteRow& r, std::uint32_t lifetime) {
  if (lifetime == kInfiniteLifetime) return kInfiniteLifetime;
  if (r.expires != Timestamp{} && r.validLifetime != kInfiniteLifetime) {
    // The preferred lifetime ends as many seconds before the valid one as it is shorter.
    const std::uint32_t valid = monotonicSeconds(r.expires);
    const std::uint32_t earlier = r.validLifetime > lifetime ? r.validLifetime - lifetime : 0;
    return valid > earlier ? valid - earlier : 0;
  }
  return std::uint32_t(std::min<std::uint64_t>(std::uint64_t(monotonicSeconds(Clock::now())) + lifetime,
                                               kInfiniteLifetime - 1));
}

std::uint32_t remainingAt(std::uint32_t until, std::uint32_t nowSecond) {
  if (until == kInfiniteLifetime) return kInfiniteLifetime;
  return until > nowSecond ? until - nowSecond : 0;
}

} // namespace

PackedRouteParams packParams(const RouteRow& r) {
  PackedRouteParams p;
  p.validUntil = untilSecond(r, r.validLifetime);
  p.preferredUntil = untilSecond(r, r.preferredLifetime);
  packAddress(r.preferredSource, p.preferredSourceFamily, p.preferredSource, p.preferredSourceScope);
  p.sitePrefixLength = r.sitePrefixLength;
  p.protocol = std::uint16_t(r.protocol);
  p.nativeProtocol = r.nativeProtocol;
  p.flags =
      std::uint8_t(unsigned(r.loopback) | unsigned(r.autoconfigureAddress) << 1 | unsigned(r.publish) << 2 |
                   unsigned(r.immortal) << 3 | (unsigned(r.routerPreference) & 3) << 4);
  p.origin = r.origin;
  p.type = r.type;
  p.weight = r.weight;
  p.scope = r.scope;
  return p;
}

static_assert(sizeof(PackedRouteParams) == 40 && sizeof(RouteShadowEntry) == 104);
static_assert(sizeof(NarrowRouteEntry) == 52);

RouteRow rowOf(const PackedRouteKey& key, const PackedRouteParams& p) {
  RouteRow row = rowOf(key);
  if (p.validUntil != kInfiniteLifetime || p.preferredUntil != kInfiniteLifetime) {
    const std::uint32_t now = monotonicSeconds(Clock::now());
    row.validLifetime = remainingAt(p.validUntil, now);
    row.preferredLifetime = remainingAt(p.preferredUntil, now);
    if (p.validUntil != kInfiniteLifetime) row.expires = Timestamp(std::chrono::seconds(p.validUntil));
  }
  row.preferredSource = unpackAddress(p.preferredSourceFamily, p.preferredSource, p.preferredSourceScope);
  row.sitePrefixLength = p.sitePrefixLength;
  row.protocol = RouteProtocol(p.protocol);
  row.nativeProtocol = p.nativeProtocol;
  row.loopback = p.flags & 1;
  row.autoconfigureAddress = p.flags & 2;
  row.publish = p.flags & 4;
  row.immortal = p.flags & 8;
  row.routerPreference = RouterPreference((p.flags >> 4) & 3);
  row.origin = p.origin;
  row.type = p.type;
  row.weight = p.weight;
  row.scope = p.scope;
  return row;
}

bool routeKeyLess(const RouteRow& a, const RouteRow& b) {
  return std::tie(a.table, a.destinationPrefix, a.metric, a.nextHop, a.interfaceIndex) <
         std::tie(b.table, b.destinationPrefix, b.metric, b.nextHop, b.interfaceIndex);
}

bool sameRouteParams(const PackedRouteParams& a, const PackedRouteParams& b) {
  auto near = [](std::uint32_t x, std::uint32_t y) {
    if (x == kInfiniteLifetime || y == kInfiniteLifetime) return x == y;
    return (x > y ? x - y : y - x) <= 1;
  };
  if (!near(a.validUntil, b.validUntil) || !near(a.preferredUntil, b.preferredUntil)) return false;
  PackedRouteParams x = a, y = b;
  x.validUntil = y.validUntil = x.preferredUntil = y.preferredUntil = 0;
  return x == y;
}

namespace {

// A packed address that fits 4 bytes: IPv4 or unset, no scope id, the unused bytes zero (so that
// widening restores it exactly).
bool fitsFour(Family family, const std::array<std::uint8_t, 16>& bytes, std::uint32_t scope) {
  if (scope != 0 || (family != Family::V4 && family != Family::Unspecified)) return false;
  for (std::size_t i = family == Family::V4 ? 4 : 0; i < bytes.size(); ++i)
    if (bytes[i] != 0) return false;
  return true;
}

std::array<std::uint8_t, 4> firstFour(const std::array<std::uint8_t, 16>& bytes) {
  return {bytes[0], bytes[1], bytes[2], bytes[3]};
}
std::array<std::uint8_t, 16> widened(const std::array<std::uint8_t, 4>& bytes) {
  return {bytes[0], bytes[1], bytes[2], bytes[3]};
}

} // namespace

bool fitsNarrow(const RouteShadowEntry& e) {
  return e.key.family == Family::V4 && fitsFour(e.key.family, e.key.destination, e.key.destinationScope) &&
         fitsFour(e.key.nextHopFamily, e.key.nextHop, e.key.nextHopScope) &&
         fitsFour(e.params.preferredSourceFamily, e.params.preferredSource, e.params.preferredSourceScope);
}

namespace {

// The fields NarrowRouteEntry and CompactV6RouteEntry store alike: the creation time split in two
// 32-bit halves (keeps the entries 4-byte aligned), lifetimes and the small parameters.
template <class Compact> void packShared(const RouteShadowEntry& e, Compact& c) {
  const auto created = std::uint64_t(e.created.time_since_epoch().count());
  c.createdLow = std::uint32_t(created);
  c.createdHigh = std::uint32_t(created >> 32);
  c.validUntil = e.params.validUntil;
  c.preferredUntil = e.params.preferredUntil;
  c.protocol = e.params.protocol;
  c.sitePrefixLength = e.params.sitePrefixLength;
  c.nativeProtocol = e.params.nativeProtocol;
  c.flags = e.params.flags;
  c.origin = e.params.origin;
  c.type = e.params.type;
  c.weight = e.params.weight;
  c.scope = e.params.scope;
}

template <class Compact> void unpackShared(const Compact& c, RouteShadowEntry& e) {
  e.created =
      Timestamp(Timestamp::duration(Timestamp::rep(std::uint64_t(c.createdHigh) << 32 | c.createdLow)));
  e.params.validUntil = c.validUntil;
  e.params.preferredUntil = c.preferredUntil;
  e.params.protocol = c.protocol;
  e.params.sitePrefixLength = c.sitePrefixLength;
  e.params.nativeProtocol = c.nativeProtocol;
  e.params.flags = c.flags;
  e.params.origin = c.origin;
  e.params.type = c.type;
  e.params.weight = c.weight;
  e.params.scope = c.scope;
}

} // namespace

NarrowRouteEntry narrowOf(const RouteShadowEntry& e) {
  NarrowRouteEntry n;
  n.table = e.key.table;
  n.metric = e.key.metric;
  n.interfaceIndex = e.key.interfaceIndex;
  n.destination = firstFour(e.key.destination);
  n.nextHop = firstFour(e.key.nextHop);
  n.preferredSource = firstFour(e.params.preferredSource);
  packShared(e, n);
  n.prefixLength = e.key.prefixLength;
  n.nextHopFamily = e.key.nextHopFamily;
  n.preferredSourceFamily = e.params.preferredSourceFamily;
  return n;
}

namespace {

PackedRouteKey keyOf(const NarrowRouteEntry& n) {
  PackedRouteKey k;
  k.table = n.table;
  k.metric = n.metric;
  k.interfaceIndex = n.interfaceIndex;
  k.family = Family::V4;
  k.prefixLength = n.prefixLength;
  k.nextHopFamily = n.nextHopFamily;
  k.destination = widened(n.destination);
  k.nextHop = widened(n.nextHop);
  return k;
}

} // namespace

RouteShadowEntry wideOf(const NarrowRouteEntry& n) {
  RouteShadowEntry e;
  e.key = keyOf(n);
  unpackShared(n, e);
  e.params.preferredSource = widened(n.preferredSource);
  e.params.preferredSourceFamily = n.preferredSourceFamily;
  return e;
}

std::size_t AddressPool::Hash::operator()(const PooledAddress& a) const {
  std::uint64_t words[2];
  std::memcpy(words, a.bytes.data(), sizeof words);
  return std::hash<std::uint64_t>{}(words[0] * 0x9e3779b97f4a7c15ULL ^ words[1] ^
                                    (std::uint64_t(a.scope) << 8 | std::uint64_t(a.family)));
}

std::uint32_t AddressPool::intern(const PooledAddress& address) {
  auto [it, fresh] = ids_.try_emplace(address, std::uint32_t(addresses_.size()));
  if (fresh) addresses_.push_back(address);
  return it->second;
}

bool fitsCompactV6(const RouteShadowEntry& e) {
  return e.key.family == Family::V6 && e.key.destinationScope == 0;
}

CompactV6RouteEntry compactV6Of(const RouteShadowEntry& e, AddressPool& pool) {
  CompactV6RouteEntry c;
  c.destination = e.key.destination;
  c.table = e.key.table;
  c.metric = e.key.metric;
  c.interfaceIndex = e.key.interfaceIndex;
  c.nextHop = pool.intern({e.key.nextHop, e.key.nextHopScope, e.key.nextHopFamily});
  c.preferredSource =
      pool.intern({e.params.preferredSource, e.params.preferredSourceScope, e.params.preferredSourceFamily});
  packShared(e, c);
  c.prefixLength = e.key.prefixLength;
  return c;
}

namespace {

PackedRouteKey keyOf(const CompactV6RouteEntry& c, const AddressPool& pool) {
  PackedRouteKey k;
  k.table = c.table;
  k.metric = c.metric;
  k.interfaceIndex = c.interfaceIndex;
  k.family = Family::V6;
  k.prefixLength = c.prefixLength;
  k.destination = c.destination;
  const PooledAddress& hop = pool.at(c.nextHop);
  k.nextHop = hop.bytes;
  k.nextHopScope = hop.scope;
  k.nextHopFamily = hop.family;
  return k;
}

} // namespace

RouteShadowEntry wideOf(const CompactV6RouteEntry& c, const AddressPool& pool) {
  RouteShadowEntry e;
  e.key = keyOf(c, pool);
  unpackShared(c, e);
  const PooledAddress& source = pool.at(c.preferredSource);
  e.params.preferredSource = source.bytes;
  e.params.preferredSourceScope = source.scope;
  e.params.preferredSourceFamily = source.family;
  return e;
}

static_assert(sizeof(CompactV6RouteEntry) == 64);

namespace {

bool keyFitsNarrow(const PackedRouteKey& key) {
  return key.family == Family::V4 && fitsFour(key.family, key.destination, key.destinationScope) &&
         fitsFour(key.nextHopFamily, key.nextHop, key.nextHopScope);
}

auto narrowLower(const std::vector<NarrowRouteEntry>& v, const PackedRouteKey& key) {
  return std::lower_bound(v.begin(), v.end(), key,
                          [](const NarrowRouteEntry& e, const PackedRouteKey& k) { return keyOf(e) < k; });
}
auto compactLower(const std::vector<CompactV6RouteEntry>& v, const AddressPool& pool,
                  const PackedRouteKey& key) {
  return std::lower_bound(
      v.begin(), v.end(), key,
      [&](const CompactV6RouteEntry& e, const PackedRouteKey& k) { return keyOf(e, pool) < k; });
}
auto wideLower(const std::vector<RouteShadowEntry>& v, const PackedRouteKey& key) {
  return std::lower_bound(v.begin(), v.end(), key,
                          [](const RouteShadowEntry& e, const PackedRouteKey& k) { return e.key < k; });
}

} // namespace

std::optional<RouteShadowEntry> RouteShadow::findSorted(const PackedRouteKey& key) const {
  if (keyFitsNarrow(key))
    if (auto it = narrowLower(narrow_, key); it != narrow_.end() && keyOf(*it) == key) return wideOf(*it);
  if (key.family == Family::V6 && key.destinationScope == 0)
    if (auto it = compactLower(compactV6_, pool_, key); it != compactV6_.end() && keyOf(*it, pool_) == key)
      return wideOf(*it, pool_);
  if (auto it = wideLower(wide_, key); it != wide_.end() && it->key == key) return *it;
  return std::nullopt;
}

RouteShadow::RouteShadow() = default;
RouteShadow::~RouteShadow() = default;

namespace {

// The slot of `key` in a delta, or null.
template <class Delta>
const typename Delta::mapped_type* slotOf(const Delta& delta, const PackedRouteKey& key) {
  const auto it = delta.find(key);
  return it == delta.end() ? nullptr : &it->second;
}

} // namespace

std::optional<RouteShadow::Value> RouteShadow::find(const PackedRouteKey& key) const {
  const Slot* slot = slotOf(delta_, key);
  if (!slot) slot = slotOf(frozen_, key);
  if (slot) return slot->live ? std::optional<Value>(slot->value) : std::nullopt;
  if (const auto e = findSorted(key)) return Value{e->created, e->params};
  return std::nullopt;
}

bool RouteShadow::shownBelow(const PackedRouteKey& key) const {
  if (const Slot* slot = slotOf(frozen_, key)) return slot->live;
  return findSorted(key).has_value();
}

void RouteShadow::put(const PackedRouteKey& key, Value value) {
  if (!find(key)) ++size_;
  delta_[key] = Slot{value, true};
  ++version_;
  afterChange();
}

std::optional<RouteShadow::Value> RouteShadow::erase(const PackedRouteKey& key) {
  auto old = find(key);
  if (!old) return std::nullopt;
  --size_;
  // A deletion is recorded only where a layer below would still show the key.
  if (shownBelow(key))
    delta_[key] = Slot{{}, false};
  else
    delta_.erase(key);
  ++version_;
  afterChange();
  return old;
}

std::vector<PackedRouteKey> RouteShadow::keysOf(std::uint32_t table, const IpPrefix& destination,
                                                std::optional<std::uint32_t> metric) const {
  RouteRow probe;
  probe.table = table;
  probe.destinationPrefix = destination;
  probe.metric = metric.value_or(0);
  probe.nextHop = IpAddress{};
  probe.interfaceIndex = 0;
  const PackedRouteKey low = packKey(probe); // the smallest key with this head
  std::vector<PackedRouteKey> keys;
  // Each layer contributes the keys no layer above it overrides (live or deleted there).
  auto sortedKey = [&](const PackedRouteKey& key) {
    if (!delta_.contains(key) && !frozen_.contains(key)) keys.push_back(key);
  };
  if (keyFitsNarrow(low))
    for (auto it = narrowLower(narrow_, low); it != narrow_.end(); ++it) {
      const PackedRouteKey key = keyOf(*it);
      if (!sameHead(key, table, low, metric)) break;
      sortedKey(key);
    }
  if (low.family == Family::V6 && low.destinationScope == 0)
    for (auto it = compactLower(compactV6_, pool_, low); it != compactV6_.end(); ++it) {
      const PackedRouteKey key = keyOf(*it, pool_);
      if (!sameHead(key, table, low, metric)) break;
      sortedKey(key);
    }
  for (auto it = wideLower(wide_, low); it != wide_.end() && sameHead(it->key, table, low, metric); ++it)
    sortedKey(it->key);
  for (auto d = frozen_.lower_bound(low); d != frozen_.end() && sameHead(d->first, table, low, metric); ++d)
    if (d->second.live && !delta_.contains(d->first)) keys.push_back(d->first);
  for (auto d = delta_.lower_bound(low); d != delta_.end() && sameHead(d->first, table, low, metric); ++d)
    if (d->second.live) keys.push_back(d->first);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Builds the three sorted vectors from entries arriving in key order, each reserved exactly (or,
// after a merge that replaces or deletes entries, at most the delta's size too large), and a pool
// of the addresses they use only.
struct RouteShadow::SortedBuilder {
  std::vector<NarrowRouteEntry> narrow;
  std::vector<CompactV6RouteEntry> compactV6;
  std::vector<RouteShadowEntry> wide;
  AddressPool pool;
  struct Counts {
    std::size_t narrow = 0, compactV6 = 0, wide = 0;
    void count(const RouteShadowEntry& e) {
      ++(fitsNarrow(e) ? narrow : fitsCompactV6(e) ? compactV6 : wide);
    }
  };
  explicit SortedBuilder(const Counts& counts) {
    narrow.reserve(counts.narrow);
    compactV6.reserve(counts.compactV6);
    wide.reserve(counts.wide);
  }
  void add(const RouteShadowEntry& e) {
    if (fitsNarrow(e))
      narrow.push_back(narrowOf(e));
    else if (fitsCompactV6(e))
      compactV6.push_back(compactV6Of(e, pool));
    else
      wide.push_back(e);
  }
};

void RouteShadow::adopt(SortedBuilder& built) {
  narrow_ = std::move(built.narrow);
  compactV6_ = std::move(built.compactV6);
  wide_ = std::move(built.wide);
  pool_ = std::move(built.pool);
  ++version_;
}

RouteShadow::Cursor::Cursor(const RouteShadow& shadow, bool withDelta)
    : shadow_(&shadow), frozen_(shadow.frozen_.begin()), frozenEnd_(shadow.frozen_.end()),
      delta_(withDelta ? shadow.delta_.begin() : shadow.delta_.end()), deltaEnd_(shadow.delta_.end()) {
  next();
}

// One step of a merge of the three sorted vectors with the frozen delta and then the newest delta
// overriding (or deleting) the entries of the same key below them.
void RouteShadow::Cursor::next() {
  const RouteShadow& s = *shadow_;
  for (;;) {
    if (!haveNarrow_ && n_ < s.narrow_.size()) {
      narrowHead_ = wideOf(s.narrow_[n_]);
      haveNarrow_ = true;
    }
    if (!haveCompact_ && c_ < s.compactV6_.size()) {
      compactHead_ = wideOf(s.compactV6_[c_], s.pool_);
      haveCompact_ = true;
    }
    enum { None, Narrow, Compact, Wide } which = None;
    const RouteShadowEntry* sorted = nullptr;
    if (haveNarrow_) sorted = &narrowHead_, which = Narrow;
    if (haveCompact_ && (!sorted || compactHead_.key < sorted->key)) sorted = &compactHead_, which = Compact;
    if (w_ < s.wide_.size() && (!sorted || s.wide_[w_].key < sorted->key))
      sorted = &s.wide_[w_], which = Wide;
    // The smallest key of the three layers, and which of them hold it.
    const PackedRouteKey* low = sorted ? &sorted->key : nullptr;
    const bool haveFrozen = frozen_ != frozenEnd_, haveDelta = delta_ != deltaEnd_;
    if (haveFrozen && (!low || frozen_->first < *low)) low = &frozen_->first;
    if (haveDelta && (!low || delta_->first < *low)) low = &delta_->first;
    if (!low) {
      atEnd_ = true;
      return;
    }
    const bool inSorted = sorted && sorted->key == *low;
    const bool inFrozen = haveFrozen && frozen_->first == *low;
    const bool inDelta = haveDelta && delta_->first == *low;
    const Slot* slot = inDelta ? &delta_->second : inFrozen ? &frozen_->second : nullptr;
    const bool live = !slot || slot->live;
    if (live && slot)
      current_ = {*low, slot->value.created, slot->value.params};
    else if (live)
      current_ = *sorted;
    if (inSorted) {
      if (which == Narrow) ++n_, haveNarrow_ = false;
      if (which == Compact) ++c_, haveCompact_ = false;
      if (which == Wide) ++w_;
    }
    if (inFrozen) ++frozen_;
    if (inDelta) ++delta_;
    if (live) return;
  }
}

namespace {

constexpr std::uintptr_t kReleasePiece = std::uintptr_t(8) << 20; // see releasePages

// What releasePages has left to hand back of `v`, in bytes.
template <class T> std::size_t unreleased(const std::vector<T>& v, std::size_t released) {
  const auto data = reinterpret_cast<std::uintptr_t>(v.data());
  const std::uintptr_t begin = (data + kReleasePiece - 1) / kReleasePiece * kReleasePiece;
  const std::uintptr_t end = (data + v.capacity() * sizeof(T)) / kReleasePiece * kReleasePiece;
  return !data || end <= begin + released ? 0 : end - begin - released;
}

// Hands `bytes` more of a vector's buffer back to the kernel (MADV_DONTNEED), from `released` on,
// without freeing the buffer: its unaligned ends, where the allocator keeps its bookkeeping, stay.
// Freeing ~60 MB at once costs ~6 ms of page-table work; this spreads it over steps, and the final
// free() then finds little left to unmap. Pieces are kReleasePiece long and aligned to it: an
// unaligned or small piece makes the kernel split a transparent huge page, and every madvise is a
// TLB flush on each CPU the process ran on (an IPI, slow on a busy VM: 128-KB pieces, one per route
// change, held snmpd's loop for 0.1-0.2 s under a route flood at 1M routes). True when every piece
// is released.
template <class T>
bool releasePages(std::vector<T>& v, std::size_t& released, std::size_t bytes, std::size_t& calls) {
  const auto data = reinterpret_cast<std::uintptr_t>(v.data());
  const std::uintptr_t begin = (data + kReleasePiece - 1) / kReleasePiece * kReleasePiece;
  const std::uintptr_t end = (data + v.capacity() * sizeof(T)) / kReleasePiece * kReleasePiece;
  if (!data || end <= begin + released) return true;
  const std::size_t pieces = std::max<std::size_t>(bytes / kReleasePiece, 1);
  const std::size_t length = std::min<std::size_t>(pieces * kReleasePiece, end - begin - released);
  ::madvise(reinterpret_cast<void*>(begin + released), length, MADV_DONTNEED);
  ++calls;
  released += length;
  return begin + released >= end;
}

} // namespace

// The merge in progress: the frozen delta's live entries counted (so the new vectors are reserved
// exactly once and never reallocate: a reallocation would copy O(n) in one step), then the
// vectors and the frozen delta read in key order into the new vectors, swapped in, and the old
// storage released in pieces.
struct RouteShadow::Merge {
  explicit Merge(const RouteShadow& shadow)
      : counting(shadow.frozen_.begin()), counts{shadow.narrow_.size(), shadow.compactV6_.size(),
                                                 shadow.wide_.size()},
        in(shadow, false) {}
  Delta::const_iterator counting; // the next frozen entry to count
  SortedBuilder::Counts counts;
  std::unique_ptr<SortedBuilder> out; // once counted; after the swap, the old vectors
  Cursor in;
  bool swapped = false;
  Delta oldFrozen; // after the swap: the frozen delta, its nodes freed in pieces
  std::size_t releasedNarrow = 0, releasedCompact = 0;
  std::size_t releaseCredit = 0; // bytes the release steps have earned (releasePages)
};

void RouteShadow::beginMerge() {
  if (merge_ || delta_.empty()) return;
  frozen_.swap(delta_); // O(1): the frozen delta was empty
  merge_ = std::make_unique<Merge>(*this);
}

bool RouteShadow::stepMerge(std::size_t limit) {
  if (!merge_) return true;
  if (rebuilds_ != 0) return false; // the last step would swap the vectors under a Rebuild's Cursor
  Merge& m = *merge_;
  std::size_t done = 0;
  if (!m.swapped) {
    for (; done < limit && m.counting != frozen_.end(); ++done, ++m.counting)
      if (const auto& [key, slot] = *m.counting; slot.live)
        m.counts.count({key, slot.value.created, slot.value.params});
    if (m.counting != frozen_.end()) return false;
    if (!m.out) m.out = std::make_unique<SortedBuilder>(m.counts);
    for (; done < limit; ++done) {
      const RouteShadowEntry* e = m.in.get();
      if (!e) break;
      m.out->add(*e);
      m.in.next();
    }
    if (m.in.get()) return false;
    // The new vectors hold what the old ones and the frozen delta showed: the content is unchanged
    // (size_ too), and the newest delta's deletions still delete live entries below them.
    narrow_.swap(m.out->narrow);
    compactV6_.swap(m.out->compactV6);
    wide_.swap(m.out->wide);
    std::swap(pool_, m.out->pool);
    frozen_.swap(m.oldFrozen);
    ++version_;
    m.swapped = true;
    if (done >= limit) return false;
  }
  // The old storage goes back: frozen nodes and vector pages, about as much work as `limit` entries.
  const std::size_t budget = limit - done;
  for (std::size_t erased = 0; erased < budget && !m.oldFrozen.empty(); ++erased)
    m.oldFrozen.erase(m.oldFrozen.begin());
  if (!m.oldFrozen.empty()) return false;
  // Pages go back a piece (kReleasePiece) at a time, once the steps have earned it: ~1 KB of credit
  // per entry of budget (a piece costs about what merging 8k entries does).
  // The next piece, once earned (a vector under one piece has none: the final free() returns it).
  const std::size_t left =
      unreleased(m.out->narrow, m.releasedNarrow) + unreleased(m.out->compactV6, m.releasedCompact);
  const std::size_t piece = std::min<std::size_t>(left, kReleasePiece);
  m.releaseCredit = budget >= kReleasePiece ? kReleasePiece : m.releaseCredit + budget * 1024;
  if (m.releaseCredit < piece) return false;
  const std::size_t bytes = std::exchange(m.releaseCredit, 0);
  if (!releasePages(m.out->narrow, m.releasedNarrow, bytes, pageReleases_) ||
      !releasePages(m.out->compactV6, m.releasedCompact, bytes, pageReleases_))
    return false;
  merge_.reset();
  return true;
}

void RouteShadow::afterChange() {
  // While a merge runs, each change pays a small step: the merge's work (~1.1 n entries, release
  // included) over kChangeStep is ~0.55 of the threshold's n / 64 changes, so it ends before the
  // next merge is due even if the backend never idles, and the delta never passes the threshold.
  if (merge_) {
    if (changeStep_ != 0) stepMerge(changeStep_);
  } else if (delta_.size() > std::max(kMinDelta, size_ / 64))
    beginMerge();
}

void RouteShadow::compact() {
  assert(rebuilds_ == 0);
  while (!stepMerge(std::numeric_limits<std::size_t>::max())) {}
  beginMerge();
  while (!stepMerge(std::numeric_limits<std::size_t>::max())) {}
}

RouteShadow::Rebuild::Rebuild(const RouteShadow& shadow, RouteDumpSorter& fresh, Timestamp now)
    : shadow_(shadow), version_(shadow.version_), fresh_(fresh), old_(shadow),
      out_(std::make_unique<SortedBuilder>(
          SortedBuilder::Counts{fresh.narrowCount(), fresh.compactV6Count(), fresh.wideCount()})),
      now_(now) {
  ++shadow.rebuilds_;
}

RouteShadow::Rebuild::~Rebuild() { --shadow_.rebuilds_; }

bool RouteShadow::Rebuild::step(std::size_t limit, std::vector<Change<RouteRow>>* changes) {
  assert(shadow_.version_ == version_); // else the cursor over the stored entries is invalid
  auto take = [&](const RouteShadowEntry& fresh, const RouteShadowEntry* old) {
    const Timestamp created = old ? old->created : now_;
    if (changes && (!old || !sameRouteParams(old->params, fresh.params))) {
      RouteRow row = rowOf(fresh.key, fresh.params);
      row.created = created;
      changes->push_back({old ? ChangeKind::ParameterChange : ChangeKind::Add, std::move(row)});
    }
    out_->add({fresh.key, created, fresh.params});
  };
  for (std::size_t merged = 0; merged < limit; ++merged) {
    const RouteShadowEntry* fresh = fresh_.current();
    const RouteShadowEntry* old = old_.get();
    if (!fresh && !old) break;
    if (fresh && (!old || fresh->key < old->key)) {
      take(*fresh, nullptr);
      fresh_.next();
    } else if (!fresh || old->key < fresh->key) {
      if (changes) {
        RouteRow row = rowOf(old->key, old->params);
        row.created = old->created;
        changes->push_back({ChangeKind::Delete, std::move(row)});
      }
      old_.next();
    } else {
      take(*fresh, old);
      fresh_.next();
      old_.next();
    }
  }
  done_ = !fresh_.current() && !old_.get();
  return done_;
}

void RouteShadow::adopt(Rebuild& rebuild) {
  assert(rebuild.done_ && rebuild.version_ == version_ && &rebuild.shadow_ == this);
  adopt(*rebuild.out_);
  size_ = narrow_.size() + compactV6_.size() + wide_.size();
  // The Rebuild read every layer: the new vectors include them, and the merge's work is moot.
  merge_.reset();
  frozen_.clear();
  delta_.clear();
}

void RouteShadow::reconcile(std::span<const RouteRow> fresh, std::vector<Change<RouteRow>>* changes,
                            Timestamp now) {
  RouteDumpSorter sorter;
  for (const auto& row : fresh)
    sorter.add({packKey(row), {}, packParams(row)});
  sorter.finish();
  Rebuild rebuild(*this, sorter, now);
  while (!rebuild.step(std::numeric_limits<std::size_t>::max(), changes)) {}
  adopt(rebuild);
}

} // namespace ipmibd::platform::linux_backend
