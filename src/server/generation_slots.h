// GenerationSlots: the per-slot compute state (a Session kept across requests, so a repeated
// prompt prefix is not evaluated again). The scheduler's SlotLease says which slot a request
// may use; a slot is used by one request at a time. One slot computes on a pool of all the
// threads. Several slots are batched continuously: the steps (prompt chunks and generated
// tokens) of the slots running at the same time share forward passes on one pool of all the
// threads (engine::DecodeBatcher); a small model's slots instead compute side by side, each on
// one thread.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/status.h"
#include "engine/kernels/thread_pool.h"
#include "engine/model/decode_batcher.h"
#include "engine/model/session.h"
#include "server/model_registry.h"

namespace llm::server {

class GenerationSlots {
 public:
  // `slots` slots computing on `threads` threads in all; sessions hold at most `context_cap`
  // tokens (or the model's trained context when smaller).
  GenerationSlots(int slots, int threads, int context_cap);
  ~GenerationSlots();

  // The context length a session of `model` gets.
  int32_t ContextLength(const ServedModel& model) const;

  // Generates in slot `slot` from already tokenized prompt ids.
  Result<engine::GenerateResult> Run(int slot, const std::shared_ptr<const ServedModel>& model,
                                     std::vector<int32_t> prompt_tokens, const engine::GenerateParams& params,
                                     const engine::GenerateCallbacks& callbacks);

  // What generating `prompt_tokens` of `model` in slot `slot` is worth, in tokens: the
  // prompt's start its cache holds already (not evaluated again), less the cached tokens that
  // generation would throw away (another conversation's, or another model's). 0 for an empty
  // slot, and when the slot is in use (never waits for it).
  int64_t Preference(int slot, const ServedModel& model, const std::vector<int32_t>& prompt_tokens) const;

  // Embeds token sequences (engine::Embedder, the model's pooling, L2-normalised) on slot
  // `slot`'s compute -- the batcher's passes when the slot's generations are batched, else
  // the slot's pool -- in KV caches of their own: the slot's session is left as it was.
  Result<std::vector<std::vector<float>>> Embed(int slot, const std::shared_ptr<const ServedModel>& model,
                                                std::span<const std::vector<int32_t>> inputs);

  // Forward passes run by the batcher and the generation steps they carried (0, 0 without one).
  int64_t batched_passes() const;
  int64_t batched_steps() const;

  // Drops the sessions of models other than the ones still loaded (frees their KV caches).
  void ForgetModelsExcept(const std::function<bool(const std::string& name)>& still_loaded);

 private:
  struct Slot;
  const int context_cap_;
  std::unique_ptr<engine::DecodeBatcher> batcher_;  // with several slots
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace llm::server
