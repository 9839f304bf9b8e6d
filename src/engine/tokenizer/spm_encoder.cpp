#include <map>
#include <queue>

#include "engine/tokenizer/encoders.h"
#include "engine/tokenizer/unicode_util.h"

namespace llm::engine {

namespace {

struct SpmSymbol {
  int prev;
  int next;
  const char* text;
  size_t n;
};

struct SpmBigram {
  int left;
  int right;
  float score;
  size_t size;
};

// Highest score first; on a tie, the leftmost pair first.
struct SpmBigramOrder {
  bool operator()(const SpmBigram& l, const SpmBigram& r) const {
    return l.score < r.score || (l.score == r.score && l.left > r.left);
  }
};

class SpmSession {
 public:
  explicit SpmSession(const Vocabulary& vocab) : vocab_(vocab) {}

  void Encode(std::string_view text, std::vector<int32_t>* out) {
    SplitIntoCharacters(text);
    for (int i = 1; i < static_cast<int>(symbols_.size()); ++i) TryAddBigram(i - 1, i);
    while (!queue_.empty()) {
      const SpmBigram bigram = queue_.top();
      queue_.pop();
      SpmSymbol& left = symbols_[bigram.left];
      SpmSymbol& right = symbols_[bigram.right];
      if (left.n == 0 || right.n == 0 || left.n + right.n != bigram.size) continue;  // stale
      left.n += right.n;
      right.n = 0;
      left.next = right.next;
      if (right.next >= 0) symbols_[right.next].prev = bigram.left;
      TryAddBigram(left.prev, bigram.left);
      TryAddBigram(bigram.left, left.next);
    }
    if (symbols_.empty()) return;
    for (int i = 0; i != -1; i = symbols_[i].next) Resegment(symbols_[i], out);
  }

 private:
  void SplitIntoCharacters(std::string_view text) {
    size_t offset = 0;
    int index = 0;
    while (offset < text.size()) {
      const size_t n = std::min(Utf8SequenceLength(text[offset]), text.size() - offset);
      SpmSymbol sym{index - 1, -1, text.data() + offset, n};
      offset += n;
      sym.next = offset == text.size() ? -1 : index + 1;
      ++index;
      symbols_.push_back(sym);
    }
  }

  void TryAddBigram(int left, int right) {
    if (left == -1 || right == -1) return;
    std::string text(symbols_[left].text, symbols_[left].n + symbols_[right].n);
    const int32_t id = vocab_.Find(text);
    if (id < 0) return;
    queue_.push(SpmBigram{left, right, vocab_.tokens[id].score, text.size()});
    rev_merge_[std::move(text)] = {left, right};
  }

  void Resegment(const SpmSymbol& symbol, std::vector<int32_t>* out) {
    const std::string text(symbol.text, symbol.n);
    const int32_t id = vocab_.Find(text);
    if (id >= 0) {
      out->push_back(id);
      return;
    }
    auto it = rev_merge_.find(text);
    if (it == rev_merge_.end()) {
      for (char c : text) out->push_back(ByteToken(static_cast<uint8_t>(c)));
      return;
    }
    const auto [l, r] = it->second;
    Resegment(symbols_[l], out);
    Resegment(symbols_[r], out);
  }

  // The <0xXX> token of a byte, else a token whose text is the byte, else the unknown token.
  int32_t ByteToken(uint8_t byte) const {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const char buf[] = {'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>'};
    int32_t id = vocab_.Find(std::string(buf, sizeof(buf)));
    if (id < 0) id = vocab_.Find(std::string(1, static_cast<char>(byte)));
    return id >= 0 ? id : vocab_.unk_id;
  }

  const Vocabulary& vocab_;
  std::vector<SpmSymbol> symbols_;
  std::priority_queue<SpmBigram, std::vector<SpmBigram>, SpmBigramOrder> queue_;
  std::map<std::string, std::pair<int, int>> rev_merge_;
};

}  // namespace

void EncodeSpm(const Vocabulary& vocab, std::string_view text, std::vector<int32_t>* out) {
  SpmSession(vocab).Encode(text, out);
}

}  // namespace llm::engine
