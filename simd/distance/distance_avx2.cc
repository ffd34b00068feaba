// SPDX-License-Identifier: Apache-2.0
// AVX2 distances: the 8 lanes of distance.h are one __m256 accumulator, so the vector code is the scalar
// reference's order exactly; tails of fewer than 8 elements and the final lane combination run in scalar
// code on the stored lanes. Many-rows kernels call the pair kernel row after row: one sequential stream
// for the prefetcher, as in distance_avx512.cc (4 rows interleaved were about 1.4x faster on rows in
// cache, 1.45x slower from memory). Built with -mavx2 -mbmi2 -mpopcnt -ffp-contract=off (no FMA);
// called only when the CPU has them.
#include <immintrin.h>

#include <cstring>

#include "simd/distance/distance_kernels.h"

namespace tessera::simd {
namespace {

constexpr size_t kLanes = 8;

const float* Floats(const void* vector) { return static_cast<const float*>(vector); }

__m256 Load8(const void* vector, size_t index) { return _mm256_loadu_ps(Floats(vector) + index); }

float LoadOne(const void* vector, size_t index) {
  float value;
  std::memcpy(&value, static_cast<const char*>(vector) + index * sizeof(float), sizeof(float));
  return value;
}

float Combine(const float* lanes) {
  return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
}

struct Dot {
  static __m256 Term(__m256 x, __m256 y) { return _mm256_mul_ps(x, y); }
  static float Term(float x, float y) { return x * y; }
};

struct L2 {
  static __m256 Term(__m256 x, __m256 y) {
    const __m256 difference = _mm256_sub_ps(x, y);
    return _mm256_mul_ps(difference, difference);
  }
  static float Term(float x, float y) {
    const float difference = x - y;
    return difference * difference;
  }
};

// Adds the elements from `index` on (fewer than 8) to the lanes of `sums` in scalar code and combines them.
template <typename Kind>
float Finish(__m256 sums, const void* a, const void* b, size_t index, size_t dimensions) {
  alignas(32) float lanes[kLanes];
  _mm256_store_ps(lanes, sums);
  for (size_t lane = 0; index < dimensions; ++index, ++lane) lanes[lane] += Kind::Term(LoadOne(a, index), LoadOne(b, index));
  return Combine(lanes);
}

template <typename Kind>
float Pair(const void* a, const void* b, size_t dimensions) {
  __m256 sums = _mm256_setzero_ps();
  size_t index = 0;
  for (; index + kLanes <= dimensions; index += kLanes) sums = _mm256_add_ps(sums, Kind::Term(Load8(a, index), Load8(b, index)));
  return Finish<Kind>(sums, a, b, index, dimensions);
}

template <typename Kind>
void Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  for (size_t row = 0; row < count; ++row) out[row] = Pair<Kind>(query, rows[row], dimensions);
}

float InnerProduct(const void* a, const void* b, size_t dimensions) { return Pair<Dot>(a, b, dimensions); }
float SquaredL2(const void* a, const void* b, size_t dimensions) { return Pair<L2>(a, b, dimensions); }

CosineSums CosineParts(const void* a, const void* b, size_t dimensions) {
  __m256 dot = _mm256_setzero_ps(), norm_a = dot, norm_b = dot;
  size_t index = 0;
  for (; index + kLanes <= dimensions; index += kLanes) {
    const __m256 x = Load8(a, index), y = Load8(b, index);
    dot = _mm256_add_ps(dot, _mm256_mul_ps(x, y));
    norm_a = _mm256_add_ps(norm_a, _mm256_mul_ps(x, x));
    norm_b = _mm256_add_ps(norm_b, _mm256_mul_ps(y, y));
  }
  return {Finish<Dot>(dot, a, b, index, dimensions), Finish<Dot>(norm_a, a, a, index, dimensions),
          Finish<Dot>(norm_b, b, b, index, dimensions)};
}

void InnerProductMany(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  Many<Dot>(query, rows, count, dimensions, out);
}

void SquaredL2Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  Many<L2>(query, rows, count, dimensions, out);
}

void CosinePartsMany(const void* query, const void* const* rows, size_t count, size_t dimensions, CosineSums* out) {
  for (size_t row = 0; row < count; ++row) out[row] = CosineParts(query, rows[row], dimensions);
}

}  // namespace

const DistanceKernels kDistanceAvx2 = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                       &InnerProductMany, &SquaredL2Many, &CosinePartsMany};

}  // namespace tessera::simd
