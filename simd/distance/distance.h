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
//   - SketchDots: integer dot products of 4-bit vector codes with 8-bit query codes (the coarse pass of
//     a nearest-rows scan, storage/vector_sketch.h). A row is `blocks` blocks of kSketchBlockBytes bytes;
//     byte b of a block holds the code of the block's dimension b in its low nibble and of dimension
//     64 + b in its high nibble, a nibble n standing for n - 8. `query` holds blocks * 128 codes in
//     dimension order, each in [-127, 127]. out[i] = sum over dimensions of (nibble - 8) * query code,
//     exact (it cannot overflow below 2^20 blocks), so every variant gives the same result.
//   - SketchBounds: out[i] = ((((t.dot * (scales[i] * float(dots[i]))) + t.constant) + t.residual *
//     residuals[i]) + t.norm * norms[i]) + t.norm_squared * (norms[i] * norms[i]), each operation rounded
//     in float32 in that order (no fused multiply-add), so every variant gives the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

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

void SketchDots(const uint8_t* nibbles, size_t count, size_t blocks, const int8_t* query, int32_t* out);
void SketchBounds(const int32_t* dots, const float* scales, const float* residuals, const float* norms, size_t count,
                  const SketchTerms& terms, float* out);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const DistanceKernels* DistanceKernelsFor(SimdLevel level);

}  // namespace tessera::simd
