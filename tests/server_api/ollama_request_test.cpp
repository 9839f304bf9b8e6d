// Ollama's /api/generate and /api/chat bodies: every field read, validated, or refused with a
// 400 naming it; keep_alive durations; the options object; messages with tool calls.
#include "server/ollama_request.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "nlohmann/json.hpp"
#include "server/request_fields.h"

namespace llm::server {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::optional<ApiError> OllamaGenerateBody(const json& body, GenerationRequest* r, OllamaRequest* x) {
  return ParseOllamaGenerate(body, nullptr, r, x);
}

std::optional<ApiError> OllamaChatBody(const json& body, GenerationRequest* r, OllamaRequest* x) {
  return ParseOllamaChat(body, nullptr, r, x);
}

// The error of a generate body (an empty ApiError when it parsed).
ApiError OllamaGenerateError(const json& body) {
  GenerationRequest r;
  OllamaRequest x;
  std::optional<ApiError> e = OllamaGenerateBody(body, &r, &x);
  return e ? *e : ApiError{0, "", "", "", "", 0};
}

json OllamaWithOptions(const json& options) { return {{"model", "m"}, {"prompt", "Once"}, {"options", options}}; }

TEST(ParseKeepAlive, AcceptsGoDurationsSecondsZeroAndMinusOne) {
  struct Case {
    json value;
    KeepAlive::Kind kind;
    double seconds;
  };
  const std::vector<Case> cases = {
      {"5m", KeepAlive::Kind::kDuration, 300},     {"1h30m", KeepAlive::Kind::kDuration, 5400},
      {"90s", KeepAlive::Kind::kDuration, 90},     {"250ms", KeepAlive::Kind::kDuration, 0.25},
      {"1.5h", KeepAlive::Kind::kDuration, 5400},  {300, KeepAlive::Kind::kDuration, 300},
      {"300", KeepAlive::Kind::kDuration, 300},    {0, KeepAlive::Kind::kUnloadNow, 0},
      {"0", KeepAlive::Kind::kUnloadNow, 0},       {"0s", KeepAlive::Kind::kUnloadNow, 0},
      {-1, KeepAlive::Kind::kForever, 0},          {"-1", KeepAlive::Kind::kForever, 0},
      {"-5m", KeepAlive::Kind::kForever, 0},
  };
  for (const Case& c : cases) {
    KeepAlive k;
    ASSERT_FALSE(ParseKeepAlive(c.value, &k)) << c.value.dump();
    EXPECT_EQ(k.kind, c.kind) << c.value.dump();
    EXPECT_DOUBLE_EQ(k.seconds, c.seconds) << c.value.dump();
  }
}

TEST(ParseKeepAlive, RefusesWhatIsNotADurationNamingIt) {
  for (const json& bad : {json("5x"), json(""), json("m5"), json("5m3"), json("--1"), json(true), json::object(),
                          json::array({1}), json(std::string(100, '9') + "h")}) {
    KeepAlive k;
    std::optional<ApiError> e = ParseKeepAlive(bad, &k);
    ASSERT_TRUE(e) << bad.dump();
    EXPECT_EQ(e->status, 400);
    EXPECT_EQ(e->param, "keep_alive");
  }
}

TEST(ParseOllamaGenerate, ReadsPromptSystemOptionsAndStreamsByDefault) {
  GenerationRequest r;
  OllamaRequest x;
  auto e = OllamaGenerateBody(json::parse(R"({"model":"stories260K:latest","prompt":"Once","system":"Be brief.",
      "keep_alive":"5m","options":{"num_predict":12,"temperature":0.2,"top_k":5,"top_p":0.5,"min_p":0.1,"seed":7,
      "stop":["\n"],"repeat_penalty":1.2,"repeat_last_n":16,"presence_penalty":0.5,"frequency_penalty":0.25}})"),
                    &r, &x);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(x.model, "stories260K:latest");
  EXPECT_EQ(r.model, "stories260K:latest");
  EXPECT_FALSE(x.load_only);
  EXPECT_EQ(x.keep_alive.kind, KeepAlive::Kind::kDuration);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.flavor, ApiFlavor::kOllama);
  EXPECT_EQ(r.max_tokens, 12);
  EXPECT_FLOAT_EQ(r.sampling.temperature, 0.2f);
  EXPECT_EQ(r.sampling.top_k, 5);
  EXPECT_FLOAT_EQ(r.sampling.top_p, 0.5f);
  EXPECT_FLOAT_EQ(r.sampling.min_p, 0.1f);
  EXPECT_EQ(r.sampling.seed, 7u);
  EXPECT_EQ(r.stop, std::vector<std::string>{"\n"});
  EXPECT_FLOAT_EQ(r.sampling.repeat_penalty, 1.2f);
  EXPECT_EQ(r.sampling.repeat_last_n, 16);
  EXPECT_FLOAT_EQ(r.sampling.presence_penalty, 0.5f);
  EXPECT_FLOAT_EQ(r.sampling.frequency_penalty, 0.25f);
  // Not raw: the prompt is a conversation for the model's chat template.
  EXPECT_EQ(r.kind, PromptKind::kChat);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].content, "Be brief.");
  EXPECT_EQ(r.messages[1].role, "user");
  EXPECT_EQ(r.messages[1].content, "Once");
  EXPECT_EQ(r.template_messages.size(), 2u);
}

