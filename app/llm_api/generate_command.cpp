// `llm-api generate --model FILE --prompt TEXT [--max-tokens N] [--temperature T] [--top-k K]
// [--top-p P] [--seed S] [--threads N] [--json]`: generates text with the native engine.
// Streams the text to stdout (timings to stderr), or with --json prints one object:
// {"prompt_tokens":[...],"tokens":[...],"text":"...","finish_reason":"length",
//  "timings":{"prompt_n":..,"prompt_ms":..,"prompt_per_second":..,"predicted_n":..,
//             "predicted_ms":..,"predicted_per_second":..}}
#include <CLI/CLI.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/cpu_topology.h"
#include "engine/model/session.h"
#include "llm_api/commands.h"

namespace llm::app {
namespace {

struct GenerateOptions {
  std::string model;
  std::string prompt;
  int32_t threads = 0;
  int32_t ctx_size = 0;
  bool json = false;
  bool no_mmap = false;
  engine::GenerateParams params;
};

nlohmann::ordered_json ResultToJson(const engine::GenerateResult& r) {
  const engine::Timings& t = r.timings;
  return {{"prompt_tokens", r.prompt_tokens},
          {"tokens", r.tokens},
          {"text", r.text},
          {"finish_reason", std::string(engine::FinishReasonName(r.finish_reason))},
          {"timings",
           {{"prompt_n", t.prompt_n},
            {"prompt_ms", t.prompt_ms},
            {"prompt_per_second", t.prompt_per_second},
            {"predicted_n", t.predicted_n},
            {"predicted_ms", t.predicted_ms},
            {"predicted_per_second", t.predicted_per_second}}}};
}

int Generate(const GenerateOptions& opt) {
  Result<std::shared_ptr<const engine::Model>> model = engine::Model::Load(opt.model, opt.no_mmap ? LoadMode::kReadIntoMemory : LoadMode::kMap);
  if (!model.ok()) {
    std::fprintf(stderr, "llm-api generate: %s\n", model.status().ToString().c_str());
    return 1;
  }
  engine::ThreadPool pool(opt.threads);
  engine::Session session(*model, opt.ctx_size, pool);
  engine::GenerateCallbacks cb;
  if (!opt.json) {
    cb.on_piece = [](std::string_view piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
      return true;
    };
  }
  Result<engine::GenerateResult> result = session.Generate(opt.prompt, opt.params, cb);
  if (!result.ok()) {
    std::fprintf(stderr, "llm-api generate: %s\n", result.status().ToString().c_str());
    return 1;
  }
  const engine::Timings& t = result->timings;
  if (opt.json) {
    // Invalid UTF-8 cannot occur (pieces are whole characters); replace defensively anyway.
    std::printf("%s\n", ResultToJson(*result)
                            .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                            .c_str());
  } else {
    std::printf("\n");
    std::fprintf(stderr,
                 "finish: %s | prompt: %d tokens, %.1f ms, %.1f tokens/s | generation: %d "
                 "tokens, %.1f ms, %.1f tokens/s | threads: %d\n",
                 std::string(engine::FinishReasonName(result->finish_reason)).c_str(), t.prompt_n,
                 t.prompt_ms, t.prompt_per_second, t.predicted_n, t.predicted_ms,
                 t.predicted_per_second, pool.size());
  }
  return 0;
}

}  // namespace

int RunGenerate(int argc, char** argv) {
  CLI::App app{"Generate text from a prompt with a GGUF model", "llm-api generate"};
  GenerateOptions opt;
  opt.threads = static_cast<int32_t>(DefaultComputeThreads());
  engine::SamplingParams& s = opt.params.sampling;
  app.add_option("--model", opt.model, "GGUF model file")->required();
  app.add_option("--prompt", opt.prompt, "prompt text")->required();
  app.add_option("--max-tokens", opt.params.max_tokens, "tokens to generate at most (-1: until the context is full)")
      ->capture_default_str();
  app.add_option("--temperature", s.temperature, "sampling temperature (0: greedy)")->capture_default_str();
  app.add_option("--top-k", s.top_k, "keep the k most likely tokens (0: off)")->capture_default_str();
  app.add_option("--top-p", s.top_p, "nucleus sampling mass (1: off)")->capture_default_str();
  app.add_option("--min-p", s.min_p, "drop tokens below min-p x the top probability (0: off)")
      ->capture_default_str();
  app.add_option("--repeat-penalty", s.repeat_penalty, "repetition penalty (1: off)")->capture_default_str();
  app.add_option("--seed", s.seed, "random seed (default: a random one)");
  app.add_option("--stop", opt.params.stop, "stop string (repeatable)");
  app.add_option("--threads", opt.threads, "worker threads (default: the machine's cores)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--ctx-size", opt.ctx_size, "context length in tokens (0: the model's)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--no-mmap", opt.no_mmap, "read the model into memory (transparent huge pages) instead of mapping it");
  app.add_flag("--json", opt.json, "print one JSON object with tokens, text, finish_reason, timings");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return Generate(opt);
}

}  // namespace llm::app
