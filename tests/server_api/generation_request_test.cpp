#include "server/generation_request.h"

#include <gtest/gtest.h>

#include "engine/grammar/grammar_matcher.h"
#include "nlohmann/json.hpp"

namespace llm::server {
namespace {

using nlohmann::json;

std::optional<ApiError> Native(const std::string& body, GenerationRequest* r) {
  return ParseNativeGenerate(json::parse(body), r);
}

TEST(ParseNativeGenerate, ReadsEveryDocumentedField) {
  GenerationRequest r;
  auto e = Native(R"({"prompt":"Once","model":"stories260K.gguf","max_tokens":32,"temperature":0,
      "top_p":0.9,"top_k":10,"min_p":0.1,"repeat_penalty":1.1,"seed":42,"stop":["\n","."],"stream":true})", &r);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(r.prompt, "Once");
  EXPECT_EQ(r.model, "stories260K.gguf");
  EXPECT_EQ(r.max_tokens, 32);
  EXPECT_EQ(r.sampling.temperature, 0.0f);
  EXPECT_FLOAT_EQ(r.sampling.top_p, 0.9f);
  EXPECT_EQ(r.sampling.top_k, 10);
  EXPECT_FLOAT_EQ(r.sampling.min_p, 0.1f);
  EXPECT_FLOAT_EQ(r.sampling.repeat_penalty, 1.1f);
  EXPECT_EQ(r.sampling.seed, 42u);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"\n", "."}));
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.kind, PromptKind::kText);
}

TEST(ParseNativeGenerate, DefaultsAndNullsMeanNotGiven) {
  GenerationRequest r;
  ASSERT_FALSE(Native(R"({"prompt":"x","model":null,"stop":null,"seed":null})", &r));
  EXPECT_EQ(r.model, "");
  EXPECT_EQ(r.max_tokens, 128);
  EXPECT_EQ(r.sampling.seed, engine::kRandomSeed);
  EXPECT_TRUE(r.stop.empty());
  EXPECT_FALSE(r.stream);
}

struct BadCase {
  const char* body;
  const char* param;
};

TEST(ParseNativeGenerate, RejectsWrongTypesAndRangesNamingTheField) {
  const BadCase cases[] = {
      {R"({})", "prompt"},
      {R"({"prompt":""})", "prompt"},
      {R"({"prompt":42})", "prompt"},
      {R"({"prompt":"x","max_tokens":-1})", "max_tokens"},
      {R"({"prompt":"x","max_tokens":0})", "max_tokens"},
      {R"({"prompt":"x","max_tokens":99999999999})", "max_tokens"},
      {R"({"prompt":"x","max_tokens":1e300})", "max_tokens"},
      {R"({"prompt":"x","max_tokens":"12"})", "max_tokens"},
      {R"({"prompt":"x","max_tokens":1.5})", "max_tokens"},
      {R"({"prompt":"x","temperature":"hot"})", "temperature"},
      {R"({"prompt":"x","temperature":3})", "temperature"},
      {R"({"prompt":"x","top_p":-0.1})", "top_p"},
      {R"({"prompt":"x","top_k":-5})", "top_k"},
      {R"({"prompt":"x","seed":-1})", "seed"},
      {R"({"prompt":"x","stop":[1]})", "stop"},
      {R"({"prompt":"x","stop":{}})", "stop"},
      {R"({"prompt":"x","stream":"yes"})", "stream"},
      {R"({"prompt":"x","model":7})", "model"},
  };
  for (const BadCase& c : cases) {
    GenerationRequest r;
    auto e = Native(c.body, &r);
    ASSERT_TRUE(e.has_value()) << c.body;
    EXPECT_EQ(e->status, 400) << c.body;
    EXPECT_EQ(e->error_type, "InvalidRequestError") << c.body;
    EXPECT_EQ(e->param, c.param) << c.body;
  }
}

TEST(ParseNativeGenerate, RejectsABodyThatIsNotAnObject) {
  GenerationRequest r;
  for (const char* body : {"[]", "\"prompt\"", "null", "3"}) {
    auto e = Native(body, &r);
    ASSERT_TRUE(e.has_value()) << body;
    EXPECT_EQ(e->status, 400);
  }
}

TEST(ParseNativeChat, ReadsMessagesAndRejectsEmptyOrUnknownRoles) {
  GenerationRequest r;
  ASSERT_FALSE(ParseNativeChat(json::parse(R"({"messages":[{"role":"system","content":"Be brief."},
      {"role":"user","content":"Hi"}]})"), &r));
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1].role, "user");
  EXPECT_EQ(r.kind, PromptKind::kChat);
  for (const char* body : {R"({"messages":[]})", R"({"messages":"hi"})", R"({})", R"({"messages":[{"role":"tool","content":"x"}]})",
                           R"({"messages":[{"role":"user"}]})", R"({"messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]})"}) {
    auto e = ParseNativeChat(json::parse(body), &r);
    ASSERT_TRUE(e.has_value()) << body;
    EXPECT_EQ(e->param, "messages") << body;
  }
}

