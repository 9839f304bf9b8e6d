// Where the tests find the shared test data (models, reference outputs, vocabularies): the
// directory LLM_SHARED_DIR names (CTest sets it), else ../shared beside the source tree. Tests
// that need it fail, not skip, when it is missing.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace llm::test_support {

inline std::filesystem::path SharedDir() {
  if (const char* dir = std::getenv("LLM_SHARED_DIR")) return dir;
  return std::filesystem::path(LLM_SOURCE_DIR) / ".." / "shared";
}

}  // namespace llm::test_support
