// `llm-api inspect` run as a program (needs llm-api built in this build directory).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "gguf_test_util.h"

namespace llm::engine {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandRun Inspect(const std::string& args) {
  // LLM_BIN_DIR, else this build's bin/ (llm_add_gtest's ENVIRONMENT list currently sets only
  // the first of its two variables).
  const char* bin_dir = std::getenv("LLM_BIN_DIR");
  std::string bin = std::string(bin_dir != nullptr ? bin_dir : LLM_BINARY_DIR "/bin") + "/llm-api";
  EXPECT_TRUE(std::filesystem::exists(bin)) << bin << " is not built";
  CommandRun run;
  std::FILE* pipe = ::popen((bin + " inspect " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(InspectCommand, PrintsMetadataAndTensorTable) {
  auto model = testing::SharedDir() / "models" / "synth-tiny-q4_k_m.gguf";
  CommandRun r = Inspect("--model " + model.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("GGUF version 3"), std::string::npos);
  EXPECT_NE(r.output.find("general.architecture = \"llama\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("u32               1  llama.block_count = 4"), std::string::npos);
  EXPECT_NE(r.output.find("[string]        512  tokenizer.ggml.tokens = [\"<unk>\""),
            std::string::npos);
  EXPECT_NE(r.output.find("(512 items)"), std::string::npos);
  EXPECT_NE(r.output.find("q4_K   256 x 512"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("token_embd.weight"), std::string::npos);
}

TEST(InspectCommand, ABadFileIsAClearErrorWithExitOne) {
  auto dir = std::filesystem::temp_directory_path() / "inspect_command_test";
  std::filesystem::create_directories(dir);
  auto path = dir / "not-a-model.gguf";
  testing::WriteBytes(path, {'G', 'G', 'U', 'X', 3, 0, 0, 0});
  CommandRun r = Inspect("--model " + path.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(path.string() + ": not a GGUF file"), std::string::npos) << r.output;
  CommandRun missing = Inspect("--model " + (dir / "missing.gguf").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("missing.gguf"), std::string::npos);
  CommandRun usage = Inspect("");
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.output.find("--model"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace llm::engine
