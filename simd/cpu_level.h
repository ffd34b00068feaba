// SPDX-License-Identifier: Apache-2.0
// The instruction-set level kernels use, picked once from the CPU's features. The environment variable
// TESSERA_SIMD_LEVEL (scalar, avx2, avx512) lowers it so tests can compare every variant with the scalar
// reference; it never raises the level above what the CPU has.
#pragma once

namespace tessera::simd {

enum class SimdLevel { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

SimdLevel CpuLevel();
const char* SimdLevelName(SimdLevel level);

}  // namespace tessera::simd
