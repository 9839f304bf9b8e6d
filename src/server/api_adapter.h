// ApiAdapter: one API surface (the native API's generate and chat, OpenAI's chat and
// completions, and the surfaces to come) on the one generation pipeline. It maps its wire
// request to the pipeline's GenerationRequest, and the pipeline's events -- the answer, the
// stream's deltas, its end, an error -- back to its wire format. It knows nothing of models,
// slots or logs.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"
#include "server/generation_outcome.h"
#include "server/generation_request.h"

namespace llm::server {

enum class ApiSurface {
  kNativeGenerate,
  kNativeChat,
  kOpenAIChat,
  kOpenAICompletion,
  kAnthropicMessages,     // POST /v1/messages
  kAnthropicCountTokens,  // POST /v1/messages/count_tokens (parses and answers errors only)
  kOllamaGenerate,        // POST /api/generate
  kOllamaChat,            // POST /api/chat
};

class ApiAdapter {
 public:
  virtual ~ApiAdapter() = default;
  // The request of a body (`raw_body` its text, "" when not at hand: JSON schemas and tools
  // are then read with their keys sorted, not in the client's order); the first problem as a
  // 400 naming the field. The request's flavour and kind are set even when parsing fails (the
  // error is then answered in shape).
  virtual std::optional<ApiError> Parse(const nlohmann::json& body, std::string_view raw_body,
                                        GenerationRequest* out) = 0;
  // The id of the completion ("chatcmpl-..." / "cmpl-..." / "msg_..."; "" for the native API).
  virtual const std::string& completion_id() const = 0;
  // The model's name once known (used in stream chunks).
  virtual void set_model(const std::string& model) = 0;
  // The number of prompt tokens once the prompt is tokenized (before StreamStart).
  virtual void set_prompt_tokens(int64_t) {}
  // The JSON body of error `e` in this surface's shape.
  virtual std::string ErrorBody(const ApiError& e, const std::string& request_id) const = 0;
  // The JSON body of a non-streamed answer.
  virtual std::string Complete(const GenerationOutcome& o) = 0;
  // The content type of a streamed answer (Server-Sent Events unless the surface streams
  // another way, e.g. Ollama's newline-delimited JSON).
  virtual std::string StreamContentType() const { return "text/event-stream"; }
  // SSE text sent before the first delta ("" when none).
  virtual std::string StreamStart() = 0;
  // SSE text for one delta of a stream ("" when the surface has nothing to send for it).
  virtual std::string StreamDelta(const GenerationDelta& d) = 0;
  // SSE text that ends a successful stream (held-back tool calls, final event, usage).
  virtual std::string StreamEnd(const GenerationOutcome& o) = 0;
  // SSE text that ends a stream with an error.
  virtual std::string StreamError(const ApiError& e, const std::string& request_id) = 0;
};

// The adapter of `surface`, for one request.
std::unique_ptr<ApiAdapter> MakeAdapter(ApiSurface surface);

// A surface's parser of a body; `ordered` (may be null) is the body in the client's key order.
using ParseFn = std::optional<ApiError> (*)(const nlohmann::json& body, GenerationRequest* out,
                                            const nlohmann::ordered_json* ordered);
// Parses `body` with `parse`, giving it the body in the client's key order (read again from
// `raw`) when the body has one of `keyed` -- the fields whose contents keep the client's order
// (JSON schemas, tools, tool inputs).
std::optional<ApiError> ParseInOrder(ParseFn parse, const nlohmann::json& body, std::string_view raw,
                                     GenerationRequest* out, std::initializer_list<const char*> keyed);

}  // namespace llm::server
