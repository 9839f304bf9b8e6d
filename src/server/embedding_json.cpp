#include "server/embedding_json.h"

#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "server/native_json.h"
#include "server/request_fields.h"

namespace llm::server {
namespace {

using nlohmann::json;
using U = FieldUse;

constexpr std::string_view kEmbeddingNoSampling = "embeddings sample nothing; the context is the server's CONTEXT_SIZE";
constexpr std::string_view kEmbeddingKeepAlive =
    "models stay loaded as MAX_LOADED_MODELS allows; the embedding routes do not unload them";

constexpr RequestField kOpenAIEmbeddingFields[] = {
    {"model", U::kHonoured, ""},
    {"input", U::kHonoured, ""},
    {"encoding_format", U::kHonoured, ""},
    {"dimensions", U::kHonoured, ""},
    {"user", U::kIgnored, "an end-user id for the provider's abuse monitoring; this server keeps no per-user state"},
};

constexpr RequestField kOllamaEmbedFields[] = {
    {"model", U::kHonoured, ""},           {"input", U::kHonoured, ""},
    {"truncate", U::kHonoured, ""},        {"dimensions", U::kHonoured, ""},
    {"options", U::kIgnored, kEmbeddingNoSampling}, {"keep_alive", U::kIgnored, kEmbeddingKeepAlive},
};

constexpr RequestField kOllamaLegacyFields[] = {
    {"model", U::kHonoured, ""},
    {"prompt", U::kHonoured, ""},
    {"options", U::kIgnored, kEmbeddingNoSampling},
    {"keep_alive", U::kIgnored, kEmbeddingKeepAlive},
};

std::optional<ApiError> EmbeddingModelField(const json& body, std::string* out) {
  const json* v = GivenField(body, "model");
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) return InvalidRequest("'model' must be a string", "model");
  *out = v->get<std::string>();
  return std::nullopt;
}

// `dimensions`: a positive integer (checked against the model once it is known).
std::optional<ApiError> EmbeddingDimensionsField(const json& body, std::optional<int64_t>* out) {
  const json* v = GivenField(body, "dimensions");
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer() || v->get<int64_t>() < 1) {
    return InvalidRequest("'dimensions' must be a positive integer", "dimensions");
  }
  *out = v->get<int64_t>();
  return std::nullopt;
}

// A token-id input of OpenAI's: an array of non-negative integers.
std::optional<ApiError> EmbeddingTokenArray(const json& a, std::vector<int32_t>* out) {
  for (const json& id : a) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX) {
      return InvalidRequest("'input' must be a string, an array of strings, an array of token ids or an array of "
                            "arrays of token ids",
                            "input");
    }
    out->push_back(static_cast<int32_t>(id.get<int64_t>()));
  }
  if (out->empty()) return InvalidRequest("'input' has an empty token array", "input");
  return std::nullopt;
}

std::optional<ApiError> EmbeddingInputCount(size_t n) {
  if (n <= kMaxEmbeddingInputs) return std::nullopt;
  return InvalidRequest("'input' has " + std::to_string(n) + " items; at most " + std::to_string(kMaxEmbeddingInputs) +
                            " are allowed",
                        "input");
}

// OpenAI's `input`: a string, an array of strings, an array of ids, or an array of id arrays.
std::optional<ApiError> OpenAIEmbeddingInput(const json& body, EmbeddingRequest* out) {
  const json* input = GivenField(body, "input");
  const ApiError wrong = InvalidRequest(
      "'input' must be a string, an array of strings, an array of token ids or an array of arrays of token ids",
      "input");
  if (input == nullptr) return InvalidRequest("'input' is required", "input");
  if (input->is_string()) {
    out->texts.push_back(input->get<std::string>());
  } else if (!input->is_array() || input->empty()) {
    return input->is_array() ? InvalidRequest("'input' must not be an empty array", "input") : wrong;
  } else if (input->front().is_string()) {
    for (const json& s : *input) {
      if (!s.is_string()) return wrong;
      out->texts.push_back(s.get<std::string>());
    }
  } else if (input->front().is_number()) {
    out->token_inputs.emplace_back();
    if (auto e = EmbeddingTokenArray(*input, &out->token_inputs.back())) return e;
  } else {
    for (const json& ids : *input) {
      if (!ids.is_array()) return wrong;
      out->token_inputs.emplace_back();
      if (auto e = EmbeddingTokenArray(ids, &out->token_inputs.back())) return e;
    }
  }
  for (size_t i = 0; i < out->texts.size(); ++i) {
    if (out->texts[i].empty()) {
      return InvalidRequest("'input' must not contain empty strings (item " + std::to_string(i) + ")", "input");
    }
  }
  return EmbeddingInputCount(out->input_count());
}

