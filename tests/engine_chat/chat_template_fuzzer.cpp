// libFuzzer target: an arbitrary template source through ChatTemplate::FromSource (the
// recogniser and the Jinja parser), then rendered by the Jinja interpreter with small limits
// and a conversation with tools chosen by the first byte, and by the native renderer when the
// parser refused it. Built only with -DLLM_FUZZ=ON; run by the CTest test `chat_template_fuzz`
// (label `fuzz`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_template.h"
#include "engine/chat/jinja_json.h"
#include "engine/chat/jinja_template.h"

namespace {

using llm::engine::ChatMessage;
namespace jinja = llm::engine::jinja;

std::vector<ChatMessage> Conversation(uint8_t shape, std::string_view text) {
  static constexpr const char* kRoles[] = {"system", "user", "assistant"};
  std::vector<ChatMessage> messages;
  const int count = 1 + shape % 5;
  for (int i = 0; i < count; ++i) {
    const char* role = kRoles[(shape >> (i % 4)) % 3];
    messages.push_back({role, std::string(text.substr(0, 16 * (i + 1)))});
  }
  return messages;
}

// The variables transformers passes, with a tool call, a tool result and a tools list.
jinja::Variables Variables(uint8_t shape, const std::vector<ChatMessage>& conversation) {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  for (const ChatMessage& m : conversation) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  if (shape & 4) {
    messages.push_back(nlohmann::ordered_json::parse(
        R"({"role": "assistant", "content": null, "tool_calls": [{"id": "abcdefghi",
            "type": "function", "function": {"name": "f", "arguments": {"x": 1.5}}}]})"));
    messages.push_back({{"role", "tool"}, {"tool_call_id", "abcdefghi"}, {"content", "42"}});
  }
  const auto tools = nlohmann::ordered_json::parse(
      R"([{"type": "function", "function": {"name": "f", "description": "é",
          "parameters": {"type": "object", "properties": {"x": {"type": "number"}}}}}])");
  return {{"messages", jinja::FromJson(messages)},
          {"tools", shape & 8 ? jinja::FromJson(tools) : jinja::Value(jinja::None{})},
          {"add_generation_prompt", jinja::Value((shape & 1) != 0)},
          {"bos_token", jinja::Value("<s>")},
          {"eos_token", jinja::Value("</s>")}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t shape = data[0];
  const std::string_view source(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto conversation = Conversation(shape, source);
  size_t sink = 0;
  if (auto tmpl = llm::engine::ChatTemplate::FromSource(source, "<s>", "</s>");
      tmpl.ok() && !tmpl->interpreted()) {  // the native renderer of a recognised family
    if (auto text = tmpl->Render(conversation, shape & 1); text.ok()) sink += text->size();
    if (auto text = tmpl->RenderPrompt(conversation, true, shape & 2); text.ok()) {
      sink += text->size();
    }
  }
  if (auto parsed = jinja::Template::Parse(source); parsed.ok()) {
    jinja::RenderOptions options;
    options.max_steps = 20000;
    options.max_output_bytes = 1 << 16;
    options.max_call_depth = 16;
    options.clock = [] { return std::tm{}; };
    if (auto text = parsed->Render(Variables(shape, conversation), options); text.ok()) {
      sink += text->size();
    }
  }
  volatile size_t keep = sink;
  (void)keep;
  return 0;
}