TEST(ParseOllamaGenerate, DefaultsAreOllamas) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "Once"}}, &r, &x));
  EXPECT_EQ(r.max_tokens, -1);  // num_predict -1: until the context is full
  EXPECT_FLOAT_EQ(r.sampling.temperature, 0.8f);
  EXPECT_EQ(r.sampling.top_k, 40);
  EXPECT_FLOAT_EQ(r.sampling.top_p, 0.9f);
  EXPECT_FLOAT_EQ(r.sampling.min_p, 0.0f);
  EXPECT_FLOAT_EQ(r.sampling.repeat_penalty, 1.1f);
  EXPECT_EQ(r.sampling.repeat_last_n, 64);
  EXPECT_EQ(r.sampling.seed, engine::kRandomSeed);
  EXPECT_EQ(x.keep_alive.kind, KeepAlive::Kind::kDefault);
  EXPECT_EQ(r.reasoning_format, ReasoningFormat::kNone);
  EXPECT_EQ(r.logprobs, -1);
}

TEST(ParseOllamaGenerate, RawPromptIsTextAndStreamFalseIsOneObject) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "Once"}, {"raw", true}, {"stream", false}}, &r, &x));
  EXPECT_EQ(r.kind, PromptKind::kText);
  EXPECT_EQ(r.prompt, "Once");
  EXPECT_FALSE(r.stream);
}

TEST(ParseOllamaGenerate, AnEmptyPromptOnlyLoadsTheModel) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}}, &r, &x));
  EXPECT_TRUE(x.load_only);
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", ""}, {"keep_alive", 0}}, &r, &x));
  EXPECT_TRUE(x.load_only);
  EXPECT_EQ(x.keep_alive.kind, KeepAlive::Kind::kUnloadNow);
}

TEST(ParseOllamaGenerate, ModelIsRequired) {
  for (const json& body : {json{{"prompt", "x"}}, json{{"model", ""}, {"prompt", "x"}}}) {
    ApiError e = OllamaGenerateError(body);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.param, "model");
  }
}

TEST(ParseOllamaGenerate, FormatJsonOrASchemaConstrainsTheOutput) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "x"}, {"format", "json"}}, &r, &x));
  EXPECT_NE(r.grammar, nullptr);
  const json schema = {{"type", "object"}, {"properties", {{"a", {{"type", "integer"}}}}}, {"required", {"a"}}};
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "x"}, {"format", schema}}, &r, &x));
  EXPECT_NE(r.grammar, nullptr);
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "x"}, {"format", ""}}, &r, &x));
  EXPECT_EQ(r.grammar, nullptr);
  for (const json& bad : {json("xml"), json(3), json::array({1}),
                          json{{"type", "string"}, {"pattern", "^a"}}}) {
    ApiError e = OllamaGenerateError({{"model", "m"}, {"prompt", "x"}, {"format", bad}});
    EXPECT_EQ(e.status, 400) << bad.dump();
    EXPECT_EQ(e.param, "format") << bad.dump();
  }
}

TEST(ParseOllamaGenerate, ThinkSwitchesTheTemplatesThinkingAndReportsItApart) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "x"}, {"think", false}}, &r, &x));
  EXPECT_TRUE(x.think_given);
  EXPECT_EQ(r.template_kwargs, ordered_json({{"enable_thinking", false}}));
  EXPECT_EQ(r.reasoning_format, ReasoningFormat::kAuto);
  ApiError level = OllamaGenerateError({{"model", "m"}, {"prompt", "x"}, {"think", "high"}});
  EXPECT_EQ(level.param, "think");
  ApiError raw = OllamaGenerateError({{"model", "m"}, {"prompt", "x"}, {"think", true}, {"raw", true}});
  EXPECT_EQ(raw.param, "think");
}

