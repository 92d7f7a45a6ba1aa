// Oid: an SNMP object identifier value (sub-identifiers, SNMP lexicographic order, text form).
#pragma once

#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ipmibd::tables {

using SubId = std::uint32_t;

// An OBJECT IDENTIFIER. Ordering is RFC 2578 §7.7 / RFC 3416 GETNEXT order: sub-identifier by
// sub-identifier as unsigned numbers, and a proper prefix sorts before every extension of it
// (1.3 < 1.3.0 < 1.3.6 < 1.4). No length limit is enforced here: requests may carry over-long or
// malformed instance parts and the engine must still order them correctly.
class Oid {
public:
  Oid() = default;
  Oid(std::initializer_list<SubId> subIds) : subIds_(subIds) {}
  explicit Oid(std::span<const SubId> subIds) : subIds_(subIds.begin(), subIds.end()) {}
  // "1.3.6.1.2.1" or ".1.3.6.1"; empty text is the empty OID. nullopt on anything else (letters,
  // empty components, values above 4294967295).
  static std::optional<Oid> parse(std::string_view text);

  std::size_t size() const { return subIds_.size(); }
  bool empty() const { return subIds_.empty(); }
  SubId operator[](std::size_t i) const { return subIds_[i]; }
  std::span<const SubId> view() const { return subIds_; }
  auto begin() const { return subIds_.begin(); }
  auto end() const { return subIds_.end(); }

  Oid& append(SubId subId) {
    subIds_.push_back(subId);
    return *this;
  }
  Oid& append(std::span<const SubId> subIds) {
    subIds_.insert(subIds_.end(), subIds.begin(), subIds.end());
    return *this;
  }
  Oid& append(const Oid& other) { return append(other.view()); }
  void clear() { subIds_.clear(); }
  // Replaces the sub-identifiers with [first, last), converted to SubId (callers check the range),
  // reusing this OID's storage.
  template <class It> void assign(It first, It last) { subIds_.assign(first, last); }
  // One allocation instead of several when building an OID of known length (request paths).
  void reserve(std::size_t n) { subIds_.reserve(n); }

  // True when this OID is `other` or an ancestor of it.
  bool isPrefixOf(const Oid& other) const { return isPrefixOf(other.view()); }
  bool isPrefixOf(std::span<const SubId> other) const;
  // The sub-identifiers after `prefix`; empty when `prefix` is not a prefix of this OID.
  std::span<const SubId> suffixAfter(const Oid& prefix) const;

  // Dotted decimal without a leading dot: "1.3.6.1.2.1.4.24.6.0".
  std::string toString() const;

  friend std::strong_ordering operator<=>(const Oid& a, const Oid& b) { return compare(a.view(), b.view()); }
  friend bool operator==(const Oid&, const Oid&) = default;
  // The SNMP order on raw sub-identifier sequences (also usable on spans inside requests).
  static std::strong_ordering compare(std::span<const SubId> a, std::span<const SubId> b);

private:
  std::vector<SubId> subIds_;
};

// Concatenation, for building instance OIDs: base + Oid{column} + index.
Oid operator+(Oid a, const Oid& b);

} // namespace ipmibd::tables
