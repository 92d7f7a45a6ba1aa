// RouteShadow: the compact last-known route set LinuxBackend diffs a re-dump against after a netlink
// overrun (ENOBUFS), so that exactly the missed Add / Delete / ParameterChange events go out.
//
// Per route it keeps the packed key, the creation time the backend stamped (which the kernel does
// not know) and the other RouteRow fields packed (PackedRouteParams; the luid is derived from the
// interface index). Routes whose addresses are all IPv4 (or unset) with zero scopes, most of an
// Internet table, are stored in 52 bytes (NarrowEntry, 4-byte addresses); the others in 104
// (RouteShadowEntry). Both live in sorted vectors (disjoint, each in key order) plus a small ordered
// delta of recent changes (so an event costs O(log n), not a memmove of the whole vector). A full
// RouteRow map cost ~240 bytes per route.
// The packed fields let the single-row reads (getIpForwardEntry2, getRoutesCovering,
// getBestRoute2's longest match) and the Deletes found by a re-dump rebuild full rows without asking
// the kernel, and a re-dump compare every significant field exactly (sameRouteParams); finite
// lifetimes are those of the route's last Add or ParameterChange.
//
// Incremental merge. When the delta grows past 1/64 of the shadow (at least kMinDelta entries) it
// is frozen and a new one started; the frozen delta is merged with the vectors into new vectors in
// steps of a bounded number of entries (stepMerge), and the new vectors replace the old ones when
// the last entry is merged (one swap); further steps then hand the old storage back in pieces
// (freeing ~60 MB at once took ~6 ms). Until the swap every read (find, keysOf, forEach, a Cursor,
// reconcile and Rebuild) sees three layers: the new delta, then the frozen delta, then the old
// vectors; each change goes to the new delta only. So no change pays the O(n) merge (at 1M routes
// ~0.1 s) in one go: LinuxBackend::dispatch() runs the steps while its budget allows, and each
// change made while a merge runs also runs a small one (kChangeStep entries), enough to finish the
// merge while the new delta is still well under the threshold (~0.55 of it: the merge's work is
// ~1.1 n entries, the threshold n / 64). So the delta never passes the threshold, even when the
// backend never idles. compact() and eraseIf still merge everything at once.
//
// Merge and Rebuild. A Rebuild reads all three layers through a Cursor, so its result contains the
// frozen delta too: adopting it abandons the merge in progress (its half-built vectors are dropped)
// along with both deltas. While a Rebuild exists, stepMerge() does nothing (a finishing step would
// swap the vectors under the Rebuild's Cursor); the shadow must not change meanwhile anyway, so no
// change forces a step either.
#pragma once

#include "platform/backend.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace ipmibd::platform::linux_backend {

// RouteKey, packed; ordered exactly as RouteKey (and routeKeyLess) order routes.
struct PackedRouteKey {
  std::uint32_t table = 0;
  std::uint32_t destinationScope = 0; // always 0 from the kernel; kept so the key stays exact
  std::uint32_t metric = 0;
  std::uint32_t nextHopScope = 0;
  std::uint32_t interfaceIndex = 0;
  Family family = Family::Unspecified;
  std::uint8_t prefixLength = 0;
  Family nextHopFamily = Family::Unspecified;
  std::array<std::uint8_t, 16> destination{};
  std::array<std::uint8_t, 16> nextHop{};

  friend bool operator==(const PackedRouteKey&, const PackedRouteKey&) = default;
  friend bool operator<(const PackedRouteKey& a, const PackedRouteKey& b) {
    return std::tie(a.table, a.family, a.destination, a.destinationScope, a.prefixLength, a.metric,
                    a.nextHopFamily, a.nextHop, a.nextHopScope, a.interfaceIndex) <
           std::tie(b.table, b.family, b.destination, b.destinationScope, b.prefixLength, b.metric,
                    b.nextHopFamily, b.nextHop, b.nextHopScope, b.interfaceIndex);
  }
};

