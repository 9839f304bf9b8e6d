#include "server/ollama_request.h"

#include <cmath>
#include <cstdlib>
#include <deque>
#include <utility>

#include "server/constraint_fields.h"
#include "server/request_fields.h"
#include "server/tool_fields.h"

namespace llm::server {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Seconds per unit of a Go duration ("ns", "us", "µs", "ms", "s", "m", "h"); 0 when unknown.
double OllamaGoDurationUnit(std::string_view unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1;
  if (unit == "m") return 60;
  if (unit == "h") return 3600;
  return 0;
}

// A Go duration ("1h30m", "-5m", "0") or a bare number of seconds ("300", "-1").
std::optional<double> OllamaParseDurationText(const std::string& text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  char* end = nullptr;
  const double bare = std::strtod(text.c_str(), &end);
  if (end != nullptr && *end == '\0' && std::isfinite(bare)) return bare;
  size_t i = 0;
  double sign = 1;
  if (text[0] == '-' || text[0] == '+') {
    sign = text[0] == '-' ? -1 : 1;
    i = 1;
  }
  double total = 0;
  if (i == text.size()) return std::nullopt;
  while (i < text.size()) {
    const size_t number_start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == number_start) return std::nullopt;
    const double number = std::strtod(text.substr(number_start, i - number_start).c_str(), nullptr);
    const size_t unit_start = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
    const double unit = OllamaGoDurationUnit(std::string_view(text).substr(unit_start, i - unit_start));
    if (unit == 0) return std::nullopt;
    total += number * unit;
  }
  return sign * total;
}

std::optional<ApiError> OllamaBadKeepAlive() {
  return InvalidRequest("'keep_alive' must be a duration such as \"5m\" or \"1h\", a number of seconds, 0 or -1",
                        "keep_alive");
}

// Prefixes a problem found inside `options` with the object's name.
ApiError OllamaInOptions(ApiError e) {
  e.message = "options: " + e.message;
  e.param = "options." + e.param;
  return e;
}

// num_predict: -1 (until the context is full, Ollama's default), -2 (fill the context) or a
// number of tokens.
std::optional<ApiError> OllamaReadNumPredict(const json& options, int32_t* max_tokens) {
  int64_t n = -1;
  if (auto e = ReadInt(options, "num_predict", -2, kMaxTokensLimit, &n)) return e;
  if (n == 0) return InvalidRequest("'num_predict' must be -1, -2 or at least 1", "num_predict");
  *max_tokens = n < 0 ? -1 : static_cast<int32_t>(n);
  return std::nullopt;
}

// The `options` object: what it may hold (kOllamaOptions), then the sampling values.
std::optional<ApiError> OllamaReadOptions(const json& body, GenerationRequest* out) {
  const json* given = GivenField(body, "options");
  if (given == nullptr) return std::nullopt;
  if (!given->is_object()) return InvalidRequest("'options' must be an object", "options");
  json options = *given;
  if (auto e = CheckRequestFields(options, GenerationRoute::kOllamaOptions)) return OllamaInOptions(*e);
  // Ollama's seed -1 is "a random seed", this server's default.
  if (auto seed = options.find("seed"); seed != options.end() && seed->is_number() && seed->get<double>() == -1) {
    options.erase(seed);
  }
  if (auto e = ReadSamplingFields(options, out)) return OllamaInOptions(*e);
  if (auto e = OllamaReadNumPredict(options, &out->max_tokens)) return OllamaInOptions(*e);
  engine::SamplingParams& s = out->sampling;
  int64_t last_n = s.repeat_last_n;
  if (auto e = ReadInt(options, "repeat_last_n", -1, 1 << 20, &last_n)) return OllamaInOptions(*e);
  s.repeat_last_n = static_cast<int32_t>(last_n);
  if (auto e = ReadNumber(options, "presence_penalty", -2, 2, &s.presence_penalty)) return OllamaInOptions(*e);
  if (auto e = ReadNumber(options, "frequency_penalty", -2, 2, &s.frequency_penalty)) return OllamaInOptions(*e);
  return std::nullopt;
}

// `format`: "json" (any JSON object) or a JSON schema, through the constrained decoding.
std::optional<ApiError> OllamaReadFormat(const json& body, const ordered_json* ordered, GenerationRequest* out) {
  const json* format = GivenField(body, "format");
  if (format == nullptr || (format->is_string() && format->get<std::string>().empty())) return std::nullopt;
  if (*format == "json") return AnyJsonObjectConstraint("format", &out->grammar);
  if (!format->is_object()) return InvalidRequest("'format' must be \"json\" or a JSON schema object", "format");
  const bool in_order = ordered != nullptr && ordered->is_object() && ordered->contains("format");
  return SchemaConstraint(in_order ? ordered->at("format").dump() : format->dump(), "format", &out->grammar);
}

