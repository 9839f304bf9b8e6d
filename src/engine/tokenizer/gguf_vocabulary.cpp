// Tokenizer::FromGguf: the tokenizer.ggml.* keys of a GGUF file into a VocabularySpec.
#include "engine/tokenizer/tokenizer.h"

namespace llm::engine {

namespace {

// Reads an optional key with `getter`: absent leaves `*out` empty, a present key of the wrong
// kind is an error naming the key.
template <typename T>
Status ReadOptional(const GgufFile& file, std::string_view key,
                    Result<T> (GgufFile::*getter)(std::string_view) const, std::optional<T>* out) {
  if (!file.Has(key)) return Status::Ok();
  Result<T> value = (file.*getter)(key);
  if (!value.ok()) return value.status();
  *out = std::move(value).value();
  return Status::Ok();
}

template <typename T>
Status ReadOptionalInto(const GgufFile& file, std::string_view key,
                        Result<T> (GgufFile::*getter)(std::string_view) const, T* out) {
  std::optional<T> value;
  LLM_RETURN_IF_ERROR(ReadOptional(file, key, getter, &value));
  if (value) *out = std::move(*value);
  return Status::Ok();
}

// Scores are f32 in practice; llama.cpp also accepts i32.
Status ReadScores(const GgufFile& file, std::vector<float>* scores) {
  constexpr std::string_view kKey = "tokenizer.ggml.scores";
  if (!file.Has(kKey)) return Status::Ok();
  Result<std::vector<float>> floats = file.GetFloatArray(kKey);
  if (floats.ok()) {
    *scores = std::move(floats).value();
    return Status::Ok();
  }
  LLM_ASSIGN_OR_RETURN(std::vector<int64_t> ints, file.GetIntArray(kKey));
  scores->assign(ints.begin(), ints.end());
  return Status::Ok();
}

Status ReadTokenTypes(const GgufFile& file, std::vector<int32_t>* types) {
  std::vector<int64_t> raw;
  LLM_RETURN_IF_ERROR(ReadOptionalInto(file, "tokenizer.ggml.token_type", &GgufFile::GetIntArray, &raw));
  types->reserve(raw.size());
  for (int64_t t : raw) types->push_back(t < INT32_MIN || t > INT32_MAX ? 0 : static_cast<int32_t>(t));
  return Status::Ok();
}

Status ReadSpecialIds(const GgufFile& file, VocabularySpec* spec) {
  const std::pair<std::string_view, std::optional<int64_t>*> ids[] = {
      {"tokenizer.ggml.bos_token_id", &spec->bos_id},
      {"tokenizer.ggml.eos_token_id", &spec->eos_id},
      {"tokenizer.ggml.eot_token_id", &spec->eot_id},
      {"tokenizer.ggml.eom_token_id", &spec->eom_id},
      {"tokenizer.ggml.unknown_token_id", &spec->unk_id},
      {"tokenizer.ggml.seperator_token_id", &spec->sep_id},
      {"tokenizer.ggml.padding_token_id", &spec->pad_id},
      {"tokenizer.ggml.fim_pre_token_id", &spec->fim_pre_id},
      {"tokenizer.ggml.fim_suf_token_id", &spec->fim_suf_id},
      {"tokenizer.ggml.fim_mid_token_id", &spec->fim_mid_id},
      {"tokenizer.ggml.fim_pad_token_id", &spec->fim_pad_id},
      {"tokenizer.ggml.fim_rep_token_id", &spec->fim_rep_id},
      {"tokenizer.ggml.fim_sep_token_id", &spec->fim_sep_id},
      // deprecated spellings of the FIM ids
      {"tokenizer.ggml.prefix_token_id", &spec->fim_pre_id},
      {"tokenizer.ggml.suffix_token_id", &spec->fim_suf_id},
      {"tokenizer.ggml.middle_token_id", &spec->fim_mid_id},
  };
  for (const auto& [key, out] : ids) {
    LLM_RETURN_IF_ERROR(ReadOptional(file, key, &GgufFile::GetInt, out));
  }
  LLM_RETURN_IF_ERROR(ReadOptional(file, "tokenizer.ggml.add_bos_token", &GgufFile::GetBool, &spec->add_bos));
  LLM_RETURN_IF_ERROR(ReadOptional(file, "tokenizer.ggml.add_eos_token", &GgufFile::GetBool, &spec->add_eos));
  LLM_RETURN_IF_ERROR(
      ReadOptional(file, "tokenizer.ggml.add_space_prefix", &GgufFile::GetBool, &spec->add_space_prefix));
  return Status::Ok();
}

Result<VocabularySpec> ReadSpec(const GgufFile& file) {
  VocabularySpec spec;
  LLM_ASSIGN_OR_RETURN(spec.model, file.GetString("tokenizer.ggml.model"));
  LLM_RETURN_IF_ERROR(ReadOptionalInto(file, "tokenizer.ggml.pre", &GgufFile::GetString, &spec.pre));
  LLM_RETURN_IF_ERROR(ReadOptionalInto(file, "general.name", &GgufFile::GetString, &spec.general_name));
  if (spec.model != "llama" && spec.model != "gpt2") {
    return Status::Unsupported("unsupported tokenizer model '" + spec.model + "' (supported: llama, gpt2)");
  }
  LLM_ASSIGN_OR_RETURN(spec.tokens, file.GetStringArray("tokenizer.ggml.tokens"));
  LLM_RETURN_IF_ERROR(ReadScores(file, &spec.scores));
  LLM_RETURN_IF_ERROR(ReadTokenTypes(file, &spec.token_types));
  if (spec.model == "gpt2") {
    LLM_ASSIGN_OR_RETURN(spec.merges, file.GetStringArray("tokenizer.ggml.merges"));
  }
  LLM_RETURN_IF_ERROR(ReadSpecialIds(file, &spec));
  return spec;
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> Tokenizer::FromGguf(const GgufFile& file) {
  LLM_ASSIGN_OR_RETURN(VocabularySpec spec, ReadSpec(file));
  return FromSpec(std::move(spec));
}

}  // namespace llm::engine