PackedRouteKey packKey(const RouteRow& row);
// A row with the key's fields set and every other field at its RouteRow default.
RouteRow rowOf(const PackedRouteKey& key);
// The order of RouteKey, comparing a RouteRow's fields in place.
bool routeKeyLess(const RouteRow& a, const RouteRow& b);
// The RouteRow fields beyond the key, the luid and the creation time, packed.
struct PackedRouteParams {
  // Finite lifetimes are stored as the second of the monotonic clock they run out at (kernels
  // refresh an RA route's expiry without a message, so a stored count would go stale); rowOf()
  // turns them back into what remains then. kInfiniteLifetime: never.
  std::uint32_t validUntil = kInfiniteLifetime;
  std::uint32_t preferredUntil = kInfiniteLifetime;
  std::uint32_t preferredSourceScope = 0;
  std::array<std::uint8_t, 16> preferredSource{};
  std::uint16_t protocol = 0; // RouteProtocol (values up to 10007)
  Family preferredSourceFamily = Family::Unspecified;
  std::uint8_t sitePrefixLength = 0xff;
  std::uint8_t nativeProtocol = 0;
  // loopback, autoconfigureAddress, publish, immortal: bits 0..3; RouterPreference: bits 4..5
  std::uint8_t flags = 0x0f;
  RouteOrigin origin = RouteOrigin::Manual;
  RouteType type = RouteType::Unicast;
  std::uint8_t weight = 1;
  std::uint8_t scope = 0;

  friend bool operator==(const PackedRouteParams&, const PackedRouteParams&) = default;
};

PackedRouteParams packParams(const RouteRow& row);
// Whether two parameter sets of one key are the same route for change detection: every field, with
// finite expiries equal within a second (the rounding of two reads of one kernel expiry); a
// lifetime ticking down is no change, an RA refresh moving the expiry is, and so is infinite <->
// finite. The luid is not compared: it derives from the interface index, which is part of the key.
bool sameRouteParams(const PackedRouteParams& a, const PackedRouteParams& b);
// The full row: key and params as stored, luid and created left for the caller to set. Finite
// lifetimes come back as `expires` and the seconds remaining now.
RouteRow rowOf(const PackedRouteKey& key, const PackedRouteParams& params);

struct RouteShadowEntry {
  PackedRouteKey key;
  Timestamp created{};
  PackedRouteParams params;
};

// A RouteShadowEntry whose addresses (destination, next hop, preferred source) are IPv4 or unset,
// with zero scope ids, packed in 52 bytes instead of 104 (4-byte aligned: the creation time is
// stored as two halves).
struct NarrowRouteEntry {
  std::uint32_t table = 0;
  std::uint32_t metric = 0;
  std::uint32_t interfaceIndex = 0;
  std::array<std::uint8_t, 4> destination{};
  std::array<std::uint8_t, 4> nextHop{};
  std::array<std::uint8_t, 4> preferredSource{};
  std::uint32_t createdLow = 0, createdHigh = 0;
  std::uint32_t validUntil = 0, preferredUntil = 0;
  std::uint16_t protocol = 0;
  std::uint8_t prefixLength = 0;
  Family nextHopFamily = Family::Unspecified;
  Family preferredSourceFamily = Family::Unspecified;
  std::uint8_t sitePrefixLength = 0, nativeProtocol = 0, flags = 0;
  RouteOrigin origin{};
  RouteType type{};
  std::uint8_t weight = 0, scope = 0;
};

// Whether an entry can be stored narrow, and the two conversions (exact inverses for those that can).
bool fitsNarrow(const RouteShadowEntry& e);
NarrowRouteEntry narrowOf(const RouteShadowEntry& e);
RouteShadowEntry wideOf(const NarrowRouteEntry& e);

// An address with its family and scope id, as RouteShadow's pool holds next hops and preferred
// sources of IPv6 routes: a table has millions of routes but few distinct gateways.
struct PooledAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::uint32_t scope = 0;
  Family family = Family::Unspecified;
  friend bool operator==(const PooledAddress&, const PooledAddress&) = default;
};

class AddressPool {
public:
  std::uint32_t intern(const PooledAddress& address);
  const PooledAddress& at(std::uint32_t id) const { return addresses_[id]; }

private:
  struct Hash {
    std::size_t operator()(const PooledAddress& a) const;
  };
  std::vector<PooledAddress> addresses_;
  std::unordered_map<PooledAddress, std::uint32_t, Hash> ids_;
};

