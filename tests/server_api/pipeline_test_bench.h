// The generation pipeline's test bench, shared by the tests of its surfaces: a fake engine
// (one token per byte, a scripted reply), chat templates, a capturing stream writer and a
// fixture that answers a body through a surface's adapter and reads the records.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <nlohmann/json.hpp>

#include "logging/test_dir.h"
#include "server/generation_pipeline.h"

namespace llm::server {
namespace {

using nlohmann::json;

// A model of one token per byte (id = byte + 1; BOS = 0) that replies with a scripted text.
class FakeEngine : public GenerationEngine {
 public:
  std::string reply = "Hello there.";
  int32_t context = 256;
  std::shared_ptr<ServedModel> model = std::make_shared<ServedModel>();
  // Seen by the last Run:
  std::vector<int32_t> prompt_tokens;
  engine::GenerateParams params;
  std::atomic<int> tokens_generated{0};
  std::mutex mu;
  std::vector<uint64_t> seeds;       // of every Run, in call order
  std::atomic<int> active{0};        // Runs in progress
  std::atomic<int> max_active{0};    // the most at once
  // Called before each generated token (e.g. to let a test act mid-generation).
  std::function<void(int index)> before_token;
  // Not OK: what Run returns once the reply has been generated (streamed).
  Status fail_with = Status::Ok();

  FakeEngine() { model->name = "fake.gguf"; }

  Result<std::shared_ptr<const ServedModel>> Acquire(const std::string& name) override {
    if (name != model->name) return Status::NotFound("no model file " + name);
    return std::shared_ptr<const ServedModel>(model);
  }
  int32_t ContextLength(const ServedModel&) const override { return context; }
  std::vector<int32_t> Tokenize(const ServedModel&, std::string_view text, bool add_bos) const override {
    std::vector<int32_t> ids;
    if (add_bos) ids.push_back(0);
    for (unsigned char c : text) ids.push_back(c + 1);
    return ids;
  }
  std::string BosText(const ServedModel&) const override { return ""; }
  int32_t VocabSize(const ServedModel&) const override { return 257; }
  std::string TokenBytes(const ServedModel&, int32_t id) const override {
    return id > 0 ? std::string(1, static_cast<char>(id - 1)) : "";
  }
  // Ends the reply at the first of `stops` its text ends with (the text cut before it), as
  // the engine does. The fake withholds nothing: only the last byte of a stop string is kept
  // from the stream, so tests stop at one-byte strings.
  static bool StopAt(const std::vector<std::string>& stops, engine::GenerateResult* r) {
    for (const std::string& stop : stops) {
      if (stop.empty() || !r->text.ends_with(stop)) continue;
      r->text.resize(r->text.size() - stop.size());
      r->stop_string = stop;
      r->finish_reason = engine::FinishReason::kStop;
      return true;
    }
    return false;
  }
  Result<engine::GenerateResult> Run(int, const std::shared_ptr<const ServedModel>&, std::vector<int32_t> prompt,
                                     const engine::GenerateParams& p, const engine::GenerateCallbacks& cb) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      prompt_tokens = prompt;
      params = p;
      seeds.push_back(p.sampling.seed);
    }
    const int running = ++active;
    for (int seen = max_active; running > seen && !max_active.compare_exchange_weak(seen, running);) {
    }
    struct Leave {
      std::atomic<int>& n;
      ~Leave() { --n; }
    } leave{active};
    engine::GenerateResult r;
    r.prompt_tokens = std::move(prompt);
    r.finish_reason = engine::FinishReason::kStop;
    for (size_t i = 0; i < reply.size(); ++i) {
      if (before_token) before_token(static_cast<int>(i));
      if (cb.should_cancel && cb.should_cancel()) {
        r.finish_reason = engine::FinishReason::kCancelled;
        return r;
      }
      if (p.max_tokens >= 0 && static_cast<int32_t>(r.tokens.size()) >= p.max_tokens) {
        r.finish_reason = engine::FinishReason::kLength;
        break;
      }
      const int32_t id = static_cast<unsigned char>(reply[i]) + 1;
      r.tokens.push_back(id);
      ++tokens_generated;
      engine::TokenLogprob lp{id, -0.25f, {}};
      for (int32_t k = 0; k < p.logprobs; ++k) lp.top.emplace_back(k == 0 ? id : 'a' + k, -0.25f - k);
      if (p.logprobs >= 0) r.logprobs.push_back(lp);
      if (cb.on_token) cb.on_token(id, p.logprobs >= 0 ? &lp : nullptr);
      r.text += reply[i];
      if (StopAt(p.stop, &r)) break;
      if (cb.on_piece && !cb.on_piece(std::string_view(&reply[i], 1))) {
        r.finish_reason = engine::FinishReason::kCancelled;
        return r;
      }
    }
    r.timings.predicted_n = static_cast<int32_t>(r.tokens.size());
    if (!fail_with.ok()) return fail_with;
    return r;
  }
};

