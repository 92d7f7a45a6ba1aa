// Unit tests of the served-object listing (ipmibd --objects): its lines, and that it covers what
// the daemon serves.
#include "agent/common/object_list.h"

#include "agent/common/table_set.h"
#include "platform/sim/sim_backend.h"
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace ipmibd::agent;
using ipmibd::tables::Access;
using ipmibd::tables::Column;
using ipmibd::tables::MibScalar;
using ipmibd::tables::MibTable;
using ipmibd::tables::Oid;
using ipmibd::tables::Syntax;
using Kind = ListedObject::Kind;

namespace {
struct Row {};
const Column<Row> kColumns[] = {
    {1, "exampleIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "exampleName", Syntax::OctetString, Access::ReadOnly},
    {4, "exampleStatus", Syntax::Integer32, Access::ReadCreate},
};

const ListedObject* find(const std::vector<ListedObject>& list, std::string_view name) {
  auto it = std::ranges::find(list, name, &ListedObject::name);
  return it == list.end() ? nullptr : &*it;
}
// The listed object named `name`, or an empty one (compares unequal to anything expected).
ListedObject named(const std::vector<ListedObject>& list, std::string_view name) {
  const ListedObject* found = find(list, name);
  return found ? *found : ListedObject{{}, "", Kind::Scalar, Access::NotAccessible};
}
Oid ip(std::initializer_list<ipmibd::tables::SubId> below) { return Oid{1, 3, 6, 1, 2, 1, 4} + Oid(below); }
} // namespace

TEST_CASE("objects: a table lists as table, entry and declared columns, a scalar as itself",
          "[agent][objects]") {
  const MibTable<Row> table(Oid{1, 3, 6, 1, 4, 1, 99, 2, 1}, "exampleTable", kColumns);
  const MibScalar scalar(Oid{1, 3, 6, 1, 4, 1, 99, 1}, "exampleCount", Syntax::Gauge32, Access::ReadWrite,
                         {});
  const auto list = listObjects({&table, &scalar}); // sorted, whatever the registration order
  CHECK(objectListText(list) == "1.3.6.1.4.1.99.1 exampleCount scalar read-write\n"
                                "1.3.6.1.4.1.99.2 exampleTable table not-accessible\n"
                                "1.3.6.1.4.1.99.2.1 exampleEntry entry not-accessible\n"
                                "1.3.6.1.4.1.99.2.1.1 exampleIndex column not-accessible\n"
                                "1.3.6.1.4.1.99.2.1.2 exampleName column read-only\n"
                                "1.3.6.1.4.1.99.2.1.4 exampleStatus column read-create\n");
}

TEST_CASE("objects: every object the daemon serves, named as its unit declares it", "[agent][objects]") {
  const auto list = servedObjects();
  CHECK(std::ranges::is_sorted(list, {}, &ListedObject::oid));
  CHECK(std::ranges::adjacent_find(list, {}, &ListedObject::oid) == list.end());

  CHECK(named(list, "inetCidrRouteTable") ==
        ListedObject{ip({24, 7}), "inetCidrRouteTable", Kind::Table, Access::NotAccessible});
  CHECK(named(list, "inetCidrRouteEntry") ==
        ListedObject{ip({24, 7, 1}), "inetCidrRouteEntry", Kind::Entry, Access::NotAccessible});
  CHECK(named(list, "inetCidrRouteDestType") ==
        ListedObject{ip({24, 7, 1, 1}), "inetCidrRouteDestType", Kind::Column, Access::NotAccessible});
  CHECK(named(list, "inetCidrRouteIfIndex") ==
        ListedObject{ip({24, 7, 1, 7}), "inetCidrRouteIfIndex", Kind::Column, Access::ReadCreate});
  CHECK(named(list, "ipForwarding") ==
        ListedObject{ip({1}), "ipForwarding", Kind::Scalar, Access::ReadWrite});
  // The deprecated views, the statistics tables behind their refresh, and IPMIBD-MIB.
  for (const char* name : {"ipRouteDest", "ipCidrRouteStatus", "ipAdEntAddr", "ipNetToMediaPhysAddress",
                           "ipSystemStatsInReceives", "ipIfStatsTableLastChange", "ipmibdVersion",
                           "ipmibdTableName", "ipmibdNotifyRate", "inetCidrRouteNumber"}) {
    INFO(name);
    CHECK(find(list, name));
  }

  // Every conceptual table ipmibdTableTable reports is listed as a table.
  ipmibd::platform::sim::SimBackend backend;
  std::vector<std::string> errors;
  const TableSet tables(backend, errors);
  for (const TableSet::UnitStatus& status : tables.status()) {
    INFO(status.name);
    const ListedObject* table = find(list, status.name);
    REQUIRE(table);
    CHECK(table->kind == Kind::Table);
  }
}
