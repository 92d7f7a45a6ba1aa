// Runs the built ipmibd-platform against the simulator's demo scenario and checks its output against
// the same scenario loaded here, plus its command-line errors and --watch.
#include "platform/cli/format.h"
#include "platform/sim/sim_backend.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace ipmibd::platform::cli {
namespace {

struct Run {
  int exitCode = -1;
  std::string out, err;
};

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the CLI with stdout/stderr in temporary files. With `stopAfter` it sends SIGTERM after that
// long, because --watch runs until interrupted.
Run runCli(std::vector<std::string> args,
           std::chrono::milliseconds stopAfter = std::chrono::milliseconds(0)) {
  // Program name first. (Not args.insert(begin, literal): GCC 12 -O2 reports a false -Warray-bounds.)
  args.emplace_back(IPMIBD_PLATFORM_CLI);
  std::rotate(args.rbegin(), args.rbegin() + 1, args.rend());
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string base = "/tmp/ipmibd-cli-test-" + std::to_string(getpid());
  const std::string outPath = base + ".out", errPath = base + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  if (stopAfter.count() > 0) {
    std::this_thread::sleep_for(stopAfter);
    kill(pid, SIGTERM);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  Run run;
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = readFile(outPath);
  run.err = readFile(errPath);
  unlink(outPath.c_str());
  unlink(errPath.c_str());
  return run;
}

std::unique_ptr<sim::SimBackend> loadDemo() {
  Result error;
  auto backend = sim::SimBackend::fromFile(IPMIBD_DEMO_SCENARIO, error);
  INFO(error.toString());
  REQUIRE(backend != nullptr);
  return backend;
}

TEST_CASE("ipmibd-platform prints every table of the demo scenario", "[cli]") {
  auto backend = loadDemo();
  const auto run = runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "all"});
  INFO(run.err);
  REQUIRE(run.exitCode == 0);

  std::vector<InterfaceRow> links;
  REQUIRE(backend->getIfTable2(links).ok());
  REQUIRE_FALSE(links.empty());
  const auto names = interfaceNames(links);
  std::vector<RouteRow> routes;
  REQUIRE(backend->getIpForwardTable2(Family::Unspecified, routes).ok());
  REQUIRE_FALSE(routes.empty());
  std::vector<NeighborRow> neighbors;
  REQUIRE(backend->getIpNetTable2(Family::Unspecified, neighbors).ok());
  std::vector<UnicastAddressRow> addresses;
  REQUIRE(backend->getUnicastIpAddressTable(Family::Unspecified, addresses).ok());

  // Each table's rendering (header and every row) appears whole: the CLI shows what the API returns.
  for (const auto& table :
       {interfacesTable(links).render(), routesTable(routes, names).render(),
        neighborsTable(neighbors, names).render(), addressesTable(addresses, names).render()})
    CHECK(run.out.find(table) != std::string::npos);
  for (const char* section : {"# interfaces", "# ip interfaces", "# addresses", "# neighbors", "# routes",
                              "# statistics", "# global settings"})
    CHECK(run.out.find(section) != std::string::npos);
  // Spot checks in words, independent of the formatter: a multipath route is a line per next hop.
  std::size_t multipathLines = 0;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("203.0.113.192/27") != std::string::npos) ++multipathLines;
  CHECK(multipathLines == 2);
}

TEST_CASE("ipmibd-platform shows one table, and --table exports other route tables", "[cli]") {
  const auto routesOnly = runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "routes"});
  REQUIRE(routesOnly.exitCode == 0);
  CHECK(routesOnly.out.find("# routes") != std::string::npos);
  CHECK(routesOnly.out.find("# interfaces") == std::string::npos);

  sim::SimOptions options;
  options.routeTables = {100};
  Result error;
  auto backend = sim::SimBackend::fromFile(IPMIBD_DEMO_SCENARIO, error, options);
  REQUIRE(backend != nullptr);
  std::vector<RouteRow> routes;
  REQUIRE(backend->getIpForwardTable2(Family::Unspecified, routes).ok());
  std::vector<InterfaceRow> links;
  REQUIRE(backend->getIfTable2(links).ok());
  const auto table100 =
      runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "--table", "100", "routes"});
  REQUIRE(table100.exitCode == 0);
  CHECK(table100.out == "# routes\n" + routesTable(routes, interfaceNames(links)).render() + "\n");
}

