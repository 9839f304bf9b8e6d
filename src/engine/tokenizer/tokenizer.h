// Text <-> token ids from a model's GGUF vocabulary, matching llama.cpp (llama-vocab.cpp, b4748):
// SentencePiece ("llama": U+2581 spaces, score-ordered merges, byte fallback) and byte-level
// BPE ("gpt2": pre-tokenizer regexes chosen by tokenizer.ggml.pre, ranked merges), with special
// token parsing, BOS/EOS flags and end-of-generation tokens. Immutable after creation: one
// Tokenizer may be used from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/tokenizer/vocabulary.h"

namespace llm::engine {

class PreTokenizer;

class Tokenizer {
 public:
  // Reads the tokenizer.ggml.* metadata. Unsupported names an unknown model or pre-tokenizer;
  // NotFound / InvalidArgument name a missing or malformed key.
  static Result<std::unique_ptr<Tokenizer>> FromGguf(const GgufFile& file);
  // Builds a tokenizer from metadata held in memory (tests, tools).
  static Result<std::unique_ptr<Tokenizer>> FromSpec(VocabularySpec spec);
  ~Tokenizer();

  // Token ids of `text`. With add_bos, BOS is prepended (and EOS appended) when the vocabulary
  // says so (ShouldAddBos()); with parse_special, control-token texts such as "<|eot_id|>"
  // become those tokens (user-defined tokens are always recognised, as in llama.cpp).
  std::vector<int32_t> Encode(std::string_view text, bool add_bos, bool parse_special) const;
  // The bytes `id` stands for (may be a partial UTF-8 sequence). Control and unknown tokens
  // give "" unless render_special. An id out of range gives "".
  std::string TokenToPiece(int32_t id, bool render_special) const;
  // The text of `ids` (llama_detokenize with remove_special = false): the SentencePiece leading
  // space is dropped, and BPE vocabularies that ask for it get their spaces cleaned up.
  std::string Decode(std::span<const int32_t> ids, bool render_special) const;

  int32_t vocab_size() const;
  int32_t bos_id() const;  // -1 when absent
  int32_t eos_id() const;  // -1 when absent
  bool ShouldAddBos() const;
  // True for eos, eot, eom and the tokens llama.cpp marks end-of-generation by text
  // (<|eot_id|>, <|im_end|>, <|end|>, <end_of_turn>, <|endoftext|>, ...).
  bool IsEndOfGeneration(int32_t id) const;
  std::string_view model_name() const;  // "llama" / "gpt2"
  std::string_view pre_name() const;
  // The id of the token whose text is exactly `text`, or -1.
  int32_t FindToken(std::string_view text) const;
  // The raw vocabulary (token texts, attributes, special ids).
  const Vocabulary& vocabulary() const { return *vocab_; }

 private:
  Tokenizer(std::unique_ptr<Vocabulary> vocab, std::unique_ptr<PreTokenizer> pre);
  void EncodeFragments(std::string_view text, bool parse_special, std::vector<int32_t>* out) const;

  std::unique_ptr<Vocabulary> vocab_;
  std::unique_ptr<PreTokenizer> pre_;  // null for SentencePiece
};

// Feeds token pieces and returns only complete UTF-8 sequences, holding back a partial one,
// so a stream never emits a broken character. Invalid bytes become U+FFFD as soon as they are
// known to be invalid; Flush returns what is held back (an unfinished sequence as U+FFFD).
class Utf8StreamDecoder {
 public:
  // The complete characters available after appending `bytes`.
  std::string Push(std::string_view bytes);
  // Everything still held back, then resets; an incomplete sequence becomes U+FFFD.
  std::string Flush();

 private:
  std::string pending_;
};

}  // namespace llm::engine
