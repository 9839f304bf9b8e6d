// A byte trie of a vocabulary's token texts, walked against the grammar stacks to find every
// allowed token in one pass (tokens sharing a prefix share the work).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llm::engine {

class TokenTrie {
 public:
  struct Node {
    uint32_t first_child = 0;  // index of the first child; children are contiguous
    uint32_t child_count = 0;
    uint32_t first_token = 0;  // index into token_ids() of the tokens ending here
    uint32_t token_count = 0;
    uint8_t byte = 0;          // the byte on the edge from the parent
  };

  // Builds the trie of pieces[id] (the bytes of token id); empty pieces are left out.
  explicit TokenTrie(const std::vector<std::string>& pieces);

  const Node& root() const { return nodes_[0]; }
  const Node& node(uint32_t i) const { return nodes_[i]; }
  const std::vector<int32_t>& token_ids() const { return token_ids_; }
  size_t node_count() const { return nodes_.size(); }

 private:
  void Build(uint32_t node, const std::vector<int32_t>& sorted, size_t lo, size_t hi, size_t depth,
             const std::vector<std::string>& pieces);

  std::vector<Node> nodes_;
  std::vector<int32_t> token_ids_;
};

// What token masking needs to know about a vocabulary: each token's decoded bytes, which
// tokens end generation, and the trie. Immutable; shared by every constrained generation.
struct GrammarVocabulary {
  // pieces[id]: the bytes token id stands for; end_of_generation[id]: it ends generation.
  GrammarVocabulary(std::vector<std::string> pieces, std::vector<uint8_t> end_of_generation);

  std::vector<std::string> pieces;
  std::vector<uint8_t> end_of_generation;
  TokenTrie trie;
};

}  // namespace llm::engine
