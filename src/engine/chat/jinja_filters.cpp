// Jinja's filters, as Jinja2 3.x defines them, with transformers' `tojson`.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/chat/jinja_builtins.h"
#include "engine/chat/jinja_methods.h"

namespace llm::engine::jinja {
namespace {

const Value kFalse{false};

using Filter = Result<Value> (*)(const Value& v, const CallArgs& args);

CallArgs Tail(const CallArgs& args, size_t from) {
  CallArgs rest;
  if (from < args.positional.size()) {
    rest.positional.assign(args.positional.begin() + static_cast<std::ptrdiff_t>(from),
                           args.positional.end());
  }
  rest.keyword = args.keyword;
  return rest;
}

// Jinja's attribute getter for `attribute=` arguments: "a.b" and "0" walk items and indexes.
Result<Value> GetPath(const Value& item, const Value& path) {
  if (path.is_int()) return GetItem(item, path);
  Value v = item;
  for (const std::string& part : SplitText(ToPythonString(path), Value("."), -1)) {
    const bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    LLM_ASSIGN_OR_RETURN(v, GetItem(v, digits ? Value(int64_t{std::atoll(part.c_str())}) : Value(part)));
  }
  return v;
}

// The key a case-insensitive comparison uses: strings lower-cased.
Value FoldCase(const Value& v, bool case_sensitive) {
  return !case_sensitive && v.is_string() ? Value(LowerText(v.as_string())) : v;
}

Result<Value> FirstOrLast(const Value& v, bool first) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  if (items.empty()) return Value::MakeUndefined(first ? "No first item, sequence was empty."
                                                       : "No last item, sequence was empty.");
  return first ? items.front() : items.back();
}

Result<Value> Join(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  const std::string sep = ToPythonString(Arg(args, 0, "d", Value("")));
  const Value& attribute = Arg(args, 1, "attribute", kNone);
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    Value item = items[i];
    if (!attribute.is_none()) {
      LLM_ASSIGN_OR_RETURN(item, GetPath(item, attribute));
    }
    if (i) out += sep;
    out += ToPythonString(item);
  }
  return Value(std::move(out));
}

Result<Value> Default(const Value& v, const CallArgs& args) {
  const bool boolean = Arg(args, 1, "boolean", kFalse).Truthy();
  if (v.is_undefined() || (boolean && !v.Truthy())) return Arg(args, 0, "default_value", Value(""));
  return v;
}

Result<Value> ToJsonFilter(const Value& v, const CallArgs& args) {
  const Value& indent = Arg(args, 1, "indent", kNone);
  const Value& separators = Arg(args, 2, "separators", kNone);
  std::string item_sep, key_sep;
  if (separators.is_list() && separators.as_list()->items.size() == 2) {
    item_sep = ToPythonString(separators.as_list()->items[0]);
    key_sep = ToPythonString(separators.as_list()->items[1]);
  }
  const int width = indent.is_int() ? static_cast<int>(std::clamp<int64_t>(indent.as_int(), 0, 64)) : -1;
  LLM_ASSIGN_OR_RETURN(std::string text,
                       ToJson(v, width, Arg(args, 3, "sort_keys", kFalse).Truthy(), item_sep, key_sep));
  return Value(std::move(text));
}

Result<Value> Int(const Value& v, const CallArgs& args) {
  const Value& fallback = Arg(args, 0, "default", Value(int64_t{0}));
  if (v.is_int()) return v;
  if (v.is_bool()) return Value(int64_t{v.as_bool()});
  if (v.is_float()) {
    if (!std::isfinite(v.as_float()) || std::fabs(v.as_float()) > 9e18) return fallback;
    return Value(static_cast<int64_t>(v.as_float()));
  }
  if (!v.is_string()) return fallback;
  const std::string s = StripText(v.as_string(), kNone, true, true);
  const Value& base = Arg(args, 1, "base", Value(int64_t{10}));
  const int b = base.is_int() && base.as_int() >= 2 && base.as_int() <= 36 ? static_cast<int>(base.as_int()) : 10;
  char* end = nullptr;
  errno = 0;
  const long long i = std::strtoll(s.c_str(), &end, b);
  if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return Value(int64_t{i});
  const double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d) && std::fabs(d) < 9e18) {
    return Value(static_cast<int64_t>(d));
  }
  return fallback;
}

