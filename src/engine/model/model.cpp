#include "engine/model/model.h"

#include <filesystem>

#include "engine/model/model_loader.h"

namespace llm::engine {
namespace {

// The text of token `id` as stored in the vocabulary, or "" when there is none.
std::string TokenText(const Vocabulary& vocab, int32_t id) {
  if (id < 0 || id >= vocab.size()) return "";
  return vocab.tokens[static_cast<size_t>(id)].text;
}

ModelInfo DescribeModel(const std::string& path, const GgufFile& file, const ModelHparams& hp,
                        const ModelWeights& w) {
  ModelInfo info;
  info.path = path;
  Result<std::string> name = file.GetString("general.name");
  info.name = name.ok() ? *name : std::filesystem::path(path).stem().string();
  info.architecture = hp.architecture;
  info.head_dim = hp.head_dim;
  info.sliding_window = hp.n_swa;
  info.parameter_count = ParameterCount(file);
  info.file_type = FileTypeName(file);
  info.context_length = hp.n_ctx_train;
  info.file_size = file.file_size();
  Result<std::string> tmpl = file.GetString("tokenizer.chat_template");
  if (tmpl.ok()) info.chat_template = *tmpl;
  info.tied_embeddings = w.output.data == w.token_embd.data;
  return info;
}

}  // namespace

Model::~Model() = default;

std::shared_ptr<const GrammarVocabulary> Model::grammar_vocabulary() const {
  std::call_once(grammar_vocabulary_once_, [this] {
    const int32_t n = tokenizer_->vocab_size();
    std::vector<std::string> pieces(static_cast<size_t>(n));
    std::vector<uint8_t> eog(static_cast<size_t>(n));
    for (int32_t id = 0; id < n; ++id) {
      pieces[id] = tokenizer_->TokenToPiece(id, /*render_special=*/false);
      eog[id] = tokenizer_->IsEndOfGeneration(id) ? 1 : 0;
    }
    grammar_vocabulary_ = std::make_shared<const GrammarVocabulary>(std::move(pieces), std::move(eog));
  });
  return grammar_vocabulary_;
}

Result<std::shared_ptr<const Model>> Model::Load(const std::string& path, LoadMode mode) {
  std::shared_ptr<Model> model(new Model());
  LLM_ASSIGN_OR_RETURN(model->file_, GgufFile::Open(path, mode));
  const GgufFile& file = *model->file_;
  LLM_ASSIGN_OR_RETURN(model->hparams_, ReadHparams(file));
  LLM_ASSIGN_OR_RETURN(model->weights_, model_internal::ReadWeights(file, &model->hparams_));
  LLM_ASSIGN_OR_RETURN(model->tokenizer_, Tokenizer::FromGguf(file));
  if (model->tokenizer_->vocab_size() > model->hparams_.n_vocab) {
    return Status::Corruption("model: the tokenizer has " +
                              std::to_string(model->tokenizer_->vocab_size()) +
                              " tokens but token_embd.weight only " +
                              std::to_string(model->hparams_.n_vocab) + " rows");
  }
  model->info_ = DescribeModel(path, file, model->hparams_, model->weights_);
  model->info_.load_mode = mode;
  LLM_RETURN_IF_ERROR(model_internal::PackForKernels(file, &model->weights_, &model->packed_));
  const Vocabulary& vocab = model->tokenizer_->vocabulary();
  model->info_.bos_text = TokenText(vocab, model->tokenizer_->bos_id());
  model->info_.eos_text = TokenText(vocab, model->tokenizer_->eos_id());
  return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace llm::engine
