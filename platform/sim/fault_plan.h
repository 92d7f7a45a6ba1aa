// FaultPlan: failures injected into the simulator's API calls, for testing callers' error handling.
#pragma once

#include "platform/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Scenario names of operations ("create-route", "any") and of failure statuses ("network-unreachable";
// the Status names such as "NetworkUnreachable" are accepted too, case-insensitively).
std::string_view toString(Operation op);
std::optional<Operation> operationNamed(std::string_view name);
std::optional<Status> failureStatusNamed(std::string_view name); // never Success

class FaultPlan {
public:
  // After `skip` calls of `op` have passed it, the next `count` calls of `op` fail with `status`
  // (count < 0: until cleared; 0: nothing). A call meets the faults in the order they were injected
  // until one fails it: each fault still skipping counts the call down and lets it on, so a call
  // failed by an earlier fault is not counted by later ones.
  void inject(Operation op, Status status, int count, std::string message, int skip = 0);
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
    int skip;
  };
  std::vector<Fault> faults_;
};

} // namespace ipmibd::platform::sim
