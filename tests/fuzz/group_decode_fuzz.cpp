// Fuzz target: the multicast membership and anycast decoders (platform/linux/group_decode.*).
// Input: the same bytes twice, as a netlink receive buffer (walked as NetlinkSocket walks what
// recv() returns, every message through decodeGroupMembership) and as the text of /proc/net/igmp
// and /proc/net/igmp6. Oracles: no crash or overread (an exactly sized heap copy); a decoded
// multicast membership is a multicast address, an anycast one is not, and never on interface 0.
#include "platform/linux/group_decode.h"
#include "platform/linux/rtnl_decode.h"
#include "tests/fuzz/fuzz_input.h"

#include <libmnl/libmnl.h>

#include <cstring>
#include <memory>

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[size]);
  if (size > 0) std::memcpy(buffer.get(), data, size);
  int remaining = int(size);
  for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer.get()); messageFits(m, remaining);
       m = mnl_nlmsg_next(m, &remaining)) {
    if (const auto g = decodeGroupMembership(*m)) {
      FUZZ_CHECK(g->interfaceIndex != 0);
      FUZZ_CHECK(g->address.isMulticast() != g->anycast, g->address.toString());
    }
  }
  const std::string_view text(reinterpret_cast<const char*>(buffer.get()), size);
  for (const auto& parse : {parseProcIgmp, parseProcIgmp6})
    for (const auto& g : parse(text)) {
      FUZZ_CHECK(g.interfaceIndex != 0);
      FUZZ_CHECK(g.address.isMulticast() && !g.anycast, g.address.toString());
    }
  return 0;
}
