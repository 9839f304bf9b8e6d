// The embedding routes' JSON: what each surface accepts and refuses, and the answer shapes
// (float values that round-trip exactly, base64 of little-endian float32).
#include "server/embedding_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "nlohmann/json.hpp"

namespace llm::server {
namespace {

using nlohmann::json;

std::optional<ApiError> ParseEmbeddingBody(EmbeddingSurface surface, const std::string& body, EmbeddingRequest* out) {
  return ParseEmbeddingRequest(surface, json::parse(body), out);
}

// The param of the 400 a body gets ("" when it is accepted).
std::string RefusedParam(EmbeddingSurface surface, const std::string& body) {
  EmbeddingRequest r;
  std::optional<ApiError> e = ParseEmbeddingBody(surface, body, &r);
  if (!e) return "";
  EXPECT_EQ(e->status, 400) << body;
  return e->param.empty() ? "<none>" : e->param;
}

TEST(EmbeddingJson, OpenAIAcceptsAStringStringsTokenIdsAndTokenArrays) {
  EmbeddingRequest one;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOpenAI, R"({"model":"m","input":"hello","user":"u1"})", &one));
  EXPECT_EQ(one.model, "m");
  EXPECT_EQ(one.texts, (std::vector<std::string>{"hello"}));
  EXPECT_FALSE(one.base64);
  EmbeddingRequest many;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOpenAI, R"({"input":["a","b","c"],"encoding_format":"base64"})", &many));
  EXPECT_EQ(many.input_count(), 3u);
  EXPECT_TRUE(many.base64);
  EmbeddingRequest ids;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOpenAI, R"({"input":[1,2,3],"dimensions":64})", &ids));
  EXPECT_EQ(ids.token_inputs, (std::vector<std::vector<int32_t>>{{1, 2, 3}}));
  EXPECT_EQ(ids.dimensions, 64);
  EmbeddingRequest arrays;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOpenAI, R"({"input":[[1,2],[3]]})", &arrays));
  EXPECT_EQ(arrays.token_inputs, (std::vector<std::vector<int32_t>>{{1, 2}, {3}}));
  EXPECT_FALSE(arrays.truncate);  // OpenAI refuses long inputs
}

TEST(EmbeddingJson, OpenAIRefusesWhatItCannotEmbedNamingTheField) {
  const EmbeddingSurface s = EmbeddingSurface::kOpenAI;
  EXPECT_EQ(RefusedParam(s, R"({})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":""})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":[]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":["a",""]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":["a",1]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":[1,"a"]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":[[1],[]]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":[-1]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":[1.5]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":{"a":1}})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":[{"a":1}]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","model":7})"), "model");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","encoding_format":"int8"})"), "encoding_format");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","dimensions":0})"), "dimensions");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","dimensions":"64"})"), "dimensions");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","user":5})"), "user");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","truncate":true})"), "truncate");  // Ollama's field
  EXPECT_EQ(RefusedParam(s, R"([1,2])"), "<none>");
  json too_many = {{"input", json::array()}};
  for (size_t i = 0; i <= kMaxEmbeddingInputs; ++i) too_many["input"].push_back("x");
  EmbeddingRequest r;
  ASSERT_TRUE(ParseEmbeddingRequest(s, too_many, &r));
}

TEST(EmbeddingJson, OllamaEmbedTruncatesByDefaultAndAcceptsItsOtherFields) {
  EmbeddingRequest r;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOllamaEmbed,
                     R"({"model":"m:latest","input":["a","b"],"options":{"temperature":0},"keep_alive":"5m"})", &r));
  EXPECT_TRUE(r.truncate);
  EXPECT_EQ(r.texts, (std::vector<std::string>{"a", "b"}));
  EmbeddingRequest strict;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOllamaEmbed, R"({"input":"a","truncate":false,"keep_alive":0})", &strict));
  EXPECT_FALSE(strict.truncate);
  EmbeddingRequest empty;  // no input: an empty answer (Ollama's way to load a model)
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOllamaEmbed, R"({"model":"m","input":""})", &empty));
  EXPECT_EQ(empty.input_count(), 0u);
  const EmbeddingSurface s = EmbeddingSurface::kOllamaEmbed;
  EXPECT_EQ(RefusedParam(s, R"({"input":[1,2]})"), "input");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","truncate":"yes"})"), "truncate");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","options":[]})"), "options");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","keep_alive":{}})"), "keep_alive");
  EXPECT_EQ(RefusedParam(s, R"({"input":"a","encoding_format":"float"})"), "encoding_format");
}

