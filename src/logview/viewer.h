// The log_viewer program as a library call: options in, report out, exit status back.
// main() only parses flags into ViewerOptions (app/log_viewer/main.cpp).
#pragma once

#include <atomic>
#include <cstdio>
#include <optional>
#include <string>

#include "logview/check.h"
#include "logview/security.h"

namespace llm::logview {

struct ViewerOptions {
  std::string log_dir = "./logs";
  std::string type;            // "", "api" or "errors"
  size_t lines = 50;           // entries per section
  bool lines_given = false;
  bool stats = false;
  bool errors_only = false;
  bool json = false;
  bool follow = false;
  bool check = false;
  bool security = false;       // --security: the suspicious-patterns summary
  SecurityOptions security_options;
  bool color = false;
  std::optional<double> hours;
  std::string since, until;    // ISO or relative ("30m", "2h", "1d")
  std::string now;             // overrides the clock (reproducible reports); ISO
  std::string endpoint, status, level, request_id, grep;
  double slow_ms = 5000;
  CheckThresholds thresholds;
  std::string html_path;
  int threads = 0;             // 0: one per core
  size_t top = 10;
};

// Exit statuses: 0 success (and every --check threshold holds), 1 a --check threshold is
// broken, 2 a usage or input error (a message on `err`).
int RunViewer(const ViewerOptions& options, std::FILE* out, std::FILE* err, const std::atomic<bool>& stop);

}  // namespace llm::logview
