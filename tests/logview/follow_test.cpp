// --follow against the real binary: records appended, then a rotation, then more records.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "logview/log_fixture.h"
#include "logview/test_util.h"

namespace llm::logview::testing {
namespace {

std::string Record(int i, const std::string& endpoint) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"timestamp\": \"2026-06-21T10:00:%02d.000000Z\", \"level\": \"INFO\", \"message\": \"Outgoing response\", "
                "\"request_id\": \"req_follow_%d\", \"endpoint\": \"%s\", \"status_code\": 200, \"duration_ms\": 1.5, "
                "\"type\": \"response\"}\n", i % 60, i, endpoint.c_str());
  return buf;
}

// Starts log_viewer with stdout redirected to `out_path`; returns its pid.
pid_t StartViewer(const std::vector<std::string>& args, const std::string& out_path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    std::string bin = BinPath("log_viewer");
    std::vector<char*> argv = {bin.data()};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Waits up to 10 s until the file contains `needle`.
bool WaitFor(const std::string& path, const std::string& needle) {
  for (int i = 0; i < 200; ++i) {
    std::vector<std::string> lines = ReadLines(path);
    for (const std::string& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(LogViewerFollow, SurvivesRotationAndKeepsFiltering) {
  TempDir dir;
  const std::string api = dir.path() + "/api.log", out = dir.path() + "/out.txt";
  AppendToFile(api, Record(0, "health_check"));  // before following: not printed
  pid_t pid = StartViewer({"--follow", "--json", "--endpoint", "generate_response", "--log-dir", dir.path()}, out);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 1; i <= 10; ++i) AppendToFile(api, Record(i, i % 2 ? "generate_response" : "health_check"));
  ASSERT_TRUE(WaitFor(out, "req_follow_9\""));
  // Rotate the way the server does: rename, then a new file. Record 11 is written just before
  // the rename, so the viewer finds it in the renamed file and must read that to its end.
  AppendToFile(api, Record(11, "generate_response"));
  std::filesystem::rename(api, api + ".1");
  AppendToFile(api, Record(15, "generate_response"));
  for (int i = 16; i <= 30; ++i) AppendToFile(api, Record(i, i % 2 ? "generate_response" : "health_check"));
  ASSERT_TRUE(WaitFor(out, "req_follow_29\""));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::vector<std::string> lines = ReadLines(out);
  std::vector<std::string> ids;
  for (const std::string& l : lines) {
    size_t p = l.find("req_follow_");
    ASSERT_NE(p, std::string::npos) << l;
    ids.push_back(l.substr(p, l.find('"', p) - p));
  }
  std::vector<std::string> want;
  for (int i : {1, 3, 5, 7, 9, 11, 15, 17, 19, 21, 23, 25, 27, 29}) want.push_back("req_follow_" + std::to_string(i));
  EXPECT_EQ(ids, want);
}

}  // namespace
}  // namespace llm::logview::testing
