// libFuzzer target: ChatTemplate::FromSource on an arbitrary template source, then Render and
// RenderPrompt of a few conversations chosen by the first byte. Built only with -DLLM_FUZZ=ON;
// run by the CTest test `chat_template_fuzz` (label `fuzz`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/chat_template.h"

namespace {

std::vector<llm::engine::ChatMessage> Conversation(uint8_t shape, std::string_view text) {
  static constexpr const char* kRoles[] = {"system", "user", "assistant"};
  std::vector<llm::engine::ChatMessage> messages;
  const int count = 1 + shape % 5;
  for (int i = 0; i < count; ++i) {
    const char* role = kRoles[(shape >> (i % 4)) % 3];
    messages.push_back({role, std::string(text.substr(0, 16 * (i + 1)))});
  }
  return messages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t shape = data[0];
  const std::string_view source(reinterpret_cast<const char*>(data + 1), size - 1);
  auto tmpl = llm::engine::ChatTemplate::FromSource(source, "<s>", "</s>");
  if (!tmpl.ok()) return 0;
  const auto messages = Conversation(shape, source);
  size_t sink = 0;
  if (auto text = tmpl->Render(messages, shape & 1); text.ok()) sink += text->size();
  if (auto text = tmpl->RenderPrompt(messages, true, shape & 2); text.ok()) sink += text->size();
  volatile size_t keep = sink;
  (void)keep;
  return 0;
}
