// SIGINT/SIGTERM (stop) and SIGHUP (reload) handling without async-signal-unsafe handlers: the
// signals are blocked in every thread (construct this before starting any thread) and received
// by Wait() (sigwait) on the main thread, which acts on them outside any signal context:
//
//   for (int sig; (sig = signals.Wait()) == SIGHUP;) api.ReloadApiKeys();
//   server.Shutdown();
#pragma once

namespace llm::server {

class StopSignals {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and the threads it creates afterwards.
  StopSignals();
  // Restores the previous signal mask.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Waits for SIGINT, SIGTERM or SIGHUP; returns the signal number.
  int Wait();

 private:
  unsigned long previous_[16];  // sigset_t storage (opaque here)
};

}  // namespace llm::server
