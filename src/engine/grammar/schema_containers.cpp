// Objects and arrays of the JSON Schema compiler.
#include <algorithm>
#include <utility>
#include <vector>

#include "engine/grammar/schema_compiler.h"

namespace llm::engine {
namespace {

struct Property {
  std::string key;
  const Json* schema;  // nullptr: any value (a required name with no declared schema)
  bool required;
};

const Json& AnyValue() {
  static const Json kTrue = true;  // immutable: the schema that accepts any value
  return kTrue;
}

std::string Path(const std::string& path, const std::string& key) { return path + "/" + key; }

// `extra`'s keywords over `base` (a boolean `extra` is taken as is).
Json MergeKeys(Json base, const Json& extra) {
  if (!extra.is_object()) return extra;
  for (const auto& [k, v] : extra.items()) base[k] = v;
  return base;
}

}  // namespace

Result<std::string> SchemaCompiler::VisitObject(const Json& s, const std::string& name,
                                                const std::string& path, int depth) {
  const Json empty = Json::object();
  const Json& props = s.contains("properties") ? s["properties"] : empty;
  if (!props.is_object()) return BadKeyword("properties", path, " must be an object");
  std::vector<std::string> required;
  if (s.contains("required")) {
    if (!s["required"].is_array()) return BadKeyword("required", path, " must be an array");
    for (const auto& r : s["required"]) {
      if (!r.is_string()) return BadKeyword("required", path, " lists a non-string");
      if (std::find(required.begin(), required.end(), r.get<std::string>()) == required.end()) {
        required.push_back(r.get<std::string>());
      }
    }
  }
  if (props.empty() && required.empty()) return VisitMap(s, name, path, depth);
  for (const char* key : {"propertyNames", "minProperties", "maxProperties"}) {
    if (s.contains(key)) return UnsupportedKeyword(std::string(key) + " with declared properties", path);
  }
  std::vector<Property> list;
  for (const auto& [key, schema] : props.items()) {
    const bool req = std::find(required.begin(), required.end(), key) != required.end();
    list.push_back({key, &schema, req});
  }
  for (const auto& key : required) {
    if (!props.contains(key)) list.push_back({key, &AnyValue(), true});
  }
  // Member i as `"key":` ws value.
  std::vector<std::string> members;
  for (const Property& p : list) {
    auto value = Visit(*p.schema, name + "-" + p.key, Path(path, "properties/" + p.key), depth + 1);
    if (!value.ok()) return value.status();
    members.push_back(GbnfLiteral(Json(p.key).dump() + ":") + " " + out_.Builtin("ws") + " " + *value);
  }
  // first_i: members i.. with none written yet; rest_i: members i.. after one was written
  // (each then starts with a comma). Optional members may be skipped, required ones not.
  const std::string ws = out_.Builtin("ws");
  std::string first = "", rest = "";
  for (size_t i = list.size(); i-- > 0;) {
    const std::string& m = members[i];
    const std::string after = rest.empty() ? "" : " " + rest;
    std::string first_body = m + after;
    std::string rest_body = "\",\" " + ws + " " + m + after;
    if (!list[i].required) {
      first_body += first.empty() ? " | \"\"" : " | " + first;
      rest_body = "(\",\" " + ws + " " + m + ")?" + after;
    }
    first = out_.Add(name + "-" + list[i].key, first_body);
    rest = out_.Add(name + "-" + list[i].key + "-rest", rest_body);
  }
  return out_.Add(name, "\"{\" " + ws + " " + first + " \"}\"");
}

// An object without declared properties: a map from keys (strings, or the propertyNames
// schema) to the additionalProperties schema (any value when absent or true), or {} when
// additionalProperties is false.
Result<std::string> SchemaCompiler::VisitMap(const Json& s, const std::string& name,
                                             const std::string& path, int depth) {
  const std::string ws = out_.Builtin("ws");
  const Json& extra = s.contains("additionalProperties") ? s["additionalProperties"] : AnyValue();
  if (extra == false) return "\"{\" " + ws + " \"}\"";
  const bool bounded = s.contains("minProperties") || s.contains("maxProperties");
  if (extra == true && !s.contains("propertyNames") && !bounded) return out_.Builtin("object");
  auto value = Visit(extra, name + "-value", Path(path, "additionalProperties"), depth + 1);
  if (!value.ok()) return value.status();
  std::string key = out_.Builtin("string");
  if (s.contains("propertyNames")) {
    Json names = MergeKeys(Json{{"type", "string"}}, s["propertyNames"]);
    auto k = Visit(names, name + "-key", Path(path, "propertyNames"), depth + 1);
    if (!k.ok()) return k.status();
    key = *k;
  }
  const std::string member = out_.Add(name + "-member", key + " \":\" " + ws + " " + *value);
  auto members = Repeated(member, s, "minProperties", "maxProperties", path);
  if (!members.ok()) return members.status();
  return out_.Add(name, "\"{\" " + ws + " " + *members + " \"}\"");
}

Result<std::string> SchemaCompiler::VisitArray(const Json& s, const std::string& name,
                                               const std::string& path, int depth) {
  const Json& items = s.contains("items") ? s["items"] : AnyValue();
  if (items.is_array()) return UnsupportedKeyword("items as an array (tuple validation)", path);
  auto min = CountKeyword(s, "minItems", 0, path);
  if (!min.ok()) return min.status();
  auto max = CountKeyword(s, "maxItems", -1, path);
  if (!max.ok()) return max.status();
  if (*max >= 0 && *max < *min) return BadKeyword("maxItems", path, "is below minItems");
  auto item = Visit(items, name + "-item", Path(path, "items"), depth + 1);
  if (!item.ok()) return item.status();
  const std::string ws = out_.Builtin("ws");
  const std::string next = "\",\" " + ws + " " + *item;
  if (*max == 0) return "\"[\" " + ws + " \"]\"";
  // item (, item){lo,hi} where the first item is already counted.
  const int64_t lo = *min > 0 ? *min - 1 : 0;
  const std::string hi = *max < 0 ? "" : std::to_string(*max - 1);
  std::string body = *item + " (" + next + "){" + std::to_string(lo) + "," + hi + "}";
  if (*min == 0) body = "(" + body + ")?";
  return out_.Add(name, "\"[\" " + ws + " " + body + " \"]\"");
}

// `element` repeated s[min_key]..s[max_key] times, comma separated.
Result<std::string> SchemaCompiler::Repeated(const std::string& element, const Json& s, const char* min_key,
                                             const char* max_key, const std::string& path) {
  auto min = CountKeyword(s, min_key, 0, path);
  if (!min.ok()) return min.status();
  auto max = CountKeyword(s, max_key, -1, path);
  if (!max.ok()) return max.status();
  if (*max >= 0 && *max < *min) return BadKeyword(max_key, path, std::string("is below ") + min_key);
  if (*max == 0) return std::string("\"\"");
  // element ("," element){lo,hi}: the first element is counted apart.
  const int64_t lo = *min > 0 ? *min - 1 : 0;
  const std::string hi = *max < 0 ? "" : std::to_string(*max - 1);
  std::string body = element + " (\",\" " + out_.Builtin("ws") + " " + element + "){" + std::to_string(lo) + "," + hi + "}";
  if (*min == 0) body = "(" + body + ")?";
  return body;
}

}  // namespace llm::engine
