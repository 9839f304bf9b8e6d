#include <algorithm>
#include <queue>

#include "engine/tokenizer/encoders.h"
#include "engine/tokenizer/unicode_util.h"

namespace llm::engine {

namespace {

struct Symbol {
  int prev;
  int next;
  const char* text;
  size_t n;
};

struct Bigram {
  int left;
  int right;
  std::string text;
  int32_t rank;
};

// Lowest rank first; on a tie, the leftmost pair first.
struct BigramOrder {
  bool operator()(const Bigram& l, const Bigram& r) const {
    return l.rank > r.rank || (l.rank == r.rank && l.left > r.left);
  }
};

class BpeSession {
 public:
  explicit BpeSession(const Vocabulary& vocab) : vocab_(vocab) {}

  void Encode(const std::string& word, std::vector<int32_t>* out) {
    if (vocab_.ignore_merges && vocab_.Find(word) >= 0) {
      symbols_.push_back(Symbol{-1, -1, word.data(), word.size()});
    } else {
      SplitIntoCharacters(word);
    }
    for (int i = 1; i < static_cast<int>(symbols_.size()); ++i) TryAddBigram(i - 1, i);
    while (!queue_.empty()) {
      const Bigram bigram = queue_.top();
      queue_.pop();
      Symbol& left = symbols_[bigram.left];
      Symbol& right = symbols_[bigram.right];
      if (left.n == 0 || right.n == 0) continue;
      if (std::string(left.text, left.n) + std::string(right.text, right.n) != bigram.text) continue;
      left.n += right.n;
      right.n = 0;
      left.next = right.next;
      if (right.next >= 0) symbols_[right.next].prev = bigram.left;
      TryAddBigram(left.prev, bigram.left);
      TryAddBigram(bigram.left, left.next);
    }
    for (const Symbol& sym : symbols_) {
      if (sym.n > 0) EmitSymbol(std::string(sym.text, sym.n), out);
    }
  }

 private:
  void SplitIntoCharacters(const std::string& word) {
    size_t offset = 0;
    int index = 0;
    while (offset < word.size()) {
      const size_t n = std::min(Utf8SequenceLength(word[offset]), word.size() - offset);
      Symbol sym{index - 1, -1, word.data() + offset, n};
      offset += n;
      sym.next = offset == word.size() ? -1 : index + 1;
      ++index;
      symbols_.push_back(sym);
    }
  }

  void TryAddBigram(int left, int right) {
    if (left == -1 || right == -1) return;
    std::string l(symbols_[left].text, symbols_[left].n);
    std::string r(symbols_[right].text, symbols_[right].n);
    const int32_t rank = vocab_.MergeRank(l, r);
    if (rank < 0) return;
    queue_.push(Bigram{left, right, l + r, rank});
  }

  // A symbol that is not a token is emitted byte by byte (each byte of its byte-level text
  // looked up as a one-byte token), skipping bytes that are no token, as llama.cpp does.
  void EmitSymbol(const std::string& text, std::vector<int32_t>* out) const {
    const int32_t id = vocab_.Find(text);
    if (id >= 0) {
      out->push_back(id);
      return;
    }
    for (char c : text) {
      const int32_t byte_id = vocab_.Find(std::string(1, c));
      if (byte_id >= 0) out->push_back(byte_id);
    }
  }

  const Vocabulary& vocab_;
  std::vector<Symbol> symbols_;
  std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue_;
};

}  // namespace

void EncodeBpeWord(const Vocabulary& vocab, const std::string& word, std::vector<int32_t>* out) {
  BpeSession(vocab).Encode(word, out);
}

}  // namespace llm::engine
