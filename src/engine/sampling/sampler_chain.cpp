#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <random>
#include <string>

#include "engine/grammar/grammar_constraint.h"
#include "engine/sampling/sampler.h"
#include "engine/sampling/samplers.h"

namespace llm::engine {
namespace {

Status OutOfRange(const char* field, float value, const char* range) {
  return Status::InvalidArgument(std::string(field) + " must be " + range + ", got " +
                                 std::to_string(value));
}

bool PenaltiesAreNeutral(const SamplingParams& p) {
  return p.repeat_last_n == 0 ||
         (p.repeat_penalty == 1.0f && p.frequency_penalty == 0.0f && p.presence_penalty == 0.0f);
}

// The first index of the largest logit (NaN never wins). Two passes: a max over 16 lanes
// that the compiler vectorises, then a search for its first occurrence.
int32_t Argmax(std::span<const float> logits) {
  constexpr size_t kLanes = 16;
  float lanes[kLanes];
  std::fill(std::begin(lanes), std::end(lanes), -std::numeric_limits<float>::infinity());
  const size_t n = logits.size();
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) {
      const float x = logits[i + j];
      lanes[j] = x > lanes[j] ? x : lanes[j];
    }
  }
  float best = -std::numeric_limits<float>::infinity();
  for (float x : lanes) best = x > best ? x : best;
  for (; i < n; ++i) best = logits[i] > best ? logits[i] : best;
  for (size_t k = 0; k < n; ++k) {
    if (logits[k] == best) return static_cast<int32_t>(k);
  }
  return 0;  // every logit is NaN or -inf
}

uint64_t ResolveSeed(uint64_t seed) {
  if (seed != kRandomSeed) return seed;
  std::random_device device;
  return device();
}

}  // namespace

Status ValidateSamplingParams(const SamplingParams& p) {
  if (!(p.temperature >= 0.0f && p.temperature <= 2.0f)) {
    return OutOfRange("temperature", p.temperature, "between 0 and 2");
  }
  if (!(p.top_p >= 0.0f && p.top_p <= 1.0f)) return OutOfRange("top_p", p.top_p, "between 0 and 1");
  if (!(p.min_p >= 0.0f && p.min_p <= 1.0f)) return OutOfRange("min_p", p.min_p, "between 0 and 1");
  if (!(p.frequency_penalty >= -2.0f && p.frequency_penalty <= 2.0f)) {
    return OutOfRange("frequency_penalty", p.frequency_penalty, "between -2 and 2");
  }
  if (!(p.presence_penalty >= -2.0f && p.presence_penalty <= 2.0f)) {
    return OutOfRange("presence_penalty", p.presence_penalty, "between -2 and 2");
  }
  if (!(p.repeat_penalty > 0.0f) || !std::isfinite(p.repeat_penalty)) {
    return OutOfRange("repeat_penalty", p.repeat_penalty, "greater than 0");
  }
  if (p.repeat_last_n < -1) {
    return Status::InvalidArgument("repeat_last_n must be -1 (all) or >= 0, got " +
                                   std::to_string(p.repeat_last_n));
  }
  return Status::Ok();
}

SamplerChain::SamplerChain(const SamplingParams& params) : SamplerChain(params, nullptr) {}

SamplerChain::SamplerChain(const SamplingParams& params, std::unique_ptr<GrammarConstraint> constraint)
    : params_(params),
      seed_(ResolveSeed(params.seed)),
      plain_argmax_(params.temperature <= 0.0f && PenaltiesAreNeutral(params)),
      constraint_(std::move(constraint)) {
  samplers_.push_back(MakePenaltySampler(params.repeat_penalty, params.repeat_last_n,
                                         params.frequency_penalty, params.presence_penalty));
  if (params.temperature <= 0.0f) {
    samplers_.push_back(MakeGreedySampler());
    return;
  }
  samplers_.push_back(MakeTopKSampler(params.top_k));
  samplers_.push_back(MakeTopPSampler(params.top_p));
  samplers_.push_back(MakeMinPSampler(params.min_p));
  samplers_.push_back(MakeTemperatureSampler(params.temperature));
  samplers_.push_back(MakeDistSampler(seed_));
}

SamplerChain::~SamplerChain() = default;
SamplerChain::SamplerChain(SamplerChain&&) noexcept = default;
SamplerChain& SamplerChain::operator=(SamplerChain&&) noexcept = default;

int32_t SamplerChain::Sample(std::span<const float> logits) {
  if (logits.empty()) return -1;
  if (!params_.logit_bias.empty()) {
    biased_.assign(logits.begin(), logits.end());
    for (const auto& [id, bias] : params_.logit_bias) {
      if (id >= 0 && static_cast<size_t>(id) < biased_.size()) biased_[static_cast<size_t>(id)] += bias;
    }
    logits = biased_;
  }
  if (constraint_ == nullptr) return SampleUnconstrained(logits);
  // The constraint stage: most sampled tokens are allowed, so check that one first and only
  // build the full mask when it is not. Resampling from the masked row gives each allowed
  // token the same probability as masking first would.
  const int32_t id = SampleUnconstrained(logits);
  if (id >= 0 && constraint_->Allows(id)) return id;
  return SampleMasked(logits);
}

int32_t SamplerChain::SampleUnconstrained(std::span<const float> logits) {
  if (plain_argmax_) return Argmax(logits);
  CandidateSet& c = scratch_;
  c.items.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    c.items[i] = TokenCandidate{static_cast<int32_t>(i), SafeLogit(logits[i]), 0.0f};
  }
  return RunChain();
}

int32_t SamplerChain::RunChain() {
  CandidateSet& c = scratch_;
  c.sorted = false;
  c.selected = -1;
  for (auto& sampler : samplers_) {
    sampler->Apply(c);
    if (c.selected >= 0) break;
  }
  return c.selected >= 0 ? c.items[c.selected].id : -1;
}

std::string SamplerChain::Describe() const {
  std::string out = constraint_ != nullptr ? "grammar" : "";
  for (const auto& sampler : samplers_) {
    if (!out.empty()) out += " -> ";
    out += sampler->Describe();
  }
  return out;
}

void SamplerChain::Accept(int32_t token) {
  for (auto& sampler : samplers_) sampler->Accept(token);
}

void SamplerChain::Reset() {
  for (auto& sampler : samplers_) sampler->Reset();
}

}  // namespace llm::engine
