// ReadHparams: the `{arch}.*` hyperparameters, as the architecture table says to read them.
#include <cmath>
#include <string_view>

#include "engine/model/model.h"

namespace llm::engine {
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

// An optional positive float key; `fallback` when absent.
Result<float> ReadFloatOr(const GgufFile& file, const std::string& key, float fallback) {
  if (!file.Has(key)) return fallback;
  Result<double> v = file.GetFloat(key);
  if (!v.ok()) return Status::Corruption("model metadata: " + v.status().message());
  if (!(*v > 0)) return Status::Corruption("model metadata: " + key + " must be positive");
  return static_cast<float>(*v);
}

// Head counts and the head size (key_length when present, else n_embd / n_head).
Status ReadHeads(const GgufFile& file, ModelHparams& hp) {
  LLM_ASSIGN_OR_RETURN(hp.n_head, ReadCount(file, Key(hp, "attention.head_count")));
  LLM_ASSIGN_OR_RETURN(hp.n_head_kv,
                       ReadCountOr(file, Key(hp, "attention.head_count_kv"), hp.n_head));
  if (hp.n_head % hp.n_head_kv != 0) {
    return Status::Corruption("model: head_count " + std::to_string(hp.n_head) +
                              " is not a multiple of head_count_kv " +
                              std::to_string(hp.n_head_kv));
  }
  if (!file.Has(Key(hp, "attention.key_length")) && hp.n_embd % hp.n_head != 0) {
    return Status::Corruption("model: embedding_length " + std::to_string(hp.n_embd) +
                              " is not a multiple of head_count " + std::to_string(hp.n_head));
  }
  LLM_ASSIGN_OR_RETURN(hp.head_dim, ReadCountOr(file, Key(hp, "attention.key_length"),
                                                hp.n_embd / hp.n_head));
  LLM_ASSIGN_OR_RETURN(const int32_t value_length,
                       ReadCountOr(file, Key(hp, "attention.value_length"), hp.head_dim));
  if (value_length != hp.head_dim) {
    return Status::Unsupported("model: attention.value_length " + std::to_string(value_length) +
                               " differs from key_length " + std::to_string(hp.head_dim));
  }
  if (hp.head_dim > 512 || hp.head_dim % 2 != 0) {
    return Status::Unsupported("model: head size " + std::to_string(hp.head_dim) +
                               " is odd or larger than 512");
  }
  hp.attention_scale = 1.0f / std::sqrt(static_cast<float>(hp.head_dim));
  return Status::Ok();
}

// RoPE: dimensions, base, linear scaling, LongRoPE's original context and magnitude.
Status ReadRope(const GgufFile& file, ModelHparams& hp) {
  LLM_ASSIGN_OR_RETURN(hp.n_rot, ReadCountOr(file, Key(hp, "rope.dimension_count"), hp.head_dim));
  if (hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0) {
    return Status::Corruption("model: rope.dimension_count " + std::to_string(hp.n_rot) +
                              " must be even and at most the head size " +
                              std::to_string(hp.head_dim));
  }
  LLM_ASSIGN_OR_RETURN(hp.rope_freq_base, ReadFloatOr(file, Key(hp, "rope.freq_base"), 10000.0f));
  // Linear scaling divides the positions by the factor; YaRN is not implemented, and running
  // such a model without it would give wrong answers, so it is refused.
  Result<std::string> scaling = file.GetString(Key(hp, "rope.scaling.type"));
  if (scaling.ok() && *scaling == "linear") {
    LLM_ASSIGN_OR_RETURN(const float factor, ReadFloatOr(file, Key(hp, "rope.scaling.factor"), 1.0f));
    hp.rope_freq_scale = 1.0f / factor;
  } else if (scaling.ok() && *scaling != "none") {
    return Status::Unsupported("model: rope scaling type '" + *scaling +
                               "' is not supported (supported: none, linear)");
  }
  LLM_ASSIGN_OR_RETURN(hp.n_ctx_orig, ReadCountOr(file, Key(hp, "rope.scaling.original_context_length"),
                                                  hp.n_ctx_train));
  LLM_ASSIGN_OR_RETURN(hp.rope_attn_factor,
                       ReadFloatOr(file, Key(hp, "rope.scaling.attn_factor"), 1.0f));
  return Status::Ok();
}

// The switches of the architecture: embedding scale, soft-capping, sliding window.
Status ReadArchitectureScalars(const GgufFile& file, ModelHparams& hp) {
  const ArchSpec& spec = *hp.arch;
  if (spec.embedding_scale) hp.embedding_scale = std::sqrt(static_cast<float>(hp.n_embd));
  if (spec.embd_query_scale_layers == hp.n_layer) {
    hp.attention_scale = 1.0f / std::sqrt(static_cast<float>(hp.n_embd / hp.n_head));
  }
  if (spec.soft_capping) {
    LLM_ASSIGN_OR_RETURN(hp.attn_softcap, ReadFloatOr(file, Key(hp, "attn_logit_softcapping"), 0.0f));
    LLM_ASSIGN_OR_RETURN(hp.final_softcap,
                         ReadFloatOr(file, Key(hp, "final_logit_softcapping"), 0.0f));
  }
  hp.swa_layers.assign(static_cast<size_t>(hp.n_layer), 0);
  if (spec.swa_pattern > 0) {
    LLM_ASSIGN_OR_RETURN(hp.n_swa, ReadCountOr(file, Key(hp, "attention.sliding_window"), 0));
    for (int32_t il = 0; il < hp.n_layer; ++il) {
      const bool local = spec.swa_pattern == 1 || il % spec.swa_pattern < spec.swa_pattern - 1;
      hp.swa_layers[static_cast<size_t>(il)] = local ? 1 : 0;
    }
  }
  hp.rope_freq_base_swa = hp.rope_freq_base;
  hp.rope_freq_scale_swa = hp.rope_freq_scale;
  if (spec.swa_rope_base) {
    hp.rope_freq_scale_swa = 1.0f;
    LLM_ASSIGN_OR_RETURN(hp.rope_freq_base_swa,
                         ReadFloatOr(file, Key(hp, "rope.freq_base_swa"), 10000.0f));
  }
  return Status::Ok();
}

// The embedding switches: pooling_type (0..4, llama.cpp's enum) and attention.causal.
Status ReadEmbeddingKeys(const GgufFile& file, ModelHparams& hp) {
  const std::string pooling = Key(hp, "pooling_type");
  if (file.Has(pooling)) {
    Result<int64_t> v = file.GetInt(pooling);
    if (!v.ok()) return Status::Corruption("model metadata: " + v.status().message());
    if (*v < 0 || *v > 4) {
      return Status::Corruption("model metadata: " + pooling + " = " + std::to_string(*v) + " is out of range");
    }
    hp.pooling_type = static_cast<int32_t>(*v);
  }
  const std::string causal = Key(hp, "attention.causal");
  if (file.Has(causal)) {
    Result<bool> v = file.GetBool(causal);
    if (!v.ok()) return Status::Corruption("model metadata: " + v.status().message());
    hp.causal_attention = *v;
  }
  return Status::Ok();
}

}  // namespace

