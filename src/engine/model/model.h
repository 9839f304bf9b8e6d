// A transformer model (an architecture of architecture.h) loaded from a GGUF file: hyperparameters, weights (views into the
// memory-mapped file, in their stored types; quantized weights are never expanded; matrices
// whose type this CPU multiplies faster in another layout are packed into it at load, and the
// file pages they came from given back), the tokenizer and descriptive info. A Model is immutable once loaded and shared by threads
// (std::shared_ptr<const Model>); per-request state lives in a Session.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/gguf/gguf_reader.h"
#include "engine/grammar/token_trie.h"
#include "engine/kernels/matmul.h"
#include "engine/model/architecture.h"
#include "engine/tokenizer/tokenizer.h"

namespace llm::engine {

// Hyperparameters, read from the `{arch}.*` metadata keys the architecture table names.
struct ModelHparams {
  std::string architecture;  // general.architecture, e.g. "llama"
  const ArchSpec* arch = nullptr;  // its row of the architecture table
  int32_t n_ctx_train = 0;   // {arch}.context_length
  int32_t n_embd = 0;        // {arch}.embedding_length
  int32_t n_layer = 0;       // {arch}.block_count
  int32_t n_ff = 0;          // {arch}.feed_forward_length
  int32_t n_head = 0;        // {arch}.attention.head_count
  int32_t n_head_kv = 0;     // {arch}.attention.head_count_kv (default: n_head)
  int32_t head_dim = 0;      // {arch}.attention.key_length (= value_length; default n_embd / n_head)
  int32_t n_rot = 0;         // {arch}.rope.dimension_count (default: head_dim)
  int32_t n_vocab = 0;       // rows of token_embd.weight
  float rms_eps = 1e-5f;     // {arch}.attention.layer_norm_rms_epsilon
  float rope_freq_base = 10000.0f;  // {arch}.rope.freq_base
  float rope_freq_scale = 1.0f;     // 1 / {arch}.rope.scaling.factor when the type is linear
  int32_t n_ctx_orig = 0;    // {arch}.rope.scaling.original_context_length (default n_ctx_train)
  float rope_attn_factor = 1.0f;    // {arch}.rope.scaling.attn_factor (LongRoPE magnitude)
  float embedding_scale = 1.0f;     // sqrt(n_embd) when the architecture scales embeddings
  float attention_scale = 0.0f;     // 1 / sqrt(head_dim) (Gemma 27B: 1 / sqrt(n_embd / n_head))
  float attn_softcap = 0.0f;        // {arch}.attn_logit_softcapping (0: none)
  float final_softcap = 0.0f;       // {arch}.final_logit_softcapping (0: none)
  int32_t n_swa = 0;                // {arch}.attention.sliding_window (0: none)
  float rope_freq_base_swa = 10000.0f;  // {arch}.rope.freq_base_swa: base of local layers
  float rope_freq_scale_swa = 1.0f;     // linear rope scaling of local layers
  std::vector<uint8_t> swa_layers;  // [n_layer]: 1 for a sliding-window (local) layer
  // {arch}.pooling_type (llama.cpp's enum: 0 none, 1 mean, 2 CLS, 3 last, 4 rank; default 0):
  // how an embedding model pools its hidden states. Read for embeddings only.
  int32_t pooling_type = 0;
  // {arch}.attention.causal (default true): false for a model trained with bidirectional
  // attention (an embedding model), which then sees the whole input from every token.
  bool causal_attention = true;

