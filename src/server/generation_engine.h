// GenerationEngine: what the generation pipeline needs of the engine -- the served models,
// their tokenizers and context lengths, and a generation in a slot. ServingEngine is the real
// one (the model registry and the slots' sessions); the pipeline's unit tests give a fake.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/model/session.h"
#include "server/generation_slots.h"
#include "server/model_registry.h"

namespace llm::server {

class GenerationEngine {
 public:
  virtual ~GenerationEngine() = default;
  // The model named `name`, loaded (NotFound when there is no such model file; the loader's
  // error otherwise).
  virtual Result<std::shared_ptr<const ServedModel>> Acquire(const std::string& name) = 0;
  // The context length a generation of `model` gets.
  virtual int32_t ContextLength(const ServedModel& model) const = 0;
  // The token ids of `text` ("<|eot_id|>"-style special tokens parsed), BOS first when add_bos
  // and the tokenizer wants one.
  virtual std::vector<int32_t> Tokenize(const ServedModel& model, std::string_view text, bool add_bos) const = 0;
  // The text of the BOS token ("" when none): a template that writes it needs no second BOS.
  virtual std::string BosText(const ServedModel& model) const = 0;
  virtual int32_t VocabSize(const ServedModel& model) const = 0;
  // The bytes token `id` stands for in generated text (may be part of a UTF-8 sequence).
  virtual std::string TokenBytes(const ServedModel& model, int32_t id) const = 0;
  // What generating `prompt_tokens` of `model` in slot `slot` is worth (GenerationSlots::
  // Preference: cached prompt tokens reused, less cached tokens thrown away); must not block.
  // Engines without a cache keep 0 for every slot.
  virtual int64_t SlotPreference(int /*slot*/, const ServedModel& /*model*/,
                                 const std::vector<int32_t>& /*prompt_tokens*/) const {
    return 0;
  }
  // Generates in slot `slot` (held through the scheduler's lease) from prompt token ids.
  virtual Result<engine::GenerateResult> Run(int slot, const std::shared_ptr<const ServedModel>& model,
                                             std::vector<int32_t> prompt_tokens, const engine::GenerateParams& params,
                                             const engine::GenerateCallbacks& callbacks) = 0;
};

// The engine of a running server: models from the registry, generations in the slots.
class ServingEngine : public GenerationEngine {
 public:
  ServingEngine(ModelRegistry& registry, GenerationSlots& slots) : registry_(registry), slots_(slots) {}
  Result<std::shared_ptr<const ServedModel>> Acquire(const std::string& name) override;
  int32_t ContextLength(const ServedModel& model) const override;
  std::vector<int32_t> Tokenize(const ServedModel& model, std::string_view text, bool add_bos) const override;
  std::string BosText(const ServedModel& model) const override;
  int32_t VocabSize(const ServedModel& model) const override;
  std::string TokenBytes(const ServedModel& model, int32_t id) const override;
  int64_t SlotPreference(int slot, const ServedModel& model, const std::vector<int32_t>& prompt_tokens) const override;
  Result<engine::GenerateResult> Run(int slot, const std::shared_ptr<const ServedModel>& model,
                                     std::vector<int32_t> prompt_tokens, const engine::GenerateParams& params,
                                     const engine::GenerateCallbacks& callbacks) override;

 private:
  ModelRegistry& registry_;
  GenerationSlots& slots_;
};

}  // namespace llm::server
