// A generation request, parsed and validated from the JSON body of the native API, OpenAI's or
// Anthropic's (server/anthropic_request.h).
// Parsing never throws; the first problem found becomes a 400 InvalidRequestError naming the
// field (`param`).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/chat/chat_template.h"
#include "engine/grammar/grammar.h"
#include "engine/sampling/sampler.h"
#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"
#include "server/tool_fields.h"

namespace llm::server {

enum class ApiFlavor { kNative, kOpenAI, kOllama, kAnthropic };
enum class PromptKind { kText, kChat };
// How a chat reply's <think> reasoning is reported (llama-server's reasoning_format): kAuto
// ("auto" or "deepseek") moves it to reasoning_content, kNone leaves it in the content.
enum class ReasoningFormat { kAuto, kNone };

struct GenerationRequest {
  ApiFlavor flavor = ApiFlavor::kNative;
  PromptKind kind = PromptKind::kText;
  std::string model;                          // "" = DEFAULT_MODEL
  std::string prompt;                         // kText
  std::vector<engine::ChatMessage> messages;  // kChat
  int32_t max_tokens = 128;                   // -1: until the context is full
  engine::SamplingParams sampling;
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;  // OpenAI stream_options.include_usage
  // From `grammar` or `response_format`: the output must match it (null: unconstrained).
  std::shared_ptr<const engine::Grammar> grammar;
  // Chat routes: tools, tool_choice and parallel_tool_calls.
  ToolRequest tools;
  // Chat routes: the conversation in the template's OpenAI shapes, with assistant tool_calls
  // and tool results; rendered through the template whenever tools or tool messages appear.
  nlohmann::ordered_json template_messages;
  bool has_tool_messages = false;
  // Chat routes: extra variables of the chat template (chat_template_kwargs, e.g.
  // {"enable_thinking": false}); an object or null.
  nlohmann::ordered_json template_kwargs;
  ReasoningFormat reasoning_format = ReasoningFormat::kAuto;
  // >= 0: report each generated token's log probability with this many alternatives.
  int32_t logprobs = -1;
  // OpenAI's `n`: how many replies (choices) to generate for the one prompt.
  int32_t n = 1;
  // Whether the prompt shows tools or tool messages.
  bool renders_tools() const { return tools.tools.is_array() || has_tool_messages; }
  // Whether the prompt needs the template's full request rendering (tools, tool messages or
  // template variables).
  bool renders_request() const { return renders_tools() || template_kwargs.is_object(); }
};

// The most choices (`n`) one request may ask for.
inline constexpr int32_t kMaxChoices = 8;

// The most tokens one request's logit_bias may name.
inline constexpr size_t kMaxLogitBiasEntries = 1024;

// The largest max_tokens a request may ask for (the context also bounds it at run time).
inline constexpr int64_t kMaxTokensLimit = 1 << 20;

// Each parser reads a body; `ordered` (may be null) is the same body with its keys in the
// client's order, from which JSON schemas and tools are taken (see ReadConstraint).

// The sampling fields of `obj` (a request body, or an Ollama `options` object): temperature,
// top_p, min_p, repeat_penalty, top_k, seed and stop, into out->sampling and out->stop.
std::optional<ApiError> ReadSamplingFields(const nlohmann::json& obj, GenerationRequest* out);

// `logprobs` (a boolean) and `top_logprobs` (0..20 alternatives, which needs logprobs true,
// as OpenAI checks) of the chat routes, the native generate route and Ollama's routes.
std::optional<ApiError> ReadChatLogprobs(const nlohmann::json& body, GenerationRequest* out);

// POST /api/v1/generate: prompt, model, max_tokens, temperature, top_p, top_k, min_p,
// repeat_penalty, seed, stop, stream, grammar.
std::optional<ApiError> ParseNativeGenerate(const nlohmann::json& body, GenerationRequest* out,
                                            const nlohmann::ordered_json* ordered = nullptr);
// POST /api/v1/chat: messages ({role, content}; assistant tool_calls and tool messages), the
// same options, and tools, tool_choice, parallel_tool_calls.
std::optional<ApiError> ParseNativeChat(const nlohmann::json& body, GenerationRequest* out,
                                        const nlohmann::ordered_json* ordered = nullptr);
// POST /v1/completions: OpenAI's fields (prompt as a string or a one-string array), plus
// response_format and grammar.
std::optional<ApiError> ParseOpenAICompletion(const nlohmann::json& body, GenerationRequest* out,
                                              const nlohmann::ordered_json* ordered = nullptr);
// POST /v1/chat/completions: OpenAI's fields (content as a string or text parts; assistant
// tool_calls and tool messages), plus tools, response_format and grammar.
std::optional<ApiError> ParseOpenAIChat(const nlohmann::json& body, GenerationRequest* out,
                                        const nlohmann::ordered_json* ordered = nullptr);

}  // namespace llm::server
