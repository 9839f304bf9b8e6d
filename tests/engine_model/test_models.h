// Paths of the shared test models (../shared, required: tests fail when it is missing).
#pragma once

#include <cstdlib>
#include <string>

namespace llm::engine::testing_util {

inline std::string SharedModelPath(const std::string& file_name) {
  const char* dir = std::getenv("LLM_SHARED_DIR");
  return std::string(dir != nullptr ? dir : LLM_SOURCE_DIR "/../shared") + "/models/" + file_name;
}

}  // namespace llm::engine::testing_util
