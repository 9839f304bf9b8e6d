// Recognising a template source and rendering a 9-message conversation with it.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engine/chat/chat_template.h"

namespace {

using llm::engine::ChatMessage;
using llm::engine::ChatTemplate;

// The shape of Llama 3.x's header turns; the recogniser only needs the markers.
const char* kLlama3Source =
    "{{- bos_token }}{%- if not date_string is defined %}{%- set date_string = \"26 Jul 2024\" %}"
    "{%- endif %}{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}"
    "{{- \"Cutting Knowledge Date: December 2023\\n\" }}{{- \"Today Date: \" + date_string }}"
    "{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + "
    "'<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{%- endif %}";

std::vector<ChatMessage> Conversation() {
  std::vector<ChatMessage> m = {{"system", "You are a helpful assistant."}};
  for (int i = 0; i < 4; ++i) {
    m.push_back({"user", "Tell me about log rotation, part " + std::to_string(i) + "."});
    m.push_back({"assistant", std::string(400, 'x')});
  }
  return m;
}

void BM_RecogniseTemplate(benchmark::State& state) {
  for (auto _ : state) {
    auto t = ChatTemplate::FromSource(kLlama3Source, "<|begin_of_text|>", "<|eot_id|>");
    benchmark::DoNotOptimize(t.ok());
  }
}

void BM_RenderConversation(benchmark::State& state) {
  auto t = ChatTemplate::FromSource(kLlama3Source, "<|begin_of_text|>", "<|eot_id|>");
  const auto messages = Conversation();
  for (auto _ : state) {
    auto text = t->Render(messages, true);
    benchmark::DoNotOptimize(text->size());
  }
}

BENCHMARK(BM_RecogniseTemplate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RenderConversation)->Unit(benchmark::kMicrosecond);

}  // namespace