TEST(ParseOpenAIChat, MapsOpenAIFields) {
  GenerationRequest r;
  auto e = ParseOpenAIChat(json::parse(R"({"model":"m","messages":[{"role":"developer","content":[{"type":"text","text":"a"},
      {"type":"text","text":"b"}]},{"role":"user","content":"Hi"}],"max_tokens":5,"max_completion_tokens":7,"stop":"END",
      "seed":3,"stream":true,"stream_options":{"include_usage":true},"frequency_penalty":0.5,"presence_penalty":-0.5,"n":1,
      "user":"someone"})"), &r);
  ASSERT_FALSE(e) << e->message;
  EXPECT_EQ(r.flavor, ApiFlavor::kOpenAI);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].content, "ab");
  EXPECT_EQ(r.max_tokens, 7);  // max_completion_tokens wins
  EXPECT_EQ(r.stop, std::vector<std::string>{"END"});
  EXPECT_EQ(r.sampling.seed, 3u);
  EXPECT_TRUE(r.include_usage);
  EXPECT_FLOAT_EQ(r.sampling.frequency_penalty, 0.5f);
  EXPECT_FLOAT_EQ(r.sampling.presence_penalty, -0.5f);
}

TEST(ParseOpenAIChat, DefaultsToTheWholeContextAndRejectsUnsupportedOptions) {
  GenerationRequest r;
  ASSERT_FALSE(ParseOpenAIChat(json::parse(R"({"messages":[{"role":"user","content":"Hi"}]})"), &r));
  EXPECT_EQ(r.max_tokens, -1);
  EXPECT_EQ(ParseOpenAIChat(json::parse(R"({"messages":[{"role":"user","content":"Hi"}],"n":9})"), &r)->param, "n");
  EXPECT_EQ(ParseOpenAIChat(json::parse(R"({"messages":[{"role":"user","content":"Hi"}],"tools":[{}]})"), &r)->param, "tools");
  EXPECT_EQ(ParseOpenAIChat(json::parse(R"({"messages":[{"role":"user","content":"Hi"}],"stream_options":1})"), &r)->param,
            "stream_options");
}

TEST(ParseOpenAICompletion, AcceptsAOneStringArrayPromptAndDefaultsTo16Tokens) {
  GenerationRequest r;
  ASSERT_FALSE(ParseOpenAICompletion(json::parse(R"({"model":"m","prompt":["Once"]})"), &r));
  EXPECT_EQ(r.prompt, "Once");
  EXPECT_EQ(r.max_tokens, 16);
  EXPECT_EQ(ParseOpenAICompletion(json::parse(R"({"prompt":["a","b"]})"), &r)->param, "prompt");
  EXPECT_EQ(ParseOpenAICompletion(json::parse(R"({"prompt":"a","echo":true})"), &r)->param, "echo");
}

}  // namespace
}  // namespace llm::server

namespace llm::server {
namespace {

const char* kWeatherTool =
    R"({"type":"function","function":{"name":"get_weather","description":"Weather now",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}})";

nlohmann::json ChatWithTools(const std::string& extra) {
  return nlohmann::json::parse(R"({"messages":[{"role":"user","content":"Weather?"}],"tools":[)" +
                               std::string(kWeatherTool) + "]" + extra + "}");
}

TEST(ParseOpenAIChatTools, ReadsToolsANamedChoiceAndParallelToolCalls) {
  GenerationRequest r;
  auto e = ParseOpenAIChat(ChatWithTools(R"(,"tool_choice":{"type":"function","function":{"name":"get_weather"}},
      "parallel_tool_calls":false)"), &r);
  ASSERT_FALSE(e) << e->message;
  ASSERT_TRUE(r.tools.tools.is_array());
  EXPECT_EQ(r.tools.tools[0]["function"]["name"], "get_weather");
  EXPECT_EQ(r.tools.choice, ToolRequest::Choice::kNamed);
  EXPECT_EQ(r.tools.forced_name, "get_weather");
  EXPECT_FALSE(r.tools.parallel);
  EXPECT_TRUE(r.tools.forced());
  EXPECT_TRUE(r.renders_tools());
}

TEST(ParseOpenAIChatTools, ToolChoiceNoneKeepsToolsInThePromptButParsesNoCalls) {
  GenerationRequest r;
  ASSERT_FALSE(ParseOpenAIChat(ChatWithTools(R"(,"tool_choice":"none")"), &r));
  EXPECT_TRUE(r.renders_tools());
  EXPECT_FALSE(r.tools.active());
}

TEST(ParseOpenAIChatTools, AChoiceThatCannotBeHonouredIsA400NamingToolChoice) {
  GenerationRequest r;
  for (const char* extra : {R"(,"tool_choice":{"type":"function","function":{"name":"other"}})",
                            R"(,"tool_choice":"sometimes")", R"(,"tool_choice":"required","grammar":"root ::= \"x\"")"}) {
    auto e = ParseOpenAIChat(ChatWithTools(extra), &r);
    ASSERT_TRUE(e) << extra;
    EXPECT_EQ(e->param, "tool_choice") << extra;
  }
  auto e = ParseOpenAIChat(nlohmann::json::parse(R"({"messages":[{"role":"user","content":"x"}],"tool_choice":"required"})"), &r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "tool_choice");
}

TEST(ParseOpenAIChatTools, MalformedOrDuplicateToolsAreA400NamingTools) {
  GenerationRequest r;
  for (const char* tools : {R"({"tools":{}})", R"({"tools":[{"type":"function","function":{}}]})",
                            R"({"tools":[{"type":"function","function":{"name":"f","parameters":"x"}}]})",
                            R"({"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]})"}) {
    auto body = nlohmann::json::parse(tools);
    body["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", "x"}}});
    auto e = ParseOpenAIChat(body, &r);
    ASSERT_TRUE(e) << tools;
    EXPECT_EQ(e->param, "tools") << tools;
  }
}

