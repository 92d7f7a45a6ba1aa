// SimBackend's life cycle, scenario loading, reads, and the dispatch loop (feed timers, address
// lifetimes, publishing queued changes).
#include "platform/sim/sim_backend.h"

#include "platform/sim/scenario_apply.h"
#include "platform/sim/sim_statistics.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ipmibd::platform::sim {

namespace {

SimClock startClock(bool manual) {
  SimClock clock;
  clock.setManual(manual);
  return clock;
}

bool wanted(Family filter, Family family) { return filter == Family::Unspecified || filter == family; }

std::chrono::milliseconds since(Timestamp now, Timestamp start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
}

} // namespace

SimBackend::SimBackend(SimOptions options)
    : options_(std::move(options)), clock_(startClock(options_.manualClock)), kernel_(clock_, changes_),
      started_(clock_.now()) {
  // Booting is the starting state, not news.
  changes_.clear();
}

std::unique_ptr<SimBackend> SimBackend::fromScenario(std::string_view text, std::string_view originName,
                                                     Result& error, SimOptions options) {
  std::vector<ScenarioLine> lines;
  error = parseScenario(text, originName, lines);
  if (!error.ok()) return nullptr;
  auto backend = std::make_unique<SimBackend>(std::move(options));
  for (const auto& line : lines) {
    const Result r = backend->applyStatement(line.statement);
    if (!r.ok()) {
      error = Result::failure(r.status,
                              std::string(originName) + ":" + std::to_string(line.number) + ": " + r.message);
      return nullptr;
    }
  }
  backend->changes_.clear();
  error = Result::success();
  return backend;
}

std::unique_ptr<SimBackend> SimBackend::fromFile(const std::string& path, Result& error, SimOptions options) {
  std::ifstream in(path);
  if (!in) {
    error = Result::failure(Status::NotFound, "cannot read scenario " + path);
    return nullptr;
  }
  std::stringstream text;
  text << in.rdbuf();
  return fromScenario(text.str(), path, error, std::move(options));
}

Result SimBackend::apply(std::string_view commandLine) {
  std::optional<Statement> statement;
  if (auto r = parseLine(commandLine, statement); !r.ok()) return r;
  if (!statement) return Result::success();
  return applyStatement(*statement);
}

Result SimBackend::applyStatement(const Statement& statement) {
  if (const auto* command = std::get_if<Command>(&statement)) return applyCommand(kernel_, *command);
  if (const auto* timer = std::get_if<TimerStatement>(&statement)) return schedule(*timer);
  const auto& fault = std::get<FaultStatement>(statement);
  faults_.inject(fault.operation, fault.status, fault.count, fault.message, fault.skip);
  return Result::success();
}

Result SimBackend::schedule(const TimerStatement& timer) {
  feed_.schedule(now() + timer.time, timer.repeat ? timer.time : std::chrono::milliseconds(0), timer.action);
  return Result::success();
}

void SimBackend::injectFault(Operation op, Status status, int count, std::string message, int skip) {
  faults_.inject(op, status, count, std::move(message), skip);
}

bool SimBackend::exported(std::uint32_t table) const {
  return std::find(options_.routeTables.begin(), options_.routeTables.end(), table) !=
         options_.routeTables.end();
}

InterfaceIndex SimBackend::indexOf(InterfaceIndex index, InterfaceLuid luid) const {
  if (index != 0 || luid.value == 0) return index;
  const Link* l = kernel_.linkByLuid(luid);
  return l ? l->row.index : 0;
}

// ---- reads -------------------------------------------------------------------------------------

Result SimBackend::getIfTable2(std::vector<InterfaceRow>& table) {
  if (auto fault = faults_.take(Operation::GetInterfaces)) return *fault;
  table.clear();
  for (const auto& [index, l] : kernel_.links())
    table.push_back(kernel_.interfaceView(l));
  return Result::success();
}

Result SimBackend::getIfEntry2(InterfaceRow& row) {
  if (auto fault = faults_.take(Operation::GetInterfaces)) return *fault;
  if (row.index == 0 && row.luid.value == 0)
    return Result::failure(Status::InvalidParameter, "no index or LUID");
  const Link* l = row.luid.value != 0 ? kernel_.linkByLuid(row.luid) : kernel_.link(row.index);
  if (!l) return Result::failure(Status::NotFound, "no such interface");
  row = kernel_.interfaceView(*l);
  return Result::success();
}

