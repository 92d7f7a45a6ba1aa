// SnmpdLoop: runs a WorkSource from inside snmpd's own event loop, through its descriptor and alarm hooks.
#pragma once

#include "agent/common/work_source.h"

#include <chrono>
#include <functional>

namespace ipmibd::agent {

// In-process, snmpd owns the loop (agent/snmpd.c receive()): ipmibd adds its event descriptor
// with register_readfd() and its timed work with snmp_alarm_register_hr(); no threads. Every call
// of the source runs one slice of at most kSlice, so a 1M-route load or a resync leaves snmpd's
// other MIBs answering between slices.
//
// Why a 1 ms alarm for "more work now" rather than 0: run_alarms() keeps firing alarms until every
// one lies in the future, so an alarm re-armed at 0 from its own callback would run every slice
// back to back without snmpd ever reaching select(); 1 ms lets select() see waiting requests first.
class SnmpdLoop {
public:
  static constexpr std::chrono::milliseconds kSlice{20};

  // `source` is asked for the current source on every wake (a reload may replace it).
  explicit SnmpdLoop(std::function<WorkSource*()> source);
  ~SnmpdLoop(); // unregisters the descriptor and the alarm
  SnmpdLoop(const SnmpdLoop&) = delete;
  SnmpdLoop& operator=(const SnmpdLoop&) = delete;

  // The source changed (started, replaced, gone): re-register its descriptor and run it soon.
  void sourceChanged();
  // Something outside the loop made work due now (a SET ended and released notifications).
  void wake();

  // Net-SNMP callback entry points; public only for the .cpp's trampolines.
  void onReadable();
  void onAlarm(unsigned int id);

private:
  void runSlice();
  // Arms the one alarm for the next due work (now + 1 ms when work is pending, else the source's
  // deadline), replacing an alarm set for another time.
  void schedule();
  void watch(int fd);

  std::function<WorkSource*()> source_;
  int fd_ = -1;
  unsigned int alarm_ = 0;
  LoopClock::time_point alarmAt_{};
  bool pending_ = true; // a new source has its initial load queued
};

} // namespace ipmibd::agent
