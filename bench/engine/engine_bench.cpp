// engine-bench: end-to-end speed of the native engine, measured like `llama-bench -p N -n M`:
//   pp N : evaluate a batch of N random prompt tokens from an empty cache (logits of the last)
//   tg M : generate M tokens one at a time from an empty cache (logits after each)
// Prints one markdown row per model and test with tokens/s (mean and standard deviation over
// --reps runs after a warm-up), and for tg the memory bandwidth it implies: bytes of weights
// read per token (every layer matrix + the output matrix) x tokens/s. Besides wall-clock
// rates it prints rates from the process CPU time divided by the threads, which estimate the
// idle-machine speed when other processes share the cores. --bandwidth also measures the
// machine's streaming read bandwidth with the same threads. --parallel N adds "tg M x N
// sequences": M steps of N sequences decoded together, one forward pass per step (the
// continuous batching of the server's slots), in generated tokens per second in all.
#include <CLI/CLI.hpp>

#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/model/forward.h"  // EvalSequences (batched generation)
#include "engine/model/session.h"

namespace {

using llm::engine::Model;
using llm::engine::ForwardScratch;
using llm::engine::ForwardState;
using llm::engine::SequenceBatch;
using llm::engine::Session;
using llm::engine::ThreadPool;
using Clock = std::chrono::steady_clock;

struct Stats {
  double mean = 0;
  double stddev = 0;
};

Stats Summarize(const std::vector<double>& v) {
  Stats s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.stddev += (x - s.mean) * (x - s.mean);
  s.stddev = v.size() > 1 ? std::sqrt(s.stddev / static_cast<double>(v.size() - 1)) : 0.0;
  return s;
}

// Bytes of weights a single-token forward pass reads (the embedding reads only one row).
double WeightBytesPerToken(const Model& model) {
  double bytes = 0;
  auto add = [&](const llm::engine::WeightMatrix& w) {
    bytes += static_cast<double>(w.row_bytes) * static_cast<double>(w.rows);
  };
  for (const auto& l : model.weights().layers) {
    for (const auto* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) add(*w);
  }
  add(model.weights().output);
  return bytes;
}

std::vector<int32_t> RandomTokens(int n, int32_t n_vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(0, n_vocab - 1);
  std::vector<int32_t> tokens(static_cast<size_t>(n));
  for (int32_t& t : tokens) t = dist(rng);
  return tokens;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Wall seconds, and process CPU seconds divided by the threads: what the wall time would be
// on an otherwise idle machine (an upper bound: waiting threads that spin count as busy).
struct Timing {
  double wall = 0;
  double cpu_per_thread = 0;
};

template <typename Fn>
Timing Measure(int threads, const Fn& fn) {
  const double c0 = ProcessCpuSeconds();
  const auto t0 = Clock::now();
  fn();
  return {std::chrono::duration<double>(Clock::now() - t0).count(),
          (ProcessCpuSeconds() - c0) / threads};
}

// One prompt batch of n tokens from an empty cache.
Timing TimePrompt(Session& session, const std::vector<int32_t>& tokens, int threads) {
  session.Reset();
  std::vector<float> logits;
  return Measure(threads, [&] { (void)session.Append(tokens, &logits); });
}

// n single-token steps from an empty cache.
Timing TimeGeneration(Session& session, const std::vector<int32_t>& tokens, int threads) {
  session.Reset();
  std::vector<float> logits;
  return Measure(threads, [&] {
    for (int32_t id : tokens) (void)session.Append(std::span(&id, 1), &logits);
  });
}

// Streaming read bandwidth (GB/s) over a 1 GiB buffer with the pool's threads: wall-clock
// and per CPU-second / threads.
Stats MeasureBandwidth(ThreadPool& pool, Stats* cpu_rate) {
  std::vector<uint64_t> buffer((size_t{1} << 30) / 8, 1);
  std::vector<uint64_t> sums(static_cast<size_t>(pool.size()));
  std::vector<double> rates, cpu_rates;
  const double bytes = static_cast<double>(buffer.size() * 8);
  for (int rep = 0; rep < 4; ++rep) {
    const double c0 = ProcessCpuSeconds();
    const auto t0 = Clock::now();
    pool.ParallelFor(static_cast<int64_t>(buffer.size()), [&](int64_t begin, int64_t end, int t) {
      uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (int64_t i = begin; i + 4 <= end; i += 4) {
        a0 += buffer[static_cast<size_t>(i)];
        a1 += buffer[static_cast<size_t>(i + 1)];
        a2 += buffer[static_cast<size_t>(i + 2)];
        a3 += buffer[static_cast<size_t>(i + 3)];
      }
      sums[static_cast<size_t>(t)] += a0 + a1 + a2 + a3;
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = (ProcessCpuSeconds() - c0) / pool.size();
    if (rep > 0) {
      rates.push_back(bytes / s / 1e9);
      cpu_rates.push_back(bytes / cpu / 1e9);
    }
  }
  std::printf("<!-- checksum %llu -->\n", static_cast<unsigned long long>(sums[0]));
  *cpu_rate = Summarize(cpu_rates);
  return Summarize(rates);
}

// n_gen steps of `n_seq` sequences decoding together (continuous batching): each step is one
// forward pass over one new token of every sequence. Returns the generated tokens per second
// in all (wall).
double TimeBatchedGeneration(const Model& model, int n_seq, const std::vector<int32_t>& tokens, ThreadPool& pool) {
  std::vector<std::unique_ptr<ForwardState>> states;
  std::vector<std::vector<float>> logits(static_cast<size_t>(n_seq));
  for (int s = 0; s < n_seq; ++s) {
    states.push_back(std::make_unique<ForwardState>(model, static_cast<int32_t>(tokens.size()) + 1));
    logits[static_cast<size_t>(s)].resize(static_cast<size_t>(model.hparams().n_vocab));
  }
  ForwardScratch scratch;
  const Timing t = Measure(pool.size(), [&] {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::vector<SequenceBatch> batch;
      for (int s = 0; s < n_seq; ++s) {
        batch.push_back({states[static_cast<size_t>(s)].get(), std::span(&tokens[i], 1),
                         logits[static_cast<size_t>(s)].data()});
      }
      EvalSequences(batch, pool, scratch);
    }
  });
  return static_cast<double>(n_seq) * static_cast<double>(tokens.size()) / t.wall;
}

int BenchModel(const std::string& path, int n_prompt, int n_gen, int reps, int parallel, bool no_mmap,
               ThreadPool& pool) {
  auto model = Model::Load(path, no_mmap ? llm::LoadMode::kReadIntoMemory : llm::LoadMode::kMap);
  if (!model.ok()) {
    std::fprintf(stderr, "engine-bench: %s\n", model.status().ToString().c_str());
    return 1;
  }
  const Model& m = **model;
  Session session(*model, n_prompt + n_gen + 1, pool);
  const std::vector<int32_t> prompt = RandomTokens(n_prompt, m.hparams().n_vocab, 1);
  const std::vector<int32_t> gen = RandomTokens(n_gen, m.hparams().n_vocab, 2);
  const int threads = pool.size();
  TimePrompt(session, prompt, threads);  // warm-up: page in the weights
  TimeGeneration(session, gen, threads);
  std::vector<double> pp, tg, pp_cpu, tg_cpu;
  for (int r = 0; r < reps; ++r) {
    const Timing tp = TimePrompt(session, prompt, threads);
    const Timing tgn = TimeGeneration(session, gen, threads);
    pp.push_back(n_prompt / tp.wall);
    pp_cpu.push_back(n_prompt / tp.cpu_per_thread);
    tg.push_back(n_gen / tgn.wall);
    tg_cpu.push_back(n_gen / tgn.cpu_per_thread);
  }
  const Stats p = Summarize(pp), g = Summarize(tg);
  const Stats pc = Summarize(pp_cpu), gc = Summarize(tg_cpu);
  const double bytes = WeightBytesPerToken(m);
  const std::string name = std::filesystem::path(path).filename().string();
  const double params_b = static_cast<double>(m.info().parameter_count) / 1e9;
  const double size_gib = static_cast<double>(m.info().file_size) / (1024.0 * 1024 * 1024);
  std::printf("| %s | %s | %.3f B | %.2f GiB | %d | pp%d | %.2f ± %.2f | %.2f ± %.2f | |\n",
              name.c_str(), m.info().file_type.c_str(), params_b, size_gib, threads, n_prompt,
              p.mean, p.stddev, pc.mean, pc.stddev);
  std::printf("| %s | %s | %.3f B | %.2f GiB | %d | tg%d | %.2f ± %.2f | %.2f ± %.2f | %.1f MB x "
              "%.2f/s = %.2f GB/s |\n",
              name.c_str(), m.info().file_type.c_str(), params_b, size_gib, threads, n_gen, g.mean,
              g.stddev, gc.mean, gc.stddev, bytes / 1e6, gc.mean, bytes * gc.mean / 1e9);
  if (parallel > 1) {
    std::vector<double> batched;
    for (int r = 0; r < reps; ++r) batched.push_back(TimeBatchedGeneration(m, parallel, gen, pool));
    const Stats b = Summarize(batched);
    std::printf("| %s | %s | %.3f B | %.2f GiB | %d | tg%d x %d sequences | %.2f ± %.2f (in all) | | |\n",
                name.c_str(), m.info().file_type.c_str(), params_b, size_gib, threads, n_gen, parallel, b.mean,
                b.stddev);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"End-to-end engine speed (prompt batch and generation), like llama-bench"};
  std::vector<std::string> models;
  int n_prompt = 128, n_gen = 32, reps = 3, threads = 2;
  bool bandwidth = false;
  app.add_option("-m,--model", models, "GGUF model(s)")->required();
  app.add_option("-p,--n-prompt", n_prompt, "prompt tokens per batch")->capture_default_str();
  app.add_option("-n,--n-gen", n_gen, "generated tokens")->capture_default_str();
  app.add_option("-r,--reps", reps, "repetitions after the warm-up")->capture_default_str();
  app.add_option("-t,--threads", threads, "threads")->capture_default_str();
  app.add_flag("--bandwidth", bandwidth, "also measure the streaming read bandwidth");
  bool no_mmap = false;
  app.add_flag("--no-mmap", no_mmap, "read the models into memory (transparent huge pages) instead of mapping them");
  int parallel = 1;
  app.add_option("--parallel", parallel, "also time generation of this many sequences batched together")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ThreadPool pool(threads);
  std::printf("| model | type | params | size | threads | test | tokens/s (wall) | tokens/s (CPU "
              "time / threads) | implied bandwidth (CPU-time rate) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string& path : models) {
    if (BenchModel(path, n_prompt, n_gen, reps, parallel, no_mmap, pool) != 0) return 1;
  }
  if (bandwidth) {
    Stats cpu;
    const Stats wall = MeasureBandwidth(pool, &cpu);
    std::printf("\nstreaming read bandwidth (1 GiB), %d threads: %.2f GB/s wall, %.2f GB/s per "
                "CPU-second / threads\n", threads, wall.mean, cpu.mean);
  }
  return 0;
}
