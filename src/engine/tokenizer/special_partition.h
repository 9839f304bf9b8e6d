// Splits text on the texts of special tokens before the merge algorithms run (llama.cpp's
// tokenizer_st_partition): the longest special tokens are looked for first; user-defined
// tokens are always recognised, control and unknown ones only when parse_special is set.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocabulary.h"

namespace llm::engine {

// A piece of the text: a special token (token >= 0) or raw text [offset, offset + length).
struct Fragment {
  int32_t token = -1;
  size_t offset = 0;
  size_t length = 0;
};

// The fragments of `text` in order. Whitespace next to a token with the lstrip / rstrip
// attribute is dropped from the neighbouring raw text.
std::vector<Fragment> PartitionOnSpecialTokens(const Vocabulary& vocab, std::string_view text,
                                               bool parse_special);

}  // namespace llm::engine
