// The native API's and OpenAI's adapters onto the generation pipeline (Ollama's is in
// ollama_adapter.*, Anthropic's in anthropic_adapter.cpp).
#include <chrono>

#include "nlohmann/json.hpp"

#include "server/api_adapter.h"
#include "server/anthropic_adapter.h"
#include "server/anthropic_request.h"
#include "server/error_answer.h"
#include "server/native_json.h"
#include "server/ollama_adapter.h"
#include "server/openai_json.h"

namespace llm::server {

std::optional<ApiError> ParseInOrder(ParseFn parse, const nlohmann::json& body, std::string_view raw,
                                     GenerationRequest* out, std::initializer_list<const char*> keyed) {
  std::optional<nlohmann::ordered_json> ordered;
  bool wanted = false;
  for (const char* key : keyed) wanted = wanted || (body.is_object() && body.contains(key));
  if (!raw.empty() && wanted) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(raw, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) ordered = std::move(doc);
  }
  return parse(body, out, ordered ? &*ordered : nullptr);
}

namespace {

// /api/v1/generate and /api/v1/chat: one JSON answer, or SSE events of deltas ending with the
// whole answer and "done": true.
class NativeAdapter : public ApiAdapter {
 public:
  NativeAdapter(PromptKind kind, ParseFn parse) : kind_(kind), parse_(parse) {}
  std::optional<ApiError> Parse(const nlohmann::json& body, std::string_view raw, GenerationRequest* out) override {
    std::optional<ApiError> e = ParseInOrder(parse_, body, raw, out, {"response_format", "tools"});
    out->flavor = ApiFlavor::kNative;
    out->kind = kind_;
    logprobs_ = out->logprobs >= 0;
    return e;
  }
  const std::string& completion_id() const override { return id_; }
  void set_model(const std::string&) override {}
  std::string ErrorBody(const ApiError& e, const std::string& request_id) const override {
    return ErrorBodyText(ApiFlavor::kNative, e, request_id);
  }
  std::string Complete(const GenerationOutcome& o) override { return DumpJson(NativeResponse(o, kind_)); }
  std::string StreamStart() override { return ""; }
  std::string StreamDelta(const GenerationDelta& d) override { return NativeDeltaEvent(d, kind_, logprobs_); }
  std::string StreamEnd(const GenerationOutcome& o) override { return NativeFinalEvent(o, kind_); }
  std::string StreamError(const ApiError& e, const std::string& request_id) override {
    return NativeErrorEvent(e, request_id);
  }

 private:
  PromptKind kind_;
  ParseFn parse_;
  bool logprobs_ = false;
  std::string id_;
};

// /v1/chat/completions and /v1/completions: OpenAI's objects and chunks.
class OpenAIAdapter : public ApiAdapter {
 public:
  OpenAIAdapter(PromptKind kind, ParseFn parse) : chat_(kind == PromptKind::kChat), parse_(parse) {
    header_.id = NewCompletionId(chat_ ? "chatcmpl-" : "cmpl-");
    header_.created = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  }
  std::optional<ApiError> Parse(const nlohmann::json& body, std::string_view raw, GenerationRequest* out) override {
    std::optional<ApiError> e = ParseInOrder(parse_, body, raw, out, {"response_format", "tools"});
    out->flavor = ApiFlavor::kOpenAI;
    out->kind = chat_ ? PromptKind::kChat : PromptKind::kText;
    header_.include_usage = out->include_usage;
    logprobs_ = out->logprobs >= 0;
    return e;
  }
  const std::string& completion_id() const override { return header_.id; }
  void set_model(const std::string& model) override { header_.model = model; }
  std::string ErrorBody(const ApiError& e, const std::string& request_id) const override {
    return ErrorBodyText(ApiFlavor::kOpenAI, e, request_id);
  }
  std::string Complete(const GenerationOutcome& o) override {
    GenerationOutcome copy = o;
    copy.completion_id = header_.id;
    copy.created_unix = header_.created;
    return DumpJson(chat_ ? OpenAIChatResponse(copy) : OpenAICompletionResponse(copy));
  }
  std::string StreamStart() override {
    if (!chat_) return "";
    const std::string role = "assistant";
    const GenerationDelta empty;
    return SseEvent(DumpJson(OpenAIChatChunk(header_, &role, &empty, false, "")));
  }
  std::string StreamDelta(const GenerationDelta& d) override {
    if (chat_) return SseEvent(DumpJson(OpenAIChatChunk(header_, nullptr, &d, logprobs_, "")));
    const size_t offset = text_offset_;
    text_offset_ += d.content.size();
    return SseEvent(
        DumpJson(OpenAICompletionChunk(header_, d.content, CompletionLogprobsJson(logprobs_, d.logprobs, offset), "")));
  }
  std::string StreamEnd(const GenerationOutcome& o) override {
    const std::string reason = chat_ ? OpenAIChatFinishReason(o) : OpenAIFinishReason(o.finish_reason);
    std::string out = o.tools_active ? ToolCallChunks(o) : "";
    out += chat_ ? SseEvent(DumpJson(OpenAIChatChunk(header_, nullptr, nullptr, false, reason)))
                 : SseEvent(DumpJson(OpenAICompletionChunk(header_, "", nullptr, reason)));
    if (header_.include_usage) out += SseEvent(DumpJson(OpenAIUsageChunk(header_, chat_, o)));
    return out + "data: [DONE]\n\n";
  }
  std::string StreamError(const ApiError& e, const std::string& request_id) override {
    return SseEvent(ErrorBody(e, request_id)) + "data: [DONE]\n\n";
  }

 private:
  // The calls of a reply, parsed once it is whole, as OpenAI streams them: per call, id, type
  // and name first, then the arguments (its content went out in the deltas before).
  std::string ToolCallChunks(const GenerationOutcome& o) const {
    std::string out;
    for (size_t i = 0; i < o.tool_calls.size(); ++i) {
      out += SseEvent(DumpJson(OpenAIToolCallChunk(header_, i, o.tool_calls[i], /*first=*/true)));
      out += SseEvent(DumpJson(OpenAIToolCallChunk(header_, i, o.tool_calls[i], /*first=*/false)));
    }
    return out;
  }

  bool chat_;
  ParseFn parse_;
  bool logprobs_ = false;
  size_t text_offset_ = 0;  // bytes of text streamed so far (legacy logprobs' text_offset)
  ChunkHeader header_;
};

}  // namespace

std::unique_ptr<ApiAdapter> MakeAdapter(ApiSurface surface) {
  switch (surface) {
    case ApiSurface::kNativeGenerate: return std::make_unique<NativeAdapter>(PromptKind::kText, ParseNativeGenerate);
    case ApiSurface::kNativeChat: return std::make_unique<NativeAdapter>(PromptKind::kChat, ParseNativeChat);
    case ApiSurface::kOpenAIChat: return std::make_unique<OpenAIAdapter>(PromptKind::kChat, ParseOpenAIChat);
    case ApiSurface::kOllamaGenerate: return std::make_unique<OllamaAdapter>(PromptKind::kText);
    case ApiSurface::kOllamaChat: return std::make_unique<OllamaAdapter>(PromptKind::kChat);
    case ApiSurface::kAnthropicMessages: return MakeAnthropicAdapter(ParseAnthropicMessages);
    case ApiSurface::kAnthropicCountTokens: return MakeAnthropicAdapter(ParseAnthropicCountTokens);
    case ApiSurface::kOpenAICompletion: break;
  }
  return std::make_unique<OpenAIAdapter>(PromptKind::kText, ParseOpenAICompletion);
}

}  // namespace llm::server
