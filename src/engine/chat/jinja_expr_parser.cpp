#include "engine/chat/jinja_expr_parser.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace llm::engine::jinja {

ExprPtr MakeExpr(ExprKind kind, int line) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->line = line;
  return e;
}

const Token& TokenStream::Peek(size_t ahead) const {
  const size_t i = pos_ + ahead;
  return tokens_[i < tokens_.size() ? i : tokens_.size() - 1];
}

bool TokenStream::Is(std::string_view text) const {
  const Token& t = Peek();
  return (t.kind == TokenKind::kName || t.kind == TokenKind::kOperator) && t.text == text;
}

bool TokenStream::Skip(std::string_view text) {
  if (!Is(text)) return false;
  Next();
  return true;
}

Status TokenStream::Error(const std::string& what) const {
  const Token& t = Peek();
  std::string got = t.kind == TokenKind::kEnd        ? "end of template"
                    : t.kind == TokenKind::kBlockEnd ? "end of statement"
                    : t.kind == TokenKind::kVarEnd   ? "end of print statement"
                                                     : "'" + t.text + "'";
  return Status::InvalidArgument("template syntax error at line " + std::to_string(t.line) +
                                 ": " + what + ", got " + got);
}

Status TokenStream::Expect(std::string_view text) {
  if (Skip(text)) return Status::Ok();
  return Error("expected '" + std::string(text) + "'");
}

Status TokenStream::ExpectKind(TokenKind kind, std::string_view what) {
  if (Peek().kind != kind) return Error("expected " + std::string(what));
  Next();
  return Status::Ok();
}

// Counts the nesting of the recursive descent; refuses input nested deeper than kMaxNesting.
struct ExprParser::DepthGuard {
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  bool too_deep() const { return depth_ > kMaxNesting; }
  int& depth_;
};

Result<ExprPtr> ExprParser::Binary(ExprPtr left, std::string op, ExprPtr right, ExprKind kind) {
  auto e = MakeExpr(kind, left->line);
  e->name = std::move(op);
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return e;
}

Result<ExprPtr> ExprParser::Expression(bool with_condition) {
  DepthGuard guard(depth_);
  if (guard.too_deep()) return ts_.Error("expression nested too deeply");
  LLM_ASSIGN_OR_RETURN(ExprPtr expr, Or());
  while (with_condition && ts_.Is("if")) {
    ts_.Next();
    auto cond = MakeExpr(ExprKind::kCondition, expr->line);
    LLM_ASSIGN_OR_RETURN(ExprPtr test, Or());
    ExprPtr otherwise;
    if (ts_.Skip("else")) {
      LLM_ASSIGN_OR_RETURN(otherwise, Expression(true));
    }
    cond->children.push_back(std::move(expr));
    cond->children.push_back(std::move(test));
    cond->children.push_back(std::move(otherwise));
    expr = std::move(cond);
  }
  return expr;
}

Result<ExprPtr> ExprParser::TupleOrExpression() {
  LLM_ASSIGN_OR_RETURN(ExprPtr first, Expression());
  if (!ts_.Is(",")) return first;
  auto tuple = MakeExpr(ExprKind::kTuple, first->line);
  tuple->children.push_back(std::move(first));
  while (ts_.Skip(",")) {
    if (ts_.IsKind(TokenKind::kBlockEnd) || ts_.IsKind(TokenKind::kVarEnd)) break;
    LLM_ASSIGN_OR_RETURN(ExprPtr item, Expression());
    tuple->children.push_back(std::move(item));
  }
  return tuple;
}

// One left-associative level of binary operators over `operand`.
Result<ExprPtr> ExprParser::LeftAssociative(Result<ExprPtr> (ExprParser::*operand)(),
                                            std::initializer_list<std::string_view> ops,
                                            ExprKind kind) {
  LLM_ASSIGN_OR_RETURN(ExprPtr left, (this->*operand)());
  while (std::any_of(ops.begin(), ops.end(), [&](std::string_view op) { return ts_.Is(op); })) {
    std::string op = ts_.Next().text;
    LLM_ASSIGN_OR_RETURN(ExprPtr right, (this->*operand)());
    LLM_ASSIGN_OR_RETURN(left, Binary(std::move(left), std::move(op), std::move(right), kind));
  }
  return left;
}

