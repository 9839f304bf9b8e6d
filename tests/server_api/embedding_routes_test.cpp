// The embedding routes in-process: a real Server on a loopback port with stories260K, the
// OpenAI and Ollama shapes, batches against single inputs, refusals, records and metrics, and a
// generation slot's cache left intact.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "server/embedding_json.h"
#include "server_api/in_process_api.h"

namespace llm::server {
namespace {

using nlohmann::json;

class EmbeddingRoutesTest : public InProcessApiTest {
 protected:
  void SetUp() override {
    ApiSettings api;
    api.context_size = 512;  // CONTEXT_SIZE below the model's 2048: what inputs are checked and cut against
    Start(api);
  }

  // The status and parsed body of a POST of `body`.
  std::pair<int, json> PostJson(const std::string& path, const json& body) {
    auto r = Post(path, body.dump());
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
};

std::vector<float> EmbeddingFloats(const json& a) {
  std::vector<float> v;
  for (const json& x : a) v.push_back(static_cast<float>(x.get<double>()));
  return v;
}

double EmbeddingNorm(const std::vector<float>& v) {
  double sq = 0;
  for (float x : v) sq += static_cast<double>(x) * x;
  return std::sqrt(sq);
}

std::string LongEmbeddingText() {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "Once upon a time there was a dog. ";
  return text;
}

TEST_F(EmbeddingRoutesTest, OpenAIAnswersOrderedUnitVectorsAndCountsTokens) {
  auto [status, j] =
      PostJson("/v1/embeddings", {{"input", {"Once upon a time", "The dog"}}, {"model", "stories260K.gguf"}});
  ASSERT_EQ(status, 200) << j;
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["model"], "stories260K.gguf");
  ASSERT_EQ(j["data"].size(), 2u);
  int64_t tokens = 0;
  for (const char* text : {"Once upon a time", "The dog"}) {
    auto [s, t] = PostJson("/api/v1/tokenize", {{"text", text}});
    ASSERT_EQ(s, 200);
    tokens += static_cast<int64_t>(t["tokens"].size());
  }
  EXPECT_EQ(j["usage"]["prompt_tokens"], tokens);
  EXPECT_EQ(j["usage"]["total_tokens"], tokens);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(j["data"][i]["index"], i);
    EXPECT_EQ(j["data"][i]["object"], "embedding");
    EXPECT_NEAR(EmbeddingNorm(EmbeddingFloats(j["data"][i]["embedding"])), 1.0, 1e-5);
  }
  // The second input alone gets the same bits; base64 carries the same floats.
  auto [s2, alone] = PostJson("/v1/embeddings", {{"input", "The dog"}, {"encoding_format", "base64"}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(alone["data"][0]["embedding"], Base64Floats(EmbeddingFloats(j["data"][1]["embedding"])));
}

TEST_F(EmbeddingRoutesTest, TokenArraysEmbedLikeTheirText) {
  auto [s, t] = PostJson("/api/v1/tokenize", {{"text", "Lily and Tom"}});
  ASSERT_EQ(s, 200);
  auto [s1, by_text] = PostJson("/v1/embeddings", {{"input", "Lily and Tom"}});
  auto [s2, by_ids] = PostJson("/v1/embeddings", {{"input", json::array({t["tokens"]})}});
  ASSERT_EQ(s1, 200);
  ASSERT_EQ(s2, 200) << by_ids;
  EXPECT_EQ(by_text["data"][0]["embedding"], by_ids["data"][0]["embedding"]);
  auto [s3, bad] = PostJson("/v1/embeddings", {{"input", {1, 99999}}});
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(bad["error"]["param"], "input");
}

TEST_F(EmbeddingRoutesTest, RefusalsComeInEachSurfacesShape) {
  auto [s1, dims] = PostJson("/v1/embeddings", {{"input", "a"}, {"dimensions", 7}});
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(dims["error"]["param"], "dimensions");
  auto [s2, too_long] = PostJson("/v1/embeddings", {{"input", LongEmbeddingText()}});
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(too_long["error"]["code"], "context_length_exceeded");
  auto [s3, missing] = PostJson("/v1/embeddings", {{"input", "a"}, {"model", "no-such-model"}});
  EXPECT_EQ(s3, 404);
  EXPECT_EQ(missing["error"]["code"], "model_not_found");
  auto [s4, strict] = PostJson("/api/embed", {{"input", LongEmbeddingText()}, {"truncate", false}});
  EXPECT_EQ(s4, 400);
  EXPECT_TRUE(strict["error"].is_string()) << strict;  // Ollama's {"error": "..."}
  auto [s5, unknown] = PostJson("/api/embeddings", {{"prompt", "a"}, {"stream", true}});
  EXPECT_EQ(s5, 400);
  EXPECT_TRUE(unknown["error"].is_string());
}

TEST_F(EmbeddingRoutesTest, OllamaRoutesAnswerInOllamasShapes) {
  auto [s1, embed] = PostJson("/api/embed", {{"model", "stories260K.gguf:latest"}, {"input", {"Once upon a time", "A cat"}}});
  ASSERT_EQ(s1, 200) << embed;
  EXPECT_EQ(embed["model"], "stories260K.gguf");
  ASSERT_EQ(embed["embeddings"].size(), 2u);
  EXPECT_GT(embed["prompt_eval_count"].get<int64_t>(), 4);
  EXPECT_GT(embed["total_duration"].get<int64_t>(), 0);
  EXPECT_TRUE(embed["load_duration"].is_number_integer());
  auto [s2, legacy] = PostJson("/api/embeddings", {{"model", "stories260K.gguf"}, {"prompt", "A cat"}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(legacy["embedding"], embed["embeddings"][1]);
  // Truncation (the default) cuts a long input to the context instead of refusing it.
  auto [s3, cut] = PostJson("/api/embed", {{"input", LongEmbeddingText()}});
  ASSERT_EQ(s3, 200) << cut;
  EXPECT_EQ(cut["embeddings"].size(), 1u);
  EXPECT_EQ(cut["prompt_eval_count"], 512);
  auto [s4, none] = PostJson("/api/embed", {{"model", "stories260K.gguf"}, {"input", ""}});
  ASSERT_EQ(s4, 200);
  EXPECT_EQ(none["embeddings"], json::array());
}

TEST_F(EmbeddingRoutesTest, EmbeddingLeavesTheGenerationCacheAndOutputIntact) {
  const json gen = {{"prompt", "Once upon a time"}, {"max_tokens", 24}, {"temperature", 0}};
  auto [s1, first] = PostJson("/api/v1/generate", gen);
  ASSERT_EQ(s1, 200);
  auto [s2, e] = PostJson("/v1/embeddings", {{"input", {"The little dog was", "Tom and Sue"}}});
  ASSERT_EQ(s2, 200);
  auto [s3, second] = PostJson("/api/v1/generate", gen);
  ASSERT_EQ(s3, 200);
  EXPECT_EQ(first["response"], second["response"]);
}

TEST_F(EmbeddingRoutesTest, RecordsAndMetricsNameTheEmbeddingEndpoints) {
  ASSERT_EQ(PostJson("/v1/embeddings", {{"input", {"a b", "c"}}}).first, 200);
  ASSERT_EQ(PostJson("/api/embed", {{"input", "a b"}}).first, 200);
  ASSERT_EQ(PostJson("/api/embeddings", {{"prompt", "a b"}}).first, 200);
  ASSERT_EQ(PostJson("/v1/embeddings", {{"input", "a"}, {"dimensions", 3}}).first, 400);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  for (const char* line : {"llm_api_http_requests_total{endpoint=\"openai_embeddings\",status=\"200\"} 1",
                           "llm_api_http_requests_total{endpoint=\"ollama_embed\",status=\"200\"} 1",
                           "llm_api_http_requests_total{endpoint=\"ollama_embeddings\",status=\"200\"} 1",
                           "llm_api_embedding_inputs_total{model=\"stories260K.gguf\"} 4"}) {
    EXPECT_NE(metrics->body.find(line), std::string::npos) << line << "\n" << metrics->body;
  }
  std::vector<json> log = StopAndReadLog();
  int successes = 0, errors = 0;
  std::set<std::string> endpoints;
  for (const json& rec : log) {
    if (rec.value("type", "") == "request") endpoints.insert(rec.value("endpoint", ""));
    const std::string event = rec.value("event_type", "");
    if (event == "embedding_success") {
      ++successes;
      EXPECT_EQ(rec["message"], "Embedding completed successfully with model: stories260K.gguf");
      for (const char* k : {"model_name", "inputs", "prompt_tokens", "embedding_time", "dimensions", "endpoint"}) {
        EXPECT_TRUE(rec.contains(k)) << k;
      }
    }
    if (event == "embedding_error") {
      ++errors;
      EXPECT_EQ(rec["error_type"], "InvalidRequestError");
      EXPECT_EQ(rec["endpoint"], "openai_embeddings");
    }
  }
  EXPECT_EQ(successes, 3);
  EXPECT_EQ(errors, 1);
  for (const char* e : {"openai_embeddings", "ollama_embed", "ollama_embeddings"}) EXPECT_TRUE(endpoints.count(e)) << e;
}

}  // namespace
}  // namespace llm::server
