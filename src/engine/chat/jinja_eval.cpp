// Statements: output, if, for, set, macro, call and filter blocks, break and continue.
#include "engine/chat/jinja_eval.h"

#include <algorithm>

#include "engine/chat/jinja_builtins.h"

namespace llm::engine::jinja {

const Value* Scope::Find(std::string_view name) const {
  for (const Scope* s = this; s != nullptr; s = s->parent_.get()) {
    if (const Value* v = s->vars_.Find(name)) return v;
  }
  return nullptr;
}

void Scope::Set(std::string_view name, Value value) { vars_.Set(name, std::move(value)); }

Status Evaluator::AtLine(Status status, int line) const {
  if (status.ok() || raised_ || status.code() != StatusCode::kInvalidArgument) return status;
  if (status.message().starts_with("template ")) return status;
  return Status::InvalidArgument("template error at line " + std::to_string(line) + ": " +
                                 status.message());
}

Status Evaluator::Step(int line) {
  if (++steps_ <= options_.max_steps) return Status::Ok();
  return Status::ResourceExhausted("template stopped at line " + std::to_string(line) +
                                   ": more than " + std::to_string(options_.max_steps) +
                                   " steps");
}

Status Evaluator::TooDeep(int line) const {
  return Status::ResourceExhausted("template nested too deeply at line " + std::to_string(line));
}

Status Evaluator::Append(std::string* out, std::string_view text) {
  output_bytes_ += text.size();
  if (output_bytes_ > options_.max_output_bytes) {
    return Status::ResourceExhausted("template output exceeds " +
                                     std::to_string(options_.max_output_bytes) + " bytes");
  }
  out->append(text);
  return Status::Ok();
}

Status Evaluator::Render(const std::vector<Node>& body, const std::shared_ptr<Scope>& scope,
                         std::string* out) {
  Flow flow = Flow::kNormal;
  return Exec(body, Frame{scope, out}, &flow);
}

Status Evaluator::Exec(const std::vector<Node>& body, const Frame& f, Flow* flow) {
  for (const Node& node : body) {
    LLM_RETURN_IF_ERROR(ExecNode(node, f, flow));
    if (*flow != Flow::kNormal) break;
  }
  return Status::Ok();
}

Status Evaluator::ExecNode(const Node& node, const Frame& f, Flow* flow) {
  LLM_RETURN_IF_ERROR(Step(node.line));
  const DepthGuard guard(depth_);
  if (depth_ > kMaxDepth) return TooDeep(node.line);
  switch (node.kind) {
    case NodeKind::kText: return Append(f.out, node.text);
    case NodeKind::kOutput: {
      LLM_ASSIGN_OR_RETURN(Value v, Eval(*node.expr, *f.scope));
      return Append(f.out, ToPythonString(v));
    }
    case NodeKind::kIf: return ExecIf(node, f, flow);
    case NodeKind::kFor: return ExecFor(node, f);
    case NodeKind::kSet: {
      LLM_ASSIGN_OR_RETURN(Value v, Eval(*node.expr, *f.scope));
      return Assign(*node.target, std::move(v), *f.scope);
    }
    case NodeKind::kSetBlock: return ExecSetBlock(node, f);
    case NodeKind::kMacro:
      f.scope->Set(node.text, MakeMacro(node, f.scope, Value()));
      return Status::Ok();
    case NodeKind::kCallBlock: return ExecCallBlock(node, f);
    case NodeKind::kFilterBlock: return ExecFilterBlock(node, f);
    case NodeKind::kBreak: *flow = Flow::kBreak; return Status::Ok();
    case NodeKind::kContinue: *flow = Flow::kContinue; return Status::Ok();
    case NodeKind::kScope: return Exec(node.body, f, flow);
  }
  return Status::Internal("unknown template statement");
}

Status Evaluator::ExecIf(const Node& node, const Frame& f, Flow* flow) {
  for (const auto& [cond, body] : node.branches) {
    if (cond) {
      LLM_ASSIGN_OR_RETURN(Value v, Eval(*cond, *f.scope));
      if (!v.Truthy()) continue;
    }
    return Exec(body, f, flow);
  }
  return Status::Ok();
}

Status Evaluator::Assign(const Expr& target, Value value, Scope& scope) {
  if (target.kind == ExprKind::kName) {
    scope.Set(target.name, std::move(value));
    return Status::Ok();
  }
  if (target.kind == ExprKind::kAttr) {
    LLM_ASSIGN_OR_RETURN(Value obj, Eval(*target.children[0], scope));
    if (!obj.is_namespace()) {
      return AtLine(Status::InvalidArgument("cannot assign attribute on non-namespace object"),
                    target.line);
    }
    obj.as_dict()->Set(target.name, std::move(value));
    return Status::Ok();
  }
  auto items = Iterate(value);
  if (!items.ok()) return AtLine(items.status(), target.line);
  if (items->size() != target.children.size()) {
    return AtLine(Status::InvalidArgument("cannot unpack " + std::to_string(items->size()) +
                                          " values into " +
                                          std::to_string(target.children.size()) + " names"),
                  target.line);
  }
  for (size_t i = 0; i < items->size(); ++i) {
    LLM_RETURN_IF_ERROR(Assign(*target.children[i], (*items)[i], scope));
  }
  return Status::Ok();
}

// The loop's items after the `for ... if condition` filter, which sees the loop target.
Result<std::vector<Value>> Evaluator::LoopItems(const Node& node, const Frame& f) {
  LLM_ASSIGN_OR_RETURN(Value iterable, Eval(*node.expr, *f.scope));
  auto items = Iterate(iterable);
  if (!items.ok()) return AtLine(items.status(), node.line);
  if (!node.condition) return items;
  std::vector<Value> kept;
  auto filter_scope = std::make_shared<Scope>(f.scope);
  for (Value& item : *items) {
    LLM_RETURN_IF_ERROR(Assign(*node.target, item, *filter_scope));
    LLM_ASSIGN_OR_RETURN(Value keep, Eval(*node.condition, *filter_scope));
    if (keep.Truthy()) kept.push_back(std::move(item));
  }
  return kept;
}

Value Evaluator::LoopObject(const std::vector<Value>& items, size_t i) {
  const auto n = static_cast<int64_t>(items.size());
  const auto k = static_cast<int64_t>(i);
  Value loop = Value::MakeDict();
  Dict& d = *loop.as_dict();
  d.Set("index", Value(k + 1));
  d.Set("index0", Value(k));
  d.Set("revindex", Value(n - k));
  d.Set("revindex0", Value(n - k - 1));
  d.Set("first", Value(k == 0));
  d.Set("last", Value(k == n - 1));
  d.Set("length", Value(n));
  d.Set("depth", Value(1));
  d.Set("depth0", Value(0));
  d.Set("previtem", k > 0 ? items[i - 1] : Value::MakeUndefined("there is no previous item"));
  d.Set("nextitem", k + 1 < n ? items[i + 1] : Value::MakeUndefined("there is no next item"));
  auto cycle = std::make_shared<Callable>();
  cycle->name = "loop.cycle";
  cycle->call = [i](const CallArgs& args) -> Result<Value> {
    if (args.positional.empty()) return Status::InvalidArgument("no items for cycling given");
    return args.positional[i % args.positional.size()];
  };
  d.Set("cycle", Value(CallablePtr(std::move(cycle))));
  return loop;
}

Status Evaluator::ExecFor(const Node& node, const Frame& f) {
  LLM_ASSIGN_OR_RETURN(std::vector<Value> items, LoopItems(node, f));
  if (items.empty()) {
    Flow flow = Flow::kNormal;
    return Exec(node.else_body, f, &flow);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    LLM_RETURN_IF_ERROR(Step(node.line));
    // Each iteration has a scope of its own: what one sets, the next does not see.
    auto scope = std::make_shared<Scope>(f.scope);
    const Frame inner{scope, f.out};
    LLM_RETURN_IF_ERROR(Assign(*node.target, items[i], *scope));
    scope->Set("loop", LoopObject(items, i));
    Flow flow = Flow::kNormal;
    LLM_RETURN_IF_ERROR(Exec(node.body, inner, &flow));
    if (flow == Flow::kBreak) break;
  }
  return Status::Ok();
}

Result<std::string> Evaluator::Capture(const std::vector<Node>& body,
                                       const std::shared_ptr<Scope>& scope) {
  std::string text;
  Flow flow = Flow::kNormal;
  LLM_RETURN_IF_ERROR(Exec(body, Frame{scope, &text}, &flow));
  output_bytes_ -= text.size();  // counted again when the caller writes it
  return text;
}

Status Evaluator::ExecSetBlock(const Node& node, const Frame& f) {
  LLM_ASSIGN_OR_RETURN(std::string text, Capture(node.body, f.scope));
  Value v(std::move(text));
  for (const ExprPtr& filter : node.filters) {
    LLM_ASSIGN_OR_RETURN(v, EvalFilter(*filter, v, *f.scope));
  }
  return Assign(*node.target, std::move(v), *f.scope);
}

Status Evaluator::ExecFilterBlock(const Node& node, const Frame& f) {
  LLM_ASSIGN_OR_RETURN(std::string text, Capture(node.body, f.scope));
  Value v(std::move(text));
  for (const ExprPtr& filter : node.filters) {
    LLM_ASSIGN_OR_RETURN(v, EvalFilter(*filter, v, *f.scope));
  }
  return Append(f.out, ToPythonString(v));
}

Status Evaluator::ExecCallBlock(const Node& node, const Frame& f) {
  // The block's body becomes the `caller` macro of the called macro.
  Value caller = MakeMacro(node, f.scope, Value());
  const Expr& call = *node.expr;
  LLM_ASSIGN_OR_RETURN(Value callee, Eval(*call.children[0], *f.scope));
  LLM_ASSIGN_OR_RETURN(CallArgs args, EvalArgs(call, 1, *f.scope));
  args.keyword.emplace_back("caller", caller);
  if (!callee.is_callable()) {
    return AtLine(Status::InvalidArgument(std::string("'") + callee.TypeName() + "' object is not callable"),
                  node.line);
  }
  auto result = callee.as_callable()->call(args);
  if (!result.ok()) return AtLine(result.status(), node.line);
  return Append(f.out, ToPythonString(*result));
}

Value Evaluator::MakeMacro(const Node& node, const std::shared_ptr<Scope>& scope, Value caller) {
  auto macro = std::make_shared<Callable>();
  macro->name = node.kind == NodeKind::kMacro ? node.text : "caller";
  // A weak reference: the macro is stored in the scope it closes over.
  std::weak_ptr<Scope> weak = scope;
  const Node* def = &node;
  macro->call = [this, def, weak, caller](const CallArgs& args) {
    return CallMacro(*def, weak, caller, args);
  };
  return Value(CallablePtr(std::move(macro)));
}

Result<Value> Evaluator::CallMacro(const Node& node, const std::weak_ptr<Scope>& weak,
                                   const Value& caller, const CallArgs& args) {
  std::shared_ptr<Scope> parent = weak.lock();
  if (!parent) return Status::InvalidArgument("macro called outside the scope defining it");
  if (call_depth_ >= options_.max_call_depth) {
    return Status::ResourceExhausted("template macro calls nested deeper than " +
                                     std::to_string(options_.max_call_depth));
  }
  auto scope = std::make_shared<Scope>(parent);
  std::vector<Value> extra;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (i < node.params.size()) {
      scope->Set(node.params[i], args.positional[i]);
    } else {
      extra.push_back(args.positional[i]);
    }
  }
  Value kwargs = Value::MakeDict();
  for (const auto& [name, value] : args.keyword) {
    const bool is_param = std::find(node.params.begin(), node.params.end(), name) != node.params.end();
    if (is_param || name == "caller") {
      scope->Set(name, value);
    } else {
      kwargs.as_dict()->Set(name, value);
    }
  }
  for (size_t i = args.positional.size(); i < node.params.size(); ++i) {
    Value def = Value::MakeUndefined(std::string("'") + node.params[i] + "' is undefined");
    if (node.defaults[i]) {
      LLM_ASSIGN_OR_RETURN(def, Eval(*node.defaults[i], *scope));
    }
    bool given = false;
    for (const auto& kw : args.keyword) given = given || kw.first == node.params[i];
    if (!given) scope->Set(node.params[i], std::move(def));
  }
  scope->Set("varargs", Value::MakeList(std::move(extra), true));
  scope->Set("kwargs", kwargs);
  if (!caller.is_undefined()) scope->Set("caller", caller);
  ++call_depth_;
  auto text = Capture(node.body, scope);
  --call_depth_;
  if (!text.ok()) return text.status();
  return Value(std::move(*text));
}

}  // namespace llm::engine::jinja
