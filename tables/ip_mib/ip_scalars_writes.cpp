// SET of ipForwarding, ipDefaultTTL, ipv6IpForwarding and ipv6IpDefaultHopLimit through
// Backend::setIpGlobalSettings, one read-modify-write per family.
#include "tables/ip_mib/ip_scalars.h"

namespace ipmibd::tables {

using platform::Family;
using platform::IpGlobalSettings;

namespace {

// The "columns" of a family's row.
enum : SubId { kForwarding = 1, kHopLimit = 2 };

} // namespace

SetError IpScalars::check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                          WriteTarget& target) {
  // The only instance of a scalar is .0; any other cannot exist and cannot be created.
  if (suffix.size() != 1 || suffix[0] != 0) return SetError::NoCreation;
  const bool v6 = &object == &ipv6Forwarding_ || &object == &ipv6DefaultHopLimit_;
  const bool forwarding = &object == &forwarding_ || &object == &ipv6Forwarding_;
  if (SetError e = checkSyntax(Syntax::Integer32, value); e != SetError::NoError) return e;
  const bool valid = forwarding ? validForwarding(value)
                     : v6       ? validDefaultHopLimit(value)
                                : validDefaultTtl(value);
  if (!valid) return SetError::WrongValue;
  target.row = Oid{v6 ? 6u : 4u};
  target.column = forwarding ? kForwarding : kHopLimit;
  return SetError::NoError;
}

SetError IpScalars::plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext&,
                         std::vector<WriteAction>& actions, std::size_t&) {
  if (!backend_) return SetError::ResourceUnavailable;
  // Fresh from the platform, not the GET cache: the undo must restore what is there now.
  IpGlobalSettings before;
  before.family = row[0] == 6 ? Family::V6 : Family::V4;
  if (!backend_->getIpGlobalSettings(before).ok()) return SetError::ResourceUnavailable;
  IpGlobalSettings after = before;
  for (const ColumnWrite& write : writes) {
    if (write.column == kForwarding)
      after.forwarding = write.value.asInteger32() == 1;
    else
      after.defaultHopLimit = std::uint32_t(write.value.asInteger32());
  }
  if (after == before) return SetError::NoError;
  platform::Backend* backend = backend_;
  WriteAction action;
  const std::string family = before.family == Family::V6 ? "IPv6" : "IPv4";
  action.description = "set " + family + " forwarding " + (after.forwarding ? "on" : "off") + ", hop limit " +
                       std::to_string(after.defaultHopLimit) + " (was " + (before.forwarding ? "on" : "off") +
                       ", " + std::to_string(before.defaultHopLimit) + ")";
  action.recheck = [backend, before] {
    IpGlobalSettings now;
    now.family = before.family;
    if (!backend->getIpGlobalSettings(now).ok()) return SetError::ResourceUnavailable;
    return now == before ? SetError::NoError : SetError::InconsistentValue;
  };
  // The cache must not serve the old values after a successful write (or a rollback).
  action.apply = [this, backend, after] {
    lastRead_.reset();
    return backend->setIpGlobalSettings(after);
  };
  action.undo = [this, backend, before] {
    lastRead_.reset();
    return backend->setIpGlobalSettings(before);
  };
  actions.push_back(std::move(action));
  return SetError::NoError;
}

} // namespace ipmibd::tables