TEST_CASE("ipmibd-platform --watch prints the scenario's scripted changes", "[cli][watch]") {
  // demo.scn flaps a route every 2 s; 2.5 s of watching sees at least the first flap.
  const auto run = runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "--watch", "routes"},
                          std::chrono::milliseconds(2500));
  INFO(run.out << run.err);
  CHECK(run.exitCode == 0); // SIGTERM is a normal way to end watching
  CHECK(run.out.find("# watching") != std::string::npos);
  CHECK((run.out.find("\n- route ") != std::string::npos || run.out.find("\n+ route ") != std::string::npos));
}

TEST_CASE("ipmibd-platform command-line errors", "[cli]") {
  const auto help = runCli({"--help"});
  CHECK(help.exitCode == 0);
  CHECK(help.out.find("usage: ipmibd-platform") != std::string::npos);

  struct Bad {
    std::vector<std::string> args;
    int exitCode;
    std::string message;
  };
  for (const auto& bad : std::vector<Bad>{
           {{"no-such-table"}, 2, "unknown table"},
           {{"--backend", "windows"}, 2, "unknown backend"},
           {{"--backend", "sim"}, 2, "needs --scenario"},
           {{"--table", "main"}, 2, "table number"},
           {{"--netns"}, 2, "needs a value"},
           {{"--frobnicate"}, 2, "unexpected argument"},
           {{"--backend", "sim", "--scenario", "/nonexistent/ipmibd.scn"}, 1, "cannot open the sim backend"},
       }) {
    const auto run = runCli(bad.args);
    INFO(bad.message << ": " << run.err);
    CHECK(run.exitCode == bad.exitCode);
    CHECK(run.err.find(bad.message) != std::string::npos);
    CHECK(run.out.empty());
  }
}

// ---- Issue 19, h-sort ----------------------------------------------------------------------------

TEST_CASE("ipmibd-platform sorted-pairs, guids, addrlabels and --level show what the API returns",
          "[cli][selection]") {
  auto backend = loadDemo();
  const std::vector<IpAddress> destinations = {*IpAddress::parse("203.0.113.1"), *IpAddress::parse("::1"),
                                               *IpAddress::parse("2001:db8:ffff::1")};
  std::vector<AddressPair> pairs;
  REQUIRE(backend->createSortedAddressPairs(destinations, pairs).ok());
  const auto sorted = runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "sorted-pairs",
                              "203.0.113.1", "::1", "2001:db8:ffff::1"});
  INFO(sorted.err);
  REQUIRE(sorted.exitCode == 0);
  CHECK(sorted.out == "# sorted address pairs\n" + sortedPairsTable(pairs).render() + "\n");
  CHECK(pairs[0].destination == *IpAddress::parse("::1")); // precedence 50 first

  std::vector<InterfaceRow> links;
  REQUIRE(backend->getIfTable2(links).ok());
  const auto guids = runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "guids"});
  REQUIRE(guids.exitCode == 0);
  CHECK(guids.out == "# interface guids\n" + guidsTable(links).render() + "\n");
  for (const auto& link : links) {
    Guid guid;
    REQUIRE(backend->convertInterfaceLuidToGuid(link.luid, guid).ok());
    CHECK(guids.out.find(guid.toString()) != std::string::npos);
  }

  std::vector<AddressLabelRow> labels;
  REQUIRE(backend->getAddressLabelTable(labels).ok());
  const auto labelRun = runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "addrlabels"});
  REQUIRE(labelRun.exitCode == 0);
  CHECK(labelRun.out ==
        "# address labels\n" + addressLabelsTable(labels, interfaceNames(links)).render() + "\n");

  std::vector<InterfaceRow> raw;
  REQUIRE(backend->getIfTable2Ex(IfTableLevel::Raw, raw).ok());
  const auto rawRun =
      runCli({"--backend", "sim", "--scenario", IPMIBD_DEMO_SCENARIO, "--level=raw", "interfaces"});
  REQUIRE(rawRun.exitCode == 0);
  CHECK(rawRun.out == "# interfaces (raw)\n" + interfacesTable(raw).render() + "\n");

  for (const auto& bad : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"sorted-pairs"}, "needs destination addresses"},
           {{"sorted-pairs", "192.0.2.1", "nonsense"}, "not an IP address"},
           {{"--level", "cooked"}, "unknown level"},
       }) {
    const auto run = runCli(bad.first);
    INFO(bad.second << ": " << run.err);
    CHECK(run.exitCode == 2);
    CHECK(run.err.find(bad.second) != std::string::npos);
  }
}

