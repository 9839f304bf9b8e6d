// The key/value cache of one session: per layer, one f16 row of n_head_kv*head_dim values per
// position (llama.cpp's default cache type, which matters for matching its outputs). Storage
// grows on demand up to n_ctx, so a long-context model does not reserve its whole context.
// A layer may be bounded to `ring_rows` rows (sliding-window layers: the window plus a batch):
// position p then lives in row p % ring_rows, and only the last ring_rows positions are kept.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace llm::engine::model_internal {

class KvCache {
 public:
  // bounded[l] != 0 bounds layer l to ring_rows rows (when ring_rows < n_ctx); bounded may be
  // empty (no layer bounded).
  KvCache(int32_t n_layer, int32_t kv_dim, int32_t n_ctx, const std::vector<uint8_t>& bounded = {},
          int32_t ring_rows = 0);

  // Makes room for positions [0, n_tokens), keeping the rows already written; n_tokens <= n_ctx.
  void Reserve(int32_t n_tokens);
  int32_t n_ctx() const { return n_ctx_; }
  int32_t kv_dim() const { return kv_dim_; }
  size_t bytes() const;  // memory currently held
  // The fewest rows any layer keeps for good: n_ctx when no layer is bounded.
  int32_t min_rows() const;

  // Row of position `pos` in layer `layer`: kv_dim f16 values. Valid until the next Reserve.
  uint16_t* k_row(int32_t layer, int32_t pos) { return k_[Layer(layer)].data() + Offset(layer, pos); }
  uint16_t* v_row(int32_t layer, int32_t pos) { return v_[Layer(layer)].data() + Offset(layer, pos); }
  const uint16_t* k_layer(int32_t layer) const { return k_[Layer(layer)].data(); }
  const uint16_t* v_layer(int32_t layer) const { return v_[Layer(layer)].data(); }
  // Rows of layer `layer` now: position p is in row p % rows.
  int32_t rows(int32_t layer) const { return std::min(capacity_, limit_[Layer(layer)]); }

 private:
  static size_t Layer(int32_t layer) { return static_cast<size_t>(layer); }
  size_t Offset(int32_t layer, int32_t pos) const {
    return static_cast<size_t>(pos % rows(layer)) * static_cast<size_t>(kv_dim_);
  }

  int32_t kv_dim_;
  int32_t n_ctx_;
  int32_t capacity_ = 0;          // positions the unbounded layers hold
  std::vector<int32_t> limit_;    // [n_layer]: n_ctx, or ring_rows for a bounded layer
  std::vector<std::vector<uint16_t>> k_;  // [n_layer][rows x kv_dim]
  std::vector<std::vector<uint16_t>> v_;
};

}  // namespace llm::engine::model_internal
