// ChangeQueue: the notifications simulated changes produced, kept in order until dispatch() publishes them.
#pragma once

#include "platform/backend.h"

#include <cstddef>
#include <utility>
#include <variant>
#include <vector>

namespace ipmibd::platform::sim {

using AnyChange = std::variant<Change<InterfaceRow>, Change<IpInterfaceRow>, Change<UnicastAddressRow>,
                               Change<NeighborRow>, Change<RouteRow>>;

// One queue for every row kind, so the order across kinds (address before its prefix route, as the
// kernel sends them) survives until delivery.
class ChangeQueue {
public:
  template <class Row> void push(ChangeKind kind, Row row) {
    pending_.emplace_back(Change<Row>{kind, std::move(row)});
  }
  bool empty() const { return pending_.empty(); }
  std::size_t size() const { return pending_.size(); }
  std::vector<AnyChange> take() { return std::exchange(pending_, {}); }
  void clear() { pending_.clear(); }

private:
  std::vector<AnyChange> pending_;
};

} // namespace ipmibd::platform::sim