// ---- Issue 19 part C ------------------------------------------------------------------------------

TEST_CASE("ipmibd-platform resolve: a veth peer's address answers, another does not", "[cli][resolve]") {
  const std::string scenario = "link add v0 type veth peer name v1\nlink set v0 up\nlink set v1 up\n"
                               "addr add 192.0.2.1/24 dev v0\naddr add 192.0.2.2/24 dev v1\n";
  const std::string path = "/tmp/ipmibd-cli-resolve-" + std::to_string(getpid()) + ".scn";
  std::ofstream(path) << scenario;
  Result error;
  auto backend = sim::SimBackend::fromScenario(scenario, "resolve", error);
  REQUIRE(backend != nullptr);
  InterfaceRow peer;
  REQUIRE(backend->convertInterfaceNameToLuid("v1", peer.luid).ok());
  REQUIRE(backend->getIfEntry2(peer).ok());

  const auto answered = runCli({"--backend", "sim", "--scenario", path, "resolve", "192.0.2.2", "dev", "v0"});
  INFO(answered.err);
  CHECK(answered.exitCode == 0);
  CHECK(answered.out.find("# neighbor resolution") == 0);
  CHECK(answered.out.find(formatPhysicalAddress(peer.physicalAddress)) != std::string::npos);
  CHECK(answered.out.find("reachable") != std::string::npos);

  const auto silent = runCli(
      {"--backend", "sim", "--scenario", path, "--timeout", "200", "resolve", "192.0.2.99", "dev", "v0"});
  CHECK(silent.exitCode == 1);
  CHECK(silent.err.find("NetworkUnreachable") != std::string::npos);
  CHECK(silent.err.find("before the timeout") != std::string::npos);
  CHECK(silent.out.empty());
  unlink(path.c_str());

  for (const auto& bad : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"resolve"}, "resolve needs ADDR dev NAME"},
           {{"resolve", "192.0.2.2"}, "resolve needs ADDR dev NAME"},
           {{"resolve", "192.0.2.2", "eth0"}, "unexpected 'eth0'"},
           {{"--timeout", "0", "resolve", "192.0.2.2", "dev", "v0"}, "positive number"},
           {{"--timeout", "5s", "resolve", "192.0.2.2", "dev", "v0"}, "positive number"},
       }) {
    const auto run = runCli(bad.first);
    INFO(bad.second << ": " << run.err);
    CHECK(run.exitCode == 2);
    CHECK(run.err.find(bad.second) != std::string::npos);
  }
}

TEST_CASE("ipmibd-platform stable waits for the simulator's DAD and shows the duplicate", "[cli][stable]") {
  const std::string scenario = "link add v0 type veth peer name v1\nlink set v0 up\nlink set v1 up\n"
                               "sysctl -w net.ipv6.conf.v0.accept_dad=1\n"
                               "addr add 2001:db8:1::6/64 dev v1 nodad\naddr add 2001:db8:1::6/64 dev v0\n"
                               "addr add 2001:db8:1::5/64 dev v0\n";
  const std::string path = "/tmp/ipmibd-cli-stable-" + std::to_string(getpid()) + ".scn";
  std::ofstream(path) << scenario;
  const auto addresses = runCli({"--backend", "sim", "--scenario", path, "addresses"});
  CHECK(addresses.out.find("tentative") != std::string::npos); // DAD runs at first
  const auto started = std::chrono::steady_clock::now();
  const auto stable = runCli({"--backend", "sim", "--scenario", path, "stable"});
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(stable.err);
  CHECK(stable.exitCode == 0);
  CHECK(stable.out.find("# stable addresses") == 0);
  CHECK(stable.out.find("tentative") == std::string::npos);
  CHECK(stable.out.find("duplicate") != std::string::npos);
  CHECK(took >= std::chrono::milliseconds(900)); // 1 probe x retrans_time 1 s
  const auto impatient = runCli({"--backend", "sim", "--scenario", path, "--timeout", "100", "stable"});
  CHECK(impatient.exitCode == 1);
  CHECK(impatient.err.find("still tentative") != std::string::npos);
  unlink(path.c_str());
}

