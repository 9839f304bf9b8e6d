// Where the chat-template tests find the shared templates and reference renderings
// (../shared/testdata/chat-templates, through LLM_SHARED_DIR), and a file reader.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/shared_dir.h"

namespace llm::engine {

inline std::filesystem::path TemplatesDir() {
  return test_support::SharedDir() / "testdata" / "chat-templates";
}

// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace llm::engine
