#include "engine/model/model_loader.h"

#include <array>
#include <cctype>
#include <map>
#include <string_view>

namespace llm::engine::model_internal {
namespace {

std::string Key(const ModelHparams& hp, std::string_view suffix) {
  return hp.architecture + "." + std::string(suffix);
}

// A required positive integer key.
Result<int32_t> ReadCount(const GgufFile& file, const std::string& key) {
  Result<int64_t> v = file.GetInt(key);
  if (!v.ok()) return Status::Corruption("model metadata: " + v.status().message());
  if (*v <= 0 || *v > (int64_t{1} << 30)) {
    return Status::Corruption("model metadata: " + key + " = " + std::to_string(*v) +
                              " is out of range");
  }
  return static_cast<int32_t>(*v);
}

// An optional positive integer key; `fallback` when absent.
Result<int32_t> ReadCountOr(const GgufFile& file, const std::string& key, int32_t fallback) {
  if (!file.Has(key)) return fallback;
  return ReadCount(file, key);
}

Result<float> ReadFloatOr(const GgufFile& file, const std::string& key, float fallback) {
  if (!file.Has(key)) return fallback;
  Result<double> v = file.GetFloat(key);
  if (!v.ok()) return Status::Corruption("model metadata: " + v.status().message());
  if (!(*v > 0)) return Status::Corruption("model metadata: " + key + " must be positive");
  return static_cast<float>(*v);
}

std::string DimsToString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

Result<const GgufTensorInfo*> FindWithDims(const GgufFile& file, const std::string& name,
                                           const std::vector<int64_t>& dims) {
  const GgufTensorInfo* t = file.FindTensor(name);
  if (t == nullptr) return Status::Corruption("model: tensor '" + name + "' is missing");
  if (t->dims != dims) {
    return Status::Corruption("model: tensor '" + name + "' has shape " + DimsToString(t->dims) +
                              ", expected " + DimsToString(dims));
  }
  return t;
}

// A matrix of `rows` x `cols` (ggml dims {cols, rows}) in a type MatMul supports.
Result<WeightMatrix> Matrix(const GgufFile& file, const std::string& name, int64_t rows,
                            int64_t cols) {
  LLM_ASSIGN_OR_RETURN(const GgufTensorInfo* t, FindWithDims(file, name, {cols, rows}));
  if (!IsMatMulSupported(t->type)) {
    return Status::Unsupported("model: tensor '" + name + "' has type " +
                               std::string(TraitsOf(t->type).name) +
                               ", which matrix products do not support");
  }
  if (cols % TraitsOf(t->type).block_size != 0) {
    return Status::Corruption("model: tensor '" + name + "' rows are not whole blocks");
  }
  return WeightMatrix{t->type, t->data, rows, cols, RowBytes(t->type, cols)};
}

// A vector of n floats (f32, f16 or bf16 in the file), copied to f32.
Result<std::vector<float>> Vector(const GgufFile& file, const std::string& name, int64_t n) {
  LLM_ASSIGN_OR_RETURN(const GgufTensorInfo* t, FindWithDims(file, name, {n}));
  if (t->type != GgmlType::kF32 && t->type != GgmlType::kF16 && t->type != GgmlType::kBF16) {
    return Status::Unsupported("model: tensor '" + name + "' has type " +
                               std::string(TraitsOf(t->type).name) + ", expected f32/f16/bf16");
  }
  std::vector<float> v(static_cast<size_t>(n));
  DequantizeRow(t->type, t->data, v.data(), n);
  return v;
}

Result<LayerWeights> ReadLayer(const GgufFile& file, const ModelHparams& hp, int layer) {
  const std::string p = "blk." + std::to_string(layer) + ".";
  const int64_t d = hp.n_embd, q_dim = int64_t{hp.n_head} * hp.head_dim,
                kv_dim = int64_t{hp.n_head_kv} * hp.head_dim, ff = hp.n_ff;
  LayerWeights w;
  LLM_ASSIGN_OR_RETURN(w.attn_norm, Vector(file, p + "attn_norm.weight", d));
  LLM_ASSIGN_OR_RETURN(w.wq, Matrix(file, p + "attn_q.weight", q_dim, d));
  LLM_ASSIGN_OR_RETURN(w.wk, Matrix(file, p + "attn_k.weight", kv_dim, d));
  LLM_ASSIGN_OR_RETURN(w.wv, Matrix(file, p + "attn_v.weight", kv_dim, d));
  LLM_ASSIGN_OR_RETURN(w.wo, Matrix(file, p + "attn_output.weight", d, q_dim));
  LLM_ASSIGN_OR_RETURN(w.ffn_norm, Vector(file, p + "ffn_norm.weight", d));
  LLM_ASSIGN_OR_RETURN(w.w_gate, Matrix(file, p + "ffn_gate.weight", ff, d));
  LLM_ASSIGN_OR_RETURN(w.w_up, Matrix(file, p + "ffn_up.weight", ff, d));
  LLM_ASSIGN_OR_RETURN(w.w_down, Matrix(file, p + "ffn_down.weight", d, ff));
  return w;
}

}  // namespace

Result<ModelHparams> ReadHparams(const GgufFile& file) {
  ModelHparams hp;
  Result<std::string> arch = file.GetString("general.architecture");
  if (!arch.ok()) return Status::Corruption("model: general.architecture is missing");
  hp.architecture = *arch;
  if (!IsSupportedArchitecture(hp.architecture)) {
    return Status::Unsupported("model: architecture '" + hp.architecture +
                               "' is not supported (supported: the llama family)");
  }
  LLM_ASSIGN_OR_RETURN(hp.n_ctx_train, ReadCount(file, Key(hp, "context_length")));
  LLM_ASSIGN_OR_RETURN(hp.n_embd, ReadCount(file, Key(hp, "embedding_length")));
  LLM_ASSIGN_OR_RETURN(hp.n_layer, ReadCount(file, Key(hp, "block_count")));
  LLM_ASSIGN_OR_RETURN(hp.n_ff, ReadCount(file, Key(hp, "feed_forward_length")));
  LLM_ASSIGN_OR_RETURN(hp.n_head, ReadCount(file, Key(hp, "attention.head_count")));
  LLM_ASSIGN_OR_RETURN(hp.n_head_kv,
                       ReadCountOr(file, Key(hp, "attention.head_count_kv"), hp.n_head));
  if (hp.n_embd % hp.n_head != 0) {
    return Status::Corruption("model: embedding_length " + std::to_string(hp.n_embd) +
                              " is not a multiple of head_count " + std::to_string(hp.n_head));
  }
  if (hp.n_head % hp.n_head_kv != 0) {
    return Status::Corruption("model: head_count " + std::to_string(hp.n_head) +
                              " is not a multiple of head_count_kv " +
                              std::to_string(hp.n_head_kv));
  }
  hp.head_dim = hp.n_embd / hp.n_head;
  if (hp.head_dim > 512) {
    return Status::Unsupported("model: head size " + std::to_string(hp.head_dim) +
                               " is larger than 512");
  }
  LLM_ASSIGN_OR_RETURN(hp.n_rot, ReadCountOr(file, Key(hp, "rope.dimension_count"), hp.head_dim));
  if (hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0) {
    return Status::Corruption("model: rope.dimension_count " + std::to_string(hp.n_rot) +
                              " must be even and at most the head size " +
                              std::to_string(hp.head_dim));
  }
  LLM_ASSIGN_OR_RETURN(hp.rms_eps,
                       ReadFloatOr(file, Key(hp, "attention.layer_norm_rms_epsilon"), 1e-5f));
  LLM_ASSIGN_OR_RETURN(hp.rope_freq_base, ReadFloatOr(file, Key(hp, "rope.freq_base"), 10000.0f));
  return hp;
}

Result<ModelWeights> ReadWeights(const GgufFile& file, ModelHparams* hp) {
  ModelWeights w;
  const GgufTensorInfo* embd = file.FindTensor("token_embd.weight");
  if (embd == nullptr) return Status::Corruption("model: tensor 'token_embd.weight' is missing");
  if (embd->dims.size() != 2 || embd->dims[1] <= 0 || embd->dims[1] > (int64_t{1} << 30)) {
    return Status::Corruption("model: tensor 'token_embd.weight' has shape " +
                              DimsToString(embd->dims) + ", expected [n_embd, n_vocab]");
  }
  hp->n_vocab = static_cast<int32_t>(embd->dims[1]);
  LLM_ASSIGN_OR_RETURN(w.token_embd, Matrix(file, "token_embd.weight", hp->n_vocab, hp->n_embd));
  w.layers.reserve(static_cast<size_t>(hp->n_layer));
  for (int i = 0; i < hp->n_layer; ++i) {
    LLM_ASSIGN_OR_RETURN(LayerWeights layer, ReadLayer(file, *hp, i));
    w.layers.push_back(std::move(layer));
  }
  LLM_ASSIGN_OR_RETURN(w.output_norm, Vector(file, "output_norm.weight", hp->n_embd));
  if (file.FindTensor("output.weight") != nullptr) {
    LLM_ASSIGN_OR_RETURN(w.output, Matrix(file, "output.weight", hp->n_vocab, hp->n_embd));
  } else {
    w.output = w.token_embd;  // tied embeddings
  }
  if (file.FindTensor("rope_freqs.weight") != nullptr) {
    LLM_ASSIGN_OR_RETURN(w.rope_freq_factors, Vector(file, "rope_freqs.weight", hp->n_rot / 2));
  }
  return w;
}

std::string FileTypeName(const GgufFile& file) {
  // llama_ftype values (llama.h) whose names are stable; others fall back to the tensors.
  static const std::map<int64_t, std::string_view> kFileTypes = {
      {0, "F32"},     {1, "F16"},     {2, "Q4_0"},    {3, "Q4_1"},    {7, "Q8_0"},
      {8, "Q5_0"},    {9, "Q5_1"},    {10, "Q2_K"},   {11, "Q3_K_S"}, {12, "Q3_K_M"},
      {13, "Q3_K_L"}, {14, "Q4_K_S"}, {15, "Q4_K_M"}, {16, "Q5_K_S"}, {17, "Q5_K_M"},
      {18, "Q6_K"},   {21, "Q2_K_S"}, {32, "BF16"}};
  Result<int64_t> ftype = file.GetInt("general.file_type");
  if (ftype.ok()) {
    auto it = kFileTypes.find(*ftype);
    if (it != kFileTypes.end()) return std::string(it->second);
  }
  std::map<GgmlType, size_t> bytes_by_type;
  for (const GgufTensorInfo& t : file.tensors()) {
    if (t.dims.size() >= 2) bytes_by_type[t.type] += t.size_bytes;
  }
  GgmlType best = GgmlType::kF32;
  size_t best_bytes = 0;
  for (const auto& [type, bytes] : bytes_by_type) {
    if (bytes > best_bytes) best = type, best_bytes = bytes;
  }
  std::string name(TraitsOf(best).name);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

int64_t ParameterCount(const GgufFile& file) {
  int64_t n = 0;
  for (const GgufTensorInfo& t : file.tensors()) n += t.element_count();
  return n;
}

}  // namespace llm::engine::model_internal
