// Jinja's tests (`x is defined`, `n is divisibleby 3`...), as Jinja2 defines them.
#include <cmath>

#include "engine/chat/jinja_builtins.h"

namespace llm::engine::jinja {
namespace {


Result<bool> Divisible(const Value& v, const Value& by) {
  if (!(v.is_int() || v.is_bool()) || !(by.is_int() || by.is_bool())) {
    if (!v.is_number() || !by.is_number()) return Status::InvalidArgument("divisibleby needs numbers");
    return std::fmod(v.as_double(), by.as_double()) == 0.0;
  }
  const int64_t d = by.is_bool() ? by.as_bool() : by.as_int();
  if (d == 0) return Status::InvalidArgument("integer division or modulo by zero");
  const int64_t n = v.is_bool() ? v.as_bool() : v.as_int();
  return d == -1 || n % d == 0;
}

Result<bool> Ordered(std::string_view name, const Value& a, const Value& b) {
  if (name == "lt" || name == "<") return LessThan(a, b);
  if (name == "gt" || name == ">") return LessThan(b, a);
  LLM_ASSIGN_OR_RETURN(bool reverse_less, LessThan(name == "le" || name == "<=" ? b : a,
                                                   name == "le" || name == "<=" ? a : b));
  return !reverse_less;
}

}  // namespace

Result<bool> ApplyTest(std::string_view name, const Value& v, const CallArgs& args) {
  const Value& arg = Arg(args, 0, "value", kUndefined);
  if (name == "defined") return !v.is_undefined();
  if (name == "undefined") return v.is_undefined();
  if (name == "none") return v.is_none();
  if (name == "string") return v.is_string();
  if (name == "number") return v.is_number();
  if (name == "integer") return v.is_int();
  if (name == "float") return v.is_float();
  if (name == "boolean") return v.is_bool();
  if (name == "true") return v.is_bool() && v.as_bool();
  if (name == "false") return v.is_bool() && !v.as_bool();
  if (name == "mapping") return v.is_mapping();
  if (name == "iterable") return v.is_string() || v.is_list() || v.is_mapping() || v.is_undefined();
  if (name == "sequence") return v.is_string() || v.is_list() || v.is_mapping();
  if (name == "callable") return v.is_callable();
  if (name == "equalto" || name == "eq" || name == "==") return Equals(v, arg);
  if (name == "sameas") {  // Python's `is`: the same kind of value as well as an equal one
    return v.TypeName() == arg.TypeName() && Equals(v, arg);
  }
  if (name == "ne" || name == "!=") return !Equals(v, arg);
  if (name == "lt" || name == "<" || name == "gt" || name == ">" || name == "le" ||
      name == "<=" || name == "ge" || name == ">=" || name == "greaterthan" || name == "lessthan") {
    const std::string_view op = name == "greaterthan" ? "gt" : name == "lessthan" ? "lt" : name;
    return Ordered(op, v, arg);
  }
  if (name == "odd" || name == "even") {
    if (!v.is_int()) return Status::InvalidArgument("odd/even need an integer");
    return (v.as_int() % 2 != 0) == (name == "odd");
  }
  if (name == "divisibleby") return Divisible(v, arg);
  if (name == "in") return Contains(arg, v);
  if (name == "lower" || name == "upper") {
    if (!v.is_string()) return false;
    bool cased = false;
    for (char c : v.as_string()) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalpha(u)) cased = true;
      if (name == "lower" ? std::isupper(u) : std::islower(u)) return false;
    }
    return cased;
  }
  if (name == "escaped") return false;
  return Status::InvalidArgument("no test named '" + std::string(name) + "'");
}

}  // namespace llm::engine::jinja
