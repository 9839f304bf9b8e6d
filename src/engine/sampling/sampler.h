// The sampler chain: turns a row of logits into the next token id, as llama.cpp's common
// sampler does (penalties -> top-k -> top-p -> min-p -> temperature -> dist).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace llm::engine {

inline constexpr uint64_t kRandomSeed = 0xFFFFFFFF;  // LLAMA_DEFAULT_SEED: draw a random seed

struct SamplingParams {
  float temperature = 0.8f;  // <= 0: greedy (argmax after penalties)
  int32_t top_k = 40;        // <= 0: off
  float top_p = 0.95f;       // >= 1: off
  float min_p = 0.05f;       // <= 0: off
  float repeat_penalty = 1.0f;   // 1: off; llama.cpp semantics (divide positive, multiply negative)
  int32_t repeat_last_n = 64;    // window of the penalties: 0 off, -1 every accepted token
  float frequency_penalty = 0.0f;  // OpenAI: logit -= count * frequency_penalty
  float presence_penalty = 0.0f;   // OpenAI: logit -= (count > 0) * presence_penalty
  uint64_t seed = kRandomSeed;     // kRandomSeed: a random seed (see SamplerChain::seed())
  // Added to a token's logit before every other stage (OpenAI logit_bias); -infinity bans the
  // token. Ids must be inside the vocabulary (the caller checks; others are skipped).
  std::vector<std::pair<int32_t, float>> logit_bias;
};

// OK, or InvalidArgument naming the first field out of range (temperature 0..2, top_p 0..1,
// min_p 0..1, frequency/presence penalty -2..2, repeat_penalty > 0, repeat_last_n >= -1).
Status ValidateSamplingParams(const SamplingParams& params);

// One candidate token: its id, its (transformed) logit and, once normalised, its probability.
struct TokenCandidate {
  int32_t id;
  float logit;
  float p;
};

// The candidate set passed along the chain. `sorted` is true when `items` is in descending
// logit order (ties: ascending id).
struct CandidateSet {
  std::vector<TokenCandidate> items;
  bool sorted = false;
  int32_t selected = -1;  // index into items chosen by the final sampler, -1 until then
};

// One link of the chain, like llama.cpp's llama_sampler.
class Sampler {
 public:
  virtual ~Sampler() = default;
  // Transforms or filters the candidates (and may select one).
  virtual void Apply(CandidateSet& candidates) = 0;
  // Records a token that becomes part of the context (prompt or generated).
  virtual void Accept(int32_t /*token*/) {}
  // Forgets the accepted tokens and restarts any random stream.
  virtual void Reset() {}
  // Its name and parameters, e.g. "top-k(40)", for logs.
  virtual std::string Describe() const = 0;
};

class GrammarConstraint;  // engine/grammar/grammar_constraint.h

// The default chain built from SamplingParams, optionally behind a grammar constraint stage
// (constrained decoding: only tokens that keep the text inside the grammar can be picked).
// Not thread-safe: one per generation session.
class SamplerChain {
 public:
  explicit SamplerChain(const SamplingParams& params);
  // `constraint` (may be null) is the grammar stage: it sees the sampled token first and,
  // when the token leaves the grammar, masks every such token and samples again.
  SamplerChain(const SamplingParams& params, std::unique_ptr<GrammarConstraint> constraint);
  ~SamplerChain();
  SamplerChain(SamplerChain&&) noexcept;
  SamplerChain& operator=(SamplerChain&&) noexcept;

  // Picks the next token id from one row of logits (one float per vocabulary entry, non-empty).
  // With a constraint: a token it allows, or -1 when it allows none.
  int32_t Sample(std::span<const float> logits);
  // Records a prompt token (or any token of the context) for the penalties.
  void Accept(int32_t token);
  // Records a sampled token: the penalties see it and the constraint advances past it.
  // InvalidArgument when the constraint does not allow it.
  Status AcceptSampled(int32_t token);
  // True when a grammar constrains the output.
  bool constrained() const { return constraint_ != nullptr; }
  // True when the grammar is complete and allows nothing more (generation should stop).
  bool ConstraintComplete() const;
  // Forgets accepted tokens and restarts the random stream from the seed.
  void Reset();
  // The links in order, e.g. "penalties(...) -> top-k(40) -> ... -> dist(seed=42)", for logs.
  std::string Describe() const;
  // The seed actually in use (a drawn one when the params asked for kRandomSeed).
  uint64_t seed() const { return seed_; }
  const SamplingParams& params() const { return params_; }

 private:
  int32_t SampleUnconstrained(std::span<const float> logits);
  int32_t SampleMasked(std::span<const float> logits);
  int32_t RunChain();  // the samplers over scratch_: the selected id or -1

  SamplingParams params_;
  uint64_t seed_;
  bool plain_argmax_;  // greedy with neutral penalties: argmax over the row, no candidate set
  std::vector<std::unique_ptr<Sampler>> samplers_;
  CandidateSet scratch_;
  std::vector<float> biased_;  // the row with logit_bias applied (when there is a bias)
  std::unique_ptr<GrammarConstraint> constraint_;
};

// A logit safe to sort: NaN (a broken model) would break the sorts' ordering, so it becomes
// impossible (-inf) instead.
inline float SafeLogit(float x) { return x != x ? -std::numeric_limits<float>::infinity() : x; }

}  // namespace llm::engine
