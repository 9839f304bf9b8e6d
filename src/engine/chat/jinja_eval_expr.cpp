// Expressions: names, literals, attribute and item access, calls, filters, tests, operators.
#include <cmath>
#include <limits>

#include "engine/chat/jinja_builtins.h"
#include "engine/chat/jinja_eval.h"

namespace llm::engine::jinja {
namespace {

Status TypeError(const std::string& op, const Value& a, const Value& b) {
  if (op == "+" && (a.is_string() || a.is_list())) {
    return Status::InvalidArgument("can only concatenate " + a.TypeName() + " (not \"" +
                                   b.TypeName() + "\") to " + a.TypeName());
  }
  return Status::InvalidArgument("unsupported operand type(s) for " + op + ": '" +
                                 a.TypeName() + "' and '" + b.TypeName() + "'");
}

bool IsIntegral(const Value& v) { return v.is_int() || v.is_bool(); }
int64_t IntOf(const Value& v) { return v.is_bool() ? int64_t{v.as_bool()} : v.as_int(); }

// Python's floor division and modulo on integers (the result takes the divisor's sign).
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Result<Value> Repeat(const Value& seq, int64_t times, size_t limit) {
  if (times <= 0) return seq.is_string() ? Value("") : Value::MakeList({});
  const size_t unit = seq.is_string() ? seq.as_string().size() : seq.as_list()->items.size();
  if (unit != 0 && static_cast<uint64_t>(times) > limit / unit) {
    return Status::ResourceExhausted("template repetition exceeds the output limit");
  }
  if (seq.is_string()) {
    std::string out;
    for (int64_t i = 0; i < times; ++i) out += seq.as_string();
    return Value(std::move(out));
  }
  std::vector<Value> out;
  for (int64_t i = 0; i < times; ++i) {
    out.insert(out.end(), seq.as_list()->items.begin(), seq.as_list()->items.end());
  }
  return Value::MakeList(std::move(out));
}

Result<Value> IntArithmetic(const std::string& op, int64_t x, int64_t y) {
  if ((op == "//" || op == "%") && y == 0) {
    return Status::InvalidArgument("integer division or modulo by zero");
  }
  int64_t r = 0;
  bool overflow = false;
  if (op == "+") {
    overflow = __builtin_add_overflow(x, y, &r);
  } else if (op == "-") {
    overflow = __builtin_sub_overflow(x, y, &r);
  } else if (op == "*") {
    overflow = __builtin_mul_overflow(x, y, &r);
  } else if (op == "//") {
    if (x == std::numeric_limits<int64_t>::min() && y == -1) overflow = true;
    else r = FloorDiv(x, y);
  } else if (op == "%") {
    r = (y == -1) ? 0 : x - FloorDiv(x, y) * y;
  } else {  // **
    if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
    const double p = std::pow(static_cast<double>(x), static_cast<double>(y));
    if (std::fabs(p) >= 9.2e18) overflow = true;
    else r = static_cast<int64_t>(p);
  }
  if (overflow) return Status::InvalidArgument("integer overflow in '" + op + "'");
  return Value(r);
}

Result<Value> FloatArithmetic(const std::string& op, double x, double y) {
  if ((op == "/" || op == "//" || op == "%") && y == 0.0) {
    return Status::InvalidArgument("float division by zero");
  }
  if (op == "+") return Value(x + y);
  if (op == "-") return Value(x - y);
  if (op == "*") return Value(x * y);
  if (op == "/") return Value(x / y);
  if (op == "//") return Value(std::floor(x / y));
  if (op == "%") return Value(x - std::floor(x / y) * y);
  return Value(std::pow(x, y));
}

}  // namespace

Result<Value> Evaluator::Arithmetic(const std::string& op, const Value& a, const Value& b) {
  if (a.is_undefined()) return UndefinedError(a);
  if (b.is_undefined()) return UndefinedError(b);
  if (a.is_number() && b.is_number()) {
    if (op == "/") {
      if (b.as_double() == 0.0) return Status::InvalidArgument("division by zero");
      return Value(a.as_double() / b.as_double());
    }
    if (IsIntegral(a) && IsIntegral(b)) return IntArithmetic(op, IntOf(a), IntOf(b));
    return FloatArithmetic(op, a.as_double(), b.as_double());
  }
  if (op == "+" && a.is_string() && b.is_string()) return Value(a.as_string() + b.as_string());
  if (op == "+" && a.is_list() && b.is_list()) {
    std::vector<Value> items = a.as_list()->items;
    items.insert(items.end(), b.as_list()->items.begin(), b.as_list()->items.end());
    return Value::MakeList(std::move(items));
  }
  if (op == "*" && (a.is_string() || a.is_list()) && IsIntegral(b)) {
    return Repeat(a, IntOf(b), options_.max_output_bytes);
  }
  if (op == "*" && (b.is_string() || b.is_list()) && IsIntegral(a)) {
    return Repeat(b, IntOf(a), options_.max_output_bytes);
  }
  return TypeError(op, a, b);
}

Result<Value> Evaluator::Eval(const Expr& e, Scope& scope) {
  LLM_RETURN_IF_ERROR(Step(e.line));
  const DepthGuard guard(depth_);
  if (depth_ > kMaxDepth) return TooDeep(e.line);
  switch (e.kind) {
    case ExprKind::kLiteral: return e.literal;
    case ExprKind::kName: {
      if (const Value* v = scope.Find(e.name)) return *v;
      return Value::MakeUndefined(std::string("'") + e.name + "' is undefined");
    }
    case ExprKind::kList:
    case ExprKind::kTuple:
    case ExprKind::kDict: return EvalLiteralContainer(e, scope);
    case ExprKind::kAttr: {
      LLM_ASSIGN_OR_RETURN(Value obj, Eval(*e.children[0], scope));
      auto v = GetAttribute(obj, e.name);
      if (!v.ok()) return AtLine(v.status(), e.line);
      return v;
    }
    case ExprKind::kItem: {
      LLM_ASSIGN_OR_RETURN(Value obj, Eval(*e.children[0], scope));
      LLM_ASSIGN_OR_RETURN(Value key, Eval(*e.children[1], scope));
      auto v = GetItem(obj, key);
      if (!v.ok()) return AtLine(v.status(), e.line);
      return v;
    }
    case ExprKind::kSlice: {
      Value parts[4];
      for (size_t i = 0; i < 4; ++i) {
        if (e.children[i]) {
          LLM_ASSIGN_OR_RETURN(parts[i], Eval(*e.children[i], scope));
        } else {
          parts[i] = Value(None{});
        }
      }
      auto v = Slice(parts[0], parts[1], parts[2], parts[3]);
      if (!v.ok()) return AtLine(v.status(), e.line);
      return v;
    }
    case ExprKind::kCall: return EvalCall(e, scope);
    case ExprKind::kFilter: {
      LLM_ASSIGN_OR_RETURN(Value input, Eval(*e.children[0], scope));
      return EvalFilter(e, input, scope);
    }
    case ExprKind::kTest: return EvalTest(e, scope);
    case ExprKind::kUnary: return EvalUnary(e, scope);
    case ExprKind::kBinary: return EvalBinary(e, scope);
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      LLM_ASSIGN_OR_RETURN(Value left, Eval(*e.children[0], scope));
      if (left.Truthy() == (e.kind == ExprKind::kOr)) return left;
      return Eval(*e.children[1], scope);
    }
    case ExprKind::kCompare: return EvalCompare(e, scope);
    case ExprKind::kCondition: {
      LLM_ASSIGN_OR_RETURN(Value cond, Eval(*e.children[1], scope));
      if (cond.Truthy()) return Eval(*e.children[0], scope);
      if (e.children[2]) return Eval(*e.children[2], scope);
      return Value::MakeUndefined("the inline if expression evaluated to false and no else "
                                  "section was defined");
    }
  }
  return Status::Internal("unknown template expression");
}

