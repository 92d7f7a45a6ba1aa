// ipNetToMediaTable: the ifIndex.a.b.c.d <-> ifIndex.1.4.a.b.c.d index mapping onto
// ipNetToPhysicalTable, its columns, and its writes translated into ipNetToPhysicalTable writes.
#include "tables/ip_mib/ip_net_to_media_table.h"

#include "tables/engine/index_codec.h"

namespace ipmibd::tables {

namespace {

constexpr SubId kIpv4 = 1, kIpv4Length = 4; // InetAddressType ipv4(1), 4 bytes
// ipNetToMediaEntry columns.
enum : SubId { kMediaIfIndex = 1, kMediaPhysAddress = 2, kMediaNetAddress = 3, kMediaType = 4 };
// The ipNetToPhysicalEntry columns they become.
enum : SubId { kPhysicalPhysAddress = 4, kPhysicalType = 6, kPhysicalRowStatus = 8 };
// ipNetToMediaType / ipNetToPhysicalType values, RowStatus values.
enum : std::int32_t { kTypeOther = 1, kTypeInvalid = 2, kTypeStatic = 4, kTypeLocal = 5 };
enum : std::int32_t { kCreateAndGo = 4, kDestroy = 6 };

ViewMapping neighborMapping() {
  ViewMapping m;
  m.toSource = [](std::span<const SubId> view, Oid& out) {
    out.append(IpNetToMediaTable::physicalIndex(view));
  };
  m.toView = [](std::span<const SubId> source, Oid& out) {
    if (source.size() != 7 || source[1] != kIpv4 || source[2] != kIpv4Length) return false;
    out.append(source[0]);
    out.append(source.subspan(3));
    return true;
  };
  return m; // IPv6 rows interleave (by ifIndex): no early end
}

const std::vector<ViewColumn<NeighborEntry>>& columns() {
  using Index = std::span<const SubId>;
  static const std::vector<ViewColumn<NeighborEntry>> list = {
      {kMediaIfIndex, "ipNetToMediaIfIndex", Syntax::Integer32, Access::ReadCreate,
       [](const NeighborEntry&, Index index, const RequestContext&) -> std::optional<Value> {
         return Value::integer32(std::int32_t(index[0]));
       }},
      {kMediaPhysAddress, "ipNetToMediaPhysAddress", Syntax::OctetString, Access::ReadCreate,
       [](const NeighborEntry& e, Index, const RequestContext&) -> std::optional<Value> {
         return Value::octetString(Value::Bytes(e.physical.data(), e.physicalLength));
       }},
      {kMediaNetAddress, "ipNetToMediaNetAddress", Syntax::IpAddress, Access::ReadCreate,
       [](const NeighborEntry&, Index index, const RequestContext&) -> std::optional<Value> {
         return Value::ipAddress({std::uint8_t(index[1]), std::uint8_t(index[2]), std::uint8_t(index[3]),
                                  std::uint8_t(index[4])});
       }},
      {kMediaType, "ipNetToMediaType", Syntax::Integer32, Access::ReadCreate,
       [](const NeighborEntry& e, Index, const RequestContext&) -> std::optional<Value> {
         return Value::integer32(e.type == kTypeLocal ? std::int32_t(kTypeOther) : std::int32_t(e.type));
       }},
  };
  return list;
}

// The decoded index: ifIndex (InterfaceIndex) and the four address bytes.
bool decodeMediaIndex(std::span<const SubId> index) {
  IndexReader reader(index);
  reader.integer(1, 0x7fffffff);
  for (int i = 0; i < 4; ++i)
    reader.integer(0, 255);
  return reader.finish();
}

std::int32_t integerOf(const Value& value) {
  return value.syntax() == Syntax::Integer32 ? value.asInteger32() : 0;
}

} // namespace

const Oid& IpNetToMediaTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 22, 1};
  return oid;
}

IpNetToMediaTable::IpNetToMediaTable(IpNetToPhysicalTable& neighbors)
    : neighbors_(neighbors),
      table_(entryOid(), "ipNetToMediaTable", neighbors.table().rows(), neighborMapping(), columns(),
             [](const NeighborEntry& e) { return e.type != kTypeInvalid; }) {
  table_.setWriter(this);
}

Oid IpNetToMediaTable::physicalIndex(std::span<const SubId> mediaIndex) {
  Oid out;
  if (mediaIndex.empty()) return out;
  out.append(mediaIndex[0]);
  out.append(kIpv4);
  out.append(kIpv4Length);
  out.append(mediaIndex.subspan(1));
  return out;
}

// ---- RESERVE1 ------------------------------------------------------------------------------------

