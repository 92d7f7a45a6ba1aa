// Helpers shared by the conformance cases: row builders, normalized table snapshots (to prove a
// refused call changed nothing), event logs, and event-fed mirrors (to prove events explain tables).
#pragma once

#include "platform/cli/format.h"
#include "tests/platform/conformance/stack_under_test.h"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ipmibd::conformance {

using namespace ipmibd::platform;

// Opens the stack or, when this backend cannot run here, ends the test case after openStack()'s WARN.
#define CONFORMANCE_STACK(var)                                                                               \
  auto var##Owner = ::ipmibd::conformance::openStack();                                                      \
  if (!var##Owner) return;                                                                                   \
  auto& var = *var##Owner

// Checks a call's status and shows the backend's message when it is not the expected one.
#define CHECK_STATUS(call, expected)                                                                         \
  do {                                                                                                       \
    const ::ipmibd::platform::Result conformanceResult_ = (call);                                            \
    INFO(#call << " -> " << conformanceResult_.toString());                                                  \
    CHECK(conformanceResult_.status == (expected));                                                          \
  } while (false)
#define REQUIRE_OK(call)                                                                                     \
  do {                                                                                                       \
    const ::ipmibd::platform::Result conformanceResult_ = (call);                                            \
    INFO(#call << " -> " << conformanceResult_.toString());                                                  \
    REQUIRE(conformanceResult_.ok());                                                                        \
  } while (false)

// ---- values --------------------------------------------------------------------------------------
IpAddress addr(std::string_view text);  // REQUIREs a valid address
IpPrefix prefix(std::string_view text); // REQUIREs a valid prefix (not necessarily canonical)

InterfaceIndex indexOf(Backend& backend, const std::string& name); // REQUIREs the interface
InterfaceLuid luidOf(Backend& backend, const std::string& name);
// An index no interface has: one past the largest in use.
InterfaceIndex unusedIndex(Backend& backend);

// Initialize…Entry-based builders. An empty nextHop means on-link (the family's zero address).
RouteRow makeRoute(std::string_view destination, std::string_view nextHop, InterfaceIndex interfaceIndex,
                   std::uint32_t metric = kUnspecifiedMetric);
RouteRow makeTypedRoute(std::string_view destination, RouteType type,
                        std::uint32_t metric = kUnspecifiedMetric);
UnicastAddressRow makeAddress(std::string_view address, InterfaceIndex interfaceIndex,
                              std::uint8_t prefixLength);
NeighborRow makeNeighbor(std::string_view address, InterfaceIndex interfaceIndex, std::string_view lladdr,
                         NeighborState state = NeighborState::Permanent);

// ---- reads ---------------------------------------------------------------------------------------
std::vector<InterfaceRow> interfaces(Backend& backend);
std::vector<IpInterfaceRow> ipInterfaces(Backend& backend, Family family);
std::vector<UnicastAddressRow> addresses(Backend& backend, Family family);
std::vector<NeighborRow> neighbors(Backend& backend, Family family);
std::vector<RouteRow> routes(Backend& backend, Family family);
// Rows of the exported tables with this destination, in table order.
std::vector<RouteRow> routesTo(Backend& backend, std::string_view destination);
IpInterfaceRow ipInterface(Backend& backend, Family family, InterfaceIndex index);

// ---- keys and normalization ---------------------------------------------------------------------
inline InterfaceIndex keyFor(const InterfaceRow& r) { return r.index; }
inline std::pair<Family, InterfaceIndex> keyFor(const IpInterfaceRow& r) {
  return {r.family, r.interfaceIndex};
}
inline std::pair<IpAddress, InterfaceIndex> keyFor(const UnicastAddressRow& r) {
  return {r.address, r.interfaceIndex};
}
inline std::pair<IpAddress, InterfaceIndex> keyFor(const NeighborRow& r) {
  return {r.address, r.interfaceIndex};
}
inline RouteKey keyFor(const RouteRow& r) { return keyOf(r); }

// Clears what moves on its own (traffic counters, the kernel's randomized reachable time, remaining
// lifetimes, neighbor ages), so two reads of an unchanged stack compare equal.
InterfaceRow normalized(InterfaceRow row);
IpInterfaceRow normalized(IpInterfaceRow row);
UnicastAddressRow normalized(UnicastAddressRow row);
NeighborRow normalized(NeighborRow row);
RouteRow normalized(RouteRow row);
// Kernel bookkeeping entries (multicast neighbors the IPv6 stack creates for MLD) that come and go
// by themselves; they are not part of what a refused call could have changed.
bool isNoise(const NeighborRow& row);

// Every table plus the global settings, normalized and sorted by key.
struct Snapshot {
  std::vector<InterfaceRow> interfaces;
  std::vector<IpInterfaceRow> ipInterfaces;
  std::vector<UnicastAddressRow> addresses;
  std::vector<NeighborRow> neighbors;
  std::vector<RouteRow> routes;
  IpGlobalSettings v4, v6;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};
Snapshot snapshot(Backend& backend);
// Lines present in one snapshot and not in the other ("before: ..." / "after: ..."), for INFO.
std::string difference(const Snapshot& before, const Snapshot& after);

// A refused call must leave every table as it was; call after the refused call(s).
#define CHECK_UNCHANGED(stack, before)                                                                       \
  do {                                                                                                       \
    (stack).settle();                                                                                        \
    const auto conformanceAfter_ = ::ipmibd::conformance::snapshot((stack).backend());                       \
    INFO("state changed by a refused call:\n"                                                                \
         << ::ipmibd::conformance::difference((before), conformanceAfter_));                                 \
    CHECK((before) == conformanceAfter_);                                                                    \
  } while (false)

// ---- notifications -------------------------------------------------------------------------------
Subscription subscribe(Backend& backend, Family family, ChangeCallback<InterfaceRow> callback);
Subscription subscribe(Backend& backend, Family family, ChangeCallback<IpInterfaceRow> callback);
Subscription subscribe(Backend& backend, Family family, ChangeCallback<UnicastAddressRow> callback);
Subscription subscribe(Backend& backend, Family family, ChangeCallback<NeighborRow> callback);
Subscription subscribe(Backend& backend, Family family, ChangeCallback<RouteRow> callback);

// Records every change of one kind of row, in delivery order.
template <class Row> class EventLog {
public:
  EventLog(Backend& backend, Family family = Family::Unspecified)
      : subscription_(subscribe(backend, family, [this](std::span<const Change<Row>> changes) {
          ++batches_;
          changes_.insert(changes_.end(), changes.begin(), changes.end());
        })) {}
  const std::vector<Change<Row>>& changes() const { return changes_; }
  std::size_t batches() const { return batches_; }
  void clear() { changes_.clear(); }
  // Changes of `kind` whose row satisfies `match`.
  template <class Match> std::vector<Row> rows(ChangeKind kind, Match match) const {
    std::vector<Row> out;
    for (const auto& c : changes_)
      if (c.kind == kind && match(c.row)) out.push_back(c.row);
    return out;
  }
  template <class Match> bool has(ChangeKind kind, Match match) const { return !rows(kind, match).empty(); }
  Subscription& subscription() { return subscription_; }
  // Every recorded change, one per line with its +/-/~ marker, for INFO on failure.
  std::string dump() const {
    std::string out;
    for (const auto& c : changes_) {
      out += cli::changeMarker(c.kind);
      out += ' ';
      if constexpr (std::is_same_v<Row, InterfaceRow>)
        out += cli::describe(c.row);
      else
        out += cli::describe(c.row, {});
      out += '\n';
    }
    return out.empty() ? "(no changes)" : out;
  }

private:
  std::vector<Change<Row>> changes_;
  std::size_t batches_ = 0;
  Subscription subscription_;
};

// A copy of one table kept current only from notifications (as the MIB layer keeps its cache). If
// the backend reports every change correctly, it equals a fresh read of the table at any quiet time.
template <class Row> class Mirror {
public:
  using Key = decltype(keyFor(std::declval<const Row&>()));
  Mirror(Backend& backend, Family family) : backend_(backend), family_(family) {
    // Subscribe before reading so a change between the two is not lost (it is applied twice at
    // worst, which an Add of a known key would flag: settle first).
    subscription_ =
        subscribe(backend, family, [this](std::span<const Change<Row>> changes) { apply(changes); });
    for (const auto& row : read())
      rows_[keyFor(row)] = row;
  }
  // Anomalies: an Add of a key already known, a Delete or ParameterChange of an unknown key.
  const std::vector<std::string>& anomalies() const { return anomalies_; }
  // Empty when the mirror equals a fresh read; otherwise the differing rows.
  std::string mismatch() {
    std::map<Key, Row> fresh;
    for (const auto& row : read())
      fresh[keyFor(row)] = normalized(row);
    std::map<Key, Row> mirrored;
    for (const auto& [key, row] : rows_)
      mirrored[key] = normalized(row);
    std::ostringstream out;
    for (const auto& [key, row] : mirrored) {
      if (skip(row)) continue;
      auto it = fresh.find(key);
      if (it == fresh.end())
        out << "only in mirror (missed Delete): " << text(row) << "\n";
      else if (!(it->second == row))
        out << "mirror: " << text(row) << "\n  table: " << text(it->second) << " (missed ParameterChange)\n";
    }
    for (const auto& [key, row] : fresh)
      if (!skip(row) && !mirrored.contains(key)) out << "only in table (missed Add): " << text(row) << "\n";
    return out.str();
  }

private:
  std::vector<Row> read() {
    if constexpr (std::is_same_v<Row, InterfaceRow>)
      return interfaces(backend_);
    else if constexpr (std::is_same_v<Row, IpInterfaceRow>)
      return ipInterfaces(backend_, family_);
    else if constexpr (std::is_same_v<Row, UnicastAddressRow>)
      return addresses(backend_, family_);
    else if constexpr (std::is_same_v<Row, NeighborRow>)
      return neighbors(backend_, family_);
    else
      return routes(backend_, family_);
  }
  static bool skip(const Row& row) {
    if constexpr (std::is_same_v<Row, NeighborRow>) return isNoise(row);
    return false;
  }
  static std::string text(const Row& row) {
    if constexpr (std::is_same_v<Row, InterfaceRow>) {
      return cli::describe(row);
    } else {
      return cli::describe(row, cli::InterfaceNames{});
    }
  }
  void apply(std::span<const Change<Row>> changes) {
    for (const auto& c : changes) {
      const auto key = keyFor(c.row);
      const bool known = rows_.contains(key);
      if (c.kind == ChangeKind::Add && known && !skip(c.row))
        anomalies_.push_back("Add of known " + text(c.row));
      if (c.kind != ChangeKind::Add && !known && !skip(c.row))
        anomalies_.push_back(std::string(toString(c.kind)) + " of unknown " + text(c.row));
      if (c.kind == ChangeKind::Delete)
        rows_.erase(key);
      else
        rows_[key] = c.row;
    }
  }

  Backend& backend_;
  Family family_;
  std::map<Key, Row> rows_;
  std::vector<std::string> anomalies_;
  Subscription subscription_;
};

// Waits until the mirror matches the table (the kernel may report late), then checks it does and
// that no event contradicted the mirror.
#define CHECK_MIRROR(stack, mirror)                                                                          \
  do {                                                                                                       \
    std::string conformanceMismatch_;                                                                        \
    (stack).settleUntil([&] { return (conformanceMismatch_ = (mirror).mismatch()).empty(); });               \
    INFO("events do not explain the table:\n" << conformanceMismatch_);                                      \
    CHECK(conformanceMismatch_.empty());                                                                     \
    std::string conformanceAnomalies_;                                                                       \
    for (const auto& a : (mirror).anomalies())                                                               \
      conformanceAnomalies_ += a + "\n";                                                                     \
    INFO("inconsistent change kinds:\n" << conformanceAnomalies_);                                           \
    CHECK((mirror).anomalies().empty());                                                                     \
  } while (false)

} // namespace ipmibd::conformance

namespace Catch {
template <> struct StringMaker<ipmibd::platform::Status> {
  static std::string convert(ipmibd::platform::Status s) {
    return std::string(ipmibd::platform::toString(s));
  }
};
template <> struct StringMaker<ipmibd::platform::IpAddress> {
  static std::string convert(const ipmibd::platform::IpAddress& a) { return a.toString(); }
};
template <> struct StringMaker<ipmibd::platform::IpPrefix> {
  static std::string convert(const ipmibd::platform::IpPrefix& p) { return p.toString(); }
};
template <> struct StringMaker<ipmibd::platform::RouteType> {
  static std::string convert(ipmibd::platform::RouteType t) {
    return std::string(ipmibd::platform::toString(t));
  }
};
template <> struct StringMaker<ipmibd::platform::NeighborState> {
  static std::string convert(ipmibd::platform::NeighborState s) {
    return std::string(ipmibd::platform::toString(s));
  }
};
template <> struct StringMaker<ipmibd::platform::DadState> {
  static std::string convert(ipmibd::platform::DadState s) {
    return std::string(ipmibd::platform::toString(s));
  }
};
template <> struct StringMaker<ipmibd::platform::RouteProtocol> {
  static std::string convert(ipmibd::platform::RouteProtocol p) {
    return std::string(ipmibd::platform::toString(p));
  }
};
template <> struct StringMaker<ipmibd::platform::OperStatus> {
  static std::string convert(ipmibd::platform::OperStatus s) {
    return std::string(ipmibd::platform::toString(s));
  }
};
template <> struct StringMaker<ipmibd::platform::Family> {
  static std::string convert(ipmibd::platform::Family f) {
    return std::string(ipmibd::platform::toString(f));
  }
};
template <> struct StringMaker<ipmibd::platform::RouteRow> {
  static std::string convert(const ipmibd::platform::RouteRow& r) {
    return ipmibd::platform::cli::describe(r, ipmibd::platform::cli::InterfaceNames{});
  }
};
template <> struct StringMaker<ipmibd::platform::IpInterfaceRow> {
  static std::string convert(const ipmibd::platform::IpInterfaceRow& r) {
    return ipmibd::platform::cli::describe(r, ipmibd::platform::cli::InterfaceNames{}) + " reachable " +
           std::to_string(r.baseReachableTime) + " retransmit " + std::to_string(r.retransmitTime) + " dad " +
           std::to_string(r.dadTransmits);
  }
};
template <> struct StringMaker<ipmibd::platform::UnicastAddressRow> {
  static std::string convert(const ipmibd::platform::UnicastAddressRow& r) {
    return ipmibd::platform::cli::describe(r, ipmibd::platform::cli::InterfaceNames{});
  }
};
template <> struct StringMaker<ipmibd::platform::InterfaceRow> {
  static std::string convert(const ipmibd::platform::InterfaceRow& r) {
    return ipmibd::platform::cli::describe(r);
  }
};
} // namespace Catch
