// inetCidrRouteTable writes: RFC 4292 index checks, the RFC 2579 RowStatus state table mapped onto
// Create/Set/DeleteIpForwardEntry2, and the agent-held createAndWait rows.
#include "tables/ip_forward_mib/inet_cidr_route_writer.h"

#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <algorithm>
#include <vector>

namespace ipmibd::tables {

using platform::IpAddress;
using platform::Result;
using platform::RouteRow;
using platform::RouteType;

namespace {

// inetCidrRouteEntry columns a SET can name.
enum : SubId { kIfIndex = 7, kType = 8, kMetric1 = 12, kStatus = 17 };
// inetCidrRouteType values.
enum : std::int32_t { kReject = 2, kLocal = 3, kRemote = 4, kBlackhole = 5 };
// IANAipRouteProtocol of rows the agent holds: netmgmt(3), what a SET-created route becomes.
constexpr std::uint8_t kNetMgmt = 3;

// Routes the system maintains itself: kernel-made (connected subnets, local addresses: local(2))
// and learnt from ICMP (redirects, router advertisements: icmp(4)), and everything in the local
// table. RFC 2579 gives the agent no way to refuse "destroy" other than an error, and a manager
// deleting the route of a connected network would cut the host off; changing it is pointless
// because the kernel re-derives it.
bool systemOwned(const RouteEntry& entry) {
  return entry.protocol == 2 || entry.protocol == 4 || entry.routeTable == platform::kLocalRouteTable;
}

std::uint32_t metricOf(const std::optional<std::int32_t>& metric1) {
  return !metric1 || *metric1 < 0 ? platform::kUnspecifiedMetric : std::uint32_t(*metric1);
}

// For comparing a route read in RESERVE2 with one read in ACTION: `created` is the backend's
// bookkeeping, not route state.
RouteRow comparable(RouteRow row) {
  row.created = {};
  return row;
}

SetError readFailure(const Result& result) {
  return result.status == platform::Status::NotFound ? SetError::InconsistentValue
                                                     : SetError::ResourceUnavailable;
}

} // namespace

std::string InetCidrRouteWriter::describe(const RouteRow& row) {
  std::string text = std::string(toString(row.type)) + " route " + row.destinationPrefix.toString();
  if (!row.nextHop.isUnspecified() && !row.nextHop.isZero()) text += " via " + row.nextHop.toString();
  if (row.interfaceIndex != 0) text += " dev " + std::to_string(row.interfaceIndex);
  if (row.metric != platform::kUnspecifiedMetric) text += " metric " + std::to_string(row.metric);
  return text + " table " + std::to_string(row.table);
}

// ---- RESERVE1 ------------------------------------------------------------------------------------

SetError InetCidrRouteWriter::check(const MibObject&, std::span<const SubId> suffix, const Value& value,
                                    WriteTarget& target) {
  if (suffix.size() < 2) return SetError::NoCreation;
  if (SetError e = checkColumnWrite(table_.columns(), suffix[0], value); e != SetError::NoError) return e;
  RouteIndex index;
  if (SetError e = decodeIndex(suffix.subspan(1), index); e != SetError::NoError) return e;
  target.row = canonical(Oid(suffix.subspan(1)), index); // both forms of one row are one row
  target.column = suffix[0];
  return SetError::NoError;
}

Oid InetCidrRouteWriter::canonical(const Oid& index, const RouteIndex& decoded) {
  if (!decoded.unknownNextHop) return index;
  // The unknown(0) next hop is the index's last two sub-identifiers (type 0, length 0).
  Oid out(index.view().first(index.size() - 2));
  encodeInetAddressIndex(out, IpAddress::zero(decoded.destination.family()), ZoneStyle::DropZone);
  return out;
}

// RFC 4292 index rules, limited to the forms this table serves (so a created row appears under the
// index it was created with): destination ipv4/ipv6 without host bits beyond the prefix length;
// next hop of the destination's type (ipv6z only with KeepZone), or for non-remote routes the
// family's zero address (FamilyZero) / unknown(0) (Unknown); policy {0 0} for remote routes,
// {0 0 ifIndex} for the others, or the collision form {0 0 ifIndex table metric} of existing rows.
// One exception to "served as named": with FamilyZero, a non-remote row may also be named the way
// RFC 4292 prescribes (unknown(0), zero-length next hop); it is the row served with 0.0.0.0 / ::
// (canonical()), so a manager following the RFC can create, change and destroy it.
// Sub-identifiers that do not even decode name no possible row: noCreation.
SetError InetCidrRouteWriter::decodeIndex(std::span<const SubId> subIds, RouteIndex& out) const {
  IndexReader reader(subIds);
  const auto destination = reader.inetAddress();
  const auto length = reader.integer();
  const auto policy = reader.oid();
  const auto nextHop = reader.inetAddress();
  if (!reader.finish())
    return reader.error() == IndexError::BadLength ? SetError::InconsistentName : SetError::NoCreation;

  if (destination->type != InetAddressType::Ipv4 && destination->type != InetAddressType::Ipv6)
    return SetError::InconsistentName;
  const IpAddress address = *destination->toIp();
  out.destination = {address, std::uint8_t(std::min<std::uint32_t>(*length, 255))};
  if (*length > out.destination.maxLength() || !out.destination.isCanonical())
    return SetError::InconsistentName;

  const bool zoneOk = nextHop->type == InetAddressType::Ipv6z && destination->type == InetAddressType::Ipv6 &&
                      options_.zones == ZoneStyle::KeepZone;
  if (nextHop->type == InetAddressType::Unknown) {
    out.gateway.reset();
    out.unknownNextHop = options_.nonRemoteNextHop == NonRemoteNextHop::FamilyZero;
  } else if (nextHop->type == destination->type || zoneOk) {
    const IpAddress hop = *nextHop->toIp();
    if (hop.isZero()) {
      if (options_.nonRemoteNextHop != NonRemoteNextHop::FamilyZero) return SetError::InconsistentName;
      out.gateway.reset();
    } else {
      out.gateway = hop;
    }
  } else {
    return SetError::InconsistentName;
  }
  if (out.gateway && out.gateway->isMulticast()) return SetError::InconsistentName;

  // Policy: {0 0}, {0 0 N} or {0 0 N table metric}.
  const Oid& p = *policy;
  if (p.size() < 2 || p[0] != 0 || p[1] != 0 || !(p.size() == 2 || p.size() == 3 || p.size() == 5))
    return SetError::InconsistentName;
  out.policy = p;
  out.shortPolicy = p.size() <= 3;
  if (out.shortPolicy && (p.size() == 3) == out.gateway.has_value()) return SetError::InconsistentName;
  if (p.size() >= 3) out.policyIfIndex = p[2];
  if (out.policyIfIndex && *out.policyIfIndex > 0x7fffffff) return SetError::InconsistentName;
  return SetError::NoError;
}

// ---- RESERVE2 ------------------------------------------------------------------------------------

SetError InetCidrRouteWriter::checkInterface(std::uint32_t ifIndex) const {
  if (ifIndex == 0) return SetError::NoError;
  platform::InterfaceRow link;
  link.index = ifIndex;
  const Result result = backend_->getIfEntry2(link);
  if (result.ok()) return SetError::NoError;
  return result.status == platform::Status::NotFound || result.status == platform::Status::InvalidParameter
             ? SetError::InconsistentValue
             : SetError::ResourceUnavailable;
}

SetError InetCidrRouteWriter::routeFor(const RouteIndex& index, const Settings& s, RouteRow& route,
                                       bool& ready) const {
  platform::initializeIpForwardEntry(route);
  route.destinationPrefix = index.destination;
  route.protocol = platform::RouteProtocol::NetMgmt;
  route.table = options_.routeTable;
  route.metric = metricOf(s.metric1);
  ready = true;
  if (index.gateway) {
    // A remote route: inetCidrRouteIfIndex 0 lets the platform pick the interface of the gateway.
    if (s.type && *s.type != kRemote) return SetError::InconsistentValue;
    route.type = RouteType::Unicast;
    route.interfaceIndex = std::uint32_t(s.ifIndex.value_or(0));
    route.nextHop = *index.gateway;
    if (route.interfaceIndex == 0 && !route.nextHop.isV6LinkLocal()) {
      // The interface the platform would pick: the connected network the gateway is on. Naming it
      // makes the created row exactly addressable (for undo), and a gateway on no connected
      // network is refused now (inconsistentValue) instead of failing in ACTION.
      RouteRow best;
      IpAddress source;
      const Result found = backend_->getBestRoute2(route.nextHop, best, source);
      if (!found.ok() && found.status != platform::Status::NetworkUnreachable)
        return SetError::ResourceUnavailable;
      const bool connected = found.ok() && (best.nextHop.isUnspecified() || best.nextHop.isZero()) &&
                             best.type == RouteType::Unicast && best.interfaceIndex != 0;
      if (connected) {
        route.interfaceIndex = best.interfaceIndex;
      } else if (route.table != platform::kMainRouteTable) {
        // A table of its own (a table context): like `ip route add ... table N`, a gateway with no
        // connected route in that table is resolved by the system's own lookup (the policy rules:
        // main), and must be on a network of the interface found (one of its addresses' prefixes).
        platform::InterfaceIndex via = 0;
        const Result system = backend_->getBestInterfaceEx(route.nextHop, via);
        if (system.status == platform::Status::NetworkUnreachable) return SetError::InconsistentValue;
        if (!system.ok()) return SetError::ResourceUnavailable;
        std::vector<platform::UnicastAddressRow> addresses;
        if (!backend_->getUnicastIpAddressTable(route.nextHop.family(), addresses).ok())
          return SetError::ResourceUnavailable;
        const bool onLink = std::ranges::any_of(addresses, [&](const platform::UnicastAddressRow& a) {
          platform::IpPrefix network{a.address.withScope(0), a.onLinkPrefixLength};
          network.length =
              std::uint8_t(std::min<unsigned>(network.length, network.maxLength())); // 0xff: host
          return a.interfaceIndex == via && network.contains(route.nextHop);
        });
        if (!onLink) return SetError::InconsistentValue;
        route.interfaceIndex = via;
      } else {
        return SetError::InconsistentValue;
      }
    }
    if (route.nextHop.isV6LinkLocal() && route.nextHop.scopeId() == 0) {
      if (route.interfaceIndex == 0) return SetError::InconsistentValue; // link-local needs a link
      route.nextHop = route.nextHop.withScope(route.interfaceIndex);
    }
    if (route.nextHop.scopeId() != 0 && route.interfaceIndex != 0 &&
        route.nextHop.scopeId() != route.interfaceIndex)
      return SetError::InconsistentValue;
    return checkInterface(route.interfaceIndex);
  }
  // Non-remote: the interface is in the index (policy {0 0 N}); inetCidrRouteIfIndex must agree.
  const std::uint32_t ifIndex = index.policyIfIndex.value_or(0);
  if (s.ifIndex && std::uint32_t(*s.ifIndex) != ifIndex) return SetError::InconsistentValue;
  route.interfaceIndex = ifIndex;
  route.nextHop = IpAddress::zero(index.destination.family());
  const std::int32_t type = s.type.value_or(ifIndex != 0 ? kLocal : 0);
  switch (type) {
  case kLocal: route.type = RouteType::Unicast; break;
  case kReject: route.type = RouteType::Unreachable; break;
  case kBlackhole: route.type = RouteType::Blackhole; break;
  case 0: ready = false; return SetError::NoError; // no interface, no type: notReady
  default: return SetError::InconsistentValue;     // remote without a next hop
  }
  // A route that discards has no interface; a local one needs one.
  if ((type == kLocal) != (ifIndex != 0)) return SetError::InconsistentValue;
  return checkInterface(ifIndex);
}

SetError InetCidrRouteWriter::readRoute(const RouteIndex& index, const RouteEntry& entry,
                                        RouteRow& route) const {
  platform::initializeIpForwardEntry(route);
  route.destinationPrefix = index.destination;
  route.nextHop = index.gateway ? index.gateway->withScope(entry.nextHopScope)
                                : IpAddress::zero(index.destination.family());
  route.interfaceIndex = entry.ifIndex;
  route.metric = entry.metric;
  route.table = entry.routeTable;
  const Result result = backend_->getIpForwardEntry2(route);
  return result.ok() ? SetError::NoError : readFailure(result);
}

std::function<SetError()> InetCidrRouteWriter::unchanged(const RouteRow& before) const {
  return [this, before] {
    RouteRow now = before;
    const Result result = backend_->getIpForwardEntry2(now);
    if (!result.ok()) return readFailure(result);
    return comparable(now) == comparable(before) ? SetError::NoError : SetError::InconsistentValue;
  };
}

RouteEntry InetCidrRouteWriter::mirrorOf(const RouteIndex& index, const Settings& s, bool ready) const {
  RouteEntry entry;
  entry.ifIndex = std::uint32_t(s.ifIndex.value_or(std::int32_t(index.policyIfIndex.value_or(0))));
  entry.metric = metricOf(s.metric1);
  entry.routeTable = options_.routeTable;
  entry.type = std::uint8_t(s.type.value_or(index.gateway ? kRemote : entry.ifIndex != 0 ? kLocal : 1));
  entry.protocol = kNetMgmt;
  entry.status = std::uint8_t(ready ? RowStatus::NotInService : RowStatus::NotReady);
  return entry;
}

void InetCidrRouteWriter::storePending(const Oid& row, const RouteIndex& index, const Pending& pending,
                                       bool replaceActive) {
  RouteRow ignored;
  bool ready = false;
  routeFor(index, pending.settings, ignored, ready);
  pending_[row] = pending;
  const IndexKey key = encodeIndexKey(row.view());
  const auto* item = table_.rows().find(key);
  if (replaceActive || !item || item->entry().status != 1)
    table_.rows().upsert(key, mirrorOf(index, pending.settings, ready));
}

void InetCidrRouteWriter::erasePending(const Oid& row) {
  pending_.erase(row);
  const IndexKey key = encodeIndexKey(row.view());
  if (const auto* item = table_.rows().find(key); item && item->entry().status != 1) table_.rows().erase(key);
}

void InetCidrRouteWriter::expireIdle(platform::Timestamp now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    const Oid row = it->first;
    const bool idle = now >= it->second.touched && now - it->second.touched >= options_.rowIdleTimeout;
    ++it;
    if (idle) erasePending(row);
  }
}

