// Locating ../shared test data for the tokenizer tests. A missing directory is a failure.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "engine/gguf/gguf_reader.h"
#include "engine/tokenizer/tokenizer.h"
#include "common/shared_dir.h"

namespace llm::engine::testing {

using test_support::SharedDir;

inline std::string ReadFileOrEmpty(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Opens a GGUF file of the shared tree and builds its tokenizer; fails the test otherwise.
inline std::unique_ptr<Tokenizer> LoadSharedTokenizer(const std::string& relative) {
  const auto path = SharedDir() / relative;
  if (!std::filesystem::exists(path)) {
    ADD_FAILURE() << "missing shared test data: " << path;
    return nullptr;
  }
  auto file = GgufFile::Open(path.string());
  if (!file.ok()) {
    ADD_FAILURE() << file.status().ToString();
    return nullptr;
  }
  auto tokenizer = Tokenizer::FromGguf(**file);
  if (!tokenizer.ok()) {
    ADD_FAILURE() << tokenizer.status().ToString();
    return nullptr;
  }
  return std::move(tokenizer).value();
}

}  // namespace llm::engine::testing
