#include <algorithm>
#include <cstdio>

#include "engine/grammar/grammar.h"

namespace llm::engine {
namespace {

void AppendCodePoint(uint32_t cp, std::string* out) {
  if (cp == '\\' || cp == ']' || cp == '[' || cp == '-' || cp == '^') {
    out->push_back('\\');
    out->push_back(static_cast<char>(cp));
  } else if (cp >= 0x20 && cp < 0x7F) {
    out->push_back(static_cast<char>(cp));
  } else {
    char buf[16];
    std::snprintf(buf, sizeof(buf), cp <= 0xFFFF ? "\\u%04X" : "\\U%08X", cp);
    *out += buf;
  }
}

}  // namespace

void CharClass::AddRange(uint32_t lo, uint32_t hi) { ranges_.emplace_back(lo, hi); }

void CharClass::Finish() {
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (const auto& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
  ascii_[0] = ascii_[1] = 0;
  for (uint32_t cp = 0; cp < 128; ++cp) {
    if (InRanges(cp) != negated_) ascii_[cp >> 6] |= uint64_t{1} << (cp & 63);
  }
}

bool CharClass::InRanges(uint32_t cp) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), cp,
                             [](uint32_t v, const auto& r) { return v < r.first; });
  return it != ranges_.begin() && cp <= std::prev(it)->second;
}

bool CharClass::MatchesSlow(uint32_t cp) const { return InRanges(cp) != negated_; }

bool CharClass::Intersects(uint32_t lo, uint32_t hi) const {
  for (const auto& r : ranges_) {
    const bool overlaps = r.first <= hi && lo <= r.second;
    if (!negated_ && overlaps) return true;
    // Negated: [lo, hi] is fully excluded only when one range covers it.
    if (negated_ && r.first <= lo && hi <= r.second) return false;
  }
  return negated_;
}

std::string CharClass::ToString() const {
  std::string out = negated_ ? "[^" : "[";
  for (const auto& [lo, hi] : ranges_) {
    AppendCodePoint(lo, &out);
    if (hi != lo) {
      out.push_back('-');
      AppendCodePoint(hi, &out);
    }
  }
  out.push_back(']');
  return out;
}

}  // namespace llm::engine
