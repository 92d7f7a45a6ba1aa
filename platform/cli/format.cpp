// Row -> text for ipmibd-platform: aligned tables and one-line change descriptions.
#include "platform/cli/format.h"

#include <cstdio>

#include <algorithm>

namespace ipmibd::platform::cli {
namespace {

std::string yesNo(bool value) { return value ? "yes" : "no"; }

std::string counter(const std::optional<std::uint64_t>& value) {
  return value ? std::to_string(*value) : std::string("-");
}

std::string adminText(AdminStatus status) {
  switch (status) {
  case AdminStatus::Up: return "up";
  case AdminStatus::Down: return "down";
  case AdminStatus::Testing: return "testing";
  }
  return "?";
}

std::string prefixOriginText(PrefixOrigin origin) {
  switch (origin) {
  case PrefixOrigin::Other: return "other";
  case PrefixOrigin::Manual: return "manual";
  case PrefixOrigin::WellKnown: return "wellknown";
  case PrefixOrigin::Dhcp: return "dhcp";
  case PrefixOrigin::RouterAdvertisement: return "ra";
  case PrefixOrigin::Unchanged: return "unchanged";
  }
  return "?";
}

std::string suffixOriginText(SuffixOrigin origin) {
  switch (origin) {
  case SuffixOrigin::Other: return "other";
  case SuffixOrigin::Manual: return "manual";
  case SuffixOrigin::WellKnown: return "wellknown";
  case SuffixOrigin::Dhcp: return "dhcp";
  case SuffixOrigin::LinkLayerAddress: return "lladdr";
  case SuffixOrigin::Random: return "random";
  case SuffixOrigin::Unchanged: return "unchanged";
  }
  return "?";
}

// Kernel table numbers print by their iproute2 names where those are well known.
std::string tableText(std::uint32_t table) {
  switch (table) {
  case kMainRouteTable: return "main";
  case kLocalRouteTable: return "local";
  case 253: return "default";
  default: return std::to_string(table);
  }
}

std::string metricText(std::uint32_t metric) {
  return metric == kUnspecifiedMetric ? std::string("-") : std::to_string(metric);
}

// The next hop column: "-" for on-link and device-less routes, where `ip` prints no "via".
std::string nextHopText(const RouteRow& row) {
  return row.nextHop.isZero() ? std::string("-") : row.nextHop.toString();
}

std::string addressWithPrefix(const UnicastAddressRow& row) {
  const unsigned length =
      row.onLinkPrefixLength == 0xff ? (row.address.isV4() ? 32 : 128) : row.onLinkPrefixLength;
  return row.address.toString() + "/" + std::to_string(length);
}

} // namespace

InterfaceNames interfaceNames(const std::vector<InterfaceRow>& interfaces) {
  InterfaceNames names;
  for (const auto& row : interfaces)
    names[row.index] = row.name;
  return names;
}

std::string interfaceName(const InterfaceNames& names, InterfaceIndex index) {
  if (index == 0) return "-";
  auto it = names.find(index);
  return it != names.end() ? it->second : "#" + std::to_string(index);
}

std::string TextTable::render() const {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& cells) {
    if (widths.size() < cells.size()) widths.resize(cells.size(), 0);
    for (std::size_t i = 0; i < cells.size(); ++i)
      widths[i] = std::max(widths[i], cells[i].size());
  };
  measure(header);
  for (const auto& row : rows)
    measure(row);

  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      line += cells[i];
      if (i + 1 < cells.size()) line.append(widths[i] - cells[i].size(), ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line;
    out += '\n';
  };
  emit(header);
  for (const auto& row : rows)
    emit(row);
  return out;
}

std::string formatLifetime(std::uint32_t seconds) {
  return seconds == kInfiniteLifetime ? std::string("forever") : std::to_string(seconds) + "s";
}

std::string formatLinkLayer(const PhysicalAddress& address) {
  return address.empty() ? std::string("none") : formatPhysicalAddress(address);
}

TextTable interfacesTable(const std::vector<InterfaceRow>& rows) {
  TextTable t{{"INDEX", "NAME", "TYPE", "MTU", "MAC", "ADMIN", "OPER", "ALIAS"}, {}};
  for (const auto& r : rows)
    t.rows.push_back({std::to_string(r.index), r.name, std::to_string(r.type), std::to_string(r.mtu),
                      formatLinkLayer(r.physicalAddress), adminText(r.adminStatus),
                      std::string(toString(r.operStatus)), r.alias.empty() ? "-" : r.alias});
  return t;
}

TextTable ipInterfacesTable(const std::vector<IpInterfaceRow>& rows, const InterfaceNames& names) {
  TextTable t{{"FAMILY", "INTERFACE", "ENABLED", "FORWARDING", "MTU", "REACHABLE", "RETRANSMIT", "HOPLIMIT",
               "CONNECTED"},
              {}};
  for (const auto& r : rows)
    t.rows.push_back({std::string(toString(r.family)), interfaceName(names, r.interfaceIndex),
                      yesNo(r.enabled), yesNo(r.forwardingEnabled), std::to_string(r.nlMtu),
                      std::to_string(r.reachableTime) + "ms", std::to_string(r.retransmitTime) + "ms",
                      r.curHopLimit == 0 ? std::string("default") : std::to_string(r.curHopLimit),
                      yesNo(r.connected)});
  return t;
}

