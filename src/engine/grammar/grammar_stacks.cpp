#include "engine/grammar/grammar_stacks.h"

#include <algorithm>
#include <unordered_map>

namespace llm::engine {
namespace {

constexpr uint64_t kAcceptedHash = 0x9E3779B97F4A7C15ull;
constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr size_t kExpansionsBeforeDedup = 32;

// The smallest code point that needs `length` bytes (anything less is an overlong encoding).
uint32_t MinCodePoint(int length) {
  return length <= 1 ? 0 : length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
}

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t h = a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2));
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

}  // namespace

GrammarStacks::GrammarStacks(std::shared_ptr<const Grammar> grammar) : grammar_(std::move(grammar)) {}

uint64_t GrammarStacks::Hash(uint32_t id) const {
  return id == kAcceptedStack ? kAcceptedHash : nodes_[id].hash;
}

uint32_t GrammarStacks::Push(uint32_t pos, uint32_t parent) {
  const uint32_t depth = parent == kAcceptedStack ? 1 : nodes_[parent].depth + 1;
  nodes_.push_back(Node{pos, parent, depth, Mix(Hash(parent), pos)});
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t GrammarStacks::AfterTop(uint32_t id) {
  const Node& n = nodes_[id];
  const uint32_t next = n.pos + 1;
  if (grammar_->elements[next].kind == GrammarElement::kEnd) return n.parent;
  return Push(next, n.parent);
}

void GrammarStacks::Initial(std::vector<uint32_t>* out) {
  todo_.clear();
  for (uint32_t alt : grammar_->rule_alternatives[grammar_->root]) {
    todo_.push_back(Push(alt, kAcceptedStack));
  }
  const size_t begin = out->size();
  Expand(&todo_, out, begin);
  Dedup(out, begin);
}

// Replaces each stack in `todo` by the stacks whose top is a character class (or the empty
// stack), expanding rule references into their alternatives and popping finished ones.
void GrammarStacks::Expand(std::vector<uint32_t>* todo, std::vector<uint32_t>* out,
                           size_t out_begin) {
  size_t budget = kMaxExpansionsPerStep;
  size_t pops = 0;
  seen_.clear();
  while (!todo->empty() && budget-- > 0) {
    const uint32_t id = todo->back();
    todo->pop_back();
    if (out->size() - out_begin >= kMaxStacksPerSet) break;
    // Ambiguous grammars reach one stack along many paths: past a few expansions, skip the
    // ones already expanded (cheap steps never pay for the set).
    if (++pops > kExpansionsBeforeDedup && !seen_.insert(Hash(id)).second) continue;
    if (id == kAcceptedStack) {
      out->push_back(id);
      continue;
    }
    const Node n = nodes_[id];
    if (n.depth > kMaxStackDepth) continue;
    const GrammarElement e = grammar_->elements[n.pos];
    if (e.kind == GrammarElement::kChar) {
      out->push_back(id);
    } else if (e.kind == GrammarElement::kEnd) {
      todo->push_back(n.parent);
    } else {
      const uint32_t rest = AfterTop(id);
      for (uint32_t alt : grammar_->rule_alternatives[e.value]) {
        todo->push_back(grammar_->elements[alt].kind == GrammarElement::kEnd ? rest : Push(alt, rest));
      }
    }
  }
  todo->clear();
}

void GrammarStacks::Dedup(std::vector<uint32_t>* out, size_t begin) {
  auto first = out->begin() + static_cast<std::ptrdiff_t>(begin);
  std::sort(first, out->end(), [this](uint32_t a, uint32_t b) { return Hash(a) < Hash(b); });
  auto last = std::unique(first, out->end(),
                          [this](uint32_t a, uint32_t b) { return Hash(a) == Hash(b); });
  out->erase(last, out->end());
}

bool GrammarStacks::AdvanceCodePoint(const uint32_t* in, size_t n, uint32_t cp,
                                     std::vector<uint32_t>* out) {
  todo_.clear();
  for (size_t i = 0; i < n; ++i) {
    if (in[i] == kAcceptedStack || !TopClass(in[i]).Matches(cp)) continue;
    todo_.push_back(AfterTop(in[i]));
  }
  const size_t begin = out->size();
  Expand(&todo_, out, begin);
  Dedup(out, begin);
  return out->size() > begin;
}

bool GrammarStacks::PartialFits(const uint32_t* in, size_t n, const PartialUtf8& p) const {
  const int shift = 6 * p.remaining;
  const uint32_t lo = std::max(p.value << shift, MinCodePoint(p.length));
  const uint32_t hi = std::min((p.value << shift) | ((1u << shift) - 1), kMaxCodePoint);
  if (lo > hi) return false;  // only overlong or out-of-range encodings start this way
  for (size_t i = 0; i < n; ++i) {
    if (in[i] != kAcceptedStack && TopClass(in[i]).Intersects(lo, hi)) return true;
  }
  return false;
}

bool GrammarStacks::StepByte(const uint32_t* in, size_t n, uint8_t byte, PartialUtf8* partial,
                             std::vector<uint32_t>* out) {
  input_.assign(in, in + n);
  PartialUtf8 p = *partial;
  if (p.remaining == 0) {
    if (byte < 0x80) return AdvanceCodePoint(input_.data(), n, byte, out);
    if ((byte >> 5) == 0x6) p = {byte & 0x1Fu, 1, 2};
    else if ((byte >> 4) == 0xE) p = {byte & 0x0Fu, 2, 3};
    else if ((byte >> 3) == 0x1E) p = {byte & 0x07u, 3, 4};
    else return false;  // a stray continuation byte or an invalid lead byte
  } else {
    if ((byte & 0xC0) != 0x80) return false;
    p = {(p.value << 6) | (byte & 0x3Fu), p.remaining - 1, p.length};
    if (p.remaining == 0) {
      const uint32_t cp = p.value;
      const bool valid = cp >= MinCodePoint(p.length) && cp <= kMaxCodePoint && (cp < 0xD800 || cp > 0xDFFF);
      if (!valid || !AdvanceCodePoint(input_.data(), n, cp, out)) return false;
      *partial = PartialUtf8{};
      return true;
    }
  }
  if (!PartialFits(input_.data(), n, p)) return false;
  out->insert(out->end(), input_.begin(), input_.end());
  *partial = p;
  return true;
}

void GrammarStacks::Compact(std::vector<uint32_t>* ids) {
  std::vector<Node> old;
  old.swap(nodes_);
  std::unordered_map<uint32_t, uint32_t> moved;
  // Copies a chain bottom-up, reusing nodes already copied.
  auto copy = [&](uint32_t id, auto&& self) -> uint32_t {
    if (id == kAcceptedStack) return id;
    if (auto it = moved.find(id); it != moved.end()) return it->second;
    const uint32_t parent = self(old[id].parent, self);
    nodes_.push_back(old[id]);
    nodes_.back().parent = parent;
    const auto fresh = static_cast<uint32_t>(nodes_.size() - 1);
    moved.emplace(id, fresh);
    return fresh;
  };
  for (uint32_t& id : *ids) id = copy(id, copy);
}

}  // namespace llm::engine
