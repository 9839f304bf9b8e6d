#include "engine/chat/jinja_methods.h"

#include <cctype>

#include "engine/chat/jinja_builtins.h"
#include "engine/chat/text_trim.h"

namespace llm::engine::jinja {
namespace {

using Method = Result<Value> (*)(const Value& self, const CallArgs& args);


Result<std::string> StringArg(const CallArgs& args, size_t i, std::string_view name) {
  const Value& v = Arg(args, i, name, kNone);
  if (!v.is_string()) {
    return Status::InvalidArgument("must be str, not " + v.TypeName());
  }
  return v.as_string();
}

int64_t IntArg(const CallArgs& args, size_t i, std::string_view name, int64_t fallback) {
  const Value& v = Arg(args, i, name, kNone);
  return v.is_int() ? v.as_int() : fallback;
}

// startswith / endswith: a prefix or a tuple of prefixes.
Result<Value> Affix(const Value& self, const CallArgs& args, bool start) {
  const Value& arg = Arg(args, 0, "prefix", kNone);
  std::vector<Value> options = arg.is_list() ? arg.as_list()->items : std::vector<Value>{arg};
  const std::string& s = self.as_string();
  for (const Value& o : options) {
    if (!o.is_string()) return Status::InvalidArgument("startswith/endswith arguments must be str");
    const std::string& a = o.as_string();
    if (start ? s.starts_with(a) : s.ends_with(a)) return Value(true);
  }
  return Value(false);
}

Result<Value> Find(const Value& self, const CallArgs& args, bool reverse) {
  LLM_ASSIGN_OR_RETURN(std::string sub, StringArg(args, 0, "sub"));
  const std::string& s = self.as_string();
  const size_t at = reverse ? s.rfind(sub) : s.find(sub);
  if (at == std::string::npos) return Value(int64_t{-1});
  return Value(static_cast<int64_t>(CodePointCount(std::string_view(s).substr(0, at))));
}

Result<Value> Count(const Value& self, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::string sub, StringArg(args, 0, "sub"));
  const std::string& s = self.as_string();
  if (sub.empty()) return Value(static_cast<int64_t>(CodePointCount(s) + 1));
  int64_t n = 0;
  for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
  return Value(n);
}

Result<Value> StrJoin(const Value& self, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(Arg(args, 0, "iterable", kNone)));
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) {
      return Status::InvalidArgument("sequence item " + std::to_string(i) +
                                     ": expected str instance, " + items[i].TypeName() + " found");
    }
    if (i) out += self.as_string();
    out += items[i].as_string();
  }
  return Value(std::move(out));
}

// str.format with "{}", "{0}" and "{name}" fields and "{{" / "}}" escapes.
Result<Value> StrFormat(const Value& self, const CallArgs& args) {
  const std::string& f = self.as_string();
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f.compare(i, 2, "{{") == 0 || f.compare(i, 2, "}}") == 0) {
      out += f[i++];
    } else if (f[i] == '{') {
      const size_t close = f.find('}', i);
      if (close == std::string::npos) return Status::InvalidArgument("Single '{' in format string");
      const std::string field = f.substr(i + 1, close - i - 1);
      const Value none;
      const Value* v = &none;
      Value named;
      if (field.empty()) {
        v = next < args.positional.size() ? &args.positional[next++] : &none;
      } else if (std::isdigit(static_cast<unsigned char>(field[0]))) {
        const size_t k = std::stoul(field);
        v = k < args.positional.size() ? &args.positional[k] : &none;
      } else {
        named = Arg(args, SIZE_MAX, field, none);
        v = &named;
      }
      if (v->is_undefined()) return Status::InvalidArgument("format field '" + field + "' missing");
      out += ToPythonString(*v);
      i = close;
    } else {
      out += f[i];
    }
  }
  return Value(std::move(out));
}

Result<Value> StringMethod(std::string_view name, const Value& self, const CallArgs& args) {
  const std::string& s = self.as_string();
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    const Value& chars = Arg(args, 0, "chars", kNone);
    if (!chars.is_none() && !chars.is_string()) return Status::InvalidArgument("strip arg must be None or str");
    return Value(StripText(s, chars, name != "rstrip", name != "lstrip"));
  }
  if (name == "split") {
    std::vector<Value> parts;
    for (std::string& p : SplitText(s, Arg(args, 0, "sep", kNone), IntArg(args, 1, "maxsplit", -1))) {
      parts.emplace_back(std::move(p));
    }
    return Value::MakeList(std::move(parts));
  }
  if (name == "startswith" || name == "endswith") return Affix(self, args, name == "startswith");
  if (name == "upper") return Value(UpperText(s));
  if (name == "lower") return Value(LowerText(s));
  if (name == "title") return Value(TitleText(s));
  if (name == "capitalize") return Value(CapitalizeText(s));
  if (name == "replace") {
    LLM_ASSIGN_OR_RETURN(std::string from, StringArg(args, 0, "old"));
    LLM_ASSIGN_OR_RETURN(std::string to, StringArg(args, 1, "new"));
    return Value(ReplaceText(s, from, to, IntArg(args, 2, "count", -1)));
  }
  if (name == "find" || name == "rfind") return Find(self, args, name == "rfind");
  if (name == "count") return Count(self, args);
  if (name == "join") return StrJoin(self, args);
  if (name == "format") return StrFormat(self, args);
  if (name == "splitlines") {
    std::vector<Value> lines;
    for (std::string& p : SplitText(s, Value("\n"), -1)) lines.emplace_back(std::move(p));
    if (!lines.empty() && s.ends_with('\n')) lines.pop_back();
    return Value::MakeList(std::move(lines));
  }
  auto all = [&](int (*pred)(int)) {
    if (s.empty()) return Value(false);
    for (char c : s) {
      if (!pred(static_cast<unsigned char>(c))) return Value(false);
    }
    return Value(true);
  };
  if (name == "isdigit") return all(std::isdigit);
  if (name == "isalpha") return all(std::isalpha);
  if (name == "isalnum") return all(std::isalnum);
  if (name == "isspace") return all(std::isspace);
  return Status::Internal("unhandled str method");
}

