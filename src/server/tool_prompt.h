// Tool calling around one generation: the prompt that shows the tools and the conversation's
// calls and results through the model's chat template, and the reply split back into
// content and calls.
#pragma once

#include <string>

#include "core/status.h"
#include "engine/chat/chat_template.h"
#include "server/generation_outcome.h"
#include "server/generation_request.h"

namespace llm::server {

// The prompt of an OpenAI chat request with tools or tool messages
// (request.renders_tools()), rendered by the template itself with the assistant's opening.
// A template without a tool-call syntax of its own (the generic JSON format) gets the tools
// and the reply format as a system instruction; so does a template only a native renderer
// serves (a model without a template gets ChatML), which cannot show calls and results in the
// history (Unsupported). The template's own errors as RenderRequest returns them.
Result<std::string> RenderToolPrompt(const GenerationRequest& request, const engine::ChatTemplate& tmpl);

// With active tools: splits `outcome.text` into content and calls of the template's format
// (ids "call_..." where the model gave none; only the first call without parallel_tool_calls).
// Reasoning stays in the content, inside <think>...</think>, as without tools.
void SplitToolReply(const ToolRequest& tools, const engine::ChatTemplate& tmpl, GenerationOutcome& outcome);

}  // namespace llm::server
