// route_parse_bench: how fast RTM_NEWROUTE messages decode (synthetic, in memory), and, as root, how
// long LinuxBackend::open and getIpForwardTable2 take over N real kernel routes in a namespace.
//
//   route_parse_bench [MESSAGES]            synthetic decode (default 1,000,000)
//   route_parse_bench --kernel [ROUTES]     real-kernel load (default 100,000; needs root)
//   route_parse_bench --netns NAME          the same start-up phases over the routes already in
//                                           namespace NAME, plus the inetCidrRouteTable load
//                                           (wall and process CPU time per phase)
//   route_parse_bench --resync NAME [BUDGET_MS] [FLOOD]
//                                           an overrun resync over the routes in namespace NAME:
//                                           FLOOD (default 2,000) blackhole /32s in 198.18.0.0/15
//                                           are added (then deleted) without dispatching, so the
//                                           tiny event buffer overflows; prints how many
//                                           dispatch(BUDGET_MS, default 20) calls the repair took
//                                           and the longest of them (the agent's longest stall)
//   --churn NAME [ROUTES] [CYCLES] [BUDGET_MS]
//                                           route churn over the routes in namespace NAME: CYCLES
//                                           (default 2) times, ROUTES (default 20,000) distinct
//                                           blackhole /32s from 198.19.128.0 up (past the 98,304
//                                           /32s of 198.18.0.0/15) are added, then deleted, each
//                                           batch dispatched with BUDGET_MS (default 20) until
//                                           idle; prints the longest dispatch() call (the route
//                                           shadow's merges happen inside these calls)
#include "platform/linux/linux_backend.h"
#include "platform/linux/route_shadow.h"
#include "platform/linux/rtnl_decode.h"
#include "tables/ip_forward_mib/inet_cidr_route_table.h"
#include "tests/platform/linux/test_namespace.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;
using Seconds = std::chrono::duration<double>;

// Appends one RTM_NEWROUTE to `buffer` at `offset`, shaped like the kernel's dump messages: every
// tenth route multipath (2-3 next hops), 60% IPv4 and 40% IPv6.
std::size_t putRoute(char* at, std::uint32_t i) {
  nlmsghdr* m = mnl_nlmsg_put_header(at);
  m->nlmsg_type = RTM_NEWROUTE;
  m->nlmsg_flags = NLM_F_MULTI;
  auto* rt = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(m, sizeof(rtmsg)));
  const bool v6 = i % 5 >= 3;
  rt->rtm_family = v6 ? AF_INET6 : AF_INET;
  rt->rtm_dst_len = v6 ? 128 : 32;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BGP;
  rt->rtm_type = RTN_UNICAST;
  mnl_attr_put_u32(m, RTA_TABLE, RT_TABLE_MAIN);
  if (v6) {
    std::uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8};
    std::memcpy(dst + 12, &i, 4);
    mnl_attr_put(m, RTA_DST, 16, dst);
    mnl_attr_put_u32(m, RTA_PRIORITY, 1024);
  } else {
    std::uint8_t dst[4] = {198, 51, std::uint8_t(i >> 8), std::uint8_t(i)};
    mnl_attr_put(m, RTA_DST, 4, dst);
  }
  const int hops = i % 10 == 0 ? 2 + int(i % 3 == 0) : 1;
  auto gateway = [&](int hop, std::uint8_t* out) {
    if (v6) {
      const std::uint8_t g[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
                                  0,    0,    0,    0,    0, 0, 0, std::uint8_t(hop + 1)};
      std::memcpy(out, g, 16);
      return 16;
    }
    const std::uint8_t g[4] = {192, 0, 2, std::uint8_t(hop + 1)};
    std::memcpy(out, g, 4);
    return 4;
  };
  std::uint8_t gw[16];
  if (hops == 1) {
    const int n = gateway(0, gw);
    mnl_attr_put(m, RTA_GATEWAY, n, gw);
    mnl_attr_put_u32(m, RTA_OIF, 2);
  } else {
    nlattr* mp = mnl_attr_nest_start(m, RTA_MULTIPATH);
    for (int h = 0; h < hops; ++h) {
      auto* nh = static_cast<rtnexthop*>(mnl_nlmsg_get_payload_tail(m));
      m->nlmsg_len += RTNH_ALIGN(sizeof(rtnexthop));
      nh->rtnh_flags = 0;
      nh->rtnh_hops = std::uint8_t(h);
      nh->rtnh_ifindex = 2 + h;
      const int n = gateway(h, gw);
      mnl_attr_put(m, RTA_GATEWAY, n, gw);
      nh->rtnh_len = std::uint16_t(RTNH_ALIGN(sizeof(rtnexthop)) + MNL_ATTR_HDRLEN + MNL_ALIGN(n));
    }
    mnl_attr_nest_end(m, mp);
  }
  return m->nlmsg_len;
}

