// SPDX-License-Identifier: Apache-2.0
// Picking a kernel family's variant once per process, on the family's first call. Each family
// (simd/<family>/) defines a struct of function pointers and one constant instance per level; its
// *_dispatch.cc calls ChooseKernels once, from a function-local static, and keeps the result. Included only by the dispatch files, which are built for baseline x86-64.
#pragma once

#include <cstdio>

#include "simd/cpu_level.h"

namespace tessera::simd {

// The variants of one family, indexed by SimdLevel; a null entry has no variant for that level.
template <typename Kernels>
struct KernelsByLevel {
  const Kernels* scalar;
  const Kernels* avx2;
  const Kernels* avx512;

  // Returns the variant of `level`, or nullptr when there is none or CpuLevel() is below `level`.
  const Kernels* For(SimdLevel level) const {
    if (level > CpuLevel()) return nullptr;
    switch (level) {
      case SimdLevel::kScalar:
        return scalar;
      case SimdLevel::kAvx2:
        return avx2;
      case SimdLevel::kAvx512:
        return avx512;
    }
    return nullptr;
  }
};

// Returns the variant of the highest level from CpuLevel() down whose `agrees(variant, scalar)` self-check
// holds (a fixed input, compared with the scalar reference). A variant that fails is logged to stderr and
// skipped, as LevelDB's crc32c falls back when the accelerated version disagrees.
template <typename Kernels>
const Kernels& ChooseKernels(const char* family, const KernelsByLevel<Kernels>& variants,
                             bool (*agrees)(const Kernels& variant, const Kernels& scalar)) {
  for (SimdLevel level : {SimdLevel::kAvx512, SimdLevel::kAvx2}) {
    const Kernels* variant = variants.For(level);
    if (variant == nullptr) continue;
    if (agrees(*variant, *variants.scalar)) return *variant;
    std::fprintf(stderr, "tessera: simd/%s: the %s variant disagrees with scalar on its self-check; not using it\n",
                 family, SimdLevelName(level));
  }
  return *variants.scalar;
}

}  // namespace tessera::simd
