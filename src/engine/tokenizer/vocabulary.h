// The tokenizer vocabulary: token texts, scores and attributes, BPE merge ranks, special token
// ids and flags, built from raw metadata with the same rules as llama.cpp's llama_vocab::load
// (defaults per model, pre-tokenizer table, EOG detection, special-token cache).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace llm::engine {

// Token attributes (bit flags), as llama.cpp's llama_token_attr.
enum TokenAttr : uint32_t {
  kAttrUndefined = 0,
  kAttrUnknown = 1u << 0,
  kAttrUnused = 1u << 1,
  kAttrNormal = 1u << 2,
  kAttrControl = 1u << 3,
  kAttrUserDefined = 1u << 4,
  kAttrByte = 1u << 5,
  kAttrLstrip = 1u << 7,
  kAttrRstrip = 1u << 8,
};

enum class VocabType { kSpm, kBpe };

// Pre-tokenizer regex sets, as llama.cpp's llama_vocab_pre_type (only the ones we implement).
enum class PreTokenizerType {
  kDefault, kLlama3, kDeepseekLlm, kDeepseekCoder, kDeepseek3Llm, kFalcon, kMpt, kStarcoder,
  kGpt2, kQwen2, kStablelm2, kOlmo, kDbrx, kSmaug, kRefact, kCommandR, kSmollm, kCodeshell,
  kExaone, kMinerva, kChatGlm4, kPoro, kBloom, kGpt3Finnish, kViking, kJais,
};

// The raw tokenizer metadata of a model file (the tokenizer.ggml.* keys and general.name).
struct VocabularySpec {
  std::string model;                // tokenizer.ggml.model: "llama" or "gpt2"
  std::string pre;                  // tokenizer.ggml.pre (may be empty)
  std::string general_name;         // general.name (some per-model quirks depend on it)
  std::vector<std::string> tokens;  // tokenizer.ggml.tokens
  std::vector<float> scores;        // tokenizer.ggml.scores (empty: all 0)
  std::vector<int32_t> token_types; // tokenizer.ggml.token_type (empty: all normal)
  std::vector<std::string> merges;  // tokenizer.ggml.merges ("left right")
  // Special ids as stored (any integer; out-of-range values are ignored as llama.cpp does).
  std::optional<int64_t> bos_id, eos_id, eot_id, eom_id, unk_id, sep_id, pad_id;
  std::optional<int64_t> fim_pre_id, fim_suf_id, fim_mid_id, fim_pad_id, fim_rep_id, fim_sep_id;
  std::optional<bool> add_bos, add_eos, add_space_prefix;
};

struct TokenData {
  std::string text;
  float score = 0.0f;
  uint32_t attr = kAttrNormal;
};

struct PairHash {
  size_t operator()(const std::pair<std::string, std::string>& p) const {
    const size_t h = std::hash<std::string>()(p.first);
    return h ^ (std::hash<std::string>()(p.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

struct Vocabulary {
  VocabType type = VocabType::kSpm;
  std::string model_name;
  std::string pre_name;
  PreTokenizerType pre = PreTokenizerType::kDefault;

  std::vector<TokenData> tokens;
  std::unordered_map<std::string, int32_t> token_to_id;
  std::unordered_map<std::pair<std::string, std::string>, int32_t, PairHash> bpe_ranks;

  int32_t bos_id = -1, eos_id = -1, eot_id = -1, eom_id = -1, unk_id = -1, sep_id = -1;
  int32_t pad_id = -1;
  int32_t fim_pre_id = -1, fim_suf_id = -1, fim_mid_id = -1, fim_pad_id = -1, fim_rep_id = -1;
  int32_t fim_sep_id = -1;

  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = false;
  bool clean_spaces = false;
  bool ignore_merges = false;

  // Control, user-defined and unknown tokens, longest text first (llama.cpp's
  // cache_special_tokens): the order in which text is partitioned on special tokens.
  std::vector<int32_t> special_tokens;
  std::unordered_set<int32_t> eog_ids;

  int32_t size() const { return static_cast<int32_t>(tokens.size()); }
  // The id of a token text, or -1.
  int32_t Find(const std::string& text) const {
    auto it = token_to_id.find(text);
    return it == token_to_id.end() ? -1 : it->second;
  }
  // The merge rank of the pair, or -1 when the pair is not a merge.
  int32_t MergeRank(const std::string& left, const std::string& right) const;
  bool Has(int32_t id, uint32_t attr) const { return (tokens[id].attr & attr) != 0; }
};

// Builds a vocabulary from raw metadata. Unsupported names an unknown model or pre-tokenizer;
// InvalidArgument reports inconsistent arrays (scores or types shorter than the token list).
Result<Vocabulary> BuildVocabulary(VocabularySpec spec);

}  // namespace llm::engine
