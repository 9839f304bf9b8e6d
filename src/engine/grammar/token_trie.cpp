#include "engine/grammar/token_trie.h"

#include <algorithm>

namespace llm::engine {

TokenTrie::TokenTrie(const std::vector<std::string>& pieces) {
  std::vector<int32_t> sorted;
  for (size_t id = 0; id < pieces.size(); ++id) {
    if (!pieces[id].empty()) sorted.push_back(static_cast<int32_t>(id));
  }
  std::sort(sorted.begin(), sorted.end(), [&](int32_t a, int32_t b) {
    return pieces[a] != pieces[b] ? pieces[a] < pieces[b] : a < b;
  });
  nodes_.emplace_back();
  Build(0, sorted, 0, sorted.size(), 0, pieces);
}

// Fills node `node`, which stands for the common prefix of length `depth` of sorted[lo, hi).
void TokenTrie::Build(uint32_t node, const std::vector<int32_t>& sorted, size_t lo, size_t hi,
                      size_t depth, const std::vector<std::string>& pieces) {
  // Tokens whose text ends here sort first.
  size_t i = lo;
  nodes_[node].first_token = static_cast<uint32_t>(token_ids_.size());
  for (; i < hi && pieces[sorted[i]].size() == depth; ++i) token_ids_.push_back(sorted[i]);
  nodes_[node].token_count = static_cast<uint32_t>(i - lo);
  // One child per distinct next byte, allocated contiguously before any grandchild.
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t j = i; j < hi;) {
    size_t k = j;
    const char b = pieces[sorted[j]][depth];
    while (k < hi && pieces[sorted[k]][depth] == b) ++k;
    groups.emplace_back(j, k);
    j = k;
  }
  const auto first = static_cast<uint32_t>(nodes_.size());
  nodes_[node].first_child = first;
  nodes_[node].child_count = static_cast<uint32_t>(groups.size());
  nodes_.resize(nodes_.size() + groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    const uint32_t child = first + static_cast<uint32_t>(g);
    nodes_[child].byte = static_cast<uint8_t>(pieces[sorted[groups[g].first]][depth]);
    Build(child, sorted, groups[g].first, groups[g].second, depth + 1, pieces);
  }
}

GrammarVocabulary::GrammarVocabulary(std::vector<std::string> p, std::vector<uint8_t> eog)
    : pieces(std::move(p)), end_of_generation(std::move(eog)), trie(pieces) {
  end_of_generation.resize(pieces.size(), 0);
}

}  // namespace llm::engine
