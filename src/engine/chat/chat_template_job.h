// One rendering of a chat template from text inputs, as the `llm-api chat-template` command
// takes them: the template source, OpenAI-shaped JSON for messages and tools, extra variables
// as a JSON object, and an optional fixed date for strftime_now.
#pragma once

#include <string>

#include "core/status.h"

namespace llm::engine {

struct ChatTemplateJob {
  std::string source;         // the Jinja template
  std::string bos_token;
  std::string eos_token;
  std::string messages_json;  // a JSON array of messages
  std::string tools_json;     // a JSON array of tools, or empty for none
  std::string kwargs_json;    // a JSON object of extra variables, or empty
  bool add_generation_prompt = false;
  std::string date;           // "YYYY-MM-DD" for strftime_now, or empty for the local time
};

// The rendering of `job` by the Jinja interpreter. InvalidArgument naming the input for JSON
// of the wrong shape or a bad date, and for a template error (syntax or rendering, with its
// line, or the template's own raise_exception message).
Result<std::string> RenderChatTemplateJob(const ChatTemplateJob& job);

}  // namespace llm::engine
