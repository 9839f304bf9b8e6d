#include "core/env.h"

#include <cctype>
#include <cstdlib>

namespace llm {

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

Result<bool> ParseBool(std::string_view name, std::string_view text) {
  std::string v = Lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return Status::InvalidArgument(std::string(name) + "='" + std::string(text) +
                                 "' is not a boolean (use True/False, 1/0, yes/no, on/off)");
}

Result<uint64_t> ParseNonNegative(std::string_view name, std::string_view text, uint64_t max) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(name) + "='" + std::string(text) + "' " +
                                   std::string(why));
  };
  if (text.empty()) return bad("is empty; expected a non-negative integer");
  if (text[0] == '-') return bad("is negative; expected a non-negative integer");
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad("is not a non-negative integer");
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return bad("is too large");
    value = value * 10 + digit;
  }
  if (value > max) return bad("is too large (maximum " + std::to_string(max) + ")");
  return value;
}

Result<bool> EnvBool(const EnvLookup& env, std::string_view name, bool fallback) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return fallback;
  return ParseBool(name, *v);
}

Result<uint64_t> EnvNonNegative(const EnvLookup& env, std::string_view name, uint64_t fallback,
                                uint64_t max) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return fallback;
  return ParseNonNegative(name, *v, max);
}

}  // namespace llm
