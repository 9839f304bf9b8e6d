// logit_bias on the real server: ids from /api/v1/tokenize, a ban changes greedy output, a
// +100 bias makes every token the biased one, on the native and OpenAI routes; an id outside
// the vocabulary or a malformed map is a 400 naming the field.
#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;

json Post(ApiServer& server, const std::string& path, const json& body, int status) {
  auto r = server.Client()->Post(path, body.dump(), "application/json");
  EXPECT_TRUE(r);
  if (!r) return {};
  EXPECT_EQ(r->status, status) << path << " " << body.dump() << " -> " << r->body;
  return json::parse(r->body);
}

TEST(LogitBiasApi, ABanChangesGreedyOutputAndAFullBiasForcesTheToken) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  const json greedy = {{"prompt", "Once upon a time"}, {"max_tokens", 4}, {"temperature", 0}};
  const std::string plain = Post(*server, "/api/v1/generate", greedy, 200)["response"];
  // The first generated token: the joined text's tokens past those of the prompt.
  auto tokens = [&](const std::string& text) {
    return Post(*server, "/api/v1/tokenize", {{"text", text}}, 200)["tokens"];
  };
  const size_t prompt_size = tokens("Once upon a time").size();
  const json joined = tokens("Once upon a time" + plain);
  ASSERT_GT(joined.size(), prompt_size);
  const int first = joined[prompt_size].get<int>();

  json banned = greedy;
  banned["logit_bias"] = {{std::to_string(first), -100}};
  const std::string other = Post(*server, "/api/v1/generate", banned, 200)["response"];
  EXPECT_NE(other, plain);
  EXPECT_NE(tokens("Once upon a time" + other)[prompt_size].get<int>(), first);

  // "the" is one SentencePiece token ("\u2581the"); every generated piece is then " the".
  const json the = Post(*server, "/api/v1/tokenize", {{"text", "the"}, {"add_special", false}}, 200)["tokens"];
  ASSERT_EQ(the.size(), 1u) << the.dump();
  json forced = {{"prompt", "Once upon a time"}, {"max_tokens", 3}, {"temperature", 0.8}, {"seed", 3},
                 {"logit_bias", {{std::to_string(the[0].get<int>()), 100}}}};
  EXPECT_EQ(Post(*server, "/api/v1/generate", forced, 200)["response"], " the the the");
  forced["messages"] = json::array({{{"role", "user"}, {"content", "Hi"}}});
  forced.erase("prompt");
  EXPECT_EQ(Post(*server, "/v1/chat/completions", forced, 200)["choices"][0]["message"]["content"], " the the the");
  ASSERT_EQ(server->Stop(), 0);
}

TEST(LogitBiasApi, AnIdOutsideTheVocabularyOrAMalformedMapIsA400) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  json body = {{"prompt", "a"}, {"logit_bias", {{"99999999", 5}}}};
  EXPECT_NE(Post(*server, "/api/v1/generate", body, 400)["error"].get<std::string>().find("outside the vocabulary"),
            std::string::npos);
  for (const json& bad : {json{{"x", 1}}, json{{"5", 101}}, json{{"5", "a"}}, json::array({5})}) {
    json b = {{"model", "stories260K.gguf"}, {"prompt", "a"}, {"logit_bias", bad}};
    EXPECT_EQ(Post(*server, "/v1/completions", b, 400)["error"]["param"], "logit_bias") << bad.dump();
  }
  ASSERT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace llm::test
