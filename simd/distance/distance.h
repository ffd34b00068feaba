// SPDX-License-Identifier: Apache-2.0
// Float32 distances of the vector type: inner product, squared L2 and the three sums of cosine distance,
// for one pair of vectors or for one query vector against many rows.
//
// Contract of every variant:
//   - A vector is `dimensions` float32 values at any alignment (a vector payload, base/vector_value.h);
//     nothing past its last value is read. REQUIRES dimensions < 2^31.
//   - Many-rows kernels: out[i] is the single-pair result of (query, rows[i]) for i in [0, count); every
//     rows[i] is a vector of `dimensions` values (the caller leaves NULL rows out).
//   - Summation order (engine/function/vector_math.h, which these kernels implement): float32 accumulation
//     into 8 lanes; lane k adds the terms of elements k, k + 8, k + 16, ... in index order, starting from
//     +0.0f; the lanes are combined as ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). No fused
//     multiply-add: each product (or squared difference) is rounded before it is added. So every variant
//     gives the scalar reference's bits, except that a NaN result's payload and sign are unspecified.
#pragma once

#include <cstddef>

#include "simd/cpu_level.h"
#include "simd/distance/distance_kernels.h"

namespace tessera::simd {

// Sum over i of a[i] * b[i].
float InnerProduct(const void* a, const void* b, size_t dimensions);
// Sum over i of (a[i] - b[i])^2.
float SquaredL2(const void* a, const void* b, size_t dimensions);
// a.b, a.a and b.b in one pass.
CosineSums CosineParts(const void* a, const void* b, size_t dimensions);

void InnerProductMany(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out);
void SquaredL2Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out);
void CosinePartsMany(const void* query, const void* const* rows, size_t count, size_t dimensions, CosineSums* out);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const DistanceKernels* DistanceKernelsFor(SimdLevel level);

}  // namespace tessera::simd
