// The syntax tree of a parsed Jinja template: expressions and statements (internal to
// engine_chat; built by jinja_parser, walked by jinja_eval).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {

enum class ExprKind {
  kLiteral,    // literal
  kName,       // name
  kList,       // children: items
  kTuple,      // children: items
  kDict,       // children: key, value, key, value...
  kAttr,       // children[0].name
  kItem,       // children[0][children[1]]
  kSlice,      // children[0][children[1]:children[2]:children[3]] (absent parts null)
  kCall,       // children[0](children[1...], kwargs)
  kFilter,     // children[0] | name(children[1...], kwargs); children[0] null in filter blocks
  kTest,       // children[0] is [not] name(children[1...]); negated for `is not`
  kUnary,      // name is "-", "+" or "not"; children[0]
  kBinary,     // children[0] name children[1]: + - * / // % ** ~
  kAnd,        // children[0] and children[1]
  kOr,         // children[0] or children[1]
  kCompare,    // children[0] ops[0] children[1] ops[1] children[2]... (chained)
  kCondition,  // children[0] if children[1] else children[2] (else part may be null)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int line = 0;
  Value literal;
  std::string name;
  bool negated = false;
  std::vector<ExprPtr> children;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;
};

enum class NodeKind {
  kText,         // text
  kOutput,       // {{ expr }}
  kIf,           // branches: (condition, body)...; a null condition is the else branch
  kFor,          // for target in expr [if condition]: body [else: else_body]
  kSet,          // set target = expr
  kSetBlock,     // set target [| filters]: body
  kMacro,        // macro text(params = defaults): body
  kCallBlock,    // call [(params)] expr: body becomes `caller`
  kFilterBlock,  // filter filters: body
  kBreak,
  kContinue,
  kScope,        // a block that renders its body in place ({% generation %})
};

struct Node {
  NodeKind kind = NodeKind::kText;
  int line = 0;
  std::string text;
  ExprPtr expr;
  ExprPtr target;
  ExprPtr condition;
  std::vector<std::pair<ExprPtr, std::vector<Node>>> branches;
  std::vector<Node> body;
  std::vector<Node> else_body;
  std::vector<std::string> params;
  std::vector<ExprPtr> defaults;  // one per param, null where none
  std::vector<ExprPtr> filters;   // kFilter expressions with a null operand
};

}  // namespace llm::engine::jinja
