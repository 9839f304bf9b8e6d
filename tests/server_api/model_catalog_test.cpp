// The model description of the listings and the model_loaded record, read from the shared
// synthetic models' metadata: head size and sliding window besides the architecture.
#include "server/model_catalog.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/shared_dir.h"
#include "engine/gguf/gguf_writer.h"

namespace llm::server {
namespace {

std::string SharedModel(const std::string& name) {
  return (test_support::SharedDir() / "models" / name).string();
}

TEST(ModelCatalog, DescribesTheSlidingWindowAndHeadSizeOfGemma3) {
  Result<ModelDescription> d = DescribeModelFile(SharedModel("synth-gemma3-q8_0.gguf"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->architecture, "gemma3");
  EXPECT_EQ(d->head_size, 64);
  EXPECT_EQ(d->sliding_window, 16);
  const nlohmann::json fields = DescriptionFields(*d);
  EXPECT_EQ(fields["head_size"], 64);
  EXPECT_EQ(fields["sliding_window"], 16);
  EXPECT_EQ(fields["architecture"], "gemma3");
}

TEST(ModelCatalog, HeadSizeComesFromKeyLengthNotEmbeddingOverHeads) {
  // synth-qwen3: embedding 256, 8 heads, key_length 64 (not 256 / 8 = 32), no window.
  Result<ModelDescription> d = DescribeModelFile(SharedModel("synth-qwen3-q8_0.gguf"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->architecture, "qwen3");
  EXPECT_EQ(d->head_size, 64);
  EXPECT_EQ(d->sliding_window, 0);
  EXPECT_FALSE(DescriptionFields(*d).contains("sliding_window"));
}

TEST(ModelCatalog, HeadSizeDefaultsToEmbeddingOverHeads) {
  // stories260K: embedding 64, 8 heads, no key_length.
  Result<ModelDescription> d = DescribeModelFile(SharedModel("stories260K.gguf"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->head_size, 8);
  EXPECT_FALSE(DescriptionFields(*d).contains("sliding_window"));
}

TEST(ModelCatalog, AnArchitectureOutsideTheTableIsDescribedWithoutHeadSize) {
  const std::string path = ::testing::TempDir() + "catalog_gpt2.gguf";
  engine::GgufWriter w;
  w.AddString("general.architecture", "gpt2");
  w.AddU32("gpt2.context_length", 1024);
  w.AddU32("gpt2.embedding_length", 64);
  w.AddU32("gpt2.attention.head_count", 4);
  ASSERT_TRUE(w.WriteFile(path).ok());
  Result<ModelDescription> d = DescribeModelFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->architecture, "gpt2");
  EXPECT_EQ(d->context_length, 1024);
  EXPECT_EQ(d->head_size, 0);
  const nlohmann::json fields = DescriptionFields(*d);
  EXPECT_FALSE(fields.contains("head_size"));
  EXPECT_FALSE(fields.contains("sliding_window"));
}

}  // namespace
}  // namespace llm::server
