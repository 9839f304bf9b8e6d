// `llm-api chat-template` end to end: the real binary (LLM_BIN_DIR) on the shared templates and
// models, compared with transformers' renderings in ../shared/testdata/chat-templates.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include <gtest/gtest.h>

#include "common/run_command.h"
#include "common/shared_dir.h"
#include "engine_chat/chat_test_data.h"

namespace llm::engine {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// What the command printed on stdout and stderr, and its exit status.
struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Binary() {
  const char* dir = std::getenv("LLM_BIN_DIR");
  return std::string(dir ? dir : LLM_BINARY_DIR "/bin") + "/llm-api";
}

// Single quotes for the shell.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class ChatTemplateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(Binary())) << "llm-api not built: " << Binary();
    ASSERT_TRUE(fs::exists(TemplatesDir() / "tools.jsonl")) << "missing ../shared";
    dir_ = fs::temp_directory_path() / ("chat_template_command_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  CommandRun Run(const std::string& args) {
    const std::string err = (dir_ / "stderr").string();
    const test_support::CommandRun run =
        test_support::RunCommand(Binary() + " chat-template " + args + " 2>" + err);
    return {run.exit_code, run.out, ReadFile(err)};
  }

  // The command line for one row of tools.jsonl.
  std::string RowArgs(const Json& row) {
    std::string args = "--template " + Quote((TemplatesDir() / row.at("template")).string()) +
                       " --messages " + Write("messages.json", row.at("messages").dump()) +
                       " --bos " + Quote(row.at("bos_token")) + " --eos " +
                       Quote(row.at("eos_token"));
    if (row.contains("tools") && !row.at("tools").is_null()) {
      args += " --tools " + Write("tools.json", row.at("tools").dump());
    }
    if (row.value("add_generation_prompt", false)) args += " --add-generation-prompt";
    if (row.contains("kwargs")) args += " --kwargs " + Quote(row.at("kwargs").dump());
    if (row.contains("strftime_now_date")) {
      args += " --date " + row.at("strftime_now_date").get<std::string>();
    }
    return args;
  }

  fs::path dir_;
};

Json Row(const std::string& tmpl, const std::string& name) {
  std::ifstream in(TemplatesDir() / "tools.jsonl");
  for (std::string line; std::getline(in, line);) {
    Json row = Json::parse(line);
    if (row.at("template") == tmpl && row.at("case") == name) return row;
  }
  ADD_FAILURE() << "no row " << tmpl << "/" << name;
  return Json::object();
}

TEST_F(ChatTemplateCommand, PrintsTheRenderingOfMessagesAndTools) {
  const Json row = Row("Qwen-Qwen2.5-7B-Instruct.jinja", "B_tools_user_question");
  const CommandRun run = Run(RowArgs(row));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, row.at("expected").get<std::string>());
}

TEST_F(ChatTemplateCommand, DateFixesTheClockStrftimeNowReads) {
  const Json row = Row("meta-llama-Llama-3.2-3B-Instruct.jinja", "B_tools_user_question");
  ASSERT_TRUE(row.contains("strftime_now_date"));
  const CommandRun run = Run(RowArgs(row));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, row.at("expected").get<std::string>());
  EXPECT_NE(run.out.find("Today Date: 03 Dec 2026"), std::string::npos);
}

TEST_F(ChatTemplateCommand, KwargsBecomeTemplateVariables) {
  const Json row = Row("Qwen-Qwen3.jinja", "E_tools_enable_thinking_false");
  const CommandRun run = Run(RowArgs(row));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, row.at("expected").get<std::string>());
  EXPECT_TRUE(run.out.ends_with("<think>\n\n</think>\n\n"));
}

TEST_F(ChatTemplateCommand, ARefusedConversationExitsOneWithTheTemplatesMessage) {
  const Json row = Row("google-gemma-2-2b-it.jinja", "C_tool_round_args_object");
  const CommandRun run = Run(RowArgs(row));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("System role not supported"), std::string::npos) << run.err;
}

TEST_F(ChatTemplateCommand, ModelGivesItsOwnTemplateAndBos) {
  const std::string model = (test_support::SharedDir() / "models" / "synth-llama3-q8_0.gguf").string();
  const std::string messages = Write("m.json", R"([{"role": "user", "content": " Hello! "}])");
  const CommandRun run = Run("--model " + model + " --messages " + messages);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST_F(ChatTemplateCommand, RefusesBadInput) {
  const std::string messages = Write("m.json", R"([{"role": "user", "content": "x"}])");
  const std::string tmpl = Write("t.jinja", "{{ messages[0].content }}");
  EXPECT_EQ(Run("--messages " + messages).exit_code, 1);  // neither --model nor --template
  CommandRun run = Run("--template " + tmpl + " --messages " + Write("bad.json", "{\"a\": 1}"));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("messages: expected a JSON array"), std::string::npos) << run.err;
  run = Run("--template " + tmpl + " --messages " + messages + " --date 2026-13-01");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("YYYY-MM-DD"), std::string::npos) << run.err;
  run = Run("--template " + Write("s.jinja", "a\n{% if %}") + " --messages " + messages);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("line 2"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace llm::engine