// `think`: true or false switches the template's thinking (enable_thinking) and reports the
// reasoning apart (`thinking`); not given, a reply's reasoning stays in its text, as Ollama
// answers without `think`.
std::optional<ApiError> OllamaReadThink(const json& body, GenerationRequest* out, OllamaRequest* extra) {
  out->reasoning_format = ReasoningFormat::kNone;
  const json* think = GivenField(body, "think");
  if (think == nullptr) return std::nullopt;
  if (!think->is_boolean()) {
    return InvalidRequest("'think' must be true or false (thinking levels are not supported)", "think");
  }
  extra->think_given = true;
  out->reasoning_format = ReasoningFormat::kAuto;
  out->template_kwargs = ordered_json{{"enable_thinking", think->get<bool>()}};
  return std::nullopt;
}

// What both routes share: the body's shape and fields, model, stream, options, format,
// think, logprobs, keep_alive.
std::optional<ApiError> OllamaReadShared(const json& body, GenerationRoute route, const ordered_json* ordered,
                                   GenerationRequest* out, OllamaRequest* extra) {
  if (!body.is_object()) return InvalidRequest("the request body must be a JSON object");
  if (auto e = CheckRequestFields(body, route)) return e;
  if (auto e = ReadString(body, "model", &extra->model)) return e;
  if (extra->model.empty()) return InvalidRequest("model is required", "model");
  out->model = extra->model;
  out->stream = true;
  out->max_tokens = -1;
  out->sampling = OllamaDefaultSampling();
  if (auto e = ReadBool(body, "stream", &out->stream)) return e;
  if (auto e = OllamaReadOptions(body, out)) return e;
  Status valid = engine::ValidateSamplingParams(out->sampling);
  if (!valid.ok()) return InvalidRequest("options: " + valid.message(), "options");
  if (auto e = OllamaReadFormat(body, ordered, out)) return e;
  if (auto e = OllamaReadThink(body, out, extra)) return e;
  if (auto e = ReadChatLogprobs(body, out)) return e;
  if (const json* keep = GivenField(body, "keep_alive")) return ParseKeepAlive(*keep, &extra->keep_alive);
  return std::nullopt;
}

// Adds a message to both views of the conversation (the engine's and the template's).
void OllamaAddMessage(GenerationRequest* out, engine::ChatMessage message, ordered_json shaped) {
  out->has_tool_messages = out->has_tool_messages || message.role == "tool" || shaped.contains("tool_calls");
  out->template_messages.push_back(std::move(shaped));
  out->messages.push_back(std::move(message));
}

// The calls of the conversation not yet answered by a tool message, oldest first.
struct OllamaPendingCalls {
  std::deque<std::pair<std::string, std::string>> calls;  // {id, name}
  int next_id = 0;
  // The id of the call a `tool` message answers: the oldest pending call named `name` (or the
  // oldest at all when the message names none).
  std::string Answer(const std::string& name) {
    for (auto it = calls.begin(); it != calls.end(); ++it) {
      if (name.empty() || it->second == name) {
        std::string id = it->first;
        calls.erase(it);
        return id;
      }
    }
    return "call_" + std::to_string(next_id++);
  }
};

// Ollama's tool_calls [{function: {name, arguments: {...}}}] in OpenAI's shape (arguments as
// JSON text, an id per call), which TemplateMessage reads.
std::optional<ApiError> OllamaOpenAIToolCalls(const json& calls, OllamaPendingCalls* pending, json* out) {
  if (!calls.is_array()) return InvalidRequest("a message's 'tool_calls' must be an array", "messages");
  *out = json::array();
  for (const json& call : calls) {
    const json* function = call.is_object() ? GivenField(call, "function") : nullptr;
    const json* name = function != nullptr && function->is_object() ? GivenField(*function, "name") : nullptr;
    if (name == nullptr || !name->is_string()) {
      return InvalidRequest("each tool call needs 'function' with a 'name' string", "messages");
    }
    const json* args = GivenField(*function, "arguments");
    if (args != nullptr && !args->is_object()) {
      return InvalidRequest("a tool call's 'arguments' must be an object", "messages");
    }
    const std::string id = "call_" + std::to_string(pending->next_id++);
    pending->calls.emplace_back(id, name->get<std::string>());
    out->push_back({{"id", id},
                    {"type", "function"},
                    {"function", {{"name", *name}, {"arguments", args != nullptr ? args->dump() : "{}"}}}});
  }
  return std::nullopt;
}