TEST(ParseOpenAIChatTools, HistoryCallsAndResultsReachTheTemplateWithDecodedArguments) {
  GenerationRequest r;
  auto e = ParseOpenAIChat(nlohmann::json::parse(R"({"messages":[{"role":"user","content":"Weather?"},
      {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
        "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"18 C"}]})"), &r);
  ASSERT_FALSE(e) << e->message;
  EXPECT_TRUE(r.has_tool_messages);
  ASSERT_EQ(r.template_messages.size(), 3u);
  EXPECT_EQ(r.template_messages[1]["tool_calls"][0]["function"]["arguments"]["city"], "Paris");
  EXPECT_EQ(r.template_messages[1]["tool_calls"][0]["id"], "call_1");
  EXPECT_EQ(r.template_messages[2]["tool_call_id"], "call_1");
  EXPECT_EQ(r.template_messages[2]["content"], "18 C");
}

TEST(ParseNativeChatTools, TakesTheSameToolFieldsAndHistory) {
  GenerationRequest r;
  auto body = ChatWithTools(R"(,"tool_choice":"required")");
  body["messages"].push_back(nlohmann::json::parse(R"({"role":"tool","tool_call_id":"c1","content":"18 C"})"));
  auto e = ParseNativeChat(body, &r);
  ASSERT_FALSE(e) << e->message;
  EXPECT_TRUE(r.tools.forced());
  EXPECT_TRUE(r.has_tool_messages);
}

TEST(ParseOpenAIChatTools, BadHistoryCallsAreA400NamingMessages) {
  GenerationRequest r;
  for (const char* message : {R"({"role":"tool","content":"18 C"})",
                              R"({"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"not json"}}]})",
                              R"({"role":"user","content":"x","tool_calls":[]})"}) {
    nlohmann::json body = {{"messages", nlohmann::json::array({nlohmann::json::parse(message)})}};
    auto e = ParseOpenAIChat(body, &r);
    ASSERT_TRUE(e) << message;
    EXPECT_EQ(e->param, "messages") << message;
  }
}

}  // namespace
}  // namespace llm::server

namespace llm::server {
namespace {

// A schema's properties are generated in the order the client declared them, and tools reach
// the template as written, when the parser gets the body in the client's key order.
TEST(ParseOpenAIChat, SchemasAndToolsKeepTheClientsKeyOrder) {
  const std::string text = R"({"messages":[{"role":"user","content":"Hi"}],
      "response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":
        {"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"integer"}},
         "required":["zeta","alpha"],"additionalProperties":false}}},
      "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]})";
  const nlohmann::json sorted = nlohmann::json::parse(text);
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(text);
  GenerationRequest r;
  ASSERT_FALSE(ParseOpenAIChat(sorted, &r, &ordered));
  engine::GrammarMatcher in_order(r.grammar);
  EXPECT_TRUE(in_order.AcceptBytes(R"({"zeta": "a", "alpha": 1})") && in_order.CanEnd());
  engine::GrammarMatcher reversed(r.grammar);
  EXPECT_FALSE(reversed.AcceptBytes(R"({"alpha": 1, "zeta": "a"})") && reversed.CanEnd());
  EXPECT_EQ(r.tools.tools[0].begin().key(), "type");  // as written, not sorted ("function" first)
  GenerationRequest without_order;
  ASSERT_FALSE(ParseOpenAIChat(sorted, &without_order));
  EXPECT_EQ(without_order.tools.tools[0].begin().key(), "function");
}

}  // namespace
}  // namespace llm::server
