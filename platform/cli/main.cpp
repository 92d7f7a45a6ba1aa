// ipmibd-platform: prints the platform tables of the Linux or simulated backend, and with --watch
// follows their change notifications, so the platform layer can be inspected without SNMP.
#include "platform/cli/format.h"
#include "platform/linux/linux_backend.h"
#include "platform/sim/sim_backend.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <iostream>
#include <set>

namespace {

using namespace ipmibd::platform;
namespace cli = ipmibd::platform::cli;

constexpr std::string_view kUsage =
    R"(usage: ipmibd-platform [options] [TABLE]

Prints the IP Helper-style platform tables as the MIB layer sees them.

TABLE is one of: interfaces ipinterfaces addresses neighbors routes stats settings
stack multicast anycast all (default: all), or one of these, which `all` does not include:
  addrlabels            the address label table (ip addrlabel) RFC 6724 selection uses
  guids                 each interface's GUID (ConvertInterfaceLuidToGuid) and what it comes from
  sorted-pairs ADDR...  CreateSortedAddressPairs: the destinations in RFC 6724 order, with sources
  resolve ADDR dev NAME ResolveIpNetEntry2: flush and resolve ADDR's link-layer address on NAME
                        (exit status 1 when nothing answers before the timeout)
  stable                NotifyStableUnicastIpAddressTable: the addresses once none is tentative
                        (DAD done; exit status 1 when some still are at the timeout)
  paths [-4|-6]         GetIpPathTable: route exceptions (path MTU, redirects) and TCP metrics
  path ADDR [dev NAME]  GetIpPathEntry: the path to ADDR through NAME (default: the interface
                        the system routes ADDR out of); exit status 1 when there is none
  flush-paths [-4|-6]   FlushIpPathTable: forget the exceptions and TCP metrics, then print none

options:
  --backend linux|sim   which backend to read (default: linux)
  --netns NAME          linux: serve the named network namespace (default: our own)
  --scenario FILE       sim: the scenario file to load (required with --backend sim)
  --table N             route table to export and show (repeatable; default: main)
  --level LEVEL         interfaces: GetIfTable2Ex level, normal (default), raw (the device's own
                        carrier as oper status) or nostats (no counters)
  --timeout MS          resolve, stable: how long to wait (default 5000)
  --watch               after printing, stay running and print every change notification
                        ("+" add, "-" delete, "~" change) until interrupted; stack follows
                        the interface notifications; multicast and anycast have none
  --help                this text
)";

const std::set<std::string, std::less<>> kTables = {"interfaces", "ipinterfaces", "addresses", "neighbors",
                                                    "routes", "stats", "settings", "all", "stack",
                                                    "multicast", "anycast",
                                                    // Issue 19, h-sort:
                                                    "addrlabels", "guids", "sorted-pairs",
                                                    // Issue 19 part C:
                                                    "resolve", "stable",
                                                    // Issue 19, IP paths:
                                                    "paths", "path", "flush-paths"};

struct Options {
  std::string backend = "linux";
  std::string netns;
  std::string scenario;
  std::vector<std::uint32_t> routeTables;
  bool watch = false;
  std::string table = "all";
  // Issue 19, h-sort.
  IfTableLevel level = IfTableLevel::Normal;
  std::vector<IpAddress> destinations; // sorted-pairs
  // Issue 19 part C: resolve ADDR dev NAME.
  std::optional<IpAddress> resolveAddress;
  std::string resolveDevice;
  std::chrono::milliseconds resolveTimeout = kResolveTimeout;
  // Issue 19, IP paths: paths|flush-paths [-4|-6], path ADDR [dev NAME].
  Family pathFamily = Family::Unspecified;
  std::optional<IpAddress> pathDestination;
  std::string pathDevice;
};

// Parsed command line, or an error message (empty when --help was asked for).
struct ParseResult {
  std::optional<Options> options;
  std::string error;
  bool help = false;
};

