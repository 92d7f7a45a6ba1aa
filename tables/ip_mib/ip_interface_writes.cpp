// SET of ipv4InterfaceEnableStatus, ipv6InterfaceEnableStatus and ipv6InterfaceForwarding through
// Backend::setIpInterfaceEntry, one read-modify-write per interface and family.
#include "tables/ip_mib/ip_interface_tables.h"

namespace ipmibd::tables {

using platform::Family;
using platform::IpInterfaceRow;

namespace {

// Column ids (ipv4InterfaceEntry 3; ipv6InterfaceEntry 5 and 8).
enum : SubId { kV4Enable = 3, kV6Enable = 5, kV6Forwarding = 8 };

} // namespace

SetError IpInterfaceTables::check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                                  WriteTarget& target) {
  const bool v6 = &object == &v6Table_;
  if (suffix.empty()) return SetError::NoCreation;
  const auto& table = v6 ? v6Table_ : v4Table_;
  if (SetError e = checkColumnWrite(table.columns(), suffix[0], value); e != SetError::NoError) return e;
  // INDEX { InterfaceIndex }: exactly one sub-identifier, 1..2147483647. Rows are the platform's
  // interfaces; the tables are not read-create, so no other instance can come to exist.
  if (suffix.size() != 2 || suffix[1] == 0 || suffix[1] > 0x7fffffff) return SetError::NoCreation;
  target.row = Oid{v6 ? 6u : 4u, suffix[1]};
  target.column = suffix[0];
  return SetError::NoError;
}

SetError IpInterfaceTables::plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext&,
                                 std::vector<WriteAction>& actions, std::size_t&) {
  if (!backend_) return SetError::ResourceUnavailable;
  IpInterfaceRow before;
  platform::initializeIpInterfaceEntry(before);
  before.family = row[0] == 6 ? Family::V6 : Family::V4;
  before.interfaceIndex = row[1];
  const platform::Result read = backend_->getIpInterfaceEntry(before);
  if (read.status == platform::Status::NotFound) return SetError::NoCreation;
  if (!read.ok()) return SetError::ResourceUnavailable;
  IpInterfaceRow after = before;
  for (const ColumnWrite& write : writes) {
    const bool on = write.value.asInteger32() == 1; // up(1) / forwarding(1)
    if (write.column == kV6Forwarding)
      after.forwardingEnabled = on;
    else
      after.enabled = on;
  }
  if (after.enabled == before.enabled && after.forwardingEnabled == before.forwardingEnabled)
    return SetError::NoError;
  // Neither backend can detach one interface from IPv4 (Linux has no such switch, and the simulator
  // models Linux): refused here, precisely, instead of as commitFailed when the change is applied.
  if (before.family == Family::V4 && before.enabled && !after.enabled) return SetError::InconsistentValue;
  platform::Backend* backend = backend_;
  WriteAction action;
  const std::string name = std::string(before.family == Family::V6 ? "IPv6" : "IPv4") + " on interface " +
                           std::to_string(before.interfaceIndex);
  action.description = name + ": enabled " + (after.enabled ? "yes" : "no") + ", forwarding " +
                       (after.forwardingEnabled ? "yes" : "no") + " (was " + (before.enabled ? "yes" : "no") +
                       ", " + (before.forwardingEnabled ? "yes" : "no") + ")";
  // Only the two written settings count as "changed meanwhile": counters and timers move on their own.
  action.recheck = [backend, before] {
    IpInterfaceRow now = before;
    const platform::Result r = backend->getIpInterfaceEntry(now);
    if (r.status == platform::Status::NotFound) return SetError::InconsistentValue;
    if (!r.ok()) return SetError::ResourceUnavailable;
    return now.enabled == before.enabled && now.forwardingEnabled == before.forwardingEnabled
               ? SetError::NoError
               : SetError::InconsistentValue;
  };
  action.apply = [backend, before, after] {
    IpInterfaceRow wanted = before;
    wanted.enabled = after.enabled;
    wanted.forwardingEnabled = after.forwardingEnabled;
    return backend->setIpInterfaceEntry(wanted);
  };
  action.undo = [backend, before] {
    IpInterfaceRow current = before;
    if (platform::Result r = backend->getIpInterfaceEntry(current); !r.ok()) return r;
    current.enabled = before.enabled;
    current.forwardingEnabled = before.forwardingEnabled;
    return backend->setIpInterfaceEntry(current);
  };
  actions.push_back(std::move(action));
  return SetError::NoError;
}

} // namespace ipmibd::tables
