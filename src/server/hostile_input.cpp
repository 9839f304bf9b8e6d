#include "server/hostile_input.h"

#include <cctype>
#include <string>

#include "server/json_errors.h"

namespace llm::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasControlBreak(std::string_view s) { return s.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos; }

bool HasDotDot(const std::string& lower) {
  return lower.find("..") != std::string::npos || lower.find("%2e") != std::string::npos;
}

}  // namespace

std::optional<std::string_view> SuspiciousNameReason(std::string_view name) {
  if (HasControlBreak(name)) return security_reason::kInjection;
  const std::string lower = Lower(name);
  if (HasDotDot(lower) || name.find_first_of("/\\") != std::string_view::npos) return security_reason::kPathTraversal;
  return std::nullopt;
}

std::optional<std::string_view> SuspiciousPathReason(std::string_view path) {
  const std::string lower = Lower(path);
  const bool encoded_break = lower.find("%00") != std::string::npos || lower.find("%0d") != std::string::npos ||
                             lower.find("%0a") != std::string::npos;
  if (HasControlBreak(path) || encoded_break) return security_reason::kInjection;
  if (HasDotDot(lower)) return security_reason::kPathTraversal;
  return std::nullopt;
}

}  // namespace llm::server
