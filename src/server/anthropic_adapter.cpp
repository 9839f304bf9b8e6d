#include "server/anthropic_adapter.h"

#include "server/anthropic_json.h"
#include "server/native_json.h"

namespace llm::server {
namespace {

using nlohmann::ordered_json;

// /v1/messages: the "message" object, or its stream of events. A stream opens a content block
// when its kind of text (thinking, then the answer) first arrives and closes it when the
// other kind arrives or the reply ends; the tool calls, parsed once the reply is whole, follow
// as tool_use blocks with their input in one input_json_delta.
class AnthropicAdapter : public ApiAdapter {
 public:
  explicit AnthropicAdapter(ParseFn parse) : parse_(parse), id_(NewCompletionId("msg_")) {}

  std::optional<ApiError> Parse(const nlohmann::json& body, std::string_view raw, GenerationRequest* out) override {
    std::optional<ApiError> e = ParseInOrder(parse_, body, raw, out, {"tools", "messages"});
    out->flavor = ApiFlavor::kAnthropic;
    out->kind = PromptKind::kChat;
    return e;
  }
  const std::string& completion_id() const override { return id_; }
  void set_model(const std::string& model) override { model_ = model; }
  void set_prompt_tokens(int64_t n) override { prompt_tokens_ = n; }
  std::string ErrorBody(const ApiError& e, const std::string& request_id) const override {
    return DumpJson(AnthropicErrorBody(e.status, e.message, request_id));
  }
  std::string Complete(const GenerationOutcome& o) override { return DumpJson(AnthropicMessage(id_, o)); }
  std::string StreamStart() override {
    return AnthropicEvent("message_start", AnthropicMessageStart(id_, model_, prompt_tokens_));
  }
  std::string StreamDelta(const GenerationDelta& d) override {
    std::string out;
    if (!d.reasoning.empty()) {
      out += OpenBlock(Block::kThinking);
      out += BlockDelta({{"type", "thinking_delta"}, {"thinking", d.reasoning}});
    }
    if (!d.content.empty()) {
      out += OpenBlock(Block::kText);
      out += BlockDelta({{"type", "text_delta"}, {"text", d.content}});
    }
    return out;
  }
  std::string StreamEnd(const GenerationOutcome& o) override {
    std::string out = CloseBlock();
    for (const OutcomeToolCall& call : o.tool_calls) out += ToolUseEvents(call);
    const std::string reason = AnthropicStopReason(o);
    ordered_json delta = {{"stop_reason", reason},
                          {"stop_sequence", reason == "stop_sequence" ? ordered_json(o.stop_string) : ordered_json(nullptr)}};
    out += AnthropicEvent("message_delta", {{"type", "message_delta"},
                                            {"delta", std::move(delta)},
                                            {"usage", AnthropicUsage(o.prompt_tokens, o.completion_tokens)}});
    return out + AnthropicEvent("message_stop", {{"type", "message_stop"}});
  }
  std::string StreamError(const ApiError& e, const std::string& request_id) override {
    ordered_json body = AnthropicErrorBody(e.status, e.message, request_id);
    body.erase("request_id");  // the error event carries {type, error} only
    return AnthropicEvent("error", body);
  }

 private:
  enum class Block { kNone, kThinking, kText };

  // content_block_start of a `kind` block unless one is open (closing another kind first).
  std::string OpenBlock(Block kind) {
    if (open_ == kind) return "";
    std::string out = CloseBlock();
    open_ = kind;
    index_ = next_index_++;
    const ordered_json block = kind == Block::kThinking
                                   ? ordered_json{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}
                                   : ordered_json{{"type", "text"}, {"text", ""}};
    return out + AnthropicEvent("content_block_start",
                                {{"type", "content_block_start"}, {"index", index_}, {"content_block", block}});
  }
  // content_block_stop of the open block ("" when none is open).
  std::string CloseBlock() {
    if (open_ == Block::kNone) return "";
    open_ = Block::kNone;
    return AnthropicEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", index_}});
  }
  std::string BlockDelta(ordered_json delta) const {
    return AnthropicEvent("content_block_delta",
                          {{"type", "content_block_delta"}, {"index", index_}, {"delta", std::move(delta)}});
  }
  // One tool_use block: its start (empty input), its input as one input_json_delta, its stop.
  std::string ToolUseEvents(const OutcomeToolCall& call) {
    index_ = next_index_++;
    const ordered_json block = {
        {"type", "tool_use"}, {"id", AnthropicToolUseId(call.id)}, {"name", call.name}, {"input", ordered_json::object()}};
    std::string out = AnthropicEvent("content_block_start",
                                     {{"type", "content_block_start"}, {"index", index_}, {"content_block", block}});
    out += BlockDelta({{"type", "input_json_delta"}, {"partial_json", call.arguments}});
    return out + AnthropicEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", index_}});
  }

  ParseFn parse_;
  std::string id_;
  std::string model_;
  int64_t prompt_tokens_ = 0;
  Block open_ = Block::kNone;
  int64_t index_ = 0;       // the index of the open (or last) block
  int64_t next_index_ = 0;  // the index the next block gets
};

}  // namespace

std::unique_ptr<ApiAdapter> MakeAnthropicAdapter(ParseFn parse) { return std::make_unique<AnthropicAdapter>(parse); }

}  // namespace llm::server
