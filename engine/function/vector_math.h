// SPDX-License-Identifier: Apache-2.0
// The arithmetic of the vector type's distance functions over two payloads of equal dimension, or one query
// payload against a batch of them; computed by the simd/ distance kernels (simd/distance/distance.h).
//
// Inputs are vector payloads (base/vector_value.h): `dimensions` little-endian float32 values each, at any
// alignment. Elements are loaded with memcpy, so the loops compile to unaligned vector loads.
//
// Summation order (what a replacement must reproduce, or state its tolerance against): float32
// accumulation, as pgvector does, into kVectorLanes partial sums: lane k adds the terms of elements
// k, k + 8, k + 16, ... in index order, starting from +0.0f. The lanes are then combined as
// ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)), the order of an 8-wide horizontal reduction. No fused
// multiply-add: each term is rounded before it is added. VectorNorm alone accumulates in double, one
// element after another, as pgvector's vector_norm.
#pragma once

#include <cstddef>

namespace tessera::engine::vector_math {

constexpr size_t kVectorLanes = 8;

// Sum over i of a[i] * b[i].
float InnerProduct(const char* a, const char* b, size_t dimensions);
// Sum over i of (a[i] - b[i])^2.
float SquaredL2Distance(const char* a, const char* b, size_t dimensions);

// The three sums cosine distance needs, from one pass: a.b, a.a, b.b.
struct CosineSums {
  float dot = 0;
  float norm_a = 0;
  float norm_b = 0;
};
CosineSums CosineParts(const char* a, const char* b, size_t dimensions);

// The same sums of (query, rows[i]) into out[i] for i in [0, count); every row has `dimensions` elements.
void InnerProductMany(const char* query, const char* const* rows, size_t count, size_t dimensions, float* out);
void SquaredL2DistanceMany(const char* query, const char* const* rows, size_t count, size_t dimensions, float* out);
void CosinePartsMany(const char* query, const char* const* rows, size_t count, size_t dimensions, CosineSums* out);

// sqrt of the sum over i of (double) a[i]^2.
double VectorNorm(const char* a, size_t dimensions);

}  // namespace tessera::engine::vector_math