ParseResult parseArguments(int argc, char** argv) {
  ParseResult result;
  Options options;
  bool tableSeen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    // Options taking a value accept both "--opt value" and "--opt=value".
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (arg == name) {
        if (i + 1 >= argc) return std::nullopt;
        return std::string(argv[++i]);
      }
      return std::string(arg.substr(name.size() + 1));
    };
    auto matches = [&](std::string_view name) {
      return arg == name || (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=');
    };
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      return result;
    } else if (arg == "--watch") {
      options.watch = true;
    } else if (matches("--level")) { // Issue 19, h-sort
      auto v = value("--level");
      if (!v) {
        result.error = "--level needs a value";
        return result;
      }
      if (*v == "normal") {
        options.level = IfTableLevel::Normal;
      } else if (*v == "raw") {
        options.level = IfTableLevel::Raw;
      } else if (*v == "nostats") {
        options.level = IfTableLevel::NormalWithoutStatistics;
      } else {
        result.error = "unknown level '" + *v + "' (normal, raw or nostats)";
        return result;
      }
    } else if (!arg.starts_with("-") && tableSeen && options.table == "resolve") { // Issue 19 part C
      if (arg == "dev") {
        if (i + 1 >= argc) {
          result.error = "resolve: dev needs an interface name";
          return result;
        }
        options.resolveDevice = argv[++i];
      } else if (auto address = IpAddress::parse(arg); address && !options.resolveAddress) {
        options.resolveAddress = *address;
      } else {
        result.error = "resolve: unexpected '" + std::string(arg) + "' (resolve ADDR dev NAME)";
        return result;
      }
    } else if ((arg == "-4" || arg == "-6") && tableSeen &&
               (options.table == "paths" || options.table == "flush-paths")) { // Issue 19, IP paths
      options.pathFamily = arg == "-4" ? Family::V4 : Family::V6;
    } else if (!arg.starts_with("-") && tableSeen && options.table == "path") {
      if (arg == "dev" && i + 1 < argc && options.pathDevice.empty()) {
        options.pathDevice = argv[++i];
      } else if (auto address = IpAddress::parse(arg); address && !options.pathDestination) {
        options.pathDestination = *address;
      } else {
        result.error = "path: unexpected '" + std::string(arg) + "' (path ADDR [dev NAME])";
        return result;
      }
    } else if (matches("--timeout")) { // Issue 19 part C
      auto v = value("--timeout");
      unsigned ms = 0;
      const auto parsed =
          v ? std::from_chars(v->data(), v->data() + v->size(), ms) : std::from_chars_result{};
      if (!v || parsed.ec != std::errc() || parsed.ptr != v->data() + v->size() || ms == 0) {
        result.error = "--timeout wants a positive number of milliseconds";
        return result;
      }
      options.resolveTimeout = std::chrono::milliseconds(ms);
    } else if (!arg.starts_with("-") && tableSeen && options.table == "sorted-pairs") {
      auto address = IpAddress::parse(arg);
      if (!address) {
        result.error = "sorted-pairs: '" + std::string(arg) + "' is not an IP address";
        return result;
      }
      options.destinations.push_back(*address);
    } else if (matches("--backend") || matches("--netns") || matches("--scenario") || matches("--table")) {
      const std::string name(arg.substr(0, arg.find('=')));
      auto v = value(name);
      if (!v) {
        result.error = name + " needs a value";
        return result;
      }
      if (name == "--backend") {
        if (*v != "linux" && *v != "sim") {
          result.error = "unknown backend '" + *v + "' (linux or sim)";
          return result;
        }
        options.backend = *v;
      } else if (name == "--netns") {
        options.netns = *v;
      } else if (name == "--scenario") {
        options.scenario = *v;
      } else {
        std::uint32_t table = 0;
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), table);
        if (ec != std::errc() || end != v->data() + v->size()) {
          result.error = "--table wants a table number, got '" + *v + "'";
          return result;
        }
        options.routeTables.push_back(table);
      }
    } else if (!arg.starts_with("-") && kTables.contains(arg) && !tableSeen) {
      options.table = std::string(arg);
      tableSeen = true;
    } else if (!arg.starts_with("-") && !tableSeen) {
      result.error = "unknown table '" + std::string(arg) + "'";
      return result;
    } else {
      result.error = "unexpected argument '" + std::string(arg) + "'";
      return result;
    }
  }
  if (options.table == "sorted-pairs" && options.destinations.empty()) {
    result.error = "sorted-pairs needs destination addresses";
    return result;
  }
  if (options.table == "resolve" && (!options.resolveAddress || options.resolveDevice.empty())) {
    result.error = "resolve needs ADDR dev NAME";
    return result;
  }
  if (options.table == "path" && !options.pathDestination) {
    result.error = "path needs ADDR [dev NAME]";
    return result;
  }
  if (options.backend == "sim" && options.scenario.empty()) {
    result.error = "--backend sim needs --scenario FILE";
    return result;
  }
  if (options.backend == "sim" && !options.netns.empty()) {
    result.error = "--netns only applies to --backend linux";
    return result;
  }
  if (options.backend == "linux" && !options.scenario.empty()) {
    result.error = "--scenario only applies to --backend sim";
    return result;
  }
  result.options = options;
  return result;
}

