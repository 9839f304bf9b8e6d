// POST /api/v1/tokenize and /api/v1/detokenize (as llama-server offers /tokenize and
// /detokenize), so that clients can count tokens and build `logit_bias`:
//   {"model", "text", "add_special" (true), "with_pieces" (false)} -> {"model", "tokens": [ids],
//    "pieces": [{"id", "piece"}] with with_pieces; a piece that is not whole UTF-8 is a byte list}
//   {"model", "tokens": [ids]} -> {"model", "text"}
// Both resolve the model as generation does (DEFAULT_MODEL when none is named, loading it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"

namespace llm::engine {
class Tokenizer;
}

namespace llm::server {

struct TokenizeRequest {
  std::string model;
  std::string text;
  bool add_special = true;  // BOS (and EOS) as the vocabulary asks, as for a prompt
  bool with_pieces = false;
};

struct DetokenizeRequest {
  std::string model;
  std::vector<int32_t> tokens;
};

// Parses a tokenize body; a wrong field is a 400 naming it.
std::optional<ApiError> ParseTokenize(const nlohmann::json& body, TokenizeRequest* out);
// Parses a detokenize body; a wrong field is a 400 naming it (ids are checked by Detokenize).
std::optional<ApiError> ParseDetokenize(const nlohmann::json& body, DetokenizeRequest* out);

// The answer of a tokenize request (special-token texts in `text` become those tokens).
nlohmann::json Tokenize(const engine::Tokenizer& tokenizer, const TokenizeRequest& request);
// The text of the ids, or a 400 naming `tokens` when an id is outside the vocabulary.
std::optional<ApiError> Detokenize(const engine::Tokenizer& tokenizer, const DetokenizeRequest& request,
                                   std::string* text);

}  // namespace llm::server
