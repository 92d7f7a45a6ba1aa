// IP path rows from route exceptions and TCP metrics, completed the same way for every backend,
// and Backend::getIpPathEntry over the table.
#include "platform/backend.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace ipmibd::platform {

namespace {

bool validFamily(Family family) {
  return family == Family::Unspecified || family == Family::V4 || family == Family::V6;
}

// What a row's interface and next hop contribute, read once per table.
struct Completion {
  std::map<InterfaceIndex, InterfaceRow> interfaces;
  std::map<std::pair<Family, InterfaceIndex>, std::uint32_t> ipMtu; // nlMtu per family
  std::vector<NeighborRow> neighbors;

  const NeighborRow* neighbor(const IpAddress& address, InterfaceIndex index) const {
    for (const auto& n : neighbors)
      if (n.interfaceIndex == index && n.address.withScope(0) == address.withScope(0)) return &n;
    return nullptr;
  }
};

void complete(const Completion& c, IpPathRow& row, std::uint32_t mtu,
              std::optional<std::uint32_t> metricAge) {
  if (auto it = c.interfaces.find(row.interfaceIndex); it != c.interfaces.end()) {
    row.luid = it->second.luid;
    row.linkTransmitSpeed = it->second.transmitLinkSpeed;
    row.linkReceiveSpeed = it->second.receiveLinkSpeed;
    if (mtu == 0) {
      auto ip = c.ipMtu.find({row.destination.family(), row.interfaceIndex});
      mtu = ip != c.ipMtu.end() && ip->second != 0 ? ip->second : it->second.mtu;
    }
  }
  row.pathMtu = mtu;
  const bool onLink = row.currentNextHop.isUnspecified() || row.currentNextHop.isZero();
  if (onLink) row.currentNextHop = IpAddress::zero(row.destination.family());
  const NeighborRow* hop = c.neighbor(onLink ? row.destination : row.currentNextHop, row.interfaceIndex);
  row.isReachable = !(hop && (hop->isUnreachable || hop->state == NeighborState::Unreachable));
  if (!row.isReachable)
    row.lastReachable = 0; // LastUnreachable: Linux keeps no such time
  else if (metricAge)
    row.lastReachable = *metricAge;
  else if (hop)
    row.lastReachable = hop->reachabilityTime;
}

std::uint32_t millisRoundedUp(std::uint32_t micros) { return micros / 1000 + (micros % 1000 != 0); }

} // namespace

bool pathKeyLess(const IpPathRow& a, const IpPathRow& b) {
  return std::tie(a.interfaceIndex, a.destination, a.source) <
         std::tie(b.interfaceIndex, b.destination, b.source);
}

Result buildIpPathTable(Backend& backend, Family family, const std::vector<PathException>& exceptions,
                        const std::vector<PathMetric>& metrics, std::vector<IpPathRow>& table) {
  table.clear();
  Completion c;
  std::vector<InterfaceRow> interfaces;
  if (auto r = backend.getIfTable2(interfaces); !r.ok()) return r;
  for (auto& i : interfaces)
    c.interfaces.emplace(i.index, std::move(i));
  std::vector<IpInterfaceRow> ipInterfaces;
  if (auto r = backend.getIpInterfaceTable(family, ipInterfaces); !r.ok()) return r;
  for (const auto& i : ipInterfaces)
    c.ipMtu[{i.family, i.interfaceIndex}] = i.nlMtu;
  if (auto r = backend.getIpNetTable2(family, c.neighbors); !r.ok()) return r;

  auto wanted = [&](const IpAddress& a) { return family == Family::Unspecified || a.family() == family; };
  // Exceptions first; a metric for the same destination and interface joins the exception's row
  // (the first metric fills it, further sources copy it).
  std::map<std::pair<IpAddress, InterfaceIndex>, std::size_t> byDestination;
  for (const auto& e : exceptions) {
    if (!wanted(e.destination) || e.interfaceIndex == 0) continue;
    IpPathRow row;
    row.destination = e.destination;
    row.source = IpAddress::zero(e.destination.family());
    row.interfaceIndex = e.interfaceIndex;
    row.currentNextHop = e.gateway;
    row.hasException = true;
    row.expires = e.expires;
    complete(c, row, e.mtu, std::nullopt);
    byDestination.emplace(std::pair(e.destination.withScope(0), e.interfaceIndex), table.size());
    table.push_back(row);
  }
  std::vector<bool> sourceTaken(table.size(), false);
  for (const auto& m : metrics) {
    if (!wanted(m.destination) || m.interfaceIndex == 0) continue;
    IpPathRow row;
    std::optional<std::size_t> joined;
    if (auto it = byDestination.find({m.destination.withScope(0), m.interfaceIndex});
        it != byDestination.end()) {
      row = table[it->second];
      if (!sourceTaken[it->second]) joined = it->second;
    } else {
      row.destination = m.destination;
      row.interfaceIndex = m.interfaceIndex;
      row.currentNextHop = m.gateway;
    }
    row.source = m.source.isUnspecified() ? IpAddress::zero(m.destination.family()) : m.source;
    row.rttMeanMicros = m.rttMicros;
    row.rttDeviationMicros = m.rttVarianceMicros;
    row.rttMean = millisRoundedUp(m.rttMicros);
    row.rttDeviation = millisRoundedUp(m.rttVarianceMicros);
    complete(c, row, row.hasException ? row.pathMtu : m.routeMtu, m.ageMillis);
    if (joined) {
      table[*joined] = row;
      sourceTaken[*joined] = true;
    } else {
      table.push_back(row);
    }
  }
  std::sort(table.begin(), table.end(), pathKeyLess);
  return Result::success();
}

Result Backend::getIpPathTable(Family family, std::vector<IpPathRow>& table) {
  table.clear();
  if (!validFamily(family)) return Result::failure(Status::InvalidParameter, "not an address family");
  return Result::failure(Status::NotSupported, "this backend has no IP path table");
}

Result Backend::flushIpPathTable(Family family) {
  if (!validFamily(family)) return Result::failure(Status::InvalidParameter, "not an address family");
  return Result::failure(Status::NotSupported, "this backend has no IP path table");
}

Result Backend::getIpPathEntry(IpPathRow& row) {
  if (row.destination.isUnspecified()) return Result::failure(Status::InvalidParameter, "no destination");
  if (!row.source.isUnspecified() && row.source.family() != row.destination.family())
    return Result::failure(Status::InvalidParameter, "source and destination of different families");
  InterfaceIndex index = row.interfaceIndex;
  if (row.luid.value != 0) {
    if (auto r = convertInterfaceLuidToIndex(row.luid, index); !r.ok()) return r;
  } else if (index == 0) {
    return Result::failure(Status::InvalidParameter, "neither interface LUID nor index");
  } else {
    InterfaceRow i;
    i.index = index;
    if (auto r = getIfEntry2(i); !r.ok()) return r;
  }
  std::vector<IpPathRow> table;
  if (auto r = getIpPathTable(row.destination.family(), table); !r.ok()) return r;
  for (const auto& candidate : table) {
    if (candidate.interfaceIndex != index ||
        candidate.destination.withScope(0) != row.destination.withScope(0))
      continue;
    if (!row.source.isUnspecified() && !row.source.isZero() && candidate.source != row.source) continue;
    row = candidate;
    return Result::success();
  }
  return Result::failure(Status::NotFound, "no path to " + row.destination.toString() + " on interface " +
                                               std::to_string(index));
}

} // namespace ipmibd::platform
