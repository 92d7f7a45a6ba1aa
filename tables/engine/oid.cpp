// Oid parsing, formatting, prefix tests and the SNMP ordering.
#include "tables/engine/oid.h"

#include <algorithm>
#include <charconv>

namespace ipmibd::tables {

std::optional<Oid> Oid::parse(std::string_view text) {
  Oid oid;
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);
  if (text.empty()) return oid;
  while (true) {
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    if (part.empty()) return std::nullopt;
    SubId value = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || end != part.data() + part.size()) return std::nullopt;
    oid.append(value);
    if (dot == std::string_view::npos) return oid;
    text.remove_prefix(dot + 1);
  }
}

bool Oid::isPrefixOf(std::span<const SubId> other) const {
  return subIds_.size() <= other.size() && std::equal(subIds_.begin(), subIds_.end(), other.begin());
}

std::span<const SubId> Oid::suffixAfter(const Oid& prefix) const {
  if (!prefix.isPrefixOf(*this)) return {};
  return view().subspan(prefix.size());
}

std::string Oid::toString() const {
  std::string text;
  for (std::size_t i = 0; i < subIds_.size(); ++i) {
    if (i) text += '.';
    text += std::to_string(subIds_[i]);
  }
  return text;
}

std::strong_ordering Oid::compare(std::span<const SubId> a, std::span<const SubId> b) {
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

Oid operator+(Oid a, const Oid& b) {
  a.append(b);
  return a;
}

} // namespace ipmibd::tables