TEST(ParseOllamaGenerate, LogprobsAndTopLogprobs) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody({{"model", "m"}, {"prompt", "x"}, {"logprobs", true}, {"top_logprobs", 3}}, &r, &x));
  EXPECT_EQ(r.logprobs, 3);
  EXPECT_EQ(OllamaGenerateError({{"model", "m"}, {"prompt", "x"}, {"top_logprobs", 3}}).param, "top_logprobs");
}

TEST(ParseOllamaGenerate, UnsupportedFieldsAreRefusedNamingThemUnlessEmpty) {
  for (const char* field : {"images", "suffix", "template", "context"}) {
    json body = {{"model", "m"}, {"prompt", "x"}};
    body[field] = std::string(field) == "images" || std::string(field) == "context" ? json::array({"a"}) : json("t");
    ApiError e = OllamaGenerateError(body);
    EXPECT_EQ(e.status, 400) << field;
    EXPECT_EQ(e.param, field);
    EXPECT_NE(e.message.find(field), std::string::npos) << e.message;
    body[field] = std::string(field) == "images" || std::string(field) == "context" ? json::array() : json("");
    EXPECT_EQ(OllamaGenerateError(body).status, 0) << field;
  }
}

TEST(OllamaOptions, UnknownAndUnsupportedOptionsAreRefusedNamingThem) {
  ApiError unknown = OllamaGenerateError(OllamaWithOptions({{"frobnicate", 1}}));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.param, "options.frobnicate");
  for (const char* name : {"mirostat", "typical_p", "tfs_z", "num_keep"}) {
    ApiError e = OllamaGenerateError(OllamaWithOptions({{name, 2}}));
    EXPECT_EQ(e.status, 400) << name;
    EXPECT_EQ(e.param, std::string("options.") + name);
  }
  // What clients send for "off" is accepted.
  EXPECT_EQ(OllamaGenerateError(OllamaWithOptions({{"mirostat", 0}, {"typical_p", 1}, {"tfs_z", 1.0}, {"num_keep", 0}})).status, 0);
}

TEST(OllamaOptions, OutOfRangeAndWrongTypesAreA400InOptions) {
  for (const json& options : {json{{"temperature", "hot"}}, json{{"temperature", 9}}, json{{"top_k", -1}},
                              json{{"num_predict", 0}}, json{{"num_predict", "10"}}, json{{"seed", -2}},
                              json{{"stop", 3}}, json{{"repeat_last_n", -2}}, json{{"presence_penalty", 5}}}) {
    ApiError e = OllamaGenerateError(OllamaWithOptions(options));
    EXPECT_EQ(e.status, 400) << options.dump();
    EXPECT_EQ(e.param, "options." + options.begin().key()) << options.dump();
  }
  EXPECT_EQ(OllamaGenerateError({{"model", "m"}, {"prompt", "x"}, {"options", "fast"}}).param, "options");
}

TEST(OllamaOptions, SeedMinusOneIsRandomAndNumPredictMinusTwoFillsTheContext) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaGenerateBody(OllamaWithOptions({{"seed", -1}, {"num_predict", -2}}), &r, &x));
  EXPECT_EQ(r.sampling.seed, engine::kRandomSeed);
  EXPECT_EQ(r.max_tokens, -1);
}

