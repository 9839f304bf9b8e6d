// The Jinja evaluator (internal to engine_chat): walks a parsed template, with scopes as
// Jinja2 has them (a `for` or macro body sees its parent's variables but its assignments stay
// inside), loop variables, macros and call blocks, within a step, output and depth budget.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/chat/jinja_ast.h"
#include "engine/chat/jinja_template.h"
#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {

class Scope {
 public:
  explicit Scope(std::shared_ptr<Scope> parent) : parent_(std::move(parent)) {}
  // The variable in this scope or the nearest enclosing one, or nullptr.
  const Value* Find(std::string_view name) const;
  void Set(std::string_view name, Value value);

 private:
  std::shared_ptr<Scope> parent_;
  Dict vars_;
};

class Evaluator {
 public:
  explicit Evaluator(const RenderOptions& options) : options_(options) {}
  // Renders `body` in `scope`, appending to `out`.
  Status Render(const std::vector<Node>& body, const std::shared_ptr<Scope>& scope,
                std::string* out);
  // The builtin functions (namespace, range, dict, raise_exception, strftime_now) in `scope`.
  void AddBuiltins(Scope& scope);

 private:
  enum class Flow { kNormal, kBreak, kContinue };
  struct Frame {
    const std::shared_ptr<Scope>& scope;
    std::string* out;
  };
  Status Exec(const std::vector<Node>& body, const Frame& f, Flow* flow);
  Status ExecNode(const Node& node, const Frame& f, Flow* flow);
  Status ExecIf(const Node& node, const Frame& f, Flow* flow);
  Status ExecFor(const Node& node, const Frame& f);
  Status ExecSetBlock(const Node& node, const Frame& f);
  Status ExecCallBlock(const Node& node, const Frame& f);
  Status ExecFilterBlock(const Node& node, const Frame& f);
  Status Assign(const Expr& target, Value value, Scope& scope);
  Status Append(std::string* out, std::string_view text);
  Result<std::string> Capture(const std::vector<Node>& body, const std::shared_ptr<Scope>& scope);
  Result<std::vector<Value>> LoopItems(const Node& node, const Frame& f);
  Value LoopObject(const std::vector<Value>& items, size_t i);
  Value MakeMacro(const Node& node, const std::shared_ptr<Scope>& scope, Value caller);
  Result<Value> CallMacro(const Node& node, const std::weak_ptr<Scope>& scope,
                          const Value& caller, const CallArgs& args);

  Result<Value> Eval(const Expr& e, Scope& scope);
  Result<Value> EvalLiteralContainer(const Expr& e, Scope& scope);
  Result<Value> EvalCall(const Expr& e, Scope& scope);
  Result<Value> EvalFilter(const Expr& e, const Value& input, Scope& scope);
  Result<Value> EvalTest(const Expr& e, Scope& scope);
  Result<Value> EvalCompare(const Expr& e, Scope& scope);
  Result<Value> EvalBinary(const Expr& e, Scope& scope);
  Result<Value> EvalUnary(const Expr& e, Scope& scope);
  Result<CallArgs> EvalArgs(const Expr& e, size_t first, Scope& scope);
  Result<Value> Arithmetic(const std::string& op, const Value& a, const Value& b);
  // A failure of an operation at `line`, as a template error naming the line (a message the
  // template raised itself goes out unchanged).
  Status AtLine(Status status, int line) const;
  Status Step(int line);
  // Counts nested evaluation (expressions, statements, macro calls) against kMaxDepth.
  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int& depth_;
  };
  Status TooDeep(int line) const;
  // The deepest evaluation a render may nest, far below what exhausts a thread's stack.
  static constexpr int kMaxDepth = 512;

  const RenderOptions& options_;
  uint64_t steps_ = 0;
  int call_depth_ = 0;
  int depth_ = 0;
  size_t output_bytes_ = 0;
  bool raised_ = false;
};

}  // namespace llm::engine::jinja
