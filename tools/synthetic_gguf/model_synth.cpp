#include "synthetic_gguf/model_synth.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "synthetic_gguf/quantize.h"

namespace llm::tools {
namespace {

using engine::GgmlType;

constexpr float kWeightStd = 0.02f;

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Uniform values in [-amp, amp) from a per-row seed, so output does not depend on threading.
void RandomRow(uint64_t seed, float amp, float* out, int64_t n) {
  uint64_t state = seed;
  constexpr float kScale = 1.0f / 16777216.0f;  // 2^-24
  for (int64_t i = 0; i < n; i += 2) {
    uint64_t r = SplitMix64(state);
    out[i] = (static_cast<float>(r >> 40) * kScale * 2.0f - 1.0f) * amp;
    if (i + 1 < n) out[i + 1] = (static_cast<float>(r & 0xffffff) * kScale * 2.0f - 1.0f) * amp;
  }
}

void ConvertRow(GgmlType type, const float* x, uint8_t* out, int64_t n) {
  switch (type) {
    case GgmlType::kF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h = FloatToHalf(x[i]);
        std::memcpy(out + 2 * i, &h, 2);
      }
      break;
    case GgmlType::kQ8_0: QuantizeRowQ8_0(x, out, n); break;
    case GgmlType::kQ4_0: QuantizeRowQ4_0(x, out, n); break;
    default: std::memcpy(out, x, static_cast<size_t>(n) * sizeof(float)); break;
  }
}

// Fills `rows` rows of `cols` random values of `type`, spread over `threads` threads.
engine::GgufWriter::TensorFiller RandomMatrix(GgmlType type, int64_t rows, int64_t cols,
                                              uint64_t seed, int threads) {
  return [=](std::span<uint8_t> out) {
    const size_t row_bytes = engine::RowBytes(type, cols);
    auto work = [&](int64_t begin, int64_t end) {
      std::vector<float> row(static_cast<size_t>(cols));
      for (int64_t r = begin; r < end; ++r) {
        RandomRow(seed * 0x100000001b3ull + static_cast<uint64_t>(r), kWeightStd * std::sqrt(3.0f),
                  row.data(), cols);
        ConvertRow(type, row.data(), out.data() + static_cast<size_t>(r) * row_bytes, cols);
      }
    };
    const int n = static_cast<int>(std::min<int64_t>(threads, rows));
    std::vector<std::thread> pool;
    for (int t = 1; t < n; ++t) pool.emplace_back(work, rows * t / n, rows * (t + 1) / n);
    work(0, rows / n);
    for (std::thread& th : pool) th.join();
    return Status::Ok();
  };
}

engine::GgufWriter::TensorFiller Ones(int64_t n) {
  return [n](std::span<uint8_t> out) {
    std::vector<float> ones(static_cast<size_t>(n), 1.0f);
    std::memcpy(out.data(), ones.data(), out.size());
    return Status::Ok();
  };
}

uint32_t FileType(GgmlType type) {
  switch (type) {  // llama_ftype: ALL_F32, MOSTLY_F16, MOSTLY_Q4_0, MOSTLY_Q8_0
    case GgmlType::kF16: return 1;
    case GgmlType::kQ4_0: return 2;
    case GgmlType::kQ8_0: return 7;
    default: return 0;
  }
}

int64_t HeadDim(const SynthConfig& c) { return c.head_dim > 0 ? c.head_dim : c.dim / c.heads; }

void AddHyperparameters(const SynthConfig& c, const engine::ArchSpec& spec, int64_t vocab,
                        engine::GgufWriter& w) {
  const std::string a = c.arch + ".";
  const auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
  w.AddString("general.architecture", c.arch);
  w.AddString("general.name", "synthetic-" + c.arch);
  w.AddU32("general.file_type", FileType(c.type));
  w.AddU32(a + "vocab_size", u32(vocab));
  w.AddU32(a + "context_length", u32(c.ctx));
  w.AddU32(a + "embedding_length", u32(c.dim));
  w.AddU32(a + "block_count", u32(c.layers));
  w.AddU32(a + "feed_forward_length", u32(c.ffn));
  w.AddU32(a + "attention.head_count", u32(c.heads));
  w.AddU32(a + "attention.head_count_kv", u32(c.kv_heads));
  if (c.head_dim > 0) {
    w.AddU32(a + "attention.key_length", u32(c.head_dim));
    w.AddU32(a + "attention.value_length", u32(c.head_dim));
  }
  w.AddU32(a + "rope.dimension_count", u32(HeadDim(c)));
  w.AddF32(a + "attention.layer_norm_rms_epsilon", c.rms_eps);
  w.AddF32(a + "rope.freq_base", c.rope_freq_base);
  if (spec.soft_capping) {  // Gemma 2's values
    w.AddF32(a + "attn_logit_softcapping", 50.0f);
    w.AddF32(a + "final_logit_softcapping", 30.0f);
  }
  if (spec.swa_pattern > 0) w.AddU32(a + "attention.sliding_window", u32(c.sliding_window));
  if (spec.swa_rope_base) w.AddF32(a + "rope.freq_base_swa", 10000.0f);
  if (spec.long_rope_factors) w.AddU32(a + "rope.scaling.original_context_length", u32(c.ctx));
  if (c.pooling_type >= 0) w.AddU32(a + "pooling_type", u32(c.pooling_type));
  if (c.non_causal) w.AddBool(a + "attention.causal", false);
  if (c.type == GgmlType::kQ8_0 || c.type == GgmlType::kQ4_0) {
    w.AddU32("general.quantization_version", 2);
  }
}

// Opens a vocabulary GGUF and returns it with its token count.
Result<std::pair<std::unique_ptr<engine::GgufFile>, int64_t>> OpenVocab(const std::string& path) {
  LLM_ASSIGN_OR_RETURN(auto vocab, engine::GgufFile::Open(path));
  auto tokens = vocab->ArrayInfo("tokenizer.ggml.tokens");
  if (!tokens || tokens->first != engine::GgufValueType::kString || tokens->second == 0) {
    return Status::InvalidArgument(path + ": no tokenizer.ggml.tokens string array");
  }
  const auto count = static_cast<int64_t>(tokens->second);
  return std::make_pair(std::move(vocab), count);
}

Status CopyTokenizer(const engine::GgufFile& vocab, engine::GgufWriter& w) {
  for (std::string_view key : vocab.keys()) {
    if (key.starts_with("tokenizer.")) LLM_RETURN_IF_ERROR(w.CopyFrom(vocab, key));
  }
  return Status::Ok();
}

// The tensors of one block, as the architecture's switches call for.
void AddLayer(const SynthConfig& c, const engine::ArchSpec& spec, const std::string& p,
              const std::function<void(const std::string&, int64_t, int64_t)>& matrix,
              const std::function<void(const std::string&, int64_t)>& norm,
              const std::function<void(const std::string&, int64_t)>& bias) {
  const int64_t hd = HeadDim(c), q_dim = c.heads * hd, kv_dim = c.kv_heads * hd;
  norm(p + "attn_norm.weight", c.dim);
  if (spec.fused_qkv) {
    matrix(p + "attn_qkv.weight", c.dim, q_dim + 2 * kv_dim);
  } else {
    matrix(p + "attn_q.weight", c.dim, q_dim);
    matrix(p + "attn_k.weight", c.dim, kv_dim);
    matrix(p + "attn_v.weight", c.dim, kv_dim);
  }
  if (spec.qkv_bias) {
    bias(p + "attn_q.bias", q_dim);
    bias(p + "attn_k.bias", kv_dim);
    bias(p + "attn_v.bias", kv_dim);
  }
  if (spec.qk_norm) {
    norm(p + "attn_q_norm.weight", hd);
    norm(p + "attn_k_norm.weight", hd);
  }
  matrix(p + "attn_output.weight", q_dim, c.dim);
  if (spec.post_norms) norm(p + "post_attention_norm.weight", c.dim);
  norm(p + "ffn_norm.weight", c.dim);
  if (spec.fused_gate_up) {
    matrix(p + "ffn_up.weight", c.dim, 2 * c.ffn);
  } else {
    matrix(p + "ffn_gate.weight", c.dim, c.ffn);
    matrix(p + "ffn_up.weight", c.dim, c.ffn);
  }
  matrix(p + "ffn_down.weight", c.ffn, c.dim);
  if (spec.post_norms) norm(p + "post_ffw_norm.weight", c.dim);
}

void AddTensors(const SynthConfig& c, const engine::ArchSpec& spec, int64_t vocab, int threads,
                engine::GgufWriter& w) {
  uint64_t next_seed = c.seed;
  const auto matrix = [&](const std::string& name, int64_t cols, int64_t rows) {
    w.AddTensor(name, c.type, {cols, rows}, RandomMatrix(c.type, rows, cols, ++next_seed, threads));
  };
  const auto norm = [&](const std::string& name, int64_t n) { w.AddTensor(name, GgmlType::kF32, {n}, Ones(n)); };
  const auto bias = [&](const std::string& name, int64_t n) {
    w.AddTensor(name, GgmlType::kF32, {n}, RandomMatrix(GgmlType::kF32, 1, n, ++next_seed, 1));
  };
  matrix("token_embd.weight", c.dim, vocab);
  for (int64_t l = 0; l < c.layers; ++l) AddLayer(c, spec, "blk." + std::to_string(l) + ".", matrix, norm, bias);
  norm("output_norm.weight", c.dim);
  if (!c.tied) matrix("output.weight", c.dim, vocab);
}

}  // namespace

