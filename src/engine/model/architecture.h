// The architecture table: one description per supported GGUF `general.architecture`, read by
// the loader (which metadata keys and tensors to expect) and by the forward pass (which
// operations a layer runs). Adding an architecture means adding a row here, the operations
// that are really new, and tests.
//
// Every architecture reads the common `{arch}.*` keys (context_length, embedding_length,
// block_count, feed_forward_length, attention.head_count, attention.head_count_kv,
// attention.key_length / value_length, attention.layer_norm_rms_epsilon, rope.freq_base,
// rope.dimension_count, rope.scaling.type / factor) and the common tensors (token_embd,
// output_norm, optional output (tied when absent), optional rope_freqs; per layer attn_norm,
// attn_output, ffn_norm, ffn_down). The switches below add the rest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace llm::engine {

// How RoPE pairs the dimensions of a head (llama.cpp's rope modes).
enum class RopeMode {
  kNormal,  // pairs (2i, 2i+1)
  kNeox,    // pairs (i, i + n_rot/2)
};

// The activation of the gated feed-forward network: act(gate) * up.
enum class FfnActivation {
  kSilu,      // SwiGLU
  kGeluTanh,  // GELU (tanh approximation) through llama.cpp's f16 table
};

struct ArchSpec {
  std::string_view name;  // general.architecture
  RopeMode rope_mode = RopeMode::kNormal;
  FfnActivation activation = FfnActivation::kSilu;
  // Tensors.
  bool qkv_bias = false;       // blk.N.attn_{q,k,v}.bias [n_head*hd], [n_head_kv*hd] x2
  bool qk_norm = false;        // blk.N.attn_{q,k}_norm.weight [head_dim]: RMS norm per head
  bool fused_qkv = false;      // blk.N.attn_qkv.weight holds the Q, K, V rows in that order
  bool fused_gate_up = false;  // blk.N.ffn_up.weight holds the gate rows, then the up rows
  bool post_norms = false;     // blk.N.post_attention_norm / post_ffw_norm.weight [n_embd]
  bool long_rope_factors = false;  // optional rope_factors_long / rope_factors_short [n_rot/2]
  // Scalars.
  bool embedding_scale = false;  // embeddings multiplied by sqrt(n_embd)
  bool query_prescale = false;   // Q multiplied by the attention scale before the products
                                 // (as llama.cpp's graph does), instead of the scores after
  bool soft_capping = false;     // {arch}.attn_logit_softcapping, final_logit_softcapping
  // The block count of the one model size whose attention scale is 1/sqrt(n_embd / n_head)
  // instead of 1/sqrt(head_dim): Gemma's 27B models (their query_pre_attn_scalar, which GGUF
  // does not store; llama.cpp recognises them the same way). 0: none.
  int32_t embd_query_scale_layers = 0;
  // Sliding-window attention ({arch}.attention.sliding_window, optional). A layer il is local
  // when il % swa_pattern < swa_pattern - 1; swa_pattern 1 makes every layer local.
  int32_t swa_pattern = 0;  // 0: the architecture has no sliding window
  bool swa_rope_base = false;  // local layers use {arch}.rope.freq_base_swa (default 10000)
};

// The row of `architecture`, or Unsupported naming it and listing the supported ones.
Result<const ArchSpec*> FindArchitecture(std::string_view architecture);

// The supported architecture names, comma-separated, in table order.
std::string SupportedArchitectureNames();

}  // namespace llm::engine