// One message of /api/chat: {role, content, tool_calls?, tool_name?, thinking?, images?}.
std::optional<ApiError> OllamaReadMessage(const json& m, OllamaPendingCalls* pending, GenerationRequest* out) {
  if (!m.is_object()) return InvalidRequest("each message must be an object", "messages");
  engine::ChatMessage message;
  const json* role = GivenField(m, "role");
  if (role == nullptr || !role->is_string()) return InvalidRequest("each message needs a 'role' string", "messages");
  message.role = role->get<std::string>();
  if (message.role != "system" && message.role != "user" && message.role != "assistant" && message.role != "tool") {
    return InvalidRequest("unsupported message role '" + message.role + "' (use system, user, assistant, tool)",
                          "messages");
  }
  if (auto e = ReadString(m, "content", &message.content)) return InvalidRequest(e->message, "messages");
  if (const json* images = GivenField(m, "images"); images != nullptr && !(images->is_array() && images->empty())) {
    return InvalidRequest("images are not supported: the server runs text models only", "messages");
  }
  json openai = {{"role", message.role}, {"content", message.content}};
  std::string tool_name;
  if (auto e = ReadString(m, "tool_name", &tool_name)) return InvalidRequest(e->message, "messages");
  if (const json* calls = GivenField(m, "tool_calls")) {
    if (auto e = OllamaOpenAIToolCalls(*calls, pending, &openai["tool_calls"])) return e;
  }
  if (message.role == "tool") openai["tool_call_id"] = pending->Answer(tool_name);
  ordered_json shaped;
  if (auto e = TemplateMessage(openai, message.role, message.content, &shaped)) return e;
  if (!tool_name.empty()) shaped["name"] = tool_name;
  OllamaAddMessage(out, std::move(message), std::move(shaped));
  return std::nullopt;
}

}  // namespace

engine::SamplingParams OllamaDefaultSampling() {
  engine::SamplingParams s;
  s.temperature = 0.8f;
  s.top_k = 40;
  s.top_p = 0.9f;
  s.min_p = 0.0f;
  s.repeat_penalty = 1.1f;
  s.repeat_last_n = 64;
  return s;
}

std::optional<ApiError> ParseKeepAlive(const json& value, KeepAlive* out) {
  double seconds = 0;
  if (value.is_number()) {
    seconds = value.get<double>();
  } else if (value.is_string()) {
    std::optional<double> parsed = OllamaParseDurationText(value.get<std::string>());
    if (!parsed) return OllamaBadKeepAlive();
    seconds = *parsed;
  } else {
    return OllamaBadKeepAlive();
  }
  if (!std::isfinite(seconds)) return OllamaBadKeepAlive();
  if (seconds < 0) {
    out->kind = KeepAlive::Kind::kForever;
  } else if (seconds == 0) {
    out->kind = KeepAlive::Kind::kUnloadNow;
  } else {
    out->kind = KeepAlive::Kind::kDuration;
    out->seconds = seconds;
  }
  return std::nullopt;
}

std::optional<ApiError> ParseOllamaGenerate(const json& body, const ordered_json* ordered, GenerationRequest* out,
                                            OllamaRequest* extra) {
  *out = GenerationRequest{};
  *extra = OllamaRequest{};
  out->flavor = ApiFlavor::kOllama;
  if (auto e = OllamaReadShared(body, GenerationRoute::kOllamaGenerate, ordered, out, extra)) return e;
  std::string system;
  bool raw = false;
  if (auto e = ReadString(body, "prompt", &out->prompt)) return e;
  if (auto e = ReadString(body, "system", &system)) return e;
  if (auto e = ReadBool(body, "raw", &raw)) return e;
  extra->load_only = out->prompt.empty();
  if (raw) {
    if (extra->think_given) return InvalidRequest("'think' needs the chat template, which raw: true bypasses", "think");
    out->kind = PromptKind::kText;
    return std::nullopt;
  }
  out->kind = PromptKind::kChat;
  out->template_messages = ordered_json::array();
  if (!system.empty()) OllamaAddMessage(out, {"system", system}, {{"role", "system"}, {"content", system}});
  OllamaAddMessage(out, {"user", out->prompt}, {{"role", "user"}, {"content", out->prompt}});
  return std::nullopt;
}

std::optional<ApiError> ParseOllamaChat(const json& body, const ordered_json* ordered, GenerationRequest* out,
                                        OllamaRequest* extra) {
  *out = GenerationRequest{};
  *extra = OllamaRequest{};
  out->flavor = ApiFlavor::kOllama;
  out->kind = PromptKind::kChat;
  if (auto e = OllamaReadShared(body, GenerationRoute::kOllamaChat, ordered, out, extra)) return e;
  out->template_messages = ordered_json::array();
  const json* messages = GivenField(body, "messages");
  if (messages != nullptr && !messages->is_array()) return InvalidRequest("'messages' must be an array", "messages");
  extra->load_only = messages == nullptr || messages->empty();
  OllamaPendingCalls pending;
  if (messages != nullptr) {
    for (const json& m : *messages) {
      if (auto e = OllamaReadMessage(m, &pending, out)) return e;
    }
  }
  return ReadToolFields(body, &out->tools, ordered);
}

}  // namespace llm::server
