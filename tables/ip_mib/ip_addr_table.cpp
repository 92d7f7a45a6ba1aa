// ipAddrTable: the 1.4.a.b.c.d <-> a.b.c.d index mapping onto ipAddressTable and its columns.
#include "tables/ip_mib/ip_addr_table.h"

namespace ipmibd::tables {

namespace {

// ipAddressTable's index of IPv4 addresses starts InetAddressType ipv4(1), length 4.
constexpr SubId kIpv4 = 1, kIpv4Length = 4;
constexpr std::uint8_t kUnicast = 1; // ipAddressType

Value ipAddressOf(std::span<const SubId> bytes) {
  return Value::ipAddress(
      {std::uint8_t(bytes[0]), std::uint8_t(bytes[1]), std::uint8_t(bytes[2]), std::uint8_t(bytes[3])});
}

ViewMapping ipv4Mapping() {
  ViewMapping m;
  m.toSource = [](std::span<const SubId> view, Oid& out) {
    out.append(kIpv4);
    out.append(kIpv4Length);
    out.append(view);
  };
  m.toView = [](std::span<const SubId> source, Oid& out) {
    if (source.size() != 6 || source[0] != kIpv4 || source[1] != kIpv4Length) return false;
    out.append(source.subspan(2));
    return true;
  };
  // Rows sort by type then length: once past ipv4(1).4 no IPv4 row follows.
  m.pastView = [](std::span<const SubId> source) {
    return source.empty() || source[0] > kIpv4 ||
           (source[0] == kIpv4 && source.size() > 1 && source[1] > kIpv4Length);
  };
  return m;
}

std::vector<ViewColumn<AddressEntry>> columns(const IpInterfaceTables& interfaces) {
  using Index = std::span<const SubId>;
  return {
      {1, "ipAdEntAddr", Syntax::IpAddress, Access::ReadOnly,
       [](const AddressEntry&, Index index, const RequestContext&) -> std::optional<Value> {
         return ipAddressOf(index);
       }},
      {2, "ipAdEntIfIndex", Syntax::Integer32, Access::ReadOnly,
       [](const AddressEntry& e, Index, const RequestContext&) -> std::optional<Value> {
         return Value::integer32(std::int32_t(e.ifIndex));
       }},
      {3, "ipAdEntNetMask", Syntax::IpAddress, Access::ReadOnly,
       [](const AddressEntry& e, Index, const RequestContext&) -> std::optional<Value> {
         const unsigned length = std::min<unsigned>(e.prefixLength, 32);
         const std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t(0) << (32 - length);
         return Value::ipAddress({std::uint8_t(mask >> 24), std::uint8_t(mask >> 16), std::uint8_t(mask >> 8),
                                  std::uint8_t(mask)});
       }},
      {4, "ipAdEntBcastAddr", Syntax::Integer32, Access::ReadOnly,
       [](const AddressEntry& e, Index, const RequestContext&) -> std::optional<Value> {
         return Value::integer32(e.broadcastLowBit);
       }},
      {5, "ipAdEntReasmMaxSize", Syntax::Integer32, Access::ReadOnly,
       [&interfaces](const AddressEntry& e, Index, const RequestContext&) -> std::optional<Value> {
         const SubId ifIndex[] = {e.ifIndex};
         const auto* row = interfaces.ipv4Table().rows().find(encodeIndexKey(ifIndex));
         // INTEGER (0..65535): a size the platform does not know (0) or cannot express is not served.
         if (!row || row->entry().reasmMaxSize == 0 || row->entry().reasmMaxSize > 65535) return std::nullopt;
         return Value::integer32(std::int32_t(row->entry().reasmMaxSize));
       }},
  };
}

} // namespace

const Oid& IpAddrTable::entryOid() {
  static const Oid oid{1, 3, 6, 1, 2, 1, 4, 20, 1};
  return oid;
}

// Broadcast rows (IpAddressTablesOptions::broadcastRows) are ipAddressTable's, not addresses of
// the entity's interfaces: ipAddrTable lists only the unicast ones.
IpAddrTable::IpAddrTable(const IpAddressTables& addresses, const IpInterfaceTables& interfaces)
    : addresses_(addresses),
      table_(entryOid(), "ipAddrTable", addresses.addressTable().rows(), ipv4Mapping(), columns(interfaces),
             [](const AddressEntry& e) { return e.type == kUnicast; }) {}

} // namespace ipmibd::tables
