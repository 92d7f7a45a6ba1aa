// MibTable and MibScalar: GET/GETNEXT over gaps, column boundaries, partial, over-long and huge indexes.
#include "tables/engine/scalar.h"
#include "tables/engine/table.h"

#include <catch2/catch.hpp>

using namespace ipmibd::tables;

namespace {

struct ToyRow {
  std::int32_t a = 0;
  bool hasB = true;
};

std::optional<Value> aOf(const ToyRow& r, const RequestContext&) { return Value::integer32(r.a); }
std::optional<Value> bOf(const ToyRow& r, const RequestContext&) {
  if (!r.hasB) return std::nullopt;
  return Value::gauge32(std::uint32_t(r.a) * 10);
}
std::optional<Value> notifyOnly(const ToyRow&, const RequestContext&) { return Value::integer32(99); }

// Entry 1.2.3.1: column 1 index (not-accessible), 2 a, 3 accessible-for-notify, 4 b (absent on
// some rows), 5 missing (gap), 6 a again.
const Column<ToyRow> kToyColumns[] = {
    {1, "toyIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "toyA", Syntax::Integer32, Access::ReadOnly, &aOf},
    {3, "toyNotify", Syntax::Integer32, Access::AccessibleForNotify, &notifyOnly},
    {4, "toyB", Syntax::Gauge32, Access::ReadWrite, &bOf},
    {6, "toyLast", Syntax::Integer32, Access::ReadCreate, &aOf},
};

struct Fixture {
  MibTable<ToyRow> table{Oid{1, 2, 3, 1}, "toyTable", kToyColumns};
  RequestContext context = RequestContext::current(ipmibd::platform::Clock::now());
  Fixture() {
    table.rows().upsert(encodeIndexKey(Oid{1}.view()), ToyRow{1, true});
    table.rows().upsert(encodeIndexKey(Oid{2, 5}.view()), ToyRow{25, false});
    table.rows().upsert(encodeIndexKey(Oid{10}.view()), ToyRow{10, true});
  }
  // GETNEXT from a full OID; "" when exhausted.
  std::string next(const Oid& from) {
    auto vb = table.getNextOid(from, context);
    return vb ? vb->oid.toString() : "";
  }
  // Walks the whole table.
  std::vector<std::string> walk() {
    std::vector<std::string> out;
    Oid at{1, 2, 3};
    while (auto vb = table.getNextOid(at, context)) {
      out.push_back(vb->oid.toString() + "=" + vb->value.toString());
      at = vb->oid;
    }
    return out;
  }
};

} // namespace

TEST_CASE_METHOD(Fixture, "MibTable walk visits readable columns in order, skipping absent cells",
                 "[table]") {
  std::vector<std::string> expected = {
      "1.2.3.1.2.1=INTEGER: 1",    "1.2.3.1.2.2.5=INTEGER: 25", "1.2.3.1.2.10=INTEGER: 10",
      "1.2.3.1.4.1=Gauge32: 10",   "1.2.3.1.4.10=Gauge32: 100", "1.2.3.1.6.1=INTEGER: 1",
      "1.2.3.1.6.2.5=INTEGER: 25", "1.2.3.1.6.10=INTEGER: 10",
  };
  CHECK(walk() == expected);
}

TEST_CASE_METHOD(Fixture, "MibTable GET answers values, noSuchObject and noSuchInstance", "[table]") {
  CHECK(table.getOid(Oid{1, 2, 3, 1, 2, 2, 5}, context) == GetResult{Value::integer32(25)});
  CHECK(std::holds_alternative<NoSuchInstance>(table.getOid(Oid{1, 2, 3, 1, 2, 2}, context))); // partial
  CHECK(std::holds_alternative<NoSuchInstance>(
      table.getOid(Oid{1, 2, 3, 1, 2, 2, 5, 0}, context))); // over-long
  CHECK(
      std::holds_alternative<NoSuchInstance>(table.getOid(Oid{1, 2, 3, 1, 4, 2, 5}, context))); // absent cell
  CHECK(std::holds_alternative<NoSuchInstance>(table.getOid(Oid{1, 2, 3, 1, 2}, context)));     // no index
  CHECK(std::holds_alternative<NoSuchObject>(table.getOid(Oid{1, 2, 3, 1, 1, 1}, context))); // not-accessible
  CHECK(std::holds_alternative<NoSuchObject>(table.getOid(Oid{1, 2, 3, 1, 3, 1}, context))); // notify-only
  CHECK(std::holds_alternative<NoSuchObject>(table.getOid(Oid{1, 2, 3, 1, 5, 1}, context))); // gap
  CHECK(std::holds_alternative<NoSuchObject>(table.getOid(Oid{1, 2, 3, 1}, context)));
  CHECK(std::holds_alternative<NoSuchObject>(table.getOid(Oid{1, 2, 4}, context)));
}

TEST_CASE_METHOD(Fixture, "MibTable GETNEXT from anywhere", "[table]") {
  // Before the table, at the table and entry OIDs, before the first column.
  CHECK(next(Oid{1}) == "1.2.3.1.2.1");
  CHECK(next(Oid{1, 2, 3}) == "1.2.3.1.2.1");
  CHECK(next(Oid{1, 2, 3, 0, 99}) == "1.2.3.1.2.1");
  CHECK(next(Oid{1, 2, 3, 1}) == "1.2.3.1.2.1");
  CHECK(next(Oid{1, 2, 3, 1, 0}) == "1.2.3.1.2.1");
  CHECK(next(Oid{1, 2, 3, 1, 1, 4294967295u}) == "1.2.3.1.2.1"); // inside a not-accessible column
  // Within a column: exact, partial, over-long, malformed and huge index parts.
  CHECK(next(Oid{1, 2, 3, 1, 2}) == "1.2.3.1.2.1");
  CHECK(next(Oid{1, 2, 3, 1, 2, 1}) == "1.2.3.1.2.2.5");
  CHECK(next(Oid{1, 2, 3, 1, 2, 2}) == "1.2.3.1.2.2.5");
  CHECK(next(Oid{1, 2, 3, 1, 2, 1, 0, 0, 0}) == "1.2.3.1.2.2.5");
  CHECK(next(Oid{1, 2, 3, 1, 2, 2, 5, 0}) == "1.2.3.1.2.10");
  CHECK(next(Oid{1, 2, 3, 1, 2, 3, 4294967295u, 4294967295u}) == "1.2.3.1.2.10");
  CHECK(next(Oid{1, 2, 3, 1, 2, 0}) == "1.2.3.1.2.1");
  // Column boundaries: last row of a column moves to the next readable column.
  CHECK(next(Oid{1, 2, 3, 1, 2, 10}) == "1.2.3.1.4.1");
  CHECK(next(Oid{1, 2, 3, 1, 2, 4294967295u}) == "1.2.3.1.4.1");
  CHECK(next(Oid{1, 2, 3, 1, 3}) == "1.2.3.1.4.1");     // notify-only column is skipped
  CHECK(next(Oid{1, 2, 3, 1, 4, 1}) == "1.2.3.1.4.10"); // absent cell 2.5 skipped
  CHECK(next(Oid{1, 2, 3, 1, 5, 7}) == "1.2.3.1.6.1");  // gap between columns
  // After the last instance / past the table.
  CHECK(next(Oid{1, 2, 3, 1, 6, 10}) == "");
  CHECK(next(Oid{1, 2, 3, 1, 7}) == "");
  CHECK(next(Oid{1, 2, 3, 1, 4294967295u}) == "");
  CHECK(next(Oid{1, 2, 3, 2}) == "");
  CHECK(next(Oid{1, 2, 4}) == "");
}

TEST_CASE("MibTable of no rows answers nothing", "[table]") {
  MibTable<ToyRow> table{Oid{1, 2, 3, 1}, "toyTable", kToyColumns};
  auto context = RequestContext::current(ipmibd::platform::Clock::now());
  CHECK_FALSE(table.getNextOid(Oid{}, context));
  CHECK(std::holds_alternative<NoSuchInstance>(table.getOid(Oid{1, 2, 3, 1, 2, 1}, context)));
}

TEST_CASE("MibScalar serves instance .0 only", "[table]") {
  MibScalar scalar(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6}, "inetCidrRouteNumber", Syntax::Gauge32, Access::ReadOnly,
                   [](const RequestContext&) { return Value::gauge32(9); });
  auto context = RequestContext::current(ipmibd::platform::Clock::now());
  CHECK(scalar.getOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6, 0}, context) == GetResult{Value::gauge32(9)});
  CHECK(std::holds_alternative<NoSuchInstance>(scalar.getOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6, 1}, context)));
  CHECK(
      std::holds_alternative<NoSuchInstance>(scalar.getOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6, 0, 0}, context)));
  CHECK(std::holds_alternative<NoSuchObject>(scalar.getOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6}, context)));
  auto vb = scalar.getNextOid(Oid{1, 3, 6, 1, 2, 1, 4, 24}, context);
  REQUIRE(vb);
  CHECK(vb->oid == Oid{1, 3, 6, 1, 2, 1, 4, 24, 6, 0});
  CHECK(scalar.getNextOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6}, context));
  CHECK_FALSE(scalar.getNextOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 6, 0}, context));
  CHECK_FALSE(scalar.getNextOid(Oid{1, 3, 6, 1, 2, 1, 4, 24, 7}, context));
}