// A RouteShadowEntry with an IPv6 destination (scope id 0), its next hop and preferred source as
// AddressPool ids: 64 bytes instead of 104.
struct CompactV6RouteEntry {
  std::array<std::uint8_t, 16> destination{};
  std::uint32_t table = 0;
  std::uint32_t metric = 0;
  std::uint32_t interfaceIndex = 0;
  std::uint32_t nextHop = 0, preferredSource = 0; // AddressPool ids
  std::uint32_t createdLow = 0, createdHigh = 0;
  std::uint32_t validUntil = 0, preferredUntil = 0;
  std::uint16_t protocol = 0;
  std::uint8_t prefixLength = 0;
  std::uint8_t sitePrefixLength = 0, nativeProtocol = 0, flags = 0;
  RouteOrigin origin{};
  RouteType type{};
  std::uint8_t weight = 0, scope = 0;
};

bool fitsCompactV6(const RouteShadowEntry& e);
CompactV6RouteEntry compactV6Of(const RouteShadowEntry& e, AddressPool& pool);
RouteShadowEntry wideOf(const CompactV6RouteEntry& e, const AddressPool& pool);

class RouteDumpSorter;

class RouteShadow {
public:
  struct Value {
    Timestamp created{};
    PackedRouteParams params;
  };
  // A merge starts when the delta holds more than max(kMinDelta, size() / 64) entries: the merge
  // is O(n), so changes pay O(64) amortized each. kChangeStep: the entries each change merges while
  // a merge runs (~10-20 us); kMergeStep: what LinuxBackend::dispatch() merges between two looks
  // at the clock (~0.2-0.5 ms).
  static constexpr std::size_t kMinDelta = 1024;
  static constexpr std::size_t kChangeStep = 128;
  static constexpr std::size_t kMergeStep = 2048;

private:
  struct Slot {
    Value value;
    bool live = false; // false: a deletion of a key the layers below show
  };
  using Delta = std::map<PackedRouteKey, Slot>;
  struct SortedBuilder; // builds the three vectors and a fresh pool from entries in key order
  struct Merge;         // the incremental merge in progress

public:
  RouteShadow();
  ~RouteShadow();
  RouteShadow(const RouteShadow&) = delete; // a merge in progress points into the shadow
  RouteShadow& operator=(const RouteShadow&) = delete;

  std::size_t size() const { return size_; }
  std::optional<Value> find(const PackedRouteKey& key) const;
  void put(const PackedRouteKey& key, Value value);
  // The removed entry, or nullopt when the key was not there.
  std::optional<Value> erase(const PackedRouteKey& key);
  // Keys of the routes with this table and destination (and metric, when given), in key order.
  std::vector<PackedRouteKey> keysOf(std::uint32_t table, const IpPrefix& destination,
                                     std::optional<std::uint32_t> metric) const;
  // Calls visit(key, value) for each route with this table and destination, in key order.
  template <class Visit>
  void forEachOf(std::uint32_t table, const IpPrefix& destination, std::optional<std::uint32_t> metric,
                 Visit visit) const {
    for (const auto& key : keysOf(table, destination, metric))
      visit(key, *find(key));
  }
  // Reads the entries in key order, every layer included, without changing the shadow (so a
  // Rebuild in progress stays valid); valid until the shadow next changes or a merge step runs.
  class Cursor {
  public:
    explicit Cursor(const RouteShadow& shadow) : Cursor(shadow, true) {}
    const RouteShadowEntry* get() const { return atEnd_ ? nullptr : &current_; }
    void next();

  private:
    friend class RouteShadow;
    friend struct RouteShadow::Merge;
    // withDelta false: the vectors and the frozen delta only (what a merge writes out).
    Cursor(const RouteShadow& shadow, bool withDelta);
    const RouteShadow* shadow_;
    std::size_t n_ = 0, c_ = 0, w_ = 0;
    RouteShadowEntry narrowHead_, compactHead_; // the next narrow and compact entries, widened
    bool haveNarrow_ = false, haveCompact_ = false;
    Delta::const_iterator frozen_, frozenEnd_, delta_, deltaEnd_;
    RouteShadowEntry current_;
    bool atEnd_ = false;
  };
  // Calls visit(entry) for every entry in key order.
  template <class Visit> void forEach(Visit visit) const {
    for (Cursor cursor(*this); const RouteShadowEntry* e = cursor.get(); cursor.next())
      visit(*e);
  }
  // Removes every entry for which pred(entry) holds (merges everything first: O(n) at once).
  template <class Pred> void eraseIf(Pred pred) {
    compact();
    std::erase_if(narrow_, [&](const NarrowRouteEntry& e) { return pred(wideOf(e)); });
    std::erase_if(compactV6_, [&](const CompactV6RouteEntry& e) { return pred(wideOf(e, pool_)); });
    std::erase_if(wide_, pred);
    size_ = narrow_.size() + compactV6_.size() + wide_.size();
    ++version_;
  }
  // Mark and sweep: `fresh` (a full dump, any order, duplicate keys allowed: the first wins) becomes
  // the content. Appends the differences to `changes` when not null: Add and ParameterChange with
  // the fresh row (created: now for new keys, the known time otherwise), Delete with the stored row
  // and the known creation time; luids are left zero (the backend derives them). One Rebuild run to
  // its end (a merge in progress is abandoned: the result contains it).
  void reconcile(std::span<const RouteRow> fresh, std::vector<Change<RouteRow>>* changes, Timestamp now);

