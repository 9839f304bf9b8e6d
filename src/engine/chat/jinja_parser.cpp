#include "engine/chat/jinja_parser.h"

#include <algorithm>
#include <initializer_list>

#include "engine/chat/jinja_expr_parser.h"

namespace llm::engine::jinja {
namespace {

using Body = std::vector<Node>;

Node MakeNode(NodeKind kind, int line) {
  Node node;
  node.kind = kind;
  node.line = line;
  return node;
}

class StatementParser {
 public:
  explicit StatementParser(std::vector<Token> tokens) : ts_(std::move(tokens)), expr_(ts_) {}
  Result<Body> Template();

 private:
  // Statements up to a block opening with one of `ends` (left unread: the caller reads it).
  Result<Body> BodyUntil(std::initializer_list<std::string_view> ends);
  Result<Node> Output();
  Result<Node> Statement(const std::string& keyword, int line);
  Status If(Node* node);
  Status For(Node* node);
  Status Set(Node* node);
  Status Macro(Node* node);
  Status CallBlock(Node* node);
  Status FilterBlock(Node* node);
  // Reads `{% keyword %}` closing a block.
  Status End(std::string_view keyword);
  bool AtBlock(std::initializer_list<std::string_view> keywords) const;

  TokenStream ts_;
  ExprParser expr_;
  int depth_ = 0;
};

bool StatementParser::AtBlock(std::initializer_list<std::string_view> keywords) const {
  if (!ts_.IsKind(TokenKind::kBlockBegin)) return false;
  const Token& t = ts_.Peek(1);
  return t.kind == TokenKind::kName &&
         std::find(keywords.begin(), keywords.end(), t.text) != keywords.end();
}

Status StatementParser::End(std::string_view keyword) {
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockBegin, "'{%'"));
  LLM_RETURN_IF_ERROR(ts_.Expect(keyword));
  if (ts_.IsKind(TokenKind::kName)) ts_.Next();  // {% endmacro name %}
  return ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'");
}

Result<Body> StatementParser::Template() {
  LLM_ASSIGN_OR_RETURN(Body body, BodyUntil({}));
  if (!ts_.IsKind(TokenKind::kEnd)) {
    ts_.Next();
    return ts_.Error("unexpected block");
  }
  return body;
}

Result<Body> StatementParser::BodyUntil(std::initializer_list<std::string_view> ends) {
  if (++depth_ > kMaxNesting) return ts_.Error("blocks nested too deeply");
  Body body;
  while (!ts_.IsKind(TokenKind::kEnd)) {
    const Token& t = ts_.Peek();
    if (t.kind == TokenKind::kText) {
      Node text = MakeNode(NodeKind::kText, t.line);
      text.text = ts_.Next().text;
      body.push_back(std::move(text));
    } else if (t.kind == TokenKind::kVarBegin) {
      LLM_ASSIGN_OR_RETURN(Node out, Output());
      body.push_back(std::move(out));
    } else if (t.kind == TokenKind::kBlockBegin) {
      if (AtBlock(ends)) break;
      const Token& keyword = ts_.Peek(1);
      if (keyword.kind != TokenKind::kName) {
        ts_.Next();
        return ts_.Error("expected a statement name");
      }
      const std::string name = keyword.text;
      const int line = keyword.line;
      ts_.Next();
      ts_.Next();
      LLM_ASSIGN_OR_RETURN(Node node, Statement(name, line));
      body.push_back(std::move(node));
    } else {
      return ts_.Error("unexpected token");
    }
  }
  if (ends.size() != 0 && ts_.IsKind(TokenKind::kEnd)) {
    return ts_.Error("unclosed block: expected '" + std::string(*(ends.end() - 1)) + "'");
  }
  --depth_;
  return body;
}

Result<Node> StatementParser::Output() {
  Node node = MakeNode(NodeKind::kOutput, ts_.Next().line);
  LLM_ASSIGN_OR_RETURN(node.expr, expr_.TupleOrExpression());
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kVarEnd, "'}}'"));
  return node;
}

