// The expression half of the Jinja parser (internal to engine_chat): a cursor over the tokens
// and the precedence-climbing expression grammar of Jinja2.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/chat/jinja_ast.h"
#include "engine/chat/jinja_lexer.h"

namespace llm::engine::jinja {

// The most nested expressions or blocks a template may have: deeper input is refused rather
// than allowed to exhaust the stack.
inline constexpr int kMaxNesting = 100;

class TokenStream {
 public:
  explicit TokenStream(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}
  const Token& Peek(size_t ahead = 0) const;
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  // Whether the current token is the operator or name `text` (not a string literal).
  bool Is(std::string_view text) const;
  bool IsKind(TokenKind kind) const { return Peek().kind == kind; }
  // Consumes the current token if it is `text`.
  bool Skip(std::string_view text);
  // Consumes `text` or fails naming the line.
  Status Expect(std::string_view text);
  Status ExpectKind(TokenKind kind, std::string_view what);
  Status Error(const std::string& what) const;

 private:
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

class ExprParser {
 public:
  explicit ExprParser(TokenStream& ts) : ts_(ts) {}
  // A full expression; with_condition false stops before a trailing `if` (for-loop filters).
  Result<ExprPtr> Expression(bool with_condition = true);
  // An expression, or a tuple of them when commas follow (`set a, b = 1, 2`, `{{ 1, 2 }}`).
  Result<ExprPtr> TupleOrExpression();
  // An assignment target: a name, names separated by commas, or (namespaces) `ns.attr`.
  Result<ExprPtr> Target(bool allow_attribute);
  // Filters written after `|` in a filter block or a block set, each with a null operand.
  Result<std::vector<ExprPtr>> FilterChain();
  // `name(params = defaults, ...)` of a macro or a call block's caller.
  Status Parameters(Node* node);

 private:
  struct DepthGuard;
  Result<ExprPtr> Or();
  Result<ExprPtr> And();
  Result<ExprPtr> Not();
  Result<ExprPtr> Compare();
  Result<ExprPtr> Math1();
  Result<ExprPtr> Concat();
  Result<ExprPtr> Math2();
  Result<ExprPtr> Pow();
  Result<ExprPtr> FilteredUnary();
  Result<ExprPtr> LeftAssociative(Result<ExprPtr> (ExprParser::*operand)(),
                                  std::initializer_list<std::string_view> ops, ExprKind kind);
  Result<ExprPtr> Unary(bool with_filter);
  Result<ExprPtr> Primary();
  Result<ExprPtr> Parenthesised(int line);
  Result<ExprPtr> ListLiteral(int line);
  Result<ExprPtr> DictLiteral(int line);
  Result<ExprPtr> Postfix(ExprPtr node);
  Result<ExprPtr> Subscript(ExprPtr node);
  Result<ExprPtr> FilterTail(ExprPtr node);
  Result<ExprPtr> Filter(ExprPtr operand);
  Result<ExprPtr> Test(ExprPtr operand);
  Result<ExprPtr> Call(ExprPtr callee);
  Status CallArguments(Expr* call);
  Result<ExprPtr> Binary(ExprPtr left, std::string op, ExprPtr right, ExprKind kind);

  TokenStream& ts_;
  int depth_ = 0;
};

ExprPtr MakeExpr(ExprKind kind, int line);

}  // namespace llm::engine::jinja