Result<Value> Float(const Value& v, const CallArgs& args) {
  const Value& fallback = Arg(args, 0, "default", Value(0.0));
  if (v.is_number()) return Value(v.as_double());
  if (!v.is_string()) return fallback;
  const std::string s = StripText(v.as_string(), kNone, true, true);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size()) return Value(d);
  return fallback;
}

Result<Value> Items(const Value& v, const CallArgs&) {
  if (v.is_undefined()) return Value::MakeList({});
  if (!v.is_mapping()) return Status::InvalidArgument("Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (const auto& [k, item] : v.as_dict()->items) out.push_back(Value::MakeList({Value(k), item}, true));
  return Value::MakeList(std::move(out));
}

Result<Value> Map(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  std::vector<Value> out;
  const Value& attribute = Arg(args, SIZE_MAX, "attribute", kNone);
  for (const Value& item : items) {
    if (!attribute.is_none()) {
      LLM_ASSIGN_OR_RETURN(Value x, GetPath(item, attribute));
      if (x.is_undefined()) x = Arg(args, SIZE_MAX, "default", kUndefined);
      out.push_back(std::move(x));
    } else {
      if (args.positional.empty() || !args.positional[0].is_string()) {
        return Status::InvalidArgument("map() needs a filter name or attribute=");
      }
      LLM_ASSIGN_OR_RETURN(Value x, ApplyFilter(args.positional[0].as_string(), item, Tail(args, 1)));
      out.push_back(std::move(x));
    }
  }
  return Value::MakeList(std::move(out));
}

// select / reject / selectattr / rejectattr.
Result<Value> Select(const Value& v, const CallArgs& args, bool keep, bool by_attribute) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  const size_t test_at = by_attribute ? 1 : 0;
  std::vector<Value> out;
  for (const Value& item : items) {
    Value subject = item;
    if (by_attribute) {
      if (args.positional.empty()) return Status::InvalidArgument("selectattr needs an attribute");
      LLM_ASSIGN_OR_RETURN(subject, GetPath(item, args.positional[0]));
    }
    bool pass = subject.Truthy();
    if (args.positional.size() > test_at) {
      const Value& test = args.positional[test_at];
      if (!test.is_string()) return Status::InvalidArgument("test name must be a string");
      LLM_ASSIGN_OR_RETURN(pass, ApplyTest(test.as_string(), subject, Tail(args, test_at + 1)));
    }
    if (pass == keep) out.push_back(item);
  }
  return Value::MakeList(std::move(out));
}

Result<Value> Unique(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  const bool case_sensitive = Arg(args, 0, "case_sensitive", kFalse).Truthy();
  const Value& attribute = Arg(args, 1, "attribute", kNone);
  std::vector<Value> seen, out;
  for (const Value& item : items) {
    Value key = item;
    if (!attribute.is_none()) {
      LLM_ASSIGN_OR_RETURN(key, GetPath(item, attribute));
    }
    key = FoldCase(key, case_sensitive);
    if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return Equals(s, key); })) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::MakeList(std::move(out));
}

Result<Value> Reverse(const Value& v, const CallArgs&) {
  if (v.is_string()) {
    std::vector<std::string> cps = SplitCodePoints(v.as_string());
    std::string out;
    for (auto it = cps.rbegin(); it != cps.rend(); ++it) out += *it;
    return Value(std::move(out));
  }
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  std::reverse(items.begin(), items.end());
  return Value::MakeList(std::move(items));
}

