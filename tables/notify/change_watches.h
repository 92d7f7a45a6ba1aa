// ChangeWatch: which columns of which table each announced unit's notifications carry, and the
// watch that connects a unit to a ChangeNotifier for as long as it lives.
#pragma once

#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tables/ip_mib/ip_address_tables.h"
#include "tables/ip_mib/ip_interface_tables.h"
#include "tables/ip_mib/ip_net_to_physical_table.h"
#include "tables/notify/change_notifier.h"

#include <memory>

namespace ipmibd::tables {

// Destroying it detaches the unit from the notifier.
class ChangeWatch {
public:
  virtual ~ChangeWatch() = default;
};

// inetCidrRouteIfIndex, Type, Proto, Status; any of them changing is a "changed".
WatchSpec routeWatchSpec();
// ipNetToPhysicalPhysAddress, Type, State; only PhysAddress and Type changing is a "changed"
// (reachability states come and go every few seconds on a busy link).
WatchSpec neighborWatchSpec();
// ipAddressIfIndex, Type, Status, Origin; any of them changing is a "changed".
WatchSpec addressWatchSpec();

// ipv4InterfaceEnableStatus, RetransmitTime / ipv6InterfaceEnableStatus, ReachableTime,
// RetransmitTime, Forwarding; "changed" only (interfaces coming and going are IF-MIB's business).
WatchSpec ipv4InterfaceWatchSpec();
WatchSpec ipv6InterfaceWatchSpec();

std::unique_ptr<ChangeWatch> watchChanges(InetCidrRouteTable& unit, ChangeNotifier& notifier);
std::unique_ptr<ChangeWatch> watchChanges(IpInterfaceTables& unit, ChangeNotifier& notifier);
std::unique_ptr<ChangeWatch> watchChanges(IpNetToPhysicalTable& unit, ChangeNotifier& notifier);
std::unique_ptr<ChangeWatch> watchChanges(IpAddressTables& unit, ChangeNotifier& notifier);

} // namespace ipmibd::tables