SetError InetCidrRouteWriter::plan(const Oid& row, std::span<const ColumnWrite> writes,
                                   const RequestContext& context, std::vector<WriteAction>& actions,
                                   std::size_t& failedWrite) {
  if (!backend_) return SetError::ResourceUnavailable;
  RouteIndex index;
  if (SetError e = decodeIndex(row.view(), index); e != SetError::NoError) return e;
  if (index.unknownNextHop) return plan(canonical(row, index), writes, context, actions, failedWrite);
  std::optional<RowStatus> status;
  Settings proposed;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const std::int32_t v = writes[i].value.syntax() == Syntax::Integer32 ? writes[i].value.asInteger32() : 0;
    switch (writes[i].column) {
    case kStatus:
      status = RowStatus(v);
      failedWrite = i; // RowStatus errors (and row-level ones) are reported on the status varbind
      break;
    case kIfIndex: proposed.ifIndex = v; break;
    case kType: proposed.type = v; break;
    case kMetric1: proposed.metric1 = v; break;
    default: break; // NextHopAS, Metric2-5: only their "unused" values passed RESERVE1
    }
  }
  const auto* item = table_.rows().find(encodeIndexKey(row.view()));
  if (item && item->entry().status == 1)
    return planExisting(row, index, item->entry(), status, proposed, writes, context, actions, failedWrite);
  if (pending_.contains(row)) return planPending(row, index, status, proposed, context, actions);
  return planNew(row, index, status, proposed, context, actions);
}

