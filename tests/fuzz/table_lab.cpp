// TableLab: the simulated host every table fuzz target starts from, and its snapshots.
#include "tests/fuzz/table_lab.h"

#include "platform/cli/format.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_forward_mib/ip_cidr_route_table.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tables/rfc1213_mib/ip_route_table.h"
#include "tests/fuzz/fuzz_input.h"

#include <sstream>

namespace ipmibd::fuzz {

namespace {

// lo = 1, eth0 = 2, eth1 = 3, dummy0 = 4: IPv4 and IPv6 addresses, remote/on-link/blackhole/
// IPv6 link-local-next-hop routes (203.0.113.0 with two prefix lengths and metrics: one
// ipRouteTable row for three routes), static IPv4/IPv6 default routers and one learned from a router
// advertisement (expires: it runs out as the fuzzers advance the clock), static, dynamic and
// unresolved neighbors. Instance OIDs of
// these rows are what tests/fuzz/seeds.py puts in the seed corpora.
const char* kScenario = R"(
link add eth0 type ether
link set eth0 up
link add eth1 type ether
link set eth1 up
link add dummy0 type dummy
addr add 192.0.2.2/24 dev eth0
addr add 198.51.100.2/24 dev eth1
addr add 2001:db8:1::2/64 dev eth1
route add default via 192.0.2.1 dev eth0
route add 203.0.113.0/24 via 198.51.100.1 dev eth1 proto static metric 7
route add 203.0.113.0/26 via 192.0.2.9 dev eth0 proto static
route add 203.0.113.0/26 via 198.51.100.9 dev eth1 proto static metric 3
route add blackhole 10.3.0.0/16
route add 2001:db8:99::/48 via fe80::1 dev eth1
route add default via 2001:db8:1::fe dev eth1 metric 2048
route add default via fe80::1 dev eth1 proto ra metric 1024 expires 1800 pref high
neigh add 192.0.2.7 lladdr 02:00:00:00:00:07 dev eth0
neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev eth0 nud reachable
neigh add 192.0.2.9 dev eth0 nud incomplete
neigh add fe80::1 lladdr 02:00:00:00:01:01 dev eth1 nud reachable router
)";

// The names of TableSet::objects(), in order: the fuzz inputs pick an object by its position, so
// tests/fuzz/seeds.py reads this list (between the markers) to aim its seeds, and the lab refuses
// to run when the agent's order changed without it (every committed seed would hit another object).
// seeds.py objects begin
const char* const kObjectOrder[] = {
    "inetCidrRouteNumber",
    "inetCidrRouteTable",
    "inetCidrRouteDiscards",
    "ipForwarding",
    "ipDefaultTTL",
    "ipReasmTimeout",
    "ipv6IpForwarding",
    "ipv6IpDefaultHopLimit",
    "ipInReceives",
    "ipInHdrErrors",
    "ipInAddrErrors",
    "ipForwDatagrams",
    "ipInUnknownProtos",
    "ipInDiscards",
    "ipInDelivers",
    "ipOutRequests",
    "ipOutDiscards",
    "ipOutNoRoutes",
    "ipReasmReqds",
    "ipReasmOKs",
    "ipReasmFails",
    "ipFragOKs",
    "ipFragFails",
    "ipFragCreates",
    "ipRoutingDiscards",
    "ipAddrTable",
    "ipRouteTable",
    "ipNetToMediaTable",
    "ipCidrRouteNumber",
    "ipCidrRouteTable",
    "ipv4InterfaceTableLastChange",
    "ipv4InterfaceTable",
    "ipv6InterfaceTableLastChange",
    "ipv6InterfaceTable",
    "ipSystemStatsTable",
    "ipIfStatsTableLastChange",
    "ipIfStatsTable",
    "ipAddressPrefixTable",
    "ipAddressSpinLock",
    "ipAddressTable",
    "ipNetToPhysicalTable",
    "ipv6ScopeZoneIndexTable",
    "ipDefaultRouterTable",
};
// seeds.py objects end

template <class Row>
std::string rowsDifference(const char* what, const std::vector<Row>& a, const std::vector<Row>& b) {
  if (a == b) return {};
  std::ostringstream out;
  const platform::cli::InterfaceNames names;
  out << what << ": " << a.size() << " rows before, " << b.size() << " after\n";
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size() && i < b.size() && a[i] == b[i]) continue;
    if constexpr (requires { platform::cli::describe(a[0], names); }) {
      if (i < a.size()) out << "  before: " << platform::cli::describe(a[i], names) << "\n";
      if (i < b.size()) out << "  after:  " << platform::cli::describe(b[i], names) << "\n";
    } else {
      out << "  row " << i << " differs\n";
    }
  }
  return out.str();
}

