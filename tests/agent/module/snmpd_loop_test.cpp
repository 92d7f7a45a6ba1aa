// SnmpdLoop against Net-SNMP's real alarm and descriptor registries, without snmpd: the promise that
// one run_alarms() pass runs at most one work slice (snmpd reaches select() between slices).
#include "agent/common/netsnmp.h"
#include "agent/module/snmpd_loop.h"

#include <catch2/catch.hpp>

#include <thread>
#include <unistd.h>

namespace {

using namespace ipmibd::agent;
using namespace std::chrono_literals;

// A work source with `pending` slices of work queued, an optional deadline and descriptor.
struct CountingSource final : WorkSource {
  int pending = 0;
  int runs = 0;
  int fd = -1;
  std::optional<LoopClock::time_point> due;
  std::chrono::milliseconds lastBudget{};

  int descriptor() const override { return fd; }
  std::optional<LoopClock::time_point> deadline() const override { return due; }
  bool run(std::chrono::milliseconds budget) override {
    ++runs;
    lastBudget = budget;
    if (pending > 0) --pending;
    if (due && *due <= LoopClock::now()) due.reset();
    return pending > 0;
  }
};

// Milliseconds until Net-SNMP's next alarm; nullopt when none is registered.
std::optional<double> nextAlarmMs() {
  timeval delta{};
  if (get_next_alarm_delay_time(&delta) == 0) return std::nullopt;
  return delta.tv_sec * 1000.0 + delta.tv_usec / 1000.0;
}

struct AlarmsFromLoop {
  // As snmpd's init_agent(): alarms run from the loop (run_alarms), never from SIGALRM.
  AlarmsFromLoop() { netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1); }
  ~AlarmsFromLoop() { snmp_alarm_unregister_all(); }
};

} // namespace

TEST_CASE("SnmpdLoop runs one slice per run_alarms() pass while work is pending", "[module]") {
  AlarmsFromLoop alarms;
  CountingSource source;
  source.pending = 5; // run() says "more" four times, then done
  SnmpdLoop loop([&] { return static_cast<WorkSource*>(&source); });

  // The initial load is due 1 ms from now, not now: a pass right away runs nothing.
  run_alarms();
  CHECK(source.runs == 0);
  for (int pass = 1; pass <= 5; ++pass) {
    std::this_thread::sleep_for(2ms);
    run_alarms(); // snmpd's loop: one pass per select()
    REQUIRE(source.runs == pass);
    CHECK(source.lastBudget == SnmpdLoop::kSlice);
  }
  // Done and nothing timed: no alarm left to wake snmpd for nothing.
  CHECK_FALSE(nextAlarmMs().has_value());
}

TEST_CASE("SnmpdLoop arms one alarm at the source's deadline", "[module]") {
  AlarmsFromLoop alarms;
  CountingSource source;
  SnmpdLoop loop([&] { return static_cast<WorkSource*>(&source); });
  std::this_thread::sleep_for(2ms);
  run_alarms(); // the start-up slice: nothing pending, no deadline
  REQUIRE(source.runs == 1);
  CHECK_FALSE(nextAlarmMs().has_value());

  source.due = LoopClock::now() + 300ms;
  loop.wake(); // e.g. a SET ended: run soon, then follow the deadline
  std::this_thread::sleep_for(2ms);
  run_alarms();
  REQUIRE(source.runs == 2);
  const auto next = nextAlarmMs();
  REQUIRE(next.has_value());
  CHECK(*next > 200.0);
  CHECK(*next <= 300.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(*next) + 2));
  run_alarms();
  CHECK(source.runs == 3);
  CHECK_FALSE(nextAlarmMs().has_value());
}

TEST_CASE("SnmpdLoop registers the source's descriptor with snmpd and releases it", "[module]") {
  AlarmsFromLoop alarms;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  CountingSource source;
  source.fd = fds[0];
  const int before = external_readfdlen;
  {
    SnmpdLoop loop([&] { return static_cast<WorkSource*>(&source); });
    REQUIRE(external_readfdlen == before + 1);
    CHECK(external_readfd[external_readfdlen - 1] == fds[0]);

    // Readable: snmpd's netsnmp_dispatch_external_events2() calls the callback, one slice.
    external_readfdfunc[external_readfdlen - 1](fds[0], external_readfd_data[external_readfdlen - 1]);
    CHECK(source.runs == 1);

    // The source goes away (a reload with errors at start-up, the dlmod line removed).
    source.fd = -1;
    loop.sourceChanged();
    CHECK(external_readfdlen == before);
  }
  CHECK(external_readfdlen == before);
  CHECK_FALSE(nextAlarmMs().has_value());
  ::close(fds[0]);
  ::close(fds[1]);
}
