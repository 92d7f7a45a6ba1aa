// FaultPlan: failures injected into the simulator's API calls, for testing callers' error handling.
#pragma once

#include "platform/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ipmibd::platform::sim {

// The kinds of Backend call a fault can target; Any matches every call, reads included.
enum class Operation : std::uint8_t {
  Any,
  GetInterfaces,   // getIfTable2, getIfEntry2
  GetIpInterfaces, // getIpInterfaceTable, getIpInterfaceEntry
  SetIpInterface,
  GetStatistics,
  GetGlobal,
  SetGlobal,
  GetAddresses, // getUnicastIpAddressTable, getUnicastIpAddressEntry
  CreateAddress,
  SetAddress,
  DeleteAddress,
  GetNeighbors, // getIpNetTable2, getIpNetEntry2
  CreateNeighbor,
  SetNeighbor,
  DeleteNeighbor,
  FlushNeighbors,
  GetRoutes, // getIpForwardTable2, getIpForwardEntry2
  CreateRoute,
  SetRoute,
  DeleteRoute,
  GetBestRoute,
};

class FaultPlan {
public:
  // The next `count` calls of `op` fail with `status` (count < 0: until cleared; 0: nothing).
  // Faults are consumed in the order they were injected.
  void inject(Operation op, Status status, int count, std::string message);
  void clear() { faults_.clear(); }
  // The failure this call must return, consuming one; nullopt when no fault applies.
  std::optional<Result> take(Operation op);
  // Calls still to fail for `op` (counting Any faults); -1 when one is unlimited.
  int remaining(Operation op) const;

private:
  struct Fault {
    Operation op;
    Status status;
    int remaining;
    std::string message;
  };
  std::vector<Fault> faults_;
};

} // namespace ipmibd::platform::sim