  bool IsLocalLayer(int32_t il) const { return n_swa > 0 && swa_layers[static_cast<size_t>(il)] != 0; }
};

// One transformer block. Shapes in math order [rows x cols]; matrices multiply a row vector.
// Fused tensors (attn_qkv, phi3's ffn_up) are split into row ranges: wq/wk/wv and
// w_gate/w_up are then views of consecutive rows of one tensor.
struct LayerWeights {
  std::vector<float> attn_norm;  // [n_embd]
  WeightMatrix wq;               // [n_head*head_dim x n_embd]
  WeightMatrix wk;               // [n_head_kv*head_dim x n_embd]
  WeightMatrix wv;               // [n_head_kv*head_dim x n_embd]
  std::vector<float> bq, bk, bv; // [n_head*head_dim], [n_head_kv*head_dim] x2; empty if absent
  std::vector<float> q_norm;     // [head_dim], empty if absent
  std::vector<float> k_norm;     // [head_dim], empty if absent
  WeightMatrix wo;               // [n_embd x n_head*head_dim]
  std::vector<float> post_attn_norm;  // [n_embd], empty if absent
  std::vector<float> ffn_norm;   // [n_embd]
  WeightMatrix w_gate;           // [n_ff x n_embd]
  WeightMatrix w_up;             // [n_ff x n_embd]
  WeightMatrix w_down;           // [n_embd x n_ff]
  std::vector<float> post_ffn_norm;   // [n_embd], empty if absent
};

struct ModelWeights {
  WeightMatrix token_embd;              // [n_vocab x n_embd], rows read by DequantizeRow
  std::vector<LayerWeights> layers;     // [n_layer]
  std::vector<float> output_norm;       // [n_embd]
  WeightMatrix output;                  // [n_vocab x n_embd]; token_embd when tied
  std::vector<float> rope_freq_factors; // [n_rot/2] (Llama 3 rope scaling), empty if absent
  std::vector<float> rope_factors_long;   // [n_rot/2] (LongRoPE), empty if absent
  std::vector<float> rope_factors_short;  // [n_rot/2] (LongRoPE), empty if absent
};

// What a person (or /v1/models) wants to know about a model.
struct ModelInfo {
  std::string path;
  std::string name;           // general.name, or the file name
  std::string architecture;   // general.architecture: "llama", "qwen2", "gemma3", ...
  int32_t head_dim = 0;       // attention head size
  int32_t sliding_window = 0; // window of the local layers (0: none)
  int64_t parameter_count = 0;
  std::string file_type;      // like llama.cpp's ftype names: "Q4_0", "Q4_K_M", "F16", ...
  int32_t context_length = 0; // trained context length
  uint64_t file_size = 0;     // bytes
  std::string chat_template;  // tokenizer.chat_template (empty when absent)
  std::string bos_text;       // text of the BOS token ("" when none)
  std::string eos_text;       // text of the EOS token ("" when none)
  bool tied_embeddings = false;
  LoadMode load_mode = LoadMode::kMap;  // how the file is held in memory
};

// Reads and checks the `{arch}.*` hyperparameters the architecture table names from the
// file's metadata alone, as Model::Load does (n_vocab, which the weights give, stays 0).
// Unsupported for an architecture outside the table; Corruption for a bad or missing key.
Result<ModelHparams> ReadHparams(const GgufFile& file);

// The llama.cpp-style name of the file's type: general.file_type when present ("Q4_K_M"),
// else the type holding most bytes of the 2-D tensors ("Q8_0").
std::string FileTypeName(const GgufFile& file);

// Sum of the element counts of all tensors.
int64_t ParameterCount(const GgufFile& file);

class Model {
 public:
  // Maps `path` (or reads it into memory: LoadMode::kReadIntoMemory), validates every
  // tensor's presence, type and shape, and loads the tokenizer. Unsupported for an
  // architecture outside the table of architecture.h (the error names it and lists the
  // supported ones).
  static Result<std::shared_ptr<const Model>> Load(const std::string& path, LoadMode mode = LoadMode::kMap);
  ~Model();

  const ModelHparams& hparams() const { return hparams_; }
  const ModelWeights& weights() const { return weights_; }
  const ModelInfo& info() const { return info_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const GgufFile& gguf() const { return *file_; }
  // Each token's text, which tokens end generation, and their trie, for grammar-constrained
  // sampling. Built on first use (thread-safe), then shared by every request.
  std::shared_ptr<const GrammarVocabulary> grammar_vocabulary() const;

 private:
  Model() = default;
  std::unique_ptr<GgufFile> file_;  // owns the mapping the row-major WeightMatrix views point into
  std::vector<std::shared_ptr<uint8_t[]>> packed_;  // the memory of the packed ones
  std::unique_ptr<Tokenizer> tokenizer_;
  ModelHparams hparams_;
  ModelWeights weights_;
  ModelInfo info_;
  mutable std::once_flag grammar_vocabulary_once_;
  mutable std::shared_ptr<const GrammarVocabulary> grammar_vocabulary_;
};

}  // namespace llm::engine
