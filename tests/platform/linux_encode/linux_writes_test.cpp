// Integration tests of LinuxBackend's write calls against the real kernel: each case builds a fresh
// network namespace (veth pair v0/v1, RFC 5737 / RFC 3849 addresses), writes through the backend
// and checks the result with iproute2 and /proc/sys, and proves that refused calls change nothing.
#include "platform/linux/linux_backend.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

namespace {

struct Command {
  int status = -1;
  std::string output; // stdout and stderr
};

// Runs a shell command (only fixed, test-built strings reach it).
Command run(const std::string& command) {
  Command result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr const char* kPrefix = "ipmibd-lw-";

// Namespaces left by earlier runs that died before cleaning up (crash, timeout kill).
void removeStaleNamespaces() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    const long pid = std::atol(name.c_str() + std::strlen(kPrefix));
    if (pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) run("ip netns del " + name);
  }
}

// A private namespace: lo up; veth v0-v1 up; 192.0.2.1/24 + 2001:db8:1::1/64 on v0 and
// 198.51.100.1/24 + 2001:db8:2::1/64 on v1 (nodad), so both ends offer a connected network for
// gateways and multipath routes. Deleted (with everything in it) on destruction.
class TestNamespace {
public:
  TestNamespace() {
    static std::atomic<int> counter{0};
    name_ = kPrefix + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    removeStaleNamespaces();
    run("ip netns del " + name_);
    must("ip netns add " + name_);
    for (const char* step :
         {"link set lo up", "link add v0 type veth peer name v1", "link set v0 up", "link set v1 up",
          "addr add 192.0.2.1/24 dev v0", "addr add 2001:db8:1::1/64 dev v0 nodad",
          "addr add 198.51.100.1/24 dev v1", "addr add 2001:db8:2::1/64 dev v1 nodad"})
      must("ip -n " + name_ + " " + step);
    // Link-local addresses finish DAD about a second after link up, adding local routes; wait so
    // that state snapshots taken later do not see that happen.
    for (int i = 0; i < 50 && !ip("-6 addr show tentative").empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ~TestNamespace() { run("ip netns del " + name_); }
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;

  const std::string& name() const { return name_; }
  // `ip -n NS <args>` output; the command must succeed.
  std::string ip(const std::string& args) const {
    const Command c = run("ip -n " + name_ + " " + args);
    INFO("ip -n NS " << args << ": " << c.output);
    REQUIRE(c.status == 0);
    return c.output;
  }
  void must(const std::string& command) const {
    const Command c = run(command);
    INFO(command << ": " << c.output);
    REQUIRE(c.status == 0);
  }
  long long sysctl(const std::string& key) const {
    const Command c = run("ip netns exec " + name_ + " cat /proc/sys/" + key);
    INFO(key << ": " << c.output);
    REQUIRE(c.status == 0);
    return std::stoll(c.output);
  }
  void setSysctl(const std::string& key, long long value) const {
    must("ip netns exec " + name_ + " sh -c 'echo " + std::to_string(value) + " > /proc/sys/" + key + "'");
  }
  InterfaceIndex index(const std::string& device) const {
    return InterfaceIndex(std::stoul(ip("-o link show dev " + device)));
  }

  // Everything a refused call could have touched, minus what moves by itself (link-local
  // addresses and their routes and neighbors, remaining lifetimes).
  std::string state() const {
    std::string out;
    for (const char* what : {"-4 addr show", "-6 addr show", "-4 route show table all",
                             "-6 route show table all", "-4 neigh show", "-6 neigh show", "-o link show"})
      for (const auto& line : lines(ip(what)))
        if (!contains(line, "fe80") && !contains(line, "valid_lft") && !line.starts_with("ff"))
          out += line + "\n";
    for (const char* key :
         {"net/ipv4/ip_forward", "net/ipv4/ip_default_ttl", "net/ipv6/conf/all/forwarding",
          "net/ipv6/conf/default/hop_limit", "net/ipv6/conf/all/hop_limit", "net/ipv4/conf/v0/forwarding",
          "net/ipv6/conf/v0/forwarding", "net/ipv6/conf/v0/mtu", "net/ipv6/conf/v0/hop_limit",
          "net/ipv6/conf/v0/dad_transmits", "net/ipv6/conf/v0/accept_ra", "net/ipv6/conf/v0/disable_ipv6",
          "net/ipv4/neigh/v0/retrans_time_ms", "net/ipv6/neigh/v0/base_reachable_time_ms"})
      out += std::string(key) + "=" + std::to_string(sysctl(key)) + "\n";
    return out;
  }

private:
  std::string name_;
};

bool isRoot() { return ::geteuid() == 0; }

#define REQUIRE_ROOT()                                                                                       \
  if (!isRoot()) {                                                                                           \
    WARN("skipped: the Linux write tests create network namespaces and need root");                          \
    return;                                                                                                  \
  }

// A namespace plus a backend serving it (main table and table 1000).
struct Fixture {
  TestNamespace ns;
  std::unique_ptr<LinuxBackend> backend;
  InterfaceIndex v0 = 0, v1 = 0;

  Fixture() {
    LinuxOptions options;
    options.netns = ns.name();
    options.routeTables = {kMainRouteTable, 1000};
    Result error;
    backend = LinuxBackend::open(options, error);
    INFO(error.toString());
    REQUIRE(backend);
    v0 = ns.index("v0");
    v1 = ns.index("v1");
  }
  Backend& b() { return *backend; }
};

#define CHECK_STATUS(call, expected)                                                                         \
  do {                                                                                                       \
    const Result result_ = (call);                                                                           \
    INFO(#call << " -> " << result_.toString());                                                             \
    CHECK(result_.status == (expected));                                                                     \
  } while (false)
#define REQUIRE_OK(call)                                                                                     \
  do {                                                                                                       \
    const Result result_ = (call);                                                                           \
    INFO(#call << " -> " << result_.toString());                                                             \
    REQUIRE(result_.ok());                                                                                   \
  } while (false)

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

UnicastAddressRow address(const char* text, InterfaceIndex index, std::uint8_t prefixLength) {
  UnicastAddressRow row;
  initializeUnicastIpAddressEntry(row);
  row.address = ip(text);
  row.interfaceIndex = index;
  row.onLinkPrefixLength = prefixLength;
  return row;
}

NeighborRow neighbor(const char* text, InterfaceIndex index, const char* lladdr,
                     NeighborState state = NeighborState::Permanent) {
  NeighborRow row;
  row.address = ip(text);
  row.interfaceIndex = index;
  row.physicalAddress = *parsePhysicalAddress(lladdr);
  row.state = state;
  return row;
}

RouteRow route(const char* destination, const char* nextHop, InterfaceIndex index,
               std::uint32_t metric = kUnspecifiedMetric) {
  RouteRow row;
  initializeIpForwardEntry(row);
  row.destinationPrefix = *IpPrefix::parse(destination);
  row.nextHop = nextHop ? ip(nextHop) : IpAddress::zero(row.destinationPrefix.family());
  row.interfaceIndex = index;
  row.metric = metric;
  return row;
}

RouteRow typedRoute(const char* destination, RouteType type) {
  RouteRow row = route(destination, nullptr, 0);
  row.type = type;
  return row;
}

// The kernel's routes to exactly `destination` (one family, any table), as `ip route` prints them.
std::string routesTo(const TestNamespace& ns, const std::string& destination) {
  // Appended piecewise: GCC 12 -O2 reports a false -Warray-bounds on `std::string(a) + b + c` here.
  std::string command = contains(destination, ":") ? "-6" : "-4";
  command.append(" route show table all exact ").append(destination);
  return ns.ip(command);
}

} // namespace

// ---------------------------------------------------------------------------------------------------
TEST_CASE("addresses: create, set lifetimes and prefix, delete", "[linux][writes][addresses]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();

  auto v4 = address("192.0.2.10", f.v0, 24);
  REQUIRE_OK(b.createUnicastIpAddressEntry(v4));
  CHECK(contains(f.ns.ip("-4 addr show dev v0"), "inet 192.0.2.10/24 "));
  auto v6 = address("2001:db8:1::10", f.v0, 64);
  REQUIRE_OK(b.createUnicastIpAddressEntry(v6));
  CHECK(contains(f.ns.ip("-6 addr show dev v0"), "inet6 2001:db8:1::10/64 "));
  // 0xff = host prefix.
  REQUIRE_OK(b.createUnicastIpAddressEntry(address("203.0.113.5", f.v1, 0xff)));
  CHECK(contains(f.ns.ip("-4 addr show dev v1"), "inet 203.0.113.5/32 "));
  REQUIRE_OK(b.createUnicastIpAddressEntry(address("2001:db8:2::5", f.v1, 0xff)));
  CHECK(contains(f.ns.ip("-6 addr show dev v1"), "inet6 2001:db8:2::5/128 "));
  // Finite lifetimes on create.
  auto finite = address("198.51.100.20", f.v1, 24);
  finite.validLifetime = 600;
  finite.preferredLifetime = 300;
  REQUIRE_OK(b.createUnicastIpAddressEntry(finite));
  CHECK(contains(f.ns.ip("-4 addr show dev v1"), "valid_lft 600sec preferred_lft 300sec"));

  // Set: lifetimes in place.
  for (auto* row : {&v4, &v6}) {
    row->validLifetime = 3600;
    row->preferredLifetime = 1800;
    REQUIRE_OK(b.setUnicastIpAddressEntry(*row));
  }
  const std::string after4 = f.ns.ip("-4 addr show dev v0 to 192.0.2.10");
  CHECK(contains(after4, "192.0.2.10/24"));
  CHECK(contains(after4, "valid_lft 3600sec preferred_lft 1800sec"));
  CHECK(
      contains(f.ns.ip("-6 addr show dev v0 to 2001:db8:1::10"), "valid_lft 3600sec preferred_lft 1800sec"));

  // Set: prefix length (delete+add underneath), the address stays exactly once.
  v4.onLinkPrefixLength = 25;
  REQUIRE_OK(b.setUnicastIpAddressEntry(v4));
  std::string shown = f.ns.ip("-4 addr show dev v0");
  CHECK(contains(shown, "inet 192.0.2.10/25 "));
  CHECK_FALSE(contains(shown, "inet 192.0.2.10/24 "));
  v6.onLinkPrefixLength = 80;
  REQUIRE_OK(b.setUnicastIpAddressEntry(v6));
  shown = f.ns.ip("-6 addr show dev v0");
  CHECK(contains(shown, "inet6 2001:db8:1::10/80 "));
  CHECK_FALSE(contains(shown, "inet6 2001:db8:1::10/64 "));

  // Delete, then NotFound.
  REQUIRE_OK(b.deleteUnicastIpAddressEntry(v4));
  REQUIRE_OK(b.deleteUnicastIpAddressEntry(v6));
  CHECK_FALSE(contains(f.ns.ip("addr show dev v0"), "192.0.2.10"));
  CHECK_FALSE(contains(f.ns.ip("addr show dev v0"), "2001:db8:1::10"));
  CHECK_STATUS(b.deleteUnicastIpAddressEntry(v4), Status::NotFound);
  CHECK_STATUS(b.deleteUnicastIpAddressEntry(v6), Status::NotFound);
}

TEST_CASE("addresses: a set keeps what the kernel stores beyond the row", "[linux][writes][addresses]") {
  REQUIRE_ROOT();
  Fixture f;
  f.ns.ip("addr add 192.0.2.30/24 dev v0 noprefixroute metric 77");
  f.ns.ip("addr add 2001:db8:1::30/64 dev v0 nodad noprefixroute");
  auto v4 = address("192.0.2.30", f.v0, 24);
  v4.validLifetime = 900;
  v4.preferredLifetime = 600;
  REQUIRE_OK(f.b().setUnicastIpAddressEntry(v4));
  const std::string shown4 = f.ns.ip("-4 addr show dev v0 to 192.0.2.30");
  CHECK(contains(shown4, "noprefixroute"));
  CHECK(contains(shown4, "metric 77"));
  CHECK(contains(shown4, "valid_lft 900sec"));
  auto v6 = address("2001:db8:1::30", f.v0, 64);
  v6.validLifetime = 900;
  v6.preferredLifetime = 600;
  REQUIRE_OK(f.b().setUnicastIpAddressEntry(v6));
  const std::string shown6 = f.ns.ip("-6 addr show dev v0 to 2001:db8:1::30");
  CHECK(contains(shown6, "noprefixroute"));
  CHECK(contains(shown6, "nodad"));
  CHECK(contains(shown6, "valid_lft 900sec"));
}

TEST_CASE("addresses: refused calls change nothing", "[linux][writes][addresses][errors]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  const std::string before = f.ns.state();

  // AlreadyExists: same address, also with another mask (IPv4 would accept that one).
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("192.0.2.1", f.v0, 24)), Status::AlreadyExists);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("192.0.2.1", f.v0, 25)), Status::AlreadyExists);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("2001:db8:1::1", f.v0, 64)), Status::AlreadyExists);
  // NotFound: no such interface; set/delete of absent addresses, or on the wrong interface.
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("192.0.2.10", 9999, 24)), Status::NotFound);
  CHECK_STATUS(b.setUnicastIpAddressEntry(address("192.0.2.99", f.v0, 24)), Status::NotFound);
  CHECK_STATUS(b.deleteUnicastIpAddressEntry(address("192.0.2.99", f.v0, 24)), Status::NotFound);
  CHECK_STATUS(b.deleteUnicastIpAddressEntry(address("192.0.2.1", f.v1, 24)), Status::NotFound);
  CHECK_STATUS(b.deleteUnicastIpAddressEntry(address("2001:db8:1::1", f.v1, 64)), Status::NotFound);
  // InvalidParameter: prefix length, family, zero/multicast, lifetimes, interface 0, scope.
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("192.0.2.10", f.v0, 33)), Status::InvalidParameter);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("2001:db8:1::10", f.v0, 129)), Status::InvalidParameter);
  auto noFamily = address("192.0.2.10", f.v0, 24);
  noFamily.address = IpAddress{};
  CHECK_STATUS(b.createUnicastIpAddressEntry(noFamily), Status::InvalidParameter);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("0.0.0.0", f.v0, 24)), Status::InvalidParameter);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("224.0.0.9", f.v0, 24)), Status::InvalidParameter);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("ff02::9", f.v0, 64)), Status::InvalidParameter);
  CHECK_STATUS(b.createUnicastIpAddressEntry(address("192.0.2.10", 0, 24)), Status::InvalidParameter);
  auto backwards = address("192.0.2.10", f.v0, 24);
  backwards.validLifetime = 100;
  backwards.preferredLifetime = 200;
  CHECK_STATUS(b.createUnicastIpAddressEntry(backwards), Status::InvalidParameter);
  auto existingBackwards = address("192.0.2.1", f.v0, 24);
  existingBackwards.validLifetime = 100;
  existingBackwards.preferredLifetime = 200;
  CHECK_STATUS(b.setUnicastIpAddressEntry(existingBackwards), Status::InvalidParameter);
  auto zeroValid = address("192.0.2.10", f.v0, 24);
  zeroValid.validLifetime = 0;
  zeroValid.preferredLifetime = 0;
  CHECK_STATUS(b.createUnicastIpAddressEntry(zeroValid), Status::InvalidParameter);
  auto wrongScope = address("fe80::10", f.v0, 64);
  wrongScope.address = wrongScope.address.withScope(f.v1);
  CHECK_STATUS(b.createUnicastIpAddressEntry(wrongScope), Status::InvalidParameter);
  // NotSupported: Linux has no skip-as-source flag.
  auto skip = address("192.0.2.10", f.v0, 24);
  skip.skipAsSource = true;
  CHECK_STATUS(b.createUnicastIpAddressEntry(skip), Status::NotSupported);

  CHECK(f.ns.state() == before);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("neighbors: create, set, delete, flush", "[linux][writes][neighbors]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();

  auto v4 = neighbor("192.0.2.7", f.v0, "02:00:00:00:00:07");
  auto v6 = neighbor("2001:db8:1::7", f.v0, "02:00:00:00:00:17");
  REQUIRE_OK(b.createIpNetEntry2(v4));
  REQUIRE_OK(b.createIpNetEntry2(v6));
  CHECK(contains(f.ns.ip("-4 neigh show dev v0"), "192.0.2.7 lladdr 02:00:00:00:00:07 PERMANENT"));
  CHECK(contains(f.ns.ip("-6 neigh show dev v0"), "2001:db8:1::7 lladdr 02:00:00:00:00:17 PERMANENT"));

  v4.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:08");
  REQUIRE_OK(b.setIpNetEntry2(v4));
  CHECK(contains(f.ns.ip("-4 neigh show dev v0"), "192.0.2.7 lladdr 02:00:00:00:00:08 PERMANENT"));
  v6.state = NeighborState::Stale;
  v6.isRouter = true;
  REQUIRE_OK(b.setIpNetEntry2(v6));
  const std::string shown6 = f.ns.ip("-6 neigh show dev v0");
  CHECK(contains(shown6, "2001:db8:1::7 lladdr 02:00:00:00:00:17 router STALE"));

  REQUIRE_OK(b.deleteIpNetEntry2(v4));
  CHECK_FALSE(contains(f.ns.ip("-4 neigh show dev v0"), "192.0.2.7 "));
  CHECK_STATUS(b.deleteIpNetEntry2(v4), Status::NotFound);
  REQUIRE_OK(b.deleteIpNetEntry2(v6));
  CHECK_STATUS(b.deleteIpNetEntry2(v6), Status::NotFound);

  // Flush: dynamic entries of one interface and family go; static ones and the rest stay.
  REQUIRE_OK(b.createIpNetEntry2(neighbor("192.0.2.7", f.v0, "02:00:00:00:00:07")));
  REQUIRE_OK(b.createIpNetEntry2(neighbor("192.0.2.8", f.v0, "02:00:00:00:00:08", NeighborState::Stale)));
  REQUIRE_OK(b.createIpNetEntry2(neighbor("2001:db8:1::8", f.v0, "02:00:00:00:00:08", NeighborState::Stale)));
  REQUIRE_OK(b.createIpNetEntry2(neighbor("198.51.100.8", f.v1, "02:00:00:00:00:18", NeighborState::Stale)));
  REQUIRE_OK(b.flushIpNetTable2(Family::V4, f.v0));
  std::string all = f.ns.ip("neigh show");
  CHECK_FALSE(contains(all, "192.0.2.8 "));
  CHECK(contains(all, "192.0.2.7 dev v0 lladdr 02:00:00:00:00:07 PERMANENT"));
  CHECK(contains(all, "2001:db8:1::8 dev v0"));
  CHECK(contains(all, "198.51.100.8 dev v1"));
  REQUIRE_OK(b.flushIpNetTable2(Family::Unspecified, 0));
  all = f.ns.ip("neigh show");
  CHECK_FALSE(contains(all, "2001:db8:1::8 "));
  CHECK_FALSE(contains(all, "198.51.100.8 "));
  CHECK(contains(all, "192.0.2.7 dev v0 lladdr 02:00:00:00:00:07 PERMANENT"));
}

