// Conformance: neighbor resolution (ResolveIpNetEntry2), asynchronous from dispatch() and blocking:
// a peer that answers (v1 given the address), one that does not, the caller's timeout, flushing
// of a stale entry, static entries and the refused requests.
#include "tests/platform/conformance/support.h"

#include <optional>

namespace ipmibd::conformance {
namespace {

// One asynchronous resolution's outcome as its callback saw it.
struct Outcome {
  std::optional<Result> result;
  NeighborRow row;
  int calls = 0;
};

ResolveCallback recordInto(Outcome& outcome) {
  return [&outcome](const Result& result, const NeighborRow& row) {
    outcome.result = result;
    outcome.row = row;
    ++outcome.calls;
  };
}

NeighborRow keyOn(std::string_view address, InterfaceIndex index) {
  NeighborRow key;
  key.address = addr(address);
  key.interfaceIndex = index;
  return key;
}

bool valid(NeighborState state) {
  return state == NeighborState::Reachable || state == NeighborState::Stale ||
         state == NeighborState::Delay || state == NeighborState::Probe;
}

// Long enough for the kernel's own verdict (3 probes, 1 s apart) to come first.
constexpr auto kLongTimeout = 10s;
constexpr auto kVerdictWait = 8s;

TEST_CASE("resolution: a peer that answers gives its link-layer address, from dispatch()", "[resolve]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  InterfaceRow peer;
  peer.index = indexOf(b, "v1");
  REQUIRE_OK(b.getIfEntry2(peer));
  REQUIRE_OK(stack.outOfBand("addr add 192.0.2.2/24 dev v1"));
  REQUIRE_OK(stack.outOfBand("-6 addr add 2001:db8:1::2/64 dev v1 nodad"));
  stack.settle();

  for (const std::string_view text : {"192.0.2.2", "2001:db8:1::2"}) {
    INFO(text);
    // A stale entry with another address is flushed, not returned: the answer is the peer's.
    REQUIRE_OK(b.createIpNetEntry2(makeNeighbor(text, v0, "02:00:00:00:00:99", NeighborState::Stale)));
    Outcome outcome;
    Subscription subscription;
    REQUIRE_OK(b.resolveIpNetEntry2Async(keyOn(text, v0), kLongTimeout, recordInto(outcome), subscription));
    CHECK(outcome.calls == 0); // only dispatch() delivers
    CHECK(stack.settleUntil([&] { return outcome.calls > 0; }, kVerdictWait));
    REQUIRE(outcome.result.has_value());
    INFO(outcome.result->toString());
    CHECK(outcome.result->ok());
    CHECK(outcome.row.physicalAddress == peer.physicalAddress);
    CHECK(valid(outcome.row.state));
    CHECK(outcome.row.interfaceIndex == v0);
    CHECK(outcome.row.luid == luidOf(b, "v0"));
    NeighborRow entry = keyOn(text, v0);
    REQUIRE_OK(b.getIpNetEntry2(entry));
    CHECK(entry.physicalAddress == peer.physicalAddress);
    stack.settle();
    CHECK(outcome.calls == 1);

    // The blocking form, keyed by LUID, flushes and resolves again.
    NeighborRow blocking;
    blocking.address = addr(text);
    blocking.luid = luidOf(b, "v0");
    REQUIRE_OK(b.resolveIpNetEntry2(blocking, kLongTimeout));
    CHECK(blocking.physicalAddress == peer.physicalAddress);
    CHECK(valid(blocking.state));
    CHECK(blocking.interfaceIndex == v0);
  }
}

TEST_CASE("resolution: nothing answers, the kernel gives up: NetworkUnreachable, entry failed", "[resolve]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  Outcome v4, v6;
  Subscription s4, s6;
  REQUIRE_OK(b.resolveIpNetEntry2Async(keyOn("192.0.2.99", v0), kLongTimeout, recordInto(v4), s4));
  REQUIRE_OK(b.resolveIpNetEntry2Async(keyOn("2001:db8:1::99", v0), kLongTimeout, recordInto(v6), s6));
  const auto started = Clock::now();
  CHECK(stack.settleUntil([&] { return v4.calls > 0 && v6.calls > 0; }, kVerdictWait));
  const auto took = Clock::now() - started;
  CHECK(took < kLongTimeout); // the kernel's verdict, not the caller's timeout
  for (const auto* o : {&v4, &v6}) {
    REQUIRE(o->result.has_value());
    INFO(o->result->toString());
    CHECK(o->result->status == Status::NetworkUnreachable);
    CHECK(o->calls == 1);
  }
  for (const std::string_view text : {"192.0.2.99", "2001:db8:1::99"}) {
    NeighborRow entry = keyOn(text, v0);
    REQUIRE_OK(b.getIpNetEntry2(entry));
    CHECK(entry.state == NeighborState::Unreachable);
    CHECK(entry.physicalAddress.empty());
  }
}

TEST_CASE("resolution: the caller's timeout ends it; a cancelled one never calls back", "[resolve]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  Outcome timedOut, cancelled;
  Subscription s1, s2;
  REQUIRE_OK(b.resolveIpNetEntry2Async(keyOn("192.0.2.98", v0), 300ms, recordInto(timedOut), s1));
  REQUIRE_OK(b.resolveIpNetEntry2Async(keyOn("192.0.2.97", v0), 300ms, recordInto(cancelled), s2));
  s2.cancel();
  const auto started = Clock::now();
  CHECK(stack.settleUntil([&] { return timedOut.calls > 0; }, 3s));
  CHECK(Clock::now() - started < 2s);
  REQUIRE(timedOut.result.has_value());
  INFO(timedOut.result->toString());
  CHECK(timedOut.result->status == Status::NetworkUnreachable);
  CHECK(timedOut.result->message.find("timeout") != std::string::npos);
  stack.settleUntil([] { return false; }, 500ms);
  CHECK(cancelled.calls == 0);
  CHECK(timedOut.calls == 1);
}

TEST_CASE("resolution: static entries answer at once; bad requests are refused", "[resolve]") {
  CONFORMANCE_STACK(stack);
  auto& b = stack.backend();
  const auto v0 = indexOf(b, "v0");
  REQUIRE_OK(b.createIpNetEntry2(makeNeighbor("192.0.2.7", v0, "02:00:00:00:00:07")));
  stack.settle();
  Outcome outcome;
  Subscription subscription;
  REQUIRE_OK(
      b.resolveIpNetEntry2Async(keyOn("192.0.2.7", v0), kLongTimeout, recordInto(outcome), subscription));
  CHECK(outcome.calls == 0);
  CHECK(stack.settleUntil([&] { return outcome.calls > 0; }, 1s));
  REQUIRE(outcome.result.has_value());
  CHECK(outcome.result->ok());
  CHECK(outcome.row.state == NeighborState::Permanent);
  CHECK(formatPhysicalAddress(outcome.row.physicalAddress) == "02:00:00:00:00:07");

  Subscription refused;
  auto ignore = [](const Result&, const NeighborRow&) {};
  CHECK_STATUS(b.resolveIpNetEntry2Async(keyOn("224.0.0.1", v0), kLongTimeout, ignore, refused),
               Status::InvalidParameter);
  CHECK_STATUS(b.resolveIpNetEntry2Async(keyOn("0.0.0.0", v0), kLongTimeout, ignore, refused),
               Status::InvalidParameter);
  CHECK_STATUS(b.resolveIpNetEntry2Async(NeighborRow{}, kLongTimeout, ignore, refused),
               Status::InvalidParameter);
  CHECK_STATUS(b.resolveIpNetEntry2Async(keyOn("192.0.2.2", 0), kLongTimeout, ignore, refused),
               Status::InvalidParameter);
  CHECK_STATUS(b.resolveIpNetEntry2Async(keyOn("192.0.2.2", v0), 0ms, ignore, refused),
               Status::InvalidParameter);
  CHECK_STATUS(b.resolveIpNetEntry2Async(keyOn("192.0.2.2", unusedIndex(b)), kLongTimeout, ignore, refused),
               Status::NotFound);
  CHECK_STATUS(b.resolveIpNetEntry2Async(keyOn("127.0.0.9", indexOf(b, "lo")), kLongTimeout, ignore, refused),
               Status::NotSupported);
  CHECK_FALSE(refused.active());
  // Nothing was started by the refused requests.
  NeighborRow none = keyOn("192.0.2.2", v0);
  CHECK(b.getIpNetEntry2(none).status == Status::NotFound);
}

} // namespace
} // namespace ipmibd::conformance
