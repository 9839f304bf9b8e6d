// The pushdown side of grammar matching (as llama.cpp's grammar stacks): a parse position is
// a stack of element positions whose top is always a character class; a set of such stacks
// is every way the input so far can continue. Stacks are persistent linked lists in a node
// pool, so advancing one shares its tail instead of copying it.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_set>
#include <vector>

#include "engine/grammar/grammar.h"

namespace llm::engine {

// The empty stack: the root rule has been matched completely.
inline constexpr uint32_t kAcceptedStack = 0xFFFFFFFFu;

// Bounds on the work of one step, so a hostile grammar cannot take unbounded time or memory.
// Going over them drops parse paths (what remains still matches the grammar).
inline constexpr size_t kMaxStacksPerSet = 2048;
inline constexpr uint32_t kMaxStackDepth = 2048;
inline constexpr size_t kMaxExpansionsPerStep = 1 << 16;

// A code point whose UTF-8 bytes have only partly arrived.
struct PartialUtf8 {
  uint32_t value = 0;  // the bits decoded so far
  int remaining = 0;   // continuation bytes still expected (0: at a code point boundary)
  int length = 0;      // bytes of the whole sequence (to refuse overlong encodings)
  bool operator==(const PartialUtf8&) const = default;
};

class GrammarStacks {
 public:
  explicit GrammarStacks(std::shared_ptr<const Grammar> grammar);

  // Appends to `out` the deduplicated stacks that start matching the root rule.
  void Initial(std::vector<uint32_t>* out);
  // Appends to `out` the stacks after one input byte, from `n` stacks at `in` (which may point
  // into `out`) in UTF-8 state `partial`; updates `partial`. Returns false (nothing appended)
  // when the byte leaves the grammar or breaks UTF-8.
  bool StepByte(const uint32_t* in, size_t n, uint8_t byte, PartialUtf8* partial,
                std::vector<uint32_t>* out);
  // A structural hash of the stack `id` (equal stacks have equal hashes).
  uint64_t Hash(uint32_t id) const;
  // The pool size, and dropping nodes made after a given size (scratch walks).
  size_t pool_size() const { return nodes_.size(); }
  void TruncatePool(size_t size) { nodes_.resize(size); }
  // Copies the stacks `ids` into a fresh pool (dropping unreachable nodes), rewriting the ids.
  void Compact(std::vector<uint32_t>* ids);
  const Grammar& grammar() const { return *grammar_; }

 private:
  struct Node {
    uint32_t pos;     // index into grammar elements
    uint32_t parent;  // the rest of the stack, or kAcceptedStack
    uint32_t depth;
    uint64_t hash;
  };
  uint32_t Push(uint32_t pos, uint32_t parent);
  // The stack after the top element has matched.
  uint32_t AfterTop(uint32_t id);
  void Expand(std::vector<uint32_t>* todo, std::vector<uint32_t>* out, size_t out_begin);
  bool AdvanceCodePoint(const uint32_t* in, size_t n, uint32_t cp, std::vector<uint32_t>* out);
  bool PartialFits(const uint32_t* in, size_t n, const PartialUtf8& p) const;
  void Dedup(std::vector<uint32_t>* out, size_t begin);
  const CharClass& TopClass(uint32_t id) const {
    return grammar_->classes[grammar_->elements[nodes_[id].pos].value];
  }

  std::shared_ptr<const Grammar> grammar_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> todo_;  // scratch of Expand
  std::vector<uint32_t> input_;  // scratch copy of StepByte's input
  std::unordered_set<uint64_t> seen_;  // scratch of Expand: stacks already expanded
};

}  // namespace llm::engine
