// The Linux backend against a real router advertisement: radvd in a peer namespace advertises a
// default router with a lifetime and RFC 4191 preference; the kernel's RA route must come with
// origin RouterAdvertisement, the preference, an expiry the remaining lifetime counts down from,
// and the backend must notice RA refreshes the kernel makes without any rtnetlink message.
#include "tests/platform/linux/backend_test_support.h"

#include <csignal>
#include <fstream>
#include <thread>

using namespace ipmibd::testing;

namespace {

bool isRaDefault(const RouteRow& r) {
  return r.destinationPrefix.length == 0 && r.destinationPrefix.family() == Family::V6 &&
         r.origin == RouteOrigin::RouterAdvertisement;
}

std::optional<RouteRow> raDefault(LinuxBackend& b) {
  std::vector<RouteRow> rows;
  REQUIRE(b.getIpForwardTable2(Family::V6, rows).ok());
  for (const auto& r : rows)
    if (isRaDefault(r)) return r;
  return std::nullopt;
}

double secondsUntil(Timestamp t) { return std::chrono::duration<double>(t - Clock::now()).count(); }

// radvd on r0 in `peer`, advertising every 3-4 s; stopped with SIGKILL (no farewell RA).
class Radvd {
public:
  Radvd(const TestNamespace& peer, int lifetime, const char* preference) {
    conf_ = "/tmp/" + peer.name() + ".radvd.conf";
    pidFile_ = "/tmp/" + peer.name() + ".radvd.pid";
    std::ofstream(conf_)
        << "interface r0 {\n AdvSendAdvert on;\n MinRtrAdvInterval 3;\n MaxRtrAdvInterval 4;\n"
        << " AdvDefaultLifetime " << lifetime << ";\n AdvDefaultPreference " << preference << ";\n};\n";
    int status = 0;
    runCommand("ip netns exec " + peer.name() + " radvd -C " + conf_ + " -p " + pidFile_ +
                   " -m logfile -l /tmp/" + peer.name() + ".radvd.log",
               &status);
    REQUIRE(status == 0);
  }
  ~Radvd() {
    kill();
    std::remove(conf_.c_str());
  }
  void kill() {
    std::ifstream in(pidFile_);
    pid_t pid = 0;
    if (in >> pid && pid > 0) ::kill(pid, SIGKILL);
    std::remove(pidFile_.c_str());
  }

private:
  std::string conf_, pidFile_;
};

} // namespace

TEST_CASE("an RA default route: preference, expiry counting down, refreshes without a message",
          "[integration][linux]") {
  REQUIRE_ROOT();
  if (runCommand("command -v radvd").empty()) {
    WARN("radvd not installed: skipped");
    return;
  }
  TestNamespace ns("ra"), peer("rapeer");
  for (const auto* n : {&ns, &peer})
    runCommand("ip netns exec " + n->name() +
               " sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
  runCommand("ip netns exec " + peer.name() + " sysctl -qw net.ipv6.conf.all.forwarding=1");
  ns.ip("link add h0 type veth peer name r0 netns " + peer.name());
  ns.ip("link set h0 up");
  peer.ip("link set r0 up");
  auto b = openBackend(ns);
  std::vector<Change<RouteRow>> changes;
  auto subscription = b->notifyRouteChange2(Family::V6, [&](std::span<const Change<RouteRow>> batch) {
    for (const auto& c : batch)
      if (isRaDefault(c.row)) changes.push_back(c);
  });
  Radvd radvd(peer, 1000, "high");
  const auto giveUp = Clock::now() + 20s;
  while (changes.empty() && Clock::now() < giveUp)
    settle(*b, 50ms);
  REQUIRE(!changes.empty());
  CHECK(changes.front().kind == ChangeKind::Add);
  const RouteRow added = changes.front().row;
  CHECK(added.routerPreference == RouterPreference::High);
  CHECK(added.nativeProtocol == 9); // RTPROT_RA
  CHECK(added.nextHop.isV6LinkLocal());
  CHECK(added.validLifetime <= 1000);
  CHECK(added.validLifetime >= 990);
  CHECK(secondsUntil(added.expires) == Approx(1000).margin(10));

  // The next RAs (every 3-4 s) push the kernel's expiry forward without a message; the backend's
  // periodic re-read reports each move as a parameter change.
  changes.clear();
  const auto waitUntil = Clock::now() + 12s;
  while (Clock::now() < waitUntil)
    settle(*b, 100ms);
  INFO("changes after RA refreshes: " << changes.size());
  REQUIRE(!changes.empty());
  CHECK(changes.back().kind == ChangeKind::ParameterChange);
  CHECK(changes.back().row.expires > added.expires + 3s);
  CHECK(changes.back().row.routerPreference == RouterPreference::High);

  // Without further RAs the remaining lifetime counts down from the expiry.
  radvd.kill();
  // The last RA may have refreshed the kernel's expiry after the backend's last re-read: one more
  // re-read interval (3 s) brings it in.
  const auto refreshed = Clock::now() + 3500ms;
  while (Clock::now() < refreshed)
    settle(*b, 100ms);
  auto first = raDefault(*b);
  REQUIRE(first);
  CHECK(first->validLifetime >= 985);
  std::this_thread::sleep_for(2100ms);
  settle(*b, 50ms);
  auto second = raDefault(*b);
  REQUIRE(second);
  CHECK(second->validLifetime < first->validLifetime);
  CHECK(second->validLifetime >= first->validLifetime - 4);
  CHECK(std::chrono::abs(second->expires - first->expires) <= 1s);
}
