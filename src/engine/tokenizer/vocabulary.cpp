#include "engine/tokenizer/vocabulary.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace llm::engine {

namespace {

// One accepted value of tokenizer.ggml.pre and what llama.cpp (b4748) sets for it.
struct PreEntry {
  std::string_view name;
  PreTokenizerType type;
  bool clean_spaces;    // decoding removes spaces before punctuation
  bool ignore_merges;   // a pre-token that is itself a token skips the merges
  bool add_bos;         // default of add_bos before tokenizer.ggml.add_bos_token
};

constexpr PreEntry kPreEntries[] = {
    {"default", PreTokenizerType::kDefault, true, false, false},
    {"llama3", PreTokenizerType::kLlama3, true, true, true},
    {"llama-v3", PreTokenizerType::kLlama3, true, true, true},
    {"llama-bpe", PreTokenizerType::kLlama3, true, true, true},
    {"falcon3", PreTokenizerType::kLlama3, true, true, true},
    {"deepseek-llm", PreTokenizerType::kDeepseekLlm, false, false, false},
    {"deepseek-coder", PreTokenizerType::kDeepseekCoder, false, false, false},
    {"deepseek-v3", PreTokenizerType::kDeepseek3Llm, false, false, false},
    {"falcon", PreTokenizerType::kFalcon, true, false, false},
    {"mpt", PreTokenizerType::kMpt, true, false, false},
    {"starcoder", PreTokenizerType::kStarcoder, true, false, false},
    {"gpt-2", PreTokenizerType::kGpt2, true, false, false},
    {"phi-2", PreTokenizerType::kGpt2, true, false, false},
    {"jina-es", PreTokenizerType::kGpt2, true, false, false},
    {"jina-de", PreTokenizerType::kGpt2, true, false, false},
    {"gigachat", PreTokenizerType::kGpt2, true, false, false},
    {"jina-v1-en", PreTokenizerType::kGpt2, true, false, false},
    {"jina-v2-es", PreTokenizerType::kGpt2, true, false, false},
    {"jina-v2-de", PreTokenizerType::kGpt2, true, false, false},
    {"jina-v2-code", PreTokenizerType::kGpt2, true, false, false},
    {"roberta-bpe", PreTokenizerType::kGpt2, true, false, false},
    {"refact", PreTokenizerType::kRefact, true, false, false},
    {"command-r", PreTokenizerType::kCommandR, false, false, false},
    {"qwen2", PreTokenizerType::kQwen2, false, false, false},
    {"deepseek-r1-qwen", PreTokenizerType::kQwen2, false, false, false},
    {"megrez", PreTokenizerType::kQwen2, true, false, false},
    {"stablelm2", PreTokenizerType::kStablelm2, true, false, false},
    {"olmo", PreTokenizerType::kOlmo, true, false, false},
    {"dbrx", PreTokenizerType::kDbrx, true, false, false},
    {"smaug-bpe", PreTokenizerType::kSmaug, true, false, false},
    {"poro-chat", PreTokenizerType::kPoro, false, false, false},
    {"chatglm-bpe", PreTokenizerType::kChatGlm4, true, false, false},
    {"viking", PreTokenizerType::kViking, false, false, false},
    {"jais", PreTokenizerType::kJais, true, false, false},
    {"smollm", PreTokenizerType::kSmollm, false, false, false},
    {"codeshell", PreTokenizerType::kCodeshell, true, false, false},
    {"bloom", PreTokenizerType::kBloom, true, false, false},
    {"gpt3-finnish", PreTokenizerType::kGpt3Finnish, true, false, false},
    {"exaone", PreTokenizerType::kExaone, true, false, false},
    {"minerva-7b", PreTokenizerType::kMinerva, true, false, false},
};

uint32_t AttrOfType(int32_t type) {
  switch (type) {
    case 1: return kAttrNormal;
    case 2: return kAttrUnknown;
    case 3: return kAttrControl;
    case 4: return kAttrUserDefined;
    case 5: return kAttrUnused;
    case 6: return kAttrByte;
    default: return kAttrUndefined;
  }
}

// Sets the model-dependent defaults: type, default special ids, flags.
Status ApplyModelDefaults(const VocabularySpec& spec, Vocabulary* v) {
  v->model_name = spec.model;
  v->pre_name = spec.pre;
  if (spec.model == "llama") {
    v->type = VocabType::kSpm;
    v->bos_id = 1;
    v->eos_id = 2;
    v->unk_id = 0;
    v->add_space_prefix = true;
    v->add_bos = true;
    return Status::Ok();
  }
  if (spec.model != "gpt2") {
    return Status::Unsupported("unsupported tokenizer model '" + spec.model +
                               "' (supported: llama, gpt2)");
  }
  v->type = VocabType::kBpe;
  v->bos_id = 11;
  v->eos_id = 11;
  v->clean_spaces = true;
  const std::string_view pre = spec.pre.empty() ? std::string_view("default") : spec.pre;
  for (const PreEntry& e : kPreEntries) {
    if (e.name != pre) continue;
    v->pre = e.type;
    v->clean_spaces = e.clean_spaces;
    v->ignore_merges = e.ignore_merges;
    v->add_bos = e.add_bos;
    if (e.type == PreTokenizerType::kChatGlm4) v->bos_id = -1;
    return Status::Ok();
  }
  return Status::Unsupported("unsupported pre-tokenizer '" + spec.pre + "' for tokenizer model gpt2");
}

Status LoadTokens(VocabularySpec& spec, Vocabulary* v) {
  const size_t n = spec.tokens.size();
  if (n == 0) return Status::InvalidArgument("tokenizer.ggml.tokens is empty");
  if (n > static_cast<size_t>(INT32_MAX)) return Status::InvalidArgument("too many tokens");
  if (!spec.scores.empty() && spec.scores.size() < n) {
    return Status::InvalidArgument("tokenizer.ggml.scores has fewer entries than tokens");
  }
  if (!spec.token_types.empty() && spec.token_types.size() < n) {
    return Status::InvalidArgument("tokenizer.ggml.token_type has fewer entries than tokens");
  }
  v->tokens.resize(n);
  v->token_to_id.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    TokenData& t = v->tokens[i];
    t.text = std::move(spec.tokens[i]);
    if (t.text.empty()) t.text = "[EMPTY_" + std::to_string(i) + "]";
    t.score = spec.scores.empty() ? 0.0f : spec.scores[i];
    t.attr = spec.token_types.empty() ? kAttrNormal : AttrOfType(spec.token_types[i]);
    v->token_to_id[t.text] = static_cast<int32_t>(i);  // a duplicate text keeps the last id
  }
  return Status::Ok();
}