Result<ExprPtr> ExprParser::Or() { return LeftAssociative(&ExprParser::And, {"or"}, ExprKind::kOr); }
Result<ExprPtr> ExprParser::And() {
  return LeftAssociative(&ExprParser::Not, {"and"}, ExprKind::kAnd);
}
Result<ExprPtr> ExprParser::Math1() {
  return LeftAssociative(&ExprParser::Concat, {"+", "-"}, ExprKind::kBinary);
}
Result<ExprPtr> ExprParser::Concat() {
  return LeftAssociative(&ExprParser::Math2, {"~"}, ExprKind::kBinary);
}
Result<ExprPtr> ExprParser::Math2() {
  return LeftAssociative(&ExprParser::Pow, {"*", "/", "//", "%"}, ExprKind::kBinary);
}
Result<ExprPtr> ExprParser::Pow() {
  return LeftAssociative(&ExprParser::FilteredUnary, {"**"}, ExprKind::kBinary);
}
Result<ExprPtr> ExprParser::FilteredUnary() { return Unary(true); }

Result<ExprPtr> ExprParser::Not() {
  DepthGuard guard(depth_);
  if (guard.too_deep()) return ts_.Error("expression nested too deeply");
  if (!ts_.Is("not")) return Compare();
  const int line = ts_.Next().line;
  LLM_ASSIGN_OR_RETURN(ExprPtr operand, Not());
  auto e = MakeExpr(ExprKind::kUnary, line);
  e->name = "not";
  e->children.push_back(std::move(operand));
  return e;
}

Result<ExprPtr> ExprParser::Compare() {
  LLM_ASSIGN_OR_RETURN(ExprPtr first, Math1());
  ExprPtr cmp;
  while (true) {
    std::string op;
    if (ts_.Is("==") || ts_.Is("!=") || ts_.Is("<") || ts_.Is("<=") || ts_.Is(">") ||
        ts_.Is(">=") || ts_.Is("in")) {
      op = ts_.Next().text;
    } else if (ts_.Is("not") && ts_.Peek(1).kind == TokenKind::kName && ts_.Peek(1).text == "in") {
      ts_.Next();
      ts_.Next();
      op = "not in";
    } else {
      break;
    }
    if (!cmp) {
      cmp = MakeExpr(ExprKind::kCompare, first->line);
      cmp->children.push_back(std::move(first));
    }
    LLM_ASSIGN_OR_RETURN(ExprPtr right, Math1());
    cmp->ops.push_back(std::move(op));
    cmp->children.push_back(std::move(right));
  }
  return cmp ? std::move(cmp) : std::move(first);
}

Result<ExprPtr> ExprParser::Unary(bool with_filter) {
  DepthGuard guard(depth_);
  if (guard.too_deep()) return ts_.Error("expression nested too deeply");
  ExprPtr node;
  if (ts_.Is("-") || ts_.Is("+")) {
    const Token& op = ts_.Next();
    node = MakeExpr(ExprKind::kUnary, op.line);
    node->name = op.text;
    LLM_ASSIGN_OR_RETURN(ExprPtr operand, Unary(false));
    node->children.push_back(std::move(operand));
  } else {
    LLM_ASSIGN_OR_RETURN(node, Primary());
  }
  LLM_ASSIGN_OR_RETURN(node, Postfix(std::move(node)));
  if (with_filter) return FilterTail(std::move(node));
  return node;
}

Result<ExprPtr> ExprParser::Primary() {
  const Token& t = ts_.Peek();
  const int line = t.line;
  if (t.kind == TokenKind::kName) {
    std::string name = ts_.Next().text;
    auto e = MakeExpr(ExprKind::kLiteral, line);
    if (name == "true" || name == "True") {
      e->literal = Value(true);
    } else if (name == "false" || name == "False") {
      e->literal = Value(false);
    } else if (name == "none" || name == "None") {
      e->literal = Value(None{});
    } else {
      e->kind = ExprKind::kName;
      e->name = std::move(name);
    }
    return e;
  }
  if (t.kind == TokenKind::kString) {
    std::string text;
    while (ts_.IsKind(TokenKind::kString)) text += ts_.Next().text;  // "a" "b" is "ab"
    auto e = MakeExpr(ExprKind::kLiteral, line);
    e->literal = Value(std::move(text));
    return e;
  }
  if (t.kind == TokenKind::kInt || t.kind == TokenKind::kFloat) {
    const Token& num = ts_.Next();
    auto e = MakeExpr(ExprKind::kLiteral, line);
    if (num.kind == TokenKind::kFloat) {
      e->literal = Value(std::strtod(num.text.c_str(), nullptr));
      return e;
    }
    int64_t v = 0;
    const auto res = std::from_chars(num.text.data(), num.text.data() + num.text.size(), v);
    if (res.ec != std::errc()) return ts_.Error("integer literal too large");
    e->literal = Value(v);
    return e;
  }
  if (ts_.Skip("(")) return Parenthesised(line);
  if (ts_.Skip("[")) return ListLiteral(line);
  if (ts_.Skip("{")) return DictLiteral(line);
  return ts_.Error("expected an expression");
}

