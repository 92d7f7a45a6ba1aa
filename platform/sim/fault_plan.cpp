// Fault bookkeeping: a list of pending faults, each with its own countdown.
#include "platform/sim/fault_plan.h"

#include <array>
#include <cctype>
#include <utility>

namespace ipmibd::platform::sim {

namespace {

constexpr std::array<std::pair<Operation, std::string_view>, 21> kOperationNames{{
    {Operation::Any, "any"},
    {Operation::GetInterfaces, "get-interfaces"},
    {Operation::GetIpInterfaces, "get-ip-interfaces"},
    {Operation::SetIpInterface, "set-ip-interface"},
    {Operation::GetStatistics, "get-statistics"},
    {Operation::GetGlobal, "get-global"},
    {Operation::SetGlobal, "set-global"},
    {Operation::GetAddresses, "get-addresses"},
    {Operation::CreateAddress, "create-address"},
    {Operation::SetAddress, "set-address"},
    {Operation::DeleteAddress, "delete-address"},
    {Operation::GetNeighbors, "get-neighbors"},
    {Operation::CreateNeighbor, "create-neighbor"},
    {Operation::SetNeighbor, "set-neighbor"},
    {Operation::DeleteNeighbor, "delete-neighbor"},
    {Operation::FlushNeighbors, "flush-neighbors"},
    {Operation::GetRoutes, "get-routes"},
    {Operation::CreateRoute, "create-route"},
    {Operation::SetRoute, "set-route"},
    {Operation::DeleteRoute, "delete-route"},
    {Operation::GetBestRoute, "get-best-route"},
}};

// "network-unreachable", "NetworkUnreachable" and "networkunreachable" all become "networkunreachable".
std::string folded(std::string_view name) {
  std::string out;
  for (char c : name)
    if (c != '-' && c != '_') out += char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::string_view toString(Operation op) {
  for (const auto& [candidate, name] : kOperationNames)
    if (candidate == op) return name;
  return "?";
}

std::optional<Operation> operationNamed(std::string_view name) {
  for (const auto& [op, candidate] : kOperationNames)
    if (candidate == name) return op;
  return std::nullopt;
}

std::optional<Status> failureStatusNamed(std::string_view name) {
  const std::string wanted = folded(name);
  for (Status status : {Status::NotFound, Status::AlreadyExists, Status::InvalidParameter,
                        Status::AccessDenied, Status::NotSupported, Status::NetworkUnreachable,
                        Status::NoMemory, Status::Busy, Status::GeneralFailure})
    if (folded(toString(status)) == wanted) return status;
  return std::nullopt;
}

void FaultPlan::inject(Operation op, Status status, int count, std::string message, int skip) {
  if (count == 0) return;
  if (message.empty()) message = "injected fault";
  faults_.push_back({op, status, count, std::move(message), skip < 0 ? 0 : skip});
}

std::optional<Result> FaultPlan::take(Operation op) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op && it->op != Operation::Any) continue;
    if (it->skip > 0) {
      --it->skip;
      continue;
    }
    Result result = Result::failure(it->status, it->message);
    if (it->remaining > 0 && --it->remaining == 0) faults_.erase(it);
    return result;
  }
  return std::nullopt;
}

int FaultPlan::remaining(Operation op) const {
  int total = 0;
  for (const auto& fault : faults_) {
    if (fault.op != op && fault.op != Operation::Any) continue;
    if (fault.remaining < 0) return -1;
    total += fault.remaining;
  }
  return total;
}

} // namespace ipmibd::platform::sim