void LoadMerges(const std::vector<std::string>& merges, Vocabulary* v) {
  v->bpe_ranks.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const std::string& m = merges[i];
    const size_t pos = m.find(' ', 1);
    std::pair<std::string, std::string> key;
    if (pos != std::string::npos) key = {m.substr(0, pos), m.substr(pos + 1)};
    v->bpe_ranks.emplace(std::move(key), static_cast<int32_t>(i));  // first rank wins
  }
}

void ApplySpecialIds(const VocabularySpec& spec, Vocabulary* v) {
  const auto set = [&](const std::optional<int64_t>& value, int32_t* id) {
    if (value && *value >= 0 && *value < v->size()) *id = static_cast<int32_t>(*value);
  };
  set(spec.bos_id, &v->bos_id);
  set(spec.eos_id, &v->eos_id);
  set(spec.eot_id, &v->eot_id);
  set(spec.eom_id, &v->eom_id);
  set(spec.unk_id, &v->unk_id);
  set(spec.sep_id, &v->sep_id);
  set(spec.pad_id, &v->pad_id);
  set(spec.fim_pre_id, &v->fim_pre_id);
  set(spec.fim_suf_id, &v->fim_suf_id);
  set(spec.fim_mid_id, &v->fim_mid_id);
  set(spec.fim_pad_id, &v->fim_pad_id);
  set(spec.fim_rep_id, &v->fim_rep_id);
  set(spec.fim_sep_id, &v->fim_sep_id);
  if (spec.add_bos) v->add_bos = *spec.add_bos;
  if (spec.add_eos) v->add_eos = *spec.add_eos;
  if (spec.add_space_prefix) v->add_space_prefix = *spec.add_space_prefix;
  // Out-of-range defaults (a vocabulary smaller than the default ids) mean "absent".
  for (int32_t* id : {&v->bos_id, &v->eos_id, &v->unk_id}) {
    if (*id >= v->size()) *id = -1;
  }
}

// llama.cpp marks these texts as control tokens and picks the first present one for a role
// left unset by the metadata.
struct RoleTexts {
  int32_t Vocabulary::*id;
  std::vector<std::string_view> texts;
};