TEST_CASE("neighbors: refused calls change nothing", "[linux][writes][neighbors][errors]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  REQUIRE_OK(b.createIpNetEntry2(neighbor("192.0.2.7", f.v0, "02:00:00:00:00:07")));
  // A dynamic entry, as the kernel learns them.
  f.ns.ip("neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev v0 nud stale");
  const std::string before = f.ns.state();

  // AlreadyExists for a static and for a dynamic entry.
  CHECK_STATUS(b.createIpNetEntry2(neighbor("192.0.2.7", f.v0, "02:00:00:00:00:09")), Status::AlreadyExists);
  CHECK_STATUS(b.createIpNetEntry2(neighbor("192.0.2.8", f.v0, "02:00:00:00:00:09")), Status::AlreadyExists);
  // NotFound: interface; set/delete of absent entries or on the wrong interface.
  CHECK_STATUS(b.createIpNetEntry2(neighbor("192.0.2.9", 9999, "02:00:00:00:00:09")), Status::NotFound);
  CHECK_STATUS(b.flushIpNetTable2(Family::V4, 9999), Status::NotFound);
  CHECK_STATUS(b.setIpNetEntry2(neighbor("192.0.2.99", f.v0, "02:00:00:00:00:09")), Status::NotFound);
  CHECK_STATUS(b.deleteIpNetEntry2(neighbor("192.0.2.99", f.v0, "02:00:00:00:00:09")), Status::NotFound);
  CHECK_STATUS(b.deleteIpNetEntry2(neighbor("192.0.2.7", f.v1, "02:00:00:00:00:07")), Status::NotFound);
  // InvalidParameter: multicast, zero, broadcast, no family, link-layer length, interface 0, state.
  CHECK_STATUS(b.createIpNetEntry2(neighbor("224.0.0.5", f.v0, "02:00:00:00:00:09")),
               Status::InvalidParameter);
  CHECK_STATUS(b.createIpNetEntry2(neighbor("ff02::5", f.v0, "02:00:00:00:00:09")), Status::InvalidParameter);
  CHECK_STATUS(b.createIpNetEntry2(neighbor("0.0.0.0", f.v0, "02:00:00:00:00:09")), Status::InvalidParameter);
  CHECK_STATUS(b.createIpNetEntry2(neighbor("::", f.v0, "02:00:00:00:00:09")), Status::InvalidParameter);
  CHECK_STATUS(b.createIpNetEntry2(neighbor("255.255.255.255", f.v0, "02:00:00:00:00:09")),
               Status::InvalidParameter);
  auto none = neighbor("192.0.2.9", f.v0, "02:00:00:00:00:09");
  none.address = IpAddress{};
  CHECK_STATUS(b.createIpNetEntry2(none), Status::InvalidParameter);
  auto shortMac = neighbor("192.0.2.9", f.v0, "02:00:00:00:00:09");
  shortMac.physicalAddress.resize(3);
  CHECK_STATUS(b.createIpNetEntry2(shortMac), Status::InvalidParameter);
  auto longMac = neighbor("192.0.2.9", f.v0, "02:00:00:00:00:09");
  longMac.physicalAddress.push_back(0x11); // the kernel would silently truncate this one
  CHECK_STATUS(b.createIpNetEntry2(longMac), Status::InvalidParameter);
  auto badSet = neighbor("192.0.2.7", f.v0, "02:00:00:00:00:09");
  badSet.physicalAddress.resize(3);
  CHECK_STATUS(b.setIpNetEntry2(badSet), Status::InvalidParameter);
  CHECK_STATUS(b.createIpNetEntry2(neighbor("192.0.2.9", 0, "02:00:00:00:00:09")), Status::InvalidParameter);
  CHECK_STATUS(
      b.createIpNetEntry2(neighbor("192.0.2.9", f.v0, "02:00:00:00:00:09", NeighborState::Incomplete)),
      Status::InvalidParameter);

  CHECK(f.ns.state() == before);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("routes: create and delete unicast, typed, other-table routes", "[linux][writes][routes]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();

  auto v4 = route("203.0.113.0/24", "192.0.2.2", f.v0);
  REQUIRE_OK(b.createIpForwardEntry2(v4));
  // Unspecified metric: none sent (IPv4 default 0); protocol Unspecified: static.
  CHECK(routesTo(f.ns, "203.0.113.0/24") == "203.0.113.0/24 via 192.0.2.2 dev v0 proto static \n");
  CHECK_STATUS(b.createIpForwardEntry2(v4), Status::AlreadyExists);

  auto v6 = route("2001:db8:5::/64", "2001:db8:1::2", f.v0);
  REQUIRE_OK(b.createIpForwardEntry2(v6));
  CHECK(contains(routesTo(f.ns, "2001:db8:5::/64"),
                 "2001:db8:5::/64 via 2001:db8:1::2 dev v0 proto static metric 1024"));
  CHECK_STATUS(b.createIpForwardEntry2(v6), Status::AlreadyExists);

  auto onLink = route("198.51.100.128/25", nullptr, f.v1, 50);
  onLink.protocol = RouteProtocol::Ospf;
  REQUIRE_OK(b.createIpForwardEntry2(onLink));
  CHECK(routesTo(f.ns, "198.51.100.128/25") == "198.51.100.128/25 dev v1 proto ospf scope link metric 50 \n");

  for (auto [type, word] :
       {std::pair{RouteType::Blackhole, "blackhole"}, std::pair{RouteType::Unreachable, "unreachable"},
        std::pair{RouteType::Prohibit, "prohibit"}}) {
    INFO(word);
    auto typed4 = typedRoute("203.0.113.128/25", type);
    auto typed6 = typedRoute("2001:db8:9::/48", type);
    REQUIRE_OK(b.createIpForwardEntry2(typed4));
    REQUIRE_OK(b.createIpForwardEntry2(typed6));
    CHECK(contains(routesTo(f.ns, "203.0.113.128/25"), std::string(word) + " 203.0.113.128/25 proto static"));
    CHECK(contains(routesTo(f.ns, "2001:db8:9::/48"), std::string(word) + " 2001:db8:9::/48"));
    REQUIRE_OK(b.deleteIpForwardEntry2(typed4));
    REQUIRE_OK(b.deleteIpForwardEntry2(typed6));
    CHECK(routesTo(f.ns, "203.0.113.128/25").empty());
    CHECK(routesTo(f.ns, "2001:db8:9::/48").empty());
  }

  auto other = route("203.0.113.0/24", "198.51.100.2", f.v1, 5);
  other.table = 1000;
  REQUIRE_OK(b.createIpForwardEntry2(other));
  CHECK(f.ns.ip("route show table 1000") ==
        "203.0.113.0/24 via 198.51.100.2 dev v1 proto static metric 5 \n");
  REQUIRE_OK(b.deleteIpForwardEntry2(other));
  CHECK(f.ns.ip("route show table 1000").empty());

  // A gateway given without interface: the kernel resolves the device.
  auto noDevice = route("198.51.100.0/25", "192.0.2.3", 0, 30);
  REQUIRE_OK(b.createIpForwardEntry2(noDevice));
  CHECK(routesTo(f.ns, "198.51.100.0/25") ==
        "198.51.100.0/25 via 192.0.2.3 dev v0 proto static metric 30 \n");
  REQUIRE_OK(b.deleteIpForwardEntry2(noDevice));

  REQUIRE_OK(b.deleteIpForwardEntry2(v4));
  REQUIRE_OK(b.deleteIpForwardEntry2(v6));
  REQUIRE_OK(b.deleteIpForwardEntry2(onLink));
  CHECK(routesTo(f.ns, "203.0.113.0/24").empty());
  CHECK(routesTo(f.ns, "2001:db8:5::/64").empty());
  CHECK(routesTo(f.ns, "198.51.100.128/25").empty());
  CHECK_STATUS(b.deleteIpForwardEntry2(v4), Status::NotFound);
  CHECK_STATUS(b.deleteIpForwardEntry2(v6), Status::NotFound);
}

TEST_CASE("routes: multipath rows join, leave and keep their siblings", "[linux][writes][routes]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();

  SECTION("IPv4: one kernel route, rewritten per next hop") {
    auto a = route("203.0.113.0/24", "192.0.2.2", f.v0, 10);
    auto c = route("203.0.113.0/24", "198.51.100.2", f.v1, 10);
    c.weight = 3;
    REQUIRE_OK(b.createIpForwardEntry2(a));
    REQUIRE_OK(b.createIpForwardEntry2(c));
    std::string shown = routesTo(f.ns, "203.0.113.0/24");
    CHECK(contains(shown, "nexthop via 192.0.2.2 dev v0 weight 1"));
    CHECK(contains(shown, "nexthop via 198.51.100.2 dev v1 weight 3"));
    CHECK_STATUS(b.createIpForwardEntry2(c), Status::AlreadyExists);

    // Set one next hop's gateway: the other stays.
    auto moved = a;
    moved.nextHop = ip("192.0.2.3");
    REQUIRE_OK(b.setIpForwardEntry2(a, moved));
    shown = routesTo(f.ns, "203.0.113.0/24");
    CHECK(contains(shown, "nexthop via 192.0.2.3 dev v0 weight 1"));
    CHECK(contains(shown, "nexthop via 198.51.100.2 dev v1 weight 3"));
    CHECK_FALSE(contains(shown, "192.0.2.2"));

    // Delete one next hop: a plain route with the other remains.
    REQUIRE_OK(b.deleteIpForwardEntry2(moved));
    CHECK(routesTo(f.ns, "203.0.113.0/24") ==
          "203.0.113.0/24 via 198.51.100.2 dev v1 proto static metric 10 \n");
    CHECK_STATUS(b.deleteIpForwardEntry2(moved), Status::NotFound);
    REQUIRE_OK(b.deleteIpForwardEntry2(c));
    CHECK(routesTo(f.ns, "203.0.113.0/24").empty());
  }
  SECTION("IPv6: siblings") {
    auto a = route("2001:db8:5::/64", "2001:db8:1::2", f.v0);
    auto c = route("2001:db8:5::/64", "2001:db8:2::2", f.v1);
    REQUIRE_OK(b.createIpForwardEntry2(a));
    REQUIRE_OK(b.createIpForwardEntry2(c));
    std::string shown = routesTo(f.ns, "2001:db8:5::/64");
    CHECK(contains(shown, "nexthop via 2001:db8:1::2 dev v0"));
    CHECK(contains(shown, "nexthop via 2001:db8:2::2 dev v1"));
    CHECK_STATUS(b.createIpForwardEntry2(a), Status::AlreadyExists);

    auto moved = c;
    moved.nextHop = ip("2001:db8:2::3");
    REQUIRE_OK(b.setIpForwardEntry2(c, moved));
    shown = routesTo(f.ns, "2001:db8:5::/64");
    CHECK(contains(shown, "nexthop via 2001:db8:1::2 dev v0"));
    CHECK(contains(shown, "nexthop via 2001:db8:2::3 dev v1"));
    CHECK_FALSE(contains(shown, "2001:db8:2::2 "));

    REQUIRE_OK(b.deleteIpForwardEntry2(a));
    shown = routesTo(f.ns, "2001:db8:5::/64");
    CHECK(contains(shown, "2001:db8:5::/64 via 2001:db8:2::3 dev v1 proto static metric 1024"));
    CHECK_FALSE(contains(shown, "nexthop"));
    REQUIRE_OK(b.deleteIpForwardEntry2(moved));
    CHECK(routesTo(f.ns, "2001:db8:5::/64").empty());
  }
}

TEST_CASE("routes: set replaces in place or moves to a new metric", "[linux][writes][routes]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  for (const bool v6 : {false, true}) {
    INFO((v6 ? "IPv6" : "IPv4"));
    const char* destination = v6 ? "2001:db8:5::/64" : "203.0.113.0/24";
    auto key = v6 ? route(destination, "2001:db8:1::2", f.v0, 10) : route(destination, "192.0.2.2", f.v0, 10);
    REQUIRE_OK(b.createIpForwardEntry2(key));

    // Same key, other protocol and interface/gateway: one replace.
    auto changed =
        v6 ? route(destination, "2001:db8:2::2", f.v1, 10) : route(destination, "198.51.100.2", f.v1, 10);
    changed.protocol = RouteProtocol::Ospf;
    REQUIRE_OK(b.setIpForwardEntry2(key, changed));
    std::string shown = routesTo(f.ns, destination);
    CHECK(lines(shown).size() == 1);
    CHECK(contains(shown, std::string(destination) + " via " + (v6 ? "2001:db8:2::2" : "198.51.100.2") +
                              " dev v1 proto ospf metric 10"));

    // Metric (part of the kernel's key): create new, delete old.
    auto moved = changed;
    moved.metric = 20;
    REQUIRE_OK(b.setIpForwardEntry2(changed, moved));
    shown = routesTo(f.ns, destination);
    CHECK(lines(shown).size() == 1);
    CHECK(contains(shown, "metric 20"));

    // To blackhole in place.
    auto hole = typedRoute(destination, RouteType::Blackhole);
    hole.metric = 20;
    REQUIRE_OK(b.setIpForwardEntry2(moved, hole));
    shown = routesTo(f.ns, destination);
    CHECK(lines(shown).size() == 1);
    CHECK(shown.starts_with(std::string("blackhole ") + destination));

    // Refusals: absent key, colliding new key; nothing changes.
    auto other =
        v6 ? route(destination, "2001:db8:1::2", f.v0, 30) : route(destination, "192.0.2.2", f.v0, 30);
    REQUIRE_OK(b.createIpForwardEntry2(other));
    const std::string before = f.ns.state();
    CHECK_STATUS(b.setIpForwardEntry2(moved, other), Status::NotFound); // `moved` is a blackhole now
    auto collide = hole;
    collide.metric = 30;
    CHECK_STATUS(b.setIpForwardEntry2(hole, collide), Status::AlreadyExists);
    auto otherMoved = other;
    otherMoved.metric = 20;
    CHECK_STATUS(b.setIpForwardEntry2(other, otherMoved), Status::AlreadyExists);
    auto bad = other;
    bad.destinationPrefix.length = 200;
    CHECK_STATUS(b.setIpForwardEntry2(other, bad), Status::InvalidParameter);
    CHECK(f.ns.state() == before);

    REQUIRE_OK(b.deleteIpForwardEntry2(hole));
    REQUIRE_OK(b.deleteIpForwardEntry2(other));
    CHECK(routesTo(f.ns, destination).empty());
  }
}

