#include "engine/sampling/logprobs.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llm::engine {

TokenLogprob ComputeLogprob(std::span<const float> logits, int32_t id, int32_t top_n) {
  float max = -std::numeric_limits<float>::infinity();
  for (float l : logits) max = std::max(max, l);
  double sum = 0;
  for (float l : logits) sum += std::exp(static_cast<double>(l) - max);
  const float log_z = max + static_cast<float>(std::log(sum));
  TokenLogprob out;
  out.id = id;
  out.logprob = logits[static_cast<size_t>(id)] - log_z;
  const size_t n = std::min<size_t>(static_cast<size_t>(std::clamp(top_n, 0, kMaxTopLogprobs)), logits.size());
  if (n == 0) return out;
  // A bounded selection: the n best seen so far, kept sorted, best first.
  std::vector<std::pair<int32_t, float>>& top = out.top;
  auto better = [](const std::pair<int32_t, float>& a, const std::pair<int32_t, float>& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  };
  for (size_t i = 0; i < logits.size(); ++i) {
    const std::pair<int32_t, float> c{static_cast<int32_t>(i), logits[i]};
    if (top.size() == n && !better(c, top.back())) continue;
    top.insert(std::upper_bound(top.begin(), top.end(), c, better), c);
    if (top.size() > n) top.pop_back();
  }
  for (auto& [tok, l] : top) l -= log_z;
  return out;
}

}  // namespace llm::engine
