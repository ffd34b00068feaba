// SPDX-License-Identifier: Apache-2.0
// The instruction-set level kernels use, picked once from the CPU's features. The environment variable
// TESSERA_SIMD (scalar, avx2, avx512; TESSERA_SIMD_LEVEL is an older alias) lowers it so tests can compare
// every variant with the scalar reference and a CPU without AVX2 or AVX-512 can be imitated; it never raises
// the level above what the CPU has.
#pragma once

namespace tessera::simd {

enum class SimdLevel { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// Returns the level kernels run at: the CPU's, lowered by TESSERA_SIMD. Read once, then constant.
SimdLevel CpuLevel();
const char* SimdLevelName(SimdLevel level);

}  // namespace tessera::simd