void DetectRolesByText(Vocabulary* v) {
  const std::array<RoleTexts, 7> roles = {{
      {&Vocabulary::eot_id, {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
                             "<|endoftext|>", "<EOT>", "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>"}},
      {&Vocabulary::eom_id, {"<|eom_id|>"}},
      {&Vocabulary::fim_pre_id, {"<|fim_prefix|>", "<fim-prefix>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "begin\xEF\xBD\x9C>", "<PRE>"}},
      {&Vocabulary::fim_suf_id, {"<|fim_suffix|>", "<fim-suffix>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81hole\xEF\xBD\x9C>", "<SUF>"}},
      {&Vocabulary::fim_mid_id, {"<|fim_middle|>", "<fim-middle>", "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "end\xEF\xBD\x9C>", "<MID>"}},
      {&Vocabulary::fim_pad_id, {"<|fim_pad|>", "<fim-pad>", "<PAD>"}},
      {&Vocabulary::fim_rep_id, {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>"}},
  }};
  for (int32_t id = 0; id < v->size(); ++id) {
    TokenData& t = v->tokens[id];
    for (const RoleTexts& role : roles) {
      if (v->*role.id != -1) continue;
      if (std::find(role.texts.begin(), role.texts.end(), t.text) == role.texts.end()) continue;
      v->*role.id = id;
      if (!(t.attr & kAttrControl)) t.attr = kAttrControl;
    }
    if (v->fim_sep_id == -1 && t.text == "<|file_sep|>") {
      v->fim_sep_id = id;
      if (!(t.attr & kAttrControl)) t.attr = kAttrControl;
    }
  }
}

void BuildEndOfGeneration(Vocabulary* v) {
  static constexpr std::string_view kEogTexts[] = {
      "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>"};
  for (int32_t id : {v->fim_pad_id, v->fim_rep_id, v->fim_sep_id}) {
    if (id != -1) v->eog_ids.insert(id);
  }
  for (int32_t id = 0; id < v->size(); ++id) {
    TokenData& t = v->tokens[id];
    if (std::find(std::begin(kEogTexts), std::end(kEogTexts), t.text) == std::end(kEogTexts)) continue;
    v->eog_ids.insert(id);
    if (!(t.attr & kAttrControl)) t.attr = kAttrControl;
  }
  for (int32_t id : {v->eos_id, v->eot_id, v->eom_id}) {
    if (id != -1) v->eog_ids.insert(id);
  }
}

void BuildSpecialTokenCache(Vocabulary* v) {
  for (int32_t id = 0; id < v->size(); ++id) {
    if (v->Has(id, kAttrControl | kAttrUserDefined | kAttrUnknown)) v->special_tokens.push_back(id);
  }
  // Same comparator and algorithm as llama.cpp, so equal-length ties land in the same order.
  std::sort(v->special_tokens.begin(), v->special_tokens.end(), [v](int32_t a, int32_t b) {
    return v->tokens[a].text.size() > v->tokens[b].text.size();
  });
}

void SetAttr(Vocabulary* v, const std::string& text, uint32_t attr, bool on) {
  const int32_t id = v->Find(text);
  if (id < 0) return;
  v->tokens[id].attr = on ? (v->tokens[id].attr | attr) : (v->tokens[id].attr & ~attr);
}

// Per-model strip flags that llama.cpp derives from general.name / tokenizer.ggml.pre.
void ApplyModelQuirks(const VocabularySpec& spec, Vocabulary* v) {
  std::string name = spec.general_name;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  const auto contains = [](const std::string& s, std::initializer_list<std::string_view> subs) {
    return std::any_of(subs.begin(), subs.end(),
                       [&](std::string_view sub) { return s.find(sub) != std::string::npos; });
  };
  if (contains(spec.pre, {"jina-v2-de", "jina-v2-es", "jina-v2-code"})) {
    SetAttr(v, "<mask>", kAttrLstrip, true);
  } else if (contains(name, {"phi-3", "phi3"})) {
    for (int32_t id : v->special_tokens) v->tokens[id].attr |= kAttrRstrip;
    SetAttr(v, "</s>", kAttrRstrip, true);
    for (const char* t : {"<unk>", "<s>", "<|endoftext|>"}) SetAttr(v, t, kAttrRstrip, false);
  }
}

}  // namespace

int32_t Vocabulary::MergeRank(const std::string& left, const std::string& right) const {
  auto it = bpe_ranks.find(std::make_pair(left, right));
  return it == bpe_ranks.end() ? -1 : it->second;
}

Result<Vocabulary> BuildVocabulary(VocabularySpec spec) {
  Vocabulary v;
  LLM_RETURN_IF_ERROR(ApplyModelDefaults(spec, &v));
  if (v.type == VocabType::kBpe) {
    if (spec.merges.empty()) return Status::InvalidArgument("tokenizer.ggml.merges is missing");
    LoadMerges(spec.merges, &v);
  }
  LLM_RETURN_IF_ERROR(LoadTokens(spec, &v));
  ApplySpecialIds(spec, &v);
  if (v.add_bos && v.bos_id == -1) {
    return Status::InvalidArgument("tokenizer.ggml.add_bos_token is true but there is no BOS token");
  }
  if (v.add_eos && v.eos_id == -1) {
    return Status::InvalidArgument("tokenizer.ggml.add_eos_token is true but there is no EOS token");
  }
  DetectRolesByText(&v);
  BuildEndOfGeneration(&v);
  BuildSpecialTokenCache(&v);
  ApplyModelQuirks(spec, &v);
  return v;
}

}  // namespace llm::engine