std::string OllamaApiDoc() {
  std::ifstream in(LLM_SOURCE_DIR "/docs/api.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Everything a parsed request carries, to tell whether a field changed it.
json DescribeOllama(const GenerationRequest& r, const OllamaRequest& x) {
  json messages = json::array();
  for (const auto& m : r.messages) messages.push_back({m.role, m.content});
  const engine::SamplingParams& s = r.sampling;
  return {{"model", r.model}, {"prompt", r.prompt}, {"messages", messages}, {"max_tokens", r.max_tokens},
          {"stop", r.stop}, {"stream", r.stream}, {"constrained", r.grammar != nullptr},
          {"sampling", {s.temperature, s.top_k, s.top_p, s.min_p, s.repeat_penalty, s.repeat_last_n,
                        s.frequency_penalty, s.presence_penalty, s.seed}},
          {"tools", r.tools.tools.dump()}, {"logprobs", r.logprobs}, {"kind", static_cast<int>(r.kind)},
          {"reasoning", {static_cast<int>(r.reasoning_format), r.template_kwargs.dump()}},
          {"load_only", x.load_only}, {"keep_alive", static_cast<int>(x.keep_alive.kind)}};
}

// A value of each honoured field that differs from its default.
const std::map<std::string, json>& OllamaHonouredSamples() {
  static const std::map<std::string, json> samples = {
      {"model", "other"}, {"prompt", "Twice"}, {"system", "Be brief."}, {"raw", true}, {"stream", false},
      {"format", "json"}, {"think", false}, {"logprobs", true}, {"top_logprobs", 2},
      {"messages", json::array({{{"role", "user"}, {"content", "Bye"}}})},
      {"tools", json::array({{{"type", "function"}, {"function", {{"name", "f"}}}}})},
      {"options", {{"temperature", 0.1}}}, {"num_predict", 5}, {"temperature", 0.25}, {"top_k", 3},
      {"top_p", 0.5}, {"min_p", 0.2}, {"seed", 9}, {"stop", json::array({"x"})}, {"repeat_penalty", 1.3},
      {"repeat_last_n", 8}, {"presence_penalty", 0.5}, {"frequency_penalty", 0.5},
      // Ignored fields get a valid value: keep_alive is validated though not acted on.
      {"keep_alive", "10m"},
  };
  return samples;
}

struct OllamaRouteCase {
  GenerationRoute id;
  std::optional<ApiError> (*parse)(const json&, GenerationRequest*, OllamaRequest*);
  json base;
  bool options;  // the fields go inside `options`
};

std::vector<OllamaRouteCase> OllamaRouteCases() {
  const json messages = json::array({{{"role", "user"}, {"content", "Hi"}}});
  return {{GenerationRoute::kOllamaGenerate, OllamaGenerateBody, {{"model", "m"}, {"prompt", "Once"}}, false},
          {GenerationRoute::kOllamaChat, OllamaChatBody, {{"model", "m"}, {"messages", messages}}, false},
          {GenerationRoute::kOllamaOptions, OllamaGenerateBody, {{"model", "m"}, {"prompt", "Once"}}, true}};
}

json ParsedOllama(const OllamaRouteCase& route, const json& body) {
  GenerationRequest r;
  OllamaRequest x;
  std::optional<ApiError> e = route.parse(body, &r, &x);
  EXPECT_FALSE(e) << body.dump() << ": " << (e ? e->message : "");
  return DescribeOllama(r, x);
}

json OllamaWithField(const OllamaRouteCase& route, const std::string& name, const json& value) {
  json body = route.base;
  if (route.options) {
    body["options"][name] = value;
  } else {
    body[name] = value;
  }
  if (name == "top_logprobs") body["logprobs"] = true;
  return body;
}

TEST(OllamaRequestFields, EveryHonouredFieldChangesTheParsedRequest) {
  for (const OllamaRouteCase& route : OllamaRouteCases()) {
    for (const RequestField& f : FieldsOf(route.id)) {
      if (f.use != FieldUse::kHonoured) continue;
      const std::string name(f.name);
      auto sample = OllamaHonouredSamples().find(name);
      ASSERT_NE(sample, OllamaHonouredSamples().end()) << "no sample value for " << name;
      json plain_body = route.base;
      if (name == "top_logprobs") plain_body["logprobs"] = true;
      EXPECT_NE(ParsedOllama(route, OllamaWithField(route, name, sample->second)), ParsedOllama(route, plain_body))
          << "ignores '" << name << "'";
    }
  }
}

TEST(OllamaRequestFields, EveryIgnoredFieldChangesNothingButIsDocumentedWithItsReason) {
  const std::string doc = OllamaApiDoc();
  for (const OllamaRouteCase& route : OllamaRouteCases()) {
    const json plain = ParsedOllama(route, route.base);
    for (const RequestField& f : FieldsOf(route.id)) {
      if (f.use != FieldUse::kIgnored) continue;
      const std::string name(f.name);
      auto sample = OllamaHonouredSamples().find(name);
      const json value = sample != OllamaHonouredSamples().end() ? sample->second : json(1);
      json parsed = ParsedOllama(route, OllamaWithField(route, name, value));
      if (name == "keep_alive") parsed["keep_alive"] = plain["keep_alive"];  // read, not acted on
      EXPECT_EQ(parsed, plain) << name;
      EXPECT_NE(doc.find("| `" + name + "` | " + std::string(f.reason)), std::string::npos)
          << "docs/api.md lacks the row of ignored field " << name;
    }
  }
}

TEST(OllamaRequestFields, HostileValuesOfEveryFieldAreA400NeverACrash) {
  const std::vector<json> hostile = {json(nullptr), json(true), json(-1), json(1e308), json("x"),
                                     json::array({json::array({json::object()})}),
                                     json{{"a", {{"b", json::array({1, "2", nullptr})}}}}};
  for (const OllamaRouteCase& route : OllamaRouteCases()) {
    for (const RequestField& f : FieldsOf(route.id)) {
      for (const json& value : hostile) {
        GenerationRequest r;
        OllamaRequest x;
        std::optional<ApiError> e = route.parse(OllamaWithField(route, std::string(f.name), value), &r, &x);
        if (e) {
          EXPECT_EQ(e->status, 400) << f.name << " " << value.dump();
        }
      }
    }
  }
  for (const json& body : hostile) {
    GenerationRequest r;
    OllamaRequest x;
    EXPECT_TRUE(OllamaGenerateBody(body, &r, &x) || body.is_object());
    EXPECT_TRUE(OllamaChatBody(body, &r, &x) || body.is_object());
  }
}

TEST(ParseOllamaChat, ToolCallsAndToolResultsBecomeTheTemplatesShapes) {
  GenerationRequest r;
  OllamaRequest x;
  auto e = OllamaChatBody(json::parse(R"({"model":"m","stream":false,"messages":[
      {"role":"user","content":"Weather in Paris and Rome?"},
      {"role":"assistant","content":"","tool_calls":[
        {"function":{"name":"get_weather","arguments":{"city":"Paris"}}},
        {"function":{"name":"get_time","arguments":{"zone":"CET"}}}]},
      {"role":"tool","content":"12:00","tool_name":"get_time"},
      {"role":"tool","content":"sunny","tool_name":"get_weather"}],
      "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
               {"type":"function","function":{"name":"get_time"}}]})"),
                &r, &x);
  ASSERT_FALSE(e) << e->message;
  EXPECT_FALSE(r.stream);
  EXPECT_TRUE(r.has_tool_messages);
  EXPECT_TRUE(r.tools.active());
  ASSERT_EQ(r.template_messages.size(), 4u);
  const ordered_json& calls = r.template_messages[1]["tool_calls"];
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["function"]["name"], "get_weather");
  EXPECT_EQ(calls[0]["function"]["arguments"], ordered_json({{"city", "Paris"}}));
  // Each result answers the call of its tool_name.
  EXPECT_EQ(r.template_messages[2]["tool_call_id"], calls[1]["id"]);
  EXPECT_EQ(r.template_messages[2]["name"], "get_time");
  EXPECT_EQ(r.template_messages[3]["tool_call_id"], calls[0]["id"]);
}