Result<Value> Evaluator::EvalLiteralContainer(const Expr& e, Scope& scope) {
  if (e.kind == ExprKind::kDict) {
    Value dict = Value::MakeDict();
    for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
      LLM_ASSIGN_OR_RETURN(Value key, Eval(*e.children[i], scope));
      LLM_ASSIGN_OR_RETURN(Value value, Eval(*e.children[i + 1], scope));
      if (!key.is_string()) {
        return AtLine(Status::InvalidArgument("dict keys must be strings in a chat template"),
                      e.line);
      }
      dict.as_dict()->Set(key.as_string(), std::move(value));
    }
    return dict;
  }
  std::vector<Value> items;
  for (const ExprPtr& child : e.children) {
    LLM_ASSIGN_OR_RETURN(Value v, Eval(*child, scope));
    items.push_back(std::move(v));
  }
  return Value::MakeList(std::move(items), e.kind == ExprKind::kTuple);
}

Result<CallArgs> Evaluator::EvalArgs(const Expr& e, size_t first, Scope& scope) {
  CallArgs args;
  for (size_t i = first; i < e.children.size(); ++i) {
    LLM_ASSIGN_OR_RETURN(Value v, Eval(*e.children[i], scope));
    args.positional.push_back(std::move(v));
  }
  for (const auto& [name, expr] : e.kwargs) {
    LLM_ASSIGN_OR_RETURN(Value v, Eval(*expr, scope));
    args.keyword.emplace_back(name, std::move(v));
  }
  return args;
}

