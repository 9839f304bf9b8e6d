// The recogniser on template variants, and the renderers on conversations that the shared
// test data does not cover.
#include "engine/chat/chat_template.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace llm::engine {
namespace {

// Llama 2 chat (meta-llama/Llama-2-7b-chat-hf).
constexpr const char* kLlama2 =
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}"
    "{% endif %}{% endfor %}";

// Llama 3 (8B Instruct, no date preamble).
constexpr const char* kLlama3 =
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ "
    "message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}";

// Qwen2: ChatML with "You are a helpful assistant." as the default system prompt.
constexpr const char* kQwen2 =
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Plain ChatML, no default system prompt.
constexpr const char* kChatML =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Gemma 3: the system message is folded into the first user turn.
constexpr const char* kGemma3 =
    "{{ bos_token }}\n{%- if messages[0]['role'] == 'system' -%}\n"
    "    {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}\n"
    "    {%- set loop_messages = messages[1:] -%}\n{%- else -%}\n"
    "    {%- set first_user_prefix = \"\" -%}\n    {%- set loop_messages = messages -%}\n"
    "{%- endif -%}\n{%- for message in loop_messages -%}\n"
    "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n"
    "        {{ raise_exception(\"Conversation roles must alternate "
    "user/assistant/user/assistant/...\") }}\n    {%- endif -%}\n"
    "    {%- if message['role'] == 'assistant' -%}{%- set role = 'model' -%}\n"
    "    {%- else -%}{%- set role = message['role'] -%}{%- endif -%}\n"
    "    {{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else \"\") }}\n"
    "    {%- if message['content'] is string -%}{{ message['content'] | trim }}{%- endif -%}\n"
    "    {{ '<end_of_turn>\\n' }}\n{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}\n    {{'<start_of_turn>model\\n'}}\n{%- endif -%}\n";

// Mistral v0.3: like Nemo with a space after [INST].
constexpr const char* kMistralV3 =
    "{%- if messages[0][\"role\"] == \"system\" %}\n"
    "    {%- set system_message = messages[0][\"content\"] %}\n"
    "    {%- set loop_messages = messages[1:] %}\n"
    "{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n"
    "{{- bos_token }}\n{%- for message in loop_messages %}\n"
    "    {%- if message[\"role\"] == \"user\" %}\n"
    "        {%- if loop.last and system_message is defined %}\n"
    "            {{- \"[INST] \" + system_message + \"\\n\\n\" + message[\"content\"] + "
    "\"[/INST]\" }}\n        {%- else %}\n"
    "            {{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}\n        {%- endif %}\n"
    "    {%- elif message[\"role\"] == \"assistant\" %}\n"
    "        {{- \" \" + message[\"content\"]|trim + eos_token}}\n    {%- endif %}\n"
    "{%- endfor %}\n";

// DeepSeek-R1 (the distilled models' template without its tool-call branches).
constexpr const char* kDeepSeekR1 =
    "{% set ns = namespace(system_prompt='') %}{%- for message in messages %}"
    "{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}"
    "{%- endif %}{%- endfor %}"
    "{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}"
    "{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}{%- endif %}"
    "{%- if message['role'] == 'assistant' %}{% set content = message['content'] %}"
    "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}"
    "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor -%}"
    "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";

// Phi-3.5 mini.
constexpr const char* kPhi3 =
    "{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}"
    "{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}"
    "{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}"
    "{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}";

// Mistral v0.1/v0.2 ("v1" in llama.cpp): spaced delimiters, the system in the first turn.
constexpr const char* kMistralV1 =
    "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = "
    "messages[0]['content'] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n"
    "    {%- set loop_messages = messages %}\n{%- endif %}\n\n{{- bos_token }}\n"
    "{%- for message in loop_messages %}\n"
    "    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}\n"
    "        {{- raise_exception('After the optional system message, conversation roles must "
    "alternate user/assistant/user/assistant/...') }}\n    {%- endif %}\n"
    "    {%- if message['role'] == 'user' %}\n"
    "        {%- if loop.first and system_message is defined %}\n"
    "            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}\n"
    "        {%- else %}\n            {{- ' [INST] ' + message['content'] + ' [/INST]' }}\n"
    "        {%- endif %}\n    {%- elif message['role'] == 'assistant' %}\n"
    "        {{- ' ' + message['content'] + eos_token}}\n    {%- else %}\n"
    "        {{- raise_exception('Only user and assistant roles are supported, with the exception "
    "of an initial optional system message!') }}\n    {%- endif %}\n{%- endfor %}\n";