// State D of the RFC 2579 table: an installed route.
SetError InetCidrRouteWriter::planExisting(const Oid& row, const RouteIndex& index, const RouteEntry& entry,
                                           std::optional<RowStatus> status, const Settings& proposed,
                                           std::span<const ColumnWrite> writes, const RequestContext& context,
                                           std::vector<WriteAction>& actions, std::size_t& failedWrite) {
  if (status == RowStatus::CreateAndGo || status == RowStatus::CreateAndWait)
    return SetError::InconsistentValue;
  if (systemOwned(entry)) {
    // The row exists, but this agent does not let anyone change it: its columns are notWritable
    // (RFC 3416); a status change the agent is unwilling to make is inconsistentValue (RFC 2579).
    if (status && status != RowStatus::Active) return SetError::InconsistentValue;
    for (std::size_t i = 0; i < writes.size(); ++i)
      if (writes[i].column != kStatus) {
        failedWrite = i;
        return SetError::NotWritable;
      }
    return SetError::NoError;
  }
  RouteRow before;
  if (SetError e = readRoute(index, entry, before); e != SetError::NoError) return e;
  platform::Backend* backend = backend_;
  if (status == RowStatus::Destroy || status == RowStatus::NotInService) {
    WriteAction action;
    action.order = WriteAction::Order::Delete;
    action.description = "delete " + describe(before);
    action.recheck = unchanged(before);
    action.write = failedWrite;
    if (status == RowStatus::Destroy) {
      action.apply = [backend, before] { return backend->deleteIpForwardEntry2(before); };
      action.undo = [backend, before] { return backend->createIpForwardEntry2(before); };
    } else {
      // Suspension: the route leaves the kernel and its values stay in the agent (notInService).
      Settings kept{std::int32_t(entry.ifIndex), std::int32_t(entry.type),
                    entry.metric == platform::kUnspecifiedMetric ? -1 : std::int32_t(entry.metric)};
      if (proposed.ifIndex) kept.ifIndex = proposed.ifIndex;
      if (proposed.type) kept.type = proposed.type;
      if (proposed.metric1) kept.metric1 = proposed.metric1;
      const Pending pending{kept, context.now()};
      action.description = "suspend (notInService) " + describe(before);
      action.apply = [this, backend, before, row, index, pending] {
        Result r = backend->deleteIpForwardEntry2(before);
        if (r.ok()) storePending(row, index, pending, true); // the route's row becomes the held one
        return r;
      };
      action.undo = [this, backend, before, row] {
        erasePending(row);
        return backend->createIpForwardEntry2(before);
      };
    }
    actions.push_back(std::move(action));
    return SetError::NoError;
  }
  // Column changes of an active row (status absent or active(1)): SetIpForwardEntry2. RFC 4292
  // says an active row "cannot be modified"; ipmibd allows it (issue #4) because the platform
  // replaces the route atomically, where notInService + change + active would drop traffic. Only what
  // keeps the row under its index can change: a remote route's interface, a discarding route's
  // kind (reject <-> blackhole), and Metric1.
  auto at = [&](SubId column) {
    for (std::size_t i = 0; i < writes.size(); ++i)
      if (writes[i].column == column) failedWrite = i;
    return SetError::InconsistentValue;
  };
  RouteRow after = before;
  if (proposed.ifIndex && std::uint32_t(*proposed.ifIndex) != before.interfaceIndex) {
    if (!index.gateway || before.nextHop.isV6LinkLocal()) return at(kIfIndex); // part of the index
    if (SetError e = checkInterface(std::uint32_t(*proposed.ifIndex)); e != SetError::NoError) {
      at(kIfIndex);
      return e;
    }
    after.interfaceIndex = std::uint32_t(*proposed.ifIndex);
  }
  if (proposed.type && *proposed.type != entry.type) {
    const bool discards = entry.type == kReject || entry.type == kBlackhole;
    if (!discards || (*proposed.type != kReject && *proposed.type != kBlackhole)) return at(kType);
    after.type = *proposed.type == kReject ? RouteType::Unreachable : RouteType::Blackhole;
  }
  if (proposed.metric1) after.metric = metricOf(proposed.metric1);
  if (comparable(after) == comparable(before)) return SetError::NoError;
  WriteAction action;
  action.order = WriteAction::Order::Modify;
  action.description = "change " + describe(before) + " to " + describe(after);
  action.recheck = unchanged(before);
  action.apply = [backend, before, after] { return backend->setIpForwardEntry2(before, after); };
  action.undo = [backend, before, after] { return backend->setIpForwardEntry2(after, before); };
  action.write = failedWrite;
  actions.push_back(std::move(action));
  return SetError::NoError;
}

