// ThreadPool dispatch cost: an (almost) empty ParallelFor over n = 64 chunks, back to back, as
// generation does about 7 times per layer per token.
#include <benchmark/benchmark.h>

#include <atomic>

#include "engine/kernels/thread_pool.h"

namespace {

void BM_ParallelForDispatch(benchmark::State& state) {
  llm::engine::ThreadPool pool(static_cast<int>(state.range(0)));
  std::atomic<int64_t> sink{0};
  for (auto _ : state) {
    pool.ParallelFor(64, [&](int64_t b, int64_t e, int) { sink.fetch_add(e - b, std::memory_order_relaxed); });
  }
  benchmark::DoNotOptimize(sink.load());
}

BENCHMARK(BM_ParallelForDispatch)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
