// The chat template stored in a shared model file (synth-llama3: Llama 3.0's first template,
// whose generation prompt is unconditional), read through the GGUF reader.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "engine/chat/chat_template.h"
#include "engine/gguf/gguf_reader.h"
#include "common/shared_dir.h"

namespace llm::engine {
namespace {

std::string ModelPath(const char* name) { return (test_support::SharedDir() / "models" / name).string(); }

// The template and BOS/EOS texts of a model, as the server reads them.
Result<ChatTemplate> TemplateOf(const GgufFile& file) {
  LLM_ASSIGN_OR_RETURN(std::string source, file.GetString("tokenizer.chat_template"));
  LLM_ASSIGN_OR_RETURN(std::vector<std::string> tokens,
                       file.GetStringArray("tokenizer.ggml.tokens"));
  LLM_ASSIGN_OR_RETURN(uint64_t bos, file.GetUInt("tokenizer.ggml.bos_token_id"));
  LLM_ASSIGN_OR_RETURN(uint64_t eos, file.GetUInt("tokenizer.ggml.eos_token_id"));
  if (bos >= tokens.size() || eos >= tokens.size()) return Status::Corruption("bad BOS/EOS id");
  return ChatTemplate::FromSource(source, tokens[bos], tokens[eos]);
}

TEST(ChatModelTemplate, SynthLlama3TemplateRendersLlama3TurnsWithAnAlwaysOnPrompt) {
  auto file = GgufFile::Open(ModelPath("synth-llama3-q8_0.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto tmpl = TemplateOf(**file);
  ASSERT_TRUE(tmpl.ok()) << tmpl.status().ToString();
  EXPECT_EQ(tmpl->family(), ChatFamily::kLlama3);
  const std::vector<ChatMessage> messages = {{"system", "Be brief. "}, {"user", " Hello!"}};
  const std::string expected =
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
      "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
      "<|start_header_id|>assistant<|end_header_id|>\n\n";
  for (bool add_generation_prompt : {true, false}) {
    auto text = tmpl->Render(messages, add_generation_prompt);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    EXPECT_EQ(*text, expected) << "add_generation_prompt=" << add_generation_prompt;
  }
}

TEST(ChatModelTemplate, ModelsWithoutTemplateHaveNoKey) {
  auto file = GgufFile::Open(ModelPath("stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_FALSE((*file)->Has("tokenizer.chat_template"));  // the server uses ChatML for it
}

}  // namespace
}  // namespace llm::engine
