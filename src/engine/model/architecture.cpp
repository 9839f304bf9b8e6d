#include "engine/model/architecture.h"

#include <array>

namespace llm::engine {
namespace {

// Llama 2/3.x, TinyLlama, SmolLM, Mistral (key_length may differ from n_embd / n_head, as in
// Mistral Nemo and Small 3).
constexpr ArchSpec kLlama{.name = "llama"};

constexpr ArchSpec kMistral{.name = "mistral"};

// Qwen 2 / 2.5 and the DeepSeek-R1 Qwen distills.
constexpr ArchSpec kQwen2{.name = "qwen2", .rope_mode = RopeMode::kNeox, .qkv_bias = true};

constexpr ArchSpec kQwen3{.name = "qwen3", .rope_mode = RopeMode::kNeox, .qk_norm = true};

// Gemma 2: local and global layers alternate, the local ones first.
constexpr ArchSpec kGemma2{.name = "gemma2",
                           .rope_mode = RopeMode::kNeox,
                           .activation = FfnActivation::kGeluTanh,
                           .post_norms = true,
                           .embedding_scale = true,
                           .query_prescale = true,
                           .soft_capping = true,
                           .embd_query_scale_layers = 46,
                           .swa_pattern = 2};

// Gemma 3 (text): five local layers, then a global one; local layers have their own rope base.
constexpr ArchSpec kGemma3{.name = "gemma3",
                           .rope_mode = RopeMode::kNeox,
                           .activation = FfnActivation::kGeluTanh,
                           .qk_norm = true,
                           .post_norms = true,
                           .embedding_scale = true,
                           .query_prescale = true,
                           .embd_query_scale_layers = 62,
                           .swa_pattern = 6,
                           .swa_rope_base = true};

// Phi-3 / 3.5 mini. llama.cpp ignores phi3.attention.sliding_window (full attention), and so
// do we.
constexpr ArchSpec kPhi3{.name = "phi3",
                         .rope_mode = RopeMode::kNeox,
                         .fused_qkv = true,
                         .fused_gate_up = true,
                         .long_rope_factors = true,
                         .query_prescale = true};

constexpr std::array<const ArchSpec*, 7> kTable = {&kLlama, &kMistral, &kQwen2, &kQwen3,
                                                   &kGemma2, &kGemma3, &kPhi3};

}  // namespace

Result<const ArchSpec*> FindArchitecture(std::string_view architecture) {
  for (const ArchSpec* spec : kTable) {
    if (spec->name == architecture) return spec;
  }
  return Status::Unsupported("model: architecture '" + std::string(architecture) +
                             "' is not supported (supported: " + SupportedArchitectureNames() +
                             ")");
}

std::string SupportedArchitectureNames() {
  std::string names;
  for (const ArchSpec* spec : kTable) {
    if (!names.empty()) names += ", ";
    names += spec->name;
  }
  return names;
}

}  // namespace llm::engine