// After "(": a parenthesised expression, or a tuple when a comma appears.
Result<ExprPtr> ExprParser::Parenthesised(int line) {
  auto tuple = MakeExpr(ExprKind::kTuple, line);
  bool comma = false;
  while (!ts_.Is(")")) {
    LLM_ASSIGN_OR_RETURN(ExprPtr item, Expression());
    tuple->children.push_back(std::move(item));
    if (!ts_.Skip(",")) break;
    comma = true;
  }
  LLM_RETURN_IF_ERROR(ts_.Expect(")"));
  if (!comma && tuple->children.size() == 1) return std::move(tuple->children[0]);
  return tuple;
}

Result<ExprPtr> ExprParser::ListLiteral(int line) {
  auto list = MakeExpr(ExprKind::kList, line);
  while (!ts_.Is("]")) {
    LLM_ASSIGN_OR_RETURN(ExprPtr item, Expression());
    list->children.push_back(std::move(item));
    if (!ts_.Skip(",")) break;
  }
  LLM_RETURN_IF_ERROR(ts_.Expect("]"));
  return list;
}

Result<ExprPtr> ExprParser::DictLiteral(int line) {
  auto dict = MakeExpr(ExprKind::kDict, line);
  while (!ts_.Is("}")) {
    LLM_ASSIGN_OR_RETURN(ExprPtr key, Expression());
    LLM_RETURN_IF_ERROR(ts_.Expect(":"));
    LLM_ASSIGN_OR_RETURN(ExprPtr value, Expression());
    dict->children.push_back(std::move(key));
    dict->children.push_back(std::move(value));
    if (!ts_.Skip(",")) break;
  }
  LLM_RETURN_IF_ERROR(ts_.Expect("}"));
  return dict;
}

Result<ExprPtr> ExprParser::Postfix(ExprPtr node) {
  while (true) {
    if (ts_.Is(".")) {
      const int line = ts_.Next().line;
      const Token& t = ts_.Peek();
      if (t.kind != TokenKind::kName && t.kind != TokenKind::kInt) {
        return ts_.Error("expected an attribute name");
      }
      auto e = MakeExpr(t.kind == TokenKind::kName ? ExprKind::kAttr : ExprKind::kItem, line);
      e->children.push_back(std::move(node));
      if (t.kind == TokenKind::kName) {
        e->name = ts_.Next().text;
      } else {
        LLM_ASSIGN_OR_RETURN(ExprPtr index, Primary());
        e->children.push_back(std::move(index));
      }
      node = std::move(e);
    } else if (ts_.Skip("[")) {
      LLM_ASSIGN_OR_RETURN(node, Subscript(std::move(node)));
    } else if (ts_.Skip("(")) {
      LLM_ASSIGN_OR_RETURN(node, Call(std::move(node)));
    } else {
      return node;
    }
  }
}

// After "[": an index `x[i]` or a slice `x[a:b:c]` with any part left out.
Result<ExprPtr> ExprParser::Subscript(ExprPtr node) {
  const int line = node->line;
  ExprPtr parts[3];
  int part = 0;
  while (true) {
    if (!ts_.Is(":") && !ts_.Is("]")) {
      LLM_ASSIGN_OR_RETURN(parts[part], Expression());
    }
    if (ts_.Is(":") && part < 2) {
      ts_.Next();
      ++part;
      continue;
    }
    break;
  }
  LLM_RETURN_IF_ERROR(ts_.Expect("]"));
  auto e = MakeExpr(part == 0 ? ExprKind::kItem : ExprKind::kSlice, line);
  e->children.push_back(std::move(node));
  if (part == 0) {
    if (!parts[0]) return ts_.Error("expected an index");
    e->children.push_back(std::move(parts[0]));
  } else {
    for (auto& p : parts) e->children.push_back(std::move(p));
  }
  return e;
}

// After "(": a call of `callee`.
Result<ExprPtr> ExprParser::Call(ExprPtr callee) {
  auto call = MakeExpr(ExprKind::kCall, callee->line);
  call->children.push_back(std::move(callee));
  LLM_RETURN_IF_ERROR(CallArguments(call.get()));
  return call;
}

// After "(": positional and keyword arguments up to ")".
Status ExprParser::CallArguments(Expr* call) {
  while (!ts_.Is(")")) {
    if (ts_.IsKind(TokenKind::kName) && ts_.Peek(1).kind == TokenKind::kOperator &&
        ts_.Peek(1).text == "=") {
      std::string name = ts_.Next().text;
      ts_.Next();
      LLM_ASSIGN_OR_RETURN(ExprPtr value, Expression());
      call->kwargs.emplace_back(std::move(name), std::move(value));
    } else {
      if (!call->kwargs.empty()) return ts_.Error("positional argument after keyword argument");
      LLM_ASSIGN_OR_RETURN(ExprPtr value, Expression());
      call->children.push_back(std::move(value));
    }
    if (!ts_.Skip(",")) break;
  }
  return ts_.Expect(")");
}

