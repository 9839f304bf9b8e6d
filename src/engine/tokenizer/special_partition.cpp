#include "engine/tokenizer/special_partition.h"

namespace llm::engine {

namespace {

bool IsAsciiSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Splits one raw fragment on every occurrence of `token_text`, appending the pieces to `out`.
void SplitFragment(std::string_view text, const Fragment& raw, int32_t token_id,
                   const TokenData& token, std::vector<Fragment>* out) {
  size_t base = raw.offset;
  size_t length = raw.length;
  while (true) {
    const size_t match = text.substr(0, base + length).find(token.text, base);
    if (match == std::string_view::npos) break;
    if (match > base) {
      size_t left_length = match - base;
      if (token.attr & kAttrLstrip) {
        while (left_length > 0 && IsAsciiSpace(text[base + left_length - 1])) --left_length;
      }
      if (left_length > 0) out->push_back(Fragment{-1, base, left_length});
    }
    out->push_back(Fragment{token_id, 0, 0});
    const size_t right = match + token.text.size();
    if (right >= base + length) return;  // nothing left of this fragment
    size_t right_length = base + length - right;
    size_t right_offset = right;
    if (token.attr & kAttrRstrip) {
      while (right_length > 0 && IsAsciiSpace(text[right_offset])) {
        ++right_offset;
        --right_length;
      }
    }
    if (right_length == 0) return;
    base = right_offset;
    length = right_length;
  }
  out->push_back(Fragment{-1, base, length});
}

}  // namespace

std::vector<Fragment> PartitionOnSpecialTokens(const Vocabulary& vocab, std::string_view text,
                                               bool parse_special) {
  std::vector<Fragment> fragments;
  if (text.empty()) return fragments;
  fragments.push_back(Fragment{-1, 0, text.size()});
  for (int32_t id : vocab.special_tokens) {
    const TokenData& token = vocab.tokens[id];
    if (!parse_special && (token.attr & (kAttrControl | kAttrUnknown))) continue;
    if (text.find(token.text) == std::string_view::npos) continue;  // fast path
    std::vector<Fragment> next;
    next.reserve(fragments.size() + 2);
    for (const Fragment& f : fragments) {
      if (f.token >= 0) {
        next.push_back(f);
      } else {
        SplitFragment(text, f, id, token, &next);
      }
    }
    fragments = std::move(next);
  }
  return fragments;
}

}  // namespace llm::engine
