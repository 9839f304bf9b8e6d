// Ollama's answer shapes (the adapter's objects and NDJSON lines, details, sizes, times),
// the model name rule, and Ollama's error shape.
#include "server/ollama_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "server/error_answer.h"
#include "server/json_errors.h"
#include "server/ollama_adapter.h"
#include "server/ollama_names.h"

namespace llm::server {
namespace {

using nlohmann::json;

GenerationOutcome OllamaSampleOutcome() {
  GenerationOutcome o;
  o.model = "stories260K.gguf";
  o.text = "Once upon";
  o.content = "Once upon";
  o.finish_reason = engine::FinishReason::kLength;
  o.prompt_tokens = 5;
  o.completion_tokens = 2;
  o.load_seconds = 0.25;
  o.timings.prompt_n = 4;
  o.timings.prompt_ms = 1.5;
  o.timings.predicted_ms = 3.0;
  return o;
}

// Each line of an NDJSON text, parsed; fails the test on a line that is not one JSON object.
std::vector<json> NdjsonObjects(const std::string& text) {
  std::vector<json> out;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << text;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << line;
    out.push_back(j);
  }
  return out;
}

TEST(OllamaParameterSize, FollowsOllamasHumanNumbers) {
  EXPECT_EQ(OllamaParameterSize(8'000'000'000), "8B");
  EXPECT_EQ(OllamaParameterSize(7'615'616'512), "7.6B");
  EXPECT_EQ(OllamaParameterSize(494'032'768), "494.03M");
  EXPECT_EQ(OllamaParameterSize(12'000'000), "12M");
  EXPECT_EQ(OllamaParameterSize(292'800), "293K");
  EXPECT_EQ(OllamaParameterSize(12), "12");
}

TEST(OllamaTime, IsRfc3339InUtcWithNanoseconds) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)) +
                 std::chrono::nanoseconds(123'456'789);
  EXPECT_EQ(OllamaTime(t), "2023-11-14T22:13:20.123456789Z");
}

TEST(OllamaModelDetails, HasFormatFamilySizeAndQuantization) {
  ModelDescription d;
  d.architecture = "qwen2";
  d.parameters = 494'032'768;
  d.tensor_type = "Q4_K_M";
  EXPECT_EQ(json::parse(OllamaModelDetails(d).dump()),
            json::parse(R"({"parent_model":"","format":"gguf","family":"qwen2","families":["qwen2"],
                            "parameter_size":"494.03M","quantization_level":"Q4_K_M"})"));
}

TEST(OllamaToolCalls, ArgumentsAreObjects) {
  std::vector<OutcomeToolCall> calls = {{"call_1", "get_weather", R"({"city":"Paris"})"}, {"call_2", "f", "not json"}};
  EXPECT_EQ(json::parse(OllamaToolCalls(calls).dump()),
            json::parse(R"([{"function":{"name":"get_weather","arguments":{"city":"Paris"}}},
                            {"function":{"name":"f","arguments":{}}}])"));
}

TEST(OllamaAdapter, GenerateAnswerHasTheResponseAndEveryEndField) {
  OllamaAdapter adapter(PromptKind::kText);
  GenerationRequest r;
  ASSERT_FALSE(adapter.Parse({{"model", "stories260K:latest"}, {"prompt", "Once"}, {"stream", false}}, "", &r));
  const json answer = json::parse(adapter.Complete(OllamaSampleOutcome()));
  EXPECT_EQ(answer["model"], "stories260K:latest");  // the name the client sent
  EXPECT_TRUE(std::regex_match(answer["created_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)")));
  EXPECT_EQ(answer["response"], "Once upon");
  EXPECT_EQ(answer["done"], true);
  EXPECT_EQ(answer["done_reason"], "length");
  EXPECT_EQ(answer["load_duration"], 250'000'000);
  EXPECT_EQ(answer["prompt_eval_count"], 4);
  EXPECT_EQ(answer["prompt_eval_duration"], 1'500'000);
  EXPECT_EQ(answer["eval_count"], 2);
  EXPECT_EQ(answer["eval_duration"], 3'000'000);
  EXPECT_GT(answer["total_duration"].get<int64_t>(), 0);
  EXPECT_FALSE(answer.contains("message"));
}

TEST(OllamaAdapter, ChatStreamsOneObjectPerLineEndingWithTheCallsAndDone) {
  OllamaAdapter adapter(PromptKind::kChat);
  GenerationRequest r;
  ASSERT_FALSE(adapter.Parse(json::parse(R"({"model":"m","messages":[{"role":"user","content":"Hi"}]})"), "", &r));
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(adapter.StreamContentType(), "application/x-ndjson");
  EXPECT_EQ(adapter.StreamStart(), "");
  GenerationDelta d;
  d.content = "Hel";
  d.reasoning = "hmm";
  std::vector<json> delta = NdjsonObjects(adapter.StreamDelta(d));
  ASSERT_EQ(delta.size(), 1u);
  EXPECT_EQ(delta[0]["message"], json::parse(R"({"role":"assistant","content":"Hel","thinking":"hmm"})"));
  EXPECT_EQ(delta[0]["done"], false);
  GenerationOutcome o = OllamaSampleOutcome();
  o.finish_reason = engine::FinishReason::kStop;
  o.tools_active = true;
  o.tool_calls = {{"call_1", "get_weather", R"({"city":"Paris"})"}};
  std::vector<json> end = NdjsonObjects(adapter.StreamEnd(o));
  ASSERT_EQ(end.size(), 2u);
  EXPECT_EQ(end[0]["message"]["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(end[0]["done"], false);
  EXPECT_EQ(end[1]["done"], true);
  EXPECT_EQ(end[1]["done_reason"], "stop");
  EXPECT_EQ(end[1]["message"]["content"], "");
}

TEST(OllamaAdapter, ErrorsAreOllamasShapeInTheBodyAndInTheStream) {
  OllamaAdapter adapter(PromptKind::kText);
  const ApiError e = ModelNotFound("model 'x' not found");
  EXPECT_EQ(json::parse(adapter.ErrorBody(e, "req_1")), json({{"error", "model 'x' not found"}}));
  std::vector<json> lines = NdjsonObjects(adapter.StreamError(e, "req_1"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], json({{"error", "model 'x' not found"}}));
  EXPECT_EQ(json::parse(ErrorBodyText(ApiFlavor::kOllama, e, "req_1")), json({{"error", "model 'x' not found"}}));
}

TEST(OllamaAdapter, LoadAnswerSaysDoneReasonLoad) {
  OllamaAdapter adapter(PromptKind::kChat);
  GenerationRequest r;
  ASSERT_FALSE(adapter.Parse({{"model", "m"}}, "", &r));
  EXPECT_TRUE(adapter.ollama_request().load_only);
  const json answer = json::parse(adapter.LoadAnswer());
  EXPECT_EQ(answer["done"], true);
  EXPECT_EQ(answer["done_reason"], "load");
  EXPECT_EQ(answer["message"]["content"], "");
}

TEST(OllamaAdapter, SchemaPropertiesKeepTheClientsOrder) {
  OllamaAdapter adapter(PromptKind::kText);
  GenerationRequest r;
  const std::string raw =
      R"({"model":"m","prompt":"x","format":{"type":"object","properties":{"zeta":{"type":"boolean"},"alpha":{"type":"boolean"}},"required":["zeta","alpha"]}})";
  ASSERT_FALSE(adapter.Parse(json::parse(raw), raw, &r));
  ASSERT_NE(r.grammar, nullptr);
}

TEST(OllamaErrorShape, OllamaPathsAnswerErrorOnlyOthersKeepTheirs) {
  EXPECT_TRUE(IsOllamaPath("/api/tags"));
  EXPECT_TRUE(IsOllamaPath("/api/generate"));
  EXPECT_FALSE(IsOllamaPath("/api/v1/generate"));
  EXPECT_FALSE(IsOllamaPath("/v1/models"));
  EXPECT_EQ(ErrorBodyFor("/api/chat", 400, error_type::kInvalidRequest, "bad", "req_1"), json({{"error", "bad"}}));
  EXPECT_EQ(ErrorBodyFor("/api/v1/chat", 400, error_type::kInvalidRequest, "bad", "req_1")["error_type"],
            "InvalidRequestError");
}

// A models directory with two files and, when asked, an aliases file.
class OllamaNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "ollama_names_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Write("a.gguf", "x");
    Write("b-1.5b-q4.gguf", "x");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }

  std::string dir_;
};

TEST_F(OllamaNamesTest, TheFileNameWithOrWithoutGgufAndLatestNamesTheFile) {
  OllamaModelNames names(dir_, "");
  for (const char* name : {"a", "a:latest", "a.gguf", "a.gguf:latest"}) {
    Result<ModelFile> f = names.Resolve(name);
    ASSERT_TRUE(f.ok()) << name << ": " << f.status().message();
    EXPECT_EQ(f->name, "a.gguf");
  }
  for (const char* name : {"c", "a:7b", "../a", "a/b", ""}) {
    Result<ModelFile> f = names.Resolve(name);
    ASSERT_FALSE(f.ok()) << name;
    EXPECT_EQ(f.status().code(), StatusCode::kNotFound) << name;
  }
}

TEST_F(OllamaNamesTest, TheDefaultAliasesFileMapsTaggedAndUntaggedNames) {
  Write("aliases.json", R"({"qwen2.5:1.5b": "b-1.5b-q4.gguf", "tiny": "a"})");
  OllamaModelNames names(dir_, "");
  EXPECT_EQ(names.Resolve("qwen2.5:1.5b")->name, "b-1.5b-q4.gguf");
  EXPECT_EQ(names.Resolve("tiny")->name, "a.gguf");
  EXPECT_EQ(names.Resolve("tiny:latest")->name, "a.gguf");
  EXPECT_FALSE(names.Resolve("qwen2.5").ok());
  Result<std::vector<OllamaModelNames::Entry>> list = names.List();
  ASSERT_TRUE(list.ok());
  std::vector<std::string> listed;
  for (const auto& e : *list) listed.push_back(e.name + "=" + e.file.name);
  EXPECT_EQ(listed, (std::vector<std::string>{"a:latest=a.gguf", "b-1.5b-q4:latest=b-1.5b-q4.gguf",
                                              "qwen2.5:1.5b=b-1.5b-q4.gguf", "tiny:latest=a.gguf"}));
}

TEST_F(OllamaNamesTest, AnExplicitAliasesFileWinsAndItsProblemsAreReported) {
  Write("aliases.json", R"({"x": "a.gguf"})");
  Write("mine.json", R"({"y": "a.gguf"})");
  OllamaModelNames names(dir_, dir_ + "/mine.json");
  EXPECT_TRUE(names.Resolve("y").ok());
  EXPECT_FALSE(names.Resolve("x").ok());
  for (const char* text : {"[1]", "{\"y\": 3}", "{not json", "{\"y\": \"\"}"}) {
    Write("mine.json", text);
    Result<ModelFile> f = names.Resolve("y");
    ASSERT_FALSE(f.ok()) << text;
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(f.status().message().find("mine.json"), std::string::npos);
  }
  Write("mine.json", R"({"y": "missing.gguf", "z": "../etc/passwd"})");
  EXPECT_EQ(names.Resolve("y").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(names.Resolve("z").status().code(), StatusCode::kInvalidArgument);
  Result<std::vector<OllamaModelNames::Entry>> list = names.List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);  // the files only: aliases of missing files are not listed
  OllamaModelNames missing(dir_, dir_ + "/nope.json");
  EXPECT_EQ(missing.Resolve("a").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace llm::server
