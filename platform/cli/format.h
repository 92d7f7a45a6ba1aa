// Row -> text for ipmibd-platform: aligned tables and one-line change descriptions, kept apart from
// the command line so tests (and later other tools) can reuse and check them.
#pragma once

#include "platform/backend.h"

#include <map>
#include <string>
#include <vector>

namespace ipmibd::platform::cli {

// Interface index -> name, so rows can show "v0" rather than "3"; unknown indexes print as "#3".
using InterfaceNames = std::map<InterfaceIndex, std::string>;
InterfaceNames interfaceNames(const std::vector<InterfaceRow>& interfaces);
std::string interfaceName(const InterfaceNames& names, InterfaceIndex index);

// A table of text cells, rendered with every column padded to its widest cell.
struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  // Header line, then one line per row; columns separated by two spaces, no trailing blanks.
  std::string render() const;
};

// "forever" for kInfiniteLifetime, else seconds ("3600s").
std::string formatLifetime(std::uint32_t seconds);
// "none" for an empty physical address.
std::string formatLinkLayer(const PhysicalAddress& address);

// The tables, one row per platform row, in the order given.
TextTable interfacesTable(const std::vector<InterfaceRow>& rows);
TextTable ipInterfacesTable(const std::vector<IpInterfaceRow>& rows, const InterfaceNames& names);
TextTable addressesTable(const std::vector<UnicastAddressRow>& rows, const InterfaceNames& names);
TextTable neighborsTable(const std::vector<NeighborRow>& rows, const InterfaceNames& names);
TextTable routesTable(const std::vector<RouteRow>& rows, const InterfaceNames& names);
// Statistics show a fixed set of RFC 4293 counters; a counter the platform does not keep is "-".
TextTable statisticsTable(const std::vector<IpStatisticsRow>& rows, const InterfaceNames& names);
TextTable settingsTable(const std::vector<IpGlobalSettings>& rows);
TextTable ifStackTable(const std::vector<IfStackRow>& rows, const InterfaceNames& names);
TextTable multicastTable(const std::vector<MulticastAddressRow>& rows, const InterfaceNames& names);
TextTable anycastTable(const std::vector<AnycastAddressRow>& rows, const InterfaceNames& names);

// Issue 19, h-sort: the address label table (`ip addrlabel` order), each interface's GUID with
// the name it is derived from, and CreateSortedAddressPairs' result (rank, destination, source;
// "none" for a destination no source can reach).
TextTable addressLabelsTable(const std::vector<AddressLabelRow>& rows, const InterfaceNames& names);
TextTable guidsTable(const std::vector<InterfaceRow>& rows);
TextTable sortedPairsTable(const std::vector<AddressPair>& pairs);

// Issue 19: the IP path table: destination, source ("-" for none), interface, next hop ("on-link"),
// path MTU, RTT mean/deviation in microseconds ("-" without a TCP metric), reachability ("yes
// 1620ms": LastReachable; "no"), the interface's transmit speed (bits/s, 0 unknown), and the
// exception's time left ("598s"; "-" for none).
TextTable pathsTable(const std::vector<IpPathRow>& rows, const InterfaceNames& names);

// One-line descriptions in `ip` word order ("route 198.51.100.0/24 via 192.0.2.254 dev v0 ...").
std::string describe(const InterfaceRow& row);
std::string describe(const IpInterfaceRow& row, const InterfaceNames& names);
std::string describe(const UnicastAddressRow& row, const InterfaceNames& names);
std::string describe(const NeighborRow& row, const InterfaceNames& names);
std::string describe(const RouteRow& row, const InterfaceNames& names);
std::string describe(const IfStackRow& row, const InterfaceNames& names); // "stack v0.10 over v0"

// '+' for Add, '-' for Delete, '~' for ParameterChange: the prefix of a --watch line.
char changeMarker(ChangeKind kind);

} // namespace ipmibd::platform::cli
