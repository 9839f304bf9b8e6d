// Reading settings from the environment: lookup, booleans and non-negative integers, with
// errors that name the setting and the reason (for a one-line start-up message).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace llm {

// Looks up one variable; nullopt when unset. Injected so settings parsing is testable.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup ProcessEnv();

// A fixed environment of `vars` (for tests, and for embedding the server without getenv).
EnvLookup MapEnv(std::map<std::string, std::string> vars);

// Parses True/true/1/yes/on and False/false/0/no/off (any case); `name` names the setting in
// the error.
Result<bool> ParseBool(std::string_view name, std::string_view text);

// Parses a decimal integer in [0, max]; rejects signs, spaces, garbage and overflow.
Result<uint64_t> ParseNonNegative(std::string_view name, std::string_view text,
                                  uint64_t max = UINT64_MAX);

// The variable parsed with ParseBool, or `fallback` when unset or empty.
Result<bool> EnvBool(const EnvLookup& env, std::string_view name, bool fallback);

// The variable parsed with ParseNonNegative, or `fallback` when unset or empty.
Result<uint64_t> EnvNonNegative(const EnvLookup& env, std::string_view name, uint64_t fallback,
                                uint64_t max = UINT64_MAX);

}  // namespace llm
