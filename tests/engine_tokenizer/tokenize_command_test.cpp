// `llm-api tokenize` end to end: the real binary (LLM_BIN_DIR) on shared models.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/run_command.h"
#include "engine_tokenizer/shared_data.h"

namespace llm::engine {
namespace {

using test_support::CommandRun;

std::string Binary() {
  const char* dir = std::getenv("LLM_BIN_DIR");
  return std::string(dir ? dir : LLM_BINARY_DIR "/bin") + "/llm-api";
}

CommandRun Tokenize(const std::string& args) {
  return test_support::RunCommand(Binary() + " tokenize " + args + " 2>&1");
}

std::string Model(const std::string& relative) { return (testing::SharedDir() / relative).string(); }

class TokenizeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(Binary())) << "llm-api not built: " << Binary();
    ASSERT_TRUE(std::filesystem::exists(Model("models/stories260K.gguf"))) << "missing ../shared";
  }
};

TEST_F(TokenizeCommand, PrintsJsonTokensAndPiecesWithBos) {
  const CommandRun run = Tokenize("--model " + Model("models/stories260K.gguf") + " --text 'Once upon a time' --json");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out, "{\"tokens\":[1,403,407,261,378],\"pieces\":[\"<s>\",\" Once\",\" upon\",\" a\",\" time\"]}\n");
}

TEST_F(TokenizeCommand, PrintsOneIdAndPiecePerLineWithoutBos) {
  const CommandRun run = Tokenize("--model " + Model("models/stories260K.gguf") + " --text 'Once upon' --no-bos");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out, "403 ' Once'\n407 ' upon'\n");
}

TEST_F(TokenizeCommand, ParsesSpecialTokensOnlyWithSpecial) {
  const std::string model = Model("models/synth-llama3-q8_0.gguf");
  const CommandRun with = Tokenize("--model " + model + " --text 'hi<|eot_id|>' --no-bos --json --special");
  EXPECT_EQ(with.exit_code, 0) << with.out;
  EXPECT_NE(with.out.find("128009"), std::string::npos) << with.out;
  const CommandRun without = Tokenize("--model " + model + " --text 'hi<|eot_id|>' --no-bos --json");
  EXPECT_EQ(without.exit_code, 0) << without.out;
  EXPECT_EQ(without.out.find("128009"), std::string::npos) << without.out;
}

TEST_F(TokenizeCommand, FailsWithExitCodeOneAndAMessage) {
  const CommandRun missing_file = Tokenize("--model /nonexistent.gguf --text x");
  EXPECT_EQ(missing_file.exit_code, 1);
  EXPECT_NE(missing_file.out.find("/nonexistent.gguf"), std::string::npos) << missing_file.out;
  const CommandRun missing_text = Tokenize("--model " + Model("models/stories260K.gguf"));
  EXPECT_EQ(missing_text.exit_code, 1);
  EXPECT_NE(missing_text.out.find("--text"), std::string::npos) << missing_text.out;
}

}  // namespace
}  // namespace llm::engine
