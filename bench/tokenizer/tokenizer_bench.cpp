// Tokenizer speed on the vocabularies of ../shared: building the tokenizer from a GGUF file,
// and encoding / decoding a ~90 KB mixed-script text (English, digits, code, accents, CJK,
// emoji), reported as input bytes per second and tokens per second.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "engine/gguf/gguf_reader.h"
#include "engine/tokenizer/tokenizer.h"

namespace {

using llm::engine::GgufFile;
using llm::engine::Tokenizer;

const char* kVocabs[] = {"llama-spm", "llama3", "qwen3", "gpt-2", "deepseek-coder"};

std::string VocabPath(int index) {
  const char* env = std::getenv("LLM_SHARED_DIR");
  const std::string shared = env ? env : LLM_SHARED_DIR_DEFAULT;
  return shared + "/testdata/vocab/ggml-vocab-" + kVocabs[index] + ".gguf";
}

std::unique_ptr<Tokenizer> Load(int index) {
  auto file = GgufFile::Open(VocabPath(index));
  if (!file.ok()) return nullptr;
  auto tok = Tokenizer::FromGguf(**file);
  return tok.ok() ? std::move(tok).value() : nullptr;
}

const std::string& Text() {
  static const std::string text = [] {
    std::string t;
    for (int i = 0; i < 1000; ++i) {
      t += "The quick brown fox jumps over the lazy dog 12345, isn't it? "
           "def f(x): return x**2  # \xC3\x9C" "n\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD "
           "\xF0\x9F\xA6\x99\n";
    }
    return t;
  }();
  return text;
}

void BM_BuildFromGguf(benchmark::State& state) {
  auto file = GgufFile::Open(VocabPath(static_cast<int>(state.range(0))));
  if (!file.ok()) {
    state.SkipWithError(file.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto tok = Tokenizer::FromGguf(**file);
    benchmark::DoNotOptimize(tok);
  }
  state.SetLabel(kVocabs[state.range(0)]);
}

void BM_Encode(benchmark::State& state) {
  auto tok = Load(static_cast<int>(state.range(0)));
  if (!tok) {
    state.SkipWithError("cannot load the vocabulary");
    return;
  }
  size_t tokens = 0;
  for (auto _ : state) {
    auto ids = tok->Encode(Text(), true, true);
    tokens += ids.size();
    benchmark::DoNotOptimize(ids);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Text().size()));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.SetLabel(kVocabs[state.range(0)]);
}

void BM_DecodeStreamed(benchmark::State& state) {
  auto tok = Load(static_cast<int>(state.range(0)));
  if (!tok) {
    state.SkipWithError("cannot load the vocabulary");
    return;
  }
  const auto ids = tok->Encode(Text(), false, false);
  for (auto _ : state) {
    llm::engine::Utf8StreamDecoder decoder;
    size_t bytes = 0;
    for (int32_t id : ids) bytes += decoder.Push(tok->TokenToPiece(id, false)).size();
    bytes += decoder.Flush().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * ids.size()), benchmark::Counter::kIsRate);
  state.SetLabel(kVocabs[state.range(0)]);
}

BENCHMARK(BM_BuildFromGguf)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Encode)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeStreamed)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

}  // namespace
