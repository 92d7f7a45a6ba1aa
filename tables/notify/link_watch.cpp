// linkUp/linkDown: the RFC 2863 transition rule, the varbinds, and the per-interface status memory.
#include "tables/notify/link_watch.h"

namespace ipmibd::tables {

using platform::OperStatus;

Oid LinkOids::linkDown() { return Oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 3}; }
Oid LinkOids::linkUp() { return Oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 4}; }
Oid LinkOids::ifEntry() { return Oid{1, 3, 6, 1, 2, 1, 2, 2, 1}; }

std::optional<bool> linkTransition(OperStatus before, OperStatus after) {
  if (before == after || before == OperStatus::NotPresent || after == OperStatus::NotPresent)
    return std::nullopt;
  if (after == OperStatus::Down) return false;
  if (before == OperStatus::Down) return true;
  return std::nullopt;
}

Notification linkNotification(bool up, const platform::InterfaceRow& row) {
  const SubId index = row.index;
  auto column = [&](SubId c) { return LinkOids::ifEntry() + Oid{c, index}; };
  return {up ? LinkOids::linkUp() : LinkOids::linkDown(),
          {{column(1), Value::integer32(std::int32_t(index))},
           {column(7), Value::integer32(std::int32_t(row.adminStatus))},
           {column(8), Value::integer32(std::int32_t(row.operStatus))}}};
}

LinkWatch::LinkWatch(platform::Backend& backend, ChangeNotifier& notifier, platform::Result& result)
    : notifier_(notifier) {
  // Subscribe first: changes arrive only inside dispatch(), so none falls between the two.
  subscription_ = backend.notifyInterfaceChange(
      [this](std::span<const platform::Change<platform::InterfaceRow>> changes) { onChanges(changes); });
  std::vector<platform::InterfaceRow> rows;
  result = backend.getIfTable2(rows);
  if (result.ok())
    for (const platform::InterfaceRow& row : rows)
      operStatus_[row.index] = row.operStatus;
}

void LinkWatch::onChanges(std::span<const platform::Change<platform::InterfaceRow>> changes) {
  for (const auto& change : changes) {
    const platform::InterfaceRow& row = change.row;
    if (change.kind == platform::ChangeKind::Delete) {
      operStatus_.erase(row.index);
      continue;
    }
    const auto [known, added] = operStatus_.try_emplace(row.index, row.operStatus);
    if (added) continue; // a new interface: no transition (RFC 2863 announces none)
    const OperStatus before = std::exchange(known->second, row.operStatus);
    const std::optional<bool> up = linkTransition(before, row.operStatus);
    if (!up) continue;
    // One check under a storm, like the table watches; counted as "changed" in the summary.
    if (notifier_.saturated(NotifyTable::Link, platform::ChangeKind::ParameterChange)) continue;
    notifier_.emit(NotifyTable::Link, RowEvent::Changed, LinkOids::ifEntry() + Oid{1, row.index},
                   linkNotification(*up, row));
  }
}

} // namespace ipmibd::tables