Result<Value> Sort(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  const bool reverse = Arg(args, 0, "reverse", kFalse).Truthy();
  const bool case_sensitive = Arg(args, 1, "case_sensitive", kFalse).Truthy();
  const Value& attribute = Arg(args, 2, "attribute", kNone);
  std::vector<std::pair<Value, Value>> keyed;
  for (const Value& item : items) {
    Value key = item;
    if (!attribute.is_none()) {
      LLM_ASSIGN_OR_RETURN(key, GetPath(item, attribute));
    }
    keyed.emplace_back(FoldCase(key, case_sensitive), item);
  }
  Status error;
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    auto less = reverse ? LessThan(b.first, a.first) : LessThan(a.first, b.first);
    if (!less.ok()) {
      if (error.ok()) error = less.status();
      return false;
    }
    return *less;
  });
  LLM_RETURN_IF_ERROR(error);
  std::vector<Value> out;
  for (auto& [key, item] : keyed) out.push_back(std::move(item));
  return Value::MakeList(std::move(out));
}

Result<Value> Round(const Value& v, const CallArgs& args) {
  if (!v.is_number()) return Status::InvalidArgument("round needs a number");
  const Value& precision = Arg(args, 0, "precision", Value(int64_t{0}));
  const std::string method = ToPythonString(Arg(args, 1, "method", Value("common")));
  const double scale = std::pow(10.0, precision.is_int() ? static_cast<double>(precision.as_int()) : 0.0);
  const double x = v.as_double() * scale;
  double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::nearbyint(x);
  return Value(r / scale);
}

Result<Value> Indent(const Value& v, const CallArgs& args) {
  const Value& width = Arg(args, 0, "width", Value(int64_t{4}));
  const std::string pad = width.is_string() ? width.as_string()
                                            : std::string(static_cast<size_t>(std::clamp<int64_t>(
                                                              width.is_int() ? width.as_int() : 4, 0, 256)),
                                                          ' ');
  const bool first = Arg(args, 1, "first", kFalse).Truthy();
  const bool blank = Arg(args, 2, "blank", kFalse).Truthy();
  std::vector<std::string> lines = SplitText(ToPythonString(v) + "\n", Value("\n"), -1);
  lines.pop_back();  // the piece after the added newline
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\n";
    if ((i > 0 || first) && (blank || !lines[i].empty())) out += pad;
    out += lines[i];
  }
  if (first && lines.empty()) out = pad;
  return Value(std::move(out));
}

Result<Value> WordCount(const Value& v, const CallArgs&) {
  int64_t words = 0;
  bool in_word = false;
  for (char c : ToPythonString(v)) {
    const auto u = static_cast<unsigned char>(c);
    const bool w = std::isalnum(u) || c == '_' || u >= 0x80;
    if (w && !in_word) ++words;
    in_word = w;
  }
  return Value(words);
}

Result<Value> MinMax(const Value& v, const CallArgs& args, bool min) {
  LLM_ASSIGN_OR_RETURN(Value sorted, Sort(v, CallArgs{{Value(!min), Arg(args, 0, "case_sensitive", kFalse),
                                                       Arg(args, 1, "attribute", kNone)}, {}}));
  if (sorted.as_list()->items.empty()) return Value::MakeUndefined("No aggregated item, sequence was empty.");
  return sorted.as_list()->items.front();
}

Result<Value> Sum(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  const Value& attribute = Arg(args, 0, "attribute", kNone);
  Value total = Arg(args, 1, "start", Value(int64_t{0}));
  for (const Value& item : items) {
    Value x = item;
    if (!attribute.is_none()) {
      LLM_ASSIGN_OR_RETURN(x, GetPath(item, attribute));
    }
    if (!x.is_number() || !total.is_number()) return Status::InvalidArgument("sum needs numbers");
    if (x.is_float() || total.is_float()) {
      total = Value(total.as_double() + x.as_double());
    } else {
      total = Value(static_cast<int64_t>(total.as_double()) + (x.is_bool() ? x.as_bool() : x.as_int()));
    }
  }
  return total;
}

