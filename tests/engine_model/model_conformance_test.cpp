// Conformance of the forward pass and greedy generation with llama.cpp (one thread; b4748 for
// the Llama models, a 2026 build for the qwen2/qwen3/gemma2/gemma3/phi3/llama-hd64 ones) for
// every model in ../shared/models, against ../shared/testdata/reference/<model>.jsonl:
// identical prompt tokens; logits with the same argmax and a cosine similarity of at least
// 0.9999 (F32/F16/BF16/Q8_0) or 0.999 (other types); identical greedy continuations for
// stories260K and the F32/F16/BF16/Q8_0 models. Run with 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "engine/model/session.h"
#include "common/shared_dir.h"

namespace llm::engine {
namespace {

namespace fs = std::filesystem;

using test_support::SharedDir;

// The stems of ../shared/models/*.gguf, sorted; empty when the directory is missing.
std::vector<std::string> SharedModelNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(SharedDir() / "models", ec)) {
    if (entry.path().extension() == ".gguf") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct ReferenceCase {
  std::string prompt;
  bool add_bos = true;
  std::vector<int32_t> prompt_tokens;
  std::vector<float> logits;
  std::vector<int32_t> greedy;
};

std::vector<ReferenceCase> LoadReference(const std::string& model) {
  std::vector<ReferenceCase> cases;
  std::ifstream in(SharedDir() / "testdata" / "reference" / (model + ".jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line);
    cases.push_back({j.at("prompt").get<std::string>(), j.at("add_bos").get<bool>(),
                     j.at("prompt_tokens").get<std::vector<int32_t>>(),
                     j.at("logits").get<std::vector<float>>(),
                     j.at("greedy").get<std::vector<int32_t>>()});
  }
  return cases;
}

bool IsHighPrecision(const std::string& file_type) {
  return file_type == "F32" || file_type == "F16" || file_type == "BF16" || file_type == "Q8_0";
}

size_t ArgMax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  return dot / std::sqrt(na * nb);
}

size_t CommonPrefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

TEST(ModelConformance, SharedModelsAndReferencesArePresent) {
  const std::vector<std::string> names = SharedModelNames();
  ASSERT_FALSE(names.empty()) << "no models in " << (SharedDir() / "models")
                              << " (the shared test data is required)";
  for (const std::string& name : names) {
    EXPECT_FALSE(LoadReference(name).empty()) << "no reference cases for " << name;
  }
}

class ModelConformance : public testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(ModelConformance, MatchesLlamaCppReference) {
  const auto& [name, threads] = GetParam();
  Result<std::shared_ptr<const Model>> model =
      Model::Load((SharedDir() / "models" / (name + ".gguf")).string());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const std::string file_type = (*model)->info().file_type;
  const bool high_precision = IsHighPrecision(file_type);
  const double min_cosine = high_precision ? 0.9999 : 0.999;
  const bool greedy_must_match = high_precision || name == "stories260K";
  ThreadPool pool(threads);
  Session session(*model, 512, pool);
  const std::vector<ReferenceCase> cases = LoadReference(name);
  ASSERT_FALSE(cases.empty());
  for (const ReferenceCase& ref : cases) {
    SCOPED_TRACE(name + " [" + file_type + "], " + std::to_string(threads) + " thread(s), prompt '" +
                 ref.prompt + "'");
    EXPECT_EQ((*model)->tokenizer().Encode(ref.prompt, ref.add_bos, true), ref.prompt_tokens);

    Result<std::vector<float>> logits = session.EvalLogits(ref.prompt_tokens);
    ASSERT_TRUE(logits.ok()) << logits.status().ToString();
    ASSERT_EQ(logits->size(), ref.logits.size());
    EXPECT_EQ(ArgMax(*logits), ArgMax(ref.logits));
    const double cosine = Cosine(*logits, ref.logits);
    EXPECT_GE(cosine, min_cosine);

    GenerateParams params;
    params.max_tokens = static_cast<int32_t>(ref.greedy.size());
    params.sampling.temperature = 0.0f;
    params.add_bos = ref.add_bos;
    Result<GenerateResult> result = session.Generate(ref.prompt, params);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->prompt_tokens, ref.prompt_tokens);
    const size_t same = CommonPrefix(result->tokens, ref.greedy);
    std::printf("[conformance] %-24s %-6s threads=%d cosine=%.7f greedy %zu/%zu identical\n",
                name.c_str(), file_type.c_str(), threads, cosine, same, ref.greedy.size());
    if (greedy_must_match) {
      EXPECT_EQ(result->tokens, ref.greedy);
    }
  }
}

std::string ParamName(const testing::TestParamInfo<std::tuple<std::string, int>>& info) {
  std::string name = std::get<0>(info.param) + "_" + std::to_string(std::get<1>(info.param)) + "t";
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, ModelConformance,
                         testing::Combine(testing::ValuesIn(SharedModelNames()),
                                          testing::Values(1, 2)),
                         ParamName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ModelConformance);

}  // namespace
}  // namespace llm::engine