TEST(EmbeddingJson, OllamaLegacyTakesAPrompt) {
  EmbeddingRequest r;
  ASSERT_FALSE(ParseEmbeddingBody(EmbeddingSurface::kOllamaLegacy, R"({"model":"m","prompt":"hello"})", &r));
  EXPECT_EQ(r.texts, (std::vector<std::string>{"hello"}));
  EXPECT_EQ(RefusedParam(EmbeddingSurface::kOllamaLegacy, R"({"prompt":["a"]})"), "prompt");
  EXPECT_EQ(RefusedParam(EmbeddingSurface::kOllamaLegacy, R"({"input":"a"})"), "input");
}

// Every field of every surface with values of every type: a 400 or an accepted request, never
// an exception.
TEST(EmbeddingJson, WrongTypesInEveryFieldAreRefusedWithoutThrowing) {
  const std::vector<json> values = {nullptr, true, 0, -1, 1.5, 1e300, json(INT64_MIN), json(UINT64_MAX), "",
                                    "x", json::array(), json::object(), json::parse("[[[]]]"), json::parse("[null]"),
                                    json::parse(R"([{"a":1}])"), json::parse("[1,[2]]"), json::parse(R"(["a",[1]])")};
  const std::vector<std::string> fields = {"model", "input", "prompt", "encoding_format", "dimensions", "user",
                                           "truncate", "options", "keep_alive"};
  for (EmbeddingSurface surface :
       {EmbeddingSurface::kOpenAI, EmbeddingSurface::kOllamaEmbed, EmbeddingSurface::kOllamaLegacy}) {
    for (const std::string& field : fields) {
      for (const json& v : values) {
        json body = {{"input", "a"}, {"prompt", "a"}};
        if (surface == EmbeddingSurface::kOpenAI) body.erase("prompt");
        if (surface == EmbeddingSurface::kOllamaLegacy) body.erase("input");
        body[field] = v;
        EmbeddingRequest r;
        std::optional<ApiError> e;
        ASSERT_NO_THROW(e = ParseEmbeddingRequest(surface, body, &r)) << field << " = " << v.dump();
        if (e) {
          EXPECT_EQ(e->status, 400) << field << " = " << v.dump();
        }
      }
    }
  }
}

TEST(Base64Floats, EncodesLittleEndianFloat32AsOpenAIDoes) {
  const std::vector<float> v = {1.0f, -2.0f};
  EXPECT_EQ(Base64Floats(v), "AACAPwAAAMA=");
  const std::vector<float> tenth = {0.1f};
  EXPECT_EQ(Base64Floats(tenth), "zczMPQ==");
  EXPECT_EQ(Base64Floats({}), "");
}

TEST(EmbeddingAnswer, OpenAIShapeHasIndexedDataModelAndUsage) {
  EmbeddingRequest req;
  EmbeddingResult res;
  res.model = "m.gguf";
  res.vectors = {{0.1f, -0.2f}, {1e-8f, 3.0f}};
  res.prompt_tokens = 7;
  const json j = json::parse(EmbeddingAnswer(req, res));
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["model"], "m.gguf");
  EXPECT_EQ(j["usage"], (json{{"prompt_tokens", 7}, {"total_tokens", 7}}));
  ASSERT_EQ(j["data"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(j["data"][i]["object"], "embedding");
    EXPECT_EQ(j["data"][i]["index"], i);
    for (size_t k = 0; k < 2; ++k) {  // the shortest form parses back to the same float
      EXPECT_EQ(static_cast<float>(j["data"][i]["embedding"][k].get<double>()), res.vectors[i][k]);
    }
  }
  req.base64 = true;
  const json b = json::parse(EmbeddingAnswer(req, res));
  EXPECT_EQ(b["data"][1]["embedding"], Base64Floats(res.vectors[1]));
}

TEST(EmbeddingAnswer, OllamaShapesCarryNanosecondDurationsOrOneVector) {
  EmbeddingRequest req;
  req.surface = EmbeddingSurface::kOllamaEmbed;
  EmbeddingResult res;
  res.model = "m.gguf";
  res.vectors = {{0.5f}, {0.25f}};
  res.prompt_tokens = 4;
  res.total_seconds = 0.25;
  res.load_seconds = 0.001;
  const json j = json::parse(EmbeddingAnswer(req, res));
  EXPECT_EQ(j["model"], "m.gguf");
  EXPECT_EQ(j["embeddings"], (json{{0.5}, {0.25}}));
  EXPECT_EQ(j["total_duration"], 250000000);
  EXPECT_EQ(j["load_duration"], 1000000);
  EXPECT_EQ(j["prompt_eval_count"], 4);
  req.surface = EmbeddingSurface::kOllamaLegacy;
  res.vectors.resize(1);
  EXPECT_EQ(json::parse(EmbeddingAnswer(req, res)), (json{{"embedding", {0.5}}}));
  res.vectors.clear();  // an empty prompt
  EXPECT_EQ(json::parse(EmbeddingAnswer(req, res)), (json{{"embedding", json::array()}}));
}

}  // namespace
}  // namespace llm::server
