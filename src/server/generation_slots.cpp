#include "server/generation_slots.h"

#include <algorithm>
#include <mutex>

#include "engine/model/embedding.h"

namespace llm::server {

// Below this many parameters a token is computed faster by one thread than by a pool whose
// workers must be woken per matrix (stories260K: ~19,000 vs ~250 tokens/s on a busy 2-core box).
constexpr int64_t kSingleThreadParameters = 50'000'000;

struct GenerationSlots::Slot {
  explicit Slot(int threads) : pool(threads), single(1) {}
  std::mutex mu;  // guards model and session (a slot is leased to one request, this is for Forget)
  engine::ThreadPool pool;
  engine::ThreadPool single;
  std::shared_ptr<const ServedModel> model;
  std::unique_ptr<engine::Session> session;
};

GenerationSlots::GenerationSlots(int slots, int threads, int context_cap) : context_cap_(context_cap) {
  threads = std::max(1, threads);
  if (slots <= 1) {
    slots_.push_back(std::make_unique<Slot>(threads));
    return;
  }
  // The slots' own pools serve small models only (one thread each): the rest is batched.
  for (int i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Slot>(1));
  batcher_ = std::make_unique<engine::DecodeBatcher>(threads);
}

int64_t GenerationSlots::batched_passes() const { return batcher_ != nullptr ? batcher_->passes() : 0; }
int64_t GenerationSlots::batched_steps() const { return batcher_ != nullptr ? batcher_->steps() : 0; }

GenerationSlots::~GenerationSlots() = default;

int32_t GenerationSlots::ContextLength(const ServedModel& model) const {
  const int32_t trained = model.description.context_length;
  return trained > 0 ? std::min<int32_t>(trained, context_cap_) : context_cap_;
}

Result<engine::GenerateResult> GenerationSlots::Run(int slot, const std::shared_ptr<const ServedModel>& model,
                                                   std::vector<int32_t> prompt_tokens,
                                                   const engine::GenerateParams& params,
                                                   const engine::GenerateCallbacks& callbacks) {
  Slot& s = *slots_.at(slot);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.model != model || s.session == nullptr) {
    s.session.reset();  // free the old KV cache before making a new one
    const bool small = model->description.parameters < kSingleThreadParameters;
    s.session = std::make_unique<engine::Session>(model->model, ContextLength(*model), small ? s.single : s.pool);
    // Two slots of a small model computing side by side on one thread each serve it about twice
    // as fast as batched passes (stories260K over HTTP: 850 against 460 requests/s).
    if (!small) s.session->set_batcher(batcher_.get());
    s.model = model;
  }
  return s.session->GenerateFromTokens(std::move(prompt_tokens), params, callbacks);
}

int64_t GenerationSlots::Preference(int slot, const ServedModel& model, const std::vector<int32_t>& prompt_tokens) const {
  Slot& s = *slots_.at(slot);
  std::unique_lock<std::mutex> lock(s.mu, std::try_to_lock);
  if (!lock.owns_lock() || s.session == nullptr) return 0;
  const int64_t cached = s.session->n_past();
  const int64_t kept = s.model.get() == &model ? static_cast<int64_t>(s.session->CachedPrefixLength(prompt_tokens)) : 0;
  return kept - (cached - kept);
}

Result<std::vector<std::vector<float>>> GenerationSlots::Embed(int slot, const std::shared_ptr<const ServedModel>& model,
                                                               std::span<const std::vector<int32_t>> inputs) {
  Slot& s = *slots_.at(slot);
  std::lock_guard<std::mutex> lock(s.mu);
  const bool small = model->description.parameters < kSingleThreadParameters;
  const int32_t n_ctx = ContextLength(*model);
  if (!small && batcher_ != nullptr) return engine::Embedder(model->model, n_ctx, *batcher_).Embed(inputs);
  return engine::Embedder(model->model, n_ctx, small ? s.single : s.pool).Embed(inputs);
}

void GenerationSlots::ForgetModelsExcept(const std::function<bool(const std::string& name)>& still_loaded) {
  for (auto& s : slots_) {
    std::unique_lock<std::mutex> lock(s->mu, std::try_to_lock);  // a busy slot keeps its session for now
    if (lock.owns_lock() && s->model != nullptr && !still_loaded(s->model->name)) {
      s->session.reset();
      s->model.reset();
    }
  }
}

}  // namespace llm::server
