// Self-pipe signal handling: the only code that runs in signal context is one write().
#include "agent/daemon/signals.h"

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace ipmibd::agent {
namespace {

int g_writeFd = -1;

extern "C" void onSignal(int signo) {
  const char byte = signo == SIGHUP ? 'H' : 'T';
  if (g_writeFd >= 0) {
    // Ignoring a full pipe is fine: an unread byte of the same kind is already pending.
    [[maybe_unused]] const auto n = ::write(g_writeFd, &byte, 1);
  }
}

void install(int signo, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(signo, &action, nullptr);
}

} // namespace

SignalPipe::SignalPipe() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
    readFd_ = fds[0];
    writeFd_ = fds[1];
  }
  g_writeFd = writeFd_;
  install(SIGHUP, onSignal);
  install(SIGTERM, onSignal);
  install(SIGINT, onSignal);
  // A master that goes away mid-write must not kill us; the AgentX code reconnects instead.
  install(SIGPIPE, SIG_IGN);
}

SignalPipe::~SignalPipe() {
  install(SIGHUP, SIG_DFL);
  install(SIGTERM, SIG_DFL);
  install(SIGINT, SIG_DFL);
  g_writeFd = -1;
  if (readFd_ >= 0) ::close(readFd_);
  if (writeFd_ >= 0) ::close(writeFd_);
}

SignalPipe::Event SignalPipe::take() {
  Event event = Event::None;
  char buffer[64];
  for (;;) {
    const auto n = ::read(readFd_, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] == 'T')
        event = Event::Stop;
      else if (event == Event::None)
        event = Event::Reload;
    }
  }
  return event;
}

} // namespace ipmibd::agent
