// Ollama's JSON shapes: the generate and chat objects (streamed as newline-delimited JSON),
// model details, the GGUF metadata of /api/show, and Ollama's times, sizes and names.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "server/generation_outcome.h"
#include "server/model_catalog.h"

namespace llm::engine {
class GgufFile;
}

namespace llm::server {

// A time as Ollama writes created_at / modified_at / expires_at: RFC 3339 in UTC with
// nanoseconds ("2026-12-03T19:22:45.499127000Z").
std::string OllamaTime(std::chrono::system_clock::time_point t);

// A parameter count as Ollama shows parameter_size: "8B", "7.6B", "494.03M", "260K", "12".
std::string OllamaParameterSize(int64_t parameters);

// {"parent_model": "", "format": "gguf", "family", "families", "parameter_size",
// "quantization_level"} of a model's description.
nlohmann::ordered_json OllamaModelDetails(const ModelDescription& d);

// The reply's calls in Ollama's shape: [{"function": {"name", "arguments": {...}}}] (arguments
// that are not a JSON object are given as {}).
nlohmann::ordered_json OllamaToolCalls(const std::vector<OutcomeToolCall>& calls);

// A request's reply as one object: the generate shape ({"response", "thinking"?}) or the chat
// shape ({"message": {"role", "content", "thinking"?, "tool_calls"?}}).
struct OllamaReplyText {
  std::string content;
  std::string thinking;
  const std::vector<OutcomeToolCall>* tool_calls = nullptr;  // chat only; may be null
  const std::vector<OutcomeLogprob>* logprobs = nullptr;     // null: not asked for
};

// One object of the answer, without its end fields: {"model", "created_at", reply, "done"}.
nlohmann::ordered_json OllamaObject(const std::string& model, bool chat, const OllamaReplyText& reply, bool done);

// Adds the fields of a finished generation to `obj`: done_reason, total_duration,
// load_duration, prompt_eval_count, prompt_eval_duration, eval_count, eval_duration (in
// nanoseconds; `total_seconds` is the whole request).
void AddOllamaEndFields(const GenerationOutcome& o, double total_seconds, nlohmann::ordered_json& obj);

// Ollama's done_reason of a generation: "stop", or "length" for every limit.
std::string OllamaDoneReason(engine::FinishReason reason);

// The metadata of a GGUF file as /api/show's model_info: every key with its value (arrays
// only when `verbose`, else null, as Ollama answers), plus general.parameter_count.
nlohmann::ordered_json OllamaModelInfo(const engine::GgufFile& file, bool verbose, int64_t parameters);

// One line of newline-delimited JSON: the object's text and "\n".
std::string NdjsonLine(const nlohmann::ordered_json& obj);

}  // namespace llm::server