Result<ExprPtr> ExprParser::FilterTail(ExprPtr node) {
  while (true) {
    if (ts_.Is("|")) {
      LLM_ASSIGN_OR_RETURN(node, Filter(std::move(node)));
    } else if (ts_.Is("is")) {
      LLM_ASSIGN_OR_RETURN(node, Test(std::move(node)));
    } else if (ts_.Skip("(")) {
      LLM_ASSIGN_OR_RETURN(node, Call(std::move(node)));
    } else {
      return node;
    }
  }
}

// At "|": one filter with its optional arguments.
Result<ExprPtr> ExprParser::Filter(ExprPtr operand) {
  const int line = ts_.Next().line;
  if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected a filter name");
  auto e = MakeExpr(ExprKind::kFilter, line);
  e->name = ts_.Next().text;
  while (ts_.Is(".") && ts_.Peek(1).kind == TokenKind::kName) {  // dotted filter names
    ts_.Next();
    e->name += "." + ts_.Next().text;
  }
  e->children.push_back(std::move(operand));
  if (ts_.Skip("(")) LLM_RETURN_IF_ERROR(CallArguments(e.get()));
  return e;
}

// At "is": a test, negated by `is not`, with arguments in parentheses or one bare argument.
Result<ExprPtr> ExprParser::Test(ExprPtr operand) {
  const int line = ts_.Next().line;
  auto e = MakeExpr(ExprKind::kTest, line);
  e->negated = ts_.Skip("not");
  if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected a test name");
  e->name = ts_.Next().text;
  e->children.push_back(std::move(operand));
  const Token& t = ts_.Peek();
  if (ts_.Skip("(")) {
    LLM_RETURN_IF_ERROR(CallArguments(e.get()));
  } else if ((t.kind == TokenKind::kName || t.kind == TokenKind::kString ||
              t.kind == TokenKind::kInt || t.kind == TokenKind::kFloat || ts_.Is("[") ||
              ts_.Is("{")) &&
             !ts_.Is("else") && !ts_.Is("or") && !ts_.Is("and")) {
    if (ts_.Is("is")) return ts_.Error("cannot chain tests with 'is'");
    LLM_ASSIGN_OR_RETURN(ExprPtr arg, Primary());
    LLM_ASSIGN_OR_RETURN(arg, Postfix(std::move(arg)));
    e->children.push_back(std::move(arg));
  }
  return e;
}

Result<ExprPtr> ExprParser::Target(bool allow_attribute) {
  auto tuple = MakeExpr(ExprKind::kTuple, ts_.Peek().line);
  while (true) {
    if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected a variable name");
    auto name = MakeExpr(ExprKind::kName, ts_.Peek().line);
    name->name = ts_.Next().text;
    if (allow_attribute && ts_.Is(".")) {
      ts_.Next();
      if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected an attribute name");
      auto attr = MakeExpr(ExprKind::kAttr, name->line);
      attr->name = ts_.Next().text;
      attr->children.push_back(std::move(name));
      return attr;
    }
    tuple->children.push_back(std::move(name));
    if (!ts_.Skip(",")) break;
  }
  if (tuple->children.size() == 1) return std::move(tuple->children[0]);
  return tuple;
}

Result<std::vector<ExprPtr>> ExprParser::FilterChain() {
  std::vector<ExprPtr> filters;
  do {
    if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected a filter name");
    auto e = MakeExpr(ExprKind::kFilter, ts_.Peek().line);
    e->name = ts_.Next().text;
    e->children.push_back(nullptr);
    if (ts_.Skip("(")) LLM_RETURN_IF_ERROR(CallArguments(e.get()));
    filters.push_back(std::move(e));
  } while (ts_.Skip("|"));
  return filters;
}

Status ExprParser::Parameters(Node* node) {
  LLM_RETURN_IF_ERROR(ts_.Expect("("));
  while (!ts_.Is(")")) {
    if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected a parameter name");
    node->params.push_back(ts_.Next().text);
    ExprPtr def;
    if (ts_.Skip("=")) {
      LLM_ASSIGN_OR_RETURN(def, Expression());
    }
    node->defaults.push_back(std::move(def));
    if (!ts_.Skip(",")) break;
  }
  return ts_.Expect(")");
}

}  // namespace llm::engine::jinja
