// Fault bookkeeping: a list of pending faults, each with its own countdown.
#include "platform/sim/fault_plan.h"

namespace ipmibd::platform::sim {

void FaultPlan::inject(Operation op, Status status, int count, std::string message) {
  if (count == 0) return;
  if (message.empty()) message = "injected fault";
  faults_.push_back({op, status, count, std::move(message)});
}

std::optional<Result> FaultPlan::take(Operation op) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op && it->op != Operation::Any) continue;
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
