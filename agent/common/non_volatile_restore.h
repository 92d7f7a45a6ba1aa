// Start-up re-apply of the state file's nonVolatile addresses, and the way back: the address unit's
// list of nonVolatile addresses as state file records.
#pragma once

#include "agent/common/state_file.h"
#include "platform/backend.h"
#include "tables/ip_mib/ip_address_tables.h"

#include <span>
#include <string>
#include <vector>

namespace ipmibd::agent {

// What happened to one record at start-up.
struct RestoreEvent {
  enum class Kind {
    Reapplied,     // missing from the system: created again
    Present,       // already on its interface (the system's prefix length wins)
    InterfaceGone, // no interface of that name: skipped, and dropped at the next save
    Failed,        // creating it failed (kept in the list: retried at the next start), or the
                   // interfaces could not be listed (kept in the file as it is: `unresolved`)
  };
  Kind kind = Kind::Failed;
  StateAddress record;
  std::string message; // a complete log line
};

struct RestoreResult {
  // Reapplied and Present addresses, with today's ifIndex (and scope id): what
  // IpAddressTables::setNonVolatile takes.
  std::vector<tables::PersistentAddress> nonVolatile;
  std::vector<RestoreEvent> events; // one per record, in file order
  // Records that could not be looked at (no interface list): saved again as they are, so a
  // transient failure at start-up loses nothing.
  std::vector<StateAddress> unresolved;
};

// Re-creates each record's address that is missing from the system. The interface is found by its
// name, never by the saved ifIndex alone: interfaces renumber across reboots, and an address put on
// whatever interface now has the old number would be worse than none.
RestoreResult restoreAddresses(platform::Backend& backend, const State& state);

// The records to save for `addresses` (the address unit's complete nonVolatile list): each
// interface named by the backend; one the backend no longer knows keeps the name of the record in
// `previous` with the same address and ifIndex, or else the address is left out with a warning
// (it cannot be restored by name).
State stateOf(platform::Backend& backend, std::span<const tables::PersistentAddress> addresses,
              const State& previous, std::vector<std::string>& warnings);

} // namespace ipmibd::agent
