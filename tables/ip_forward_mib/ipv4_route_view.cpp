// Ipv4RouteView: destination-group seeks over inetCidrRouteTable's rows, and GET/GETNEXT on them.
#include "tables/ip_forward_mib/ipv4_route_view.h"

#include "tables/engine/index_key.h"

namespace ipmibd::tables {

namespace {

// inetCidrRouteTable IPv4 index: 1.4.d.d.d.d, prefix length, policy (length-prefixed, at most 5
// sub-identifiers here), next hop 1.4.n.n.n.n or 0.0 (unknown) — at most 19 sub-identifiers.
constexpr std::size_t kMaxIpv4Index = 24;

// Decodes what the views need from one stored key; false for anything but an IPv4 destination.
bool readIpv4(const ipv4_routes::Item* item, Ipv4Route& out) {
  std::array<SubId, kMaxIpv4Index> s{};
  const auto n = decodeIndexKeyPrefix(item->key(), s);
  if (!n || *n < 10 || s[0] != 1 || s[1] != 4) return false;
  out.item = item;
  for (std::size_t i = 0; i < 4; ++i)
    out.destination[i] = std::uint8_t(s[2 + i]);
  out.prefixLength = std::uint8_t(s[6]);
  const std::size_t hop = 8 + s[7]; // after the policy
  out.nextHop = {};
  if (hop + 6 <= *n && s[hop] == 1 && s[hop + 1] == 4)
    for (std::size_t i = 0; i < 4; ++i)
      out.nextHop[i] = std::uint8_t(s[hop + 2 + i]);
  return true;
}

} // namespace

std::array<std::uint8_t, 4> Ipv4Route::mask() const {
  const std::uint32_t bits =
      prefixLength == 0 ? 0 : ~std::uint32_t(0) << (32 - std::min<int>(prefixLength, 32));
  return {std::uint8_t(bits >> 24), std::uint8_t(bits >> 16), std::uint8_t(bits >> 8), std::uint8_t(bits)};
}

Oid Ipv4Route::inetCidrIndex() const { return *decodeIndexKey(item->key()); }

namespace ipv4_routes {

const Item* seek(const SortedIndex<RouteEntry>& rows, std::span<const SubId> prefix) {
  // No stored key equals 1.4 + (up to 4 sub-ids): every IPv4 key is longer. So the first key
  // greater than it is the first row at or after that destination.
  std::array<SubId, 6> start{1, 4};
  const std::size_t n = std::min<std::size_t>(prefix.size(), 4);
  std::copy_n(prefix.begin(), n, start.begin() + 2);
  IndexKeyScratch scratch;
  return rows.upperBound(encodeIndexKey(std::span<const SubId>(start.data(), 2 + n), scratch));
}

const Item* collect(const SortedIndex<RouteEntry>& rows, const Item* start, Ipv4RouteGroup& group,
                    std::uint32_t table) {
  group.clear();
  Ipv4Route first;
  if (!start || !readIpv4(start, first)) return nullptr;
  const Item* item = start;
  Ipv4Route route = first;
  while (true) {
    if (route.entry().routeTable == table) group.push_back(route);
    item = rows.next(item);
    if (!item || !readIpv4(item, route)) return nullptr;
    if (route.destination != first.destination) return item;
  }
}

} // namespace ipv4_routes

std::optional<Ipv4RouteViewRow> Ipv4RouteView::find(std::span<const SubId> index) const {
  if (index.size() < 4) return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i)
    if (index[i] > 255) return std::nullopt;
  const auto& rows = routes_.table().rows();
  const auto* start = ipv4_routes::seek(rows, index.first(4));
  Ipv4RouteGroup group;
  ipv4_routes::collect(rows, start, group, routes_.options().routeTable);
  if (group.empty() || !std::equal(index.begin(), index.begin() + 4, group.front().destination.begin()))
    return std::nullopt;
  Ipv4RouteViewRows viewRows;
  order_(group, viewRows);
  for (const auto& row : viewRows)
    if (std::ranges::equal(row.indexView(), index)) return row;
  return std::nullopt;
}

std::optional<Ipv4RouteViewRow> Ipv4RouteView::after(std::span<const SubId> index) const {
  const auto& rows = routes_.table().rows();
  const auto* start = ipv4_routes::seek(rows, index.first(std::min<std::size_t>(index.size(), 4)));
  Ipv4RouteGroup group;
  Ipv4RouteViewRows viewRows;
  while (start) {
    const auto* next = ipv4_routes::collect(rows, start, group, routes_.options().routeTable);
    viewRows.clear();
    if (!group.empty()) order_(group, viewRows);
    for (const auto& row : viewRows)
      if (Oid::compare(row.indexView(), index) > 0) return row;
    start = next;
  }
  return std::nullopt;
}

GetResult Ipv4RouteView::get(std::span<const SubId> suffix, const RequestContext& context) const {
  if (suffix.empty()) return NoSuchObject{};
  const Column<Ipv4Route>* column = nullptr;
  for (const auto& c : columns_)
    if (c.id == suffix[0]) column = &c;
  if (!column || !isReadable(column->access) || !column->get) return NoSuchObject{};
  const auto row = find(suffix.subspan(1));
  if (!row) return NoSuchInstance{};
  std::optional<Value> value = column->get(row->route, context);
  if (!value) return NoSuchInstance{};
  return std::move(*value);
}

std::optional<VarBind> Ipv4RouteView::getNext(std::span<const SubId> suffix,
                                              const RequestContext& context) const {
  // As MibTable::getNext: columns in order; inside the requested column strictly after the
  // requested index, in later columns from the first row.
  for (const auto& column : columns_) {
    if (!isReadable(column.access) || !column.get) continue;
    std::optional<Ipv4RouteViewRow> row;
    if (suffix.empty() || column.id > suffix[0])
      row = after({});
    else if (column.id == suffix[0])
      row = after(suffix.subspan(1));
    else
      continue;
    for (; row; row = after(row->indexView())) {
      std::optional<Value> value = column.get(row->route, context);
      if (!value) continue;
      Oid oid;
      oid.reserve(entry_.size() + 1 + row->indexLength);
      oid.append(entry_).append(column.id).append(row->indexView());
      return VarBind{std::move(oid), std::move(*value)};
    }
  }
  return std::nullopt;
}

std::size_t Ipv4RouteView::rowCount() const {
  const auto& rows = routes_.table().rows();
  if (countedAt_ == rows.changes()) return count_;
  std::size_t count = 0;
  Ipv4RouteGroup group;
  Ipv4RouteViewRows viewRows;
  for (const auto* start = ipv4_routes::seek(rows, {}); start;) {
    const auto* next = ipv4_routes::collect(rows, start, group, routes_.options().routeTable);
    viewRows.clear();
    if (!group.empty()) order_(group, viewRows);
    count += viewRows.size();
    start = next;
  }
  count_ = count;
  countedAt_ = rows.changes();
  return count_;
}

} // namespace ipmibd::tables
