#include "synthetic_gguf/llama_synth.h"

#include <algorithm>
#include <cmath>
#include <cstring>
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

void AddHyperparameters(const LlamaSynthConfig& c, int64_t vocab, engine::GgufWriter& w) {
  w.AddString("general.architecture", "llama");
  w.AddString("general.name", "synthetic-llama");
  w.AddU32("general.file_type", FileType(c.type));
  w.AddU32("llama.vocab_size", static_cast<uint32_t>(vocab));
  w.AddU32("llama.context_length", static_cast<uint32_t>(c.ctx));
  w.AddU32("llama.embedding_length", static_cast<uint32_t>(c.dim));
  w.AddU32("llama.block_count", static_cast<uint32_t>(c.layers));
  w.AddU32("llama.feed_forward_length", static_cast<uint32_t>(c.ffn));
  w.AddU32("llama.attention.head_count", static_cast<uint32_t>(c.heads));
  w.AddU32("llama.attention.head_count_kv", static_cast<uint32_t>(c.kv_heads));
  w.AddU32("llama.rope.dimension_count", static_cast<uint32_t>(c.dim / c.heads));
  w.AddF32("llama.attention.layer_norm_rms_epsilon", c.rms_eps);
  w.AddF32("llama.rope.freq_base", c.rope_freq_base);
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

void AddTensors(const LlamaSynthConfig& c, int64_t vocab, int threads, engine::GgufWriter& w) {
  const int64_t kv_dim = c.dim / c.heads * c.kv_heads;
  uint64_t next_seed = c.seed;
  auto matrix = [&](const std::string& name, int64_t cols, int64_t rows) {
    w.AddTensor(name, c.type, {cols, rows}, RandomMatrix(c.type, rows, cols, ++next_seed, threads));
  };
  auto norm = [&](const std::string& name) {
    w.AddTensor(name, GgmlType::kF32, {c.dim}, Ones(c.dim));
  };
  matrix("token_embd.weight", c.dim, vocab);
  for (int64_t l = 0; l < c.layers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    norm(p + "attn_norm.weight");
    matrix(p + "attn_q.weight", c.dim, c.dim);
    matrix(p + "attn_k.weight", c.dim, kv_dim);
    matrix(p + "attn_v.weight", c.dim, kv_dim);
    matrix(p + "attn_output.weight", c.dim, c.dim);
    norm(p + "ffn_norm.weight");
    matrix(p + "ffn_gate.weight", c.dim, c.ffn);
    matrix(p + "ffn_up.weight", c.dim, c.ffn);
    matrix(p + "ffn_down.weight", c.ffn, c.dim);
  }
  norm("output_norm.weight");
  if (!c.tied) matrix("output.weight", c.dim, vocab);
}

}  // namespace

Status ValidateConfig(const LlamaSynthConfig& c) {
  if (c.type != GgmlType::kF32 && c.type != GgmlType::kF16 && c.type != GgmlType::kQ8_0 &&
      c.type != GgmlType::kQ4_0) {
    return Status::InvalidArgument("type must be f32, f16, q8_0 or q4_0");
  }
  if (c.dim <= 0 || c.layers <= 0 || c.heads <= 0 || c.kv_heads <= 0 || c.ffn <= 0 ||
      c.ctx <= 0 || c.dim > (1 << 20) || c.ffn > (1 << 22) || c.layers > 1024) {
    return Status::InvalidArgument("dim, layers, heads, kv-heads, ffn and ctx must be positive");
  }
  if (c.dim % c.heads != 0 || (c.dim / c.heads) % 2 != 0) {
    return Status::InvalidArgument("dim must be a multiple of heads with an even head size");
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

Status WriteSyntheticLlama(const LlamaSynthConfig& c, const std::string& path) {
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
  AddHyperparameters(c, vocab, w);
  if (vocab_file) LLM_RETURN_IF_ERROR(CopyTokenizer(*vocab_file, w));
  const int threads =
      c.threads > 0 ? c.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  AddTensors(c, vocab, threads, w);
  return w.WriteFile(path);
}

}  // namespace llm::tools