TextTable addressesTable(const std::vector<UnicastAddressRow>& rows, const InterfaceNames& names) {
  TextTable t{{"ADDRESS", "INTERFACE", "PREFIX-ORIGIN", "SUFFIX-ORIGIN", "DAD", "VALID", "PREFERRED"}, {}};
  for (const auto& r : rows)
    t.rows.push_back({addressWithPrefix(r), interfaceName(names, r.interfaceIndex),
                      prefixOriginText(r.prefixOrigin), suffixOriginText(r.suffixOrigin),
                      std::string(toString(r.dadState)), formatLifetime(r.validLifetime),
                      formatLifetime(r.preferredLifetime)});
  return t;
}

TextTable neighborsTable(const std::vector<NeighborRow>& rows, const InterfaceNames& names) {
  TextTable t{{"ADDRESS", "INTERFACE", "LLADDR", "STATE", "ROUTER"}, {}};
  for (const auto& r : rows)
    t.rows.push_back({r.address.toString(), interfaceName(names, r.interfaceIndex),
                      formatLinkLayer(r.physicalAddress), std::string(toString(r.state)), yesNo(r.isRouter)});
  return t;
}

TextTable routesTable(const std::vector<RouteRow>& rows, const InterfaceNames& names) {
  TextTable t{{"TABLE", "DESTINATION", "NEXTHOP", "INTERFACE", "TYPE", "PROTOCOL", "METRIC", "WEIGHT"}, {}};
  for (const auto& r : rows)
    t.rows.push_back({tableText(r.table), r.destinationPrefix.toString(), nextHopText(r),
                      interfaceName(names, r.interfaceIndex), std::string(toString(r.type)),
                      std::string(toString(r.protocol)), metricText(r.metric), std::to_string(r.weight)});
  return t;
}

TextTable statisticsTable(const std::vector<IpStatisticsRow>& rows, const InterfaceNames& names) {
  TextTable t{{"FAMILY", "INTERFACE", "IN-RECEIVES", "IN-DELIVERS", "IN-DISCARDS", "IN-NOROUTES", "FORWARDED",
               "OUT-REQUESTS", "OUT-DISCARDS", "OUT-TRANSMITS"},
              {}};
  for (const auto& r : rows)
    t.rows.push_back(
        {std::string(toString(r.family)),
         r.interfaceIndex == 0 ? std::string("(system)") : interfaceName(names, r.interfaceIndex),
         counter(r.inReceives), counter(r.inDelivers), counter(r.inDiscards), counter(r.inNoRoutes),
         counter(r.inForwDatagrams), counter(r.outRequests), counter(r.outDiscards),
         counter(r.outTransmits)});
  return t;
}

TextTable settingsTable(const std::vector<IpGlobalSettings>& rows) {
  TextTable t{{"FAMILY", "FORWARDING", "DEFAULT-HOPLIMIT"}, {}};
  for (const auto& r : rows)
    t.rows.push_back(
        {std::string(toString(r.family)), yesNo(r.forwarding), std::to_string(r.defaultHopLimit)});
  return t;
}

TextTable ifStackTable(const std::vector<IfStackRow>& rows, const InterfaceNames& names) {
  TextTable t{{"HIGHER", "LOWER"}, {}};
  for (const auto& r : rows)
    t.rows.push_back({interfaceName(names, r.higherLayerInterfaceIndex),
                      interfaceName(names, r.lowerLayerInterfaceIndex)});
  return t;
}

namespace {
template <class Row> TextTable groupTable(const std::vector<Row>& rows, const InterfaceNames& names) {
  TextTable t{{"ADDRESS", "DEV", "SCOPE-ID"}, {}};
  for (const auto& r : rows)
    t.rows.push_back(
        {r.address.toString(), interfaceName(names, r.interfaceIndex), std::to_string(r.scopeId)});
  return t;
}
} // namespace

TextTable multicastTable(const std::vector<MulticastAddressRow>& rows, const InterfaceNames& names) {
  return groupTable(rows, names);
}
TextTable anycastTable(const std::vector<AnycastAddressRow>& rows, const InterfaceNames& names) {
  return groupTable(rows, names);
}

