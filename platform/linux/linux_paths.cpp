// LinuxBackend's IP paths: route exceptions (RTM_GETROUTE dumps with RTM_F_CLONED) and TCP
// metrics (the tcp_metrics generic netlink family), and their flush (backend.h says how).
#include "platform/linux/linux_backend.h"
#include "platform/linux/netns.h"
#include "platform/linux/sysctl.h"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/tcp_metrics.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

namespace ipmibd::platform::linux_backend {

namespace {

struct Request {
  alignas(nlmsghdr) std::array<char, 512> bytes{};
  nlmsghdr* m = nullptr;
  template <class Header> Header* start(std::uint16_t type, std::uint16_t flags = 0) {
    m = mnl_nlmsg_put_header(bytes.data());
    m->nlmsg_type = type;
    m->nlmsg_flags = NLM_F_REQUEST | flags;
    return static_cast<Header*>(mnl_nlmsg_put_extra_header(m, sizeof(Header)));
  }
};

std::uint8_t afOf(Family family) { return family == Family::V4 ? AF_INET : AF_INET6; }

std::vector<Family> familiesOf(Family family) {
  if (family == Family::Unspecified) return {Family::V4, Family::V6};
  return {family};
}

bool validFamily(Family family) {
  return family == Family::Unspecified || family == Family::V4 || family == Family::V6;
}

Result dumpExceptions(NetlinkSocket& socket, Family family, std::vector<PathException>& out) {
  Request request;
  auto* header = request.start<rtmsg>(RTM_GETROUTE);
  header->rtm_family = afOf(family);
  header->rtm_flags = RTM_F_CLONED; // exceptions only (the kernel then skips the routes)
  const std::size_t first = out.size();
  return socket.dump(
      request.m,
      [&](const nlmsghdr& reply) {
        if (auto e = decodeRouteException(reply)) out.push_back(*e);
      },
      [&] { out.resize(first); });
}

// Where the kernel sends `destination` now: interface, gateway and, where a lookup reply carries
// one (IPv4 with an exception), the path MTU.
void lookUp(NetlinkSocket& socket, PathMetric& metric) {
  Request request;
  auto* header = request.start<rtmsg>(RTM_GETROUTE);
  header->rtm_family = afOf(metric.destination.family());
  header->rtm_dst_len = std::uint8_t(metric.destination.size() * 8);
  mnl_attr_put(request.m, RTA_DST, metric.destination.size(), metric.destination.data());
  std::optional<RouteLookup> lookup;
  std::optional<PathException> exception;
  socket.request(request.m, [&](const nlmsghdr& m) {
    if (!lookup) lookup = decodeRouteLookup(m);
    if (!exception) exception = decodeRouteException(m);
  });
  if (!lookup || (lookup->type != RouteType::Unicast && lookup->type != RouteType::Local)) return;
  metric.interfaceIndex = lookup->interfaceIndex;
  metric.gateway = lookup->gateway;
  if (exception && exception->interfaceIndex == lookup->interfaceIndex) metric.routeMtu = exception->mtu;
}

} // namespace

Result LinuxBackend::openTcpMetrics() {
  if (tcpMetricsSocket_) return Result::success();
  Result error;
  {
    NetnsScope scope(options_.netns);
    if (!scope.result().ok()) return scope.result();
    tcpMetricsSocket_ = NetlinkSocket::open({}, 0, error, NETLINK_GENERIC);
  }
  if (!tcpMetricsSocket_) return error;
  Request request;
  auto* header = request.start<genlmsghdr>(GENL_ID_CTRL);
  header->cmd = CTRL_CMD_GETFAMILY;
  header->version = 1;
  mnl_attr_put_strz(request.m, CTRL_ATTR_FAMILY_NAME, TCP_METRICS_GENL_NAME);
  std::optional<std::uint16_t> id;
  const Result asked = tcpMetricsSocket_->request(request.m, [&](const nlmsghdr& m) {
    if (!id) id = decodeGenericFamilyId(m, TCP_METRICS_GENL_NAME);
  });
  // A kernel without the family (ENOENT) simply has no TCP metrics to show.
  tcpMetricsFamily_ = asked.ok() && id ? *id : 0;
  if (!asked.ok() && asked.status != Status::NotFound) {
    tcpMetricsSocket_.reset();
    return asked;
  }
  return Result::success();
}

Result LinuxBackend::dumpTcpMetrics(Family family, std::vector<PathMetric>& out) {
  out.clear();
  if (auto r = openTcpMetrics(); !r.ok()) return r;
  if (tcpMetricsFamily_ == 0) return Result::success();
  Request request;
  auto* header = request.start<genlmsghdr>(tcpMetricsFamily_);
  header->cmd = TCP_METRICS_CMD_GET;
  header->version = TCP_METRICS_GENL_VERSION;
  return tcpMetricsSocket_->dump(
      request.m,
      [&](const nlmsghdr& reply) {
        auto metric = decodeTcpMetric(reply, tcpMetricsFamily_);
        if (metric && (family == Family::Unspecified || metric->destination.family() == family))
          out.push_back(*metric);
      },
      [&] { out.clear(); });
}

Result LinuxBackend::getIpPathTable(Family family, std::vector<IpPathRow>& table) {
  table.clear();
  if (!validFamily(family)) return Result::failure(Status::InvalidParameter, "not an address family");
  std::vector<PathException> exceptions;
  for (Family f : familiesOf(family))
    if (auto r = dumpExceptions(*requestSocket_, f, exceptions); !r.ok()) return r;
  std::vector<PathMetric> metrics;
  if (auto r = dumpTcpMetrics(family, metrics); !r.ok()) return r;
  for (auto& m : metrics)
    lookUp(*requestSocket_, m);
  return buildIpPathTable(*this, family, exceptions, metrics, table);
}

Result LinuxBackend::flushIpPathTable(Family family) {
  if (!validFamily(family)) return Result::failure(Status::InvalidParameter, "not an address family");
  if (family != Family::V6)
    if (auto r = writeSysctl(options_.netns, "net/ipv4/route/flush", 1); !r.ok()) return r;
  if (family != Family::V4) {
    std::vector<PathException> exceptions;
    if (auto r = dumpExceptions(*requestSocket_, Family::V6, exceptions); !r.ok()) return r;
    for (const auto& e : exceptions) {
      Request request;
      auto* header = request.start<rtmsg>(RTM_DELROUTE);
      header->rtm_family = AF_INET6;
      header->rtm_dst_len = 128;
      header->rtm_flags = RTM_F_CLONED; // the kernel's RTF_CACHE: the exception, not the route
      header->rtm_table = RT_TABLE_UNSPEC;
      mnl_attr_put(request.m, RTA_DST, 16, e.destination.data());
      mnl_attr_put_u32(request.m, RTA_TABLE, e.table);
      mnl_attr_put_u32(request.m, RTA_OIF, e.interfaceIndex);
      // Gone meanwhile (expired, its route deleted) is what a flush wants anyway.
      if (auto r = requestSocket_->request(request.m); !r.ok() && r.status != Status::NotFound) return r;
    }
  }
  std::vector<PathMetric> metrics;
  if (auto r = dumpTcpMetrics(family, metrics); !r.ok()) return r;
  for (const auto& m : metrics) {
    Request request;
    auto* header = request.start<genlmsghdr>(tcpMetricsFamily_);
    header->cmd = TCP_METRICS_CMD_DEL;
    header->version = TCP_METRICS_GENL_VERSION;
    const bool v4 = m.destination.isV4();
    mnl_attr_put(request.m, v4 ? TCP_METRICS_ATTR_ADDR_IPV4 : TCP_METRICS_ATTR_ADDR_IPV6,
                 m.destination.size(), m.destination.data());
    if (!m.source.isUnspecified())
      mnl_attr_put(request.m, v4 ? TCP_METRICS_ATTR_SADDR_IPV4 : TCP_METRICS_ATTR_SADDR_IPV6, m.source.size(),
                   m.source.data());
    if (auto r = tcpMetricsSocket_->request(request.m); !r.ok() && r.status != Status::NotFound) return r;
  }
  return Result::success();
}

} // namespace ipmibd::platform::linux_backend
