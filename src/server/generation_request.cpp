#include "server/generation_request.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/sampling/logprobs.h"
#include "nlohmann/json.hpp"
#include "server/constraint_fields.h"
#include "server/request_fields.h"

namespace llm::server {
namespace {

using nlohmann::json;

// `stop`: a string or an array of up to 16 strings; empty strings are ignored.
std::optional<ApiError> ReadStop(const json& body, std::vector<std::string>* out) {
  const json* v = GivenField(body, "stop");
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    if (!v->get<std::string>().empty()) out->push_back(v->get<std::string>());
    return std::nullopt;
  }
  if (!v->is_array()) return InvalidRequest("'stop' must be a string or an array of strings", "stop");
  if (v->size() > 16) return InvalidRequest("'stop' may hold at most 16 strings", "stop");
  for (const json& s : *v) {
    if (!s.is_string()) return InvalidRequest("'stop' must be a string or an array of strings", "stop");
    if (!s.get<std::string>().empty()) out->push_back(s.get<std::string>());
  }
  return std::nullopt;
}

// `logit_bias`: {"<token id>": bias in -100..100}; -100 bans the token, as OpenAI documents.
std::optional<ApiError> ReadLogitBias(const json& body, std::vector<std::pair<int32_t, float>>* out) {
  const json* v = GivenField(body, "logit_bias");
  if (v == nullptr) return std::nullopt;
  const char* shape = "'logit_bias' must map token ids (as strings) to numbers between -100 and 100";
  if (!v->is_object()) return InvalidRequest(shape, "logit_bias");
  if (v->size() > kMaxLogitBiasEntries) {
    return InvalidRequest("'logit_bias' may hold at most " + std::to_string(kMaxLogitBiasEntries) + " tokens", "logit_bias");
  }
  for (const auto& [key, bias] : v->items()) {
    char* end = nullptr;
    const long id = key.empty() || key.size() > 10 ? -1 : std::strtol(key.c_str(), &end, 10);
    if (id < 0 || id > INT32_MAX || end == nullptr || *end != '\0' || !bias.is_number()) return InvalidRequest(shape, "logit_bias");
    const double b = bias.get<double>();
    if (!(b >= -100 && b <= 100)) return InvalidRequest(shape, "logit_bias");
    out->emplace_back(static_cast<int32_t>(id), b <= -100 ? -std::numeric_limits<float>::infinity() : static_cast<float>(b));
  }
  return std::nullopt;
}

// The options common to every generation request.
std::optional<ApiError> ReadCommon(const json& body, GenerationRequest* out, const nlohmann::ordered_json* ordered) {
  if (auto e = ReadStringField(body, "model", &out->model)) return e;
  engine::SamplingParams& s = out->sampling;
  if (auto e = ReadNumberField(body, "temperature", 0, 2, &s.temperature)) return e;
  if (auto e = ReadNumberField(body, "top_p", 0, 1, &s.top_p)) return e;
  if (auto e = ReadNumberField(body, "min_p", 0, 1, &s.min_p)) return e;
  if (auto e = ReadNumberField(body, "repeat_penalty", 0.01, 10, &s.repeat_penalty)) return e;
  int64_t top_k = s.top_k;
  if (auto e = ReadIntField(body, "top_k", 0, 1 << 20, &top_k)) return e;
  s.top_k = static_cast<int32_t>(top_k);
  int64_t seed = -1;
  if (auto e = ReadIntField(body, "seed", 0, INT64_MAX, &seed)) return e;
  if (seed >= 0) s.seed = static_cast<uint64_t>(seed);
  if (auto e = ReadStop(body, &out->stop)) return e;
  if (auto e = ReadLogitBias(body, &s.logit_bias)) return e;
  if (auto e = ReadBoolField(body, "stream", &out->stream)) return e;
  if (auto e = ReadConstraint(body, out->flavor == ApiFlavor::kOpenAI, &out->grammar, ordered)) return e;
  Status valid = engine::ValidateSamplingParams(s);
  if (!valid.ok()) return InvalidRequest(valid.message());
  return std::nullopt;
}

std::optional<ApiError> ReadMaxTokens(const json& body, const char* key, int32_t* out) {
  int64_t n = *out;
  if (auto e = ReadIntField(body, key, 1, kMaxTokensLimit, &n)) return e;
  *out = static_cast<int32_t>(n);
  return std::nullopt;
}

std::optional<ApiError> RequireObject(const json& body) {
  if (!body.is_object()) return InvalidRequest("the request body must be a JSON object");
  return std::nullopt;
}

// One message's content: a string, or (OpenAI) an array of {"type": "text", "text": ...} parts.
std::optional<ApiError> ReadContent(const json& m, bool allow_parts, std::string* out) {
  const json* c = GivenField(m, "content");
  if (c == nullptr) return InvalidRequest("each message needs a 'content' string", "messages");
  if (c->is_string()) {
    *out = c->get<std::string>();
    return std::nullopt;
  }
  if (allow_parts && c->is_array()) {
    for (const json& part : *c) {
      if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") || !part["text"].is_string()) {
        return InvalidRequest("only text content parts are supported", "messages");
      }
      *out += part["text"].get<std::string>();
    }
    return std::nullopt;
  }
  return InvalidRequest("a message's 'content' must be a string", "messages");
}

