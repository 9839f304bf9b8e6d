#include "engine/model/kv_cache.h"

#include <algorithm>
#include <cassert>

namespace llm::engine::model_internal {

KvCache::KvCache(int32_t n_layer, int32_t kv_dim, int32_t n_ctx)
    : kv_dim_(kv_dim), n_ctx_(n_ctx), k_(static_cast<size_t>(n_layer)),
      v_(static_cast<size_t>(n_layer)) {}

void KvCache::Reserve(int32_t n_tokens) {
  assert(n_tokens <= n_ctx_);
  if (n_tokens <= capacity_) return;
  // Grow geometrically (at least 256 positions) so a generation does not copy per token.
  const int32_t grown = std::max<int32_t>(256, capacity_ > n_ctx_ / 2 ? n_ctx_ : capacity_ * 2);
  capacity_ = std::min(n_ctx_, std::max(n_tokens, grown));
  for (size_t l = 0; l < k_.size(); ++l) {
    k_[l].resize(Offset(capacity_));
    v_[l].resize(Offset(capacity_));
  }
}

size_t KvCache::bytes() const {
  return 2 * k_.size() * Offset(capacity_) * sizeof(uint16_t);
}

}  // namespace llm::engine::model_internal
