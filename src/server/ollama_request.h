// Ollama's /api/generate and /api/chat request bodies, parsed into the pipeline's
// GenerationRequest plus what only Ollama has (the model name as the client wrote it, a
// load-only request, keep_alive). Parsing never throws; the first problem is a 400 naming the
// field, as the other surfaces answer.
#pragma once

#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "server/api_error.h"
#include "server/generation_request.h"

namespace llm::server {

// Ollama's keep_alive: how long the model stays loaded after the request.
struct KeepAlive {
  enum class Kind { kDefault, kForever, kUnloadNow, kDuration };
  Kind kind = Kind::kDefault;  // kDefault: not given
  double seconds = 0;          // kDuration
};

// A keep_alive value: a Go duration string ("5m", "1h30m", "90s", "250ms", "-1", "0") or a
// number of seconds; 0 unloads now, a negative value keeps the model loaded for ever. A 400
// naming keep_alive for anything else.
std::optional<ApiError> ParseKeepAlive(const nlohmann::json& value, KeepAlive* out);

struct OllamaRequest {
  std::string model;       // the name as sent ("stories260K:latest"); echoed in every answer
  bool load_only = false;  // no prompt / no messages: load the model, answer done_reason "load"
  bool think_given = false;  // `think` was sent (the model's template must take it)
  KeepAlive keep_alive;
};

// POST /api/generate: model, prompt, system, raw, format, options, think, stream (default
// true), keep_alive, logprobs, top_logprobs. Without `raw` the prompt (and system) are rendered
// as a conversation by the model's chat template, as Ollama renders them through its template.
// `ordered` (may be null) is the body in the client's key order (a schema's properties).
std::optional<ApiError> ParseOllamaGenerate(const nlohmann::json& body, const nlohmann::ordered_json* ordered,
                                            GenerationRequest* out, OllamaRequest* extra);
// POST /api/chat: model, messages ({role, content, tool_calls, tool_name}), tools, format,
// options, think, stream, keep_alive, logprobs, top_logprobs.
std::optional<ApiError> ParseOllamaChat(const nlohmann::json& body, const nlohmann::ordered_json* ordered,
                                        GenerationRequest* out, OllamaRequest* extra);

// The sampling defaults of the Ollama surface (Ollama's documented defaults: temperature 0.8,
// top_k 40, top_p 0.9, min_p 0, repeat_penalty 1.1, repeat_last_n 64).
engine::SamplingParams OllamaDefaultSampling();

}  // namespace llm::server
