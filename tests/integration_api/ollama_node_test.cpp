// The official `ollama` npm package against the real server (tests/integration_api/node):
// list, show, version, ps, generate and chat streamed and not, options, `format` with a JSON
// schema, a model alias, errors; then the records of api.log name the Ollama endpoints.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

TEST(OllamaNodeClient, OfficialClientPassesAndRecordsNameTheOllamaEndpoints) {
  std::string install;
  const std::string node_dir = NodeTestDir(&install);
  ASSERT_FALSE(node_dir.empty()) << install;
  ScratchDir aliases_dir;
  const std::string aliases = aliases_dir / "aliases.json";
  std::ofstream(aliases) << R"({"tiny-stories:1m": "stories260K.gguf"})";
  auto server = StartApiServer({{"LLM_API_KEY", "ollama-node-key"}, {"MODEL_ALIASES_FILE", aliases}});
  ASSERT_TRUE(server);
  std::string out;
  const std::string cmd = "cd " + node_dir + " && OLLAMA_BASE_URL=http://127.0.0.1:" +
                          std::to_string(server->process->port()) +
                          " LLM_API_KEY=ollama-node-key LLM_API_MODEL=stories260K LLM_API_ALIAS=tiny-stories:1m"
                          " node ollama_client_test.mjs 2>&1";
  EXPECT_EQ(RunCommand(cmd, &out), 0) << out;
  EXPECT_NE(out.find(" passed, 0 failed"), std::string::npos) << out;
  EXPECT_EQ(server->Stop(), 0);

  // Every record of a request carries its route's endpoint name; the generations' success
  // records too; the key is never written.
  std::map<std::string, std::set<std::string>> endpoints_of;  // request id -> endpoints
  std::map<std::string, int> successes;                       // endpoint -> text_generation_success
  for (const nlohmann::json& r : ReadAllApiRecords(server->log_dir())) {
    EXPECT_EQ(r.dump().find("ollama-node-key"), std::string::npos) << r.dump();
    if (!r.contains("request_id") || !r["request_id"].is_string()) continue;
    const std::string endpoint = r.value("endpoint", "");
    endpoints_of[r["request_id"].get<std::string>()].insert(endpoint);
    if (r.value("event_type", "") == "text_generation_success") ++successes[endpoint];
  }
  std::set<std::string> seen;
  for (const auto& [id, endpoints] : endpoints_of) {
    EXPECT_EQ(endpoints.size(), 1u) << id;
    seen.insert(endpoints.begin(), endpoints.end());
  }
  for (const char* e : {"ollama_tags", "ollama_show", "ollama_version", "ollama_ps", "ollama_generate", "ollama_chat",
                        "ollama_pull", "ollama_create", "ollama_copy", "ollama_delete"}) {
    EXPECT_TRUE(seen.count(e)) << e;
  }
  EXPECT_GT(successes["ollama_generate"], 5);
  EXPECT_GT(successes["ollama_chat"], 3);
}

}  // namespace
}  // namespace llm::test