// The first Mistral 7B Instruct template: no system message at all.
constexpr const char* kMistralV01 =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != "
    "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}"
    "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant "
    "roles are supported!') }}{% endif %}{% endfor %}";

// Zephyr / TinyLlama-1.1B-Chat: the newline after each turn comes from the template's layout.
constexpr const char* kZephyr =
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
    "{{ '<|user|>\\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'system' %}\n"
    "{{ '<|system|>\\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'assistant' %}\n"
    "{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n"
    "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n"
    "{% endfor %}";

// Tulu: no EOS after a user turn and no system branch.
constexpr const char* kTulu =
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
    "{{ '<|user|>\\n' + message['content'] }}\n{% elif message['role'] == 'assistant' %}\n"
    "{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n"
    "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n"
    "{% endfor %}";

// Phi-4: ChatML headers closed by <|im_sep|>, no newline between turns.
constexpr const char* kPhi4 =
    "{% for message in messages %}{% if (message['role'] == 'system') %}"
    "{{'<|im_start|>system<|im_sep|>' + message['content'] + '<|im_end|>'}}"
    "{% elif (message['role'] == 'user') %}{{'<|im_start|>user<|im_sep|>' + message['content'] + "
    "'<|im_end|>'}}{% elif (message['role'] == 'assistant') %}{{'<|im_start|>assistant<|im_sep|>' "
    "+ message['content'] + '<|im_end|>'}}{% endif %}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant<|im_sep|>' }}{% endif %}";

// Phi-3 mini (June 2024): BOS first, every system message rendered.
constexpr const char* kPhi3Mini =
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}"
    "{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}"
    "{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}"
    "{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}";

// The first Phi-3 mini template (April 2024): the assistant header follows every user turn.
constexpr const char* kPhi3First =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') %}"
    "{{'<|user|>' + '\\n' + message['content'] + '<|end|>' + '\\n' + '<|assistant|>' + '\\n'}}"
    "{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\\n'}}"
    "{% endif %}{% endfor %}";

std::vector<ChatMessage> Conversation(bool with_system) {
  std::vector<ChatMessage> m;
  if (with_system) m.push_back({"system", "Be brief."});
  m.push_back({"user", "Hi"});
  m.push_back({"assistant", "Hello."});
  m.push_back({"user", "Joke?"});
  return m;
}

ChatTemplate Make(const char* source, std::string bos = "", std::string eos = "") {
  auto t = ChatTemplate::FromSource(source, std::move(bos), std::move(eos));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : ChatTemplate::ChatML();
}