Result<Value> DictSort(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(Value items, Items(v, args));
  const bool by_value = ToPythonString(Arg(args, 1, "by", Value("key"))) == "value";
  return Sort(items, CallArgs{{Arg(args, 2, "reverse", kFalse), Arg(args, 0, "case_sensitive", kFalse),
                               Value(int64_t{by_value ? 1 : 0})}, {}});
}

Result<Value> Escape(const Value& v, const CallArgs&) {
  std::string out;
  for (char c : ToPythonString(v)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return Value(std::move(out));
}

// Jinja's `truncate`: text longer than length + leeway is cut at a word and ends with `end`.
Result<Value> Truncate(const Value& v, const CallArgs& args) {
  const std::vector<std::string> cps = SplitCodePoints(ToPythonString(v));
  const Value length = Arg(args, 0, "length", Value(int64_t{255}));
  const bool killwords = Arg(args, 1, "killwords", kFalse).Truthy();
  const std::string end = ToPythonString(Arg(args, 2, "end", Value("...")));
  const Value leeway = Arg(args, 3, "leeway", Value(int64_t{5}));
  if (!length.is_int() || !leeway.is_int()) return Status::InvalidArgument("truncate needs integers");
  if (static_cast<int64_t>(cps.size()) <= length.as_int() + leeway.as_int()) return Value(ToPythonString(v));
  const int64_t keep = std::max<int64_t>(0, length.as_int() - static_cast<int64_t>(CodePointCount(end)));
  std::string head;
  for (int64_t i = 0; i < keep && i < static_cast<int64_t>(cps.size()); ++i) head += cps[static_cast<size_t>(i)];
  if (!killwords) {
    const size_t space = head.rfind(' ');
    if (space != std::string::npos) head.resize(space);
  }
  return Value(head + end);
}

Result<Value> Center(const Value& v, const CallArgs& args) {
  const std::string s = ToPythonString(v);
  const Value width = Arg(args, 0, "width", Value(int64_t{80}));
  if (!width.is_int()) return Status::InvalidArgument("center needs an integer width");
  const int64_t w = std::min<int64_t>(width.as_int(), 1 << 20);
  const auto n = static_cast<int64_t>(CodePointCount(s));
  if (w <= n) return Value(s);
  const int64_t margin = w - n;
  const int64_t left = margin / 2 + (margin & w & 1);  // as CPython's str.center
  return Value(std::string(static_cast<size_t>(left), ' ') + s +
               std::string(static_cast<size_t>(margin - left), ' '));
}

Result<Value> Batch(const Value& v, const CallArgs& args) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
  const Value count = Arg(args, 0, "linecount", kNone);
  if (!count.is_int() || count.as_int() <= 0) return Status::InvalidArgument("batch needs a positive count");
  const Value fill = Arg(args, 1, "fill_with", kNone);
  const auto n = static_cast<size_t>(count.as_int());
  std::vector<Value> out;
  for (size_t i = 0; i < items.size(); i += n) {
    std::vector<Value> group(items.begin() + static_cast<std::ptrdiff_t>(i),
                             items.begin() + static_cast<std::ptrdiff_t>(std::min(i + n, items.size())));
    while (!fill.is_none() && group.size() < n) group.push_back(fill);
    out.push_back(Value::MakeList(std::move(group)));
  }
  return Value::MakeList(std::move(out));
}

// Jinja's `format`: Python's printf-style `text % args` for %s, %r, %d, %i, %f and %%.
Result<Value> Format(const Value& v, const CallArgs& args) {
  const std::string f = ToPythonString(v);
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    if (++i >= f.size()) return Status::InvalidArgument("incomplete format");
    const char spec = f[i];
    if (spec == '%') {
      out += '%';
      continue;
    }
    if (next >= args.positional.size()) return Status::InvalidArgument("not enough arguments for format string");
    const Value& arg = args.positional[next++];
    if (spec == 's') {
      out += ToPythonString(arg);
    } else if (spec == 'r') {
      out += ToPythonRepr(arg);
    } else if ((spec == 'd' || spec == 'i' || spec == 'f') && arg.is_number()) {
      char buf[64];
      if (spec == 'f') {
        std::snprintf(buf, sizeof(buf), "%f", arg.as_double());
      } else {
        std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(arg.as_double()));
      }
      out += buf;
    } else {
      return Status::InvalidArgument(std::string("unsupported format character '") + spec + "'");
    }
  }
  if (next < args.positional.size()) {
    return Status::InvalidArgument("not all arguments converted during string formatting");
  }
  return Value(std::move(out));
}

