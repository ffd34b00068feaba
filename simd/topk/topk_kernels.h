// SPDX-License-Identifier: Apache-2.0
// The top-k variants, one constant table per level. Declarations only, so that the arch files (built with
// their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

struct TopKKernels {
  // See topk.h for the contracts.
  size_t (*top_k_smallest)(const double* values, size_t count, size_t k, uint32_t* positions);
  size_t (*select_below)(const double* values, size_t count, double threshold, uint32_t* positions);
};

extern const TopKKernels kTopKScalar;
extern const TopKKernels kTopKAvx2;
extern const TopKKernels kTopKAvx512;

}  // namespace tessera::simd
