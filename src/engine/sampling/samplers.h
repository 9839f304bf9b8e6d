// The individual links of the sampler chain (internal to engine_sampling and its tests).
#pragma once

#include <cstdint>
#include <memory>

#include "engine/sampling/sampler.h"

namespace llm::engine {

// Sorts the candidates by descending logit (ties: ascending id) unless already sorted.
void SortCandidates(CandidateSet& candidates);
// Sets each p to the softmax of the logits, keeping the current order.
void SoftmaxCandidates(CandidateSet& candidates);
// Extends a sorted head: given that the first `done` candidates are the top `done` in order,
// makes the first n the top n in order (n >= done); the rest keep no order.
void SortHead(CandidateSet& candidates, size_t done, size_t n);

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
