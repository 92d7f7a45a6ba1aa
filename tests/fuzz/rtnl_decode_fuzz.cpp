// Fuzz target: the rtnetlink decoders (platform/linux/rtnl_decode.*) on arbitrary bytes taken as a
// receive buffer of netlink messages, walked exactly as NetlinkSocket walks what recv() returns.
// Every decoder sees every message (link, IP interface, address, neighbor, neighbor table, route,
// route lookup, address label, raw link state), whatever its type, so the fuzzer reaches each parser from any
// seed. Oracles: no crash and no read outside the buffer (it is an exactly sized heap copy, so ASan sees
// overreads); routes come out with prefix lengths their family can have.
#include "platform/linux/rtnl_decode.h"
#include "tests/fuzz/fuzz_input.h"

#include <libmnl/libmnl.h>

#include <cstring>
#include <memory>

using namespace ipmibd::platform;
using namespace ipmibd::platform::linux_backend;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The kernel's buffers are 4-byte aligned; operator new gives at least that.
  std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[size]);
  if (size > 0) std::memcpy(buffer.get(), data, size);
  const Timestamp now = Timestamp{} + std::chrono::hours(1000);

  int remaining = int(size);
  for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer.get()); messageFits(m, remaining);
       m = mnl_nlmsg_next(m, &remaining)) {
    (void)decodeLink(*m);
    std::vector<IpInterfaceRow> ipInterfaces;
    decodeIpInterfaces(*m, ipInterfaces);
    FUZZ_CHECK(ipInterfaces.size() <= 2);
    (void)decodeAddress(*m, now);
    (void)decodeNeighbor(*m, now);
    (void)decodeNeighborParms(*m);
    std::vector<RouteRow> routes;
    const bool decoded = decodeRoute(*m, routes);
    FUZZ_CHECK(decoded || routes.empty());
    for (const RouteRow& route : routes)
      FUZZ_CHECK(route.destinationPrefix.length <= route.destinationPrefix.maxLength(),
                 "prefix length " + std::to_string(route.destinationPrefix.length));
    (void)decodeRouteLookup(*m);
    // Issue 19, h-sort: address labels (RTM_GETADDRLABEL) and the raw link state.
    if (auto label = decodeAddressLabel(*m)) {
      FUZZ_CHECK(label->prefix.length <= 128, "label prefix length " + std::to_string(label->prefix.length));
      FUZZ_CHECK(label->prefix.family() == Family::V6);
    }
    (void)decodeRawLinkState(*m);
  }
  return 0;
}
