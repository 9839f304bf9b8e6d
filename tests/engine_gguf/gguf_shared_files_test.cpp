// Every GGUF file of ../shared (models and vocabularies) opens and its tables are sane.
#include <gtest/gtest.h>

#include <set>

#include "engine/gguf/gguf_reader.h"
#include "gguf_test_util.h"

namespace llm::engine {
namespace {

using testing::GgufFilesIn;
using testing::SharedDir;

void ExpectSaneTensorTable(const GgufFile& f, const std::string& path) {
  const uint8_t* begin = nullptr;
  std::set<std::string> names;
  for (const GgufTensorInfo& t : f.tensors()) {
    SCOPED_TRACE(path + ": " + t.name);
    ASSERT_FALSE(t.dims.empty());
    ASSERT_LE(t.dims.size(), 4u);
    int64_t rows = t.element_count() / t.dims[0];
    EXPECT_EQ(t.size_bytes, RowBytes(t.type, t.dims[0]) * static_cast<size_t>(rows));
    EXPECT_EQ(t.offset % f.alignment(), 0u);
    EXPECT_LE(f.data_offset() + t.offset + t.size_bytes, f.file_size());
    EXPECT_EQ(f.FindTensor(t.name), &t);
    EXPECT_TRUE(names.insert(t.name).second);
    if (begin == nullptr) begin = t.data - f.data_offset() - t.offset;
    EXPECT_EQ(t.data, begin + f.data_offset() + t.offset);
  }
}

TEST(GgufSharedFiles, EveryModelOpensWithASaneTensorTable) {
  auto files = GgufFilesIn(SharedDir() / "models");
  ASSERT_FALSE(files.empty()) << "no models in " << SharedDir() / "models";
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    auto f = GgufFile::Open(path.string());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_TRUE((*f)->version() == 2 || (*f)->version() == 3);
    const std::string arch = (*f)->GetString("general.architecture").value();
    EXPECT_FALSE(arch.empty());
    EXPECT_GT((*f)->GetUInt(arch + ".block_count").value(), 0u);
    EXPECT_GT((*f)->tensors().size(), 0u);
    ASSERT_NE((*f)->FindTensor("token_embd.weight"), nullptr);
    EXPECT_EQ((*f)->FindTensor("no.such.tensor"), nullptr);
    ExpectSaneTensorTable(**f, path.string());
  }
}

TEST(GgufSharedFiles, EveryVocabOpensWithItsTokenizerMetadata) {
  auto files = GgufFilesIn(SharedDir() / "testdata" / "vocab");
  ASSERT_FALSE(files.empty()) << "no vocab files in " << SharedDir() / "testdata" / "vocab";
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    auto f = GgufFile::Open(path.string());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    auto tokens = (*f)->GetStringArray("tokenizer.ggml.tokens");
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    EXPECT_GT(tokens->size(), 1000u);
    auto info = (*f)->ArrayInfo("tokenizer.ggml.tokens");
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->second, tokens->size());
    EXPECT_TRUE((*f)->GetString("tokenizer.ggml.model").ok());
    ExpectSaneTensorTable(**f, path.string());
  }
}

TEST(GgufSharedFiles, ModelsCoverEveryTensorTypeTheEngineNeeds) {
  std::set<GgmlType> seen;
  for (const auto& path : GgufFilesIn(SharedDir() / "models")) {
    auto f = GgufFile::Open(path.string());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    for (const GgufTensorInfo& t : (*f)->tensors()) seen.insert(t.type);
  }
  for (GgmlType t : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0,
                     GgmlType::kQ4_0, GgmlType::kQ4_1, GgmlType::kQ5_0, GgmlType::kQ5_1,
                     GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K, GgmlType::kQ5_K,
                     GgmlType::kQ6_K}) {
    EXPECT_TRUE(seen.count(t)) << TraitsOf(t).name << " not found in any shared model";
  }
}

TEST(GgmlTypeTraits, BlockGeometryMatchesGgml) {
  struct Row {
    GgmlType type;
    const char* name;
    int64_t block;
    size_t bytes;
  };
  const Row rows[] = {
      {GgmlType::kF32, "f32", 1, 4},       {GgmlType::kF16, "f16", 1, 2},
      {GgmlType::kBF16, "bf16", 1, 2},     {GgmlType::kQ4_0, "q4_0", 32, 18},
      {GgmlType::kQ4_1, "q4_1", 32, 20},   {GgmlType::kQ5_0, "q5_0", 32, 22},
      {GgmlType::kQ5_1, "q5_1", 32, 24},   {GgmlType::kQ8_0, "q8_0", 32, 34},
      {GgmlType::kQ8_1, "q8_1", 32, 36},   {GgmlType::kQ2_K, "q2_K", 256, 84},
      {GgmlType::kQ3_K, "q3_K", 256, 110}, {GgmlType::kQ4_K, "q4_K", 256, 144},
      {GgmlType::kQ5_K, "q5_K", 256, 176}, {GgmlType::kQ6_K, "q6_K", 256, 210},
      {GgmlType::kQ8_K, "q8_K", 256, 292}, {GgmlType::kI8, "i8", 1, 1},
      {GgmlType::kI16, "i16", 1, 2},       {GgmlType::kI32, "i32", 1, 4},
      {GgmlType::kI64, "i64", 1, 8},       {GgmlType::kF64, "f64", 1, 8},
  };
  for (const Row& r : rows) {
    const GgmlTypeTraits& t = TraitsOf(r.type);
    EXPECT_EQ(t.name, r.name);
    EXPECT_EQ(t.block_size, r.block) << r.name;
    EXPECT_EQ(t.block_bytes, r.bytes) << r.name;
  }
  EXPECT_EQ(RowBytes(GgmlType::kQ4_K, 512), 288u);
  EXPECT_EQ(FindGgmlType(4), nullptr);  // removed Q4_2
  EXPECT_EQ(FindGgmlType(31), nullptr);
}

}  // namespace
}  // namespace llm::engine