  // The same mark and sweep in steps, for a re-dump read in slices (LinuxBackend's resync): the
  // shadow keeps its content, and answers reads, until adopt(); it must not change meanwhile (the
  // Rebuild reads it through a Cursor), and its incremental merge pauses. `fresh` must be
  // finish()ed and outlive the Rebuild.
  class Rebuild {
  public:
    Rebuild(const RouteShadow& shadow, RouteDumpSorter& fresh, Timestamp now);
    ~Rebuild();
    Rebuild(const Rebuild&) = delete;
    Rebuild& operator=(const Rebuild&) = delete;
    // Merges up to `limit` more entries (fresh or stored), appending the differences as reconcile()
    // does. True when every entry is merged.
    bool step(std::size_t limit, std::vector<Change<RouteRow>>* changes);

  private:
    friend class RouteShadow;
    const RouteShadow& shadow_;
    std::uint64_t version_;
    RouteDumpSorter& fresh_;
    Cursor old_;
    std::unique_ptr<SortedBuilder> out_;
    Timestamp now_;
    bool done_ = false;
  };
  // Makes a finished Rebuild's result the content: O(1) but for freeing the old vectors (and the
  // abandoned merge's).
  void adopt(Rebuild& rebuild);

  // Whether a merge is in progress (stepMerge has work).
  bool merging() const { return merge_ != nullptr; }
  // Advances the merge in progress by up to `limit` entries; true when no merge is left in
  // progress. Does nothing (false) while a Rebuild of this shadow exists.
  bool stepMerge(std::size_t limit);
  // Freezes the delta and starts merging it, unless a merge is already in progress or the delta is
  // empty (put and erase do this at the threshold; for tests).
  void beginMerge();
  // The entries each change merges while a merge runs (kChangeStep; tests: 0 leaves it all to
  // stepMerge, 1 interleaves changes and merge finely).
  void setChangeStep(std::size_t entries) { changeStep_ = entries; }
  // Entries in the newest delta (for tests: the bound the changes' steps keep).
  std::size_t deltaSize() const { return delta_.size(); }
  // madvise calls that handed old vector pages back (for tests: each is a TLB flush on every CPU).
  std::size_t pageReleases() const { return pageReleases_; }
  // Merges everything into the vectors now: O(n) in one go.
  void compact();

private:
  std::optional<RouteShadowEntry> findSorted(const PackedRouteKey& key) const;
  // Whether the layers under the newest delta (frozen delta, vectors) hold a live entry at `key`.
  bool shownBelow(const PackedRouteKey& key) const;
  void afterChange();
  void adopt(SortedBuilder& built);

  std::vector<NarrowRouteEntry> narrow_;       // live entries that fit narrow, in key order
  std::vector<CompactV6RouteEntry> compactV6_; // live entries that fit compact, in key order
  std::vector<RouteShadowEntry> wide_;         // the other live entries, in key order
  AddressPool pool_;                           // compactV6_'s addresses
  Delta frozen_;                               // being merged in: overrides the vectors
  Delta delta_;                                // overrides frozen_ and the vectors
  std::unique_ptr<Merge> merge_;               // null: frozen_ is empty
  std::size_t size_ = 0;
  std::size_t changeStep_ = kChangeStep;
  std::size_t pageReleases_ = 0;
  std::uint64_t version_ = 0;        // changes with the content or its layout: a Rebuild checks it
  mutable std::size_t rebuilds_ = 0; // Rebuilds reading this shadow: the merge waits for them
};

} // namespace ipmibd::platform::linux_backend
