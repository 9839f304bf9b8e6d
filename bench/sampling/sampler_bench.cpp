// SamplerChain::Sample per token over one row of logits, for the vocabulary sizes of the
// shared models (32,000: Llama 2 / TinyLlama; 128,256: Llama 3). Logits ~ N(0, 3), a flatter
// row than a trained model gives, so the top-p figures are an upper bound.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "engine/sampling/sampler.h"

namespace {

using llm::engine::SamplerChain;
using llm::engine::SamplingParams;

std::vector<float> RandomLogits(int vocab) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> logits(vocab);
  for (float& x : logits) x = normal(rng);
  return logits;
}

void RunChain(benchmark::State& state, SamplingParams params) {
  const std::vector<float> logits = RandomLogits(static_cast<int>(state.range(0)));
  params.seed = 1;
  SamplerChain chain(params);
  for (int i = 0; i < 64; ++i) chain.Accept(i * 7);  // a full penalty window
  for (auto _ : state) benchmark::DoNotOptimize(chain.Sample(logits));
  state.SetItemsProcessed(state.iterations());
}

void BM_Greedy(benchmark::State& state) {
  SamplingParams p;
  p.temperature = 0.0f;
  RunChain(state, p);
}

void BM_GreedyWithRepeatPenalty(benchmark::State& state) {
  SamplingParams p;
  p.temperature = 0.0f;
  p.repeat_penalty = 1.1f;
  RunChain(state, p);
}

void BM_DefaultChain(benchmark::State& state) { RunChain(state, SamplingParams{}); }

void BM_DefaultChainWithPenalties(benchmark::State& state) {
  SamplingParams p;
  p.repeat_penalty = 1.1f;
  p.frequency_penalty = 0.5f;
  p.presence_penalty = 0.5f;
  RunChain(state, p);
}

void BM_TopPOnly(benchmark::State& state) {
  SamplingParams p;
  p.top_k = 0;
  p.min_p = 0.0f;
  RunChain(state, p);
}

void BM_FullDistribution(benchmark::State& state) {
  SamplingParams p;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  RunChain(state, p);
}

BENCHMARK(BM_Greedy)->Arg(32000)->Arg(128256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GreedyWithRepeatPenalty)->Arg(32000)->Arg(128256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DefaultChain)->Arg(32000)->Arg(128256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DefaultChainWithPenalties)->Arg(32000)->Arg(128256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TopPOnly)->Arg(32000)->Arg(128256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FullDistribution)->Arg(32000)->Arg(128256)->Unit(benchmark::kMicrosecond);

}  // namespace
