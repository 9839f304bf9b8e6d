// Helpers shared by the grammar engine's tests.
#pragma once

#include <memory>
#include <string_view>

#include <gtest/gtest.h>

#include "engine/grammar/grammar.h"

namespace llm::engine::testutil {

// The grammar of GBNF `text`; a test failure (and null) when it does not parse.
inline std::shared_ptr<const Grammar> ParseOrFail(std::string_view text) {
  auto g = ParseGrammar(text);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? *g : nullptr;
}

}  // namespace llm::engine::testutil