int syntheticBench(std::size_t count) {
  // One contiguous stream, as dump datagrams are: decoding walks it with mnl_nlmsg_next.
  const std::size_t perMessage = 160;
  std::unique_ptr<char[]> stream(new char[count * perMessage]);
  std::size_t used = 0;
  for (std::uint32_t i = 0; i < count; ++i)
    used += putRoute(stream.get() + used, i);

  std::vector<RouteRow> rows;
  rows.reserve(count + count / 5);
  const auto start = std::chrono::steady_clock::now();
  int remaining = int(used);
  std::size_t messages = 0;
  for (auto* m = reinterpret_cast<const nlmsghdr*>(stream.get()); mnl_nlmsg_ok(m, remaining);
       m = mnl_nlmsg_next(m, &remaining)) {
    decodeRoute(*m, rows);
    ++messages;
  }
  const double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  std::printf("synthetic: %zu RTM_NEWROUTE messages (%zu bytes) -> %zu rows in %.3f s: %.0f messages/s\n",
              messages, used, rows.size(), seconds, double(messages) / seconds);
  return messages == count ? 0 : 1;
}

// VmRSS of this process in bytes, after handing freed heap back (transient dump buffers).
long residentBytes() {
  ::malloc_trim(0);
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  return 0;
}

int kernelBench(std::size_t count) {
  if (::geteuid() != 0) {
    std::printf("kernel: skipped (needs root for a network namespace)\n");
    return 0;
  }
  ipmibd::testing::TestNamespace ns("bench");
  ns.ip("link add v0 type veth peer name v1");
  ns.ip("link set v0 up");
  ns.ip("addr add 198.51.100.1/24 dev v0");
  ns.ip("addr add 2001:db8:1::1/64 dev v0");
  // Documentation ranges only: IPv6 /128s under 2001:db8::/32 through an on-link gateway.
  std::ostringstream commands;
  for (std::size_t i = 0; i < count; ++i)
    commands << "route add 2001:db8:" << std::hex << (0x100 + i / 65536) << "::" << (i % 65536) << std::dec
             << "/128 via 2001:db8:1::fe\n";
  auto start = std::chrono::steady_clock::now();
  ns.batch(commands.str());
  std::printf("kernel: loaded %zu routes with ip -batch in %.3f s\n", count,
              Seconds(std::chrono::steady_clock::now() - start).count());

  LinuxOptions options;
  options.netns = ns.name();
  Result error;
  const long residentBefore = residentBytes();
  start = std::chrono::steady_clock::now();
  auto backend = LinuxBackend::open(options, error);
  const double openSeconds = Seconds(std::chrono::steady_clock::now() - start).count();
  const long residentAfter = residentBytes();
  if (!backend) {
    std::printf("kernel: open failed: %s\n", error.toString().c_str());
    return 1;
  }
  std::vector<RouteRow> table;
  start = std::chrono::steady_clock::now();
  const Result r = backend->getIpForwardTable2(Family::Unspecified, table);
  const double getSeconds = Seconds(std::chrono::steady_clock::now() - start).count();
  std::printf("kernel: LinuxBackend::open %.3f s, getIpForwardTable2 %.3f s (%zu rows, %s)\n", openSeconds,
              getSeconds, table.size(), r.toString().c_str());
  // What the backend itself keeps per route (its caches), measured before the table above existed.
  std::printf("kernel: LinuxBackend resident after open: %.0f bytes per route\n",
              double(residentAfter - residentBefore) / double(count));
  return r.ok() && table.size() >= count ? 0 : 1;
}

double cpuSeconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// One start-up phase's wall and CPU seconds (CPU includes the kernel's work for our dumps).
class Phase {
public:
  Phase() : wall_(std::chrono::steady_clock::now()), cpu_(cpuSeconds()) {}
  void print(const char* name) const {
    std::printf("netns: %-40s wall %.3f s, cpu %.3f s\n", name,
                Seconds(std::chrono::steady_clock::now() - wall_).count(), cpuSeconds() - cpu_);
  }

private:
  std::chrono::steady_clock::time_point wall_;
  double cpu_;
};

