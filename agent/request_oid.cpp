// Conversions between Net-SNMP's 64-bit sub-identifiers and SNMP's 32-bit ones, with oversize handling.
#include "agent/request_oid.h"

#include <algorithm>
#include <limits>

namespace ipmibd::agent {
namespace {

constexpr unsigned long kMaxSubId = std::numeric_limits<tables::SubId>::max();

tables::Oid narrow(std::span<const unsigned long> name) {
  tables::Oid out;
  out.reserve(name.size());
  for (unsigned long subId : name)
    out.append(static_cast<tables::SubId>(subId));
  return out;
}

} // namespace

std::optional<tables::Oid> exactOid(std::span<const unsigned long> name) {
  if (std::ranges::any_of(name, [](unsigned long s) { return s > kMaxSubId; })) return std::nullopt;
  return narrow(name);
}

std::optional<NextStart> nextStart(std::span<const unsigned long> name, bool inclusive) {
  const auto oversize = std::ranges::find_if(name, [](unsigned long s) { return s > kMaxSubId; });
  if (oversize == name.end()) return NextStart{narrow(name), inclusive};
  std::vector<unsigned long> prefix(name.begin(), oversize);
  // Successor of the subtree `prefix`: drop trailing maximal sub-identifiers, bump the last one.
  while (!prefix.empty() && prefix.back() == kMaxSubId)
    prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  ++prefix.back();
  return NextStart{narrow(prefix), true};
}

std::vector<unsigned long> toNetSnmp(const tables::Oid& oid) { return {oid.begin(), oid.end()}; }

} // namespace ipmibd::agent
