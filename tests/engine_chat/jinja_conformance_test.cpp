// Conformance of the Jinja interpreter with transformers' apply_chat_template: every row of
// ../shared/testdata/chat-templates/{expected,expected-new,tools}.jsonl rendered byte for byte
// through ChatTemplate::RenderRequest, and every row the template refuses refused here too
// (raise_exception with its own message; a Python TypeError with Python's message, see
// docs/chat-templates.md). Fails when the data is missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/shared_dir.h"
#include "engine_chat/chat_test_data.h"
#include "engine/chat/chat_template.h"

namespace llm::engine {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::vector<Json> Rows(const std::string& file) {
  std::vector<Json> rows;
  std::ifstream in(TemplatesDir() / file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) rows.push_back(Json::parse(line));
  }
  return rows;
}

// The conversation the expected.jsonl error row was made with (it carries none).
Json SystemConversation() {
  return Json::parse(R"([{"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Hello!"},
    {"role": "assistant", "content": "Hi there. How can I help?"},
    {"role": "user", "content": "Tell me a joke about logs."}])");
}

Result<std::string> RenderRow(const Json& row) {
  const std::string source = ReadFile(TemplatesDir() / row.at("template").get<std::string>());
  LLM_ASSIGN_OR_RETURN(ChatTemplate tmpl,
                       ChatTemplate::FromSource(source, row.value("bos_token", "<bos>"),
                                                row.value("eos_token", "<eos>")));
  ChatTemplateRequest request;
  request.messages = row.contains("messages") ? row.at("messages") : SystemConversation();
  request.tools = row.value("tools", Json());
  request.kwargs = row.value("kwargs", Json());
  request.add_generation_prompt = row.value("add_generation_prompt", true);
  if (row.contains("strftime_now_date")) {
    LLM_ASSIGN_OR_RETURN(request.clock,
                         FixedDateClock(row.at("strftime_now_date").get<std::string>()));
  }
  return tmpl.RenderRequest(request);
}

struct Tally {
  int rendered = 0;
  int refused = 0;
};

// Checks every row of `file`; returns how many rendered and how many were refused alike.
Tally CheckFile(const std::string& file) {
  Tally tally;
  const std::vector<Json> rows = Rows(file);
  EXPECT_FALSE(rows.empty()) << "no rows in " << TemplatesDir() / file;
  for (const Json& row : rows) {
    const std::string name = row.at("template").get<std::string>() + "/" +
                             row.at("case").get<std::string>();
    auto text = RenderRow(row);
    if (row.contains("expected")) {
      if (!text.ok()) {
        ADD_FAILURE() << file << " " << name << ": " << text.status().ToString();
        continue;
      }
      EXPECT_EQ(*text, row.at("expected").get<std::string>()) << file << " " << name;
      if (*text == row.at("expected").get<std::string>()) ++tally.rendered;
      continue;
    }
    const std::string error = row.at("error").get<std::string>();
    if (text.ok()) {
      ADD_FAILURE() << file << " " << name << ": rendered, but transformers refused: " << error;
      continue;
    }
    EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument) << name;
    if (row.value("error_type", "raise_exception") == "raise_exception") {
      EXPECT_EQ(text.status().message(), error) << file << " " << name;
      if (text.status().message() == error) ++tally.refused;
    } else {  // a Python TypeError: refused with Python's words and the template line
      EXPECT_NE(text.status().message().find(error), std::string::npos)
          << file << " " << name << ": " << text.status().message();
      EXPECT_NE(text.status().message().find("line "), std::string::npos) << name;
      if (text.status().message().find(error) != std::string::npos) ++tally.refused;
    }
  }
  return tally;
}

TEST(JinjaConformance, ExpectedJsonlRendersByteForByte) {
  const Tally t = CheckFile("expected.jsonl");
  EXPECT_EQ(t.rendered, 13);
  EXPECT_EQ(t.refused, 1);
}

TEST(JinjaConformance, ExpectedNewJsonlRendersByteForByte) {
  const Tally t = CheckFile("expected-new.jsonl");
  EXPECT_EQ(t.rendered, 4);
  EXPECT_EQ(t.refused, 0);
}

TEST(JinjaConformance, ToolsJsonlRendersByteForByteAndRefusesAsTransformersDoes) {
  const Tally t = CheckFile("tools.jsonl");
  EXPECT_EQ(t.rendered, 50);
  EXPECT_EQ(t.refused, 30);
}

TEST(JinjaConformance, EveryTemplateIsRenderedByTheInterpreter) {
  for (const auto& entry : fs::directory_iterator(TemplatesDir())) {
    if (entry.path().extension() != ".jinja") continue;
    auto tmpl = ChatTemplate::FromSource(ReadFile(entry.path()), "<s>", "</s>");
    ASSERT_TRUE(tmpl.ok()) << entry.path() << ": " << tmpl.status().ToString();
    EXPECT_TRUE(tmpl->interpreted()) << entry.path();
  }
}

}  // namespace
}  // namespace llm::engine
