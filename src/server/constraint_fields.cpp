#include "server/constraint_fields.h"
#include "server/request_fields.h"

#include <string>

#include "engine/grammar/json_schema.h"
#include "nlohmann/json.hpp"

namespace llm::server {
namespace {

using nlohmann::json;

// Parses GBNF text; a 400 about `param` when it does not parse.
std::optional<ApiError> Compile(const std::string& gbnf, const char* what, const char* param,
                                std::shared_ptr<const engine::Grammar>* out) {
  auto grammar = engine::ParseGrammar(gbnf);
  if (!grammar.ok()) return InvalidRequest(std::string(what) + grammar.status().message(), param);
  *out = *grammar;
  return std::nullopt;
}

// The schema as text: from the body in the client's key order when there is one.
std::string SchemaText(const json& schema, const nlohmann::ordered_json* ordered) {
  if (ordered != nullptr && ordered->is_object()) {
    auto format = ordered->find("response_format");
    if (format != ordered->end() && format->is_object()) {
      auto spec = format->find("json_schema");
      if (spec != format->end() && spec->is_object()) {
        auto s = spec->find("schema");
        if (s != spec->end()) return s->dump();
      }
    }
  }
  return schema.dump();
}

std::optional<ApiError> ReadJsonSchema(const json& format, std::shared_ptr<const engine::Grammar>* out,
                                       const nlohmann::ordered_json* ordered) {
  const json* spec = GivenField(format, "json_schema");
  if (spec == nullptr || !spec->is_object()) {
    return InvalidRequest("'response_format.json_schema' must be an object with a 'schema'", "response_format");
  }
  if (const json* name = GivenField(*spec, "name"); name != nullptr && !name->is_string()) {
    return InvalidRequest("'response_format.json_schema.name' must be a string", "response_format");
  }
  if (const json* strict = GivenField(*spec, "strict"); strict != nullptr && !strict->is_boolean()) {
    return InvalidRequest("'response_format.json_schema.strict' must be a boolean", "response_format");
  }
  const json* schema = GivenField(*spec, "schema");
  if (schema == nullptr || !(schema->is_object() || schema->is_boolean())) {
    return InvalidRequest("'response_format.json_schema.schema' must be a JSON Schema object", "response_format");
  }
  return SchemaConstraint(SchemaText(*schema, ordered), "response_format", out);
}

std::optional<ApiError> ReadResponseFormat(const json& body, std::shared_ptr<const engine::Grammar>* out,
                                           const nlohmann::ordered_json* ordered) {
  const json* format = GivenField(body, "response_format");
  if (format == nullptr) return std::nullopt;
  const json* type = format->is_object() ? GivenField(*format, "type") : nullptr;
  if (type == nullptr || !type->is_string()) {
    return InvalidRequest("'response_format' must be an object with a 'type'", "response_format");
  }
  const std::string t = type->get<std::string>();
  if (t == "text") return std::nullopt;
  if (t == "json_object") return AnyJsonObjectConstraint("response_format", out);
  if (t == "json_schema") return ReadJsonSchema(*format, out, ordered);
  return InvalidRequest("unsupported response_format type '" + t + "' (use text, json_object or json_schema)",
                        "response_format");
}

}  // namespace

std::optional<ApiError> SchemaConstraint(const std::string& schema_text, const char* param,
                                         std::shared_ptr<const engine::Grammar>* out) {
  auto gbnf = engine::JsonSchemaToGbnf(schema_text);
  if (!gbnf.ok()) return InvalidRequest(std::string(param) + ": " + gbnf.status().message(), param);
  return Compile(*gbnf, (std::string(param) + ": the schema's grammar is refused: ").c_str(), param, out);
}

std::optional<ApiError> AnyJsonObjectConstraint(const char* param, std::shared_ptr<const engine::Grammar>* out) {
  return Compile(engine::AnyJsonObjectGbnf(), "", param, out);
}

std::optional<ApiError> ReadConstraint(const json& body, bool openai, std::shared_ptr<const engine::Grammar>* out,
                                       const nlohmann::ordered_json* ordered) {
  out->reset();
  if (openai) {
    if (auto e = ReadResponseFormat(body, out, ordered)) return e;
  }
  const json* grammar = GivenField(body, "grammar");
  if (grammar == nullptr) return std::nullopt;
  if (!grammar->is_string()) return InvalidRequest("'grammar' must be a string (GBNF)", "grammar");
  if (*out) return InvalidRequest("'grammar' and 'response_format' cannot be combined", "grammar");
  return Compile(grammar->get<std::string>(), "invalid grammar: ", "grammar", out);
}

}  // namespace llm::server
