#include "engine/grammar/schema_compiler.h"

#include <string_view>

#include "engine/grammar/grammar.h"
#include "engine/grammar/json_schema.h"

namespace llm::engine {
namespace {

constexpr int kMaxSchemaDepth = 64;

// Keywords that constrain values in ways the compiler does not generate.
constexpr std::string_view kUnsupported[] = {
    "allOf", "not", "if", "then", "else", "pattern", "patternProperties",
    "dependentRequired", "dependentSchemas", "dependencies",
    "uniqueItems", "contains", "minContains", "maxContains", "prefixItems", "additionalItems",
    "unevaluatedItems", "multipleOf", "contentEncoding", "contentMediaType", "$dynamicRef",
    "$recursiveRef",
};

std::string Join(const std::string& path, std::string_view key) {
  return path + "/" + std::string(key);
}

// The first keyword of `s` that is refused (uniqueItems: false is harmless).
const std::string_view* FindUnsupported(const Json& s) {
  for (const auto& key : kUnsupported) {
    if (!s.contains(key)) continue;
    if (key == "uniqueItems" && s[key] == false) continue;
    return &key;
  }
  return nullptr;
}

// `value` serialised as compact JSON, as a GBNF literal.
std::string JsonLiteral(const Json& value) { return GbnfLiteral(value.dump()); }

// s[key] merged into the sibling keywords of s (for anyOf/oneOf/type arrays): the
// alternative's keywords win, except that `required` lists and `properties` are combined.
Json MergeAlternative(const Json& siblings, const Json& alternative) {
  if (!alternative.is_object()) return alternative;
  Json merged = siblings;
  for (const auto& [k, v] : alternative.items()) {
    if (k == "required" && merged.contains(k) && merged[k].is_array() && v.is_array()) {
      for (const auto& r : v) merged[k].push_back(r);
    } else if (k == "properties" && merged.contains(k) && merged[k].is_object() && v.is_object()) {
      merged[k].update(v);
    } else {
      merged[k] = v;
    }
  }
  return merged;
}

}  // namespace

std::string PathName(const std::string& path) { return path.empty() ? std::string("/") : path; }

Status BadKeyword(std::string_view keyword, const std::string& path, std::string_view what) {
  std::string m = "'";
  m.append(keyword).append("' at ").append(PathName(path)).append(" ").append(what);
  return Status::InvalidArgument(std::move(m));
}

Status UnsupportedKeyword(const std::string& keyword, const std::string& path) {
  std::string m = "unsupported JSON Schema keyword '";
  m.append(keyword).append("' at ").append(PathName(path));
  return Status::Unsupported(std::move(m));
}

Result<int64_t> CountKeyword(const Json& s, const char* key, int64_t fallback, const std::string& path) {
  if (!s.contains(key)) return fallback;
  const Json& v = s[key];
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() != static_cast<double>(v.get<int64_t>())) {
    return BadKeyword(key, path, " must be a non-negative integer");
  }
  const int64_t n = v.get<int64_t>();
  if (n > kMaxRepetition) return UnsupportedKeyword(std::string(key) + " above " + std::to_string(kMaxRepetition), path);
  return n;
}

Result<std::string> SchemaCompiler::Compile() {
  auto body = Visit(root_, "root", "", 0);
  if (!body.ok()) return body.status();
  return out_.Text(*body);
}

