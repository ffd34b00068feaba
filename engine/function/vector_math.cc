// SPDX-License-Identifier: Apache-2.0
// The vector distance sums through the simd/ distance kernels, which implement vector_math.h's summation
// order at every level; VectorNorm's double accumulation stays here.
#include "engine/function/vector_math.h"

#include <cmath>
#include <cstring>

#include "simd/distance/distance.h"

namespace tessera::engine::vector_math {
namespace {


CosineSums FromSimd(const simd::CosineSums& sums) { return CosineSums{sums.dot, sums.norm_a, sums.norm_b}; }

const void* const* Rows(const char* const* rows) { return reinterpret_cast<const void* const*>(rows); }

}  // namespace

float InnerProduct(const char* a, const char* b, size_t dimensions) { return simd::InnerProduct(a, b, dimensions); }

float SquaredL2Distance(const char* a, const char* b, size_t dimensions) { return simd::SquaredL2(a, b, dimensions); }

CosineSums CosineParts(const char* a, const char* b, size_t dimensions) {
  return FromSimd(simd::CosineParts(a, b, dimensions));
}

void InnerProductMany(const char* query, const char* const* rows, size_t count, size_t dimensions, float* out) {
  simd::InnerProductMany(query, Rows(rows), count, dimensions, out);
}

void SquaredL2DistanceMany(const char* query, const char* const* rows, size_t count, size_t dimensions, float* out) {
  simd::SquaredL2Many(query, Rows(rows), count, dimensions, out);
}

void CosinePartsMany(const char* query, const char* const* rows, size_t count, size_t dimensions, CosineSums* out) {
  // Computed into the simd struct, then copied member by member: the two types are unrelated.
  constexpr size_t kChunk = 256;
  simd::CosineSums sums[kChunk];
  for (size_t first = 0; first < count; first += kChunk) {
    const size_t chunk = count - first < kChunk ? count - first : kChunk;
    simd::CosinePartsMany(query, Rows(rows + first), chunk, dimensions, sums);
    for (size_t row = 0; row < chunk; ++row) out[first + row] = FromSimd(sums[row]);
  }
}

double VectorNorm(const char* a, size_t dimensions) {
  double sum = 0;
  for (size_t index = 0; index < dimensions; ++index) {
    float element;
    std::memcpy(&element, a + index * sizeof(float), sizeof(float));
    const double value = element;
    sum += value * value;
  }
  return std::sqrt(sum);
}

}  // namespace tessera::engine::vector_math
