// The list of table units ipmibd serves; adding a MIB table to the daemon means adding it here.
#include "agent/common/table_set.h"

#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_forward_mib/ip_cidr_route_table.h"
#include "tables/ip_mib/ip_addr_table.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tables/ip_mib/ip_default_router_table.h"
#include "tables/ip_mib/ip_if_stats_table.h"
#include "tables/ip_mib/ip_interface_tables.h"
#include "tables/ip_mib/ip_net_to_media_table.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tables/ip_mib/ip_scalars.h"
#include "tables/ip_mib/ip_v4_counters.h"
#include "tables/ip_mib/ipv6_scope_zone_index_table.h"
#include "tables/notify/change_watches.h"
#include "tables/rfc1213_mib/ip_route_table.h"

namespace ipmibd::agent {

class TableSet::Unit {
public:
  virtual ~Unit() = default;
  virtual std::string_view name() const = 0; // for attach errors
  virtual platform::Result attach(platform::Backend& backend) = 0;
  virtual bool applyPending(std::chrono::steady_clock::duration budget) = 0;
  virtual bool fed() const = 0; // kept current by change notifications (has queued work to apply)
  virtual void setRowIdleTimeout(std::chrono::seconds timeout) = 0; // units holding agent-side rows
  virtual void watch(tables::ChangeNotifier& notifier) = 0;         // units with notifications
  virtual void appendObjects(std::vector<const tables::MibObject*>& out) const = 0;
  // One UnitStatus per conceptual table the unit serves (none for a unit of scalars only).
  virtual void appendStatus(std::vector<TableSet::UnitStatus>& out) const = 0;
};

namespace {

using Status = TableSet::UnitStatus;

// What each unit reports in ipmibdTableTable: one row per conceptual table (the MIB's promise).
// Units that keep two tables current from one change queue report that queue's pending count and
// loading state on both rows: the queued changes are not yet applied to either table.
void appendStatusOf(const tables::InetCidrRouteTable& u, std::vector<Status>& out) {
  out.push_back({"inetCidrRouteTable", u.rowCount(), u.pending(), u.loading()});
}
void appendStatusOf(const tables::IpNetToPhysicalTable& u, std::vector<Status>& out) {
  out.push_back({"ipNetToPhysicalTable", u.rowCount(), u.pending(), u.loading()});
}
void appendStatusOf(const tables::IpAddressTables& u, std::vector<Status>& out) {
  out.push_back({"ipAddressPrefixTable", u.prefixCount(), u.pending(), u.loading()});
  out.push_back({"ipAddressTable", u.rowCount(), u.pending(), u.loading()});
}
void appendStatusOf(const tables::IpInterfaceTables& u, std::vector<Status>& out) {
  out.push_back({"ipv4InterfaceTable", u.rowCount(platform::Family::V4), u.pending(), u.loading()});
  out.push_back({"ipv6InterfaceTable", u.rowCount(platform::Family::V6), u.pending(), u.loading()});
}
void appendStatusOf(const tables::Ipv6ScopeZoneIndexTable& u, std::vector<Status>& out) {
  out.push_back({"ipv6ScopeZoneIndexTable", u.rowCount(), u.pending(), u.loading()});
}
void appendStatusOf(const tables::IpDefaultRouterTable& u, std::vector<Status>& out) {
  out.push_back({"ipDefaultRouterTable", u.rowCount(), u.pending(), u.loading()});
}
// Statistics are read on demand (nothing announces their changes): nothing is ever pending or
// loading; the row counts are those of the last snapshot.
void appendStatusOf(const tables::IpStatisticsTables& u, std::vector<Status>& out) {
  out.push_back({"ipSystemStatsTable", u.systemRowCount(), 0, false});
  out.push_back({"ipIfStatsTable", u.interfaceRowCount(), 0, false});
}
// ipForwarding & co. are scalars, not a conceptual table: no ipmibdTableTable row.
void appendStatusOf(const tables::IpScalars&, std::vector<Status>&) {}
void appendStatusOf(const tables::IpV4Counters&, std::vector<Status>&) {}
// The deprecated views hold no rows of their own: their rows are counted in the viewed table (one
// pass over it: a status read is rare), the viewed unit's queue is theirs.
void appendStatusOf(const tables::IpAddrTable& u, std::vector<Status>& out) {
  out.push_back({"ipAddrTable", u.rowCount(), u.addresses().pending(), u.addresses().loading()});
}
void appendStatusOf(const tables::IpNetToMediaTable& u, std::vector<Status>& out) {
  out.push_back({"ipNetToMediaTable", u.rowCount(), u.neighbors().pending(), u.neighbors().loading()});
}

// Adapts any table unit with the tables/ unit shape (attach, objects; applyPending for units fed
// by change notifications, absent for units that read the backend on demand) to TableSet::Unit.
template <class T> class UnitModel final : public TableSet::Unit {
public:
  // `args`: what T's constructor takes (the units a view reads).
  template <class... Args>
  explicit UnitModel(std::string_view name, Args&&... args)
      : name_(name), unit_(std::forward<Args>(args)...) {}
  std::string_view name() const override { return name_; }
  platform::Result attach(platform::Backend& backend) override { return unit_.attach(backend); }
  bool applyPending(std::chrono::steady_clock::duration budget) override {
    if constexpr (requires { unit_.applyPending(budget); })
      return unit_.applyPending(budget);
    else
      return false;
  }
  bool fed() const override {
    return requires(T & u) { u.applyPending(std::chrono::steady_clock::duration{}); };
  }
  void setRowIdleTimeout(std::chrono::seconds timeout) override {
    if constexpr (requires { unit_.setRowIdleTimeout(timeout); }) unit_.setRowIdleTimeout(timeout);
  }
  void watch(tables::ChangeNotifier& notifier) override {
    if constexpr (requires { tables::watchChanges(unit_, notifier); })
      watch_ = tables::watchChanges(unit_, notifier);
  }
  void appendObjects(std::vector<const tables::MibObject*>& out) const override {
    for (const tables::MibObject* object : unit_.objects())
      out.push_back(object);
  }
  void appendStatus(std::vector<Status>& out) const override { appendStatusOf(unit_, out); }
  T& unit() { return unit_; }

private:
  std::string_view name_;
  T unit_;
  std::unique_ptr<tables::ChangeWatch> watch_; // declared after unit_: detaches before it goes
};

template <class T> std::unique_ptr<UnitModel<T>> makeUnit(std::string_view name) {
  return std::make_unique<UnitModel<T>>(name);
}

// A view of the route unit's rows (ipRouteTable, ipCidrRouteTable): nothing of its own to attach,
// feed or announce; its changes are the route unit's (announced as inetCidrRouteTable rows), so it
// reports that unit's queue and loading state.
template <class T> class RouteViewModel final : public TableSet::Unit {
public:
  RouteViewModel(std::string_view name, tables::InetCidrRouteTable& routes)
      : name_(name), routes_(routes), view_(routes) {}
  std::string_view name() const override { return name_; }
  platform::Result attach(platform::Backend&) override { return platform::Result::success(); }
  bool applyPending(std::chrono::steady_clock::duration) override { return false; }
  bool fed() const override { return false; }
  void setRowIdleTimeout(std::chrono::seconds) override {}
  void watch(tables::ChangeNotifier&) override {}
  void appendObjects(std::vector<const tables::MibObject*>& out) const override {
    for (const tables::MibObject* object : view_.objects())
      out.push_back(object);
  }
  void appendStatus(std::vector<Status>& out) const override {
    out.push_back({name_, view_.rowCount(), routes_.pending(), routes_.loading()});
  }

private:
  std::string_view name_;
  const tables::InetCidrRouteTable& routes_;
  T view_;
};

} // namespace

TableSet::TableSet(platform::Backend& backend, std::vector<std::string>& attachErrors,
                   std::uint32_t routeTable) {
  // inetCidrRouteTable stays first: its ipmibdTableIndex is 1 (tests and operators rely on it).
  // The others follow in OID order below ip (1.3.6.1.2.1.4). The deprecated views read the units
  // they view, which are therefore made first and listed at their own OIDs.
  auto scalars = makeUnit<tables::IpScalars>("ipScalars");
  auto interfaces = makeUnit<tables::IpInterfaceTables>("ipv4/ipv6InterfaceTable");
  auto statistics = makeUnit<tables::IpStatisticsTables>("ipSystemStats/ipIfStatsTable");
  auto addresses = makeUnit<tables::IpAddressTables>("ipAddressPrefix/ipAddressTable");
  auto neighbors = makeUnit<tables::IpNetToPhysicalTable>("ipNetToPhysicalTable");
  addressTables_ = &addresses->unit();
  auto counters = std::make_unique<UnitModel<tables::IpV4Counters>>("ip counters", statistics->unit());
  auto addrTable =
      std::make_unique<UnitModel<tables::IpAddrTable>>("ipAddrTable", addresses->unit(), interfaces->unit());
  auto media = std::make_unique<UnitModel<tables::IpNetToMediaTable>>("ipNetToMediaTable", neighbors->unit());
  auto routes = makeUnit<tables::InetCidrRouteTable>("inetCidrRouteTable");
  tables::InetCidrRouteTable& routeUnit = routes->unit();
  routeUnit.setRouteTable(routeTable);
  units_.push_back(std::move(routes));
  units_.push_back(std::move(scalars));   // .1 .2 .13 .25 .26
  units_.push_back(std::move(counters));  // .3-.12 .14-.19 .23
  units_.push_back(std::move(addrTable)); // .20
  // The deprecated route tables: views reading the route unit's rows on every request.
  units_.push_back(std::make_unique<RouteViewModel<tables::IpRouteTable>>("ipRouteTable", routeUnit)); // .21
  units_.push_back(std::move(media));                                                                  // .22
  units_.push_back(std::make_unique<RouteViewModel<tables::IpCidrRouteTable>>("ipCidrRouteTable",
                                                                              routeUnit)); // .24.3 .24.4
  units_.push_back(std::move(interfaces));                                                 // .27-.30
  units_.push_back(std::move(statistics));                                                 // .31
  units_.push_back(std::move(addresses));                                                  // .32-.34
  units_.push_back(std::move(neighbors));                                                  // .35
  units_.push_back(makeUnit<tables::Ipv6ScopeZoneIndexTable>("ipv6ScopeZoneIndexTable"));  // .36
  units_.push_back(makeUnit<tables::IpDefaultRouterTable>("ipDefaultRouterTable"));        // .37
  for (auto& unit : units_) {
    const platform::Result result = unit->attach(backend);
    if (!result.ok()) attachErrors.push_back(std::string(unit->name()) + ": " + result.toString());
  }
}

TableSet::~TableSet() = default;

void TableSet::setRowIdleTimeout(std::chrono::seconds timeout) {
  for (auto& unit : units_)
    unit->setRowIdleTimeout(timeout);
}

bool TableSet::applyPending(std::chrono::steady_clock::duration budget) {
  // Split the budget among the units fed by change notifications so one big initial dump cannot
  // starve the other units' change batches (units read on demand have nothing queued).
  long fed = 0;
  for (const auto& unit : units_)
    fed += unit->fed() ? 1 : 0;
  const auto share = fed == 0 ? budget : budget / fed;
  bool more = false;
  for (auto& unit : units_)
    if (unit->fed()) more = unit->applyPending(share) || more;
  return more;
}

void TableSet::watch(tables::ChangeNotifier& notifier) {
  for (auto& unit : units_)
    unit->watch(notifier);
}

std::vector<const tables::MibObject*> TableSet::objects() const {
  std::vector<const tables::MibObject*> out;
  for (const auto& unit : units_)
    unit->appendObjects(out);
  return out;
}

std::vector<TableSet::UnitStatus> TableSet::status() const {
  std::vector<UnitStatus> out;
  for (const auto& unit : units_)
    unit->appendStatus(out);
  return out;
}

} // namespace ipmibd::agent