std::string RenderOk(const ChatTemplate& t, const std::vector<ChatMessage>& m, bool gen = true) {
  auto text = t.Render(m, gen);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

TEST(ChatTemplate, EmptySourceMeansPlainChatML) {
  const ChatTemplate t = Make("  \n", "<s>", "</s>");
  EXPECT_EQ(t.family(), ChatFamily::kChatML);
  EXPECT_EQ(t.family_name(), "chatml");
  EXPECT_EQ(RenderOk(t, {{"user", "Hi"}}),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, UnknownTemplateIsRenderedByTheInterpreter) {
  auto t = ChatTemplate::FromSource("{% for m in messages %}### {{ m.role }}: {{ m.content }}\n"
                                    "{% endfor %}{% if add_generation_prompt %}### assistant:"
                                    "{% endif %}",
                                    "", "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->family(), ChatFamily::kCustom);
  EXPECT_EQ(t->family_name(), "custom");
  EXPECT_TRUE(t->interpreted());
  EXPECT_EQ(RenderOk(*t, {{"user", "Hi"}, {"assistant", "Yo"}}),
            "### user: Hi\n### assistant: Yo\n### assistant:");
}

TEST(ChatTemplate, UnknownTemplateWithASyntaxErrorIsRefusedWithItsLine) {
  auto t = ChatTemplate::FromSource("{% for m in messages %}\n{{ m.role }\n{% endfor %}", "", "");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("line 2"), std::string::npos) << t.status().message();
}

TEST(ChatTemplate, KnownFamilyTheParserRefusesIsRenderedNatively) {
  // A ChatML template with a statement the sandbox refuses still renders as ChatML.
  const ChatTemplate t = Make("{% include 'x' %}{% for message in messages %}"
                              "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
                              "'<|im_end|>' + '\n'}}{% endfor %}");
  EXPECT_FALSE(t.interpreted());
  EXPECT_EQ(RenderOk(t, {{"user", "Hi"}}),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, RejectsAnEmptyConversationAndUnknownRoles) {
  const ChatTemplate t = ChatTemplate::ChatML();
  auto empty = t.Render({}, true);
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  const std::vector<ChatMessage> tool = {{"user", "Hi"}, {"tool", "42"}};
  auto bad = t.Render(tool, true);
  ASSERT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("messages[1].role"), std::string::npos);
}

TEST(ChatTemplate, ChatMLWithoutDefaultSystemAddsNone) {
  EXPECT_EQ(RenderOk(Make(kChatML), {{"user", "Hi"}}, false), "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplate, Qwen2DefaultSystemPromptIsReadFromTheSource) {
  const ChatTemplate t = Make(kQwen2);
  EXPECT_EQ(t.style().default_system, "You are a helpful assistant.");
  EXPECT_EQ(RenderOk(t, {{"user", "Hi"}}),
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, Llama2FoldsTheSystemIntoTheFirstInstBlock) {
  const ChatTemplate t = Make(kLlama2, "<s>", "</s>");
  EXPECT_EQ(t.family(), ChatFamily::kLlama2);
  EXPECT_EQ(RenderOk(t, Conversation(true)),
            "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s>"
            "<s>[INST] Joke? [/INST]");
  EXPECT_EQ(RenderOk(t, Conversation(false)),
            "<s>[INST] Hi [/INST] Hello. </s><s>[INST] Joke? [/INST]");
}

TEST(ChatTemplate, Llama2RefusesRolesThatDoNotAlternate) {
  const std::vector<ChatMessage> m = {{"user", "a"}, {"user", "b"}};
  auto text = Make(kLlama2).Render(m, true);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(),
            "Conversation roles must alternate user/assistant/user/assistant/...");
}

TEST(ChatTemplate, Llama3WithoutDatePreambleRendersPlainTrimmedTurns) {
  const ChatTemplate t = Make(kLlama3, "<|begin_of_text|>");
  EXPECT_TRUE(t.style().llama3_preamble.empty());
  EXPECT_EQ(RenderOk(t, {{"system", " S "}, {"user", "Hi\n"}}),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplate, Gemma3FoldsTheSystemIntoTheFirstUserTurn) {
  const ChatTemplate t = Make(kGemma3, "<bos>");
  EXPECT_EQ(t.family(), ChatFamily::kGemma);
  EXPECT_EQ(RenderOk(t, Conversation(true)),
            "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
            "<start_of_turn>model\nHello.<end_of_turn>\n"
            "<start_of_turn>user\nJoke?<end_of_turn>\n<start_of_turn>model\n");
}

TEST(ChatTemplate, GemmaRefusesAConversationStartingWithTheModel) {
  const std::vector<ChatMessage> m = {{"assistant", "a"}, {"user", "b"}};
  auto text = Make(kGemma3).Render(m, true);
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
}

TEST(ChatTemplate, MistralV3UsesSpacedInstAndSystemInTheLastUserTurn) {
  const ChatTemplate t = Make(kMistralV3, "<s>", "</s>");
  EXPECT_EQ(t.family(), ChatFamily::kMistral);
  EXPECT_EQ(RenderOk(t, Conversation(true)),
            "<s>[INST] Hi[/INST] Hello.</s>[INST] Be brief.\n\nJoke?[/INST]");
}

TEST(ChatTemplate, MistralDropsTheSystemWhenTheLastTurnIsTheAssistant) {
  const ChatTemplate t = Make(kMistralV3, "<s>", "</s>");
  const std::vector<ChatMessage> m = {{"system", "S"}, {"user", "Hi"}, {"assistant", " Yo\n"}};
  EXPECT_EQ(RenderOk(t, m), "<s>[INST] Hi[/INST] Yo</s>");
}

TEST(ChatTemplate, DeepSeekR1DropsReasoningFromPastAnswersAndOpensThinking) {
  const ChatTemplate t = Make(kDeepSeekR1, "<B>", "<E>");
  EXPECT_EQ(t.family(), ChatFamily::kDeepSeekR1);
  const std::vector<ChatMessage> m = {{"system", "S"},
                                      {"user", "Hi"},
                                      {"assistant", "<think>\nhmm</think>\n\nHello."},
                                      {"user", "Joke?"}};
  EXPECT_EQ(RenderOk(t, m),
            "<B>S<｜User｜>Hi<｜Assistant｜>\n\nHello.<｜end▁of▁sentence｜>"
            "<｜User｜>Joke?<｜Assistant｜><think>\n");
}

TEST(ChatTemplate, Phi3EndsWithEosWithoutGenerationPromptAndSkipsEmptySystem) {
  const ChatTemplate t = Make(kPhi3, "<s>", "<|endoftext|>");
  EXPECT_EQ(t.family(), ChatFamily::kPhi3);
  const std::vector<ChatMessage> m = {{"system", ""}, {"user", "Hi"}};
  EXPECT_EQ(RenderOk(t, m, false), "<|user|>\nHi<|end|>\n<|endoftext|>");
}

TEST(ChatTemplate, RenderPromptLeavesBosToTheTokenizer) {
  const ChatTemplate t = Make(kLlama3, "<|begin_of_text|>", "<|eot_id|>");
  const std::vector<ChatMessage> m = {{"user", "Hi"}};
  const std::string turn = "<|start_header_id|>user<|end_header_id|>\n\nHi";
  auto with_bos = t.RenderPrompt(m, false, /*tokenizer_adds_bos=*/false);
  ASSERT_TRUE(with_bos.ok());
  EXPECT_EQ(*with_bos, "<|begin_of_text|>" + turn);  // the trailing EOS text is dropped
  auto without = t.RenderPrompt(m, true, /*tokenizer_adds_bos=*/true);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(*without, turn + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplate, MistralV1KeepsSpacedDelimitersAndPutsTheSystemFirst) {
  const ChatTemplate t = Make(kMistralV1, "", "</s>");
  EXPECT_EQ(t.style().inst_open, " [INST] ");
  EXPECT_EQ(t.style().inst_close, " [/INST]");
  // llama.cpp's test-chat-template case for this template (its Jinja rendering).
  const std::vector<ChatMessage> m = {{"system", "You are a helpful assistant"},
                                      {"user", "Hello"},
                                      {"assistant", "Hi there"},
                                      {"user", "Who are you"},
                                      {"assistant", "   I am an assistant   "},
                                      {"user", "Another question"}};
  EXPECT_EQ(RenderOk(t, m),
            " [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s> [INST] Who are you "
            "[/INST]    I am an assistant   </s> [INST] Another question [/INST]");
}

TEST(ChatTemplate, MistralWithoutSystemSupportRefusesASystemMessage) {
  const ChatTemplate t = Make(kMistralV01, "<s>", "</s>");
  EXPECT_EQ(RenderOk(t, Conversation(false)), "<s>[INST] Hi [/INST]Hello.</s>[INST] Joke? [/INST]");
  auto text = t.Render(Conversation(true), true);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(),
            "Conversation roles must alternate user/assistant/user/assistant/...");
}

TEST(ChatTemplate, ZephyrRendersLikeHuggingFaceForTinyLlama) {
  const ChatTemplate t = Make(kZephyr, "<s>", "</s>");
  EXPECT_EQ(t.family(), ChatFamily::kZephyr);
  // huggingface.js's reference rendering for HuggingFaceH4/zephyr-7b-beta.
  const std::vector<ChatMessage> m = {
      {"system", "You are a friendly chatbot who always responds in the style of a pirate"},
      {"user", "Hello, how are you?"},
      {"assistant", "I'm doing great. How can I help you today?"},
      {"user", "I'd like to show off how chat templating works!"}};
  const std::string expected =
      "<|system|>\nYou are a friendly chatbot who always responds in the style of a pirate</s>\n"
      "<|user|>\nHello, how are you?</s>\n<|assistant|>\nI'm doing great. How can I help you "
      "today?</s>\n<|user|>\nI'd like to show off how chat templating works!</s>\n";
  EXPECT_EQ(RenderOk(t, m, false), expected);
  EXPECT_EQ(RenderOk(t, m, true), expected + "<|assistant|>\n");
}

TEST(ChatTemplate, ZephyrVariantsFollowTheirOwnExpressions) {
  const ChatTemplate t = Make(kTulu, "<s>", "</s>");
  EXPECT_EQ(t.family(), ChatFamily::kZephyr);
  EXPECT_EQ(RenderOk(t, Conversation(true)),
            "<|user|>\nHi\n<|assistant|>\nHello.</s>\n<|user|>\nJoke?\n<|assistant|>\n");
  // Without the newlines after the expressions, the turns are glued together.
  std::string glued = kZephyr;
  for (size_t at = glued.find("}}\n"); at != std::string::npos; at = glued.find("}}\n", at)) {
    glued.erase(at + 2, 1);
  }
  EXPECT_EQ(RenderOk(Make(glued.c_str(), "<s>", "</s>"), {{"user", "Hi"}}),
            "<|user|>\nHi</s><|assistant|>");
}

TEST(ChatTemplate, Phi4IsChatMLWithImSepAndNoNewlines) {
  const ChatTemplate t = Make(kPhi4, "<|endoftext|>", "<|im_end|>");
  EXPECT_EQ(t.family(), ChatFamily::kChatML);
  EXPECT_EQ(RenderOk(t, {{"system", "S"}, {"user", "Hi"}}),
            "<|im_start|>system<|im_sep|>S<|im_end|><|im_start|>user<|im_sep|>Hi<|im_end|>"
            "<|im_start|>assistant<|im_sep|>");
}

TEST(ChatTemplate, Phi3MiniWritesBosAndKeepsAnEmptySystemMessage) {
  const ChatTemplate t = Make(kPhi3Mini, "<s>", "<|endoftext|>");
  EXPECT_EQ(t.family(), ChatFamily::kPhi3);
  EXPECT_EQ(RenderOk(t, {{"system", ""}, {"user", "Hi"}}),
            "<s><|system|>\n<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n");
}

TEST(ChatTemplate, ChatMLOpeningWithBosWritesIt) {
  const std::string source = std::string("{{- bos_token }}") + kChatML;
  EXPECT_EQ(RenderOk(Make(source.c_str(), "<s>"), {{"user", "Hi"}}, false),
            "<s><|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplate, FirstPhi3TemplateDropsSystemAndOpensEveryAnswer) {
  const ChatTemplate t = Make(kPhi3First, "<s>", "<|endoftext|>");
  EXPECT_EQ(t.family(), ChatFamily::kPhi3);
  const std::string expected =
      "<s><|user|>\nHi<|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\nJoke?<|end|>\n"
      "<|assistant|>\n";
  EXPECT_EQ(RenderOk(t, Conversation(true), true), expected);
  EXPECT_EQ(RenderOk(t, Conversation(true), false), expected);
}

}  // namespace
}  // namespace llm::engine
