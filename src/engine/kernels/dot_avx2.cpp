// The avx2 build of the x86 dot products (compiled with this path's flags, see CMakeLists.txt;
// only reached after PathSupported(Path::kAvx2) said yes).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "engine/kernels/block_types.h"
#include "engine/kernels/kernel_table.h"

namespace llm::engine::kernels {
namespace avx2_impl {
#include "engine/kernels/dot_x86_common.inc"
#include "engine/kernels/dot_x86_float.inc"
#include "engine/kernels/dot_x86_q.inc"
#include "engine/kernels/dot_x86_k.inc"
#include "engine/kernels/dot_x86_table.inc"
}  // namespace avx2_impl

DotKernel Avx2Dot(GgmlType type) { return avx2_impl::LookupDot(type); }

}  // namespace llm::engine::kernels
