#include "engine/chat/jinja_template.h"

#include "engine/chat/jinja_builtins.h"
#include "engine/chat/jinja_eval.h"
#include "engine/chat/jinja_parser.h"

namespace llm::engine::jinja {
namespace {

Value MakeFunction(std::string name, std::function<Result<Value>(const CallArgs&)> fn) {
  auto callable = std::make_shared<Callable>();
  callable->name = std::move(name);
  callable->call = std::move(fn);
  return Value(CallablePtr(std::move(callable)));
}

Result<Value> Namespace(const CallArgs& args) {
  Value ns = Value::MakeNamespace();
  for (const Value& v : args.positional) {
    if (!v.is_dict()) return Status::InvalidArgument("namespace() takes a dict or keywords");
    for (const auto& [k, item] : v.as_dict()->items) ns.as_dict()->Set(k, item);
  }
  for (const auto& [k, v] : args.keyword) ns.as_dict()->Set(k, v);
  return ns;
}

Result<Value> Range(const CallArgs& args, uint64_t limit) {
  const auto& p = args.positional;
  if (p.empty() || p.size() > 3) return Status::InvalidArgument("range expected 1 to 3 arguments");
  for (const Value& v : p) {
    if (!v.is_int() && !v.is_bool()) {
      std::string message = "'";
      message.append(v.TypeName()).append("' object cannot be interpreted as an integer");
      return Status::InvalidArgument(std::move(message));
    }
  }
  auto num = [](const Value& v) { return v.is_bool() ? int64_t{v.as_bool()} : v.as_int(); };
  const int64_t start = p.size() > 1 ? num(p[0]) : 0;
  const int64_t stop = p.size() > 1 ? num(p[1]) : num(p[0]);
  const int64_t step = p.size() > 2 ? num(p[2]) : 1;
  if (step == 0) return Status::InvalidArgument("range() arg 3 must not be zero");
  std::vector<Value> items;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (items.size() >= limit) return Status::ResourceExhausted("template range() too large");
    items.emplace_back(i);
    if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
  }
  return Value::MakeList(std::move(items));
}

Result<Value> StrftimeNow(const CallArgs& args, const std::function<std::tm()>& clock) {
  if (args.positional.empty() || !args.positional[0].is_string()) {
    return Status::InvalidArgument("strftime_now() takes a format string");
  }
  const std::tm now = clock();
  const std::string& format = args.positional[0].as_string();
  if (format.empty()) return Value("");
  std::string buf(format.size() * 8 + 64, '\0');
  const size_t n = std::strftime(buf.data(), buf.size(), format.c_str(), &now);
  buf.resize(n);
  return Value(std::move(buf));
}

}  // namespace

void Evaluator::AddBuiltins(Scope& scope) {
  scope.Set("namespace", MakeFunction("namespace", Namespace));
  const uint64_t limit = options_.max_steps;
  scope.Set("range", MakeFunction("range", [limit](const CallArgs& a) { return Range(a, limit); }));
  scope.Set("dict", MakeFunction("dict", [](const CallArgs& args) -> Result<Value> {
              Value d = Value::MakeDict();
              for (const auto& [k, v] : args.keyword) d.as_dict()->Set(k, v);
              return d;
            }));
  scope.Set("raise_exception", MakeFunction("raise_exception", [this](const CallArgs& args) {
              raised_ = true;
              const Value none;
              return Result<Value>(
                  Status::InvalidArgument(ToPythonString(Arg(args, 0, "message", none))));
            }));
  if (options_.clock) {
    const auto& clock = options_.clock;
    scope.Set("strftime_now", MakeFunction("strftime_now", [&clock](const CallArgs& args) {
                return StrftimeNow(args, clock);
              }));
  }
}

Result<Template> Template::Parse(std::string_view source) {
  LLM_ASSIGN_OR_RETURN(std::vector<Node> body, jinja::Parse(source));
  return Template(std::make_shared<const std::vector<Node>>(std::move(body)));
}

Result<std::string> Template::Render(const Variables& variables,
                                     const RenderOptions& options) const {
  Evaluator evaluator(options);
  auto globals = std::make_shared<Scope>(nullptr);
  evaluator.AddBuiltins(*globals);
  for (const auto& [name, value] : variables) globals->Set(name, value);
  // The template's own top-level assignments go to a scope of their own, as in Jinja2.
  auto root = std::make_shared<Scope>(globals);
  std::string out;
  LLM_RETURN_IF_ERROR(evaluator.Render(*body_, root, &out));
  return out;
}

}  // namespace llm::engine::jinja