std::optional<ApiError> ParseOpenAIEmbeddings(const json& body, EmbeddingRequest* out) {
  if (auto e = EmbeddingModelField(body, &out->model)) return e;
  if (auto e = OpenAIEmbeddingInput(body, out)) return e;
  if (const json* f = GivenField(body, "encoding_format")) {
    if (!f->is_string() || (*f != "float" && *f != "base64")) {
      return InvalidRequest("'encoding_format' must be \"float\" or \"base64\"", "encoding_format");
    }
    out->base64 = *f == "base64";
  }
  if (const json* u = GivenField(body, "user"); u != nullptr && !u->is_string()) {
    return InvalidRequest("'user' must be a string", "user");
  }
  return EmbeddingDimensionsField(body, &out->dimensions);
}

// Ollama's `options` and `keep_alive`: accepted (and ignored) when of the documented types.
std::optional<ApiError> OllamaEmbeddingIgnoredFields(const json& body) {
  if (const json* o = GivenField(body, "options"); o != nullptr && !o->is_object()) {
    return InvalidRequest("'options' must be an object", "options");
  }
  if (const json* k = GivenField(body, "keep_alive"); k != nullptr && !k->is_string() && !k->is_number()) {
    return InvalidRequest("'keep_alive' must be a duration string or a number of seconds", "keep_alive");
  }
  return std::nullopt;
}

std::optional<ApiError> ParseOllamaEmbed(const json& body, EmbeddingRequest* out) {
  if (auto e = EmbeddingModelField(body, &out->model)) return e;
  out->truncate = true;
  if (const json* t = GivenField(body, "truncate")) {
    if (!t->is_boolean()) return InvalidRequest("'truncate' must be a boolean", "truncate");
    out->truncate = t->get<bool>();
  }
  if (const json* input = GivenField(body, "input")) {
    if (input->is_string()) {
      // An empty string asks for no embedding (Ollama answers an empty list: clients use it to load the model).
      if (!input->get<std::string>().empty()) out->texts.push_back(input->get<std::string>());
    } else if (input->is_array()) {
      for (const json& s : *input) {
        if (!s.is_string()) return InvalidRequest("'input' must be a string or an array of strings", "input");
        out->texts.push_back(s.get<std::string>());
      }
    } else {
      return InvalidRequest("'input' must be a string or an array of strings", "input");
    }
  }
  if (auto e = EmbeddingInputCount(out->texts.size())) return e;
  if (auto e = OllamaEmbeddingIgnoredFields(body)) return e;
  return EmbeddingDimensionsField(body, &out->dimensions);
}

std::optional<ApiError> ParseOllamaLegacy(const json& body, EmbeddingRequest* out) {
  if (auto e = EmbeddingModelField(body, &out->model)) return e;
  if (const json* p = GivenField(body, "prompt")) {
    if (!p->is_string()) return InvalidRequest("'prompt' must be a string", "prompt");
    // As Ollama: an empty prompt gets an empty embedding.
    if (!p->get<std::string>().empty()) out->texts.push_back(p->get<std::string>());
  }
  return OllamaEmbeddingIgnoredFields(body);
}

