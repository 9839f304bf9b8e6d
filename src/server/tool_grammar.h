// The grammar that enforces tool_choice "required" or a named function by constrained
// decoding: the reply is the calls in the model's own tool-call format, each naming one of
// the allowed tools with arguments that follow that tool's parameters schema.
#pragma once

#include <memory>

#include "core/status.h"
#include "engine/chat/tool_calls.h"
#include "engine/grammar/grammar.h"
#include "server/tool_fields.h"

namespace llm::server {

// The grammar of a forced reply (tools.forced()): exactly one call, of the forced function or
// any tool. InvalidArgument when a tool's parameters schema
// cannot be compiled; Unsupported for DeepSeek R1 with several allowed tools (its grammar is
// built for one: the named function or the only tool).
Result<std::shared_ptr<const engine::Grammar>> ToolCallGrammar(const ToolRequest& tools,
                                                               engine::ToolCallFormat format);

}  // namespace llm::server
