// The prompt tokens llama.cpp produced for every model in ../shared/models (reference/*.jsonl,
// BOS added) are reproduced from each model's own vocabulary; decoding gives the prompt back.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine_tokenizer/shared_data.h"

namespace llm::engine {
namespace {

using testing::LoadSharedTokenizer;
using testing::SharedDir;

TEST(ReferencePrompts, EveryModelReproducesLlamaCppPromptTokens) {
  const auto dir = SharedDir() / "testdata" / "reference";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "missing shared test data: " << dir;
  int files = 0;
  int prompts = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".jsonl") continue;
    const std::string model = entry.path().stem().string() + ".gguf";
    auto tokenizer = LoadSharedTokenizer("models/" + model);
    ASSERT_NE(tokenizer, nullptr) << model;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const auto record = nlohmann::json::parse(line);
      const std::string prompt = record.at("prompt");
      const bool add_bos = record.value("add_bos", true);
      const auto expected = record.at("prompt_tokens").get<std::vector<int32_t>>();
      EXPECT_EQ(tokenizer->Encode(prompt, add_bos, /*parse_special=*/true), expected)
          << model << ": '" << prompt << "'";
      std::vector<int32_t> body(expected.begin() + (add_bos && tokenizer->ShouldAddBos() ? 1 : 0),
                                expected.end());
      EXPECT_EQ(tokenizer->Decode(body, /*render_special=*/false), prompt) << model;
      ++prompts;
    }
    ++files;
  }
  EXPECT_GE(files, 2);
  std::printf("[ reference ] %d prompts in %d files checked\n", prompts, files);
}

TEST(ReferencePrompts, Stories260KAndLlama3AreAmongTheModels) {
  for (const char* model : {"stories260K", "synth-llama3-q8_0"}) {
    EXPECT_TRUE(std::filesystem::exists(SharedDir() / "testdata" / "reference" / (std::string(model) + ".jsonl")))
        << model;
  }
}

}  // namespace
}  // namespace llm::engine
