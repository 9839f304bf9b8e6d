#include "server/response_shaper.h"

#include <chrono>

#include "server/native_json.h"
#include "server/openai_json.h"

namespace llm::server {
namespace {

void AddErrorHeaders(Response& r, const ApiError& e) {
  if (e.retry_after_seconds > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_seconds));
}

Response JsonText(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

class NativeShaper : public ResponseShaper {
 public:
  explicit NativeShaper(PromptKind kind) : kind_(kind) {}
  const std::string& completion_id() const override { return id_; }
  void set_model(const std::string&) override {}
  Response Error(RequestContext& ctx, const ApiError& e) override { return ErrorResponse(ctx, ApiFlavor::kNative, e); }
  Response Complete(const GenerationOutcome& o) override { return JsonText(200, DumpJson(NativeResponse(o, kind_))); }
  std::string StreamStart() override { return ""; }
  std::string StreamPiece(std::string_view piece) override { return NativePieceEvent(piece, kind_); }
  std::string StreamEnd(const GenerationOutcome& o) override { return NativeFinalEvent(o, kind_); }
  std::string StreamError(const ApiError& e, const std::string& request_id) override {
    return NativeErrorEvent(e, request_id);
  }

 private:
  PromptKind kind_;
  std::string id_;
};

class OpenAIShaper : public ResponseShaper {
 public:
  explicit OpenAIShaper(const GenerationRequest& r) : chat_(r.kind == PromptKind::kChat) {
    header_.id = NewCompletionId(chat_ ? "chatcmpl-" : "cmpl-");
    header_.created = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
    header_.include_usage = r.include_usage;
  }
  const std::string& completion_id() const override { return header_.id; }
  void set_model(const std::string& model) override { header_.model = model; }
  Response Error(RequestContext& ctx, const ApiError& e) override { return ErrorResponse(ctx, ApiFlavor::kOpenAI, e); }
  Response Complete(const GenerationOutcome& o) override {
    GenerationOutcome copy = o;
    copy.completion_id = header_.id;
    copy.created_unix = header_.created;
    return JsonText(200, DumpJson(chat_ ? OpenAIChatResponse(copy) : OpenAICompletionResponse(copy)));
  }
  std::string StreamStart() override {
    if (!chat_) return "";
    const std::string role = "assistant", empty;
    return SseEvent(DumpJson(OpenAIChatChunk(header_, &role, &empty, "")));
  }
  std::string StreamPiece(std::string_view piece) override {
    if (!chat_) return SseEvent(DumpJson(OpenAICompletionChunk(header_, piece, "")));
    const std::string content(piece);
    return SseEvent(DumpJson(OpenAIChatChunk(header_, nullptr, &content, "")));
  }
  std::string StreamEnd(const GenerationOutcome& o) override {
    const std::string reason = chat_ ? OpenAIChatFinishReason(o) : OpenAIFinishReason(o.finish_reason);
    std::string out = o.tools_active ? HeldBackReply(o) : "";
    out += chat_ ? SseEvent(DumpJson(OpenAIChatChunk(header_, nullptr, nullptr, reason)))
                 : SseEvent(DumpJson(OpenAICompletionChunk(header_, "", reason)));
    if (header_.include_usage) out += SseEvent(DumpJson(OpenAIUsageChunk(header_, chat_, o)));
    return out + "data: [DONE]\n\n";
  }
  std::string StreamError(const ApiError& e, const std::string&) override {
    return SseEvent(DumpJson(OpenAIErrorBody(e))) + "data: [DONE]\n\n";
  }

 private:
  // With tools the reply is held back until it is parsed: its content in one chunk, then
  // each call as OpenAI streams one (id, type and name first, then the arguments).
  std::string HeldBackReply(const GenerationOutcome& o) const {
    std::string out;
    if (!o.content.empty()) out += SseEvent(DumpJson(OpenAIChatChunk(header_, nullptr, &o.content, "")));
    for (size_t i = 0; i < o.tool_calls.size(); ++i) {
      out += SseEvent(DumpJson(OpenAIToolCallChunk(header_, i, o.tool_calls[i], /*first=*/true)));
      out += SseEvent(DumpJson(OpenAIToolCallChunk(header_, i, o.tool_calls[i], /*first=*/false)));
    }
    return out;
  }

  bool chat_;
  ChunkHeader header_;
};

}  // namespace

std::unique_ptr<ResponseShaper> MakeShaper(const GenerationRequest& request) {
  if (request.flavor == ApiFlavor::kOpenAI) return std::make_unique<OpenAIShaper>(request);
  return std::make_unique<NativeShaper>(request.kind);
}

Response ErrorResponse(RequestContext& ctx, ApiFlavor flavor, const ApiError& e) {
  nlohmann::json extra = nullptr;
  if (!e.param.empty()) extra = {{"param", e.param}};
  Response r;
  if (flavor == ApiFlavor::kOpenAI) {
    ctx.LogError(e.status, e.error_type, e.message, extra);
    r = JsonText(e.status, DumpJson(OpenAIErrorBody(e)));
  } else {
    r = ctx.Error(e.status, e.error_type, e.message, extra);
  }
  AddErrorHeaders(r, e);
  return r;
}

}  // namespace llm::server
