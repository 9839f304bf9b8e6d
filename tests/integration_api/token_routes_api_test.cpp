// POST /api/v1/tokenize and /api/v1/detokenize on the real server: the ids are llama.cpp's
// (../shared reference prompt tokens), detokenize inverts them, pieces come on request, and
// wrong input is a 400 naming the field.
#include <gtest/gtest.h>

#include <fstream>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;

// The first reference row of a model: its prompt and llama.cpp's prompt tokens.
json ReferenceRow(const std::string& model) {
  std::ifstream in(SharedDir() + "/testdata/reference/" + model + ".jsonl");
  std::string line;
  EXPECT_TRUE(std::getline(in, line)) << model;
  return json::parse(line);
}

json PostJson(ApiServer& server, const std::string& path, const json& body, int expect_status) {
  auto r = server.Client()->Post(path, body.dump(), "application/json");
  EXPECT_TRUE(r);
  if (!r) return {};
  EXPECT_EQ(r->status, expect_status) << path << " " << body.dump() << " -> " << r->body;
  return json::parse(r->body);
}

TEST(TokenRoutes, TokenizeGivesLlamaCppsIdsAndDetokenizeGivesTheTextBack) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  for (const std::string model : {"stories260K", "synth-qwen3-q8_0"}) {
    const json ref = ReferenceRow(model);
    json body = {{"model", model + ".gguf"}, {"text", ref["prompt"]}, {"add_special", ref["add_bos"]}};
    json answer = PostJson(*server, "/api/v1/tokenize", body, 200);
    EXPECT_EQ(answer["tokens"], ref["prompt_tokens"]) << model;
    EXPECT_EQ(answer["model"], model + ".gguf");
    EXPECT_FALSE(answer.contains("pieces"));

    json ids = json::array();
    for (const json& id : ref["prompt_tokens"]) {
      if (id != ref["prompt_tokens"][0] || !ref["add_bos"].get<bool>()) ids.push_back(id);
    }
    json text = PostJson(*server, "/api/v1/detokenize", {{"model", model + ".gguf"}, {"tokens", ids}}, 200);
    std::string got = text["text"].get<std::string>();
    if (got.rfind(' ', 0) == 0) got.erase(0, 1);  // SentencePiece's leading space, as llama.cpp keeps it
    EXPECT_EQ(got, ref["prompt"].get<std::string>()) << model;
  }
  ASSERT_EQ(server->Stop(), 0);
}

TEST(TokenRoutes, PiecesComeOnRequestAndTheDefaultModelIsUsed) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  json answer = PostJson(*server, "/api/v1/tokenize", {{"text", "Once upon"}, {"with_pieces", true}, {"add_special", false}}, 200);
  ASSERT_EQ(answer["pieces"].size(), answer["tokens"].size());
  std::string joined;
  for (size_t i = 0; i < answer["pieces"].size(); ++i) {
    EXPECT_EQ(answer["pieces"][i]["id"], answer["tokens"][i]);
    joined += answer["pieces"][i]["piece"].get<std::string>();
  }
  EXPECT_NE(joined.find("upon"), std::string::npos) << joined;
  ASSERT_EQ(server->Stop(), 0);
}

TEST(TokenRoutes, WrongInputIsA400NamingTheField) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  EXPECT_EQ(PostJson(*server, "/api/v1/tokenize", {{"text", 5}}, 400)["error"], "'text' must be a string");
  EXPECT_EQ(PostJson(*server, "/api/v1/tokenize", {{"text", "a"}, {"content", "a"}}, 400)["error"],
            "Unrecognized request argument supplied: content");
  json huge = PostJson(*server, "/api/v1/detokenize", {{"tokens", {1, 99999999}}}, 400);
  EXPECT_NE(huge["error"].get<std::string>().find("outside the vocabulary"), std::string::npos) << huge.dump();
  EXPECT_EQ(PostJson(*server, "/api/v1/detokenize", {{"tokens", {-1}}}, 400)["error_type"], "InvalidRequestError");
  EXPECT_EQ(PostJson(*server, "/api/v1/tokenize", {{"text", "a"}, {"model", "nope.gguf"}}, 404)["error_type"],
            "ModelNotFoundError");
  ASSERT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace llm::test
