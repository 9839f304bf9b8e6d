// Helpers for the log_viewer tests: running the real binary, temp dirs, reading log files.
#pragma once

#include <string>
#include <vector>

namespace llm::logview::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// The path of a program built into LLM_BIN_DIR.
std::string BinPath(const std::string& name);
// Runs `args` (argv[0] is the program) with extra environment entries ("K=V"), capturing
// stdout and stderr; exit_code is the exit status (or 128 + signal).
CommandResult RunCommand(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
// Runs build/bin/log_viewer with the given arguments (NO_COLOR unset, TZ inherited).
CommandResult RunLogViewer(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
// A new empty directory under /tmp, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
 private:
  std::string path_;
};
// The lines of a file, inflating .gz files.
std::vector<std::string> ReadLines(const std::string& path);

}  // namespace llm::logview::testing
