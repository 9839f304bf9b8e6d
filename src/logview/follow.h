// --follow: a live tail of api.log / errors.log that survives rotation like `tail -F`: the
// old file is read to its end after a rename, then the new file from its start.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "core/status.h"
#include "logview/filter.h"

namespace llm::logview {

struct FollowOptions {
  std::string dir;
  std::vector<std::string> bases;  // "api.log", "errors.log"
  Filter filter;
  bool json = false;   // print the matching records' JSON lines as they are
  bool color = false;
  int poll_ms = 100;
};

// Prints records appended to the files from now on, until `stop` becomes true.
Status Follow(const FollowOptions& options, std::FILE* out, const std::atomic<bool>& stop);

}  // namespace llm::logview
