// Fuzz target: the simulator's scenario parser (platform/sim/scenario_parser.*) and applying what it
// parses to the simulated kernel, with every table unit attached and timers run. Oracles: no crash,
// hang or leak; parseScenario accepts exactly the texts whose every line parseLine accepts; whatever
// state the commands build, the tables serve it with strictly increasing GETNEXT walks.
#include "agent/common/table_set.h"
#include "platform/sim/sim_backend.h"
#include "tests/fuzz/fuzz_input.h"

using namespace ipmibd::platform;
using namespace ipmibd::platform::sim;

namespace {

// The lines as parseScenario sees them (a trailing CR belongs to the line break).
std::vector<std::string_view> linesOf(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return out;
}

void walkAll(const ipmibd::agent::TableSet& tables, Timestamp now) {
  const ipmibd::tables::RequestContext context{now, now};
  for (const ipmibd::tables::MibObject* object : tables.objects()) {
    ipmibd::tables::Oid at = object->base();
    while (auto next = object->getNextOid(at, context)) {
      FUZZ_CHECK(next->oid > at, "GETNEXT went backwards from " + at.toString());
      at = next->oid;
    }
  }
}

} // namespace

// Input: scenario text.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> lines = linesOf(text);

  std::vector<ScenarioLine> parsed;
  const Result whole = parseScenario(text, "fuzz", parsed);
  bool everyLine = true;
  for (std::string_view line : lines) {
    std::optional<Statement> statement;
    everyLine = parseLine(line, statement).ok() && everyLine;
  }
  FUZZ_CHECK(whole.ok() == everyLine, whole.toString());

  // Apply line by line, as `SimBackend::apply` does at run time, so one bad line does not stop the
  // rest; then let the tables load, run the timers for a simulated minute and walk everything
  // once at the end (a walk of every table is most of an input's cost).
  SimOptions options;
  options.manualClock = true;
  options.routeTables = {kMainRouteTable, 100};
  SimBackend backend(options);
  std::vector<std::string> attachErrors;
  ipmibd::agent::TableSet tables(backend, attachErrors);
  for (std::string_view line : lines)
    (void)backend.apply(line);
  for (int step = 0; step < 7; ++step) {
    for (int round = 0; round < 100; ++round) {
      bool more = backend.dispatch(std::chrono::milliseconds(20));
      more = tables.applyPending(std::chrono::milliseconds(20)) || more;
      if (!more) break;
    }
    if (step == 6) walkAll(tables, backend.now());
    backend.advance(std::chrono::seconds(10));
  }
  return 0;
}
