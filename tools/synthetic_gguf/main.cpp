// make-synthetic-gguf: writes a random-weight GGUF of any supported architecture (--arch) for
// benchmarks, e.g. the 1.1B Llama shape: --dim 2048 --layers 16 --heads 32 --kv-heads 8
//   --ffn 8192 --vocab-from ../shared/testdata/vocab/ggml-vocab-llama-spm.gguf --type q4_0
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "synthetic_gguf/model_synth.h"

int main(int argc, char** argv) {
  using llm::engine::GgmlType;
  CLI::App app{"Write a random-weight GGUF model of a supported architecture", "make-synthetic-gguf"};
  llm::tools::SynthConfig c;
  std::string out;
  std::string type = "f32";
  const std::map<std::string, GgmlType> types = {
      {"f32", GgmlType::kF32}, {"f16", GgmlType::kF16}, {"q8_0", GgmlType::kQ8_0},
      {"q4_0", GgmlType::kQ4_0}};
  app.add_option("--out", out, "output GGUF path")->required();
  app.add_option("--type", type, "weight type: f32, f16, q8_0 or q4_0")
      ->check(CLI::IsMember({"f32", "f16", "q8_0", "q4_0"}))->capture_default_str();
  app.add_option("--arch", c.arch, "architecture: " + llm::engine::SupportedArchitectureNames())
      ->capture_default_str();
  app.add_option("--dim", c.dim, "embedding length")->capture_default_str();
  app.add_option("--layers", c.layers, "transformer blocks")->capture_default_str();
  app.add_option("--heads", c.heads, "attention heads")->capture_default_str();
  app.add_option("--kv-heads", c.kv_heads, "key/value heads")->capture_default_str();
  app.add_option("--ffn", c.ffn, "feed-forward length")->capture_default_str();
  app.add_option("--head-dim", c.head_dim, "head size written as key_length (0: dim / heads)")
      ->capture_default_str();
  app.add_option("--sliding-window", c.sliding_window, "window of sliding-window layers")
      ->capture_default_str();
  app.add_option("--vocab-from", c.vocab_from, "GGUF whose tokenizer.* metadata is copied");
  app.add_option("--vocab", c.vocab, "vocabulary size when --vocab-from is not given");
  app.add_option("--ctx", c.ctx, "context length")->capture_default_str();
  app.add_option("--seed", c.seed, "random seed")->capture_default_str();
  app.add_option("--rope-freq-base", c.rope_freq_base, "rope.freq_base")->capture_default_str();
  app.add_option("--threads", c.threads, "threads (0: all cores)")->capture_default_str();
  app.add_flag("--tied", c.tied, "omit output.weight (tied embeddings)");
  CLI11_PARSE(app, argc, argv);
  c.type = types.at(type);

  auto start = std::chrono::steady_clock::now();
  llm::Status s = llm::tools::WriteSyntheticModel(c, out);
  if (!s.ok()) {
    std::fprintf(stderr, "make-synthetic-gguf: %s\n", s.ToString().c_str());
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::error_code ec;
  auto bytes = std::filesystem::file_size(out, ec);
  std::printf("wrote %s (%s, %ju bytes) in %.2f s\n", out.c_str(), type.c_str(),
              static_cast<uintmax_t>(ec ? 0 : bytes), secs);
  return 0;
}