TEST(ParseOllamaChat, NoMessagesOnlyLoadsTheModel) {
  GenerationRequest r;
  OllamaRequest x;
  ASSERT_FALSE(OllamaChatBody({{"model", "m"}}, &r, &x));
  EXPECT_TRUE(x.load_only);
  ASSERT_FALSE(OllamaChatBody({{"model", "m"}, {"messages", json::array()}}, &r, &x));
  EXPECT_TRUE(x.load_only);
}

TEST(ParseOllamaChat, BadMessagesAreA400AboutMessages) {
  for (const char* m : {R"({"role":"robot","content":"x"})", R"({"content":"x"})", R"({"role":"user","content":3})",
                        R"({"role":"user","content":"x","images":["aGk="]})",
                        R"({"role":"assistant","tool_calls":[{"function":{"arguments":{}}}]})",
                        R"({"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"{}"}}]})",
                        R"({"role":"user","content":"x","tool_calls":[{"function":{"name":"f"}}]})", R"("hi")"}) {
    GenerationRequest r;
    OllamaRequest x;
    std::optional<ApiError> e = OllamaChatBody({{"model", "m"}, {"messages", json::array({json::parse(m)})}}, &r, &x);
    ASSERT_TRUE(e) << m;
    EXPECT_EQ(e->status, 400);
    EXPECT_EQ(e->param, "messages") << m;
  }
}

}  // namespace
}  // namespace llm::server
