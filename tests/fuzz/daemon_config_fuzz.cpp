// Fuzz target: ipmibd.conf's directive parsers (agent/daemon_config.*) on arbitrary lines. Oracles:
// no crash; a refused line leaves the configuration exactly as it was (never a silent partial
// change); an accepted line changes it, and only into values within the documented ranges.
#include "agent/common/daemon_config.h"
#include "tests/fuzz/fuzz_input.h"

#include <algorithm>

using namespace ipmibd::agent;

namespace {

void checkRanges(const DaemonConfig& c) {
  if (c.agentxPriority) FUZZ_CHECK(*c.agentxPriority >= 1 && *c.agentxPriority <= 255);
  if (c.agentxContext) FUZZ_CHECK(c.agentxContext->size() <= 255);
  if (c.rowIdleTimeout) FUZZ_CHECK(c.rowIdleTimeout->count() >= 1 && c.rowIdleTimeout->count() <= 86400);
  for (std::uint32_t table : c.routeTables)
    FUZZ_CHECK(table != 0 && std::count(c.routeTables.begin(), c.routeTables.end(), table) == 1);
  if (c.writeAccess)
    for (const std::string& name : c.writeAccess->objects)
      FUZZ_CHECK(std::ranges::find(writableObjectNames(), name) != writableObjectNames().end());
}

} // namespace

// Input: text, one directive per line as in ipmibd.conf ("TOKEN ARGUMENTS"). A line whose first
// word is no directive is given, whole, to the directive its first byte selects.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto all = directives();
  DaemonConfig config;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    const std::string_view token = line.substr(0, space);
    const auto known = std::ranges::find(all, token, &Directive::token);
    const Directive& directive = known != all.end() ? *known : all[std::uint8_t(line[0]) % all.size()];
    const std::string_view arguments =
        known != all.end() ? (space == std::string_view::npos ? "" : line.substr(space + 1)) : line;

    const DaemonConfig before = config;
    const std::optional<std::string> error = directive.apply(config, arguments, "/etc/snmp");
    if (error) {
      FUZZ_CHECK(config == before, std::string(directive.token) + " refused '" + std::string(arguments) +
                                       "' but changed the configuration");
      FUZZ_CHECK(!error->empty());
    } else {
      FUZZ_CHECK(!(config == before),
                 std::string(directive.token) + " accepted '" + std::string(arguments) + "' silently");
    }
    checkRanges(config);
  }
  (void)validate(config);
  (void)describe(config.backend);
  for (std::string_view name : writableObjectNames())
    (void)config.writeAllowed(name);
  return 0;
}
