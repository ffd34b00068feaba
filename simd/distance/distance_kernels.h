// SPDX-License-Identifier: Apache-2.0
// The distance variants, one constant table per level. Declarations only, so that the arch files (built
// with their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

struct CosineSums {
  float dot;     // a.b
  float norm_a;  // a.a
  float norm_b;  // b.b
};

// SketchDots (distance.h): a block of 128 dimensions' 4-bit codes.
constexpr size_t kSketchBlockDimensions = 128;
constexpr size_t kSketchBlockBytes = 64;

// SketchLowerBounds (distance.h): the affine terms of a row's bound.
struct SketchTerms {
  float dot;           // times scale * code dot product
  float constant;
  float residual;      // times the row's residual norm
  float norm;          // times the row's norm
  float norm_squared;  // times its square
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
  void (*sketch_dots)(const uint8_t* nibbles, size_t count, size_t blocks, const int8_t* query, int32_t* out);
  void (*sketch_bounds)(const int32_t* dots, const float* scales, const float* residuals, const float* norms,
                        size_t count, const SketchTerms& terms, float* out);
};

extern const DistanceKernels kDistanceScalar;
extern const DistanceKernels kDistanceAvx2;
extern const DistanceKernels kDistanceAvx512;

}  // namespace tessera::simd