// ---- Issue 19, IP paths ---------------------------------------------------------------------------

TEST_CASE("ipmibd-platform paths, path and flush-paths over the simulator's paths", "[cli][paths]") {
  const std::string scenario = "link add v0 type veth peer name v1\nlink set v0 up\nlink set v1 up\n"
                               "addr add 192.0.2.1/24 dev v0\naddr add 2001:db8:1::1/64 dev v0 nodad\n"
                               "route add 198.18.0.0/24 via 192.0.2.2 dev v0\n"
                               "-6 route add 2001:db8:f::/64 via 2001:db8:1::2 dev v0\n"
                               "path add 198.18.0.2 dev v0 mtu 1280 expires 600\n"
                               "path add 2001:db8:f::2 dev v0 mtu 1400\n"
                               "path add 198.18.0.9 src 192.0.2.1 rtt 2500 rttvar 700\n";
  const std::string file = "/tmp/ipmibd-cli-paths-" + std::to_string(getpid()) + ".scn";
  std::ofstream(file) << scenario;
  auto lineOf = [](const std::string& out, const std::string& start) {
    const auto at = out.find("\n" + start + " ");
    return at == std::string::npos ? std::string() : out.substr(at + 1, out.find('\n', at + 1) - at - 1);
  };

  const auto all = runCli({"--backend", "sim", "--scenario", file, "paths"});
  INFO(all.err);
  CHECK(all.exitCode == 0);
  CHECK(all.out.find("# ip paths\nDESTINATION") == 0);
  const auto pmtu = lineOf(all.out, "198.18.0.2");
  CHECK(pmtu.find(" 192.0.2.2 ") != std::string::npos);
  CHECK(pmtu.find(" 1280 ") != std::string::npos);
  CHECK((pmtu.ends_with(" 600s") || pmtu.ends_with(" 599s")));
  const auto tcp = lineOf(all.out, "198.18.0.9");
  CHECK(tcp.find(" 192.0.2.1 ") != std::string::npos);
  CHECK(tcp.find(" 2500 ") != std::string::npos);
  CHECK(tcp.find(" 700 ") != std::string::npos);
  CHECK(tcp.find(" 1500 ") != std::string::npos); // no exception: the interface's MTU
  CHECK(lineOf(all.out, "2001:db8:f::2").find(" 1400 ") != std::string::npos);

  const auto v6 = runCli({"--backend", "sim", "--scenario", file, "paths", "-6"});
  CHECK(v6.exitCode == 0);
  CHECK(v6.out.find("198.18.") == std::string::npos);
  CHECK(!lineOf(v6.out, "2001:db8:f::2").empty());

  const auto one = runCli({"--backend", "sim", "--scenario", file, "path", "198.18.0.2"});
  CHECK(one.exitCode == 0);
  CHECK(one.out.find("# ip path\n") == 0);
  CHECK(lineOf(one.out, "198.18.0.2").find(" 1280 ") != std::string::npos);
  const auto elsewhere = runCli({"--backend", "sim", "--scenario", file, "path", "198.18.0.2", "dev", "v1"});
  CHECK(elsewhere.exitCode == 1);
  CHECK(elsewhere.err.find("NotFound") != std::string::npos);

  const auto flushed = runCli({"--backend", "sim", "--scenario", file, "flush-paths", "-4"});
  CHECK(flushed.exitCode == 0);
  CHECK(flushed.out.find("# ip paths\nDESTINATION") == 0); // the flushed family's table, now empty
  CHECK(flushed.out.find("198.18.") == std::string::npos);
  unlink(file.c_str());

  for (const auto& bad : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"path"}, "path needs ADDR"},
           {{"path", "198.18.0.2", "eth0"}, "unexpected 'eth0'"},
           {{"paths", "-5"}, "unexpected argument '-5'"},
       }) {
    const auto run = runCli(bad.first);
    INFO(bad.second << ": " << run.err);
    CHECK(run.exitCode == 2);
    CHECK(run.err.find(bad.second) != std::string::npos);
  }
}

} // namespace
} // namespace ipmibd::platform::cli
