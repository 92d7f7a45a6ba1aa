// RouteShadow: the compact last-known route set LinuxBackend diffs a re-dump against after a netlink
// overrun (ENOBUFS), so that exactly the missed Add / Delete / ParameterChange events go out.
//
// Per route it keeps the packed key (56 bytes), a 64-bit fingerprint of the other fields that count
// for change detection, the creation time the backend stamped (which the kernel does not know) and
// the other RouteRow fields packed (PackedRouteParams, 40 bytes; the luid is derived from the
// interface index): 112 bytes, in a sorted vector plus a small ordered delta of recent changes that
// is merged in when it grows past 1/64 of the vector (so an event costs O(log n), not a
// 112-byte-per-route memmove). A full RouteRow map cost ~240 bytes per route. The packed fields let
// the single-row reads (getIpForwardEntry2, getRoutesCovering, getBestRoute2's longest match) and
// the Deletes found by a re-dump rebuild full rows without asking the kernel; finite lifetimes are
// those of the route's last Add or ParameterChange.
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

// The RouteRow fields beyond the key, the luid and the creation time, packed.
struct PackedRouteParams {
  std::uint32_t validLifetime = kInfiniteLifetime;
  std::uint32_t preferredLifetime = kInfiniteLifetime;
  std::uint32_t preferredSourceScope = 0;
  std::array<std::uint8_t, 16> preferredSource{};
  std::uint16_t protocol = 0; // RouteProtocol (values up to 10007)
  Family preferredSourceFamily = Family::Unspecified;
  std::uint8_t sitePrefixLength = 0xff;
  std::uint8_t nativeProtocol = 0;
  std::uint8_t flags = 0x0f; // loopback, autoconfigureAddress, publish, immortal: bits 0..3
  RouteOrigin origin = RouteOrigin::Manual;
  RouteType type = RouteType::Unicast;
  std::uint8_t weight = 1;
  std::uint8_t scope = 0;

  friend bool operator==(const PackedRouteParams&, const PackedRouteParams&) = default;
};

PackedRouteParams packParams(const RouteRow& row);
// The full row: key and params as stored, luid and created left for the caller to set.
RouteRow rowOf(const PackedRouteKey& key, const PackedRouteParams& params);

struct RouteShadowEntry {
  PackedRouteKey key;
  std::uint64_t fingerprint = 0;
  Timestamp created{};
  PackedRouteParams params;
};

class RouteShadow {
public:
  struct Value {
    std::uint64_t fingerprint = 0;
    Timestamp created{};
    PackedRouteParams params;
  };

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
  // the fresh row (created: now for new keys, the known time otherwise), Delete with the stored row
  // (luid left zero) and the known creation time. Sorts `fresh` by key and removes its duplicates.
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
