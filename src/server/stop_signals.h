// SIGINT/SIGTERM handling without async-signal-unsafe handlers: the signals are blocked in
// every thread (construct this before starting any thread) and received by Wait() (sigwait).
#pragma once

namespace llm::server {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread and the threads it creates afterwards.
  StopSignals();
  // Restores the previous signal mask.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Waits for SIGINT or SIGTERM; returns the signal number.
  int Wait();

 private:
  unsigned long previous_[16];  // sigset_t storage (opaque here)
};

}  // namespace llm::server
