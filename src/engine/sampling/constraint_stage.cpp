// The grammar constraint stage of SamplerChain: sampling among the allowed tokens, advancing.
#include "engine/grammar/grammar_constraint.h"
#include "engine/sampling/sampler.h"

namespace llm::engine {

// Samples again among the tokens the grammar allows only (the candidate set holds just
// those, which is what masking every other logit to -inf amounts to, without the cost of
// carrying the refused ones through the chain). When the chain selects none (every allowed
// logit is -inf), the allowed token with the highest logit is taken; -1 when the grammar
// allows none.
int32_t SamplerChain::SampleMasked(std::span<const float> logits) {
  const std::vector<int32_t>& allowed = constraint_->AllowedTokens();
  int32_t best = -1;
  for (int32_t id : allowed) {
    if (static_cast<size_t>(id) >= logits.size()) continue;
    if (best < 0 || SafeLogit(logits[id]) > SafeLogit(logits[best])) best = id;
  }
  if (best < 0 || plain_argmax_) return best;
  CandidateSet& c = scratch_;
  c.items.clear();
  for (int32_t id : allowed) {
    if (static_cast<size_t>(id) < logits.size()) c.items.push_back({id, SafeLogit(logits[id]), 0.0f});
  }
  const int32_t id = RunChain();
  return id >= 0 ? id : best;
}

Status SamplerChain::AcceptSampled(int32_t token) {
  if (constraint_ != nullptr) LLM_RETURN_IF_ERROR(constraint_->Accept(token));
  Accept(token);
  return Status::Ok();
}

bool SamplerChain::ConstraintComplete() const {
  return constraint_ != nullptr && constraint_->IsComplete();
}

}  // namespace llm::engine