Result<ModelHparams> ReadHparams(const GgufFile& file) {
  ModelHparams hp;
  Result<std::string> arch = file.GetString("general.architecture");
  if (!arch.ok()) return Status::Corruption("model: general.architecture is missing");
  hp.architecture = *arch;
  LLM_ASSIGN_OR_RETURN(hp.arch, FindArchitecture(hp.architecture));
  LLM_ASSIGN_OR_RETURN(hp.n_ctx_train, ReadCount(file, Key(hp, "context_length")));
  LLM_ASSIGN_OR_RETURN(hp.n_embd, ReadCount(file, Key(hp, "embedding_length")));
  LLM_ASSIGN_OR_RETURN(hp.n_layer, ReadCount(file, Key(hp, "block_count")));
  LLM_ASSIGN_OR_RETURN(hp.n_ff, ReadCount(file, Key(hp, "feed_forward_length")));
  LLM_RETURN_IF_ERROR(ReadHeads(file, hp));
  LLM_RETURN_IF_ERROR(ReadRope(file, hp));
  LLM_ASSIGN_OR_RETURN(hp.rms_eps,
                       ReadFloatOr(file, Key(hp, "attention.layer_norm_rms_epsilon"), 1e-5f));
  LLM_RETURN_IF_ERROR(ReadArchitectureScalars(file, hp));
  LLM_RETURN_IF_ERROR(ReadEmbeddingKeys(file, hp));
  return hp;
}

}  // namespace llm::engine
