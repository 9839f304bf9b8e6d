#include "logview/test_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace llm::logview::testing {

std::string BinPath(const std::string& name) {
  const char* dir = std::getenv("LLM_BIN_DIR");
  return std::string(dir ? dir : LLM_BINARY_DIR "/bin") + "/" + name;
}

namespace {
std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

CommandResult RunCommand(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir tmp;
  const std::string out_path = tmp.path() + "/out", err_path = tmp.path() + "/err";
  pid_t pid = fork();
  if (pid == 0) {
    int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    for (const std::string& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out_path);
  r.err = Slurp(err_path);
  return r;
}

CommandResult RunLogViewer(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> full = {BinPath("log_viewer")};
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand(full, env);
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/logview_test_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::string text;
  if (path.ends_with(".gz")) {
    gzFile f = gzopen(path.c_str(), "rb");
    char buf[1 << 16];
    int n;
    while (f && (n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    if (f) gzclose(f);
  } else {
    text = Slurp(path);
  }
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace llm::logview::testing
