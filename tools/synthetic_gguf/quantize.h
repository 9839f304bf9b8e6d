// Reference conversions from f32 rows to the quantized types the synthetic model generator
// writes (Q8_0, Q4_0), with ggml's rounding, and back (for tests). F16 goes through
// engine/gguf/half_float.h.
#pragma once

#include <cstdint>

#include "engine/gguf/half_float.h"

namespace llm::tools {

using engine::FloatToHalf;
using engine::HalfToFloat;

// `n` (a multiple of 32) floats to Q8_0 blocks: d = amax / 127 (stored as f16), q = round(x / d).
void QuantizeRowQ8_0(const float* x, uint8_t* out, int64_t n);
// `n` (a multiple of 32) floats to Q4_0 blocks: d = max / -8 where max is the element of largest
// magnitude (with its sign), q = min(15, trunc(x / d + 8.5)); low nibbles hold elements 0..15.
void QuantizeRowQ4_0(const float* x, uint8_t* out, int64_t n);
// Inverses, for tests.
void DequantizeRowQ8_0(const uint8_t* in, float* y, int64_t n);
void DequantizeRowQ4_0(const uint8_t* in, float* y, int64_t n);

}  // namespace llm::tools