TEST_CASE("routes: refused calls change nothing", "[linux][writes][routes][errors]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  // A metric-5 route: an IPv4 delete with metric 0 must not hit it (the kernel treats 0 as "any").
  f.ns.ip("route add 203.0.113.0/24 via 192.0.2.2 dev v0 metric 5");
  const std::string before = f.ns.state();

  CHECK_STATUS(b.deleteIpForwardEntry2(route("203.0.113.0/24", "192.0.2.2", f.v0, 0)), Status::NotFound);
  CHECK_STATUS(b.deleteIpForwardEntry2(route("203.0.113.0/24", "192.0.2.2", f.v0)), Status::NotFound);
  CHECK_STATUS(b.deleteIpForwardEntry2(route("203.0.113.0/24", "192.0.2.3", f.v0, 5)), Status::NotFound);
  CHECK_STATUS(b.deleteIpForwardEntry2(route("2001:db8:5::/64", "2001:db8:1::2", f.v0)), Status::NotFound);
  CHECK_STATUS(b.setIpForwardEntry2(route("198.51.100.0/25", "192.0.2.2", f.v0),
                                    route("198.51.100.0/25", "192.0.2.3", f.v0)),
               Status::NotFound);
  CHECK_STATUS(b.deleteIpForwardEntry2(typedRoute("203.0.113.0/24", RouteType::Blackhole)), Status::NotFound);

  // InvalidParameter: family mismatch, host bits, prefix length, next hop or interface on a type
  // that takes none, no next hop and no interface, table not served, type Other.
  CHECK_STATUS(b.createIpForwardEntry2(route("198.51.100.0/25", "2001:db8:1::2", f.v0)),
               Status::InvalidParameter);
  CHECK_STATUS(b.createIpForwardEntry2(route("2001:db8:5::/64", "192.0.2.2", f.v0)),
               Status::InvalidParameter);
  CHECK_STATUS(b.createIpForwardEntry2(route("198.51.100.1/25", "192.0.2.2", f.v0)),
               Status::InvalidParameter);
  CHECK_STATUS(b.createIpForwardEntry2(route("2001:db8:5::1/64", "2001:db8:1::2", f.v0)),
               Status::InvalidParameter);
  auto tooLong = route("198.51.100.0/25", "192.0.2.2", f.v0);
  tooLong.destinationPrefix.length = 33;
  CHECK_STATUS(b.createIpForwardEntry2(tooLong), Status::InvalidParameter);
  for (RouteType type : {RouteType::Blackhole, RouteType::Unreachable, RouteType::Prohibit}) {
    auto withGateway = route("198.51.100.0/25", "192.0.2.2", 0);
    withGateway.type = type;
    CHECK_STATUS(b.createIpForwardEntry2(withGateway), Status::InvalidParameter);
    auto withDevice = typedRoute("2001:db8:9::/48", type);
    withDevice.interfaceIndex = f.v0;
    CHECK_STATUS(b.createIpForwardEntry2(withDevice), Status::InvalidParameter);
  }
  CHECK_STATUS(b.createIpForwardEntry2(route("198.51.100.0/25", nullptr, 0)), Status::InvalidParameter);
  auto otherTable = route("198.51.100.0/25", "192.0.2.2", f.v0);
  otherTable.table = 77;
  CHECK_STATUS(b.createIpForwardEntry2(otherTable), Status::InvalidParameter);
  CHECK_STATUS(b.createIpForwardEntry2(typedRoute("198.51.100.0/25", RouteType::Other)),
               Status::InvalidParameter);
  auto noFamily = route("198.51.100.0/25", "192.0.2.2", f.v0);
  noFamily.destinationPrefix = IpPrefix{};
  CHECK_STATUS(b.createIpForwardEntry2(noFamily), Status::InvalidParameter);
  CHECK_STATUS(b.deleteIpForwardEntry2(noFamily), Status::InvalidParameter);

  // NotFound: no such interface. NetworkUnreachable: gateway on no connected network.
  CHECK_STATUS(b.createIpForwardEntry2(route("198.51.100.0/25", "192.0.2.2", 9999)), Status::NotFound);
  CHECK_STATUS(b.createIpForwardEntry2(route("198.51.100.128/25", "203.0.113.99", 0)),
               Status::NetworkUnreachable);
  CHECK_STATUS(b.createIpForwardEntry2(route("2001:db8:7::/64", "2001:db8:99::1", 0)),
               Status::NetworkUnreachable);
  // A blackhole cannot share destination and metric with a unicast route.
  auto hole = typedRoute("203.0.113.0/24", RouteType::Blackhole);
  hole.metric = 5;
  CHECK_STATUS(b.createIpForwardEntry2(hole), Status::AlreadyExists);

  CHECK(f.ns.state() == before);
  CHECK(contains(routesTo(f.ns, "203.0.113.0/24"), "via 192.0.2.2 dev v0 metric 5"));
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("setIpInterfaceEntry writes changed fields, all or nothing", "[linux][writes][ipinterfaces]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  auto get = [&](Family family) {
    IpInterfaceRow row;
    row.family = family;
    row.interfaceIndex = f.v0;
    const Result r = b.getIpInterfaceEntry(row);
    INFO(r.toString());
    REQUIRE(r.ok());
    return row;
  };

  SECTION("IPv4: forwarding, link MTU, neighbor timers") {
    auto row = get(Family::V4);
    row.forwardingEnabled = !row.forwardingEnabled;
    row.nlMtu = 1400;
    row.retransmitTime = 1500;
    row.baseReachableTime = 25000;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    CHECK(f.ns.sysctl("net/ipv4/conf/v0/forwarding") == (row.forwardingEnabled ? 1 : 0));
    CHECK(contains(f.ns.ip("link show dev v0"), " mtu 1400 "));
    CHECK(f.ns.sysctl("net/ipv4/neigh/v0/retrans_time_ms") == 1500);
    CHECK(f.ns.sysctl("net/ipv4/neigh/v0/base_reachable_time_ms") == 25000);
  }
  SECTION("IPv6: hop limit, MTU, DAD transmits, timers, accept_ra, enabled") {
    auto row = get(Family::V6);
    row.curHopLimit = 42;
    row.nlMtu = 1400;
    row.dadTransmits = 3;
    row.retransmitTime = 2000;
    row.baseReachableTime = 20000;
    row.routerDiscoveryEnabled = !row.routerDiscoveryEnabled;
    row.forwardingEnabled = !row.forwardingEnabled;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    CHECK(f.ns.sysctl("net/ipv6/conf/v0/hop_limit") == 42);
    CHECK(f.ns.sysctl("net/ipv6/conf/v0/mtu") == 1400);
    CHECK(contains(f.ns.ip("link show dev v0"), " mtu 1500 ")); // IPv6 MTU is not the link MTU
    CHECK(f.ns.sysctl("net/ipv6/conf/v0/dad_transmits") == 3);
    CHECK(f.ns.sysctl("net/ipv6/neigh/v0/retrans_time_ms") == 2000);
    CHECK(f.ns.sysctl("net/ipv6/neigh/v0/base_reachable_time_ms") == 20000);
    CHECK((f.ns.sysctl("net/ipv6/conf/v0/accept_ra") != 0) == row.routerDiscoveryEnabled);
    CHECK(f.ns.sysctl("net/ipv6/conf/v0/forwarding") == (row.forwardingEnabled ? 1 : 0));

    row = get(Family::V6);
    row.enabled = false;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    CHECK(f.ns.sysctl("net/ipv6/conf/v0/disable_ipv6") == 1);
    row.enabled = true;
    REQUIRE_OK(b.setIpInterfaceEntry(row));
    CHECK(f.ns.sysctl("net/ipv6/conf/v0/disable_ipv6") == 0);
  }
  SECTION("refusals change nothing") {
    const std::string before = f.ns.state();
    auto v4 = get(Family::V4);
    auto v6 = get(Family::V6);

    auto row = v4;
    row.enabled = false;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotSupported);
    row = v4;
    row.dadTransmits += 2;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotSupported);
    row = v4;
    row.curHopLimit = 12;
    row.forwardingEnabled = !row.forwardingEnabled;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotSupported);
    row = v6;
    row.advertisingEnabled = !row.advertisingEnabled;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotSupported);
    row = v6;
    row.metric += 5;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotSupported);
    row = v6;
    row.forwardingEnabled = !row.forwardingEnabled;
    row.curHopLimit = 256;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
    row = v6;
    row.nlMtu = 1000;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
    row = v4;
    row.family = Family::Unspecified;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
    row = v4;
    row.interfaceIndex = 9999;
    row.forwardingEnabled = !row.forwardingEnabled;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::NotFound);
    // The kernel refuses an IPv6 MTU above the link MTU only when it gets there: the forwarding
    // change written before it must be rolled back.
    row = v6;
    row.forwardingEnabled = !row.forwardingEnabled;
    row.nlMtu = 9000;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);
    // Same for the IPv4 link MTU (veth refuses > 65535... use an absurd value).
    row = v4;
    row.forwardingEnabled = !row.forwardingEnabled;
    row.nlMtu = 0x7fffffff;
    CHECK_STATUS(b.setIpInterfaceEntry(row), Status::InvalidParameter);

    CHECK(f.ns.state() == before);
  }
}

