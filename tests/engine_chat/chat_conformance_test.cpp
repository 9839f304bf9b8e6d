// Conformance against ../shared/testdata/chat-templates: every rendering of expected.jsonl
// byte for byte, and the refusing template's own error. Fails when the data is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chat/chat_template.h"
#include "common/shared_dir.h"
#include "engine_chat/chat_test_data.h"

namespace llm::engine {
namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> Cases() {
  std::vector<nlohmann::json> cases;
  std::ifstream in(TemplatesDir() / "expected.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) cases.push_back(nlohmann::json::parse(line));
  }
  return cases;
}

std::vector<ChatMessage> Messages(const nlohmann::json& json) {
  std::vector<ChatMessage> out;
  for (const auto& m : json) out.push_back({m.at("role"), m.at("content")});
  return out;
}

// The conversation used with the refused system message (the error cases carry none).
std::vector<ChatMessage> WithSystem() {
  return {{"system", "You are a helpful assistant."},
          {"user", "Hello!"},
          {"assistant", "Hi there. How can I help?"},
          {"user", "Tell me a joke about logs."}};
}

TEST(ChatConformance, SharedTestDataIsPresent) {
  ASSERT_TRUE(fs::exists(TemplatesDir() / "expected.jsonl"))
      << "missing " << TemplatesDir() << " (LLM_SHARED_DIR)";
  EXPECT_EQ(Cases().size(), 14u);
}

TEST(ChatConformance, EveryExpectedRenderingIsIdentical) {
  const auto cases = Cases();
  ASSERT_FALSE(cases.empty()) << "no cases in " << TemplatesDir();
  int rendered = 0;
  for (const auto& c : cases) {
    if (c.contains("error")) continue;
    const std::string name =
        c.at("template").get<std::string>() + "/" + c.at("case").get<std::string>();
    const std::string source = ReadFile(TemplatesDir() / c.at("template").get<std::string>());
    ASSERT_FALSE(source.empty()) << name;
    auto tmpl = ChatTemplate::FromSource(source, c.at("bos_token"), c.at("eos_token"));
    ASSERT_TRUE(tmpl.ok()) << name << ": " << tmpl.status().ToString();
    tmpl->set_clock(nullptr);  // the rows were made by a transformers without strftime_now
    const auto messages = Messages(c.at("messages"));
    auto text = tmpl->Render(messages, c.at("add_generation_prompt").get<bool>());
    ASSERT_TRUE(text.ok()) << name << ": " << text.status().ToString();
    EXPECT_EQ(*text, c.at("expected").get<std::string>()) << name;
    ++rendered;
  }
  EXPECT_EQ(rendered, 13);
}

TEST(ChatConformance, RefusingTemplateGivesItsOwnError) {
  int refused = 0;
  for (const auto& c : Cases()) {
    if (!c.contains("error")) continue;
    const std::string source = ReadFile(TemplatesDir() / c.at("template").get<std::string>());
    auto tmpl = ChatTemplate::FromSource(source, "<bos>", "<eos>");
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().ToString();
    auto text = tmpl->Render(WithSystem(), true);
    ASSERT_FALSE(text.ok()) << c.at("template");
    EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(text.status().message(), c.at("error").get<std::string>());
    ++refused;
  }
  EXPECT_EQ(refused, 1);
}

TEST(ChatConformance, RecognisesTheFamilyOfEachTemplate) {
  const std::map<std::string, ChatFamily> expected = {
      {"Qwen-Qwen2.5-7B-Instruct.jinja", ChatFamily::kChatML},
      {"deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", ChatFamily::kDeepSeekR1},
      {"google-gemma-2-2b-it.jinja", ChatFamily::kGemma},
      {"meta-llama-Llama-3.1-8B-Instruct.jinja", ChatFamily::kLlama3},
      {"meta-llama-Llama-3.2-3B-Instruct.jinja", ChatFamily::kLlama3},
      {"microsoft-Phi-3.5-mini-instruct.jinja", ChatFamily::kPhi3},
      {"mistralai-Mistral-Nemo-Instruct-2407.jinja", ChatFamily::kMistral},
  };
  for (const auto& [file, family] : expected) {
    auto tmpl = ChatTemplate::FromSource(ReadFile(TemplatesDir() / file), "", "");
    ASSERT_TRUE(tmpl.ok()) << file << ": " << tmpl.status().ToString();
    EXPECT_EQ(tmpl->family(), family) << file << " read as " << tmpl->family_name();
  }
}

// Re-indenting a template (more spaces, blank lines, tabs) does not change the family the
// recogniser reads (the interpreter renders the new whitespace, as Jinja would).
TEST(ChatConformance, WhitespaceChangesDoNotChangeTheFamily) {
  for (const auto& c : Cases()) {
    if (c.contains("error")) continue;
    const std::string source = ReadFile(TemplatesDir() / c.at("template").get<std::string>());
    std::string reformatted;
    for (size_t i = 0; i < source.size(); ++i) {
      reformatted.push_back(source[i]);
      if (source.compare(i, 2, "%}") == 0 || source.compare(i, 2, "}}") == 0) {
        reformatted += source[i + 1];
        ++i;
        reformatted += "\n\t  ";
      }
    }
    auto original = ChatTemplate::FromSource(source, "", "");
    auto tmpl = ChatTemplate::FromSource(reformatted, c.at("bos_token"), c.at("eos_token"));
    ASSERT_TRUE(original.ok() && tmpl.ok()) << c.at("template");
    EXPECT_EQ(tmpl->family(), original->family()) << c.at("template");
  }
}

}  // namespace
}  // namespace llm::engine
