// The main loop, modelled on Net-SNMP 5.9's agent_check_and_process() plus our own descriptors.
#include "agent/daemon/event_loop.h"

#include "agent/common/netsnmp.h"
#include "agent/common/request_backlog.h"

#include <algorithm>
#include <cerrno>
#include <climits>

namespace ipmibd::agent {
namespace {

// Upper bound on one select(): lets the loop notice deadlines computed from a clock that moved.
constexpr auto kMaxSleep = std::chrono::seconds(1);
// Longest gap between snmp_timeout() calls while select() keeps returning descriptors.
constexpr auto kTimeoutCheck = std::chrono::milliseconds(100);

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

  // Our own timeout: none while work is pending, else the source's deadline, capped. The
  // deadline is asked once per iteration (a walk through the master is ~3 iterations per
  // varbind): one that a request handled below moves earlier (a SET's held notifications) is
  // seen by the next iteration, whose select() then does not wait.
  LoopClock::duration wait = kMaxSleep;
  std::optional<LoopClock::time_point> deadline;
  if (source != nullptr) {
    if (workPending_)
      wait = LoopClock::duration::zero();
    else if ((deadline = source->deadline()))
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
  const bool timedOut = count == 0;

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
  // As agent_check_and_process(): expire requests (when select() timed out: Net-SNMP's own
  // timeout is its next retransmission), run alarms (AgentX ping/reconnect) and finish delegated
  // requests. Also at least every kTimeoutCheck while descriptors keep select() from timing out,
  // so a busy backend or a long walk cannot starve Net-SNMP's retransmissions; not on every
  // iteration, where it cost ~500 instructions per varbind of a walk through the master (callgrind).
  const auto after = LoopClock::now();
  if (timedOut || after - lastTimeoutCheck_ >= kTimeoutCheck) {
    snmp_timeout();
    lastTimeoutCheck_ = after;
  }
  run_alarms();
  netsnmp_check_outstanding_agent_requests();

  if (source != nullptr && (workPending_ || sourceReadable || (deadline && *deadline <= after)))
    workPending_ = source->run(sliceBudget(kWorkBudget)); // short while requests wait (request_backlog.h)
  return true;
}

} // namespace ipmibd::agent
