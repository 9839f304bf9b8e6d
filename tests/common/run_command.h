// Runs a program under test through the shell and collects what it prints on stdout and its
// exit status (for the tests of the `llm-api` commands).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace llm::test_support {

struct CommandRun {
  int exit_code = -1;  // -1 when the command could not run or was killed
  std::string out;     // stdout (redirect stderr into it with "2>&1" in the command)
};

inline CommandRun RunCommand(const std::string& command) {
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace llm::test_support
