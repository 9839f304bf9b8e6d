// Strings, integers and numbers of the JSON Schema compiler.
#include <cmath>
#include <optional>

#include "engine/grammar/schema_compiler.h"

namespace llm::engine {
namespace {

constexpr int64_t kMaxEnumeratedRange = 256;

// The bound s[key] as a number, if present and numeric.
Result<std::optional<double>> Bound(const Json& s, const char* key, const std::string& path) {
  if (!s.contains(key)) return std::optional<double>();
  if (!s[key].is_number()) return BadKeyword(key, path, " must be a number");
  return std::optional<double>(s[key].get<double>());
}

std::string IntegerRange(int64_t lo, int64_t hi) {
  std::string alts;
  for (int64_t v = lo; v <= hi; ++v) alts.append(alts.empty() ? "\"" : " | \"").append(std::to_string(v)).append("\"");
  return "(" + alts + ")";
}

}  // namespace

Result<std::string> SchemaCompiler::VisitString(const Json& s, const std::string& name,
                                                const std::string& path) {
  auto min = CountKeyword(s, "minLength", 0, path);
  if (!min.ok()) return min.status();
  auto max = CountKeyword(s, "maxLength", -1, path);
  if (!max.ok()) return max.status();
  if (s.contains("format")) {
    if (!s["format"].is_string()) return BadKeyword("format", path, " must be a string");
    const std::string format = s["format"].get<std::string>();
    if (format != "date" && format != "time" && format != "date-time" && format != "uuid") {
      return UnsupportedKeyword("format '" + format + "'", path);
    }
    if (s.contains("minLength") || s.contains("maxLength")) {
      return UnsupportedKeyword("minLength/maxLength with format", path);
    }
    return out_.Builtin(format);
  }
  if (*max >= 0 && *max < *min) return BadKeyword("maxLength", path, "is below minLength");
  const std::string chr = out_.Builtin("char");
  if (*min == 0 && *max < 0) return out_.Builtin("string");
  const std::string hi = *max < 0 ? "" : std::to_string(*max);
  return out_.Add(name + "-string", "\"\\\"\" " + chr + "{" + std::to_string(*min) + "," + hi + "} \"\\\"\"");
}

// Integers: any, a lower bound of 0 or 1 (non-negative / positive), or a closed range of at
// most kMaxEnumeratedRange values. Exclusive bounds are turned into inclusive ones.
Result<std::string> SchemaCompiler::VisitInteger(const Json& s, const std::string& path) {
  auto min = Bound(s, "minimum", path), max = Bound(s, "maximum", path);
  auto xmin = Bound(s, "exclusiveMinimum", path), xmax = Bound(s, "exclusiveMaximum", path);
  for (const auto* r : {&min, &max, &xmin, &xmax}) {
    if (!r->ok()) return r->status();
  }
  std::optional<int64_t> lo, hi;
  if (min->has_value()) lo = static_cast<int64_t>(std::ceil(**min));
  if (xmin->has_value()) lo = std::max(lo.value_or(INT64_MIN), static_cast<int64_t>(std::floor(**xmin)) + 1);
  if (max->has_value()) hi = static_cast<int64_t>(std::floor(**max));
  if (xmax->has_value()) hi = std::min(hi.value_or(INT64_MAX), static_cast<int64_t>(std::ceil(**xmax)) - 1);
  if (!lo && !hi) return out_.Builtin("integer");
  if (lo && hi) {
    if (*hi < *lo) return BadKeyword("maximum", path, "is below minimum");
    if (*hi - *lo < kMaxEnumeratedRange) return IntegerRange(*lo, *hi);
  }
  if (lo && !hi && *lo == 0) return std::string("(\"0\" | [1-9] [0-9]{0,15})");
  if (lo && !hi && *lo == 1) return std::string("([1-9] [0-9]{0,15})");
  return UnsupportedKeyword(hi ? (max->has_value() ? "maximum" : "exclusiveMaximum")
                               : (min->has_value() ? "minimum" : "exclusiveMinimum"),
                            path);
}

// Numbers: any, or non-negative (minimum 0).
Result<std::string> SchemaCompiler::VisitNumber(const Json& s, const std::string& path) {
  for (const char* key : {"maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
    if (s.contains(key)) return UnsupportedKeyword(key, path);
  }
  auto min = Bound(s, "minimum", path);
  if (!min.ok()) return min.status();
  if (!min->has_value()) return out_.Builtin("number");
  if (**min != 0) return UnsupportedKeyword("minimum", path);
  return std::string("(\"0\" | [1-9] [0-9]{0,15}) (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?");
}

}  // namespace llm::engine
