#include "engine/tokenizer/tokenizer.h"

#include "engine/tokenizer/encoders.h"
#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/special_partition.h"

namespace llm::engine {

namespace {

// Replaces every ' ' with U+2581, the SentencePiece space.
std::string EscapeSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    if (c == ' ') {
      out += "\xE2\x96\x81";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<Vocabulary> vocab, std::unique_ptr<PreTokenizer> pre)
    : vocab_(std::move(vocab)), pre_(std::move(pre)) {}

Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::FromSpec(VocabularySpec spec) {
  LLM_ASSIGN_OR_RETURN(Vocabulary vocab, BuildVocabulary(std::move(spec)));
  std::unique_ptr<PreTokenizer> pre;
  if (vocab.type == VocabType::kBpe) {
    LLM_ASSIGN_OR_RETURN(pre, PreTokenizer::Create(vocab.pre));
  }
  return std::unique_ptr<Tokenizer>(
      new Tokenizer(std::make_unique<Vocabulary>(std::move(vocab)), std::move(pre)));
}

void Tokenizer::EncodeFragments(std::string_view text, bool parse_special,
                                std::vector<int32_t>* out) const {
  const std::vector<Fragment> fragments = PartitionOnSpecialTokens(*vocab_, text, parse_special);
  bool prev_special = true;  // SentencePiece: a space prefix starts the text and follows specials
  for (const Fragment& f : fragments) {
    if (f.token >= 0) {
      out->push_back(f.token);
      prev_special = true;
      continue;
    }
    const std::string_view raw = text.substr(f.offset, f.length);
    if (vocab_->type == VocabType::kSpm) {
      std::string spaced = (vocab_->add_space_prefix && prev_special) ? " " : "";
      spaced += raw;
      EncodeSpm(*vocab_, EscapeSpaces(spaced), out);
      prev_special = false;
    } else {
      for (const std::string& word : pre_->Split(raw)) EncodeBpeWord(*vocab_, word, out);
    }
  }
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text, bool add_bos, bool parse_special) const {
  std::vector<int32_t> out;
  if (add_bos && vocab_->add_bos) out.push_back(vocab_->bos_id);
  EncodeFragments(text, parse_special, &out);
  if (add_bos && vocab_->add_eos) out.push_back(vocab_->eos_id);
  return out;
}

int32_t Tokenizer::vocab_size() const { return vocab_->size(); }
int32_t Tokenizer::bos_id() const { return vocab_->bos_id; }
int32_t Tokenizer::eos_id() const { return vocab_->eos_id; }
bool Tokenizer::ShouldAddBos() const { return vocab_->add_bos; }
bool Tokenizer::IsEndOfGeneration(int32_t id) const { return vocab_->eog_ids.count(id) > 0; }
std::string_view Tokenizer::model_name() const { return vocab_->model_name; }
std::string_view Tokenizer::pre_name() const { return vocab_->pre_name; }

int32_t Tokenizer::FindToken(std::string_view text) const { return vocab_->Find(std::string(text)); }

}  // namespace llm::engine
