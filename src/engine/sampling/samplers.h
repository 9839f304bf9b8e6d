// The individual links of the sampler chain (internal to engine_sampling and its tests).
#pragma once

#include <cstdint>
#include <memory>

#include "engine/sampling/sampler.h"

namespace llm::engine {

// Sorts the candidates by descending logit (ties: ascending id) unless already sorted.
void SortCandidates(CandidateSet& candidates);
// Sorts, then sets each p to the softmax of the logits.
void SoftmaxCandidates(CandidateSet& candidates);

// Repetition penalty (llama.cpp: positive logits divided, others multiplied) plus OpenAI
// frequency/presence penalties, over the last `last_n` accepted tokens (-1: all, 0: off).
std::unique_ptr<Sampler> MakePenaltySampler(float repeat_penalty, int32_t last_n,
                                            float frequency_penalty, float presence_penalty);
// Keeps the k highest logits (k <= 0: no-op).
std::unique_ptr<Sampler> MakeTopKSampler(int32_t k);
// Keeps the smallest head whose probability mass reaches p (p >= 1: no-op), at least one.
std::unique_ptr<Sampler> MakeTopPSampler(float p);
// Keeps the candidates whose probability is at least p times the top one (p <= 0: no-op).
std::unique_ptr<Sampler> MakeMinPSampler(float p);
// Divides every logit by t (t > 0).
std::unique_ptr<Sampler> MakeTemperatureSampler(float t);
// Selects the highest logit (ties: the lowest id).
std::unique_ptr<Sampler> MakeGreedySampler();
// Selects at random following the softmax of the logits, from std::mt19937 seeded with `seed`.
std::unique_ptr<Sampler> MakeDistSampler(uint64_t seed);

}  // namespace llm::engine
