// ipCidrRouteTable writes: index checks, and the translation of a row's varbinds into the
// inetCidrRouteTable write of the same route.
#include "tables/ip_forward_mib/ip_cidr_route_writer.h"

#include "tables/engine/index_codec.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"

#include <bit>

namespace ipmibd::tables {

namespace {

// ipCidrRouteEntry columns -> inetCidrRouteEntry columns (0: no inetCidr counterpart; the value
// was already restricted to what changes nothing, e.g. Info 0.0).
enum : SubId { kCidrIfIndex = 5, kCidrType = 6 };
SubId inetColumnOf(SubId cidrColumn) {
  switch (cidrColumn) {
  case 5: return 7;   // IfIndex
  case 6: return 8;   // Type
  case 10: return 11; // NextHopAS
  case 11: return 12; // Metric1
  case 12: return 13; // Metric2
  case 13: return 14;
  case 14: return 15;
  case 15: return 16; // Metric5
  case 16: return 17; // Status
  default: return 0;  // Info
  }
}

struct CidrIndex {
  std::array<std::uint8_t, 4> destination, mask, nextHop;
  std::uint8_t prefixLength = 0;
};

// 13 sub-identifiers, each an IpAddress byte (Tos aside): anything else names no possible row.
SetError decode(std::span<const SubId> index, CidrIndex& out) {
  if (index.size() != 13) return SetError::NoCreation;
  for (std::size_t i = 0; i < 13; ++i)
    if (i != 8 && index[i] > 255) return SetError::NoCreation;
  for (std::size_t i = 0; i < 4; ++i) {
    out.destination[i] = std::uint8_t(index[i]);
    out.mask[i] = std::uint8_t(index[4 + i]);
    out.nextHop[i] = std::uint8_t(index[9 + i]);
  }
  // Only Tos 0 routes exist on this platform (Linux TOS routes are served with Tos 0 too).
  if (index[8] != 0) return SetError::InconsistentName;
  const std::uint32_t mask = std::uint32_t(out.mask[0]) << 24 | std::uint32_t(out.mask[1]) << 16 |
                             std::uint32_t(out.mask[2]) << 8 | out.mask[3];
  if ((~mask & (~mask + 1)) != 0) return SetError::InconsistentName; // not contiguous ones then zeros
  out.prefixLength = std::uint8_t(std::popcount(mask));
  for (std::size_t i = 0; i < 4; ++i)
    if ((out.destination[i] & ~out.mask[i]) != 0) return SetError::InconsistentName;
  return SetError::NoError;
}

// The inetCidrRouteTable row a write of `writes` to ipCidr `row` (decoded as `index`) goes to: an
// existing row is the inetCidr row the view serves under that index; a new one gets the index
// InetCidrRouteWriter creates it under (and the table will serve it under).
Oid inetRowOf(const InetCidrRouteTable& routes, const CidrIndex& index,
              const std::optional<Ipv4RouteViewRow>& existing, std::span<const ColumnWrite> writes) {
  if (existing) return existing->route.inetCidrIndex();
  const bool remote = index.nextHop != std::array<std::uint8_t, 4>{};
  std::int32_t ifIndex = 0;
  for (const ColumnWrite& w : writes)
    if (w.column == kCidrIfIndex) ifIndex = w.value.asInteger32();
  Oid inetRow{1,
              4,
              index.destination[0],
              index.destination[1],
              index.destination[2],
              index.destination[3],
              index.prefixLength};
  if (remote)
    inetRow.append(2).append(0).append(0);
  else
    inetRow.append(3).append(0).append(0).append(SubId(ifIndex));
  if (remote || routes.options().nonRemoteNextHop == NonRemoteNextHop::FamilyZero)
    inetRow.append(1)
        .append(4)
        .append(index.nextHop[0])
        .append(index.nextHop[1])
        .append(index.nextHop[2])
        .append(index.nextHop[3]);
  else
    inetRow.append(0).append(0);
  return inetRow;
}

} // namespace

SetError IpCidrRouteWriter::check(const MibObject&, std::span<const SubId> suffix, const Value& value,
                                  WriteTarget& target) {
  if (suffix.size() < 2) return SetError::NoCreation;
  if (SetError e = checkColumnWrite(view_.columns(), suffix[0], value); e != SetError::NoError) return e;
  CidrIndex index;
  if (SetError e = decode(suffix.subspan(1), index); e != SetError::NoError) return e;
  const std::array<std::uint8_t, 4> zero{};
  if (index.nextHop != zero) {
    const auto hop = platform::IpAddress::v4(index.nextHop);
    if (hop.isMulticast() || index.nextHop == std::array<std::uint8_t, 4>{255, 255, 255, 255})
      return SetError::InconsistentName;
  }
  target.row = Oid(suffix.subspan(1));
  target.column = suffix[0];
  return SetError::NoError;
}

SetError IpCidrRouteWriter::plan(const Oid& row, std::span<const ColumnWrite> writes,
                                 const RequestContext& context, std::vector<WriteAction>& actions,
                                 std::size_t& failedWrite) {
  CidrIndex index;
  if (SetError e = decode(row.view(), index); e != SetError::NoError) return e;
  const auto existing = view_.find(row.view());
  const Oid inetRow = inetRowOf(routes_, index, existing, writes);

  std::vector<ColumnWrite> translated;
  translated.reserve(writes.size());
  for (const ColumnWrite& w : writes) {
    ColumnWrite t{inetColumnOf(w.column), w.value, w.varbind};
    if (w.column == kCidrType && existing && w.value.asInteger32() == 2 && existing->route.entry().type == 5)
      t.value = Value::integer32(5); // served as reject(2): writing what is read changes nothing
    if (t.column == 11) t.value = Value::unsigned32(0); // NextHopAS: Integer32 here, Unsigned32 there
    translated.push_back(std::move(t));
  }
  return routes_.writer().plan(inetRow, translated, context, actions, failedWrite);
}

void IpCidrRouteWriter::announcingRows(const MibObject&, const Oid& row, std::span<const ColumnWrite> writes,
                                       std::vector<Oid>& out) const {
  CidrIndex index;
  if (decode(row.view(), index) != SetError::NoError) return;
  Oid inet = InetCidrRouteTable::entryOid();
  inet.append(inetRowOf(routes_, index, view_.find(row.view()), writes));
  out.push_back(std::move(inet));
}

} // namespace ipmibd::tables