Result<Value> Evaluator::EvalCall(const Expr& e, Scope& scope) {
  LLM_ASSIGN_OR_RETURN(Value callee, Eval(*e.children[0], scope));
  LLM_ASSIGN_OR_RETURN(CallArgs args, EvalArgs(e, 1, scope));
  if (callee.is_undefined()) return AtLine(UndefinedError(callee), e.line);
  if (!callee.is_callable()) {
    return AtLine(Status::InvalidArgument(std::string("'") + callee.TypeName() + "' object is not callable"),
                  e.line);
  }
  auto result = callee.as_callable()->call(args);
  if (!result.ok()) return AtLine(result.status(), e.line);
  return result;
}

Result<Value> Evaluator::EvalFilter(const Expr& e, const Value& input, Scope& scope) {
  LLM_ASSIGN_OR_RETURN(CallArgs args, EvalArgs(e, 1, scope));
  auto result = ApplyFilter(e.name, input, args);
  if (!result.ok()) return AtLine(result.status(), e.line);
  return result;
}

Result<Value> Evaluator::EvalTest(const Expr& e, Scope& scope) {
  LLM_ASSIGN_OR_RETURN(Value value, Eval(*e.children[0], scope));
  LLM_ASSIGN_OR_RETURN(CallArgs args, EvalArgs(e, 1, scope));
  auto result = ApplyTest(e.name, value, args);
  if (!result.ok()) return AtLine(result.status(), e.line);
  return Value(*result != e.negated);
}

Result<Value> Evaluator::EvalCompare(const Expr& e, Scope& scope) {
  LLM_ASSIGN_OR_RETURN(Value left, Eval(*e.children[0], scope));
  for (size_t i = 0; i < e.ops.size(); ++i) {
    LLM_ASSIGN_OR_RETURN(Value right, Eval(*e.children[i + 1], scope));
    const std::string& op = e.ops[i];
    Result<bool> r = false;
    if (op == "==" || op == "!=") {
      r = Equals(left, right) == (op == "==");
    } else if (op == "in" || op == "not in") {
      r = Contains(right, left);
      if (r.ok() && op == "not in") r = !*r;
    } else if (left.is_undefined() || right.is_undefined()) {
      r = UndefinedError(left.is_undefined() ? left : right);
    } else if (op == "<") {
      r = LessThan(left, right);
    } else if (op == ">") {
      r = LessThan(right, left);
    } else {  // <= and >= as "not the other way round", after checking the types compare
      r = LessThan(op == "<=" ? right : left, op == "<=" ? left : right);
      if (r.ok()) r = !*r;
    }
    if (!r.ok()) return AtLine(r.status(), e.line);
    if (!*r) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

Result<Value> Evaluator::EvalBinary(const Expr& e, Scope& scope) {
  LLM_ASSIGN_OR_RETURN(Value a, Eval(*e.children[0], scope));
  LLM_ASSIGN_OR_RETURN(Value b, Eval(*e.children[1], scope));
  if (e.name == "~") {
    std::string text = ToPythonString(a) + ToPythonString(b);
    if (text.size() > options_.max_output_bytes) {
      return Status::ResourceExhausted("template string exceeds the output limit");
    }
    return Value(std::move(text));
  }
  auto r = Arithmetic(e.name, a, b);
  if (!r.ok()) return AtLine(r.status(), e.line);
  if (r->is_string() && r->as_string().size() > options_.max_output_bytes) {
    return Status::ResourceExhausted("template string exceeds the output limit");
  }
  return r;
}

Result<Value> Evaluator::EvalUnary(const Expr& e, Scope& scope) {
  LLM_ASSIGN_OR_RETURN(Value v, Eval(*e.children[0], scope));
  if (e.name == "not") return Value(!v.Truthy());
  if (v.is_undefined()) return AtLine(UndefinedError(v), e.line);
  if (!v.is_number()) {
    return AtLine(Status::InvalidArgument("bad operand type for unary " + e.name + ": '" +
                                          v.TypeName() + "'"),
                  e.line);
  }
  if (e.name == "+") return v.is_bool() ? Value(IntOf(v)) : v;
  if (v.is_float()) return Value(-v.as_float());
  return Value(-IntOf(v));
}

}  // namespace llm::engine::jinja
