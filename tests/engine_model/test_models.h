// Paths of the shared test models (../shared, required: tests fail when it is missing).
#pragma once

#include <cstdlib>
#include <string>
#include "common/shared_dir.h"

namespace llm::engine::testing_util {

inline std::string SharedModelPath(const std::string& file_name) {
  return (test_support::SharedDir() / "models" / file_name).string();
}

}  // namespace llm::engine::testing_util
