// libFuzzer target: a SamplerChain built from fuzzed (valid) parameters samples rows of fuzzed
// logits, NaN and infinities included, accepting what it picks. Built only with
// -DLLM_FUZZ=ON; run by the CTest test `sampler_fuzz` (label `fuzz`).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/sampling/sampler.h"

namespace {

// Reads a T from the front of the input (zero when it is exhausted).
template <typename T>
T Take(const uint8_t*& data, size_t& size) {
  T value{};
  const size_t n = size < sizeof(T) ? size : sizeof(T);
  std::memcpy(&value, data, n);
  data += n;
  size -= n;
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using llm::engine::SamplingParams;
  SamplingParams p;
  p.temperature = Take<uint8_t>(data, size) / 127.5f;  // 0..2
  p.top_k = Take<int8_t>(data, size);
  p.top_p = Take<uint8_t>(data, size) / 255.0f;
  p.min_p = Take<uint8_t>(data, size) / 255.0f;
  p.repeat_penalty = 0.01f + Take<uint8_t>(data, size) / 64.0f;
  p.repeat_last_n = Take<int8_t>(data, size);
  p.frequency_penalty = Take<int8_t>(data, size) / 64.0f;
  p.presence_penalty = Take<int8_t>(data, size) / 64.0f;
  p.seed = Take<uint16_t>(data, size);
  if (!llm::engine::ValidateSamplingParams(p).ok()) return 0;
  const size_t vocab = 1 + Take<uint8_t>(data, size) % 200;
  llm::engine::SamplerChain chain(p);
  while (size > 0) {
    std::vector<float> logits(vocab);
    for (float& x : logits) x = Take<float>(data, size);
    const int32_t token = chain.Sample(logits);
    if (token < 0 || static_cast<size_t>(token) >= vocab) __builtin_trap();
    chain.Accept(token);
  }
  return 0;
}
