// Counter formulas of the simulator: linear in elapsed seconds, consistent with each other
// (delivered <= received, fragments OK <= requested) so MIB walkers see plausible values.
#include "platform/sim/sim_statistics.h"

#include <cstdint>

namespace ipmibd::platform::sim {

namespace {
std::uint64_t wholeSeconds(std::chrono::milliseconds age) {
  return age.count() > 0 ? std::uint64_t(age.count() / 1000) : 0;
}
} // namespace

void fillInterfaceCounters(InterfaceRow& row, std::chrono::milliseconds age) {
  const std::uint64_t packets = wholeSeconds(age) * (5 + 3 * std::uint64_t(row.index));
  row.inUcastPkts = packets;
  row.inNUcastPkts = packets / 20;
  row.inMulticastPkts = packets / 25;
  row.inOctets = (row.inUcastPkts + row.inNUcastPkts) * 512;
  row.inDiscards = packets / 1000;
  row.inErrors = packets / 5000;
  row.inUnknownProtos = packets / 2000;
  row.outUcastPkts = packets * 9 / 10;
  row.outNUcastPkts = packets / 30;
  row.outOctets = (row.outUcastPkts + row.outNUcastPkts) * 480;
  row.outDiscards = packets / 1500;
  row.outErrors = packets / 8000;
}

IpStatisticsRow ipStatistics(Family family, InterfaceIndex index, std::chrono::milliseconds age,
                             Timestamp since) {
  IpStatisticsRow s;
  s.family = family;
  s.interfaceIndex = index;
  s.discontinuityTime = since;
  if (family == Family::V4 && index != 0) return s;

  const std::uint64_t rate = index == 0 ? (family == Family::V4 ? 120 : 80) : 4 + 2 * std::uint64_t(index);
  const std::uint64_t in = wholeSeconds(age) * rate;
  const std::uint64_t out = in * 9 / 10;
  s.inReceives = in;
  s.inOctets = in * 600;
  s.inHdrErrors = in / 1000;
  s.inNoRoutes = in / 500;
  s.inAddrErrors = in / 800;
  s.inUnknownProtos = in / 2000;
  s.inTruncatedPkts = in / 5000;
  s.inForwDatagrams = in / 10;
  s.reasmReqds = in / 50;
  s.reasmOKs = in / 100;
  s.reasmFails = in / 1000;
  s.inDiscards = in / 400;
  s.inDelivers = in * 8 / 10;
  s.outRequests = out;
  s.outNoRoutes = out / 1000;
  s.outForwDatagrams = in / 10;
  s.outDiscards = out / 700;
  s.outFragOKs = out / 120;
  s.outFragFails = out / 5000;
  s.outFragCreates = out / 40;
  s.outTransmits = out + in / 10;
  s.outOctets = *s.outTransmits * 550;
  s.inMcastPkts = in / 20;
  s.inMcastOctets = *s.inMcastPkts * 200;
  s.outMcastPkts = out / 25;
  s.outMcastOctets = *s.outMcastPkts * 200;
  if (family == Family::V4) {
    s.inBcastPkts = in / 30;
    s.outBcastPkts = out / 40;
    // System-wide only, as Linux; nonzero (unlike Linux's constant 0) so tests see where it goes.
    if (index == 0) s.routingDiscards = in / 1000;
  }
  return s;
}

} // namespace ipmibd::platform::sim
