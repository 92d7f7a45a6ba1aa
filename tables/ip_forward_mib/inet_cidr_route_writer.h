// InetCidrRouteWriter: the write side of inetCidrRouteTable (RFC 4292 + RFC 2579 RowStatus): index
// checks, RowStatus transitions as Create/Set/DeleteIpForwardEntry2 actions, and the agent's store
// of createAndWait / notInService rows with their idle expiry.
#pragma once

#include "platform/backend.h"
#include "tables/engine/index_codec.h"
#include "tables/engine/row_writer.h"
#include "tables/engine/table.h"

#include <chrono>
#include <map>
#include <optional>

namespace ipmibd::tables {

struct RouteEntry;
struct InetCidrRouteOptions;

// RowStatus values (SNMPv2-TC).
enum class RowStatus : std::int32_t {
  Active = 1,
  NotInService = 2,
  NotReady = 3,
  CreateAndGo = 4,
  CreateAndWait = 5,
  Destroy = 6
};

// What the index of a row says about its route (RFC 4292 INDEX, in the forms this table serves).
struct RouteIndex {
  platform::IpPrefix destination;
  Oid policy;
  std::optional<platform::IpAddress> gateway; // nullopt: a non-remote route (no next hop)
  // inetCidrRoutePolicy {0 0 N}: the interface of a non-remote route (0 for reject/blackhole).
  std::optional<std::uint32_t> policyIfIndex;
  bool shortPolicy = true; // {0 0} or {0 0 N}; false for the collision form {0 0 N table metric}
  // The next hop was given as unknown(0) "" (RFC 4292's form for non-remote routes) while the table
  // serves the family's zero address: the row is the one served under canonical().
  bool unknownNextHop = false;
};

class InetCidrRouteWriter final : public RowWriter {
public:
  InetCidrRouteWriter(MibTable<RouteEntry>& table, const InetCidrRouteOptions& options)
      : table_(table), options_(options) {}

  void attach(platform::Backend& backend) { backend_ = &backend; }
  // Removes createAndWait / notInService rows untouched for rowIdleTimeout (RFC 2579 asks agents
  // to remove such rows after "an abnormally long period", suggesting about 5 minutes).
  void expireIdle(platform::Timestamp now);
  std::size_t pendingRows() const { return pending_.size(); }
  // The RouteRow a served route row (active) stands for, for tests and logs.
  static std::string describe(const platform::RouteRow& row);

  // The index a row is served under: `index` itself, or for a non-remote row named with RFC
  // 4292's unknown(0) next hop while the table serves Debian's zero address, that form.
  static Oid canonical(const Oid& index, const RouteIndex& decoded);

  SetError check(const MibObject& object, std::span<const SubId> suffix, const Value& value,
                 WriteTarget& target) override;
  SetError plan(const Oid& row, std::span<const ColumnWrite> writes, const RequestContext& context,
                std::vector<WriteAction>& actions, std::size_t& failedWrite) override;

private:
  // Column values a row holds in the agent (createAndWait) or a PDU proposes.
  struct Settings {
    std::optional<std::int32_t> ifIndex, type, metric1;
  };
  struct Pending {
    Settings settings;
    platform::Timestamp touched;
  };
  SetError decodeIndex(std::span<const SubId> index, RouteIndex& out) const;
  // The route `settings` describe at `index`; `ready` false when nothing yet says what kind of
  // route it is (a createAndWait row in notReady).
  SetError routeFor(const RouteIndex& index, const Settings& settings, platform::RouteRow& route,
                    bool& ready) const;
  SetError checkInterface(std::uint32_t ifIndex) const;
  SetError readRoute(const RouteIndex& index, const RouteEntry& entry, platform::RouteRow& route) const;
  // Recheck for actions on an existing route: still exactly as read in RESERVE2.
  std::function<SetError()> unchanged(const platform::RouteRow& before) const;
  RouteEntry mirrorOf(const RouteIndex& index, const Settings& settings, bool ready) const;
  // Holds the row in the agent and serves it; `replaceActive` also replaces a served active row
  // (suspension: its route was just deleted, the notification of that comes later).
  void storePending(const Oid& row, const RouteIndex& index, const Pending& pending,
                    bool replaceActive = false);
  void erasePending(const Oid& row);

  SetError planExisting(const Oid& row, const RouteIndex& index, const RouteEntry& entry,
                        std::optional<RowStatus> status, const Settings& proposed,
                        std::span<const ColumnWrite> writes, const RequestContext& context,
                        std::vector<WriteAction>& actions, std::size_t& failedWrite);
  SetError planPending(const Oid& row, const RouteIndex& index, std::optional<RowStatus> status,
                       const Settings& proposed, const RequestContext& context,
                       std::vector<WriteAction>& actions);
  SetError planNew(const Oid& row, const RouteIndex& index, std::optional<RowStatus> status,
                   const Settings& proposed, const RequestContext& context,
                   std::vector<WriteAction>& actions);

  MibTable<RouteEntry>& table_;
  const InetCidrRouteOptions& options_;
  platform::Backend* backend_ = nullptr;
  std::map<Oid, Pending> pending_; // keyed by the row's index (below the column)
};

} // namespace ipmibd::tables
