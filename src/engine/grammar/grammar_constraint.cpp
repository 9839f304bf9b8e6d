#include "engine/grammar/grammar_constraint.h"

#include <algorithm>
#include <string>

namespace llm::engine {
namespace {

constexpr size_t kCacheEntries = 8;

}  // namespace

struct GrammarConstraint::CacheEntry {
  std::vector<uint64_t> key;
  std::vector<int32_t> allowed;
  uint64_t last_use = 0;
};

GrammarConstraint::GrammarConstraint(std::shared_ptr<const Grammar> grammar,
                                     std::shared_ptr<const GrammarVocabulary> vocab)
    : vocab_(std::move(vocab)), matcher_(std::move(grammar)) {}

GrammarConstraint::~GrammarConstraint() = default;

bool GrammarConstraint::Allows(int32_t token) {
  if (token < 0 || static_cast<size_t>(token) >= vocab_->pieces.size()) return false;
  if (vocab_->end_of_generation[token]) return matcher_.CanEnd();
  const std::string& piece = vocab_->pieces[token];
  return !piece.empty() && matcher_.CanAccept(piece);
}

Status GrammarConstraint::Accept(int32_t token) {
  if (!Allows(token)) {
    return Status::InvalidArgument("token " + std::to_string(token) + " is not allowed by the grammar");
  }
  if (vocab_->end_of_generation[token]) return Status::Ok();
  matcher_.AcceptBytes(vocab_->pieces[token]);
  return Status::Ok();
}

// The parse state as a sorted list of stack hashes plus the UTF-8 state.
std::vector<uint64_t> GrammarConstraint::StateKey() {
  std::vector<uint64_t> key;
  for (uint32_t id : matcher_.stacks()) key.push_back(matcher_.pool().Hash(id));
  std::sort(key.begin(), key.end());
  const PartialUtf8 p = matcher_.partial();
  key.push_back((uint64_t{p.value} << 16) | static_cast<uint64_t>(p.remaining << 8 | p.length));
  return key;
}

void GrammarConstraint::ComputeMask(std::vector<uint8_t>* allowed) {
  allowed->assign(vocab_->pieces.size(), 0);
  for (int32_t id : AllowedTokens()) (*allowed)[id] = 1;
}

const std::vector<int32_t>& GrammarConstraint::AllowedTokens() {
  std::vector<uint64_t> key = StateKey();
  ++clock_;
  for (CacheEntry& e : cache_) {
    if (e.key == key) {
      e.last_use = clock_;
      return e.allowed;
    }
  }
  // The trie walk marks the allowed tokens; end-of-generation tokens follow CanEnd().
  scratch_mask_.assign(vocab_->pieces.size(), 0);
  GrammarStacks& pool = matcher_.pool();
  const size_t mark = pool.pool_size();
  walk_.assign(matcher_.stacks().begin(), matcher_.stacks().end());
  Walk(0, 0, walk_.size(), matcher_.partial(), &scratch_mask_);
  pool.TruncatePool(mark);
  const uint8_t can_end = matcher_.CanEnd() ? 1 : 0;
  CacheEntry* slot = nullptr;
  if (cache_.size() < kCacheEntries) {
    slot = &cache_.emplace_back();
  } else {
    slot = &*std::min_element(cache_.begin(), cache_.end(),
                              [](const auto& a, const auto& b) { return a.last_use < b.last_use; });
  }
  slot->key = std::move(key);
  slot->last_use = clock_;
  slot->allowed.clear();
  for (size_t id = 0; id < scratch_mask_.size(); ++id) {
    const uint8_t ok = vocab_->end_of_generation[id] ? can_end : scratch_mask_[id];
    if (ok) slot->allowed.push_back(static_cast<int32_t>(id));
  }
  return slot->allowed;
}

// Depth-first over the trie below `node`, whose parse state is walk_[from, to) + `partial`:
// every child byte the grammar accepts marks the tokens ending there and is walked in turn.
void GrammarConstraint::Walk(uint32_t node, size_t from, size_t to, PartialUtf8 partial,
                             std::vector<uint8_t>* out) {
  const TokenTrie& trie = vocab_->trie;
  GrammarStacks& pool = matcher_.pool();
  const TokenTrie::Node n = trie.node(node);
  for (uint32_t c = n.first_child; c < n.first_child + n.child_count; ++c) {
    const TokenTrie::Node& child = trie.node(c);
    const size_t begin = walk_.size();
    const size_t pool_mark = pool.pool_size();
    PartialUtf8 p = partial;
    if (pool.StepByte(walk_.data() + from, to - from, child.byte, &p, &walk_)) {
      for (uint32_t t = 0; t < child.token_count; ++t) {
        (*out)[trie.token_ids()[child.first_token + t]] = 1;
      }
      if (child.child_count > 0) Walk(c, begin, walk_.size(), p, out);
    }
    walk_.resize(begin);
    pool.TruncatePool(pool_mark);
  }
}

}  // namespace llm::engine
