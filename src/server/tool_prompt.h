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

// The prompt of a chat request that needs the template's full rendering
// (request.renders_request(): tools, tool messages or chat_template_kwargs), rendered by the
// template itself with the assistant's opening and the kwargs as extra variables. A template
// without a tool-call syntax of its own (the generic JSON format) gets the tools and the reply
// format as a system instruction; so does a template only a native renderer serves (a model
// without a template gets ChatML), which cannot show calls and results in the history nor
// take kwargs (Unsupported). The template's own errors as RenderRequest returns them.
Result<std::string> RenderChatRequest(const GenerationRequest& request, const engine::ChatTemplate& tmpl);

// With active tools: splits `outcome.content` (the reply without the reasoning told apart)
// into content and calls of the template's format (ids "call_..." where the model gave none;
// only the first call without parallel_tool_calls). Reasoning that was not told apart
// (reasoning_format "none") stays in the content, inside <think>...</think>.
void SplitToolReply(const ToolRequest& tools, const engine::ChatTemplate& tmpl, GenerationOutcome& outcome);

}  // namespace llm::server
