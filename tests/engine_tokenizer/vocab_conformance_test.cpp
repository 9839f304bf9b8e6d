// llama.cpp's tokenizer test vectors (../shared/testdata/vocab/*.inp / *.out): every case must
// give exactly the expected ids (no BOS, special tokens not parsed).
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine_tokenizer/shared_data.h"

namespace llm::engine {
namespace {

using testing::LoadSharedTokenizer;
using testing::ReadFileOrEmpty;
using testing::SharedDir;

// The cases of an .inp file: each case is followed by "\n__ggml_vocab_test__\n".
std::vector<std::string> ParseCases(const std::string& inp) {
  static const std::string kSeparator = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  size_t pos = 0;
  while (true) {
    const size_t found = inp.find(kSeparator, pos);
    if (found == std::string::npos) break;
    cases.push_back(inp.substr(pos, found - pos));
    pos = found + kSeparator.size();
  }
  return cases;
}

std::vector<std::vector<int32_t>> ParseExpected(const std::string& out) {
  std::vector<std::vector<int32_t>> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ids(line);
    std::vector<int32_t> v;
    int32_t id;
    while (ids >> id) v.push_back(id);
    lines.push_back(std::move(v));
  }
  return lines;
}

std::string Printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

class VocabConformance : public ::testing::TestWithParam<const char*> {};

TEST_P(VocabConformance, EveryCaseGivesTheExpectedIds) {
  const std::string name = GetParam();
  const auto dir = SharedDir() / "testdata" / "vocab";
  auto tokenizer = LoadSharedTokenizer("testdata/vocab/" + name + ".gguf");
  ASSERT_NE(tokenizer, nullptr);
  const auto cases = ParseCases(ReadFileOrEmpty(dir / (name + ".gguf.inp")));
  const auto expected = ParseExpected(ReadFileOrEmpty(dir / (name + ".gguf.out")));
  ASSERT_FALSE(cases.empty()) << "no cases in " << name << ".gguf.inp";
  ASSERT_EQ(cases.size(), expected.size());
  int passed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::vector<int32_t> ids = tokenizer->Encode(cases[i], /*add_bos=*/false, /*parse_special=*/false);
    EXPECT_EQ(ids, expected[i]) << name << " case " << i << ": '" << Printable(cases[i]) << "'";
    if (ids == expected[i]) ++passed;
  }
  std::printf("[ %s ] %d/%zu cases pass\n", name.c_str(), passed, cases.size());
}

INSTANTIATE_TEST_SUITE_P(AllVocabularies, VocabConformance,
                         ::testing::Values("ggml-vocab-llama-spm", "ggml-vocab-phi-3", "ggml-vocab-gpt-2",
                                           "ggml-vocab-starcoder", "ggml-vocab-deepseek-coder",
                                           "ggml-vocab-mpt", "ggml-vocab-llama3", "ggml-vocab-qwen3"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace llm::engine
