// SPDX-License-Identifier: Apache-2.0
// AVX-512 distances. The 8 lanes of distance.h are 8 floats: one ymm accumulator per vector, with the
// 256-bit VL forms, and the last (fewer than 8) elements loaded with zeroing masked loads: adding +0.0
// leaves a lane's bits as they are, since a lane that starts at +0.0 is never -0.0. The lanes are combined
// in scalar code in the reference's order. Built with the AVX-512 flags and -ffp-contract=off (no FMA);
// called only when the CPU has F, BW and VL.
//
// Many-rows kernels run the pair kernel row after row. Rows usually lie one after another in memory (a
// segment chunk's payloads) and, for large tables, come from DRAM: reading them in that order is one
// sequential stream the hardware prefetcher follows, and the out-of-order core overlaps the add chains of
// consecutive rows. Interleaving rows (two per zmm, four per iteration) is about 1.3x faster on rows in
// cache but about 1.5x slower from memory (simd_bench: 45M vs 65M 128-dimension rows/s on one core, and
// V1/V2 of scripts/bench 20-25% faster), so it is not done.
#include <immintrin.h>

#include <cstdint>

#include "simd/distance/distance_kernels.h"

namespace tessera::simd {
namespace {

constexpr size_t kLanes = 8;

const float* Floats(const void* vector) { return static_cast<const float*>(vector); }

// Elements [index, index + 8) of `vector`, those whose bit is clear in `mask` read as +0.0 and not loaded.
__m256 Load8(const void* vector, size_t index, __mmask8 mask) { return _mm256_maskz_loadu_ps(mask, Floats(vector) + index); }

float Combine(const float* lanes) {
  return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
}

float Combine(__m256 sums) {
  alignas(32) float lanes[kLanes];
  _mm256_store_ps(lanes, sums);
  return Combine(lanes);
}

struct Dot {
  static __m256 Term(__m256 x, __m256 y) { return _mm256_mul_ps(x, y); }
};

struct L2 {
  static __m256 Term(__m256 x, __m256 y) {
    const __m256 difference = _mm256_sub_ps(x, y);
    return _mm256_mul_ps(difference, difference);
  }
};

__mmask8 TailMask(size_t dimensions) { return static_cast<__mmask8>((1u << (dimensions % kLanes)) - 1); }

template <typename Kind>
float Pair(const void* a, const void* b, size_t dimensions) {
  __m256 sums = _mm256_setzero_ps();
  const size_t full = dimensions - dimensions % kLanes;
  for (size_t index = 0; index < full; index += kLanes) {
    sums = _mm256_add_ps(sums, Kind::Term(Load8(a, index, 0xFF), Load8(b, index, 0xFF)));
  }
  if (const __mmask8 tail = TailMask(dimensions)) {
    sums = _mm256_add_ps(sums, Kind::Term(Load8(a, full, tail), Load8(b, full, tail)));
  }
  return Combine(sums);
}

template <typename Kind>
void Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  for (size_t row = 0; row < count; ++row) out[row] = Pair<Kind>(query, rows[row], dimensions);
}

float InnerProduct(const void* a, const void* b, size_t dimensions) { return Pair<Dot>(a, b, dimensions); }
float SquaredL2(const void* a, const void* b, size_t dimensions) { return Pair<L2>(a, b, dimensions); }

CosineSums CosineParts(const void* a, const void* b, size_t dimensions) {
  __m256 dot = _mm256_setzero_ps(), norm_a = dot, norm_b = dot;
  const size_t full = dimensions - dimensions % kLanes;
  const auto add = [&](size_t index, __mmask8 mask) {
    const __m256 x = Load8(a, index, mask), y = Load8(b, index, mask);
    dot = _mm256_add_ps(dot, _mm256_mul_ps(x, y));
    norm_a = _mm256_add_ps(norm_a, _mm256_mul_ps(x, x));
    norm_b = _mm256_add_ps(norm_b, _mm256_mul_ps(y, y));
  };
  for (size_t index = 0; index < full; index += kLanes) add(index, 0xFF);
  if (const __mmask8 tail = TailMask(dimensions)) add(full, tail);
  return {Combine(dot), Combine(norm_a), Combine(norm_b)};
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

// One 64-byte block per load: its low nibbles are dimensions 0..63 and its high nibbles 64..127, as the
// AVX2 variant (unsigned nibbles times signed codes in 16-bit pairs, then 32-bit lanes), four rows at a
// time so that their lane sums reduce together.
void SketchDots(const uint8_t* nibbles, size_t count, size_t blocks, const int8_t* query, int32_t* out) {
  const __m512i low = _mm512_set1_epi8(0x0F);
  const __m512i ones = _mm512_set1_epi16(1);
  int32_t offset = 0;
  for (size_t index = 0; index < blocks * kSketchBlockDimensions; ++index) offset += 8 * query[index];
  const auto row_sums = [&](size_t row) {
    __m512i sums = _mm512_setzero_si512();
    for (size_t block = 0; block < blocks; ++block) {
      const __m512i packed = _mm512_loadu_si512(nibbles + (row * blocks + block) * kSketchBlockBytes);
      const int8_t* codes = query + block * kSketchBlockDimensions;
      const __m512i low_products = _mm512_maddubs_epi16(_mm512_and_si512(packed, low), _mm512_loadu_si512(codes));
      const __m512i high_products =
          _mm512_maddubs_epi16(_mm512_and_si512(_mm512_srli_epi16(packed, 4), low), _mm512_loadu_si512(codes + 64));
      sums = _mm512_add_epi32(sums, _mm512_madd_epi16(_mm512_add_epi16(low_products, high_products), ones));
    }
    return sums;
  };
  // Halves a zmm of lane sums into a ymm: the 16 lanes' total is kept.
  const auto fold = [](__m512i sums) {
    return _mm256_add_epi32(_mm512_castsi512_si256(sums), _mm512_extracti64x4_epi64(sums, 1));
  };
  size_t row = 0;
  for (; row + 4 <= count; row += 4) {
    // hadd of two ymm pairs lanes of both; after two rounds each 128-bit lane holds the four rows' partial
    // totals in order, and the two lanes add up.
    const __m256i pair01 = _mm256_hadd_epi32(fold(row_sums(row)), fold(row_sums(row + 1)));
    const __m256i pair23 = _mm256_hadd_epi32(fold(row_sums(row + 2)), fold(row_sums(row + 3)));
    const __m256i quad = _mm256_hadd_epi32(pair01, pair23);
    const __m128i totals = _mm_add_epi32(_mm256_castsi256_si128(quad), _mm256_extracti128_si256(quad, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + row), _mm_sub_epi32(totals, _mm_set1_epi32(offset)));
  }
  for (; row < count; ++row) {
    const __m256i half = fold(row_sums(row));
    __m128i total = _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
    total = _mm_hadd_epi32(total, total);
    total = _mm_hadd_epi32(total, total);
    out[row] = _mm_cvtsi128_si32(total) - offset;
  }
}


// 16 rows at a time in the order of distance.h, the rest by the scalar variant.
void SketchBounds(const int32_t* dots, const float* scales, const float* residuals, const float* norms, size_t count,
                  const SketchTerms& terms, float* out) {
  const __m512 dot = _mm512_set1_ps(terms.dot), constant = _mm512_set1_ps(terms.constant);
  const __m512 residual = _mm512_set1_ps(terms.residual), norm = _mm512_set1_ps(terms.norm);
  const __m512 norm_squared = _mm512_set1_ps(terms.norm_squared);
  size_t row = 0;
  for (; row + 16 <= count; row += 16) {
    const __m512 codes = _mm512_cvtepi32_ps(_mm512_loadu_si512(dots + row));
    const __m512 norms_now = _mm512_loadu_ps(norms + row);
    __m512 value = _mm512_mul_ps(dot, _mm512_mul_ps(_mm512_loadu_ps(scales + row), codes));
    value = _mm512_add_ps(value, constant);
    value = _mm512_add_ps(value, _mm512_mul_ps(residual, _mm512_loadu_ps(residuals + row)));
    value = _mm512_add_ps(value, _mm512_mul_ps(norm, norms_now));
    value = _mm512_add_ps(value, _mm512_mul_ps(norm_squared, _mm512_mul_ps(norms_now, norms_now)));
    _mm512_storeu_ps(out + row, value);
  }
  kDistanceScalar.sketch_bounds(dots + row, scales + row, residuals + row, norms + row, count - row, terms, out + row);
}

}  // namespace

const DistanceKernels kDistanceAvx512 = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                         &InnerProductMany, &SquaredL2Many, &CosinePartsMany,
                                         &SketchDots, &SketchBounds};

}  // namespace tessera::simd
