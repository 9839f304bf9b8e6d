#include "engine/model/kv_cache.h"

#include <algorithm>
#include <cassert>

namespace llm::engine::model_internal {

KvCache::KvCache(int32_t n_layer, int32_t kv_dim, int32_t n_ctx, const std::vector<uint8_t>& bounded,
                 int32_t ring_rows)
    : kv_dim_(kv_dim), n_ctx_(n_ctx), limit_(static_cast<size_t>(n_layer), n_ctx),
      k_(static_cast<size_t>(n_layer)), v_(static_cast<size_t>(n_layer)) {
  for (size_t l = 0; l < bounded.size() && l < limit_.size(); ++l) {
    if (bounded[l] != 0 && ring_rows > 0) limit_[l] = std::min(n_ctx, ring_rows);
  }
}

int32_t KvCache::min_rows() const {
  return limit_.empty() ? n_ctx_ : *std::min_element(limit_.begin(), limit_.end());
}

void KvCache::Reserve(int32_t n_tokens) {
  assert(n_tokens <= n_ctx_);
  if (n_tokens <= capacity_) return;
  // Grow geometrically (at least 256 positions) so a generation does not copy per token. While
  // a bounded layer has fewer rows than its limit it holds positions 0..capacity-1 in place, so
  // growing it keeps every row where p % rows says.
  const int32_t grown = std::max<int32_t>(256, capacity_ > n_ctx_ / 2 ? n_ctx_ : capacity_ * 2);
  capacity_ = std::min(n_ctx_, std::max(n_tokens, grown));
  for (size_t l = 0; l < k_.size(); ++l) {
    const size_t size = static_cast<size_t>(rows(static_cast<int32_t>(l))) * static_cast<size_t>(kv_dim_);
    k_[l].resize(size);
    v_[l].resize(size);
  }
}

size_t KvCache::bytes() const {
  size_t n = 0;
  for (size_t l = 0; l < k_.size(); ++l) n += 2 * k_[l].size() * sizeof(uint16_t);
  return n;
}

}  // namespace llm::engine::model_internal
