#include "integration_logging/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace llm::test {

namespace {

// LLM_BIN_DIR when set, else the bin/ of the build tree this test was compiled in.
std::string Binary() {
  const char* dir = std::getenv("LLM_BIN_DIR");
  return std::string(dir && *dir ? dir : LLM_BINARY_DIR "/bin") + "/llm-api";
}

bool IsControlledVariable(const std::string& name) {
  return name.rfind("LOG_", 0) == 0 || name == "DEBUG" || name == "HOST" || name == "PORT" ||
         name == "MODELS_DIR" || name == "MAX_BODY_BYTES";
}

int Spawn(const std::map<std::string, std::string>& env, const std::vector<std::string>& args,
          const std::string& out, const std::string& err) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!IsControlledVariable(kv.substr(0, kv.find('=')))) envs.push_back(kv);
  }
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<std::string> argv_s = {Binary(), "serve"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& kv : envs) envp.push_back(kv.data());
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int DecodeStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

std::string ReadFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ScratchDir::ScratchDir() {
  std::random_device rd;
  path_ = "/tmp/llm-it-" + std::to_string(rd()) + std::to_string(rd());
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::map<std::string, std::string>& env,
                                                    const std::vector<std::string>& args,
                                                    RunResult* failure) {
  auto p = std::unique_ptr<ServerProcess>(new ServerProcess());
  static std::atomic<int> counter{0};
  std::string base = "/tmp/llm-it-proc-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  p->out_path_ = base + ".out";
  p->err_path_ = base + ".err";
  std::vector<std::string> all_args = {"--port", "0"};
  all_args.insert(all_args.end(), args.begin(), args.end());
  p->pid_ = Spawn(env, all_args, p->out_path_, p->err_path_);
  std::regex listening(R"(listening on http://[^:]+:(\d+))");
  for (int i = 0; i < 1000; ++i) {
    std::smatch m;
    std::string out = ReadFile(p->out_path_);
    if (std::regex_search(out, m, listening)) {
      p->port_ = std::stoi(m[1]);
      return p;
    }
    int status = 0;
    if (waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
      if (failure) *failure = {DecodeStatus(status), ReadFile(p->out_path_), ReadFile(p->err_path_)};
      p->pid_ = -1;
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nullptr;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  std::remove(out_path_.c_str());
  std::remove(err_path_.c_str());
}

void ServerProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int ServerProcess::Stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return DecodeStatus(status);
}

std::string ServerProcess::Stdout() const { return ReadFile(out_path_); }
std::string ServerProcess::Stderr() const { return ReadFile(err_path_); }

RunResult RunToExit(const std::map<std::string, std::string>& env,
                    const std::vector<std::string>& args) {
  ScratchDir tmp;
  int pid = Spawn(env, args, tmp / "out", tmp / "err");
  RunResult r;
  for (int i = 0; i < 1000; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      r.exit_code = DecodeStatus(status);
      r.out = ReadFile(tmp / "out");
      r.err = ReadFile(tmp / "err");
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  r.err = "did not exit within 10 s";
  return r;
}

std::vector<nlohmann::json> ReadRecords(const std::string& file) {
  std::vector<nlohmann::json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << file << ": line does not parse: " << line;
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

std::vector<nlohmann::json> ReadAllApiRecords(const std::string& log_dir) {
  std::vector<nlohmann::json> all;
  for (int i = 10000; i >= 1; --i) {
    std::string f = log_dir + "/api.log." + std::to_string(i);
    if (!std::filesystem::exists(f)) continue;
    auto r = ReadRecords(f);
    all.insert(all.end(), r.begin(), r.end());
  }
  auto r = ReadRecords(log_dir + "/api.log");
  all.insert(all.end(), r.begin(), r.end());
  return all;
}

}  // namespace llm::test