Result<Value> StringFilter(const Value& v, std::string_view name, const CallArgs& args) {
  const std::string s = ToPythonString(v);
  if (name == "trim") return Value(StripText(s, Arg(args, 0, "chars", kNone), true, true));
  if (name == "upper") return Value(UpperText(s));
  if (name == "lower") return Value(LowerText(s));
  if (name == "capitalize") return Value(CapitalizeText(s));
  if (name == "string") return Value(s);
  if (name == "replace") {
    const Value& count = Arg(args, 2, "count", kNone);
    return Value(ReplaceText(s, ToPythonString(Arg(args, 0, "old", Value(""))),
                             ToPythonString(Arg(args, 1, "new", Value(""))),
                             count.is_int() ? count.as_int() : -1));
  }
  return Status::Internal("unhandled string filter");
}

}  // namespace

Result<Value> ApplyFilter(std::string_view name, const Value& v, const CallArgs& args) {
  if (name == "trim" || name == "upper" || name == "lower" || name == "capitalize" ||
      name == "string" || name == "replace") {
    if (name != "string" && name != "replace" && v.is_undefined()) return Value("");
    return StringFilter(v, name, args);
  }
  if (name == "title") return Value(TitleWords(ToPythonString(v)));
  if (name == "truncate") return Truncate(v, args);
  if (name == "center") return Center(v, args);
  if (name == "batch") return Batch(v, args);
  if (name == "format") return Format(v, args);
  if (name == "length" || name == "count") {
    LLM_ASSIGN_OR_RETURN(int64_t n, Length(v));
    return Value(n);
  }
  if (name == "first" || name == "last") return FirstOrLast(v, name == "first");
  if (name == "join") return Join(v, args);
  if (name == "default" || name == "d") return Default(v, args);
  if (name == "tojson") return ToJsonFilter(v, args);
  if (name == "int") return Int(v, args);
  if (name == "float") return Float(v, args);
  if (name == "list") {
    LLM_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
    return Value::MakeList(std::move(items));
  }
  if (name == "items") return Items(v, args);
  if (name == "map") return Map(v, args);
  if (name == "select" || name == "reject") return Select(v, args, name == "select", false);
  if (name == "selectattr" || name == "rejectattr") return Select(v, args, name == "selectattr", true);
  if (name == "unique") return Unique(v, args);
  if (name == "reverse") return Reverse(v, args);
  if (name == "sort") return Sort(v, args);
  if (name == "dictsort") return DictSort(v, args);
  if (name == "safe") return v;
  if (name == "escape" || name == "e") return Escape(v, args);
  if (name == "abs") {
    if (!v.is_number()) return Status::InvalidArgument("bad operand type for abs(): '" + v.TypeName() + "'");
    if (v.is_float()) return Value(std::fabs(v.as_float()));
    const int64_t i = v.is_bool() ? v.as_bool() : v.as_int();
    return Value(i < 0 ? -i : i);
  }
  if (name == "round") return Round(v, args);
  if (name == "indent") return Indent(v, args);
  if (name == "wordcount") return WordCount(v, args);
  if (name == "min" || name == "max") return MinMax(v, args, name == "min");
  if (name == "sum") return Sum(v, args);
  if (name == "attr") return GetAttribute(v, ToPythonString(Arg(args, 0, "name", kNone)));
  return Status::InvalidArgument("no filter named '" + std::string(name) + "'");
}

}  // namespace llm::engine::jinja