Result SimBackend::getIpInterfaceTable(Family family, std::vector<IpInterfaceRow>& table) {
  if (auto fault = faults_.take(Operation::GetIpInterfaces)) return *fault;
  table.clear();
  for (const auto& [index, l] : kernel_.links()) {
    if (wanted(family, Family::V4)) table.push_back(l.ipv4);
    if (wanted(family, Family::V6)) table.push_back(l.ipv6);
  }
  return Result::success();
}

Result SimBackend::getIpInterfaceEntry(IpInterfaceRow& row) {
  if (auto fault = faults_.take(Operation::GetIpInterfaces)) return *fault;
  if (row.family == Family::Unspecified) return Result::failure(Status::InvalidParameter, "family not set");
  const Link* l = kernel_.link(indexOf(row.interfaceIndex, row.luid));
  if (!l) return Result::failure(Status::NotFound, "no such interface");
  row = row.family == Family::V4 ? l->ipv4 : l->ipv6;
  return Result::success();
}

Result SimBackend::getIpStatisticsTable(Family family, std::vector<IpStatisticsRow>& table) {
  if (auto fault = faults_.take(Operation::GetStatistics)) return *fault;
  table.clear();
  const Timestamp t = now();
  for (Family f : {Family::V4, Family::V6})
    if (wanted(family, f)) table.push_back(ipStatistics(f, 0, since(t, started_), started_));
  for (const auto& [index, l] : kernel_.links())
    for (Family f : {Family::V4, Family::V6})
      if (wanted(family, f)) table.push_back(ipStatistics(f, index, since(t, l.created), l.created));
  return Result::success();
}

Result SimBackend::getIpGlobalSettings(IpGlobalSettings& settings) {
  if (auto fault = faults_.take(Operation::GetGlobal)) return *fault;
  if (settings.family != Family::V4 && settings.family != Family::V6)
    return Result::failure(Status::InvalidParameter, "family must be IPv4 or IPv6");
  settings = kernel_.globalSettings(settings.family);
  return Result::success();
}

Result SimBackend::getUnicastIpAddressTable(Family family, std::vector<UnicastAddressRow>& table) {
  if (auto fault = faults_.take(Operation::GetAddresses)) return *fault;
  table.clear();
  for (const auto& [key, entry] : kernel_.addresses())
    if (wanted(family, key.first.family())) table.push_back(kernel_.addressView(entry));
  return Result::success();
}

Result SimBackend::getUnicastIpAddressEntry(UnicastAddressRow& row) {
  if (auto fault = faults_.take(Operation::GetAddresses)) return *fault;
  const InterfaceIndex index = indexOf(row.interfaceIndex, row.luid);
  const auto address = SimKernel::scopedFor(row.address, index);
  const AddressEntry* entry = address ? kernel_.address({*address, index}) : nullptr;
  if (!entry) return Result::failure(Status::NotFound, "no such address");
  row = kernel_.addressView(*entry);
  return Result::success();
}

Result SimBackend::getIpNetTable2(Family family, std::vector<NeighborRow>& table) {
  if (auto fault = faults_.take(Operation::GetNeighbors)) return *fault;
  table.clear();
  for (const auto& [key, row] : kernel_.neighbors())
    if (wanted(family, key.first.family())) table.push_back(kernel_.neighborView(row));
  return Result::success();
}

Result SimBackend::getIpNetEntry2(NeighborRow& row) {
  if (auto fault = faults_.take(Operation::GetNeighbors)) return *fault;
  const NeighborRow* found = kernel_.neighbor({row.address, indexOf(row.interfaceIndex, row.luid)});
  if (!found) return Result::failure(Status::NotFound, "no such neighbor entry");
  row = kernel_.neighborView(*found);
  return Result::success();
}

Result SimBackend::getIpForwardTable2(Family family, std::vector<RouteRow>& table) {
  if (auto fault = faults_.take(Operation::GetRoutes)) return *fault;
  table.clear();
  for (const auto& [key, entry] : kernel_.routes())
    if (exported(key.table) && wanted(family, key.destination.family()))
      table.push_back(kernel_.routeView(entry.row));
  return Result::success();
}