// A message's role, checked against the roles of the route ("developer" is OpenAI's system).
std::optional<ApiError> ReadRole(const json& m, bool openai, std::string* out) {
  const json* role = GivenField(m, "role");
  if (role == nullptr || !role->is_string()) return InvalidRequest("each message needs a 'role' string", "messages");
  *out = role->get<std::string>();
  if (openai && *out == "developer") *out = "system";
  if (*out == "system" || *out == "user" || *out == "assistant" || *out == "tool") return std::nullopt;
  return InvalidRequest("unsupported message role '" + *out + "' (use system, user, assistant, tool)", "messages");
}

std::optional<ApiError> ReadMessages(const json& body, bool openai, GenerationRequest* out) {
  const json* v = GivenField(body, "messages");
  if (v == nullptr) return InvalidRequest("'messages' is required", "messages");
  if (!v->is_array()) return InvalidRequest("'messages' must be an array", "messages");
  if (v->empty()) return InvalidRequest("'messages' must not be empty", "messages");
  out->template_messages = nlohmann::ordered_json::array();
  for (const json& m : *v) {
    if (!m.is_object()) return InvalidRequest("each message must be an object", "messages");
    engine::ChatMessage msg;
    if (auto e = ReadRole(m, openai, &msg.role)) return e;
    const bool calls = msg.role == "assistant" && GivenField(m, "tool_calls") != nullptr;
    if (!(calls && GivenField(m, "content") == nullptr)) {  // an assistant's calls need no content
      if (auto e = ReadContent(m, openai, &msg.content)) return e;
    }
    nlohmann::ordered_json shaped;
    if (auto e = TemplateMessage(m, msg.role, msg.content, &shaped)) return e;
    out->has_tool_messages = out->has_tool_messages || msg.role == "tool" || shaped.contains("tool_calls");
    out->template_messages.push_back(std::move(shaped));
    out->messages.push_back(std::move(msg));
  }
  return std::nullopt;
}

// tools, tool_choice and parallel_tool_calls (chat routes); a forced call brings its own
// grammar, so it cannot be combined with another.
std::optional<ApiError> ReadTools(const json& body, GenerationRequest* out, const nlohmann::ordered_json* ordered) {
  if (auto e = ReadToolFields(body, &out->tools, ordered)) return e;
  if (out->tools.forced() && out->grammar) {
    return InvalidRequest("a forced 'tool_choice' cannot be combined with 'response_format' or 'grammar'",
                          "tool_choice");
  }
  return std::nullopt;
}

std::optional<ApiError> ReadPrompt(const json& body, bool openai, std::string* out) {
  const json* v = GivenField(body, "prompt");
  if (v == nullptr) return InvalidRequest("'prompt' is required", "prompt");
  if (openai && v->is_array() && v->size() == 1 && (*v)[0].is_string()) {
    *out = (*v)[0].get<std::string>();
  } else if (v->is_string()) {
    *out = v->get<std::string>();
  } else {
    return InvalidRequest(openai ? "'prompt' must be a string (or an array of one string)" : "'prompt' must be a string",
                          "prompt");
  }
  if (out->empty()) return InvalidRequest("'prompt' must not be empty", "prompt");
  return std::nullopt;
}

// Chat logprobs (both chat routes and the native generate route): `logprobs` (a boolean) and
// `top_logprobs` (0..20 alternatives, which needs logprobs true, as OpenAI checks).
std::optional<ApiError> ReadChatLogprobs(const json& body, GenerationRequest* out) {
  bool on = false;
  if (auto e = ReadBoolField(body, "logprobs", &on)) return e;
  int64_t top = 0;
  if (auto e = ReadIntField(body, "top_logprobs", 0, engine::kMaxTopLogprobs, &top)) return e;
  if (GivenField(body, "top_logprobs") != nullptr && !on) {
    return InvalidRequest("'top_logprobs' needs 'logprobs' set to true", "top_logprobs");
  }
  out->logprobs = on ? static_cast<int32_t>(top) : -1;
  return std::nullopt;
}

// /v1/completions' legacy `logprobs`: the number of alternatives (0..20) per token.
std::optional<ApiError> ReadCompletionLogprobs(const json& body, GenerationRequest* out) {
  int64_t top = -1;
  if (auto e = ReadIntField(body, "logprobs", 0, engine::kMaxTopLogprobs, &top)) return e;
  out->logprobs = static_cast<int32_t>(top);
  return std::nullopt;
}

