#include "server/token_routes.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "engine/tokenizer/tokenizer.h"

namespace llm::server {
namespace {

using nlohmann::json;

std::optional<ApiError> RefuseUnknown(const json& body, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : body.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidRequest("Unrecognized request argument supplied: " + name, name);
    }
  }
  return std::nullopt;
}

std::optional<ApiError> OptionalString(const json& body, const char* key, std::string* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return InvalidRequest(std::string("'") + key + "' must be a string", key);
  *out = it->get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> OptionalBool(const json& body, const char* key, bool* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) return InvalidRequest(std::string("'") + key + "' must be a boolean", key);
  *out = it->get<bool>();
  return std::nullopt;
}

// A piece as JSON: the string when it is whole UTF-8, else its bytes (as llama-server does).
json PieceJson(const std::string& piece) {
  if (SanitizeUtf8(piece) == piece) return piece;
  json bytes = json::array();
  for (unsigned char c : piece) bytes.push_back(c);
  return bytes;
}

}  // namespace

std::optional<ApiError> ParseTokenize(const json& body, TokenizeRequest* out) {
  if (!body.is_object()) return InvalidRequest("the request body must be a JSON object");
  if (auto e = RefuseUnknown(body, {"model", "text", "add_special", "with_pieces"})) return e;
  if (auto e = OptionalString(body, "model", &out->model)) return e;
  auto text = body.find("text");
  if (text == body.end() || !text->is_string()) return InvalidRequest("'text' must be a string", "text");
  out->text = text->get<std::string>();
  if (auto e = OptionalBool(body, "add_special", &out->add_special)) return e;
  return OptionalBool(body, "with_pieces", &out->with_pieces);
}

std::optional<ApiError> ParseDetokenize(const json& body, DetokenizeRequest* out) {
  if (!body.is_object()) return InvalidRequest("the request body must be a JSON object");
  if (auto e = RefuseUnknown(body, {"model", "tokens"})) return e;
  if (auto e = OptionalString(body, "model", &out->model)) return e;
  auto tokens = body.find("tokens");
  if (tokens == body.end() || !tokens->is_array()) return InvalidRequest("'tokens' must be an array of token ids", "tokens");
  for (const json& id : *tokens) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX) {
      return InvalidRequest("'tokens' must be an array of token ids", "tokens");
    }
    out->tokens.push_back(static_cast<int32_t>(id.get<int64_t>()));
  }
  return std::nullopt;
}

json Tokenize(const engine::Tokenizer& tokenizer, const TokenizeRequest& request) {
  std::vector<int32_t> ids = tokenizer.Encode(request.text, request.add_special, /*parse_special=*/true);
  json answer = {{"tokens", ids}};
  if (request.with_pieces) {
    json pieces = json::array();
    for (int32_t id : ids) pieces.push_back({{"id", id}, {"piece", PieceJson(tokenizer.TokenToPiece(id, true))}});
    answer["pieces"] = std::move(pieces);
  }
  return answer;
}

std::optional<ApiError> Detokenize(const engine::Tokenizer& tokenizer, const DetokenizeRequest& request,
                                   std::string* text) {
  for (int32_t id : request.tokens) {
    if (id >= tokenizer.vocab_size()) {
      return InvalidRequest("token id " + std::to_string(id) + " is outside the vocabulary (" +
                                std::to_string(tokenizer.vocab_size()) + " tokens)",
                            "tokens");
    }
  }
  *text = tokenizer.Decode(request.tokens, /*render_special=*/true);
  return std::nullopt;
}

}  // namespace llm::server
