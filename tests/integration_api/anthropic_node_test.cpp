// The official `@anthropic-ai/sdk` npm package against the real server
// (tests/integration_api/node/anthropic_client_test.mjs), then what the server recorded of it:
// the routes' endpoint names in api.log and in /metrics, and the x-api-key header redacted.
#include <gtest/gtest.h>

#include <set>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;

constexpr const char* kKey = "sk-anthropic-node-key";

TEST(AnthropicNodeClient, OfficialClientPassesAndTheRoutesAreLoggedAndCountedByName) {
  std::string install;
  const std::string node_dir = NodeTestDir(&install);
  ASSERT_FALSE(node_dir.empty()) << install;
  auto server = StartApiServer({{"LLM_API_KEY", kKey}});
  ASSERT_TRUE(server);
  std::string out;
  const std::string cmd = "cd " + node_dir + " && LLM_API_BASE_URL=http://127.0.0.1:" +
                          std::to_string(server->process->port()) + " LLM_API_KEY=" + kKey +
                          " LLM_API_MODEL=stories260K.gguf LLM_API_TOOL_MODEL=synth-qwen3-q8_0.gguf"
                          " node anthropic_client_test.mjs 2>&1";
  EXPECT_EQ(RunCommand(cmd, &out), 0) << out;
  EXPECT_NE(out.find(" passed, 0 failed"), std::string::npos) << out;

  const std::string metrics = server->Client()->Get("/metrics")->body;
  for (const char* series : {R"(llm_api_http_requests_total{endpoint="anthropic_messages",status="200"})",
                             R"(llm_api_http_requests_total{endpoint="anthropic_count_tokens",status="200"})",
                             R"(llm_api_http_requests_total{endpoint="anthropic_messages",status="404"})",
                             R"(llm_api_http_requests_total{endpoint="anthropic_messages",status="401"})"}) {
    EXPECT_NE(metrics.find(series), std::string::npos) << series << "\n" << metrics;
  }
  ASSERT_EQ(server->Stop(), 0);

  EXPECT_EQ(ReadFile(server->log_dir() + "/api.log").find(kKey), std::string::npos) << "api.log shows the key";
  std::set<std::string> endpoints;
  int redacted = 0;
  for (const json& r : ReadAllApiRecords(server->log_dir())) {
    if (r.value("type", "") != "request") continue;
    const std::string endpoint = r.value("endpoint", "");
    endpoints.insert(endpoint);
    if (endpoint.starts_with("anthropic_") && r["headers"].contains("x-api-key")) {
      EXPECT_EQ(r["headers"]["x-api-key"], "[REDACTED]") << r.dump();
      ++redacted;
    }
  }
  EXPECT_TRUE(endpoints.contains("anthropic_messages"));
  EXPECT_TRUE(endpoints.contains("anthropic_count_tokens"));
  EXPECT_GT(redacted, 0);
}

}  // namespace
}  // namespace llm::test
