// The two merge algorithms, run on one fragment of text without special tokens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/vocabulary.h"

namespace llm::engine {

// SentencePiece BPE (llama.cpp's llm_tokenizer_spm): `text` already has spaces escaped as
// U+2581. Repeatedly merges the adjacent pair whose merged text is the highest-scoring token;
// pieces that are not tokens fall back to <0xXX> byte tokens (or the unknown token).
void EncodeSpm(const Vocabulary& vocab, std::string_view text, std::vector<int32_t>* out);

// Byte-level BPE on one pre-token in the byte-level alphabet (llama.cpp's
// llm_tokenizer_bpe_session): merges the adjacent pair of lowest merge rank until none is left.
void EncodeBpeWord(const Vocabulary& vocab, const std::string& word, std::vector<int32_t>* out);

}  // namespace llm::engine
