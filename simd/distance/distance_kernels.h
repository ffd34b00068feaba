// SPDX-License-Identifier: Apache-2.0
// The distance variants, one constant table per level. Declarations only, so that the arch files (built
// with their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>

namespace tessera::simd {

struct CosineSums {
  float dot;     // a.b
  float norm_a;  // a.a
  float norm_b;  // b.b
};

struct DistanceKernels {
  // See distance.h for the contracts.
  float (*inner_product)(const void* a, const void* b, size_t dimensions);
  float (*squared_l2)(const void* a, const void* b, size_t dimensions);
  CosineSums (*cosine_parts)(const void* a, const void* b, size_t dimensions);
  void (*inner_product_many)(const void* query, const void* const* rows, size_t count, size_t dimensions,
                             float* out);
  void (*squared_l2_many)(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out);
  void (*cosine_parts_many)(const void* query, const void* const* rows, size_t count, size_t dimensions,
                            CosineSums* out);
};

extern const DistanceKernels kDistanceScalar;
extern const DistanceKernels kDistanceAvx2;
extern const DistanceKernels kDistanceAvx512;

}  // namespace tessera::simd