// Issue 19.
TextTable pathsTable(const std::vector<IpPathRow>& rows, const InterfaceNames& names) {
  TextTable t{{"DESTINATION", "SOURCE", "DEV", "NEXTHOP", "MTU", "RTT-US", "RTTVAR-US", "REACHABLE", "SPEED",
               "EXPIRES"},
              {}};
  for (const auto& r : rows) {
    const bool source = !r.source.isUnspecified() && !r.source.isZero();
    const bool onLink = r.currentNextHop.isUnspecified() || r.currentNextHop.isZero();
    const bool metric = r.rttMean != 0;
    t.rows.push_back(
        {r.destination.toString(), source ? r.source.toString() : "-", interfaceName(names, r.interfaceIndex),
         onLink ? "on-link" : r.currentNextHop.toString(), std::to_string(r.pathMtu),
         metric ? std::to_string(r.rttMeanMicros) : "-", metric ? std::to_string(r.rttDeviationMicros) : "-",
         r.isReachable ? "yes " + std::to_string(r.lastReachable) + "ms" : "no",
         std::to_string(r.linkTransmitSpeed),
         r.hasException && r.expires != 0 ? formatLifetime(r.expires) : "-"});
  }
  return t;
}

std::string describe(const IfStackRow& row, const InterfaceNames& names) {
  return "stack " + interfaceName(names, row.higherLayerInterfaceIndex) + " over " +
         interfaceName(names, row.lowerLayerInterfaceIndex);
}

std::string describe(const InterfaceRow& row) {
  return "link " + row.name + " index " + std::to_string(row.index) + " type " + std::to_string(row.type) +
         " mtu " + std::to_string(row.mtu) + " lladdr " + formatLinkLayer(row.physicalAddress) + " admin " +
         adminText(row.adminStatus) + " oper " + std::string(toString(row.operStatus));
}

std::string describe(const IpInterfaceRow& row, const InterfaceNames& names) {
  return "ipinterface " + std::string(toString(row.family)) + " dev " +
         interfaceName(names, row.interfaceIndex) + " enabled " + yesNo(row.enabled) + " forwarding " +
         yesNo(row.forwardingEnabled) + " mtu " + std::to_string(row.nlMtu) + " hoplimit " +
         std::to_string(row.curHopLimit) + " connected " + yesNo(row.connected);
}

std::string describe(const UnicastAddressRow& row, const InterfaceNames& names) {
  return "address " + addressWithPrefix(row) + " dev " + interfaceName(names, row.interfaceIndex) + " dad " +
         std::string(toString(row.dadState)) + " valid " + formatLifetime(row.validLifetime) + " preferred " +
         formatLifetime(row.preferredLifetime);
}

std::string describe(const NeighborRow& row, const InterfaceNames& names) {
  std::string text = "neighbor " + row.address.toString() + " dev " +
                     interfaceName(names, row.interfaceIndex) + " lladdr " +
                     formatLinkLayer(row.physicalAddress) + " " + std::string(toString(row.state));
  if (row.isRouter) text += " router";
  return text;
}

std::string describe(const RouteRow& row, const InterfaceNames& names) {
  std::string text = "route ";
  if (row.type != RouteType::Unicast) text += std::string(toString(row.type)) + " ";
  text += row.destinationPrefix.toString();
  if (!row.nextHop.isZero()) text += " via " + row.nextHop.toString();
  if (row.interfaceIndex != 0) text += " dev " + interfaceName(names, row.interfaceIndex);
  text += " table " + tableText(row.table) + " proto " + std::string(toString(row.protocol)) + " metric " +
          metricText(row.metric);
  if (row.weight != 1) text += " weight " + std::to_string(row.weight);
  return text;
}

char changeMarker(ChangeKind kind) {
  switch (kind) {
  case ChangeKind::Add: return '+';
  case ChangeKind::Delete: return '-';
  case ChangeKind::ParameterChange: return '~';
  }
  return '?';
}

// ---- Issue 19, h-sort ----------------------------------------------------------------------------

TextTable addressLabelsTable(const std::vector<AddressLabelRow>& rows, const InterfaceNames& names) {
  TextTable t{{"PREFIX", "INTERFACE", "LABEL"}, {}};
  for (const auto& r : rows)
    t.rows.push_back({r.prefix.toString(),
                      r.interfaceIndex == 0 ? "any" : interfaceName(names, r.interfaceIndex),
                      std::to_string(r.label)});
  return t;
}

TextTable guidsTable(const std::vector<InterfaceRow>& rows) {
  TextTable t{{"INDEX", "NAME", "LUID", "GUID", "FROM"}, {}};
  const auto guids = interfaceGuids(rows);
  std::map<PhysicalAddress, int> uses;
  for (const auto& r : rows)
    ++uses[r.permanentPhysicalAddress];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    char luid[19];
    std::snprintf(luid, sizeof luid, "0x%016llx", static_cast<unsigned long long>(r.luid.value));
    t.rows.push_back({std::to_string(r.index), r.name, luid, guids[i].toString(),
                      interfaceGuidName(r, uses[r.permanentPhysicalAddress] > 1)});
  }
  return t;
}

TextTable sortedPairsTable(const std::vector<AddressPair>& pairs) {
  TextTable t{{"RANK", "DESTINATION", "SOURCE"}, {}};
  for (std::size_t i = 0; i < pairs.size(); ++i)
    t.rows.push_back({std::to_string(i + 1), pairs[i].destination.toString(),
                      pairs[i].source.isUnspecified() ? "none" : pairs[i].source.toString()});
  return t;
}

} // namespace ipmibd::platform::cli
