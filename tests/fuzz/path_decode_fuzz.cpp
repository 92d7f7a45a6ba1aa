// Fuzz target: the IP path decoders (issue 19): route exceptions (RTM_NEWROUTE with RTM_F_CLONED),
// the generic netlink controller's family reply, and tcp_metrics replies (platform/linux/rtnl_decode.*).
// Input: a netlink receive buffer, walked as NetlinkSocket walks what recv() returns; every message
// goes through every decoder, a tcp_metrics decode with its own type as the family id (the id is
// assigned at run time, so any type may be it). Oracles: no crash or overread (an exactly sized heap
// copy); an exception has an interface and a host destination of an IP family; a metric's source is
// unspecified or of its destination's family; a family id is a valid generic netlink type.
#include "platform/linux/rtnl_decode.h"
#include "tests/fuzz/fuzz_input.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

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
    if (const auto e = decodeRouteException(*m)) {
      FUZZ_CHECK(e->interfaceIndex != 0);
      FUZZ_CHECK(e->destination.isV4() || e->destination.isV6(), e->destination.toString());
      FUZZ_CHECK(!e->gateway.isUnspecified(), "an exception always has a next hop (zero: on-link)");
    }
    if (const auto id = decodeGenericFamilyId(*m, "tcp_metrics")) FUZZ_CHECK(*id >= NLMSG_MIN_TYPE);
    if (const auto metric = decodeTcpMetric(*m, m->nlmsg_type)) {
      FUZZ_CHECK(metric->destination.isV4() || metric->destination.isV6());
      FUZZ_CHECK(metric->source.isUnspecified() || metric->source.family() == metric->destination.family(),
                 metric->source.toString());
      FUZZ_CHECK(metric->interfaceIndex == 0); // the lookup's, not the message's
    }
  }
  return 0;
}
