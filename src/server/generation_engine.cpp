#include "server/generation_engine.h"

#include "engine/model/model.h"

namespace llm::server {

Result<std::shared_ptr<const ServedModel>> ServingEngine::Acquire(const std::string& name) {
  return registry_.Acquire(name);
}

int32_t ServingEngine::ContextLength(const ServedModel& model) const { return slots_.ContextLength(model); }

std::vector<int32_t> ServingEngine::Tokenize(const ServedModel& model, std::string_view text, bool add_bos) const {
  return model.model->tokenizer().Encode(text, add_bos, /*parse_special=*/true);
}

std::string ServingEngine::BosText(const ServedModel& model) const { return model.model->info().bos_text; }

int32_t ServingEngine::VocabSize(const ServedModel& model) const { return model.model->tokenizer().vocab_size(); }

std::string ServingEngine::TokenBytes(const ServedModel& model, int32_t id) const {
  return model.model->tokenizer().TokenToPiece(id, /*render_special=*/false);
}

int64_t ServingEngine::SlotPreference(int slot, const ServedModel& model,
                                      const std::vector<int32_t>& prompt_tokens) const {
  return slots_.Preference(slot, model, prompt_tokens);
}

Result<engine::GenerateResult> ServingEngine::Run(int slot, const std::shared_ptr<const ServedModel>& model,
                                                  std::vector<int32_t> prompt_tokens,
                                                  const engine::GenerateParams& params,
                                                  const engine::GenerateCallbacks& callbacks) {
  return slots_.Run(slot, model, std::move(prompt_tokens), params, callbacks);
}

}  // namespace llm::server
