// The machine's memory bandwidth: a streaming read of a buffer far larger than the caches,
// summed so that the loads cannot be optimized away, on 1 and 2 threads.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace {

constexpr size_t kBytes = size_t{1} << 30;  // 1 GiB (the L3 of this VM reports 480 MiB)

uint64_t SumRange(const uint64_t* p, size_t n) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (size_t i = 0; i + 4 <= n; i += 4) {
    a0 += p[i];
    a1 += p[i + 1];
    a2 += p[i + 2];
    a3 += p[i + 3];
  }
  return a0 + a1 + a2 + a3;
}

void BM_StreamRead(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  static std::vector<uint64_t> buffer(kBytes / 8, 1);  // touched once, shared by both runs
  const size_t per_thread = buffer.size() / threads;
  for (auto _ : state) {
    std::vector<uint64_t> sums(threads);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) {
      pool.emplace_back([&, t] { sums[t] = SumRange(buffer.data() + t * per_thread, per_thread); });
    }
    sums[0] = SumRange(buffer.data(), per_thread);
    for (auto& th : pool) th.join();
    benchmark::DoNotOptimize(sums.data());
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kBytes / 1e9,
                                              benchmark::Counter::kIsRate);
}

BENCHMARK(BM_StreamRead)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