// A template whose generation prompt opens a thinking block unless enable_thinking is false
// (as Qwen3's does).
constexpr const char* kThinkingTemplate =
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n"
    "{% else %}<think>\n{% endif %}{% endif %}";

// A ChatML template that teaches the Hermes <tool_call> format (its tools are not shown: the
// fake model does not read them).
constexpr const char* kHermesTemplate =
    "{#- tools are called as <tool_call>{...}</tool_call> -#}"
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

constexpr const char* kWeatherTools = R"([{"type": "function", "function": {"name": "get_weather", "parameters":
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])";

class CapturingWriter : public StreamWriter {
 public:
  std::string written;
  int writes_allowed = 1 << 30;
  bool Write(std::string_view data) override {
    if (writes_allowed-- <= 0) return false;
    written += data;
    return true;
  }
  bool IsConnected() override { return writes_allowed > 0; }
  // The JSON of each "data: ..." event (not [DONE]).
  std::vector<json> Events() const {
    std::vector<json> out;
    size_t pos = 0;
    while ((pos = written.find("data: ", pos)) != std::string::npos) {
      const size_t end = written.find("\n\n", pos);
      const std::string payload = written.substr(pos + 6, end - pos - 6);
      if (payload != "[DONE]") out.push_back(json::parse(payload));
      pos = end;
    }
    return out;
  }
};

class GenerationPipelineTest : public ::testing::Test {
 protected:
  logging::test_util::TempDir dir;
  std::unique_ptr<logging::Logger> logger;
  ApiSettings settings;
  FakeEngine engine;
  std::unique_ptr<Scheduler> scheduler = std::make_unique<Scheduler>(1, 4);
  ApiMetrics metrics;
  std::unique_ptr<GenerationPipeline> pipeline;
  std::vector<json> records;

  void SetUp() override {
    logging::LogSettings s;
    s.dir = dir.path();
    logger = std::move(logging::Logger::Open(s).value());
    settings.default_model = "fake.gguf";
    pipeline = std::make_unique<GenerationPipeline>(settings, engine, *scheduler, metrics);
  }

  std::unique_ptr<RequestContext> Context() {
    logging::RequestContext fields;
    fields.request_id = "req_test";
    return std::make_unique<RequestContext>(HttpRequest{}, fields, *logger);
  }

  // Parses `body` through the surface's adapter and answers it; a stream is run to its end
  // into `writer` (when given).
  Response Answer(ApiSurface surface, const json& body, CapturingWriter* writer = nullptr) {
    auto ctx = Context();
    std::unique_ptr<ApiAdapter> adapter = MakeAdapter(surface);
    GenerationRequest request;
    if (auto e = adapter->Parse(body, "", &request)) return pipeline->Reject(*ctx, *adapter, request, *e);
    Response r = pipeline->Handle(*ctx, std::move(adapter), std::move(request));
    if (r.stream) {
      CapturingWriter own;
      r.stream(writer != nullptr ? *writer : own, *ctx);
    }
    return r;
  }

  // The records of `type` written so far; closes the logger (it writes asynchronously), so
  // the test answers no more requests after it.
  std::vector<json> Records(const std::string& type) {
    if (logger) {
      logger.reset();
      records = logging::test_util::ReadJsonLines(dir.file("api.log"));
    }
    std::vector<json> out;
    for (const json& rec : records) {
      if (rec.value("event_type", rec.value("type", "")) == type) out.push_back(rec);
    }
    return out;
  }

  void UseThinkingTemplate() {
    engine.model->chat_template = engine::ChatTemplate::FromSource(kThinkingTemplate, "", "").value();
  }
};

inline json ChatBody(json extra = json::object()) {
  json body = {{"messages", json::array({{{"role", "user"}, {"content", "Hi"}}})}, {"temperature", 0}};
  body.update(extra);
  return body;
}

}  // namespace
}  // namespace llm::server
