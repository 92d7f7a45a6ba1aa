// The simulator's IP paths: route exceptions and TCP metrics that scenarios create, read and
// flushed through the same row building as the Linux backend's (platform/ip_path.h).
#include "platform/sim/sim_backend.h"
#include "platform/sim/sim_kernel.h"

#include <chrono>

namespace ipmibd::platform::sim {

namespace {
Result failure(Status status, std::string message) { return Result::failure(status, std::move(message)); }

bool validFamily(Family family) {
  return family == Family::Unspecified || family == Family::V4 || family == Family::V6;
}
} // namespace

Result SimKernel::addPathException(const IpAddress& destination, InterfaceIndex index,
                                   SimPathException exception) {
  if (destination.isUnspecified() || destination.isZero() || destination.isMulticast())
    return failure(Status::InvalidParameter, "a path needs a unicast destination");
  const Link* l = link(index);
  if (!l) return failure(Status::NotFound, "no such device");
  if (exception.mtu == 0 && (exception.gateway.isUnspecified() || exception.gateway.isZero()))
    return failure(Status::InvalidParameter, "an exception needs an MTU or a gateway");
  if (!exception.gateway.isUnspecified() && exception.gateway.family() != destination.family())
    return failure(Status::InvalidParameter, "gateway of another family");
  const std::uint32_t minimum = destination.isV4() ? 68 : 1280;
  if (exception.mtu != 0 && (exception.mtu < minimum || exception.mtu > l->row.mtu))
    return failure(Status::InvalidParameter,
                   "path MTU outside " + std::to_string(minimum) + ".." + std::to_string(l->row.mtu));
  auto scoped = scopedFor(destination, index);
  if (!scoped) return failure(Status::InvalidParameter, "scope names another interface");
  pathExceptions_[{*scoped, index}] = exception;
  return Result::success();
}

Result SimKernel::addTcpMetric(const IpAddress& destination, const IpAddress& source, SimTcpMetric metric) {
  if (destination.isUnspecified() || destination.isZero() || destination.isMulticast())
    return failure(Status::InvalidParameter, "a path needs a unicast destination");
  if (!source.isUnspecified() && source.family() != destination.family())
    return failure(Status::InvalidParameter, "source of another family");
  tcpMetrics_[{destination, source}] = metric;
  return Result::success();
}

Result SimKernel::deletePaths(const IpAddress& destination, InterfaceIndex index) {
  const auto before = pathExceptions_.size() + tcpMetrics_.size();
  std::erase_if(pathExceptions_, [&](const auto& p) {
    return p.first.first.withScope(0) == destination.withScope(0) && (index == 0 || p.first.second == index);
  });
  std::erase_if(tcpMetrics_, [&](const auto& m) { return m.first.first == destination; });
  if (pathExceptions_.size() + tcpMetrics_.size() == before)
    return failure(Status::NotFound, "no path to " + destination.toString());
  return Result::success();
}

void SimKernel::flushPaths(Family family) {
  auto of = [&](const IpAddress& a) { return family == Family::Unspecified || a.family() == family; };
  std::erase_if(pathExceptions_, [&](const auto& p) { return of(p.first.first); });
  std::erase_if(tcpMetrics_, [&](const auto& m) { return of(m.first.first); });
}

void SimKernel::pathView(Family family, const std::vector<std::uint32_t>& tables,
                         std::vector<PathException>& exceptions, std::vector<PathMetric>& metrics) const {
  using std::chrono::duration_cast;
  const Timestamp now = clock_.now();
  auto of = [&](const IpAddress& a) { return family == Family::Unspecified || a.family() == family; };
  for (const auto& [key, e] : pathExceptions_) {
    if (!of(key.first) || (e.expiresAt && *e.expiresAt <= now)) continue;
    PathException out;
    out.destination = key.first;
    out.interfaceIndex = key.second;
    out.mtu = e.mtu;
    out.gateway = e.gateway;
    if (out.gateway.isUnspecified() || out.gateway.isZero()) {
      // A PMTU exception goes the way its route goes.
      RouteRow best;
      IpAddress source;
      if (bestRoute(key.first, tables, best, source).ok() && best.interfaceIndex == key.second)
        out.gateway = best.nextHop;
    }
    if (e.expiresAt)
      out.expires = std::uint32_t(duration_cast<std::chrono::seconds>(*e.expiresAt - now).count());
    out.table = kMainRouteTable;
    exceptions.push_back(out);
  }
  for (const auto& [key, m] : tcpMetrics_) {
    if (!of(key.first)) continue;
    PathMetric out;
    out.destination = key.first;
    out.source = key.second;
    out.rttMicros = m.rttMicros;
    out.rttVarianceMicros = m.rttVarianceMicros;
    out.ageMillis = std::uint32_t(duration_cast<std::chrono::milliseconds>(now - m.savedAt).count());
    RouteRow best;
    IpAddress source;
    if (bestRoute(key.first, tables, best, source).ok() && best.type == RouteType::Unicast) {
      out.interfaceIndex = best.interfaceIndex;
      out.gateway = best.nextHop;
      if (auto e = pathExceptions_.find({key.first, best.interfaceIndex}); e != pathExceptions_.end())
        out.routeMtu = e->second.mtu;
    }
    metrics.push_back(out);
  }
}

Result SimBackend::getIpPathTable(Family family, std::vector<IpPathRow>& table) {
  table.clear();
  if (!validFamily(family)) return failure(Status::InvalidParameter, "not an address family");
  std::vector<PathException> exceptions;
  std::vector<PathMetric> metrics;
  kernel_.pathView(family, {kMainRouteTable}, exceptions, metrics);
  return buildIpPathTable(*this, family, exceptions, metrics, table);
}

Result SimBackend::flushIpPathTable(Family family) {
  if (!validFamily(family)) return failure(Status::InvalidParameter, "not an address family");
  kernel_.flushPaths(family);
  return Result::success();
}

} // namespace ipmibd::platform::sim