SetError IpNetToMediaTable::check(const MibObject&, std::span<const SubId> suffix, const Value& value,
                                  WriteTarget& target) {
  if (suffix.size() < 2) return SetError::NoCreation;
  const SubId column = suffix[0];
  const ViewColumn<NeighborEntry>* declared = nullptr;
  for (const auto& c : table_.columns())
    if (c.id == column) declared = &c;
  if (!declared) return SetError::NoCreation;
  if (SetError e = checkSyntax(declared->syntax, value); e != SetError::NoError) return e;
  const auto index = suffix.subspan(1);
  // Sub-identifiers that are no InterfaceIndex and IpAddress name no possible row.
  if (!decodeMediaIndex(index)) return SetError::NoCreation;
  const Oid physical = physicalIndex(index);
  IpNetToPhysicalWriter& writer = neighbors_.writer();
  WriteTarget ignored;
  switch (column) {
  case kMediaIfIndex:
    if (integerOf(value) != std::int32_t(index[0])) return SetError::WrongValue;
    if (SetError e = writer.checkIndex(physical.view()); e != SetError::NoError) return e;
    break;
  case kMediaNetAddress: {
    const auto& bytes = value.asBytes();
    for (std::size_t i = 0; i < 4; ++i)
      if (bytes[i] != index[1 + i]) return SetError::WrongValue;
    if (SetError e = writer.checkIndex(physical.view()); e != SetError::NoError) return e;
    break;
  }
  case kMediaPhysAddress: {
    Oid forwarded{kPhysicalPhysAddress};
    forwarded.append(physical);
    if (SetError e = writer.check(neighbors_.table(), forwarded.view(), value, ignored);
        e != SetError::NoError)
      return e;
    break;
  }
  case kMediaType: {
    // The enumeration other(1) … static(4); IpNetToPhysicalWriter then allows static and invalid.
    if (integerOf(value) < 1 || integerOf(value) > 4) return SetError::WrongValue;
    Oid forwarded{kPhysicalType};
    forwarded.append(physical);
    if (SetError e = writer.check(neighbors_.table(), forwarded.view(), value, ignored);
        e != SetError::NoError)
      return e;
    break;
  }
  default: return SetError::NoCreation;
  }
  target.row = Oid(index);
  target.column = column;
  return SetError::NoError;
}

// ---- RESERVE2 ------------------------------------------------------------------------------------

SetError IpNetToMediaTable::plan(const Oid& row, std::span<const ColumnWrite> writes,
                                 const RequestContext& context, std::vector<WriteAction>& actions,
                                 std::size_t& failedWrite) {
  const Oid physical = physicalIndex(row.view());
  // The writes IpNetToPhysicalWriter sees, and for each the media write it came from.
  std::vector<ColumnWrite> translated;
  std::vector<std::size_t> origin;
  std::optional<std::size_t> physWrite, typeWrite;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    switch (writes[i].column) {
    case kMediaPhysAddress:
      physWrite = i;
      translated.push_back({kPhysicalPhysAddress, writes[i].value, writes[i].varbind});
      origin.push_back(i);
      break;
    case kMediaType:
      typeWrite = i;
      translated.push_back({kPhysicalType, writes[i].value, writes[i].varbind});
      origin.push_back(i);
      break;
    default: break; // IfIndex / NetAddress: the index's own values (checked), nothing to change
    }
  }
  // Whether the entry exists is the neighbor table's question (it serves entries being resolved,
  // which this view hides: writing their PhysAddress configures the mapping, no creation needed).
  const bool exists = neighbors_.table().rows().find(encodeIndexKey(physical.view())) != nullptr;
  if (!exists) {
    const bool invalidate = typeWrite && integerOf(writes[*typeWrite].value) == kTypeInvalid;
    if (physWrite) {
      translated.push_back({kPhysicalRowStatus, Value::integer32(kCreateAndGo), writes[*physWrite].varbind});
      origin.push_back(*physWrite); // a refused creation is reported on the PhysAddress varbind
    } else if (invalidate) {
      translated.push_back({kPhysicalRowStatus, Value::integer32(kDestroy), writes[*typeWrite].varbind});
      origin.push_back(*typeWrite);
    } else {
      failedWrite = 0;
      return SetError::NoCreation; // nothing to map the address to
    }
  }
  if (translated.empty()) return SetError::NoError; // IfIndex / NetAddress of an existing row
  const std::size_t first = actions.size();
  std::size_t failed = 0;
  const SetError error = neighbors_.writer().plan(physical, translated, context, actions, failed);
  if (error != SetError::NoError) {
    failedWrite = failed < origin.size() ? origin[failed] : 0;
    return error;
  }
  for (std::size_t i = first; i < actions.size(); ++i)
    actions[i].write = actions[i].write < origin.size() ? origin[actions[i].write] : 0;
  return SetError::NoError;
}

void IpNetToMediaTable::announcingRows(const MibObject&, const Oid& row, std::span<const ColumnWrite>,
                                       std::vector<Oid>& out) const {
  Oid physical = IpNetToPhysicalTable::entryOid();
  physical.append(physicalIndex(row.view()));
  out.push_back(std::move(physical));
}

} // namespace ipmibd::tables
