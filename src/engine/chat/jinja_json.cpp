// Python's json.dumps as transformers' `tojson` calls it, and JSON documents as template values.
#include "engine/chat/jinja_json.h"

#include <algorithm>
#include <cmath>

#include "engine/chat/jinja_builtins.h"

namespace llm::engine::jinja {
namespace {

// A JSON string literal as json.dumps writes it with ensure_ascii=False: only '"', '\\' and
// control characters escaped (nlohmann's escaping is the same).
void AppendJsonString(std::string& out, const std::string& s) {
  out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct JsonWriter {
  int indent;
  bool sort_keys;
  std::string item_sep;
  std::string key_sep;
  std::string out;

  void Newline(int depth) {
    out += '\n';
    out.append(static_cast<size_t>(indent) * static_cast<size_t>(depth), ' ');
  }

  Status Write(const Value& v, int depth) {
    if (depth > 200) return Status::InvalidArgument("tojson: value nested too deeply");
    if (v.is_none()) {
      out += "null";
    } else if (v.is_bool()) {
      out += v.as_bool() ? "true" : "false";
    } else if (v.is_int()) {
      out += std::to_string(v.as_int());
    } else if (v.is_float()) {
      const double f = v.as_float();
      out += std::isnan(f) ? "NaN" : std::isinf(f) ? (f > 0 ? "Infinity" : "-Infinity")
                                                   : FormatPythonFloat(f);
    } else if (v.is_string()) {
      AppendJsonString(out, v.as_string());
    } else if (v.is_list()) {
      return WriteList(v.as_list()->items, depth);
    } else if (v.is_mapping()) {
      return WriteDict(*v.as_dict(), depth);
    } else {
      return Status::InvalidArgument("Object of type " + v.TypeName() +
                                     " is not JSON serializable");
    }
    return Status::Ok();
  }

  Status WriteList(const std::vector<Value>& items, int depth) {
    if (items.empty()) {
      out += "[]";
      return Status::Ok();
    }
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += item_sep;
      if (indent >= 0) Newline(depth + 1);
      LLM_RETURN_IF_ERROR(Write(items[i], depth + 1));
    }
    if (indent >= 0) Newline(depth);
    out += ']';
    return Status::Ok();
  }

  Status WriteDict(const Dict& dict, int depth) {
    if (dict.items.empty()) {
      out += "{}";
      return Status::Ok();
    }
    std::vector<const std::pair<std::string, Value>*> items;
    for (const auto& item : dict.items) items.push_back(&item);
    if (sort_keys) {
      std::stable_sort(items.begin(), items.end(),
                       [](const auto* a, const auto* b) { return a->first < b->first; });
    }
    out += '{';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += item_sep;
      if (indent >= 0) Newline(depth + 1);
      AppendJsonString(out, items[i]->first);
      out += key_sep;
      LLM_RETURN_IF_ERROR(Write(items[i]->second, depth + 1));
    }
    if (indent >= 0) Newline(depth);
    out += '}';
    return Status::Ok();
  }
};

}  // namespace

Result<std::string> ToJson(const Value& v, int indent, bool sort_keys, std::string_view item_sep,
                           std::string_view key_sep) {
  JsonWriter w{indent, sort_keys,
               item_sep.empty() ? (indent >= 0 ? "," : ", ") : std::string(item_sep),
               key_sep.empty() ? ": " : std::string(key_sep), {}};
  LLM_RETURN_IF_ERROR(w.Write(v, 0));
  return std::move(w.out);
}

Value FromJson(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null: return Value(None{});
    case nlohmann::ordered_json::value_t::boolean: return Value(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value(json.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return Value(static_cast<int64_t>(json.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float: return Value(json.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      std::vector<Value> items;
      for (const auto& item : json) items.push_back(FromJson(item));
      return Value::MakeList(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Value dict = Value::MakeDict();
      for (const auto& [key, item] : json.items()) dict.as_dict()->Set(key, FromJson(item));
      return dict;
    }
    default: return Value(None{});
  }
}

}  // namespace llm::engine::jinja