int netnsBench(const std::string& netns) {
  LinuxOptions options;
  options.netns = netns;
  Result error;
  const Phase total;
  Phase phase;
  auto backend = LinuxBackend::open(options, error);
  if (!backend) {
    std::printf("netns: open failed: %s\n", error.toString().c_str());
    return 1;
  }
  phase.print("LinuxBackend::open");
  phase = Phase();
  ipmibd::tables::InetCidrRouteTable table;
  const Result r = table.attach(*backend);
  phase.print("InetCidrRouteTable::attach (route dump)");
  phase = Phase();
  while (table.applyPending(std::chrono::milliseconds(50))) {}
  phase.print("table load (applyPending)");
  total.print("total");
  std::printf("netns: %zu rows, %s\n", table.rowCount(), r.toString().c_str());

  // The longest single route change in a shadow of this size: changes to distinct routes pile up
  // in its delta until it is merged into the sorted vectors (O(n) in all). Nothing else runs the
  // merge's steps here (no idle dispatch()), so the changes force them all: the worst case.
  std::vector<RouteRow> rows;
  if (!backend->getIpForwardTable2(Family::Unspecified, rows).ok()) return 1;
  RouteShadow shadow;
  shadow.reconcile(rows, nullptr, Clock::now());
  double longest = 0, sum = 0;
  std::size_t merges = 0, maxDelta = 0;
  bool wasMerging = false;
  const std::size_t changes = std::min<std::size_t>(rows.size(), 3 * (rows.size() / 64 + 1024));
  for (std::size_t i = 0; i < changes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    RouteShadow::Value value{Clock::now(), {}};
    value.params.validUntil = std::uint32_t(i); // a parameter change
    shadow.put(packKey(rows[i * (rows.size() / changes)]), value);
    const double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
    longest = std::max(longest, seconds);
    sum += seconds;
    merges += wasMerging && !shadow.merging();
    wasMerging = shadow.merging();
    maxDelta = std::max(maxDelta, shadow.deltaSize());
  }
  std::printf("netns: %zu route changes to distinct routes, no idle steps: mean %.1f us, longest %.1f ms "
              "(%zu merges finished, newest delta at most %zu entries)\n",
              changes, sum / double(changes) * 1e6, longest * 1e3, merges, maxDelta);
  // The merge left in progress, in dispatch()-sized steps.
  double longestStep = 0;
  std::size_t steps = 0;
  for (bool done = !shadow.merging(); !done; ++steps) {
    const auto start = std::chrono::steady_clock::now();
    done = shadow.stepMerge(RouteShadow::kMergeStep);
    longestStep = std::max(longestStep, Seconds(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("netns: the merge in progress finished in %zu steps of %zu entries, longest %.2f ms\n", steps,
              RouteShadow::kMergeStep, longestStep * 1e3);
  return r.ok() ? 0 : 1;
}

// One overrun repair: floods the namespace's route table with `flood` changes (`verb` add or del)
// while nothing is dispatched, then dispatches with `budget` until the resync is done and the
// backend idle. Returns the number of route changes published.
std::size_t measureResync(LinuxBackend& backend, const std::string& netns, std::chrono::milliseconds budget,
                          std::size_t flood, const char* verb, const std::size_t& published) {
  std::ostringstream commands;
  for (std::size_t i = 0; i < flood; ++i)
    commands << "route " << verb << " blackhole 198." << 18 + i / 65536 << "." << (i / 256) % 256 << "."
             << i % 256 << "/32\n";
  const std::string file = "/tmp/route_parse_bench_" + netns + ".batch";
  std::ofstream(file) << commands.str();
  ipmibd::testing::runCommand("ip -n " + netns + " -batch " + file);
  std::remove(file.c_str());
  const std::uint64_t resyncsBefore = backend.stats().resyncs;
  const std::size_t publishedBefore = published;
  std::size_t calls = 0;
  double longest = 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpuStart = cpuSeconds();
  while (true) {
    const auto t = std::chrono::steady_clock::now();
    const bool more = backend.dispatch(budget);
    longest = std::max(longest, Seconds(std::chrono::steady_clock::now() - t).count());
    ++calls;
    if (!more && backend.stats().resyncs > resyncsBefore) break;
    if (Seconds(std::chrono::steady_clock::now() - start).count() > 300) {
      std::printf("resync: gave up after 300 s\n");
      return 0;
    }
  }
  std::printf("resync (%s flood of %zu): %llu resync(s), %zu dispatch(%lld ms) calls, longest %.1f ms, "
              "wall %.3f s, cpu %.3f s, %zu route changes published\n",
              verb, flood, static_cast<unsigned long long>(backend.stats().resyncs - resyncsBefore), calls,
              static_cast<long long>(budget.count()), longest * 1e3,
              Seconds(std::chrono::steady_clock::now() - start).count(), cpuSeconds() - cpuStart,
              published - publishedBefore);
  return published - publishedBefore;
}

int resyncBench(const std::string& netns, std::chrono::milliseconds budget, std::size_t flood) {
  LinuxOptions options;
  options.netns = netns;
  options.eventReceiveBuffer = 4096; // the kernel's floor: a few dozen events
  Result error;
  auto backend = LinuxBackend::open(options, error);
  if (!backend) {
    std::printf("resync: open failed: %s\n", error.toString().c_str());
    return 1;
  }
  // Subscribed like the agent's route table, so the resync builds its change lists.
  std::size_t published = 0;
  auto subscription = backend->notifyRouteChange2(
      Family::Unspecified, [&](std::span<const Change<RouteRow>> changes) { published += changes.size(); });
  while (backend->dispatch(budget)) {}
  std::vector<RouteRow> rows;
  if (!backend->getIpForwardTable2(Family::Unspecified, rows).ok()) return 1;
  std::printf("resync: %zu routes in %s\n", rows.size(), netns.c_str());
  rows = {};
  const std::size_t added = measureResync(*backend, netns, budget, flood, "add", published);
  const std::size_t deleted = measureResync(*backend, netns, budget, flood, "del", published);
  return added >= flood && deleted >= flood ? 0 : 1;
}

// Route churn through the backend: `cycles` times `routes` distinct /32s added, then deleted, each
// batch then dispatched until idle; the longest dispatch() call is the agent's longest stall.
int churnBench(const std::string& netns, std::size_t routes, std::size_t cycles,
               std::chrono::milliseconds budget) {
  if (routes > 32768) routes = 32768; // 198.19.128.0/17
  LinuxOptions options;
  options.netns = netns;
  options.eventReceiveBuffer = 512 << 20; // a whole batch queued while ip runs: no overrun
  Result error;
  auto backend = LinuxBackend::open(options, error);
  if (!backend) {
    std::printf("churn: open failed: %s\n", error.toString().c_str());
    return 1;
  }
  std::size_t published = 0;
  auto subscription = backend->notifyRouteChange2(
      Family::Unspecified, [&](std::span<const Change<RouteRow>> changes) { published += changes.size(); });
  while (backend->dispatch(budget)) {}
  const std::string file = "/tmp/route_parse_bench_churn_" + netns + ".batch";
  double longest = 0;
  std::size_t calls = 0;
  for (std::size_t cycle = 0; cycle < cycles; ++cycle)
    for (const char* verb : {"add", "del"}) {
      std::ostringstream commands;
      for (std::size_t i = 0; i < routes; ++i) {
        const std::size_t a = 0x18000 + i; // 198.19.128.0 up
        commands << "route " << verb << " blackhole 198." << 18 + a / 65536 << "." << (a / 256) % 256 << "."
                 << a % 256 << "/32\n";
      }
      std::ofstream(file) << commands.str();
      const std::size_t publishedBefore = published;
      ipmibd::testing::runCommand("ip -n " + netns + " -batch " + file);
      double batchLongest = 0;
      const auto start = std::chrono::steady_clock::now();
      for (bool more = true; more;) { // the kernel queued every event before ip returned
        const auto t = std::chrono::steady_clock::now();
        more = backend->dispatch(budget);
        batchLongest = std::max(batchLongest, Seconds(std::chrono::steady_clock::now() - t).count());
        ++calls;
        if (Seconds(std::chrono::steady_clock::now() - start).count() > 300) {
          std::printf("churn: gave up after 300 s\n");
          return 1;
        }
      }
      std::printf(
          "churn: cycle %zu, %s %zu routes: %zu changes published in %.3f s, longest dispatch(%lld ms) "
          "%.1f ms\n",
          cycle + 1, verb, routes, published - publishedBefore,
          Seconds(std::chrono::steady_clock::now() - start).count(), static_cast<long long>(budget.count()),
          batchLongest * 1e3);
      longest = std::max(longest, batchLongest);
    }
  std::remove(file.c_str());
  std::printf("churn: %zu dispatch(%lld ms) calls, longest %.1f ms, %llu resyncs (0 expected)\n", calls,
              static_cast<long long>(budget.count()), longest * 1e3,
              static_cast<unsigned long long>(backend->stats().resyncs));
  return backend->stats().resyncs == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--resync")
    return resyncBench(argv[2], std::chrono::milliseconds(argc >= 4 ? std::stol(argv[3]) : 20),
                       argc >= 5 ? std::stoul(argv[4]) : 2000);
  if (argc >= 3 && std::string(argv[1]) == "--netns") return netnsBench(argv[2]);
  if (argc >= 3 && std::string(argv[1]) == "--churn")
    return churnBench(argv[2], argc >= 4 ? std::stoul(argv[3]) : 20000, argc >= 5 ? std::stoul(argv[4]) : 2,
                      std::chrono::milliseconds(argc >= 6 ? std::stol(argv[5]) : 20));
  if (argc >= 2 && std::string(argv[1]) == "--kernel")
    return kernelBench(argc >= 3 ? std::stoul(argv[2]) : 100000);
  return syntheticBench(argc >= 2 ? std::stoul(argv[1]) : 1000000);
}
