// ipRouteTable writes: ipRouteType = invalid(2) becomes the inetCidrRouteTable destroy of the
// served route.
#include "tables/rfc1213_mib/ip_route_writer.h"

#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <algorithm>

namespace ipmibd::tables {

namespace {
enum : SubId { kType = 8 };
enum : std::int32_t { kInvalid = 2 };
constexpr SubId kInetStatus = 17;
constexpr std::int32_t kDestroy = 6;
} // namespace

SetError IpRouteWriter::check(const MibObject&, std::span<const SubId> suffix, const Value& value,
                              WriteTarget& target) {
  if (suffix.size() < 2) return SetError::NoCreation;
  if (SetError e = checkColumnWrite(view_.columns(), suffix[0], value); e != SetError::NoError) return e;
  const auto index = suffix.subspan(1);
  if (index.size() != 4 || std::ranges::any_of(index, [](SubId s) { return s > 255; }))
    return SetError::NoCreation;
  target.row = Oid(index);
  target.column = suffix[0];
  return SetError::NoError;
}

SetError IpRouteWriter::plan(const Oid& row, std::span<const ColumnWrite> writes,
                             const RequestContext& context, std::vector<WriteAction>& actions,
                             std::size_t& failedWrite) {
  const auto served = view_.find(row.view());
  if (!served) return SetError::NoCreation;
  // The row's last ipRouteType decides (only that column passed RESERVE1).
  std::optional<std::size_t> type;
  for (std::size_t i = 0; i < writes.size(); ++i)
    if (writes[i].column == kType) type = i;
  if (!type) return SetError::NoError;
  failedWrite = *type;
  const std::int32_t value = writes[*type].value.asInteger32();
  if (value != kInvalid) {
    // The type it has is no change; any other would make the route something else.
    const auto current = view_.columns()[7].get(served->route, context);
    return current && current->asInteger32() == value ? SetError::NoError : SetError::InconsistentValue;
  }
  const ColumnWrite destroy{kInetStatus, Value::integer32(kDestroy), writes[*type].varbind};
  std::size_t failed = 0;
  const std::size_t first = actions.size();
  const SetError e =
      routes_.writer().plan(served->route.inetCidrIndex(), std::span(&destroy, 1), context, actions, failed);
  for (std::size_t i = first; i < actions.size(); ++i)
    actions[i].write = *type; // errors in ACTION are reported on the ipRouteType varbind
  return e;
}

void IpRouteWriter::announcingRows(const MibObject&, const Oid& row, std::span<const ColumnWrite> writes,
                                   std::vector<Oid>& out) const {
  // As plan(): the row's last ipRouteType decides; any value but invalid(2) changes nothing.
  const auto type =
      std::find_if(writes.rbegin(), writes.rend(), [](const ColumnWrite& w) { return w.column == kType; });
  if (type == writes.rend() || type->value.asInteger32() != kInvalid) return;
  const auto served = view_.find(row.view());
  if (!served) return;
  Oid inet = InetCidrRouteTable::entryOid();
  inet.append(served->route.inetCidrIndex());
  out.push_back(std::move(inet));
}

} // namespace ipmibd::tables
