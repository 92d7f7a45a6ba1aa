// TableLab: the fuzz targets' small world — a simulator with a fixed scenario and every table unit
// the agent serves (agent::TableSet) attached to it — with snapshots of the platform state and of
// the whole MIB view, to prove that a refused SET changed nothing.
#pragma once

#include "agent/common/table_set.h"
#include "platform/sim/sim_backend.h"
#include "tables/engine/mib_object.h"
#include "tables/engine/request_context.h"

#include <memory>
#include <string>
#include <vector>

namespace ipmibd::fuzz {

// Everything the platform knows, as the IP Helper-style getters return it, without the "last seen
// changing" timestamps (see TableLab::platformState).
struct PlatformState {
  std::vector<platform::InterfaceRow> interfaces;
  std::vector<platform::IpInterfaceRow> ipInterfaces;
  std::vector<platform::UnicastAddressRow> addresses;
  std::vector<platform::NeighborRow> neighbors;
  std::vector<platform::RouteRow> routes;
  platform::IpGlobalSettings v4, v6;
  friend bool operator==(const PlatformState&, const PlatformState&) = default;
};

class TableLab {
public:
  // Builds the world fresh (every input starts from the same state, so crashes reproduce).
  TableLab();

  platform::sim::SimBackend& backend() { return *backend_; }
  const std::vector<const tables::MibObject*>& objects() const { return objects_; }
  tables::RequestContext context() const { return {backend_->now(), started_}; }

  // Publishes pending platform changes and applies them to the tables, until nothing is left.
  void settle();
  // Moves the simulator's clock (agent-held rows expire, timers run) and settles.
  void advance(std::chrono::milliseconds step);

  PlatformState platformState();
  // Every instance of every writable object (those with a RowWriter: everything a SET can change
  // besides the platform state), by GETNEXT from the start of each. The read-only statistics
  // tables are left out: they are most of the instances and no SET touches them; so are the
  // columns served from the timestamps PlatformState leaves out.
  std::vector<tables::VarBind> walkWritable() const;
  // A readable account of where two snapshots differ, for the crash report.
  static std::string difference(const PlatformState& before, const PlatformState& after);
  static std::string difference(const std::vector<tables::VarBind>& before,
                                const std::vector<tables::VarBind>& after);

private:
  std::unique_ptr<platform::sim::SimBackend> backend_;
  platform::Timestamp started_;
  std::unique_ptr<agent::TableSet> tables_;
  std::vector<const tables::MibObject*> objects_;
};

} // namespace ipmibd::fuzz
