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
// continuous batching of the server's slots), in generated tokens per second in all. --json
// prints the same figures as one JSON array instead (one object per model and test, fields
// named like llama-bench's `-o json`: avg_ts, stddev_ts, n_prompt, n_gen), for scripts such as
// bench/compare/run_compare.sh.
#include <CLI/CLI.hpp>

#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
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
    bytes += static_cast<double>(llm::engine::MatrixBytes(w));
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
// The checksum (which keeps the reads from being optimised away) goes to `checksum_to`.
Stats MeasureBandwidth(ThreadPool& pool, Stats* cpu_rate, std::FILE* checksum_to) {
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
  std::fprintf(checksum_to, "<!-- checksum %llu -->\n", static_cast<unsigned long long>(sums[0]));
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

// One measured test of one model: printed as a markdown row at once, or kept for the JSON
// array printed at the end.
struct Row {
  std::string model, type, test;
  double params_b = 0, size_gib = 0;
  int threads = 0, n_prompt = 0, n_gen = 0, n_seq = 1;
  Stats wall, cpu;
  double bytes_per_token = 0;  // tg only: weights read per token
};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class Output {
 public:
  explicit Output(bool json) : json_(json) {}

  void Header() const {
    if (json_) return;
    std::printf("| model | type | params | size | threads | test | tokens/s (wall) | tokens/s (CPU "
                "time / threads) | implied bandwidth (CPU-time rate) |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
  }

  void Add(Row row) {
    if (json_) {
      rows_.push_back(std::move(row));
      return;
    }
    const Row& r = row;
    std::printf("| %s | %s | %.3f B | %.2f GiB | %d | %s | ", r.model.c_str(), r.type.c_str(), r.params_b,
                r.size_gib, r.threads, r.test.c_str());
    if (r.n_seq > 1) {
      std::printf("%.2f ± %.2f (in all) | | |\n", r.wall.mean, r.wall.stddev);
    } else if (r.bytes_per_token > 0) {
      std::printf("%.2f ± %.2f | %.2f ± %.2f | %.1f MB x %.2f/s = %.2f GB/s |\n", r.wall.mean, r.wall.stddev,
                  r.cpu.mean, r.cpu.stddev, r.bytes_per_token / 1e6, r.cpu.mean,
                  r.bytes_per_token * r.cpu.mean / 1e9);
    } else {
      std::printf("%.2f ± %.2f | %.2f ± %.2f | |\n", r.wall.mean, r.wall.stddev, r.cpu.mean, r.cpu.stddev);
    }
    std::fflush(stdout);
  }

  void Bandwidth(int threads, const Stats& wall, const Stats& cpu) {
    if (json_) {
      bandwidth_ = {threads, wall.mean, cpu.mean};
      has_bandwidth_ = true;
      return;
    }
    std::printf("\nstreaming read bandwidth (1 GiB), %d threads: %.2f GB/s wall, %.2f GB/s per "
                "CPU-second / threads\n", threads, wall.mean, cpu.mean);
  }

  // The JSON array (--json): one object per row, then the bandwidth if measured.
  void Finish() const {
    if (!json_) return;
    std::printf("[\n");
    for (size_t i = 0; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      std::printf("  {\"model_filename\": %s, \"model_type\": %s, \"params_b\": %.4f, \"size_gib\": %.4f, "
                  "\"n_threads\": %d, \"test\": %s, \"n_prompt\": %d, \"n_gen\": %d, \"n_seq\": %d, "
                  "\"avg_ts\": %.4f, \"stddev_ts\": %.4f, \"cpu_avg_ts\": %.4f, \"cpu_stddev_ts\": %.4f, "
                  "\"weight_bytes_per_token\": %.0f}%s\n",
                  JsonString(r.model).c_str(), JsonString(r.type).c_str(), r.params_b, r.size_gib, r.threads,
                  JsonString(r.test).c_str(), r.n_prompt, r.n_gen, r.n_seq, r.wall.mean, r.wall.stddev, r.cpu.mean,
                  r.cpu.stddev, r.bytes_per_token, i + 1 < rows_.size() || has_bandwidth_ ? "," : "");
    }
    if (has_bandwidth_) {
      std::printf("  {\"test\": \"bandwidth\", \"n_threads\": %d, \"read_gb_s\": %.3f, \"cpu_read_gb_s\": %.3f}\n",
                  bandwidth_.threads, bandwidth_.wall, bandwidth_.cpu);
    }
    std::printf("]\n");
  }

 private:
  struct BandwidthFigures {
    int threads = 0;
    double wall = 0, cpu = 0;
  };
  bool json_;
  std::vector<Row> rows_;
  BandwidthFigures bandwidth_;
  bool has_bandwidth_ = false;
};

int BenchModel(const std::string& path, int n_prompt, int n_gen, int reps, int parallel, bool no_mmap,
               ThreadPool& pool, Output& out) {
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
  const std::string name = std::filesystem::path(path).filename().string();
  Row base;
  base.model = name;
  base.type = m.info().file_type;
  base.params_b = static_cast<double>(m.info().parameter_count) / 1e9;
  base.size_gib = static_cast<double>(m.info().file_size) / (1024.0 * 1024 * 1024);
  base.threads = threads;
  Row p = base;
  p.test = "pp" + std::to_string(n_prompt);
  p.n_prompt = n_prompt;
  p.wall = Summarize(pp);
  p.cpu = Summarize(pp_cpu);
  out.Add(p);
  Row g = base;
  g.test = "tg" + std::to_string(n_gen);
  g.n_gen = n_gen;
  g.wall = Summarize(tg);
  g.cpu = Summarize(tg_cpu);
  g.bytes_per_token = WeightBytesPerToken(m);
  out.Add(g);
  if (parallel > 1) {
    std::vector<double> batched;
    for (int r = 0; r < reps; ++r) batched.push_back(TimeBatchedGeneration(m, parallel, gen, pool));
    Row b = base;
    b.test = "tg" + std::to_string(n_gen) + " x " + std::to_string(parallel) + " sequences";
    b.n_gen = n_gen;
    b.n_seq = parallel;
    b.wall = Summarize(batched);
    out.Add(b);
  }
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
  bool json = false;
  app.add_flag("--json", json, "print one JSON array (fields like llama-bench -o json) instead of markdown");
  CLI11_PARSE(app, argc, argv);
  ThreadPool pool(threads);
  Output out(json);
  out.Header();
  for (const std::string& path : models) {
    if (BenchModel(path, n_prompt, n_gen, reps, parallel, no_mmap, pool, out) != 0) return 1;
  }
  if (bandwidth) {
    Stats cpu;
    const Stats wall = MeasureBandwidth(pool, &cpu, json ? stderr : stdout);
    out.Bandwidth(threads, wall, cpu);
  }
  out.Finish();
  return 0;
}