std::unique_ptr<Backend> openBackend(const Options& options, Result& error) {
  if (options.backend == "sim") {
    sim::SimOptions simOptions;
    if (!options.routeTables.empty()) simOptions.routeTables = options.routeTables;
    return sim::SimBackend::fromFile(options.scenario, error, simOptions);
  }
  linux_backend::LinuxOptions linuxOptions;
  linuxOptions.netns = options.netns;
  if (!options.routeTables.empty()) linuxOptions.routeTables = options.routeTables;
  return linux_backend::LinuxBackend::open(linuxOptions, error);
}

// Prints one section; a failing Get is reported and makes the exit status non-zero.
class Printer {
public:
  Printer(Backend& backend, const Options& options) : backend_(backend), options_(options) {}

  bool refreshNames() {
    std::vector<InterfaceRow> interfaces;
    if (!check("interfaces", backend_.getIfTable2(interfaces))) return false;
    names_ = cli::interfaceNames(interfaces);
    return true;
  }
  const cli::InterfaceNames& names() const { return names_; }

  bool print(std::string_view what) {
    const bool all = what == "all";
    bool ok = true;
    if (all || what == "interfaces") ok &= printInterfaces();
    if (all || what == "ipinterfaces") ok &= printIpInterfaces();
    if (all || what == "addresses") ok &= printAddresses();
    if (all || what == "neighbors") ok &= printNeighbors();
    if (all || what == "routes") ok &= printRoutes();
    if (all || what == "stats") ok &= printStatistics();
    if (all || what == "settings") ok &= printSettings();
    if (all || what == "stack") ok &= printStack();
    if (all || what == "multicast") ok &= printMulticast();
    if (all || what == "anycast") ok &= printAnycast();
    // Issue 19, h-sort: not part of `all`.
    if (what == "addrlabels") ok &= printAddressLabels();
    if (what == "guids") ok &= printGuids();
    if (what == "sorted-pairs") ok &= printSortedPairs();
    if (what == "resolve") ok &= printResolution(); // Issue 19 part C
    if (what == "stable") ok &= printStableAddresses();
    if (what == "paths") ok &= printPaths(); // Issue 19, IP paths
    if (what == "path") ok &= printPath();
    if (what == "flush-paths") ok &= flushPaths();
    return ok;
  }

private:
  bool check(std::string_view what, const Result& result) {
    if (result.ok()) return true;
    std::cerr << "ipmibd-platform: reading " << what << " failed: " << result.toString() << "\n";
    return false;
  }
  void section(std::string_view title, const cli::TextTable& table) {
    std::cout << "# " << title << "\n" << table.render() << "\n";
  }

