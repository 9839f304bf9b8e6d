// The AVX-512 vec_ops table: ggml's 512-bit SiLU and softmax exp (llama.cpp built for this
// CPU takes these, so their bits differ from the AVX2 ones); everything else is the AVX2
// table. Compiled with the AVX-512 flags; only reached after PathSupported(Path::kAvx512).
#include <immintrin.h>

#include <math.h>  // ::expf, a libm call: no inline wrapper compiled with this file's flags

#include "engine/kernels/vec_ops_table.h"

namespace llm::engine::kernels {
namespace avx512_vec {

// ggml_v_expf, AVX-512 F + DQ build (ggml vec.h), same operations in the same order.
static inline __m512 GgmlExp(__m512 x) {
  const __m512 r = _mm512_set1_ps(0x1.8p23f);
  const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), r);
  const __m512 n = _mm512_sub_ps(z, r);
  const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.7f7d1cp-20f),
                                    _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.62e4p-1f), x));
  const __mmask16 d = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192), _CMP_GT_OQ);
  const __m512 u = _mm512_mul_ps(b, b);
  const __m512 j = _mm512_fmadd_ps(
      _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(0x1.0e4020p-7f), b, _mm512_set1_ps(0x1.573e2ep-5f)), u,
                      _mm512_fmadd_ps(_mm512_set1_ps(0x1.555e66p-3f), b, _mm512_set1_ps(0x1.fffdb6p-2f))),
      u, _mm512_fmadd_ps(_mm512_set1_ps(0x1.ffffecp-1f), b, _mm512_set1_ps(1.0f)));
  const __m512 res = _mm512_scalef_ps(j, n);
  if (_mm512_kortestz(d, d)) return res;
  const __m512 zero = _mm512_setzero_ps();
  const __m512 alt = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(n, zero, _CMP_LE_OQ), _mm512_set1_ps(INFINITY), zero);
  return _mm512_mask_blend_ps(d, res, alt);
}

// ggml_vec_silu_f32 (16 at a time, expf for the tail), then ggml_mul by up.
static void Swiglu(const float* gate, const float* up, float* out, int64_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 g = _mm512_loadu_ps(gate + i);
    const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, GgmlExp(_mm512_sub_ps(_mm512_setzero_ps(), g))));
    _mm512_storeu_ps(out + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
  }
  for (; i < n; ++i) out[i] = (gate[i] / (1.0f + ::expf(-gate[i]))) * up[i];
}

// ggml_vec_soft_max_f32 (AVX-512 build): exp per 16 values, each group reduced in float, the
// group sums accumulated in double; expf for the tail.
static double SoftmaxExp(float* x, int64_t n, float max) {
  double sum = 0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 val = GgmlExp(_mm512_sub_ps(_mm512_loadu_ps(x + i), _mm512_set1_ps(max)));
    _mm512_storeu_ps(x + i, val);
    sum += static_cast<double>(_mm512_reduce_add_ps(val));
  }
  for (; i < n; ++i) {
    x[i] = ::expf(x[i] - max);
    sum += static_cast<double>(x[i]);
  }
  return sum;
}

}  // namespace avx512_vec

const VecOpsTable& Avx512VecOps() {
  static const VecOpsTable table = [] {
    VecOpsTable t = Avx2VecOps();
    t.swiglu = avx512_vec::Swiglu;
    t.softmax_exp = avx512_vec::SoftmaxExp;
    return t;
  }();
  return table;
}

}  // namespace llm::engine::kernels
