// Reference conversions from f32 rows to the storage types the synthetic model generator
// writes (F16, Q8_0, Q4_0), with ggml's rounding, and back (for tests).
#pragma once

#include <cstdint>

namespace llm::tools {

// IEEE binary16 with round-to-nearest-even (as F16C's vcvtps2ph), and back.
uint16_t FloatToHalf(float f);
float HalfToFloat(uint16_t h);

// `n` (a multiple of 32) floats to Q8_0 blocks: d = amax / 127 (stored as f16), q = round(x / d).
void QuantizeRowQ8_0(const float* x, uint8_t* out, int64_t n);
// `n` (a multiple of 32) floats to Q4_0 blocks: d = max / -8 where max is the element of largest
// magnitude (with its sign), q = min(15, trunc(x / d + 8.5)); low nibbles hold elements 0..15.
void QuantizeRowQ4_0(const float* x, uint8_t* out, int64_t n);
// Inverses, for tests.
void DequantizeRowQ8_0(const uint8_t* in, float* y, int64_t n);
void DequantizeRowQ4_0(const uint8_t* in, float* y, int64_t n);

}  // namespace llm::tools
