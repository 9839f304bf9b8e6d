// `llm-api generate` end to end (the binary from LLM_BIN_DIR, built by `make test`).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "engine_model/test_models.h"

namespace llm::engine {
namespace {

struct CommandOutput {
  int status = -1;
  std::string out;
};

CommandOutput RunGenerate(const std::string& args) {
  const char* bin = std::getenv("LLM_BIN_DIR");
  const std::string cmd = std::string(bin != nullptr ? bin : LLM_BINARY_DIR "/bin") +
                          "/llm-api generate " + args + " 2>/dev/null";
  CommandOutput result;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  result.status = pclose(pipe);
  return result;
}

TEST(GenerateCommand, JsonOutputHasTheContractFields) {
  const CommandOutput r = RunGenerate("--model " + testing_util::SharedModelPath("stories260K.gguf") +
                              " --prompt 'Once upon a time' --max-tokens 8 --temperature 0 "
                              "--threads 1 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("prompt_tokens"), nlohmann::json::parse("[1, 403, 407, 261, 378]"));
  // The reference greedy continuation of stories260K for this prompt starts like this.
  EXPECT_EQ(j.at("tokens"), nlohmann::json::parse("[432, 383, 286, 261, 376, 298, 315, 421]"));
  EXPECT_FALSE(j.at("text").get<std::string>().empty());
  EXPECT_EQ(j.at("finish_reason"), "length");
  const nlohmann::json& t = j.at("timings");
  for (const char* key : {"prompt_n", "prompt_ms", "prompt_per_second", "predicted_n",
                          "predicted_ms", "predicted_per_second"}) {
    EXPECT_TRUE(t.contains(key)) << key;
  }
  EXPECT_EQ(t.at("prompt_n"), 5);
  EXPECT_EQ(t.at("predicted_n"), 8);
}

TEST(GenerateCommand, StreamsTheSameTextWithoutJson) {
  const std::string common = "--model " + testing_util::SharedModelPath("stories260K.gguf") +
                             " --prompt 'Tom and Sue' --max-tokens 12 --temperature 0 --threads 1";
  const CommandOutput json = RunGenerate(common + " --json");
  const CommandOutput text = RunGenerate(common);
  ASSERT_EQ(json.status, 0);
  ASSERT_EQ(text.status, 0);
  EXPECT_EQ(text.out, nlohmann::json::parse(json.out).at("text").get<std::string>() + "\n");
}

TEST(GenerateCommand, GeneratesTheReferenceContinuationOfAGemma3Model) {
  const CommandOutput r = RunGenerate("--model " + testing_util::SharedModelPath("synth-gemma3-q8_0.gguf") +
                                      " --prompt 'Once upon a time' --max-tokens 6 --temperature 0 "
                                      "--threads 2 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  // llama.cpp's greedy continuation (../shared/testdata/reference/synth-gemma3-q8_0.jsonl).
  EXPECT_EQ(j.at("tokens"), nlohmann::json::parse("[30623, 6087, 27644, 18314, 26068, 19511]"));
}

TEST(GenerateCommand, FailsWithAClearErrorForAMissingModel) {
  const CommandOutput r = RunGenerate("--model /nonexistent/model.gguf --prompt hi");
  EXPECT_NE(r.status, 0);
}

}  // namespace
}  // namespace llm::engine
