// Attribute, item and slice access, iteration, membership and length, as Jinja2 resolves them
// on Python objects.
#include <algorithm>

#include "engine/chat/jinja_builtins.h"
#include "engine/chat/jinja_methods.h"

namespace llm::engine::jinja {
namespace {

std::string JinjaTypeName(const Value& v) { return v.TypeName() + " object"; }

Value Missing(const Value& obj, const std::string& name) {
  return Value::MakeUndefined(std::string("'") + JinjaTypeName(obj) + "' has no attribute '" + name + "'");
}

// Python's index normalisation: negative counts from the end; nullopt when out of range.
std::optional<size_t> Index(int64_t i, size_t size) {
  const auto n = static_cast<int64_t>(size);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return std::nullopt;
  return static_cast<size_t>(i);
}

// Python's slice.indices(): the start, stop and step for a sequence of `size`.
Status SliceBounds(const Value& start, const Value& stop, const Value& step, size_t size,
                   int64_t* b, int64_t* e, int64_t* s) {
  for (const Value* v : {&start, &stop, &step}) {
    if (!v->is_none() && !v->is_int() && !v->is_bool()) {
      return Status::InvalidArgument("slice indices must be integers or None");
    }
  }
  auto num = [](const Value& v) { return v.is_bool() ? int64_t{v.as_bool()} : v.as_int(); };
  const auto n = static_cast<int64_t>(size);
  *s = step.is_none() ? 1 : num(step);
  if (*s == 0) return Status::InvalidArgument("slice step cannot be zero");
  const int64_t lo = *s > 0 ? 0 : -1;
  const int64_t hi = *s > 0 ? n : n - 1;
  auto clamp = [&](const Value& v, int64_t fallback) {
    if (v.is_none()) return fallback;
    int64_t i = num(v);
    if (i < 0) i = std::max(i + n, lo);
    return std::min(i, hi);
  };
  *b = clamp(start, *s > 0 ? lo : hi);
  *e = clamp(stop, *s > 0 ? hi : lo);
  return Status::Ok();
}

}  // namespace

Status UndefinedError(const Value& v) {
  const std::string& what = v.undefined_name();
  return Status::InvalidArgument(what.empty() ? "undefined value" : what);
}

Value Arg(const CallArgs& args, size_t index, std::string_view name, const Value& fallback) {
  for (const auto& [key, value] : args.keyword) {
    if (key == name) return value;
  }
  return index < args.positional.size() ? args.positional[index] : fallback;
}

Result<Value> GetAttribute(const Value& obj, const std::string& name) {
  if (obj.is_undefined()) return UndefinedError(obj);
  if (std::optional<Value> method = BoundMethod(obj, name)) return *method;
  if (obj.is_dict()) {
    if (const Value* v = obj.as_dict()->Find(name)) return *v;
  }
  return Missing(obj, name);
}

Result<Value> GetItem(const Value& obj, const Value& key) {
  if (obj.is_undefined()) return UndefinedError(obj);
  if (obj.is_dict() && key.is_string()) {
    if (const Value* v = obj.as_dict()->Find(key.as_string())) return *v;
    if (std::optional<Value> method = BoundMethod(obj, key.as_string())) return *method;
    return Value::MakeUndefined(std::string("'") + JinjaTypeName(obj) + "' has no attribute '" +
                                key.as_string() + "'");
  }
  if ((obj.is_list() || obj.is_string()) && (key.is_int() || key.is_bool())) {
    const int64_t i = key.is_bool() ? key.as_bool() : key.as_int();
    if (obj.is_list()) {
      if (auto k = Index(i, obj.as_list()->items.size())) return obj.as_list()->items[*k];
    } else {
      const std::vector<std::string> chars = SplitCodePoints(obj.as_string());
      if (auto k = Index(i, chars.size())) return Value(chars[*k]);
    }
    return Value::MakeUndefined(JinjaTypeName(obj) + " index out of range");
  }
  if (key.is_string()) {
    if (std::optional<Value> method = BoundMethod(obj, key.as_string())) return *method;
  }
  return Value::MakeUndefined(std::string("'") + JinjaTypeName(obj) + "' has no attribute '" +
                              ToPythonString(key) + "'");
}

Result<Value> Slice(const Value& obj, const Value& start, const Value& stop, const Value& step) {
  if (obj.is_undefined()) return UndefinedError(obj);
  if (!obj.is_list() && !obj.is_string()) {
    return Status::InvalidArgument(std::string("'") + obj.TypeName() + "' object is not subscriptable");
  }
  const std::vector<std::string> chars =
      obj.is_string() ? SplitCodePoints(obj.as_string()) : std::vector<std::string>{};
  const size_t size = obj.is_string() ? chars.size() : obj.as_list()->items.size();
  int64_t b = 0, e = 0, s = 1;
  LLM_RETURN_IF_ERROR(SliceBounds(start, stop, step, size, &b, &e, &s));
  std::string text;
  std::vector<Value> items;
  for (int64_t i = b; s > 0 ? i < e : i > e; i += s) {
    if (obj.is_string()) {
      text += chars[static_cast<size_t>(i)];
    } else {
      items.push_back(obj.as_list()->items[static_cast<size_t>(i)]);
    }
  }
  if (obj.is_string()) return Value(std::move(text));
  return Value::MakeList(std::move(items), obj.as_list()->tuple);
}

Result<std::vector<Value>> Iterate(const Value& v) {
  if (v.is_undefined()) return std::vector<Value>{};
  if (v.is_list()) return v.as_list()->items;
  if (v.is_mapping()) {
    std::vector<Value> keys;
    for (const auto& item : v.as_dict()->items) keys.emplace_back(item.first);
    return keys;
  }
  if (v.is_string()) {
    std::vector<Value> chars;
    for (std::string& c : SplitCodePoints(v.as_string())) chars.emplace_back(std::move(c));
    return chars;
  }
  return Status::InvalidArgument(std::string("'") + v.TypeName() + "' object is not iterable");
}

Result<bool> Contains(const Value& container, const Value& item) {
  if (container.is_string()) {
    if (!item.is_string()) {
      return Status::InvalidArgument("'in <string>' requires string as left operand, not " +
                                     item.TypeName());
    }
    return container.as_string().find(item.as_string()) != std::string::npos;
  }
  if (container.is_list()) {
    const auto& items = container.as_list()->items;
    return std::any_of(items.begin(), items.end(), [&](const Value& v) { return Equals(v, item); });
  }
  if (container.is_mapping()) {
    return item.is_string() && container.as_dict()->Find(item.as_string()) != nullptr;
  }
  if (container.is_undefined()) return false;
  return Status::InvalidArgument("argument of type '" + container.TypeName() +
                                 "' is not iterable");
}

Result<int64_t> Length(const Value& v) {
  if (v.is_undefined()) return 0;
  if (v.is_string()) return static_cast<int64_t>(CodePointCount(v.as_string()));
  if (v.is_list()) return static_cast<int64_t>(v.as_list()->items.size());
  if (v.is_mapping()) return static_cast<int64_t>(v.as_dict()->items.size());
  return Status::InvalidArgument("object of type '" + v.TypeName() + "' has no len()");
}

}  // namespace llm::engine::jinja
