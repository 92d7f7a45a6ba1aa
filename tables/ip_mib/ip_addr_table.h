// IpAddrTable: the deprecated RFC 4293 (RFC 2011) ipAddrTable, a view of ipAddressTable's IPv4 rows.
#pragma once

#include "platform/backend.h"
#include "tables/engine/view_table.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tables/ip_mib/ip_interface_tables.h"

#include <array>

namespace ipmibd::tables {

// One row per IPv4 address ipAddressTable serves (secondary addresses too), indexed by the address
// alone: ipAddrTable's a.b.c.d is ipAddressTable's 1.4.a.b.c.d, so both tables list the addresses
// in the same order and no row is stored twice. The same address on two interfaces has one
// ipAddressTable row, that of the lowest ifIndex (IpAddressTables::hiddenCount); ipAddrTable shows
// that row, as Debian's snmpd 5.9.3 does (it keeps the first address of its ifIndex-ordered dump).
//   ipAdEntIfIndex, ipAdEntNetMask: the served address's interface and prefix length.
//   ipAdEntBcastAddr: the low bit of the address's broadcast address, 0 without one (Debian's value:
//     `ip addr add 10.0.0.1/8 brd +` gives 1, an address without `brd` 0).
//   ipAdEntReasmMaxSize: ipv4InterfaceReasmMaxSize of the address's interface (IpInterfaceTables),
//     65535 on Linux: the kernel reassembles any IPv4 datagram up to the 16-bit total length,
//     whatever the interface (ip_frag_reasm refuses only beyond 65535). Debian serves no instance.
//     No instance when the interface has no ipv4InterfaceTable row or the platform does not know.
// Read-only, as the MIB declares it; the unit has no notifications of its own: a change is announced
// by its ipAddressTable row (ipAddressEntry.*.1.4.a.b.c.d).
class IpAddrTable {
public:
  // 1.3.6.1.2.1.4.20.1 ipAddrEntry
  static const Oid& entryOid();

  // Both units must outlive this one.
  IpAddrTable(const IpAddressTables& addresses, const IpInterfaceTables& interfaces);
  IpAddrTable(const IpAddrTable&) = delete;
  IpAddrTable& operator=(const IpAddrTable&) = delete;

  // Nothing to attach: the viewed units are kept current by the platform's notifications.
  platform::Result attach(platform::Backend&) { return platform::Result::success(); }

  std::array<const MibObject*, 1> objects() const { return {&table_}; }
  const ViewTable<AddressEntry>& table() const { return table_; }
  std::size_t rowCount() const { return table_.size(); } // O(ipAddressTable rows)
  const IpAddressTables& addresses() const { return addresses_; }

private:
  const IpAddressTables& addresses_;
  ViewTable<AddressEntry> table_;
};

} // namespace ipmibd::tables
