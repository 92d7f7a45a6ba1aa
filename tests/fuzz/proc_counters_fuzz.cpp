// Fuzz target: the /proc/net counter file parsers behind the IP statistics rows (snmp, netstat,
// snmp6, dev_snmp6/IF; platform/linux/rtnl_decode.*) on arbitrary text. Oracles: no crash, and
// every parsed name is a word of the input (nothing invented).
#include "platform/linux/rtnl_decode.h"
#include "tests/fuzz/fuzz_input.h"

using namespace ipmibd::platform::linux_backend;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  NamedCounters pairs;
  parseProcNetPairs(text, pairs);
  const NamedCounters named = parseProcNetNameValue(text);
  for (const auto& [name, value] : named)
    FUZZ_CHECK(text.find(name) != std::string_view::npos, "invented counter " + name);
  (void)ipv4Statistics(pairs);
  (void)ipv6Statistics(named);
  (void)ipv6Statistics(pairs);
  return 0;
}