Result SimBackend::getIpForwardEntry2(RouteRow& row) {
  if (auto fault = faults_.take(Operation::GetRoutes)) return *fault;
  const RouteKey key = normalizedKey(row);
  auto it = kernel_.routes().find(key);
  if (it == kernel_.routes().end() || !exported(key.table))
    return Result::failure(Status::NotFound, "no such route");
  row = kernel_.routeView(it->second.row);
  return Result::success();
}

Result SimBackend::getBestRoute2(const IpAddress& destination, RouteRow& bestRoute,
                                 IpAddress& bestSourceAddress) {
  if (auto fault = faults_.take(Operation::GetBestRoute)) return *fault;
  return kernel_.bestRoute(destination, options_.routeTables, bestRoute, bestSourceAddress);
}

// The simulator has no policy rules: the system's lookup is its main table.
Result SimBackend::getBestInterfaceEx(const IpAddress& destination, InterfaceIndex& interfaceIndex) {
  if (auto fault = faults_.take(Operation::GetBestRoute)) return *fault;
  RouteRow best;
  IpAddress source;
  if (Result r = kernel_.bestRoute(destination, {kMainRouteTable}, best, source); !r.ok()) return r;
  if (best.type != RouteType::Unicast || best.interfaceIndex == 0)
    return Result::failure(Status::NetworkUnreachable, destination.toString() + " is routed to no interface");
  interfaceIndex = best.interfaceIndex;
  return Result::success();
}

// ---- event loop ----------------------------------------------------------------------------------

std::optional<Timestamp> SimBackend::nextDeadline() const {
  if (!changes_.empty()) return now();
  auto next = feed_.nextDeadline();
  if (auto lifetime = kernel_.nextAddressDeadline(); lifetime && (!next || *lifetime < *next))
    next = lifetime;
  if (auto lifetime = kernel_.nextRouteDeadline(); lifetime && (!next || *lifetime < *next)) next = lifetime;
  if (auto resolution = resolutions_.nextDeadline(now()); resolution && (!next || *resolution < *next))
    next = resolution;
  return next;
}

bool SimBackend::dispatch(std::chrono::milliseconds budget) {
  const auto start = Clock::now();
  kernel_.expireAddresses();
  kernel_.expireRoutes();
  for (const auto& action : feed_.takeDue(now())) {
    if (auto r = applyFeedAction(kernel_, action); !r.ok()) lastFeedError_ = r;
  }
  if (!resolutions_.empty()) runResolutions();
  // Callbacks may change state through the API; those changes go out in a later round.
  while (!changes_.empty()) {
    publishPending();
    if (Clock::now() - start >= budget) break;
  }
  const auto next = nextDeadline();
  return next && *next <= now();
}

void SimBackend::publishPending() {
  const std::vector<AnyChange> pending = changes_.take();
  for (std::size_t first = 0; first < pending.size();) {
    std::size_t end = first + 1;
    while (end < pending.size() && pending[end].index() == pending[first].index())
      ++end;
    std::visit(
        [&](const auto& sample) {
          using Row = std::decay_t<decltype(sample.row)>;
          std::vector<Change<Row>> run;
          run.reserve(end - first);
          for (std::size_t i = first; i < end; ++i) {
            const auto& change = std::get<Change<Row>>(pending[i]);
            if constexpr (std::is_same_v<Row, RouteRow>) {
              if (!exported(change.row.table)) continue;
            }
            run.push_back(change);
          }
          stats_.eventsDelivered += run.size();
          if (!run.empty()) publish(std::span<const Change<Row>>(run));
        },
        pending[first]);
    first = end;
  }
}

// ---- Issue 19, h-sort ----------------------------------------------------------------------------

Result SimBackend::getIfTable2Ex(IfTableLevel level, std::vector<InterfaceRow>& table) {
  if (level != IfTableLevel::Raw) return Backend::getIfTable2Ex(level, table);
  if (Result r = getIfTable2(table); !r.ok()) return r;
  for (auto& row : table)
    row.operStatus = row.operStatus == OperStatus::Up ? OperStatus::Up : OperStatus::Down;
  return Result::success();
}

Result SimBackend::getAddressLabelTable(std::vector<AddressLabelRow>& table) {
  table = kernel_.addressLabels();
  return Result::success();
}

} // namespace ipmibd::platform::sim
