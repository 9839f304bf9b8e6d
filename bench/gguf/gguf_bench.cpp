// Time to open (map + validate) GGUF files and to read a tokenizer's string array.
// Run: build-*/bin/bench_gguf (reads ../shared next to the source tree, or $LLM_SHARED_DIR).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "engine/gguf/gguf_reader.h"

namespace {

std::string Shared(const std::string& rel) {
  const char* dir = std::getenv("LLM_SHARED_DIR");
  return (dir != nullptr ? std::string(dir) : std::string(LLM_SOURCE_DIR) + "/../shared") + "/" + rel;
}

void Open(benchmark::State& state, const std::string& rel) {
  const std::string path = Shared(rel);
  for (auto _ : state) {
    auto f = llm::engine::GgufFile::Open(path);
    if (!f.ok()) {
      state.SkipWithError(f.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(f->get());
  }
}

void ReadTokens(benchmark::State& state, const std::string& rel) {
  auto f = llm::engine::GgufFile::Open(Shared(rel));
  if (!f.ok()) {
    state.SkipWithError(f.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto tokens = (*f)->GetStringArray("tokenizer.ggml.tokens");
    benchmark::DoNotOptimize(tokens);
  }
}

BENCHMARK_CAPTURE(Open, llama3_vocab, "testdata/vocab/ggml-vocab-llama3.gguf")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Open, synth_llama3_q4_0, "models/synth-llama3-q4_0.gguf")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Open, stories260K, "models/stories260K.gguf")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ReadTokens, llama3_vocab, "testdata/vocab/ggml-vocab-llama3.gguf")
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
