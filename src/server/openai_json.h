// OpenAI's JSON shapes: chat.completion, text_completion, their streamed chunks, the model
// list and the error object.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "server/api_error.h"
#include "server/generation_outcome.h"
#include "server/model_catalog.h"

namespace llm::server {

// {"prompt_tokens", "completion_tokens", "total_tokens", "completion_tokens_details":
// {"reasoning_tokens"}}.
nlohmann::ordered_json UsageJson(const GenerationOutcome& o);

// A "chat.completion" object.
nlohmann::ordered_json OpenAIChatResponse(const GenerationOutcome& o);
// A "text_completion" object.
nlohmann::ordered_json OpenAICompletionResponse(const GenerationOutcome& o);

// Identity of a streamed completion, repeated in each chunk.
struct ChunkHeader {
  std::string id;
  int64_t created = 0;
  std::string model;
  bool include_usage = false;  // chunks carry "usage": null, a last one carries the usage
};

// The log probabilities of tokens as chat reports them:
// [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}] (the native API too).
nlohmann::ordered_json LogprobEntriesJson(const std::vector<OutcomeLogprob>& logprobs);
// A chat choice's "logprobs": {"content": LogprobEntriesJson, "refusal": null}, or null when
// not requested.
nlohmann::ordered_json ChatLogprobsJson(bool requested, const std::vector<OutcomeLogprob>& logprobs);
// A text_completion choice's "logprobs" (the legacy shape): {tokens, token_logprobs,
// top_logprobs: [{token: logprob}], text_offset} with offsets counted from `text_offset`, or
// null when not requested.
nlohmann::ordered_json CompletionLogprobsJson(bool requested, const std::vector<OutcomeLogprob>& logprobs,
                                              size_t text_offset);

// A "chat.completion.chunk": delta {role?, content?, reasoning_content?} with the delta's
// logprobs (when `logprobs`), and finish_reason (null when empty). `d` may be null (no text).
nlohmann::ordered_json OpenAIChatChunk(const ChunkHeader& h, const std::string* role, const GenerationDelta* d,
                                       bool logprobs, const std::string& finish_reason);
// A "chat.completion.chunk" with delta.tool_calls for call `index`: the first of a call
// carries id, type, name and empty arguments; the next (`first` false) the arguments text.
nlohmann::ordered_json OpenAIToolCallChunk(const ChunkHeader& h, size_t index, const OutcomeToolCall& call,
                                           bool first);
// A streamed "text_completion" chunk with `text`, its logprobs (the legacy shape, null when
// `logprobs` is null) and finish_reason (null when empty).
nlohmann::ordered_json OpenAICompletionChunk(const ChunkHeader& h, std::string_view text,
                                             nlohmann::ordered_json logprobs, const std::string& finish_reason);
// The last chunk of a stream with stream_options.include_usage: empty choices plus usage.
nlohmann::ordered_json OpenAIUsageChunk(const ChunkHeader& h, bool chat, const GenerationOutcome& o);

// {"error": {"message", "type", "param", "code"}} (param/code null when empty).
nlohmann::ordered_json OpenAIErrorBody(const ApiError& e);

// {"object": "list", "data": [{"id", "object": "model", "created", "owned_by"}...]}.
nlohmann::ordered_json OpenAIModelList(const std::vector<ModelFile>& files);

}  // namespace llm::server