  bool printInterfaces() {
    std::vector<InterfaceRow> rows;
    if (options_.level != IfTableLevel::Normal) { // Issue 19, h-sort: GetIfTable2Ex
      if (!check("interfaces", backend_.getIfTable2Ex(options_.level, rows))) return false;
      section("interfaces (" + std::string(toString(options_.level)) + ")", cli::interfacesTable(rows));
      return true;
    }
    if (!check("interfaces", backend_.getIfTable2(rows))) return false;
    section("interfaces", cli::interfacesTable(rows));
    return true;
  }
  bool printIpInterfaces() {
    std::vector<IpInterfaceRow> rows;
    if (!check("ip interfaces", backend_.getIpInterfaceTable(Family::Unspecified, rows))) return false;
    section("ip interfaces", cli::ipInterfacesTable(rows, names_));
    return true;
  }
  bool printAddresses() {
    std::vector<UnicastAddressRow> rows;
    if (!check("addresses", backend_.getUnicastIpAddressTable(Family::Unspecified, rows))) return false;
    section("addresses", cli::addressesTable(rows, names_));
    return true;
  }
  bool printNeighbors() {
    std::vector<NeighborRow> rows;
    if (!check("neighbors", backend_.getIpNetTable2(Family::Unspecified, rows))) return false;
    section("neighbors", cli::neighborsTable(rows, names_));
    return true;
  }
  bool printRoutes() {
    std::vector<RouteRow> rows;
    if (!check("routes", backend_.getIpForwardTable2(Family::Unspecified, rows))) return false;
    section("routes", cli::routesTable(rows, names_));
    return true;
  }
  bool printStatistics() {
    std::vector<IpStatisticsRow> rows;
    if (!check("statistics", backend_.getIpStatisticsTable(Family::Unspecified, rows))) return false;
    section("statistics", cli::statisticsTable(rows, names_));
    return true;
  }
  bool printSettings() {
    std::vector<IpGlobalSettings> rows;
    for (Family family : {Family::V4, Family::V6}) {
      IpGlobalSettings settings;
      settings.family = family;
      if (!check("global settings", backend_.getIpGlobalSettings(settings))) return false;
      rows.push_back(settings);
    }
    section("global settings", cli::settingsTable(rows));
    return true;
  }