// States B/C: a row the agent holds (createAndWait, or suspended with notInService).
SetError InetCidrRouteWriter::planPending(const Oid& row, const RouteIndex& index,
                                          std::optional<RowStatus> status, const Settings& proposed,
                                          const RequestContext& context, std::vector<WriteAction>& actions) {
  if (status == RowStatus::CreateAndGo || status == RowStatus::CreateAndWait)
    return SetError::InconsistentValue;
  const Pending before = pending_.at(row);
  Pending after{before.settings, context.now()};
  if (proposed.ifIndex) after.settings.ifIndex = proposed.ifIndex;
  if (proposed.type) after.settings.type = proposed.type;
  if (proposed.metric1) after.settings.metric1 = proposed.metric1;
  // Still held at ACTION time (the idle expiry runs between the phases of an AgentX SET).
  auto stillPending = [this, row] {
    return pending_.contains(row) ? SetError::NoError : SetError::InconsistentValue;
  };

  WriteAction action;
  action.recheck = stillPending;
  if (status == RowStatus::Destroy) {
    action.order = WriteAction::Order::Delete;
    action.description = "forget the agent-held row " + row.toString();
    action.apply = [this, row] {
      erasePending(row);
      return Result::success();
    };
    action.undo = [this, row, index, before] {
      storePending(row, index, before);
      return Result::success();
    };
    actions.push_back(std::move(action));
    return SetError::NoError;
  }
  RouteRow route;
  bool ready = false;
  const SetError consistent = routeFor(index, after.settings, route, ready);
  if (status == RowStatus::Active) {
    if (consistent != SetError::NoError) return consistent;
    if (!ready) return SetError::InconsistentValue; // notReady cannot become active
    platform::Backend* backend = backend_;
    action.order = WriteAction::Order::Create;
    action.description = "create " + describe(route) + " (activating an agent-held row)";
    action.apply = [this, backend, route, row] {
      Result r = backend->createIpForwardEntry2(route);
      if (r.ok()) erasePending(row);
      return r;
    };
    action.undo = [this, backend, route, row, index, before] {
      Result r = backend->deleteIpForwardEntry2(route);
      storePending(row, index, before);
      return r;
    };
    actions.push_back(std::move(action));
    return SetError::NoError;
  }
  // Column updates, or notInService: the row stays in the agent. Values that contradict the index
  // are refused now rather than when the row is activated; a missing type only keeps it notReady.
  if (consistent != SetError::NoError) return consistent;
  if (status == RowStatus::NotInService && !ready) return SetError::InconsistentValue;
  action.order = WriteAction::Order::Modify;
  action.description = "update the agent-held row " + row.toString();
  action.apply = [this, row, index, after] {
    storePending(row, index, after);
    return Result::success();
  };
  action.undo = [this, row, index, before] {
    storePending(row, index, before);
    return Result::success();
  };
  actions.push_back(std::move(action));
  return SetError::NoError;
}

