// register_readfd / snmp_alarm_register_hr glue between snmpd's receive() loop and ipmibd's work.
#include "agent/module/snmpd_loop.h"

#include "agent/common/netsnmp.h"
#include "agent/common/request_backlog.h"

#include <algorithm>

namespace ipmibd::agent {
namespace {

constexpr auto kPendingDelay = std::chrono::milliseconds(1);

void readableTrampoline(int, void* self) { static_cast<SnmpdLoop*>(self)->onReadable(); }
void alarmTrampoline(unsigned int id, void* self) { static_cast<SnmpdLoop*>(self)->onAlarm(id); }

} // namespace

SnmpdLoop::SnmpdLoop(std::function<WorkSource*()> source) : source_(std::move(source)) { sourceChanged(); }

SnmpdLoop::~SnmpdLoop() {
  watch(-1);
  if (alarm_ != 0) snmp_alarm_unregister(alarm_);
}

void SnmpdLoop::watch(int fd) {
  if (fd == fd_) return;
  if (fd_ >= 0) unregister_readfd(fd_);
  fd_ = fd;
  if (fd_ >= 0) register_readfd(fd_, readableTrampoline, this);
}

void SnmpdLoop::sourceChanged() {
  WorkSource* source = source_();
  watch(source != nullptr ? source->descriptor() : -1);
  pending_ = source != nullptr;
  schedule();
}

void SnmpdLoop::wake() {
  pending_ = true;
  schedule();
}

void SnmpdLoop::onReadable() { runSlice(); }

void SnmpdLoop::onAlarm(unsigned int id) {
  if (id == alarm_) alarm_ = 0; // a single-shot alarm: Net-SNMP forgets it after this call
  runSlice();
}

void SnmpdLoop::runSlice() {
  WorkSource* source = source_();
  if (source == nullptr) {
    pending_ = false;
  } else {
    pending_ = source->run(sliceBudget(kSlice)); // short while requests wait (request_backlog.h)
  }
  schedule();
}

void SnmpdLoop::schedule() {
  WorkSource* source = source_();
  std::optional<LoopClock::time_point> due;
  const auto now = LoopClock::now();
  if (source != nullptr) {
    if (pending_)
      due = now + kPendingDelay;
    else
      due = source->deadline();
  }
  if (due && *due < now + kPendingDelay) due = now + kPendingDelay;
  if (alarm_ != 0) {
    // Keep an alarm that fires no later than needed (and not absurdly early).
    if (due && alarmAt_ <= *due && alarmAt_ + std::chrono::milliseconds(5) >= *due) return;
    snmp_alarm_unregister(alarm_);
    alarm_ = 0;
  }
  if (!due) return;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(*due - now).count();
  timeval delay{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
  alarm_ = snmp_alarm_register_hr(delay, 0, alarmTrampoline, this);
  alarmAt_ = *due;
}

} // namespace ipmibd::agent
