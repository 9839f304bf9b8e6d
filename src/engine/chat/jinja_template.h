// A Jinja template as Hugging Face transformers renders chat templates: Jinja2's
// ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loop controls
// extension, and the globals transformers adds (raise_exception, strftime_now, a `tojson` that
// keeps non-ASCII text). Sandboxed by construction: a template reaches no file, process or
// clock except the one given, and its rendering is bounded in steps, output and call depth.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {

struct Node;

struct RenderOptions {
  size_t max_output_bytes = size_t{16} << 20;
  uint64_t max_steps = 5'000'000;  // expressions evaluated plus statements run
  int max_call_depth = 64;         // nested macro calls
  // The time `strftime_now` formats; when empty the template sees no `strftime_now`.
  std::function<std::tm()> clock;
};

using Variables = std::vector<std::pair<std::string, Value>>;

class Template {
 public:
  // Parses a template. InvalidArgument naming the line for a syntax error.
  static Result<Template> Parse(std::string_view source);

  // Renders with `variables` as the template's globals. InvalidArgument for a template error
  // (the message names the line; a `raise_exception` message goes out as the template wrote
  // it), ResourceExhausted when a limit of `options` is reached.
  Result<std::string> Render(const Variables& variables, const RenderOptions& options) const;

 private:
  explicit Template(std::shared_ptr<const std::vector<Node>> body) : body_(std::move(body)) {}
  std::shared_ptr<const std::vector<Node>> body_;
};

}  // namespace llm::engine::jinja