// State A: no such row.
SetError InetCidrRouteWriter::planNew(const Oid& row, const RouteIndex& index,
                                      std::optional<RowStatus> status, const Settings& proposed,
                                      const RequestContext& context, std::vector<WriteAction>& actions) {
  if (!status) return SetError::NoCreation; // a column of a row that does not exist, no RowStatus
  if (status == RowStatus::Destroy) return SetError::NoError;
  if (status == RowStatus::Active || status == RowStatus::NotInService) return SetError::InconsistentValue;
  // New rows are created in the short policy form only: the collision form depends on other rows.
  if (!index.shortPolicy) return SetError::InconsistentName;
  RouteRow route;
  bool ready = false;
  if (SetError e = routeFor(index, proposed, route, ready); e != SetError::NoError) return e;
  // Appeared meanwhile (a notification between RESERVE2 and ACTION): not ours to overwrite.
  const IndexKey key = encodeIndexKey(row.view());
  auto absent = [this, key, row] {
    return table_.rows().find(key) || pending_.contains(row) ? SetError::InconsistentValue
                                                             : SetError::NoError;
  };
  WriteAction action;
  action.order = WriteAction::Order::Create;
  action.recheck = absent;
  if (status == RowStatus::CreateAndWait) {
    const Pending pending{proposed, context.now()};
    action.description = "hold the new row " + row.toString() + " in the agent (createAndWait)";
    action.apply = [this, row, index, pending] {
      storePending(row, index, pending);
      return Result::success();
    };
    action.undo = [this, row] {
      erasePending(row);
      return Result::success();
    };
  } else {
    if (!ready) return SetError::InconsistentValue; // createAndGo without enough information
    platform::Backend* backend = backend_;
    action.description = "create " + describe(route);
    action.apply = [backend, route] { return backend->createIpForwardEntry2(route); };
    action.undo = [backend, route] { return backend->deleteIpForwardEntry2(route); };
  }
  actions.push_back(std::move(action));
  return SetError::NoError;
}

} // namespace ipmibd::tables