TEST_CASE("setIpGlobalSettings writes forwarding and hop limits, all or nothing",
          "[linux][writes][settings]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();

  IpGlobalSettings v4;
  v4.family = Family::V4;
  v4.forwarding = true;
  v4.defaultHopLimit = 100;
  REQUIRE_OK(b.setIpGlobalSettings(v4));
  CHECK(f.ns.sysctl("net/ipv4/ip_forward") == 1);
  CHECK(f.ns.sysctl("net/ipv4/ip_default_ttl") == 100);

  IpGlobalSettings v6;
  v6.family = Family::V6;
  v6.forwarding = true;
  v6.defaultHopLimit = 99;
  REQUIRE_OK(b.setIpGlobalSettings(v6));
  CHECK(f.ns.sysctl("net/ipv6/conf/all/forwarding") == 1);
  CHECK(f.ns.sysctl("net/ipv6/conf/default/hop_limit") == 99);
  CHECK(f.ns.sysctl("net/ipv6/conf/all/hop_limit") == 99);

  const std::string before = f.ns.state();
  for (Family family : {Family::V4, Family::V6}) {
    for (std::uint32_t bad : {0u, 256u}) {
      IpGlobalSettings refused;
      refused.family = family;
      refused.forwarding = false; // must not be applied either
      refused.defaultHopLimit = bad;
      CHECK_STATUS(b.setIpGlobalSettings(refused), Status::InvalidParameter);
    }
  }
  IpGlobalSettings unspecified;
  unspecified.family = Family::Unspecified;
  CHECK_STATUS(b.setIpGlobalSettings(unspecified), Status::InvalidParameter);
  CHECK(f.ns.state() == before);

  v4.forwarding = false;
  v4.defaultHopLimit = 64;
  REQUIRE_OK(b.setIpGlobalSettings(v4));
  CHECK(f.ns.sysctl("net/ipv4/ip_forward") == 0);
  CHECK(f.ns.sysctl("net/ipv4/ip_default_ttl") == 64);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("routes: link-local gateways take their interface from the scope", "[linux][writes][routes]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  // Scope id only: the interface is the scope.
  auto scoped = route("2001:db8:6::/64", nullptr, 0);
  scoped.nextHop = ip("fe80::1").withScope(f.v0);
  REQUIRE_OK(b.createIpForwardEntry2(scoped));
  CHECK(contains(routesTo(f.ns, "2001:db8:6::/64"),
                 "2001:db8:6::/64 via fe80::1 dev v0 proto static metric 1024"));
  CHECK_STATUS(b.createIpForwardEntry2(route("2001:db8:6::/64", "fe80::1", f.v0)), Status::AlreadyExists);

  const std::string before = f.ns.state();
  auto mismatch = route("2001:db8:7::/64", nullptr, f.v1);
  mismatch.nextHop = ip("fe80::1").withScope(f.v0);
  CHECK_STATUS(b.createIpForwardEntry2(mismatch), Status::InvalidParameter);
  CHECK_STATUS(b.createIpForwardEntry2(route("2001:db8:7::/64", "fe80::1", 0)), Status::InvalidParameter);
  CHECK(f.ns.state() == before);

  REQUIRE_OK(b.deleteIpForwardEntry2(scoped));
  CHECK(routesTo(f.ns, "2001:db8:6::/64").empty());
}

TEST_CASE("writes accept the rows the backend's own reads return", "[linux][writes][roundtrip]") {
  REQUIRE_ROOT();
  Fixture f;
  auto& b = f.b();
  f.ns.ip("route add 198.51.100.128/25 dev v1 metric 40");
  f.ns.ip("-6 route add 2001:db8:5::/64 via 2001:db8:1::2 dev v0 proto bird");
  f.ns.ip("neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 dev v0 nud stale");
  auto find = [&](Family family, const char* destination) {
    std::vector<RouteRow> table;
    REQUIRE_OK(b.getIpForwardTable2(family, table));
    for (const auto& row : table)
      if (row.destinationPrefix == *IpPrefix::parse(destination)) return row;
    FAIL("no route to " << destination);
    return RouteRow{};
  };

  // An on-link route (read back with scope link) gains a gateway: the scope follows.
  RouteRow onLink = find(Family::V4, "198.51.100.128/25");
  RouteRow withGateway = onLink;
  withGateway.nextHop = ip("198.51.100.2");
  REQUIRE_OK(b.setIpForwardEntry2(onLink, withGateway));
  CHECK(routesTo(f.ns, "198.51.100.128/25") == "198.51.100.128/25 via 198.51.100.2 dev v1 metric 40 \n");

  // A route of another protocol keeps its protocol number across a metric change.
  RouteRow bird = find(Family::V6, "2001:db8:5::/64");
  RouteRow moved = bird;
  moved.metric = 77;
  REQUIRE_OK(b.setIpForwardEntry2(bird, moved));
  CHECK(contains(routesTo(f.ns, "2001:db8:5::/64"),
                 "2001:db8:5::/64 via 2001:db8:1::2 dev v0 proto bird metric 77"));
  REQUIRE_OK(b.deleteIpForwardEntry2(find(Family::V6, "2001:db8:5::/64")));
  REQUIRE_OK(b.deleteIpForwardEntry2(find(Family::V4, "198.51.100.128/25")));
  CHECK(routesTo(f.ns, "2001:db8:5::/64").empty());
  CHECK(routesTo(f.ns, "198.51.100.128/25").empty());

  UnicastAddressRow address;
  address.address = ip("192.0.2.1");
  address.interfaceIndex = f.v0;
  REQUIRE_OK(b.getUnicastIpAddressEntry(address));
  address.validLifetime = 7200;
  address.preferredLifetime = 3600;
  REQUIRE_OK(b.setUnicastIpAddressEntry(address));
  CHECK(contains(f.ns.ip("-4 addr show dev v0"), "valid_lft 7200sec preferred_lft 3600sec"));

  NeighborRow learned;
  learned.address = ip("192.0.2.8");
  learned.interfaceIndex = f.v0;
  REQUIRE_OK(b.getIpNetEntry2(learned));
  learned.physicalAddress = *parsePhysicalAddress("02:00:00:00:00:88");
  REQUIRE_OK(b.setIpNetEntry2(learned));
  CHECK(contains(f.ns.ip("-4 neigh show dev v0"), "192.0.2.8 lladdr 02:00:00:00:00:88"));
  REQUIRE_OK(b.deleteIpNetEntry2(learned));
  CHECK_FALSE(contains(f.ns.ip("-4 neigh show dev v0"), "192.0.2.8 "));
}