  // ---- Issue 19, h-sort ----
  bool printAddressLabels() {
    std::vector<AddressLabelRow> rows;
    if (!check("address labels", backend_.getAddressLabelTable(rows))) return false;
    section("address labels", cli::addressLabelsTable(rows, names_));
    return true;
  }
  bool printGuids() {
    std::vector<InterfaceRow> rows;
    if (!check("interfaces", backend_.getIfTable2(rows))) return false;
    section("interface guids", cli::guidsTable(rows));
    return true;
  }
  bool printSortedPairs() {
    std::vector<AddressPair> pairs;
    if (!check("sorted address pairs", backend_.createSortedAddressPairs(options_.destinations, pairs)))
      return false;
    section("sorted address pairs", cli::sortedPairsTable(pairs));
    return true;
  }
  // ---- Issue 19 part C ----
  bool printResolution() {
    NeighborRow row;
    row.address = *options_.resolveAddress;
    InterfaceLuid luid;
    if (!check("interface " + options_.resolveDevice,
               backend_.convertInterfaceNameToLuid(options_.resolveDevice, luid)))
      return false;
    row.luid = luid;
    const Result r = backend_.resolveIpNetEntry2(row, options_.resolveTimeout);
    if (!r.ok()) {
      std::cerr << "ipmibd-platform: resolving " << options_.resolveAddress->toString() << " on "
                << options_.resolveDevice << " failed: " << r.toString() << "\n";
      return false;
    }
    section("neighbor resolution", cli::neighborsTable({row}, names_));
    return true;
  }
  bool printStableAddresses() {
    std::vector<UnicastAddressRow> rows;
    Subscription pending;
    bool delivered = false;
    if (!check("stable addresses", backend_.notifyStableUnicastIpAddressTable(
                                       Family::Unspecified, rows,
                                       [&](std::span<const UnicastAddressRow> table) {
                                         rows.assign(table.begin(), table.end());
                                         delivered = true;
                                       },
                                       pending)))
      return false;
    const Timestamp giveUp = Clock::now() + options_.resolveTimeout;
    while (pending.active() && !delivered) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(giveUp - Clock::now());
      if (left.count() <= 0) {
        std::cerr << "ipmibd-platform: addresses still tentative after " << options_.resolveTimeout.count()
                  << " ms\n";
        return false;
      }
      int wait = int(std::min<long long>(left.count(), 100));
      if (auto deadline = backend_.nextDeadline())
        wait = int(std::clamp<long long>(
            std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count(), 0, wait));
      pollfd fd{backend_.eventDescriptor(), POLLIN, 0};
      poll(&fd, fd.fd >= 0 ? 1 : 0, wait);
      while (backend_.dispatch(std::chrono::milliseconds(50))) {}
    }
    section("stable addresses", cli::addressesTable(rows, names_));
    return true;
  }
  // ---- Issue 19, IP paths ----
  bool printPaths() {
    std::vector<IpPathRow> rows;
    if (!check("ip paths", backend_.getIpPathTable(options_.pathFamily, rows))) return false;
    section("ip paths", cli::pathsTable(rows, names_));
    return true;
  }
  bool printPath() {
    IpPathRow row;
    row.destination = *options_.pathDestination;
    if (!options_.pathDevice.empty()) {
      if (!check("interface " + options_.pathDevice,
                 backend_.convertInterfaceNameToLuid(options_.pathDevice, row.luid)))
        return false;
    } else if (!check("the route to " + row.destination.toString(),
                      backend_.getBestInterfaceEx(row.destination, row.interfaceIndex))) {
      return false;
    }
    if (!check("the path to " + row.destination.toString(), backend_.getIpPathEntry(row))) return false;
    section("ip path", cli::pathsTable({row}, names_));
    return true;
  }
  bool flushPaths() {
    if (!check("flushing ip paths", backend_.flushIpPathTable(options_.pathFamily))) return false;
    return printPaths();
  }
  bool printStack() {
    std::vector<IfStackRow> rows;
    if (!check("interface stack", backend_.getIfStackTable(rows))) return false;
    section("interface stack", cli::ifStackTable(rows, names_));
    return true;
  }
  bool printMulticast() {
    std::vector<MulticastAddressRow> rows;
    if (!check("multicast groups", backend_.getMulticastIpAddressTable(Family::Unspecified, rows)))
      return false;
    section("multicast groups", cli::multicastTable(rows, names_));
    return true;
  }
  bool printAnycast() {
    std::vector<AnycastAddressRow> rows;
    if (!check("anycast addresses", backend_.getAnycastIpAddressTable(Family::Unspecified, rows)))
      return false;
    section("anycast addresses", cli::anycastTable(rows, names_));
    return true;
  }

  Backend& backend_;
  const Options& options_;
  cli::InterfaceNames names_;
};

volatile std::sig_atomic_t stopRequested = 0;
extern "C" void onStopSignal(int) { stopRequested = 1; }

