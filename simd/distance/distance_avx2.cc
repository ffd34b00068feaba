// SPDX-License-Identifier: Apache-2.0
// AVX2 distances: the 8 lanes of distance.h are one __m256 accumulator, so the vector code is the scalar
// reference's order exactly; tails of fewer than 8 elements and the final lane combination run in scalar
// code on the stored lanes. Many-rows kernels call the pair kernel row after row: one sequential stream
// for the prefetcher, as in distance_avx512.cc (4 rows interleaved were about 1.4x faster on rows in
// cache, 1.45x slower from memory). Built with -mavx2 -mbmi2 -mpopcnt -ffp-contract=off (no FMA);
// called only when the CPU has them.
#include <immintrin.h>

#include <cstdint>
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

// Two 32-byte halves per block: the low nibbles of half h are dimensions 32h.., the high ones 64 + 32h..;
// unsigned nibbles times signed query codes in 16-bit pairs (at most 2 * 15 * 127, no saturation), then
// 32-bit lanes. The nibbles' offset of 8 comes off at the end as 8 times the sum of the query codes.
void SketchDots(const uint8_t* nibbles, size_t count, size_t blocks, const int8_t* query, int32_t* out) {
  const __m256i low = _mm256_set1_epi8(0x0F);
  const __m256i ones = _mm256_set1_epi16(1);
  int32_t offset = 0;
  for (size_t index = 0; index < blocks * kSketchBlockDimensions; ++index) offset += 8 * query[index];
  const auto load = [](const void* at) { return _mm256_loadu_si256(static_cast<const __m256i*>(at)); };
  const auto products = [&](__m256i codes, __m256i query_codes) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(codes, query_codes), ones);
  };
  for (size_t row = 0; row < count; ++row) {
    __m256i sums = _mm256_setzero_si256();
    for (size_t block = 0; block < blocks; ++block) {
      const uint8_t* bytes = nibbles + (row * blocks + block) * kSketchBlockBytes;
      const int8_t* codes = query + block * kSketchBlockDimensions;
      for (size_t half = 0; half < 2; ++half) {
        const __m256i packed = load(bytes + 32 * half);
        sums = _mm256_add_epi32(sums, products(_mm256_and_si256(packed, low), load(codes + 32 * half)));
        sums = _mm256_add_epi32(
            sums, products(_mm256_and_si256(_mm256_srli_epi16(packed, 4), low), load(codes + 64 + 32 * half)));
      }
    }
    __m128i total = _mm_add_epi32(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
    total = _mm_hadd_epi32(total, total);
    total = _mm_hadd_epi32(total, total);
    out[row] = _mm_cvtsi128_si32(total) - offset;
  }
}


// 8 rows at a time in the order of distance.h, the rest by the scalar variant.
void SketchBounds(const int32_t* dots, const float* scales, const float* residuals, const float* norms, size_t count,
                  const SketchTerms& terms, float* out) {
  const __m256 dot = _mm256_set1_ps(terms.dot), constant = _mm256_set1_ps(terms.constant);
  const __m256 residual = _mm256_set1_ps(terms.residual), norm = _mm256_set1_ps(terms.norm);
  const __m256 norm_squared = _mm256_set1_ps(terms.norm_squared);
  size_t row = 0;
  for (; row + 8 <= count; row += 8) {
    const __m256 codes = _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(dots + row)));
    const __m256 norms_now = _mm256_loadu_ps(norms + row);
    __m256 value = _mm256_mul_ps(dot, _mm256_mul_ps(_mm256_loadu_ps(scales + row), codes));
    value = _mm256_add_ps(value, constant);
    value = _mm256_add_ps(value, _mm256_mul_ps(residual, _mm256_loadu_ps(residuals + row)));
    value = _mm256_add_ps(value, _mm256_mul_ps(norm, norms_now));
    value = _mm256_add_ps(value, _mm256_mul_ps(norm_squared, _mm256_mul_ps(norms_now, norms_now)));
    _mm256_storeu_ps(out + row, value);
  }
  kDistanceScalar.sketch_bounds(dots + row, scales + row, residuals + row, norms + row, count - row, terms, out + row);
}

}  // namespace

const DistanceKernels kDistanceAvx2 = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                       &InnerProductMany, &SquaredL2Many, &CosinePartsMany,
                                       &SketchDots, &SketchBounds};

}  // namespace tessera::simd
