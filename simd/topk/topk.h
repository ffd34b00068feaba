// SPDX-License-Identifier: Apache-2.0
// Top-k selection over float8 values, in PostgreSQL's float order: -Infinity < ... < -0.0 == +0.0 < ... <
// +Infinity < NaN (every NaN equal). Among equal values the lower position comes first.
//
// Contract of every variant:
//   - TopKSmallest writes the positions of the min(k, count) smallest values to positions[0, min(k, count)),
//     ordered by (value, position), and returns that count. REQUIRES count < 2^32; `positions` holds k
//     entries (it is also the kernel's heap: nothing is allocated).
//   - SelectBelow writes, in ascending order, the positions i in [0, count) whose value sorts strictly
//     before `threshold` (a NaN threshold: every non-NaN value) and returns their number. This is the
//     filter a running top-k applies to new rows: a row equal to the current k-th came later and loses.
//     REQUIRES `positions` holds `count` entries: vector levels may write any of them.
//   - Results are positions only, identical at every level.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/cpu_level.h"
#include "simd/topk/topk_kernels.h"

namespace tessera::simd {

size_t TopKSmallest(const double* values, size_t count, size_t k, uint32_t* positions);
size_t SelectBelow(const double* values, size_t count, double threshold, uint32_t* positions);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const TopKKernels* TopKKernelsFor(SimdLevel level);

}  // namespace tessera::simd
