// IPMIBD-MIB declarations: OIDs and getters only, the engine does GET/GETNEXT.
#include "agent/common/agent_info.h"

#include "tables/engine/index_key.h"

#ifndef IPMIBD_VERSION
#define IPMIBD_VERSION "unknown"
#endif

namespace ipmibd::agent {
namespace {

using tables::Access;
using tables::Column;
using tables::Oid;
using tables::RequestContext;
using tables::Syntax;
using tables::Value;

Oid objectsOid() { return AgentInfo::rootOid() + Oid{1}; } // ipmibdObjects

std::optional<TableSet::UnitStatus> statusOf(const TableStatusRow& row) {
  const auto all = row.tables->status();
  if (row.unit >= all.size()) return std::nullopt;
  return all[row.unit];
}

std::optional<Value> nameOf(const TableStatusRow& row, const RequestContext&) {
  const auto s = statusOf(row);
  if (!s) return std::nullopt;
  return Value::octetString(s->name);
}
std::optional<Value> rowsOf(const TableStatusRow& row, const RequestContext&) {
  const auto s = statusOf(row);
  if (!s) return std::nullopt;
  return Value::gauge32(static_cast<std::uint32_t>(std::min<std::size_t>(s->rows, 0xffffffffu)));
}
std::optional<Value> pendingOf(const TableStatusRow& row, const RequestContext&) {
  const auto s = statusOf(row);
  if (!s) return std::nullopt;
  return Value::gauge32(static_cast<std::uint32_t>(std::min<std::size_t>(s->pending, 0xffffffffu)));
}
std::optional<Value> loadingOf(const TableStatusRow& row, const RequestContext&) {
  const auto s = statusOf(row);
  if (!s) return std::nullopt;
  return Value::integer32(s->loading ? 1 : 2); // TruthValue
}

const Column<TableStatusRow> kTableColumns[] = {
    {1, "ipmibdTableIndex", Syntax::Integer32, Access::NotAccessible},
    {2, "ipmibdTableName", Syntax::OctetString, Access::ReadOnly, &nameOf},
    {3, "ipmibdTableRows", Syntax::Gauge32, Access::ReadOnly, &rowsOf},
    {4, "ipmibdTablePending", Syntax::Gauge32, Access::ReadOnly, &pendingOf},
    {5, "ipmibdTableLoading", Syntax::Integer32, Access::ReadOnly, &loadingOf},
};

} // namespace

const Oid& AgentInfo::rootOid() {
  static const Oid root{1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 42};
  return root;
}

AgentInfo::AgentInfo(const platform::Backend& backend, const TableSet& tables, platform::Timestamp opened)
    : tableTable_(objectsOid() + Oid{7, 1}, "ipmibdTableTable", kTableColumns) {
  const platform::Backend* b = &backend;
  auto scalar = [&](tables::SubId id, std::string_view name, Syntax syntax, tables::MibScalar::Getter get) {
    scalars_.push_back(std::make_unique<tables::MibScalar>(objectsOid() + Oid{id}, name, syntax,
                                                           Access::ReadOnly, std::move(get)));
  };
  scalar(1, "ipmibdVersion", Syntax::OctetString,
         [](const RequestContext&) { return Value::octetString("ipmibd " IPMIBD_VERSION); });
  scalar(2, "ipmibdBackend", Syntax::OctetString,
         [b](const RequestContext&) { return Value::octetString(b->name()); });
  scalar(3, "ipmibdResyncs", Syntax::Counter32, [b](const RequestContext&) {
    return Value::counter32(static_cast<std::uint32_t>(b->stats().resyncs)); // Counter32 wraps
  });
  scalar(4, "ipmibdLastResync", Syntax::TimeTicks,
         [b](const RequestContext& c) { return Value::timeTicks(c.timeStamp(b->stats().lastResync)); });
  scalar(5, "ipmibdEventsDelivered", Syntax::Counter64,
         [b](const RequestContext&) { return Value::counter64(b->stats().eventsDelivered); });
  scalar(6, "ipmibdBackendOpened", Syntax::TimeTicks,
         [opened](const RequestContext& c) { return Value::timeTicks(c.timeStamp(opened)); });

  const auto units = tables.status().size();
  for (std::uint32_t i = 0; i < units; ++i) {
    const tables::SubId index[] = {i + 1};
    tableTable_.rows().upsert(tables::encodeIndexKey(index), TableStatusRow{&tables, i});
  }
}

std::vector<const tables::MibObject*> AgentInfo::objects() const {
  std::vector<const tables::MibObject*> out;
  for (const auto& s : scalars_)
    out.push_back(s.get());
  out.push_back(&tableTable_);
  return out;
}

} // namespace ipmibd::agent
