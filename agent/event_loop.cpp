// The main loop, modelled on Net-SNMP 5.9's agent_check_and_process() plus our own descriptors.
#include "agent/event_loop.h"

#include "agent/netsnmp.h"

#include <algorithm>
#include <cerrno>
#include <climits>

namespace ipmibd::agent {
namespace {

// Upper bound on one select(): lets the loop notice deadlines computed from a clock that moved.
constexpr auto kMaxSleep = std::chrono::seconds(1);

timeval toTimeval(LoopClock::duration d) {
  if (d < LoopClock::duration::zero()) d = LoopClock::duration::zero();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

// RAII for the three netsnmp_large_fd_sets one iteration needs.
struct FdSets {
  netsnmp_large_fd_set read, write, except;
  FdSets() {
    netsnmp_large_fd_set_init(&read, FD_SETSIZE);
    netsnmp_large_fd_set_init(&write, FD_SETSIZE);
    netsnmp_large_fd_set_init(&except, FD_SETSIZE);
  }
  ~FdSets() {
    netsnmp_large_fd_set_cleanup(&read);
    netsnmp_large_fd_set_cleanup(&write);
    netsnmp_large_fd_set_cleanup(&except);
  }
  FdSets(const FdSets&) = delete;
  FdSets& operator=(const FdSets&) = delete;
};

} // namespace

int EventLoop::run() {
  while (!stop_) {
    if (!iterate()) return 1;
  }
  return 0;
}

bool EventLoop::iterate() {
  WorkSource* source = hooks_.source ? hooks_.source() : nullptr;
  const auto now = LoopClock::now();

  // Our own timeout: none while work is pending, else the source's deadline, capped.
  LoopClock::duration wait = kMaxSleep;
  if (source != nullptr) {
    if (workPending_)
      wait = LoopClock::duration::zero();
    else if (auto deadline = source->deadline())
      wait = std::min(wait, *deadline - now);
  }

  FdSets fds;
  int numfds = 0;
  timeval timeout = toTimeval(wait);
  int block = 0; // 0: `timeout` is our limit and Net-SNMP may only shorten it
  snmp_select_info2(&numfds, &fds.read, &timeout, &block);
  if (block != 0) timeout = toTimeval(wait); // Net-SNMP had nothing timed: keep ours

  auto watch = [&](int fd) {
    if (fd < 0) return;
    NETSNMP_LARGE_FD_SET(fd, &fds.read);
    numfds = std::max(numfds, fd + 1);
  };
  const int signalFd = signals_.descriptor();
  const int sourceFd = source != nullptr ? source->descriptor() : -1;
  watch(signalFd);
  watch(sourceFd);
  netsnmp_external_event_info2(&numfds, &fds.read, &fds.write, &fds.except);

  int count = netsnmp_large_fd_set_select(numfds, &fds.read, &fds.write, &fds.except, &timeout);
  if (count < 0) {
    if (errno == EINTR) return true; // a signal: its byte is in the pipe for the next round
    snmp_log_perror("ipmibd: select");
    return false;
  }

  bool sourceReadable = false;
  if (count > 0) {
    if (signalFd >= 0 && NETSNMP_LARGE_FD_ISSET(signalFd, &fds.read)) {
      switch (signals_.take()) {
      case SignalPipe::Event::Stop: stop_ = true; return true;
      case SignalPipe::Event::Reload:
        if (hooks_.reload) hooks_.reload();
        workPending_ = true;
        return true; // the source may have been replaced: start over with fresh descriptors
      case SignalPipe::Event::None: break;
      }
    }
    sourceReadable = sourceFd >= 0 && NETSNMP_LARGE_FD_ISSET(sourceFd, &fds.read);
    netsnmp_dispatch_external_events2(&count, &fds.read, &fds.write, &fds.except);
    snmp_read2(&fds.read); // AgentX requests from the master are answered in here
  }
  // As agent_check_and_process(): expire requests, run alarms (AgentX ping/reconnect), and
  // finish delegated requests. snmp_timeout() is cheap and also runs when only our descriptors
  // were busy, so a busy backend cannot starve Net-SNMP's retransmissions.
  snmp_timeout();
  run_alarms();
  netsnmp_check_outstanding_agent_requests();

  if (source != nullptr) {
    const auto deadline = source->deadline();
    if (workPending_ || sourceReadable || (deadline && *deadline <= LoopClock::now()))
      workPending_ = source->run(kWorkBudget);
  }
  return true;
}

} // namespace ipmibd::agent
