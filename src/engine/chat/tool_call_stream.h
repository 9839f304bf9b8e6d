// The content of a reply that may hold tool calls, streamed while it is generated: the text
// before the first place where a call of the template's format could begin goes out at once;
// from there on the reply is held back until it is whole and parsed (ParseToolCalls), and
// only the rest of its content follows. So an answer without calls streams as without tools.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/tool_calls.h"

namespace llm::engine {

class ToolCallStream {
 public:
  explicit ToolCallStream(ToolCallFormat format);

  // Adds content text (reasoning already told apart); returns the content that can be sent
  // now. Leading whitespace is dropped, and whitespace or text that may begin a call marker
  // is held back, as ParseToolCalls trims the content it returns.
  std::string Push(std::string_view text);

  // The content sent so far.
  const std::string& sent() const { return sent_; }
  // The part of the parsed reply's content (ParsedReply::content) not sent yet: what follows
  // the sent text ("" when the parse trimmed what was sent differently).
  std::string Rest(std::string_view final_content) const;

 private:
  // Whether the reply holds back from its first non-space character (formats whose call is
  // the whole reply: a JSON object, or Llama 3's <|python_tag|>).
  bool HoldsFromStart(std::string_view text) const;

  ToolCallFormat format_;
  std::vector<std::string_view> markers_;  // where a call may begin anywhere in the reply
  std::string pending_;
  std::string sent_;
  bool started_ = false;  // a non-space character arrived
  bool held_ = false;     // a call may have begun: everything from here is held back
};

}  // namespace llm::engine