Result<Value> DictMethod(std::string_view name, const Value& self, const CallArgs& args) {
  const Dict& d = *self.as_dict();
  if (name == "get") {
    const Value& key = Arg(args, 0, "key", kNone);
    if (key.is_string()) {
      if (const Value* v = d.Find(key.as_string())) return *v;
    }
    return Arg(args, 1, "default", kNone);
  }
  std::vector<Value> out;
  for (const auto& [k, v] : d.items) {
    if (name == "keys") {
      out.emplace_back(k);
    } else if (name == "values") {
      out.push_back(v);
    } else {
      out.push_back(Value::MakeList({Value(k), v}, true));
    }
  }
  return Value::MakeList(std::move(out));
}

constexpr std::string_view kStringMethods[] = {
    "strip", "lstrip", "rstrip", "split", "startswith", "endswith", "upper", "lower", "title",
    "capitalize", "replace", "find", "rfind", "count", "join", "format", "splitlines",
    "isdigit", "isalpha", "isalnum", "isspace"};
constexpr std::string_view kDictMethods[] = {"items", "keys", "values", "get"};

template <size_t N>
bool Has(const std::string_view (&names)[N], std::string_view name) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

Value Bind(const Value& self, const std::string& name,
           Result<Value> (*method)(std::string_view, const Value&, const CallArgs&)) {
  auto callable = std::make_shared<Callable>();
  callable->name = name;
  callable->call = [self, name, method](const CallArgs& args) { return method(name, self, args); };
  return Value(CallablePtr(std::move(callable)));
}

}  // namespace

std::optional<Value> BoundMethod(const Value& obj, const std::string& name) {
  if (obj.is_string() && Has(kStringMethods, name)) return Bind(obj, name, StringMethod);
  if (obj.is_mapping() && Has(kDictMethods, name)) return Bind(obj, name, DictMethod);
  return std::nullopt;
}

std::string StripText(std::string_view s, const Value& chars, bool left, bool right) {
  if (chars.is_none() || chars.is_undefined()) {
    const std::string_view t = TrimPythonWhitespace(s);
    if (t.empty()) return "";
    const size_t b = left ? static_cast<size_t>(t.data() - s.data()) : 0;
    const size_t e = right ? static_cast<size_t>(t.data() - s.data()) + t.size() : s.size();
    return std::string(s.substr(b, e - b));
  }
  const std::vector<std::string> set = SplitCodePoints(chars.as_string());
  const std::vector<std::string> cps = SplitCodePoints(s);
  auto in_set = [&](const std::string& c) { return std::find(set.begin(), set.end(), c) != set.end(); };
  size_t b = 0, e = cps.size();
  while (left && b < e && in_set(cps[b])) ++b;
  while (right && e > b && in_set(cps[e - 1])) --e;
  std::string out;
  for (size_t i = b; i < e; ++i) out += cps[i];
  return out;
}

std::vector<std::string> SplitText(std::string_view s, const Value& sep, int64_t max_split) {
  std::vector<std::string> out;
  if (sep.is_string() && !sep.as_string().empty()) {
    const std::string& d = sep.as_string();
    size_t start = 0;
    for (size_t at = s.find(d); at != std::string_view::npos && max_split != 0;
         at = s.find(d, start), --max_split) {
      out.emplace_back(s.substr(start, at - start));
      start = at + d.size();
    }
    out.emplace_back(s.substr(start));
    return out;
  }
  size_t i = 0;
  auto space = [&](size_t k) { return IsPythonSpace(static_cast<unsigned char>(s[k])); };
  while (true) {
    while (i < s.size() && space(i)) ++i;
    if (i >= s.size()) break;
    if (max_split == 0) {
      std::string rest(s.substr(i));
      out.push_back(StripText(rest, kNone, false, true));
      break;
    }
    size_t j = i;
    while (j < s.size() && !space(j)) ++j;
    out.emplace_back(s.substr(i, j - i));
    i = j;
    --max_split;
  }
  return out;
}

std::string ReplaceText(std::string_view s, std::string_view from, std::string_view to,
                        int64_t count) {
  std::string out;
  if (from.empty()) {  // Python inserts `to` around every code point
    const std::vector<std::string> cps = SplitCodePoints(s);
    for (size_t i = 0; i <= cps.size(); ++i) {
      if (count < 0 || static_cast<int64_t>(i) < count) out += to;
      if (i < cps.size()) out += cps[i];
    }
    return out;
  }
  size_t start = 0;
  for (size_t at = s.find(from); at != std::string_view::npos && count != 0;
       at = s.find(from, start), --count) {
    out.append(s.substr(start, at - start)).append(to);
    start = at + from.size();
  }
  out.append(s.substr(start));
  return out;
}

}  // namespace llm::engine::jinja