TEST_CASE("RequestContext converts timestamps to TimeStamp and ages", "[table]") {
  using namespace std::chrono_literals;
  auto origin = ipmibd::platform::Clock::now();
  RequestContext context(origin + 100s, origin);
  CHECK(context.sysUpTime() == 10000);
  CHECK(context.timeStamp(origin + 2500ms) == 250);
  CHECK(context.timeStamp(origin - 1s) == 0);
  CHECK(context.timeStamp({}) == 0);
  CHECK(context.secondsSince(origin + 40s) == 60);
  CHECK(context.secondsSince(origin + 200s) == 0);
  CHECK(context.secondsSince({}) == 0);
}

TEST_CASE_METHOD(Fixture, "MibTable walk cursor follows rows added and erased between GETNEXTs", "[table]") {
  // The walk's next request names the row answered last; the table answers from its cursor.
  CHECK(next(Oid{1, 2, 3, 1, 2}) == "1.2.3.1.2.1");
  table.rows().upsert(encodeIndexKey(Oid{2}.view()), ToyRow{2, true}); // inserted right after the cursor
  CHECK(next(Oid{1, 2, 3, 1, 2, 1}) == "1.2.3.1.2.2");
  // The cursor's row disappears (and its memory may be reused by a new row): the answer is still
  // the first row after the requested index.
  table.rows().erase(encodeIndexKey(Oid{2}.view()));
  table.rows().upsert(encodeIndexKey(Oid{3}.view()), ToyRow{3, true});
  CHECK(next(Oid{1, 2, 3, 1, 2, 2}) == "1.2.3.1.2.2.5");
  CHECK(next(Oid{1, 2, 3, 1, 2, 2, 5}) == "1.2.3.1.2.3");
  // A request that is not the cursor's row takes the search path.
  CHECK(next(Oid{1, 2, 3, 1, 2, 1}) == "1.2.3.1.2.2.5");
  CHECK(next(Oid{1, 2, 3, 1, 4, 3}) == "1.2.3.1.4.10");
  // A different column at the cursor's row: the next row of that column.
  CHECK(next(Oid{1, 2, 3, 1, 6, 3}) == "1.2.3.1.6.10");
}
