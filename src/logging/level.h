// Record levels, with the names the specification writes ("INFO", "WARNING", ...).
#pragma once

#include <cstdint>
#include <string_view>

namespace llm::logging {

enum class Level : uint8_t { kDebug = 0, kInfo, kWarning, kError, kCritical };

// "DEBUG", "INFO", "WARNING", "ERROR" or "CRITICAL".
std::string_view LevelName(Level level);

}  // namespace llm::logging
