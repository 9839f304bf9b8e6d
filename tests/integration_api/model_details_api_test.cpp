// The model details the real server reports for architectures beyond Llama: the native
// listing and the model_loaded record carry the head size and, only for a model with
// sliding-window layers, the window.
#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;

// The listing entry of `name`, or null.
json ListingEntry(const json& listing, const std::string& name) {
  for (const json& m : listing["models"]) {
    if (m["name"] == name) return m;
  }
  return nullptr;
}

// The model_loaded record of `name`, or null.
json LoadedRecord(const std::vector<json>& records, const std::string& name) {
  for (const json& r : records) {
    if (r.value("event_type", "") == "model_loaded" && r.value("model_name", "") == name) return r;
  }
  return nullptr;
}

TEST(ModelDetailsApi, ListingAndModelLoadedCarryHeadSizeAndSlidingWindow) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  auto listing = c->Get("/api/v1/models");
  ASSERT_TRUE(listing);
  ASSERT_EQ(listing->status, 200) << listing->body;
  const json models = json::parse(listing->body);

  const json gemma3 = ListingEntry(models, "synth-gemma3-q8_0.gguf");
  ASSERT_FALSE(gemma3.is_null()) << models.dump();
  EXPECT_EQ(gemma3["architecture"], "gemma3");
  EXPECT_EQ(gemma3["head_size"], 64);
  EXPECT_EQ(gemma3["sliding_window"], 16);
  // key_length 64, not n_embd / n_head = 256 / 8; no sliding window, so no field.
  const json qwen3 = ListingEntry(models, "synth-qwen3-q8_0.gguf");
  ASSERT_FALSE(qwen3.is_null()) << models.dump();
  EXPECT_EQ(qwen3["architecture"], "qwen3");
  EXPECT_EQ(qwen3["head_size"], 64);
  EXPECT_FALSE(qwen3.contains("sliding_window")) << qwen3.dump();
  const json llama = ListingEntry(models, "stories260K.gguf");
  EXPECT_EQ(llama["head_size"], 8);  // 64 / 8 heads: no key_length in the file
  EXPECT_FALSE(llama.contains("sliding_window")) << llama.dump();

  for (const char* model : {"synth-gemma3-q8_0.gguf", "synth-qwen3-q8_0.gguf"}) {
    const json body = {{"model", model}, {"prompt", "Once upon a time"}, {"max_tokens", 2}, {"temperature", 0}};
    auto r = c->Post("/api/v1/generate", body.dump(), "application/json");
    ASSERT_TRUE(r) << model;
    EXPECT_EQ(r->status, 200) << model << " " << r->body;
  }
  EXPECT_EQ(server->Stop(), 0);

  const std::vector<json> records = ReadAllApiRecords(server->log_dir());
  const json gemma3_loaded = LoadedRecord(records, "synth-gemma3-q8_0.gguf");
  ASSERT_FALSE(gemma3_loaded.is_null());
  EXPECT_EQ(gemma3_loaded["architecture"], "gemma3");
  EXPECT_EQ(gemma3_loaded["head_size"], 64);
  EXPECT_EQ(gemma3_loaded["sliding_window"], 16);
  const json qwen3_loaded = LoadedRecord(records, "synth-qwen3-q8_0.gguf");
  ASSERT_FALSE(qwen3_loaded.is_null());
  EXPECT_EQ(qwen3_loaded["architecture"], "qwen3");
  EXPECT_EQ(qwen3_loaded["head_size"], 64);
  EXPECT_FALSE(qwen3_loaded.contains("sliding_window")) << qwen3_loaded.dump();
}

}  // namespace
}  // namespace llm::test
