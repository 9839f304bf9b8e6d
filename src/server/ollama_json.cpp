#include "server/ollama_json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <ctime>

#include "engine/gguf/gguf_reader.h"
#include "server/native_json.h"
#include "server/openai_json.h"

namespace llm::server {
namespace {

using nlohmann::ordered_json;

int64_t OllamaNanoseconds(double seconds) { return static_cast<int64_t>(std::llround(seconds * 1e9)); }

// "%.Nf" of `x` followed by `suffix`, with no decimals when x is whole (Go's HumanNumber).
std::string OllamaHumanFraction(double x, int decimals, const char* suffix) {
  char text[64];
  if (x == std::floor(x)) {
    std::snprintf(text, sizeof text, "%.0f%s", x, suffix);
  } else {
    std::snprintf(text, sizeof text, "%.*f%s", decimals, x, suffix);
  }
  return text;
}

// The value of `r`, or `fallback` when it failed.
template <typename T>
T OllamaValueOr(Result<T> r, T fallback) {
  return r.ok() ? std::move(r).value() : std::move(fallback);
}

// An f32 value as the double its shortest decimal form reads as (1e-05, not 9.99999974e-06).
double OllamaShortestFloat(float f) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, f);
  if (ec != std::errc()) return f;
  return std::strtod(std::string(text, end).c_str(), nullptr);
}

// One metadata value of `file` as JSON (arrays whole).
ordered_json OllamaGgufValueJson(const engine::GgufFile& file, std::string_view key) {
  using T = engine::GgufValueType;
  const std::optional<T> type = file.TypeOf(key);
  if (!type) return nullptr;
  switch (*type) {
    case T::kString: return OllamaValueOr(file.GetString(key), std::string());
    case T::kBool: return OllamaValueOr(file.GetBool(key), false);
    case T::kF32: return OllamaShortestFloat(static_cast<float>(OllamaValueOr(file.GetFloat(key), 0.0)));
    case T::kF64: return OllamaValueOr(file.GetFloat(key), 0.0);
    case T::kU64: return OllamaValueOr<uint64_t>(file.GetUInt(key), 0);
    case T::kArray: break;
    default: return OllamaValueOr<int64_t>(file.GetInt(key), 0);
  }
  const auto info = file.ArrayInfo(key);
  if (!info) return nullptr;
  if (info->first == T::kString) return OllamaValueOr(file.GetStringArray(key), std::vector<std::string>{});
  if (info->first == T::kF32 || info->first == T::kF64) return OllamaValueOr(file.GetFloatArray(key), std::vector<float>{});
  if (info->first == T::kBool || info->first == T::kArray) return nullptr;
  return OllamaValueOr(file.GetIntArray(key), std::vector<int64_t>{});
}

}  // namespace

std::string OllamaTime(std::chrono::system_clock::time_point t) {
  const auto since = t.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since);
  const int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds).count();
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(nanos));
  return text;
}

std::string OllamaParameterSize(int64_t parameters) {
  const double p = static_cast<double>(parameters);
  if (p >= 1e9) return OllamaHumanFraction(p / 1e9, 1, "B");
  if (p >= 1e6) return OllamaHumanFraction(p / 1e6, 2, "M");
  if (p >= 1e3) return OllamaHumanFraction(std::round(p / 1e3), 0, "K");
  return std::to_string(parameters);
}

ordered_json OllamaModelDetails(const ModelDescription& d) {
  return {{"parent_model", ""},
          {"format", "gguf"},
          {"family", d.architecture},
          {"families", ordered_json::array({d.architecture})},
          {"parameter_size", OllamaParameterSize(d.parameters)},
          {"quantization_level", d.tensor_type}};
}

ordered_json OllamaToolCalls(const std::vector<OutcomeToolCall>& calls) {
  ordered_json out = ordered_json::array();
  for (const OutcomeToolCall& call : calls) {
    ordered_json args = ordered_json::parse(call.arguments, nullptr, /*allow_exceptions=*/false);
    if (!args.is_object()) args = ordered_json::object();
    out.push_back({{"function", {{"name", call.name}, {"arguments", std::move(args)}}}});
  }
  return out;
}

ordered_json OllamaObject(const std::string& model, bool chat, const OllamaReplyText& reply, bool done) {
  ordered_json obj = {{"model", model}, {"created_at", OllamaTime(std::chrono::system_clock::now())}};
  if (chat) {
    ordered_json message = {{"role", "assistant"}, {"content", reply.content}};
    if (!reply.thinking.empty()) message["thinking"] = reply.thinking;
    if (reply.tool_calls != nullptr && !reply.tool_calls->empty()) message["tool_calls"] = OllamaToolCalls(*reply.tool_calls);
    obj["message"] = std::move(message);
  } else {
    obj["response"] = reply.content;
    if (!reply.thinking.empty()) obj["thinking"] = reply.thinking;
  }
  if (reply.logprobs != nullptr) obj["logprobs"] = LogprobEntriesJson(*reply.logprobs);
  obj["done"] = done;
  return obj;
}

std::string OllamaDoneReason(engine::FinishReason reason) { return OpenAIFinishReason(reason); }

void AddOllamaEndFields(const GenerationOutcome& o, double total_seconds, ordered_json& obj) {
  obj["done_reason"] = OllamaDoneReason(o.finish_reason);
  obj["total_duration"] = OllamaNanoseconds(total_seconds);
  obj["load_duration"] = OllamaNanoseconds(o.load_seconds);
  obj["prompt_eval_count"] = o.timings.prompt_n;
  obj["prompt_eval_duration"] = OllamaNanoseconds(o.timings.prompt_ms / 1000.0);
  obj["eval_count"] = o.completion_tokens;
  obj["eval_duration"] = OllamaNanoseconds(o.timings.predicted_ms / 1000.0);
}

ordered_json OllamaModelInfo(const engine::GgufFile& file, bool verbose, int64_t parameters) {
  ordered_json info = ordered_json::object();
  for (std::string_view key : file.keys()) {
    const bool array = file.TypeOf(key) == engine::GgufValueType::kArray;
    info[std::string(key)] = array && !verbose ? ordered_json(nullptr) : OllamaGgufValueJson(file, key);
  }
  if (!info.contains("general.parameter_count")) info["general.parameter_count"] = parameters;
  return info;
}

std::string NdjsonLine(const ordered_json& obj) { return DumpJson(obj) + "\n"; }

}  // namespace llm::server
