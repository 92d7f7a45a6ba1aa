// Request OID conversion: Net-SNMP's `oid` arrays (unsigned long) to and from tables::Oid (uint32).
#pragma once

#include "tables/engine/oid.h"

#include <optional>
#include <span>
#include <vector>

namespace ipmibd::agent {

// A GET names an instance only if every sub-identifier fits SNMP's 32 bits; nullopt otherwise
// (such an OID can't exist, so the answer is noSuchObject/noSuchInstance, never a crash).
std::optional<tables::Oid> exactOid(std::span<const unsigned long> name);

// Where a GETNEXT search starts. The answer is the first instance > `from`, or >= `from` when
// `inclusive` (AgentX "include" ranges, and the retry of a request at a subtree's start).
struct NextStart {
  tables::Oid from;
  bool inclusive = false;
  friend bool operator==(const NextStart&, const NextStart&) = default;
};
// A request with a sub-identifier above 2^32-1 at position k sorts after every valid OID sharing
// its first k sub-identifiers, so the search starts at the first OID after that whole subtree
// (the prefix with its last sub-identifier incremented, inclusive). nullopt: nothing can follow.
std::optional<NextStart> nextStart(std::span<const unsigned long> name, bool inclusive);
// The same into `out`, reusing its OID's storage (the request path: no allocation per varbind once
// `out` has held an OID as long); false where nextStart gives nullopt (`out` is then unspecified).
bool assignNextStart(std::span<const unsigned long> name, bool inclusive, NextStart& out);

// tables::Oid -> Net-SNMP sub-identifiers.
std::vector<unsigned long> toNetSnmp(const tables::Oid& oid);

} // namespace ipmibd::agent
