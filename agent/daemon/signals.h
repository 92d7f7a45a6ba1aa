// SignalPipe: turns SIGHUP/SIGTERM/SIGINT into readable bytes for the single-threaded event loop.
#pragma once

namespace ipmibd::agent {

// The handlers only write one byte to a non-blocking pipe (async-signal-safe); the loop polls the
// read end with Net-SNMP's descriptors and acts between requests, never inside a handler.
class SignalPipe {
public:
  enum class Event { None, Reload, Stop };

  SignalPipe();  // installs the handlers; one instance per process
  ~SignalPipe(); // restores the default dispositions
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  int descriptor() const { return readFd_; }
  // Drains the pipe; Stop wins over Reload when both arrived.
  Event take();

private:
  int readFd_ = -1;
  int writeFd_ = -1;
};

} // namespace ipmibd::agent
