// constrained-bench: generation speed with and without a JSON-schema constraint (constrained
// decoding's token mask), greedy and random sampling, through Session::Generate as the server
// runs it. Prints one markdown row per model and sampling mode: generated tokens/s without
// and with the grammar (mean over --reps runs after a warm-up, wall clock and process CPU
// time / threads) and the slowdown. The constrained run stops when the schema's JSON is
// complete, so it may generate fewer tokens; the rates are per generated token. The last
// column is the sampler chain alone on random logits (CPU ms per token), free and constrained.
#include <CLI/CLI.hpp>

#include <time.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_constraint.h"
#include "engine/grammar/json_schema.h"
#include "engine/model/session.h"

namespace {

using llm::engine::GenerateParams;
using llm::engine::Model;
using llm::engine::Session;
using llm::engine::ThreadPool;

// Long output: up to 40 records of bounded strings, numbers and enums.
constexpr const char* kDefaultSchema = R"({"type":"array","minItems":40,"maxItems":40,"items":{
  "type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string","maxLength":24},
  "tags":{"type":"array","items":{"enum":["red","green","blue"]},"maxItems":3},
  "score":{"type":"number"},"note":{"type":["string","null"]}},"required":["id","name","score"]}})";

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rate {
  double wall = 0;  // generated tokens per wall-clock second
  double cpu = 0;   // generated tokens per CPU second / threads
  int64_t tokens = 0;
};

// Mean rates of `reps` generations after one warm-up.
Rate Measure(Session& session, const GenerateParams& params, int reps, int threads) {
  Rate sum;
  for (int r = 0; r <= reps; ++r) {
    session.Reset();
    const double cpu0 = CpuSeconds();
    auto result = session.Generate("Here is the data as JSON:", params);
    const double cpu = CpuSeconds() - cpu0;
    if (!result.ok()) {
      std::fprintf(stderr, "generate: %s\n", result.status().ToString().c_str());
      return {};
    }
    if (r == 0) continue;  // warm-up
    const auto& t = result->timings;
    sum.wall += t.predicted_per_second;
    // CPU time of the prompt is included; the prompt is a few tokens.
    sum.cpu += cpu > 0 ? t.predicted_n / (cpu / threads) : 0;
    sum.tokens += t.predicted_n;
  }
  return {sum.wall / reps, sum.cpu / reps, sum.tokens / reps};
}

// CPU milliseconds per token of the sampler chain alone, on rows of random logits of the
// model's vocabulary size (as a random-weight model produces), with `constraint` or not:
// isolates the mask's cost from the forward pass, which shared cores make noisy.
double SamplingMs(const Model& model, const std::shared_ptr<const llm::engine::Grammar>& grammar, bool greedy, int n) {
  llm::engine::SamplingParams p;
  p.temperature = greedy ? 0.0f : 1.0f;
  p.seed = 42;
  std::unique_ptr<llm::engine::GrammarConstraint> c;
  if (grammar) c = std::make_unique<llm::engine::GrammarConstraint>(grammar, model.grammar_vocabulary());
  llm::engine::SamplerChain chain(p, std::move(c));
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> logits(static_cast<size_t>(model.hparams().n_vocab));
  double spent = 0;
  int done = 0;
  for (; done < n && !chain.ConstraintComplete(); ++done) {
    for (float& x : logits) x = normal(rng);
    const double t0 = CpuSeconds();
    const int32_t id = chain.Sample(logits);
    if (id < 0 || !chain.AcceptSampled(id).ok()) break;
    spent += CpuSeconds() - t0;
  }
  return done > 0 ? 1000.0 * spent / done : 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"constrained-bench: tokens/s with and without a JSON-schema grammar"};
  std::vector<std::string> models;
  int n_gen = 128, reps = 3, threads = 2;
  std::string schema_file;
  app.add_option("-m,--model", models, "GGUF model(s)")->required();
  app.add_option("-n,--n-gen", n_gen, "tokens to generate (at most)")->capture_default_str();
  app.add_option("-r,--reps", reps, "repetitions after the warm-up")->capture_default_str();
  app.add_option("-t,--threads", threads, "threads")->capture_default_str();
  app.add_option("--schema", schema_file, "JSON Schema file (default: 40 records of 5 fields)");
  CLI11_PARSE(app, argc, argv);

  const std::string schema = schema_file.empty() ? kDefaultSchema : ReadFile(schema_file);
  auto gbnf = llm::engine::JsonSchemaToGbnf(schema);
  if (!gbnf.ok()) return std::fprintf(stderr, "schema: %s\n", gbnf.status().ToString().c_str()), 1;
  auto grammar = llm::engine::ParseGrammar(*gbnf);
  if (!grammar.ok()) return std::fprintf(stderr, "grammar: %s\n", grammar.status().ToString().c_str()), 1;

  ThreadPool pool(threads);
  std::printf("| model | sampling | free tok/s (CPU) | constrained tok/s (CPU) | tokens free / constrained | slowdown (CPU) | sampler ms/token free / constrained |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const std::string& path : models) {
    auto model = Model::Load(path);
    if (!model.ok()) return std::fprintf(stderr, "%s: %s\n", path.c_str(), model.status().ToString().c_str()), 1;
    (*model)->grammar_vocabulary();  // built once per model, outside the timings
    Session session(*model, 0, pool);
    for (const bool greedy : {true, false}) {
      GenerateParams params;
      params.max_tokens = n_gen;
      params.sampling.temperature = greedy ? 0.0f : 1.0f;
      params.sampling.seed = 42;
      const Rate free = Measure(session, params, reps, threads);
      params.grammar = *grammar;
      const Rate constrained = Measure(session, params, reps, threads);
      const double ms_free = SamplingMs(**model, nullptr, greedy, n_gen);
      const double ms_constrained = SamplingMs(**model, *grammar, greedy, n_gen);
      std::printf("| %s | %s | %.2f (%.2f) | %.2f (%.2f) | %lld / %lld | %.1f%% (%.1f%%) | %.3f / %.3f |\n",
                  std::filesystem::path(path).filename().c_str(), greedy ? "greedy" : "random t=1",
                  free.wall, free.cpu, constrained.wall, constrained.cpu, static_cast<long long>(free.tokens),
                  static_cast<long long>(constrained.tokens), 100.0 * (1.0 - constrained.wall / free.wall),
                  100.0 * (1.0 - constrained.cpu / free.cpu), ms_free, ms_constrained);
      std::fflush(stdout);
    }
  }
  return 0;
}
