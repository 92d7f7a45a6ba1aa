// Re-creates saved nonVolatile addresses through the backend and names interfaces for saving.
#include "agent/common/non_volatile_restore.h"

#include <algorithm>

namespace ipmibd::agent {
namespace {

std::string describe(const StateAddress& r) {
  return r.address.toString() + "/" + std::to_string(r.prefixLength) + " dev " + r.interfaceName;
}

} // namespace

RestoreResult restoreAddresses(platform::Backend& backend, const State& state) {
  RestoreResult result;
  std::vector<platform::InterfaceRow> interfaces;
  const platform::Result listed = backend.getIfTable2(interfaces);
  for (const StateAddress& record : state.addresses) {
    RestoreEvent event;
    event.record = record;
    const std::string what = "nonVolatile address " + describe(record);
    const auto interface = std::ranges::find(interfaces, record.interfaceName, &platform::InterfaceRow::name);
    if (interface == interfaces.end()) {
      event.kind = listed.ok() ? RestoreEvent::Kind::InterfaceGone : RestoreEvent::Kind::Failed;
      event.message = what + (listed.ok() ? ": skipped, interface " + record.interfaceName + " does not exist"
                                          : ": skipped, cannot list interfaces: " + listed.message);
      event.message +=
          listed.ok() ? " (it leaves the state file at the next save)" : " (kept in the state file)";
      if (!listed.ok()) result.unresolved.push_back(record);
      result.events.push_back(std::move(event));
      continue;
    }
    const platform::InterfaceIndex index = interface->index;
    const std::string renumbered = index == record.ifIndex
                                       ? std::string()
                                       : " (ifindex " + std::to_string(index) + " now, " +
                                             std::to_string(record.ifIndex) + " when saved)";
    platform::UnicastAddressRow row;
    platform::initializeUnicastIpAddressEntry(row);
    row.address =
        record.address.isV6LinkLocal() ? record.address.withScope(index) : record.address.withScope(0);
    row.interfaceIndex = index;

    platform::UnicastAddressRow current = row;
    if (backend.getUnicastIpAddressEntry(current).ok()) {
      event.kind = RestoreEvent::Kind::Present;
      event.message = what + ": present" + renumbered;
      if (current.onLinkPrefixLength != record.prefixLength)
        event.message += "; the system has prefix length " + std::to_string(current.onLinkPrefixLength) +
                         ", which is kept";
      result.nonVolatile.push_back({row.address, current.onLinkPrefixLength, index});
      result.events.push_back(std::move(event));
      continue;
    }
    row.onLinkPrefixLength = record.prefixLength;
    row.prefixOrigin = platform::PrefixOrigin::Manual;
    row.suffixOrigin = platform::SuffixOrigin::Manual;
    const platform::Result created = backend.createUnicastIpAddressEntry(row);
    if (created.ok()) {
      event.kind = RestoreEvent::Kind::Reapplied;
      event.message = what + ": re-created" + renumbered;
      result.nonVolatile.push_back({row.address, record.prefixLength, index});
    } else {
      event.kind = RestoreEvent::Kind::Failed;
      // Kept in the list (and the file) like an address deleted out of band: retried next start.
      event.message =
          what + ": creating it failed: " + created.toString() + " (kept, retried at the next start)";
      result.nonVolatile.push_back({row.address, record.prefixLength, index});
    }
    result.events.push_back(std::move(event));
  }
  return result;
}

State stateOf(platform::Backend& backend, std::span<const tables::PersistentAddress> addresses,
              const State& previous, std::vector<std::string>& warnings) {
  State state;
  for (const tables::PersistentAddress& a : addresses) {
    StateAddress record{a.address.withScope(0), a.prefixLength, {}, a.ifIndex};
    platform::InterfaceRow interface;
    interface.index = a.ifIndex;
    if (backend.getIfEntry2(interface).ok()) {
      record.interfaceName = interface.name;
    } else {
      const auto known = std::ranges::find_if(previous.addresses, [&](const StateAddress& p) {
        return p.address == record.address && p.ifIndex == a.ifIndex;
      });
      if (known == previous.addresses.end()) {
        warnings.push_back("nonVolatile address " + a.address.toString() + "/" +
                           std::to_string(a.prefixLength) + " is not saved: ifindex " +
                           std::to_string(a.ifIndex) + " has no interface to name");
        continue;
      }
      record.interfaceName = known->interfaceName;
    }
    if (!validInterfaceName(record.interfaceName)) {
      warnings.push_back("nonVolatile address " + a.address.toString() + " is not saved: interface name '" +
                         record.interfaceName + "' cannot be written");
      continue;
    }
    // The parser refuses duplicates (a file that has them was not written by us): never write one.
    if (std::ranges::find(state.addresses, record) != state.addresses.end()) continue;
    state.addresses.push_back(std::move(record));
  }
  return state;
}

} // namespace ipmibd::agent