// Appends `v` as a JSON array of float32 values in shortest round-trip form.
void AppendEmbeddingFloats(std::string& out, std::span<const float> v) {
  out += '[';
  char buf[32];
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    const auto r = std::to_chars(buf, buf + sizeof(buf), v[i]);
    out.append(buf, r.ptr);
  }
  out += ']';
}

int64_t EmbeddingNanoseconds(double seconds) { return static_cast<int64_t>(seconds * 1e9); }

std::string OpenAIEmbeddingAnswer(const EmbeddingRequest& request, const EmbeddingResult& result) {
  std::string out = R"({"object":"list","data":[)";
  for (size_t i = 0; i < result.vectors.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":)";
    if (request.base64) {
      out += '"' + Base64Floats(result.vectors[i]) + '"';
    } else {
      AppendEmbeddingFloats(out, result.vectors[i]);
    }
    out += '}';
  }
  const nlohmann::ordered_json usage = {{"prompt_tokens", result.prompt_tokens}, {"total_tokens", result.prompt_tokens}};
  out += R"(],"model":)" + DumpJson(nlohmann::ordered_json(result.model)) + R"(,"usage":)" + DumpJson(usage) + "}";
  return out;
}

std::string OllamaEmbedAnswer(const EmbeddingResult& result) {
  std::string out = R"({"model":)" + DumpJson(nlohmann::ordered_json(result.model)) + R"(,"embeddings":[)";
  for (size_t i = 0; i < result.vectors.size(); ++i) {
    if (i > 0) out += ',';
    AppendEmbeddingFloats(out, result.vectors[i]);
  }
  out += R"(],"total_duration":)" + std::to_string(EmbeddingNanoseconds(result.total_seconds)) +
         R"(,"load_duration":)" + std::to_string(EmbeddingNanoseconds(result.load_seconds)) +
         R"(,"prompt_eval_count":)" + std::to_string(result.prompt_tokens) + "}";
  return out;
}

}  // namespace

ApiFlavor FlavorOf(EmbeddingSurface surface) {
  return surface == EmbeddingSurface::kOpenAI ? ApiFlavor::kOpenAI : ApiFlavor::kOllama;
}

std::optional<ApiError> ParseEmbeddingRequest(EmbeddingSurface surface, const json& body, EmbeddingRequest* out) {
  out->surface = surface;
  if (!body.is_object()) return InvalidRequest("the request body must be a JSON object");
  switch (surface) {
    case EmbeddingSurface::kOpenAI:
      if (auto e = CheckRequestFields(body, kOpenAIEmbeddingFields)) return e;
      return ParseOpenAIEmbeddings(body, out);
    case EmbeddingSurface::kOllamaEmbed:
      if (auto e = CheckRequestFields(body, kOllamaEmbedFields)) return e;
      return ParseOllamaEmbed(body, out);
    case EmbeddingSurface::kOllamaLegacy:
      break;
  }
  if (auto e = CheckRequestFields(body, kOllamaLegacyFields)) return e;
  return ParseOllamaLegacy(body, out);
}

std::string Base64Floats(std::span<const float> v) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<uint8_t> bytes(v.size() * 4);
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<uint8_t>(u >> (8 * b));  // little-endian
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{bytes[i]} << 16) | (i + 1 < bytes.size() ? uint32_t{bytes[i + 1]} << 8 : 0) |
                       (i + 2 < bytes.size() ? uint32_t{bytes[i + 2]} : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string EmbeddingAnswer(const EmbeddingRequest& request, const EmbeddingResult& result) {
  switch (request.surface) {
    case EmbeddingSurface::kOpenAI: return OpenAIEmbeddingAnswer(request, result);
    case EmbeddingSurface::kOllamaEmbed: return OllamaEmbedAnswer(result);
    case EmbeddingSurface::kOllamaLegacy: break;
  }
  std::string out = R"({"embedding":)";
  AppendEmbeddingFloats(out, result.vectors.empty() ? std::span<const float>() : std::span<const float>(result.vectors[0]));
  return out + "}";
}

}  // namespace llm::server
