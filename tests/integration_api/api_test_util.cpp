#include "integration_api/api_test_util.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include "common/shared_dir.h"

namespace llm::test {

std::string SharedDir() { return test_support::SharedDir().string(); }

std::string BinDir() {
  const char* d = std::getenv("LLM_BIN_DIR");
  return d ? d : "build/bin";
}

std::unique_ptr<httplib::Client> ApiServer::Client(int read_timeout_s) const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", process->port());
  c->set_read_timeout(read_timeout_s, 0);
  c->set_tcp_nodelay(true);
  return c;
}

int ApiServer::Stop() { return process->Stop(SIGTERM); }

std::unique_ptr<ApiServer> StartApiServer(const std::map<std::string, std::string>& env,
                                          const std::vector<std::string>& args) {
  auto s = std::make_unique<ApiServer>();
  std::map<std::string, std::string> all = {{"LOG_DIR", s->log_dir()},
                                            {"MODELS_DIR", SharedDir() + "/models"},
                                            {"DEFAULT_MODEL", "stories260K.gguf"}};
  for (const auto& [k, v] : env) all[k] = v;
  RunResult failure;
  s->process = ServerProcess::Start(all, args, &failure);
  EXPECT_NE(s->process, nullptr) << "exit " << failure.exit_code << ": " << failure.err;
  if (s->process == nullptr) return nullptr;
  return s;
}

std::vector<nlohmann::json> SseEvents(const std::string& body) {
  std::vector<nlohmann::json> events;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("data: ", 0) != 0) continue;
    const std::string data = line.substr(6);
    events.push_back(data == "[DONE]" ? nlohmann::json("[DONE]") : nlohmann::json::parse(data));
  }
  return events;
}

int RunCommand(const std::string& command, std::string* out) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string NodeTestDir(std::string* out) {
  const std::string dir = std::string(LLM_SOURCE_DIR) + "/tests/integration_api/node";
  // Every package the scripts import: a node_modules installed before one was added is renewed.
  const std::string installed =
      "test -d node_modules/openai -a -d node_modules/ajv-formats -a -d node_modules/@anthropic-ai/sdk -a -d "
      "node_modules/ollama";
  const int status = RunCommand("cd " + dir + " && (" + installed +
                                    " || npm ci --prefer-offline --no-audit --no-fund) 2>&1",
                                out);
  return status == 0 ? dir : "";
}

int MakeSyntheticModel(const std::string& path, const std::string& flags, std::string* out) {
  return RunCommand(BinDir() + "/make-synthetic-gguf --out " + path + " " + flags + " --vocab-from " + SharedDir() +
                        "/testdata/vocab/ggml-vocab-llama-spm.gguf 2>&1",
                    out);
}

std::vector<nlohmann::json> RecordsOf(const std::vector<nlohmann::json>& records, const std::string& id) {
  std::vector<nlohmann::json> out;
  for (const auto& r : records) {
    if (r.value("request_id", "") == id) out.push_back(r);
  }
  return out;
}

}  // namespace llm::test
