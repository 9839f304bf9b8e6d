#include "engine/model/model_loader.h"

#include <array>
#include <cctype>
#include <map>
#include <string_view>

namespace llm::engine::model_internal {
namespace {

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

// An optional vector: empty when the file does not have it.
Result<std::vector<float>> OptionalVector(const GgufFile& file, const std::string& name, int64_t n) {
  if (file.FindTensor(name) == nullptr) return std::vector<float>();
  return Vector(file, name, n);
}

// Rows [first, first + rows) of a matrix view.
WeightMatrix RowRange(const WeightMatrix& m, int64_t first, int64_t rows) {
  const auto* data = static_cast<const uint8_t*>(m.data) + static_cast<size_t>(first) * m.row_bytes;
  return WeightMatrix{m.type, data, rows, m.cols, m.row_bytes};
}

// Q, K, V projections (fused or separate), their biases and per-head norms.
Status ReadAttention(const GgufFile& file, const ModelHparams& hp, const std::string& p,
                     LayerWeights& w) {
  const ArchSpec& spec = *hp.arch;
  const int64_t d = hp.n_embd, q_dim = int64_t{hp.n_head} * hp.head_dim,
                kv_dim = int64_t{hp.n_head_kv} * hp.head_dim;
  if (spec.fused_qkv) {
    LLM_ASSIGN_OR_RETURN(const WeightMatrix qkv, Matrix(file, p + "attn_qkv.weight", q_dim + 2 * kv_dim, d));
    w.wq = RowRange(qkv, 0, q_dim);
    w.wk = RowRange(qkv, q_dim, kv_dim);
    w.wv = RowRange(qkv, q_dim + kv_dim, kv_dim);
  } else {
    LLM_ASSIGN_OR_RETURN(w.wq, Matrix(file, p + "attn_q.weight", q_dim, d));
    LLM_ASSIGN_OR_RETURN(w.wk, Matrix(file, p + "attn_k.weight", kv_dim, d));
    LLM_ASSIGN_OR_RETURN(w.wv, Matrix(file, p + "attn_v.weight", kv_dim, d));
  }
  if (spec.qkv_bias) {
    LLM_ASSIGN_OR_RETURN(w.bq, Vector(file, p + "attn_q.bias", q_dim));
    LLM_ASSIGN_OR_RETURN(w.bk, Vector(file, p + "attn_k.bias", kv_dim));
    LLM_ASSIGN_OR_RETURN(w.bv, Vector(file, p + "attn_v.bias", kv_dim));
  }
  if (spec.qk_norm) {
    LLM_ASSIGN_OR_RETURN(w.q_norm, Vector(file, p + "attn_q_norm.weight", hp.head_dim));
    LLM_ASSIGN_OR_RETURN(w.k_norm, Vector(file, p + "attn_k_norm.weight", hp.head_dim));
  }
  LLM_ASSIGN_OR_RETURN(w.wo, Matrix(file, p + "attn_output.weight", d, q_dim));
  return Status::Ok();
}

// The gated feed-forward network (gate and up fused or separate).
Status ReadFeedForward(const GgufFile& file, const ModelHparams& hp, const std::string& p,
                       LayerWeights& w) {
  const int64_t d = hp.n_embd, ff = hp.n_ff;
  if (hp.arch->fused_gate_up) {
    LLM_ASSIGN_OR_RETURN(const WeightMatrix gate_up, Matrix(file, p + "ffn_up.weight", 2 * ff, d));
    w.w_gate = RowRange(gate_up, 0, ff);
    w.w_up = RowRange(gate_up, ff, ff);
  } else {
    LLM_ASSIGN_OR_RETURN(w.w_gate, Matrix(file, p + "ffn_gate.weight", ff, d));
    LLM_ASSIGN_OR_RETURN(w.w_up, Matrix(file, p + "ffn_up.weight", ff, d));
  }
  LLM_ASSIGN_OR_RETURN(w.w_down, Matrix(file, p + "ffn_down.weight", d, ff));
  return Status::Ok();
}

Result<LayerWeights> ReadLayer(const GgufFile& file, const ModelHparams& hp, int layer) {
  const std::string p = "blk." + std::to_string(layer) + ".";
  const int64_t d = hp.n_embd;
  LayerWeights w;
  LLM_ASSIGN_OR_RETURN(w.attn_norm, Vector(file, p + "attn_norm.weight", d));
  LLM_RETURN_IF_ERROR(ReadAttention(file, hp, p, w));
  LLM_ASSIGN_OR_RETURN(w.ffn_norm, Vector(file, p + "ffn_norm.weight", d));
  LLM_RETURN_IF_ERROR(ReadFeedForward(file, hp, p, w));
  if (hp.arch->post_norms) {
    LLM_ASSIGN_OR_RETURN(w.post_attn_norm, Vector(file, p + "post_attention_norm.weight", d));
    LLM_ASSIGN_OR_RETURN(w.post_ffn_norm, Vector(file, p + "post_ffw_norm.weight", d));
  }
  return w;
}

}  // namespace

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
  LLM_ASSIGN_OR_RETURN(w.rope_freq_factors, OptionalVector(file, "rope_freqs.weight", hp->n_rot / 2));
  if (hp->arch->long_rope_factors) {
    LLM_ASSIGN_OR_RETURN(w.rope_factors_long, OptionalVector(file, "rope_factors_long.weight", hp->n_rot / 2));
    LLM_ASSIGN_OR_RETURN(w.rope_factors_short,
                         OptionalVector(file, "rope_factors_short.weight", hp->n_rot / 2));
  }
  return w;
}

Status PackForKernels(const GgufFile& file, ModelWeights* w, std::vector<std::shared_ptr<uint8_t[]>>* storage) {
  // Matrix views never share bytes, except a tied output with the token embedding.
  const auto* embd = static_cast<const uint8_t*>(w->token_embd.data);
  const size_t embd_bytes = MatrixBytes(w->token_embd);
  const auto pack = [&](WeightMatrix* m) -> Status {
    const auto* begin = static_cast<const uint8_t*>(m->data);
    const size_t bytes = MatrixBytes(*m);
    Result<PackedWeights> packed = ::llm::engine::PackForKernels(*m);
    if (!packed.ok()) return packed.status().code() == StatusCode::kUnsupported ? Status::Ok() : packed.status();
    *m = packed->matrix;
    storage->push_back(std::move(packed->storage));
    // Given back at once, so that loading never holds both copies of more than one matrix.
    if (begin >= embd + embd_bytes || embd >= begin + bytes) file.ReleaseBytes(begin, bytes);
    return Status::Ok();
  };
  for (LayerWeights& layer : w->layers) {
    for (WeightMatrix* m : {&layer.wq, &layer.wk, &layer.wv, &layer.wo, &layer.w_gate, &layer.w_up, &layer.w_down}) {
      LLM_RETURN_IF_ERROR(pack(m));
    }
  }
  return pack(&w->output);
}

}  // namespace llm::engine::model_internal

namespace llm::engine {

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

}  // namespace llm::engine
