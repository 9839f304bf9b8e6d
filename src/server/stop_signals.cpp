#include "server/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <cstring>

namespace llm::server {

namespace {
sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}
}  // namespace

static_assert(sizeof(sigset_t) <= sizeof(unsigned long) * 16, "sigset_t storage too small");

StopSignals::StopSignals() {
  sigset_t set = StopSet();
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &set, &old);
  std::memcpy(previous_, &old, sizeof(old));
}

StopSignals::~StopSignals() {
  sigset_t old;
  std::memcpy(&old, previous_, sizeof(old));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

int StopSignals::Wait() {
  sigset_t set = StopSet();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace llm::server
