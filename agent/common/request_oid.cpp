// Conversions between Net-SNMP's 64-bit sub-identifiers and SNMP's 32-bit ones, with oversize handling.
#include "agent/common/request_oid.h"

#include <algorithm>
#include <limits>

namespace ipmibd::agent {
namespace {

constexpr unsigned long kMaxSubId = std::numeric_limits<tables::SubId>::max();

// Every sub-identifier of `name` must fit 32 bits (checked by the callers).
void narrowInto(std::span<const unsigned long> name, tables::Oid& out) {
  out.assign(name.begin(), name.end());
}

} // namespace

std::optional<tables::Oid> exactOid(std::span<const unsigned long> name) {
  if (std::ranges::any_of(name, [](unsigned long s) { return s > kMaxSubId; })) return std::nullopt;
  tables::Oid out;
  narrowInto(name, out);
  return out;
}

bool assignNextStart(std::span<const unsigned long> name, bool inclusive, NextStart& out) {
  const auto oversize = std::ranges::find_if(name, [](unsigned long s) { return s > kMaxSubId; });
  if (oversize == name.end()) {
    narrowInto(name, out.from);
    out.inclusive = inclusive;
    return true;
  }
  std::vector<unsigned long> prefix(name.begin(), oversize);
  // Successor of the subtree `prefix`: drop trailing maximal sub-identifiers, bump the last one.
  while (!prefix.empty() && prefix.back() == kMaxSubId)
    prefix.pop_back();
  if (prefix.empty()) return false;
  ++prefix.back();
  narrowInto(prefix, out.from);
  out.inclusive = true;
  return true;
}

std::optional<NextStart> nextStart(std::span<const unsigned long> name, bool inclusive) {
  NextStart start;
  if (!assignNextStart(name, inclusive, start)) return std::nullopt;
  return start;
}

std::vector<unsigned long> toNetSnmp(const tables::Oid& oid) { return {oid.begin(), oid.end()}; }

} // namespace ipmibd::agent
