#include "server/request_fields.h"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <span>

#include <nlohmann/json.hpp>

namespace llm::server {
namespace {

using U = FieldUse;

// Sampling options every generation route honours (llama.cpp's extensions on OpenAI routes).
constexpr RequestField kCommon[] = {
    {"model", U::kHonoured, ""},     {"max_tokens", U::kHonoured, ""}, {"temperature", U::kHonoured, ""},
    {"top_p", U::kHonoured, ""},     {"top_k", U::kHonoured, ""},      {"min_p", U::kHonoured, ""},
    {"repeat_penalty", U::kHonoured, ""}, {"seed", U::kHonoured, ""},  {"stop", U::kHonoured, ""},
    {"stream", U::kHonoured, ""},     {"grammar", U::kHonoured, ""},    {"logit_bias", U::kHonoured, ""},
};

constexpr std::string_view kNoUserState =
    "an end-user id for the provider's abuse monitoring; this server keeps no per-user state";

// Fields of both OpenAI routes.
constexpr RequestField kOpenAIShared[] = {
    {"frequency_penalty", U::kHonoured, ""},
    {"presence_penalty", U::kHonoured, ""},
    {"n", U::kHonoured, ""},
    {"stream_options", U::kHonoured, ""},
    {"response_format", U::kHonoured, ""},
    {"user", U::kIgnored, kNoUserState},
};

// Tool calling (both chat routes).
constexpr RequestField kTools[] = {
    {"tools", U::kHonoured, ""}, {"tool_choice", U::kHonoured, ""}, {"parallel_tool_calls", U::kHonoured, ""}};

// Log probabilities on the chat routes and the native generate route (/v1/completions has
// the legacy integer `logprobs`).
constexpr RequestField kChatLogprobs[] = {{"logprobs", U::kHonoured, ""}, {"top_logprobs", U::kHonoured, ""}};

// Thinking models (both chat routes), as llama-server offers them.
constexpr RequestField kReasoning[] = {{"reasoning_format", U::kHonoured, ""},
                                       {"chat_template_kwargs", U::kHonoured, ""}};

constexpr RequestField kPrompt[] = {{"prompt", U::kHonoured, ""}};
constexpr RequestField kMessages[] = {{"messages", U::kHonoured, ""}};

constexpr RequestField kCompletionOnly[] = {
    {"logprobs", U::kHonoured, ""},
    {"echo", U::kUnsupported, "echo is not supported"},
    {"best_of", U::kUnsupported, "best_of is not supported"},
    {"suffix", U::kUnsupported, "suffix (insertion) is not supported"},
};

constexpr RequestField kChatOnly[] = {
    {"max_completion_tokens", U::kHonoured, ""},
    {"store", U::kIgnored, "stored completions are an OpenAI platform feature; nothing is stored here"},
    {"metadata", U::kIgnored, "tags for stored completions, which this server does not keep"},
    {"service_tier", U::kIgnored, "this server has one tier"},
    {"safety_identifier", U::kIgnored, kNoUserState},
    {"prompt_cache_key", U::kIgnored, "prompt prefixes are reused automatically, without a key"},
    {"functions", U::kUnsupported, "functions (deprecated) are not supported; use tools"},
    {"function_call", U::kUnsupported, "function_call (deprecated) is not supported; use tool_choice"},
    {"reasoning_effort", U::kUnsupported, "reasoning effort is not supported"},
    {"audio", U::kUnsupported, "audio output is not supported"},
    {"modalities", U::kUnsupported, "only text output is supported"},
    {"prediction", U::kUnsupported, "predicted outputs are not supported"},
    {"web_search_options", U::kUnsupported, "web search is not supported"},
    {"verbosity", U::kUnsupported, "verbosity is not supported"},
};

// Ollama's /api/generate and /api/chat (options are checked on their own, kOllamaOptions).
constexpr std::string_view kNoImages = "images are not supported: the server runs text models only";
constexpr RequestField kOllamaShared[] = {
    {"model", U::kHonoured, ""},   {"stream", U::kHonoured, ""},  {"format", U::kHonoured, ""},
    {"options", U::kHonoured, ""}, {"think", U::kHonoured, ""},   {"logprobs", U::kHonoured, ""},
    {"top_logprobs", U::kHonoured, ""},
    {"keep_alive", U::kIgnored,
     "validated (a duration such as \"5m\", seconds, 0 or -1) but not acted on: models stay loaded until "
     "MAX_LOADED_MODELS evicts them or the server stops"},
};
constexpr RequestField kOllamaGenerateOnly[] = {
    {"prompt", U::kHonoured, ""},
    {"system", U::kHonoured, ""},
    {"raw", U::kHonoured, ""},
    {"images", U::kUnsupported, kNoImages},
    {"suffix", U::kUnsupported, "suffix (fill-in-the-middle) is not supported"},
    {"template", U::kUnsupported,
     "Go prompt templates are not supported; the model's own chat template renders the prompt (or send raw: true)"},
    {"context", U::kUnsupported,
     "the context of an earlier answer is not accepted (deprecated by Ollama); resend the conversation with /api/chat"},
};
constexpr RequestField kOllamaChatOnly[] = {{"messages", U::kHonoured, ""}, {"tools", U::kHonoured, ""}};

constexpr std::string_view kServerSetting =
    "a runtime setting of the server (THREADS, USE_MMAP, CONTEXT_SIZE: CPU only), not of a request";
constexpr RequestField kOllamaOptionFields[] = {
    {"num_predict", U::kHonoured, ""},       {"temperature", U::kHonoured, ""},
    {"top_k", U::kHonoured, ""},             {"top_p", U::kHonoured, ""},
    {"min_p", U::kHonoured, ""},             {"seed", U::kHonoured, ""},
    {"stop", U::kHonoured, ""},              {"repeat_penalty", U::kHonoured, ""},
    {"repeat_last_n", U::kHonoured, ""},     {"presence_penalty", U::kHonoured, ""},
    {"frequency_penalty", U::kHonoured, ""},
    {"num_ctx", U::kIgnored,
     "each slot's context is CONTEXT_SIZE, fixed at start: a prompt that does not fit is refused, a reply that "
     "reaches it ends with done_reason \"length\""},
    {"num_batch", U::kIgnored, kServerSetting}, {"num_gpu", U::kIgnored, kServerSetting},
    {"main_gpu", U::kIgnored, kServerSetting},  {"low_vram", U::kIgnored, kServerSetting},
    {"f16_kv", U::kIgnored, kServerSetting},    {"logits_all", U::kIgnored, kServerSetting},
    {"vocab_only", U::kIgnored, kServerSetting}, {"use_mmap", U::kIgnored, kServerSetting},
    {"use_mlock", U::kIgnored, kServerSetting}, {"numa", U::kIgnored, kServerSetting},
    {"num_thread", U::kIgnored, kServerSetting}, {"embedding_only", U::kIgnored, kServerSetting},
    {"penalize_newline", U::kIgnored, "Ollama itself no longer applies it"},
    {"mirostat_tau", U::kIgnored, "used only by mirostat, which is refused unless 0"},
    {"mirostat_eta", U::kIgnored, "used only by mirostat, which is refused unless 0"},
    {"mirostat", U::kUnsupported, "mirostat sampling is not supported (send 0)"},
    {"typical_p", U::kUnsupported, "locally typical sampling is not supported (send 1)"},
    {"tfs_z", U::kUnsupported, "tail-free sampling is not supported (send 1)"},
    {"num_keep", U::kUnsupported, "num_keep is not supported: the context is never shifted (send 0)"},
};

// Anthropic's Messages API (/v1/messages; count_tokens takes the prompt's fields only).
constexpr RequestField kAnthropicPrompt[] = {
    {"model", U::kHonoured, ""},       {"messages", U::kHonoured, ""}, {"system", U::kHonoured, ""},
    {"tools", U::kHonoured, ""},       {"tool_choice", U::kHonoured, ""}, {"thinking", U::kHonoured, ""},
    {"mcp_servers", U::kUnsupported, "MCP connectors are not supported; run the tools on the client"},
};

constexpr RequestField kAnthropicGeneration[] = {
    {"max_tokens", U::kHonoured, ""},  {"stop_sequences", U::kHonoured, ""}, {"temperature", U::kHonoured, ""},
    {"top_p", U::kHonoured, ""},       {"top_k", U::kHonoured, ""},          {"stream", U::kHonoured, ""},
    {"metadata", U::kIgnored, kNoUserState},
    {"service_tier", U::kIgnored, "this server has one tier"},
    {"container", U::kUnsupported, "code execution containers are not supported"},
    {"context_management", U::kUnsupported, "context management (clearing old tool results) is not supported"},
};

std::vector<RequestField> Join(std::initializer_list<std::span<const RequestField>> parts) {
  std::vector<RequestField> all;
  for (auto part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

// The value a client sends to leave an unsupported feature off.
bool IsOffValue(std::string_view name, const nlohmann::json& v) {
  if (v.is_null() || (v.is_boolean() && !v.get<bool>())) return true;
  if ((v.is_array() || v.is_object()) && v.empty()) return true;
  if (name == "best_of") return v.is_number_integer() && v.get<int64_t>() == 1;
  if (name == "modalities") return v == nlohmann::json::array({"text"});
  if (name == "suffix" || name == "template") return v.is_string() && v.get<std::string>().empty();
  if (name == "typical_p" || name == "tfs_z") return v.is_number() && v.get<double>() == 1.0;
  if (name == "mirostat" || name == "num_keep") return v.is_number() && v.get<double>() == 0.0;
  return false;
}

}  // namespace

const nlohmann::json* GivenField(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<ApiError> ReadString(const nlohmann::json& body, const char* key, std::string* out) {
  const nlohmann::json* v = GivenField(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) return InvalidRequest(std::string("'") + key + "' must be a string", key);
  *out = v->get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> ReadBool(const nlohmann::json& body, const char* key, bool* out) {
  const nlohmann::json* v = GivenField(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) return InvalidRequest(std::string("'") + key + "' must be a boolean", key);
  *out = v->get<bool>();
  return std::nullopt;
}

std::optional<ApiError> ReadInt(const nlohmann::json& body, const char* key, int64_t lo, int64_t hi, int64_t* out) {
  const nlohmann::json* v = GivenField(body, key);
  if (v == nullptr) return std::nullopt;
  bool integral = v->is_number_integer() || (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
                                             std::fabs(v->get<double>()) < 9e15);
  if (!integral) return InvalidRequest(std::string("'") + key + "' must be an integer", key);
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return InvalidRequest(std::string("'") + key + "' is too large", key);
  }
  int64_t x = v->is_number_float() ? static_cast<int64_t>(v->get<double>()) : v->get<int64_t>();
  if (x < lo || x > hi) {
    return InvalidRequest(std::string("'") + key + "' must be between " + std::to_string(lo) + " and " +
                              std::to_string(hi) + ", got " + std::to_string(x),
                          key);
  }
  *out = x;
  return std::nullopt;
}

std::optional<ApiError> ReadNumber(const nlohmann::json& body, const char* key, double lo, double hi, float* out) {
  const nlohmann::json* v = GivenField(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) return InvalidRequest(std::string("'") + key + "' must be a number", key);
  double x = v->get<double>();
  if (!(x >= lo && x <= hi)) {
    char range[96];
    std::snprintf(range, sizeof range, "' must be between %g and %g", lo, hi);
    return InvalidRequest(std::string("'") + key + range, key);
  }
  *out = static_cast<float>(x);
  return std::nullopt;
}

// `stop`: a string or an array of up to 16 strings; empty strings are ignored.
std::optional<ApiError> ReadStop(const nlohmann::json& body, std::vector<std::string>* out) {
  const nlohmann::json* v = GivenField(body, "stop");
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    if (!v->get<std::string>().empty()) out->push_back(v->get<std::string>());
    return std::nullopt;
  }
  if (!v->is_array()) return InvalidRequest("'stop' must be a string or an array of strings", "stop");
  if (v->size() > 16) return InvalidRequest("'stop' may hold at most 16 strings", "stop");
  for (const nlohmann::json& s : *v) {
    if (!s.is_string()) return InvalidRequest("'stop' must be a string or an array of strings", "stop");
    if (!s.get<std::string>().empty()) out->push_back(s.get<std::string>());
  }
  return std::nullopt;
}

const std::vector<RequestField>& FieldsOf(GenerationRoute route) {
  static const std::vector<RequestField> native_generate = Join({kPrompt, kCommon, kChatLogprobs});
  static const std::vector<RequestField> native_chat = Join({kMessages, kCommon, kTools, kChatLogprobs, kReasoning});
  static const std::vector<RequestField> ollama_generate = Join({kOllamaShared, kOllamaGenerateOnly});
  static const std::vector<RequestField> ollama_chat = Join({kOllamaShared, kOllamaChatOnly});
  static const std::vector<RequestField> ollama_options = Join({kOllamaOptionFields});
  static const std::vector<RequestField> completion = Join({kPrompt, kCommon, kOpenAIShared, kCompletionOnly});
  static const std::vector<RequestField> chat =
      Join({kMessages, kCommon, kTools, kOpenAIShared, kChatOnly, kChatLogprobs, kReasoning});
  static const std::vector<RequestField> anthropic = Join({kAnthropicPrompt, kAnthropicGeneration});
  static const std::vector<RequestField> anthropic_count = Join({kAnthropicPrompt});
  switch (route) {
    case GenerationRoute::kAnthropicMessages: return anthropic;
    case GenerationRoute::kAnthropicCountTokens: return anthropic_count;
    case GenerationRoute::kNativeGenerate: return native_generate;
    case GenerationRoute::kNativeChat: return native_chat;
    case GenerationRoute::kOpenAICompletion: return completion;
    case GenerationRoute::kOllamaGenerate: return ollama_generate;
    case GenerationRoute::kOllamaChat: return ollama_chat;
    case GenerationRoute::kOllamaOptions: return ollama_options;
    case GenerationRoute::kOpenAIChat: break;
  }
  return chat;
}

std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, GenerationRoute route) {
  return CheckRequestFields(body, FieldsOf(route));
}

std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, std::span<const RequestField> fields) {
  if (!body.is_object()) return std::nullopt;
  for (const auto& [name, value] : body.items()) {
    const RequestField* known = nullptr;
    for (const RequestField& f : fields) {
      if (f.name == name) known = &f;
    }
    if (known == nullptr) return InvalidRequest("Unrecognized request argument supplied: " + name, name);
    if (known->use == U::kUnsupported && !IsOffValue(known->name, value)) {
      return InvalidRequest("'" + name + "': " + std::string(known->reason), name);
    }
  }
  return std::nullopt;
}

}  // namespace llm::server
