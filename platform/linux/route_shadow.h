// RouteShadow: the compact last-known route set LinuxBackend diffs a re-dump against after a netlink
// overrun (ENOBUFS), so that exactly the missed Add / Delete / ParameterChange events go out.
//
// Per route it keeps only what that needs: the packed key (56 bytes), a 64-bit fingerprint of the
// other fields that count for change detection, and the creation time the backend stamped (which
// the kernel does not know): 72 bytes, in a sorted vector plus a small ordered delta of recent
// changes that is merged in when it grows past 1/64 of the vector (so an event costs O(log n), not
// a 72-byte-per-route memmove). A full RouteRow map cost ~240 bytes per route.
//
// What it cannot give back are the non-key fields of a route: a Delete found by a re-dump (or a
// link removal, or a replaced route's dropped next hops) carries the key fields and the creation
// time only, which is all the tables use to erase a row. Deletes the kernel reports itself carry the
// kernel's full row.
//
// Fingerprint collisions: two different parameter sets of the same key hashing to the same 64-bit
// value would hide one ParameterChange after an overrun (never an Add or Delete: keys are compared
// in full). That is an accepted 2^-64 risk per changed route; nothing else depends on it.
#pragma once

#include "platform/backend.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
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
// Hash of the fields that make two rows of one key differ for change detection: everything but the
// key, the creation time and the remaining part of finite lifetimes (as LinuxBackend's sameRow).
std::uint64_t routeFingerprint(const RouteRow& row);

struct RouteShadowEntry {
  PackedRouteKey key;
  std::uint64_t fingerprint = 0;
  Timestamp created{};
};

class RouteShadow {
public:
  struct Value {
    std::uint64_t fingerprint = 0;
    Timestamp created{};
  };

  std::size_t size() const { return size_; }
  std::optional<Value> find(const PackedRouteKey& key) const;
  void put(const PackedRouteKey& key, Value value);
  // The removed entry, or nullopt when the key was not there.
  std::optional<Value> erase(const PackedRouteKey& key);
  // Keys of the routes with this table and destination (and metric, when given), in key order.
  std::vector<PackedRouteKey> keysOf(std::uint32_t table, const IpPrefix& destination,
                                     std::optional<std::uint32_t> metric) const;
  // Every entry in key order (merges the delta first).
  const std::vector<RouteShadowEntry>& entries();
  // Removes every entry for which pred(entry) holds (merges the delta first).
  template <class Pred> void eraseIf(Pred pred) {
    compact();
    std::erase_if(sorted_, pred);
    size_ = sorted_.size();
  }

  // Mark and sweep: `fresh` (a full dump, any order, duplicate keys allowed: the first wins) becomes
  // the content. Appends the differences to `changes` when not null: Add and ParameterChange with
  // the fresh row (created: now for new keys, the known time otherwise), Delete with rowOf(key) and
  // the known creation time. Sorts `fresh` by key and removes its duplicates.
  void reconcile(std::vector<RouteRow>& fresh, std::vector<Change<RouteRow>>* changes, Timestamp now);

  void compact();

private:
  struct Slot {
    Value value;
    bool live = false; // false: a deletion of a key in sorted_
  };
  const RouteShadowEntry* findSorted(const PackedRouteKey& key) const;
  void compactIfLarge();

  std::vector<RouteShadowEntry> sorted_; // live entries only
  std::map<PackedRouteKey, Slot> delta_; // overrides sorted_
  std::size_t size_ = 0;
};

} // namespace ipmibd::platform::linux_backend
