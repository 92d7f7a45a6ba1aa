// Lists the served objects from their declarations: the same TableSet, AgentInfo and NotifyInfo a
// Service registers, built over an empty simulator, so the list cannot drift from what is served.
#include "agent/common/object_list.h"

#include "agent/common/agent_info.h"
#include "agent/common/notify_info.h"
#include "agent/common/notify_settings.h"
#include "agent/common/table_set.h"
#include "platform/sim/sim_backend.h"

#include <algorithm>

namespace ipmibd::agent {
namespace {

std::string_view accessName(tables::Access access) {
  switch (access) {
  case tables::Access::NotAccessible: return "not-accessible";
  case tables::Access::AccessibleForNotify: return "accessible-for-notify";
  case tables::Access::ReadOnly: return "read-only";
  case tables::Access::ReadWrite: return "read-write";
  case tables::Access::ReadCreate: return "read-create";
  }
  return "not-accessible";
}

std::string_view kindName(ListedObject::Kind kind) {
  switch (kind) {
  case ListedObject::Kind::Table: return "table";
  case ListedObject::Kind::Entry: return "entry";
  case ListedObject::Kind::Column: return "column";
  case ListedObject::Kind::Scalar: return "scalar";
  }
  return "scalar";
}

// RFC 2578 §7.1.12's convention, which every table ipmibd serves follows: xTable's row is xEntry.
std::string entryNameOf(std::string_view table) {
  constexpr std::string_view suffix = "Table";
  if (table.ends_with(suffix)) table.remove_suffix(suffix.size());
  return std::string(table) + "Entry";
}

} // namespace

std::vector<ListedObject> listObjects(const std::vector<const tables::MibObject*>& objects) {
  using Kind = ListedObject::Kind;
  std::vector<ListedObject> out;
  for (const tables::MibObject* object : objects) {
    const tables::Oid& base = object->base();
    if (const auto access = object->scalarAccess()) {
      out.push_back({base, std::string(object->name()), Kind::Scalar, *access});
      continue;
    }
    // A table's base() is its entry; the table is the entry's parent.
    const tables::Oid table(base.view().first(base.size() - 1));
    out.push_back({table, std::string(object->name()), Kind::Table, tables::Access::NotAccessible});
    out.push_back({base, entryNameOf(object->name()), Kind::Entry, tables::Access::NotAccessible});
    for (const tables::ColumnDeclaration& column : object->declaredColumns())
      out.push_back({base + tables::Oid{column.id}, std::string(column.name), Kind::Column, column.access});
  }
  std::ranges::sort(out, {}, &ListedObject::oid);
  return out;
}

std::vector<ListedObject> servedObjects() {
  platform::sim::SimBackend backend;
  std::vector<std::string> attachErrors; // an empty simulator attaches every unit
  const TableSet tables(backend, attachErrors);
  const AgentInfo info(backend, tables, platform::Clock::now());
  const NotifySettings settings;
  const NotifyInfo notifyInfo(settings, nullptr);
  std::vector<const tables::MibObject*> objects = tables.objects();
  for (const tables::MibObject* object : info.objects())
    objects.push_back(object);
  for (const tables::MibObject* object : notifyInfo.objects())
    objects.push_back(object);
  return listObjects(objects);
}

std::string objectListText(const std::vector<ListedObject>& objects) {
  std::string text;
  for (const ListedObject& object : objects) {
    text += object.oid.toString();
    text += ' ';
    text += object.name;
    text += ' ';
    text += kindName(object.kind);
    text += ' ';
    text += accessName(object.access);
    text += '\n';
  }
  return text;
}

} // namespace ipmibd::agent
