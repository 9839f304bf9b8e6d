// Every field each generation route knows is honoured (it changes the parsed request), ignored
// (it changes nothing, and docs/api.md lists it with its reason), or refused with 400 naming
// it; a field no table knows is refused too.
#include "server/request_fields.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "nlohmann/json.hpp"
#include "server/anthropic_request.h"
#include "server/generation_request.h"

namespace llm::server {
namespace {

using nlohmann::json;

struct Route {
  GenerationRoute id;
  const char* name;
  std::optional<ApiError> (*parse)(const json&, GenerationRequest*, const nlohmann::ordered_json*);
  json base;  // the smallest valid body
  std::map<std::string, json> samples = {};  // honoured fields whose sample differs on this route
};

// Anthropic's shapes of tools and tool_choice.
std::map<std::string, json> AnthropicSamples() {
  return {{"tools", json::array({{{"name", "f"}, {"input_schema", {{"type", "object"}}}}})},
          {"tool_choice", {{"type", "none"}}}};
}

std::vector<Route> Routes() {
  const json messages = json::array({{{"role", "user"}, {"content", "Hi"}}});
  return {{GenerationRoute::kNativeGenerate, "/api/v1/generate", ParseNativeGenerate, {{"prompt", "Once"}}},
          {GenerationRoute::kNativeChat, "/api/v1/chat", ParseNativeChat, {{"messages", messages}}},
          {GenerationRoute::kOpenAICompletion, "/v1/completions", ParseOpenAICompletion, {{"prompt", "Once"}}},
          {GenerationRoute::kOpenAIChat, "/v1/chat/completions", ParseOpenAIChat, {{"messages", messages}}},
          {GenerationRoute::kAnthropicMessages, "/v1/messages", ParseAnthropicMessages,
           {{"model", "m.gguf"}, {"max_tokens", 16}, {"messages", messages}}, AnthropicSamples()},
          {GenerationRoute::kAnthropicCountTokens, "/v1/messages/count_tokens", ParseAnthropicCountTokens,
           {{"model", "m.gguf"}, {"messages", messages}}, AnthropicSamples()}};
}

// A value of each honoured field that differs from its default.
const std::map<std::string, json>& HonouredSamples() {
  static const std::map<std::string, json> samples = {
      {"prompt", "Twice"},
      {"messages", json::array({{{"role", "user"}, {"content", "Bye"}}})},
      {"model", "other.gguf"},
      {"max_tokens", 7},
      {"max_completion_tokens", 9},
      {"temperature", 0.25},
      {"top_p", 0.5},
      {"top_k", 3},
      {"min_p", 0.2},
      {"repeat_penalty", 1.3},
      {"seed", 9},
      {"stop", json::array({"x"})},
      {"stream", true},
      {"frequency_penalty", 0.5},
      {"presence_penalty", 0.5},
      {"stream_options", {{"include_usage", true}}},
      {"grammar", "root ::= \"yes\" | \"no\""},
      {"response_format", {{"type", "json_object"}}},
      {"logit_bias", {{"15", -100}}},
      {"tools", json::array({{{"type", "function"}, {"function", {{"name", "f"}}}}})},
      {"tool_choice", "none"},
      {"parallel_tool_calls", false},
      {"logprobs", true},
      {"top_logprobs", 2},
      {"n", 2},
      {"reasoning_format", "none"},
      {"chat_template_kwargs", {{"enable_thinking", false}}},
      {"system", "Be brief."},
      {"stop_sequences", json::array({"x"})},
      {"thinking", {{"type", "disabled"}}},
  };
  return samples;
}

// Everything a parsed request carries, to tell whether a field changed it.
json Describe(const GenerationRequest& r) {
  json messages = json::array();
  for (const auto& m : r.messages) messages.push_back({m.role, m.content});
  const engine::SamplingParams& s = r.sampling;
  return {{"model", r.model}, {"prompt", r.prompt}, {"messages", messages}, {"max_tokens", r.max_tokens},
          {"stop", r.stop}, {"stream", r.stream}, {"include_usage", r.include_usage},
          {"constrained", r.grammar != nullptr},
          {"sampling", {s.temperature, s.top_k, s.top_p, s.min_p, s.repeat_penalty, s.repeat_last_n,
                        s.frequency_penalty, s.presence_penalty, s.seed}},
          {"logit_bias", s.logit_bias.size()},
          {"tools", {r.tools.tools.dump(), static_cast<int>(r.tools.choice), r.tools.parallel}},
          {"logprobs", r.logprobs},
          {"n", r.n},
          {"reasoning", {static_cast<int>(r.reasoning_format), r.template_kwargs.dump()}}};
}

json Parsed(const Route& route, const json& body) {
  GenerationRequest r;
  std::optional<ApiError> e = route.parse(body, &r, nullptr);
  EXPECT_FALSE(e) << route.name << " " << body.dump() << ": " << (e ? e->message : "");
  return Describe(r);
}

std::string ApiDoc() {
  std::ifstream in(LLM_SOURCE_DIR "/docs/api.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RequestFields, EveryHonouredFieldChangesTheParsedRequest) {
  for (const Route& route : Routes()) {
    for (const RequestField& f : FieldsOf(route.id)) {
      if (f.use != FieldUse::kHonoured) continue;
      const std::string name(f.name);
      const json* sample = nullptr;
      if (auto own = route.samples.find(name); own != route.samples.end()) {
        sample = &own->second;
      } else if (auto shared = HonouredSamples().find(name); shared != HonouredSamples().end()) {
        sample = &shared->second;
      }
      ASSERT_NE(sample, nullptr) << "no sample value for " << f.name;
      json body = route.base;
      if (f.name == "top_logprobs") body["logprobs"] = true;  // top_logprobs needs it
      const json plain = Parsed(route, body);
      // /v1/completions' logprobs is the legacy count of alternatives.
      const bool legacy = f.name == "logprobs" && route.id == GenerationRoute::kOpenAICompletion;
      body[std::string(f.name)] = legacy ? json(2) : *sample;
      EXPECT_NE(Parsed(route, body), plain) << route.name << " ignores '" << f.name << "'";
    }
  }
}

TEST(RequestFields, NIsUpToTheLimitOnOpenAIRoutesOnly) {
  for (const Route& route : Routes()) {
    const bool openai = route.id == GenerationRoute::kOpenAIChat || route.id == GenerationRoute::kOpenAICompletion;
    for (int n : {2, kMaxChoices, kMaxChoices + 1}) {
      json body = route.base;
      body["n"] = n;
      GenerationRequest r;
      std::optional<ApiError> e = route.parse(body, &r, nullptr);
      if (openai && n <= kMaxChoices) {
        EXPECT_FALSE(e) << route.name << " n=" << n;
        EXPECT_EQ(r.n, n);
      } else {
        ASSERT_TRUE(e) << route.name << " n=" << n;
        EXPECT_EQ(e->param, "n");
      }
    }
  }
}

TEST(RequestFields, EveryIgnoredFieldChangesNothingAndIsDocumentedWithItsReason) {
  const std::string doc = ApiDoc();
  for (const Route& route : Routes()) {
    const json plain = Parsed(route, route.base);
    for (const RequestField& f : FieldsOf(route.id)) {
      if (f.use != FieldUse::kIgnored) continue;
      json body = route.base;
      body[std::string(f.name)] = json::object({{"some", "value"}});
      EXPECT_EQ(Parsed(route, body), plain) << route.name << " '" << f.name << "'";
      EXPECT_NE(doc.find("| `" + std::string(f.name) + "` | " + std::string(f.reason)), std::string::npos)
          << "docs/api.md lacks the row of ignored field " << f.name;
    }
  }
}

TEST(RequestFields, EveryUnsupportedFieldIsA400NamingItUnlessOff) {
  for (const Route& route : Routes()) {
    for (const RequestField& f : FieldsOf(route.id)) {
      if (f.use != FieldUse::kUnsupported) continue;
      json body = route.base;
      body[std::string(f.name)] = json::array({{{"type", "function"}}});
      GenerationRequest r;
      std::optional<ApiError> e = route.parse(body, &r, nullptr);
      ASSERT_TRUE(e) << route.name << " accepts '" << f.name << "'";
      EXPECT_EQ(e->status, 400);
      EXPECT_EQ(e->param, f.name);
      EXPECT_NE(e->message.find(std::string(f.name)), std::string::npos) << e->message;
      body[std::string(f.name)] = nullptr;  // what clients send for "not set"
      Parsed(route, body);
    }
  }
}

TEST(RequestFields, AFieldNoTableKnowsIsRefusedNamingIt) {
  for (const Route& route : Routes()) {
    json body = route.base;
    body["frobnicate"] = 1;
    GenerationRequest r;
    std::optional<ApiError> e = route.parse(body, &r, nullptr);
    ASSERT_TRUE(e) << route.name;
    EXPECT_EQ(e->param, "frobnicate");
    EXPECT_EQ(e->message, "Unrecognized request argument supplied: frobnicate");
  }
}

TEST(RequestFields, ClientsOffValuesOfUnsupportedFeaturesAreAccepted) {
  const Route chat = Routes()[3];
  for (const char* off : {R"({"logprobs":false})", R"({"functions":[]})", R"({"modalities":["text"]})"}) {
    json body = chat.base;
    body.update(json::parse(off));
    Parsed(chat, body);
  }
}

}  // namespace
}  // namespace llm::server