Status ValidateConfig(const SynthConfig& c) {
  LLM_RETURN_IF_ERROR(engine::FindArchitecture(c.arch).status());
  if (c.type != GgmlType::kF32 && c.type != GgmlType::kF16 && c.type != GgmlType::kQ8_0 &&
      c.type != GgmlType::kQ4_0) {
    return Status::InvalidArgument("type must be f32, f16, q8_0 or q4_0");
  }
  if (c.dim <= 0 || c.layers <= 0 || c.heads <= 0 || c.kv_heads <= 0 || c.ffn <= 0 ||
      c.ctx <= 0 || c.dim > (1 << 20) || c.ffn > (1 << 22) || c.layers > 1024) {
    return Status::InvalidArgument("dim, layers, heads, kv-heads, ffn and ctx must be positive");
  }
  if (c.head_dim < 0 || (c.head_dim == 0 && c.dim % c.heads != 0) || HeadDim(c) % 2 != 0) {
    return Status::InvalidArgument("the head size (head-dim, else dim / heads) must be a whole even number");
  }
  if (c.heads % c.kv_heads != 0) return Status::InvalidArgument("heads must be a multiple of kv-heads");
  const int64_t block = engine::TraitsOf(c.type).block_size;
  if (c.dim % block != 0 || c.ffn % block != 0) {
    return Status::InvalidArgument("dim and ffn must be multiples of " + std::to_string(block) +
                                   " for " + std::string(engine::TraitsOf(c.type).name));
  }
  if (c.vocab_from.empty() && c.vocab <= 0) {
    return Status::InvalidArgument("give --vocab-from FILE or a positive --vocab");
  }
  return Status::Ok();
}

Status WriteSyntheticModel(const SynthConfig& c, const std::string& path) {
  LLM_RETURN_IF_ERROR(ValidateConfig(c));
  engine::GgufWriter w;
  int64_t vocab = c.vocab;
  std::unique_ptr<engine::GgufFile> vocab_file;
  if (!c.vocab_from.empty()) {
    LLM_ASSIGN_OR_RETURN(auto opened, OpenVocab(c.vocab_from));
    vocab_file = std::move(opened.first);
    if (c.vocab > 0 && c.vocab != opened.second) {
      return Status::InvalidArgument("--vocab " + std::to_string(c.vocab) + " differs from the " +
                                     std::to_string(opened.second) + " tokens of " + c.vocab_from);
    }
    vocab = opened.second;
  }
  LLM_ASSIGN_OR_RETURN(const engine::ArchSpec* spec, engine::FindArchitecture(c.arch));
  AddHyperparameters(c, *spec, vocab, w);
  if (vocab_file) LLM_RETURN_IF_ERROR(CopyTokenizer(*vocab_file, w));
  const int threads =
      c.threads > 0 ? c.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  AddTensors(c, *spec, vocab, threads, w);
  return w.WriteFile(path);
}

}  // namespace llm::tools