// Chat routes: chat_template_kwargs (an object of template variables) and reasoning_format.
std::optional<ApiError> ReadReasoningOptions(const json& body, GenerationRequest* out) {
  if (const json* kwargs = GivenField(body, "chat_template_kwargs")) {
    if (!kwargs->is_object()) return InvalidRequest("'chat_template_kwargs' must be an object", "chat_template_kwargs");
    out->template_kwargs = nlohmann::ordered_json::parse(kwargs->dump());
  }
  std::string format = "auto";
  if (auto e = ReadStringField(body, "reasoning_format", &format)) return e;
  if (format == "none") {
    out->reasoning_format = ReasoningFormat::kNone;
  } else if (format != "auto" && format != "deepseek") {
    return InvalidRequest("'reasoning_format' must be \"auto\", \"deepseek\" or \"none\"", "reasoning_format");
  }
  return std::nullopt;
}

// OpenAI's options: n (1..kMaxChoices, not streamed above 1), the penalties, stream_options.
std::optional<ApiError> ReadOpenAIOptions(const json& body, GenerationRequest* out) {
  int64_t n = 1;
  if (auto e = ReadIntField(body, "n", 1, kMaxChoices, &n)) return e;
  if (n > 1 && out->stream) return InvalidRequest("'n' above 1 cannot be streamed; send stream false", "n");
  out->n = static_cast<int32_t>(n);
  if (auto e = ReadNumberField(body, "frequency_penalty", -2, 2, &out->sampling.frequency_penalty)) return e;
  if (auto e = ReadNumberField(body, "presence_penalty", -2, 2, &out->sampling.presence_penalty)) return e;
  if (const json* so = GivenField(body, "stream_options")) {
    if (!so->is_object()) return InvalidRequest("'stream_options' must be an object", "stream_options");
    if (auto e = ReadBoolField(*so, "include_usage", &out->include_usage)) return e;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> ParseNativeGenerate(const json& body, GenerationRequest* out, const nlohmann::ordered_json* ordered) {
  *out = GenerationRequest{};
  if (auto e = RequireObject(body)) return e;
  if (auto e = CheckRequestFields(body, GenerationRoute::kNativeGenerate)) return e;
  if (auto e = ReadPrompt(body, false, &out->prompt)) return e;
  if (auto e = ReadMaxTokens(body, "max_tokens", &out->max_tokens)) return e;
  if (auto e = ReadChatLogprobs(body, out)) return e;
  return ReadCommon(body, out, ordered);
}

std::optional<ApiError> ParseNativeChat(const json& body, GenerationRequest* out, const nlohmann::ordered_json* ordered) {
  *out = GenerationRequest{};
  out->kind = PromptKind::kChat;
  if (auto e = RequireObject(body)) return e;
  if (auto e = CheckRequestFields(body, GenerationRoute::kNativeChat)) return e;
  if (auto e = ReadMessages(body, false, out)) return e;
  if (auto e = ReadMaxTokens(body, "max_tokens", &out->max_tokens)) return e;
  if (auto e = ReadChatLogprobs(body, out)) return e;
  if (auto e = ReadReasoningOptions(body, out)) return e;
  if (auto e = ReadCommon(body, out, ordered)) return e;
  return ReadTools(body, out, ordered);
}

std::optional<ApiError> ParseOpenAICompletion(const json& body, GenerationRequest* out, const nlohmann::ordered_json* ordered) {
  *out = GenerationRequest{};
  out->flavor = ApiFlavor::kOpenAI;
  out->max_tokens = 16;  // OpenAI's default for /v1/completions
  if (auto e = RequireObject(body)) return e;
  if (auto e = CheckRequestFields(body, GenerationRoute::kOpenAICompletion)) return e;
  if (auto e = ReadPrompt(body, true, &out->prompt)) return e;
  if (auto e = ReadMaxTokens(body, "max_tokens", &out->max_tokens)) return e;
  if (auto e = ReadCompletionLogprobs(body, out)) return e;
  if (auto e = ReadCommon(body, out, ordered)) return e;
  return ReadOpenAIOptions(body, out);
}

std::optional<ApiError> ParseOpenAIChat(const json& body, GenerationRequest* out, const nlohmann::ordered_json* ordered) {
  *out = GenerationRequest{};
  out->flavor = ApiFlavor::kOpenAI;
  out->kind = PromptKind::kChat;
  out->max_tokens = -1;  // OpenAI's default: until the context is full
  if (auto e = RequireObject(body)) return e;
  if (auto e = CheckRequestFields(body, GenerationRoute::kOpenAIChat)) return e;
  if (auto e = ReadMessages(body, true, out)) return e;
  if (auto e = ReadMaxTokens(body, "max_tokens", &out->max_tokens)) return e;
  if (auto e = ReadMaxTokens(body, "max_completion_tokens", &out->max_tokens)) return e;
  if (auto e = ReadChatLogprobs(body, out)) return e;
  if (auto e = ReadReasoningOptions(body, out)) return e;
  if (auto e = ReadCommon(body, out, ordered)) return e;
  if (auto e = ReadTools(body, out, ordered)) return e;
  return ReadOpenAIOptions(body, out);
}

}  // namespace llm::server