// Subscribes to the notifications of the table(s) shown ("all": every kind) and prints each change as
// one line, until SIGINT/SIGTERM.
int watch(Backend& backend, Printer& printer, std::string_view what) {
  // Without SA_RESTART so poll() returns EINTR and the loop sees the stop request promptly.
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  const bool all = what == "all";
  auto wanted = [&](std::string_view table) { return all || what == table; };
  if (what == "stats" || what == "settings" || what == "multicast" || what == "anycast" ||
      what == "addrlabels" || what == "guids" || what == "sorted-pairs" || what == "resolve" ||
      what == "stable" || what == "paths" || what == "path" || what == "flush-paths")
    std::cerr << "ipmibd-platform: " << what << " have no change notifications; watching nothing\n";

  // Other rows print interface names, so links are always followed (silently unless shown); a
  // deleted link keeps its name so later lines about its routes and addresses still read well.
  cli::InterfaceNames names = printer.names();
  auto line = [](ChangeKind kind, const std::string& text) {
    std::cout << cli::changeMarker(kind) << ' ' << text << '\n';
  };
  const bool showLinks = wanted("interfaces");
  // The stack has no notification of its own: it is re-read after interface changes and the
  // pairs that came or went are printed.
  std::vector<IfStackRow> stack;
  if (wanted("stack")) backend.getIfStackTable(stack);
  auto links = backend.notifyInterfaceChange([&](std::span<const Change<InterfaceRow>> changes) {
    for (const auto& c : changes) {
      names[c.row.index] = c.row.name;
      if (showLinks) line(c.kind, cli::describe(c.row));
    }
    if (!wanted("stack")) return;
    std::vector<IfStackRow> now;
    if (!backend.getIfStackTable(now).ok()) return;
    for (const auto& r : stack)
      if (!std::binary_search(now.begin(), now.end(), r)) line(ChangeKind::Delete, cli::describe(r, names));
    for (const auto& r : now)
      if (!std::binary_search(stack.begin(), stack.end(), r)) line(ChangeKind::Add, cli::describe(r, names));
    stack = std::move(now);
  });
  Subscription ipInterfaces, addresses, neighbors, routes;
  if (wanted("ipinterfaces"))
    ipInterfaces = backend.notifyIpInterfaceChange(Family::Unspecified,
                                                   [&](std::span<const Change<IpInterfaceRow>> changes) {
                                                     for (const auto& c : changes)
                                                       line(c.kind, cli::describe(c.row, names));
                                                   });
  if (wanted("addresses"))
    addresses = backend.notifyUnicastIpAddressChange(Family::Unspecified,
                                                     [&](std::span<const Change<UnicastAddressRow>> changes) {
                                                       for (const auto& c : changes)
                                                         line(c.kind, cli::describe(c.row, names));
                                                     });
  if (wanted("neighbors"))
    neighbors =
        backend.notifyIpNetChange(Family::Unspecified, [&](std::span<const Change<NeighborRow>> changes) {
          for (const auto& c : changes)
            line(c.kind, cli::describe(c.row, names));
        });
  if (wanted("routes"))
    routes = backend.notifyRouteChange2(Family::Unspecified, [&](std::span<const Change<RouteRow>> changes) {
      for (const auto& c : changes)
        line(c.kind, cli::describe(c.row, names));
    });
  std::cout << "# watching (interrupt to stop)" << std::endl;

  while (!stopRequested) {
    // Drain first: dispatch() reports remaining work, which must not wait for the descriptor.
    while (!stopRequested && backend.dispatch(std::chrono::milliseconds(50))) {}
    std::cout.flush();
    if (stopRequested) break;

    int timeoutMs = -1;
    if (auto deadline = backend.nextDeadline()) {
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      timeoutMs = int(std::clamp<long long>(wait.count(), 0, 60'000));
    }
    pollfd fd{backend.eventDescriptor(), POLLIN, 0};
    const int ready = poll(&fd, fd.fd >= 0 ? 1 : 0, timeoutMs);
    if (ready < 0 && errno != EINTR) {
      std::cerr << "ipmibd-platform: poll: " << std::strerror(errno) << "\n";
      return 1;
    }
    if (ready > 0 && (fd.revents & (POLLERR | POLLNVAL))) {
      std::cerr << "ipmibd-platform: event descriptor failed\n";
      return 1;
    }
  }
  std::cout.flush();
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  auto parsed = parseArguments(argc, argv);
  if (parsed.help) {
    std::cout << kUsage;
    return 0;
  }
  if (!parsed.options) {
    std::cerr << "ipmibd-platform: " << parsed.error << " (see --help)\n";
    return 2;
  }
  const Options& options = *parsed.options;

  Result error;
  auto backend = openBackend(options, error);
  if (!backend) {
    std::cerr << "ipmibd-platform: cannot open the " << options.backend << " backend: " << error.toString()
              << "\n";
    return 1;
  }
  Printer printer(*backend, options);
  if (!printer.refreshNames()) return 1;
  const bool printed = printer.print(options.table);
  std::cout.flush();
  if (!printed) return 1;
  return options.watch ? watch(*backend, printer, options.table) : 0;
}
