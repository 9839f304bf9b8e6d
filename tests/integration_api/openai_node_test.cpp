// The official `openai` npm package against the real server (tests/integration_api/node):
// models, chat and text completions, streamed and not, stop, max_completion_tokens, errors.
#include <gtest/gtest.h>

#include "common/sanitizer.h"
#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

// Runs `script` of tests/integration_api/node against a fresh server with the API key set;
// `models` is the script's model variable ("LLM_API_MODEL=x" or "LLM_API_MODELS=a,b").
void RunNodeScript(const std::string& script, const std::string& models) {
  std::string install;
  const std::string node_dir = NodeTestDir(&install);
  ASSERT_FALSE(node_dir.empty()) << install;
  auto server = StartApiServer({{"LLM_API_KEY", "node-test-key"}});
  ASSERT_TRUE(server);
  std::string out;
  const std::string cmd = "cd " + node_dir + " && LLM_API_BASE_URL=http://127.0.0.1:" +
                          std::to_string(server->process->port()) + "/v1 LLM_API_KEY=node-test-key " + models +
                          " node " + script + " 2>&1";
  EXPECT_EQ(RunCommand(cmd, &out), 0) << out;
  EXPECT_NE(out.find(" passed, 0 failed"), std::string::npos) << out;
  EXPECT_EQ(server->Stop(), 0);
}

TEST(OpenAINodeClient, OfficialClientPassesAgainstTheServer) {
  RunNodeScript("openai_client_test.mjs", "LLM_API_MODEL=stories260K.gguf");
}

// Embeddings: float and base64 agree, array input keeps its order, usage counts tokens, and
// Ollama's /api/embed and /api/embeddings (the official ollama client) carry the same vectors.
TEST(OpenAINodeClient, EmbeddingsAgreeAcrossEncodingsAndSurfaces) {
  RunNodeScript("embeddings_test.mjs", "LLM_API_MODEL=stories260K.gguf");
}

// response_format json_schema on 20 schemas, greedy on stories260K and random sampling on the
// random-weight synth-tiny model, each output validated with ajv.
TEST(OpenAINodeClient, StructuredOutputValidatesWithAjvOnTwentySchemas) {
  // Under the sanitizers one model: the release run covers both, the sanitizers look for
  // memory errors on the path, which the second model would only make five times slower.
  RunNodeScript("structured_output_test.mjs", LLM_UNDER_ASAN ? "LLM_API_MODELS=synth-tiny-q8_0.gguf"
                                                             : "LLM_API_MODELS=stories260K.gguf,synth-tiny-q8_0.gguf");
}

// Tool calling: tool_choice "required" and a named function on the Qwen-template synthetic
// model (Hermes format) and stories260K (no template: generic JSON format), arguments
// validated with ajv, streamed deltas reassembled to the non-streamed call.
TEST(OpenAINodeClient, ForcedToolCallsValidateAndStreamedDeltasReassemble) {
  RunNodeScript("tool_calling_test.mjs", "LLM_API_MODELS=synth-qwen3-q8_0.gguf,stories260K.gguf");
}

// Log probabilities: chat logprobs/top_logprobs streamed and not, legacy completion logprobs.
TEST(OpenAINodeClient, LogprobsHaveOpenAIsShapesStreamedAndNot) {
  RunNodeScript("logprobs_test.mjs", "LLM_API_MODEL=stories260K.gguf");
}

}  // namespace
}  // namespace llm::test
