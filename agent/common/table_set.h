// TableSet: every table unit ipmibd serves, attached to one backend, behind one small interface.
#pragma once

#include "platform/backend.h"
#include "tables/engine/mib_object.h"
#include "tables/notify/change_notifier.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ipmibd::tables {
class IpAddressTables;
}

namespace ipmibd::agent {

// The agent only needs to attach units, feed them time, list their MibObjects for registration
// and report their sizes (IPMIBD-MIB); the units' own types stay behind a small type erasure.
class TableSet {
public:
  // One conceptual table (a unit serving two tables reports two of these; scalars none).
  struct UnitStatus {
    std::string_view name; // the conceptual table, e.g. "inetCidrRouteTable"
    std::size_t rows = 0;
    std::size_t pending = 0; // queued initial rows and changes not yet applied
    bool loading = false;    // still applying the initial dump
  };

  // Creates every unit and attaches it to `backend` (subscribe, then queue the initial dump; the
  // route units of a backend still loading its routes get them from dispatch() instead).
  // Units whose attach fails stay registered but empty; the failures are returned as messages.
  // `routeTable`: the routing instance's own kernel table (InetCidrRouteOptions::routeTable).
  TableSet(platform::Backend& backend, std::vector<std::string>& attachErrors,
           std::uint32_t routeTable = platform::kMainRouteTable);
  ~TableSet();
  TableSet(const TableSet&) = delete;
  TableSet& operator=(const TableSet&) = delete;

  // How long rows held in the agent (createAndWait / notInService) may stay idle (rowIdleTimeout).
  void setRowIdleTimeout(std::chrono::seconds timeout);
  // Applies queued work across all units for at most about `budget`; true while work remains.
  bool applyPending(std::chrono::steady_clock::duration budget);
  // Announces the changes of the units that have notifications to `notifier` (which must outlive
  // this TableSet, or be unwatched by destroying it first).
  void watch(tables::ChangeNotifier& notifier);
  // The objects to register, each unit's in OID order.
  std::vector<const tables::MibObject*> objects() const;
  // One entry per conceptual table served, in a fixed order (inetCidrRouteTable first).
  std::vector<UnitStatus> status() const;

  // The address unit, for what the agent wires in beyond serving it: the nonVolatile address list
  // (setNonVolatile at start-up, setOnNonVolatileChange for the state file).
  tables::IpAddressTables& addressTables() { return *addressTables_; }

  class Unit; // one table unit, type-erased (table_set.cpp)

private:
  std::vector<std::unique_ptr<Unit>> units_;
  tables::IpAddressTables* addressTables_ = nullptr;
};

} // namespace ipmibd::agent