Result<Node> StatementParser::Statement(const std::string& keyword, int line) {
  Node node = MakeNode(NodeKind::kScope, line);
  Status status;
  if (keyword == "if") {
    status = If(&node);
  } else if (keyword == "for") {
    status = For(&node);
  } else if (keyword == "set") {
    status = Set(&node);
  } else if (keyword == "macro") {
    status = Macro(&node);
  } else if (keyword == "call") {
    status = CallBlock(&node);
  } else if (keyword == "filter") {
    status = FilterBlock(&node);
  } else if (keyword == "break" || keyword == "continue") {
    node.kind = keyword == "break" ? NodeKind::kBreak : NodeKind::kContinue;
    status = ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'");
  } else if (keyword == "generation") {  // transformers' AssistantTracker block
    status = ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'");
    if (status.ok()) {
      LLM_ASSIGN_OR_RETURN(node.body, BodyUntil({"endgeneration"}));
      status = End("endgeneration");
    }
  } else if (keyword == "include" || keyword == "import" || keyword == "extends" ||
             keyword == "from") {
    return Status::InvalidArgument("template error at line " + std::to_string(line) + ": '" +
                                   keyword + "' is not available to a chat template");
  } else {
    return Status::InvalidArgument("template syntax error at line " + std::to_string(line) +
                                   ": unknown statement '" + keyword + "'");
  }
  if (!status.ok()) return status;
  return node;
}

Status StatementParser::If(Node* node) {
  node->kind = NodeKind::kIf;
  while (true) {
    LLM_ASSIGN_OR_RETURN(ExprPtr cond, expr_.Expression());
    LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
    LLM_ASSIGN_OR_RETURN(Body body, BodyUntil({"elif", "else", "endif"}));
    node->branches.emplace_back(std::move(cond), std::move(body));
    ts_.Next();  // {%
    const std::string word = ts_.Next().text;
    if (word == "elif") continue;
    if (word == "else") {
      LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
      LLM_ASSIGN_OR_RETURN(Body otherwise, BodyUntil({"endif"}));
      node->branches.emplace_back(nullptr, std::move(otherwise));
      return End("endif");
    }
    return ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'");
  }
}

Status StatementParser::For(Node* node) {
  node->kind = NodeKind::kFor;
  LLM_ASSIGN_OR_RETURN(node->target, expr_.Target(false));
  LLM_RETURN_IF_ERROR(ts_.Expect("in"));
  LLM_ASSIGN_OR_RETURN(node->expr, expr_.Expression(false));
  if (ts_.Skip("if")) {
    LLM_ASSIGN_OR_RETURN(node->condition, expr_.Expression(true));
  }
  if (ts_.Is("recursive")) return ts_.Error("recursive loops are not supported");
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
  LLM_ASSIGN_OR_RETURN(node->body, BodyUntil({"else", "endfor"}));
  if (AtBlock({"else"})) {
    ts_.Next();
    ts_.Next();
    LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
    LLM_ASSIGN_OR_RETURN(node->else_body, BodyUntil({"endfor"}));
  }
  return End("endfor");
}

Status StatementParser::Set(Node* node) {
  node->kind = NodeKind::kSet;
  LLM_ASSIGN_OR_RETURN(node->target, expr_.Target(true));
  if (ts_.Skip("=")) {
    LLM_ASSIGN_OR_RETURN(node->expr, expr_.TupleOrExpression());
    return ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'");
  }
  node->kind = NodeKind::kSetBlock;  // {% set x %}...{% endset %}
  if (ts_.Skip("|")) {
    LLM_ASSIGN_OR_RETURN(node->filters, expr_.FilterChain());
  }
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
  LLM_ASSIGN_OR_RETURN(node->body, BodyUntil({"endset"}));
  return End("endset");
}

Status StatementParser::Macro(Node* node) {
  node->kind = NodeKind::kMacro;
  if (!ts_.IsKind(TokenKind::kName)) return ts_.Error("expected a macro name");
  node->text = ts_.Next().text;
  LLM_RETURN_IF_ERROR(expr_.Parameters(node));
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
  LLM_ASSIGN_OR_RETURN(node->body, BodyUntil({"endmacro"}));
  return End("endmacro");
}

Status StatementParser::CallBlock(Node* node) {
  node->kind = NodeKind::kCallBlock;
  if (ts_.Is("(")) LLM_RETURN_IF_ERROR(expr_.Parameters(node));
  LLM_ASSIGN_OR_RETURN(node->expr, expr_.Expression());
  if (node->expr->kind != ExprKind::kCall) return ts_.Error("expected a macro call");
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
  LLM_ASSIGN_OR_RETURN(node->body, BodyUntil({"endcall"}));
  return End("endcall");
}

Status StatementParser::FilterBlock(Node* node) {
  node->kind = NodeKind::kFilterBlock;
  LLM_ASSIGN_OR_RETURN(node->filters, expr_.FilterChain());
  LLM_RETURN_IF_ERROR(ts_.ExpectKind(TokenKind::kBlockEnd, "'%}'"));
  LLM_ASSIGN_OR_RETURN(node->body, BodyUntil({"endfilter"}));
  return End("endfilter");
}

}  // namespace

Result<std::vector<Node>> Parse(std::string_view source) {
  LLM_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(source));
  return StatementParser(std::move(tokens)).Template();
}

}  // namespace llm::engine::jinja