Result<std::string> SchemaCompiler::Visit(const Json& s, const std::string& name, const std::string& path,
                                          int depth) {
  if (depth > kMaxSchemaDepth) {
    return Status::InvalidArgument("the schema is nested deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
  }
  if (s.is_boolean()) {
    if (s.get<bool>()) return out_.Builtin("value");
    return UnsupportedKeyword("false (a schema that accepts nothing)", path);
  }
  if (!s.is_object()) return Status::InvalidArgument("the schema at " + PathName(path) + " is not an object");
  if (const auto* bad = FindUnsupported(s)) return UnsupportedKeyword(std::string(*bad), path);
  if (s.contains("$ref")) {
    if (!s["$ref"].is_string()) return BadKeyword("$ref", path, " must be a string");
    return VisitRef(s["$ref"].get<std::string>(), Join(path, "$ref"), depth + 1);
  }
  if (s.contains("const")) return JsonLiteral(s["const"]);
  if (s.contains("enum")) {
    if (!s["enum"].is_array() || s["enum"].empty()) {
      return BadKeyword("enum", path, " must be a non-empty array");
    }
    std::string alts;
    for (const auto& v : s["enum"]) alts += (alts.empty() ? "" : " | ") + JsonLiteral(v);
    return "(" + alts + ")";
  }
  if (s.contains("anyOf")) return VisitAlternatives(s, "anyOf", name, path, depth);
  if (s.contains("oneOf")) return VisitAlternatives(s, "oneOf", name, path, depth);
  if (!s.contains("type")) {
    if (s.contains("properties") || s.contains("required")) return VisitTyped(s, "object", name, path, depth);
    if (s.contains("items") || s.contains("minItems") || s.contains("maxItems")) return VisitTyped(s, "array", name, path, depth);
    if (s.contains("format") || s.contains("minLength") || s.contains("maxLength")) return VisitTyped(s, "string", name, path, depth);
    return out_.Builtin("value");
  }
  const Json& type = s["type"];
  if (type.is_string()) return VisitTyped(s, type.get<std::string>(), name, path, depth);
  if (!type.is_array() || type.empty()) {
    return BadKeyword("type", path, " must be a string or a non-empty array");
  }
  std::string alts;
  for (const auto& t : type) {
    if (!t.is_string()) return BadKeyword("type", path, " lists a non-string");
    auto one = VisitTyped(s, t.get<std::string>(), name + "-" + t.get<std::string>(), path, depth);
    if (!one.ok()) return one.status();
    alts += (alts.empty() ? "" : " | ") + *one;
  }
  return "(" + alts + ")";
}

Result<std::string> SchemaCompiler::VisitTyped(const Json& s, const std::string& type, const std::string& name,
                                               const std::string& path, int depth) {
  if (type == "object") return VisitObject(s, name, path, depth);
  if (type == "array") return VisitArray(s, name, path, depth);
  if (type == "string") return VisitString(s, name, path);
  if (type == "integer") return VisitInteger(s, path);
  if (type == "number") return VisitNumber(s, path);
  if (type == "boolean") return out_.Builtin("boolean");
  if (type == "null") return out_.Builtin("null");
  return BadKeyword("type", path, "names an unknown type '" + type + "'");
}

Result<std::string> SchemaCompiler::VisitAlternatives(const Json& s, const char* key, const std::string& name,
                                                      const std::string& path, int depth) {
  const Json& list = s[key];
  if (!list.is_array() || list.empty()) {
    return BadKeyword(key, path, " must be a non-empty array");
  }
  Json siblings = s;
  siblings.erase(key);
  std::string alts;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json merged = MergeAlternative(siblings, list[i]);
    auto one = Visit(merged, name + "-" + std::to_string(i), Join(path, key) + "/" + std::to_string(i), depth + 1);
    if (!one.ok()) return one.status();
    alts += (alts.empty() ? "" : " | ") + *one;
  }
  return out_.Add(name, alts);
}

Result<std::string> SchemaCompiler::VisitRef(const std::string& ref, const std::string& path, int depth) {
  if (auto it = refs_.find(ref); it != refs_.end()) return it->second;
  if (ref != "#" && ref.rfind("#/", 0) != 0) {
    return UnsupportedKeyword("$ref '" + ref + "' (only local references such as #/$defs/name)", path);
  }
  const Json::json_pointer pointer(ref.substr(1));  // a malformed pointer throws: caught by the caller
  if (!root_.contains(pointer)) return BadKeyword("$ref", path, ref + " does not exist");
  const std::string rule = out_.Reserve("ref-" + ref.substr(ref.rfind('/') + 1));
  refs_.emplace(ref, rule);
  auto body = Visit(root_.at(pointer), rule, ref.substr(1), depth);
  if (!body.ok()) return body.status();
  out_.Define(rule, *body);
  return rule;
}

Result<std::string> JsonSchemaToGbnf(std::string_view schema_json) {
  Json schema = Json::parse(schema_json, nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded()) return Status::InvalidArgument("the schema is not valid JSON");
  try {
    return SchemaCompiler(schema).Compile();
  } catch (const Json::exception& e) {
    // Wrong JSON types met by nlohmann accessors (e.g. a malformed $ref pointer).
    return Status::InvalidArgument(std::string("malformed schema: ") + e.what());
  }
}

std::string AnyJsonObjectGbnf() {
  GbnfWriter out;
  const std::string object = out.Builtin("object");
  return out.Text(object);
}

}  // namespace llm::engine
