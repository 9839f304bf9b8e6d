// The grammar constraint stage of SamplerChain: masking, resampling and advancing.
#include <limits>

#include "engine/grammar/grammar_constraint.h"
#include "engine/sampling/sampler.h"

namespace llm::engine {

// Samples again from the row with every token the grammar refuses set to -inf. When the
// chain still lands on a refused token (every allowed logit is -inf, or rounding), the
// allowed token with the highest logit is taken; -1 when the grammar allows none.
int32_t SamplerChain::SampleMasked(std::span<const float> logits) {
  constraint_->ComputeMask(&allowed_);
  masked_.assign(logits.begin(), logits.end());
  int32_t best = -1;
  for (size_t i = 0; i < masked_.size(); ++i) {
    if (i >= allowed_.size() || !allowed_[i]) {
      masked_[i] = -std::numeric_limits<float>::infinity();
    } else if (best < 0 || masked_[i] > masked_[static_cast<size_t>(best)]) {
      best = static_cast<int32_t>(i);
    }
  }
  if (best < 0) return -1;
  const int32_t id = SampleUnconstrained(masked_);
  return id >= 0 && static_cast<size_t>(id) < allowed_.size() && allowed_[id] ? id : best;
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
