// A random-weight GGUF of any architecture of the engine's architecture table (llama.cpp's
// tensor names and metadata keys, with every tensor the architecture's switches call for), for
// benchmarks and tests. Weights and biases are uniform with a small standard deviation, norms
// are 1.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "engine/gguf/ggml_type.h"
#include "engine/model/architecture.h"

namespace llm::tools {

struct SynthConfig {
  std::string arch = "llama";  // general.architecture: a row of engine/model/architecture.h
  engine::GgmlType type = engine::GgmlType::kF32;  // F32, F16, Q8_0 or Q4_0 (2-D weights)
  int64_t dim = 256;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 4;
  int64_t ffn = 512;
  int64_t head_dim = 0;     // attention.key_length = value_length; 0: dim / heads (not written)
  int64_t sliding_window = 1024;  // written for architectures with sliding-window layers
  int64_t vocab = 0;        // taken from vocab_from when that is set
  std::string vocab_from;   // a GGUF whose tokenizer.* metadata is copied
  int64_t ctx = 2048;
  uint64_t seed = 42;
  bool tied = false;        // omit output.weight (the model reuses token_embd.weight)
  float rope_freq_base = 10000.0f;
  float rms_eps = 1e-5f;
  int threads = 0;          // 0: all cores
  int64_t pooling_type = -1;  // >= 0: written as {arch}.pooling_type (embedding models)
  bool non_causal = false;    // writes {arch}.attention.causal = false (bidirectional attention)
};

// Checks the architecture and the shape (divisibility, supported type) without writing anything.
Status ValidateConfig(const SynthConfig& config);
// Writes the model to `path`; deterministic for a given config (including the seed).
Status WriteSyntheticModel(const SynthConfig& config, const std::string& path);

}  // namespace llm::tools
