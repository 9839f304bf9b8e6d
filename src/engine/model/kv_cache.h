// The key/value cache of one session: per layer, one f16 row of n_head_kv*head_dim values per
// position (llama.cpp's default cache type, which matters for matching its outputs). Storage
// grows on demand up to n_ctx, so a long-context model does not reserve its whole context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llm::engine::model_internal {

class KvCache {
 public:
  KvCache(int32_t n_layer, int32_t kv_dim, int32_t n_ctx);

  // Makes room for positions [0, n_tokens), keeping the rows already written; n_tokens <= n_ctx.
  void Reserve(int32_t n_tokens);
  int32_t n_ctx() const { return n_ctx_; }
  int32_t kv_dim() const { return kv_dim_; }
  size_t bytes() const;  // memory currently held

  // Row `pos` of layer `layer`: kv_dim f16 values. Valid until the next Reserve.
  uint16_t* k_row(int32_t layer, int32_t pos) { return k_[Layer(layer)].data() + Offset(pos); }
  uint16_t* v_row(int32_t layer, int32_t pos) { return v_[Layer(layer)].data() + Offset(pos); }
  const uint16_t* k_layer(int32_t layer) const { return k_[Layer(layer)].data(); }
  const uint16_t* v_layer(int32_t layer) const { return v_[Layer(layer)].data(); }

 private:
  static size_t Layer(int32_t layer) { return static_cast<size_t>(layer); }
  size_t Offset(int32_t pos) const { return static_cast<size_t>(pos) * static_cast<size_t>(kv_dim_); }

  int32_t kv_dim_;
  int32_t n_ctx_;
  int32_t capacity_ = 0;
  std::vector<std::vector<uint16_t>> k_;  // [n_layer][capacity x kv_dim]
  std::vector<std::vector<uint16_t>> v_;
};

}  // namespace llm::engine::model_internal
