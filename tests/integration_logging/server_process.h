// Runs `llm-api serve --port 0` as a child process with a chosen environment, learns its port
// from the "listening on" line, and stops it with a signal. For integration tests.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llm::test {

// The content type of the tests' JSON request bodies.
inline constexpr const char* kJson = "application/json";

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out, err;
};

class ServerProcess {
 public:
  // Starts the server with `env` added to (and LOG_*/DEBUG/HOST/PORT removed from) this
  // process's environment; waits up to 10 s for it to listen. Null when it exited instead
  // (`failure` then holds its exit code and output).
  static std::unique_ptr<ServerProcess> Start(const std::map<std::string, std::string>& env,
                                              const std::vector<std::string>& args = {},
                                              RunResult* failure = nullptr);
  ~ServerProcess();

  int port() const { return port_; }
  int pid() const { return pid_; }  // -1 once stopped
  // Sends `sig` and waits for the exit; returns the exit code (-1 on a signal death).
  int Stop(int sig);
  // Sends `sig` without waiting (e.g. SIGHUP to reload).
  void Signal(int sig);
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string out_path_, err_path_;
};

// Runs `llm-api serve ...` expecting it to exit by itself within 10 s.
RunResult RunToExit(const std::map<std::string, std::string>& env,
                    const std::vector<std::string>& args = {});

// A fresh directory under /tmp, removed by the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Every line of `file` parsed as JSON; a line that does not parse fails the calling test.
std::vector<nlohmann::json> ReadRecords(const std::string& file);
// The records of api.log and its backups (oldest first).
std::vector<nlohmann::json> ReadAllApiRecords(const std::string& log_dir);
std::string ReadFile(const std::string& file);

}  // namespace llm::test
