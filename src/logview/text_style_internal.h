// Small text helpers shared by the terminal reports.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "logview/report.h"

namespace llm::logview {

// A JSON value for a report cell: a string as it is, null as "-", anything else as JSON.
inline std::string Str(const Json& j) { return j.is_string() ? j.get<std::string>() : (j.is_null() ? "-" : j.dump()); }

// A heading line, bold when `color`.
inline std::string Heading(std::string_view text, bool color) {
  return color ? fmt::format("\033[1m{}\033[0m\n", text) : fmt::format("{}\n", text);
}

}  // namespace llm::logview
