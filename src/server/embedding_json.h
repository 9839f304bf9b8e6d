// The embedding routes' JSON: parsing OpenAI's POST /v1/embeddings and Ollama's POST
// /api/embed and legacy POST /api/embeddings, and shaping their answers.
//   /v1/embeddings {model, input: string | [string] | [id] | [[id]], encoding_format
//     "float" | "base64", dimensions, user} -> {object "list", data [{object "embedding",
//     index, embedding}], model, usage {prompt_tokens, total_tokens}}
//   /api/embed {model, input: string | [string], truncate (true), dimensions, options,
//     keep_alive} -> {model, embeddings [[...]], total_duration, load_duration,
//     prompt_eval_count} (durations in nanoseconds)
//   /api/embeddings {model, prompt, options, keep_alive} -> {embedding [...]}
// Vectors are written as float32 values in their shortest round-trip form; base64 is the
// little-endian float32 bytes, as OpenAI sends them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"
#include "server/generation_request.h"

namespace llm::server {

enum class EmbeddingSurface {
  kOpenAI,        // POST /v1/embeddings
  kOllamaEmbed,   // POST /api/embed
  kOllamaLegacy,  // POST /api/embeddings
};

// The error shape of a surface.
ApiFlavor FlavorOf(EmbeddingSurface surface);

struct EmbeddingRequest {
  EmbeddingSurface surface = EmbeddingSurface::kOpenAI;
  std::string model;                              // "" : DEFAULT_MODEL
  std::vector<std::string> texts;                 // text inputs, in order
  std::vector<std::vector<int32_t>> token_inputs; // OpenAI token-id inputs (then texts is empty)
  bool base64 = false;                            // encoding_format "base64"
  std::optional<int64_t> dimensions;              // must equal the model's embedding size
  bool truncate = false;                          // cut inputs longer than the context (Ollama)

  bool has_tokens() const { return !token_inputs.empty(); }
  size_t input_count() const { return has_tokens() ? token_inputs.size() : texts.size(); }
};

// The most inputs one request may carry (OpenAI's limit).
inline constexpr size_t kMaxEmbeddingInputs = 2048;

// Parses a body of `surface`; a missing, wrong or unknown field is a 400 naming it.
std::optional<ApiError> ParseEmbeddingRequest(EmbeddingSurface surface, const nlohmann::json& body,
                                              EmbeddingRequest* out);

// What the route computed, for the answer.
struct EmbeddingResult {
  std::string model;
  std::vector<std::vector<float>> vectors;  // one per input, in order
  int64_t prompt_tokens = 0;                // tokens evaluated over all inputs
  double total_seconds = 0;                 // the whole request
  double load_seconds = 0;                  // loading the model (0 when it was loaded)
};

// The little-endian float32 bytes of `v`, base64-encoded (RFC 4648, padded).
std::string Base64Floats(std::span<const float> v);

// The answer body of `request` in its surface's shape. Every value must be finite.
std::string EmbeddingAnswer(const EmbeddingRequest& request, const EmbeddingResult& result);

}  // namespace llm::server