// The columns served from the timestamps platformState() leaves out (inetCidrRouteAge and its
// views' ipCidrRouteAge and ipRouteAge, ipNetToPhysicalLastUpdated).
bool restampedByRollback(const tables::Oid& oid) {
  static const tables::Oid age = tables::InetCidrRouteTable::entryOid() + tables::Oid{10};
  static const tables::Oid cidrAge = tables::IpCidrRouteTable::entryOid() + tables::Oid{8};
  static const tables::Oid rfc1213Age = tables::IpRouteTable::entryOid() + tables::Oid{10};
  static const tables::Oid updated = tables::IpNetToPhysicalTable::entryOid() + tables::Oid{5};
  return age.isPrefixOf(oid) || cidrAge.isPrefixOf(oid) || rfc1213Age.isPrefixOf(oid) ||
         updated.isPrefixOf(oid);
}

} // namespace

TableLab::TableLab() {
  platform::Result error;
  platform::sim::SimOptions options;
  options.manualClock = true;
  backend_ = platform::sim::SimBackend::fromScenario(kScenario, "table_lab", error, options);
  FUZZ_CHECK(backend_ != nullptr, error.toString());
  started_ = backend_->now();
  std::vector<std::string> attachErrors;
  tables_ = std::make_unique<agent::TableSet>(*backend_, attachErrors);
  FUZZ_CHECK(attachErrors.empty(), attachErrors.front());
  objects_ = tables_->objects();
  std::string order;
  bool same = objects_.size() == std::size(kObjectOrder);
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    order += " " + std::string(objects_[i]->name());
    same = same && objects_[i]->name() == kObjectOrder[i];
  }
  FUZZ_CHECK(same,
             "TableSet::objects() is now" + order + ": update kObjectOrder and rerun tests/fuzz/seeds.py");
  settle();
}

void TableLab::settle() {
  for (int round = 0; round < 1000; ++round) {
    bool more = backend_->dispatch(std::chrono::milliseconds(20));
    more = tables_->applyPending(std::chrono::milliseconds(20)) || more;
    if (!more) return;
  }
  FUZZ_CHECK(false, "the tables never settled");
}

void TableLab::advance(std::chrono::milliseconds step) {
  backend_->advance(step);
  settle();
}

PlatformState TableLab::platformState() {
  PlatformState s;
  const auto all = platform::Family::Unspecified;
  FUZZ_CHECK(backend_->getIfTable2(s.interfaces).ok());
  FUZZ_CHECK(backend_->getIpInterfaceTable(all, s.ipInterfaces).ok());
  FUZZ_CHECK(backend_->getUnicastIpAddressTable(all, s.addresses).ok());
  FUZZ_CHECK(backend_->getIpNetTable2(all, s.neighbors).ok());
  FUZZ_CHECK(backend_->getIpForwardTable2(all, s.routes).ok());
  s.v4.family = platform::Family::V4;
  s.v6.family = platform::Family::V6;
  FUZZ_CHECK(backend_->getIpGlobalSettings(s.v4).ok());
  FUZZ_CHECK(backend_->getIpGlobalSettings(s.v6).ok());
  // When the backend last saw a row change is no part of the state a SET restores: a rollback that
  // re-creates a deleted route or re-sets a neighbor stamps them anew, on Linux as here.
  for (auto& row : s.ipInterfaces)
    row.lastChange = {};
  for (auto& row : s.neighbors)
    row.lastUpdated = {};
  for (auto& row : s.routes)
    row.created = {};
  return s;
}

std::vector<tables::VarBind> TableLab::walkWritable() const {
  std::vector<tables::VarBind> out;
  const tables::RequestContext now = context();
  for (const tables::MibObject* object : objects_) {
    if (!object->writer()) continue;
    tables::Oid at = object->base();
    while (auto next = object->getNextOid(at, now)) {
      FUZZ_CHECK(next->oid > at, "GETNEXT went backwards from " + at.toString());
      at = next->oid;
      if (!restampedByRollback(next->oid)) out.push_back(std::move(*next));
    }
  }
  return out;
}

std::string TableLab::difference(const PlatformState& a, const PlatformState& b) {
  std::string out = rowsDifference("interfaces", a.interfaces, b.interfaces) +
                    rowsDifference("ip interfaces", a.ipInterfaces, b.ipInterfaces) +
                    rowsDifference("addresses", a.addresses, b.addresses) +
                    rowsDifference("neighbors", a.neighbors, b.neighbors) +
                    rowsDifference("routes", a.routes, b.routes);
  if (!(a.v4 == b.v4) || !(a.v6 == b.v6)) out += "global settings differ\n";
  return out;
}

std::string TableLab::difference(const std::vector<tables::VarBind>& a,
                                 const std::vector<tables::VarBind>& b) {
  std::string out;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].oid < b[j].oid)) {
      out += "  gone:    " + a[i].oid.toString() + " = " + a[i].value.toString() + "\n";
      ++i;
    } else if (i == a.size() || b[j].oid < a[i].oid) {
      out += "  new:     " + b[j].oid.toString() + " = " + b[j].value.toString() + "\n";
      ++j;
    } else {
      if (!(a[i].value == b[j].value))
        out += "  changed: " + a[i].oid.toString() + " = " + a[i].value.toString() + " -> " +
               b[j].value.toString() + "\n";
      ++i, ++j;
    }
  }
  return out;
}

} // namespace ipmibd::fuzz
