// SPDX-License-Identifier: Apache-2.0
// AVX-512 distances. The 8 lanes of distance.h are 8 floats, so a zmm register holds the lanes of two rows:
// the many-rows kernels put rows r and r + 1 in the low and high halves (vinsertf64x4) against the query
// block broadcast to both halves, 4 rows per iteration, and load the last (fewer than 8) elements with
// zeroing masked loads: adding +0.0 leaves a lane's bits as they are, since a lane that starts at +0.0 is
// never -0.0. Pair kernels use the 256-bit VL forms with the same masked tail. The lanes are combined in
// scalar code in the reference's order. Built with the AVX-512 flags and -ffp-contract=off (no FMA);
// called only when the CPU has F, BW and VL.
#include <immintrin.h>

#include "simd/distance/distance_kernels.h"

namespace tessera::simd {
namespace {

constexpr size_t kLanes = 8;

const float* Floats(const void* vector) { return static_cast<const float*>(vector); }

// Elements [index, index + 8) of `vector`, those whose bit is clear in `mask` read as +0.0 and not loaded.
__m256 Load8(const void* vector, size_t index, __mmask8 mask) { return _mm256_maskz_loadu_ps(mask, Floats(vector) + index); }

__m512 BothHalves(__m256 block) { return _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(block))); }

__m512 TwoRows(__m256 low, __m256 high) {
  return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(low)), _mm256_castps_pd(high), 1));
}

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
  static __m512 Term(__m512 x, __m512 y) { return _mm512_mul_ps(x, y); }
};

struct L2 {
  static __m256 Term(__m256 x, __m256 y) {
    const __m256 difference = _mm256_sub_ps(x, y);
    return _mm256_mul_ps(difference, difference);
  }
  static __m512 Term(__m512 x, __m512 y) {
    const __m512 difference = _mm512_sub_ps(x, y);
    return _mm512_mul_ps(difference, difference);
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

// Adds the terms of elements [index, index + 8) (those in `mask`) of query and rows[0..3] into two
// accumulators of two rows each.
template <typename Kind>
void AddFourRows(const void* query, const void* const* rows, size_t index, __mmask8 mask, __m512& sums01,
                 __m512& sums23) {
  const __m512 block = BothHalves(Load8(query, index, mask));
  sums01 = _mm512_add_ps(sums01, Kind::Term(block, TwoRows(Load8(rows[0], index, mask), Load8(rows[1], index, mask))));
  sums23 = _mm512_add_ps(sums23, Kind::Term(block, TwoRows(Load8(rows[2], index, mask), Load8(rows[3], index, mask))));
}

template <typename Kind>
void Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  const size_t full = dimensions - dimensions % kLanes;
  const __mmask8 tail = TailMask(dimensions);
  size_t row = 0;
  for (; row + 4 <= count; row += 4) {
    __m512 sums01 = _mm512_setzero_ps(), sums23 = sums01;
    for (size_t index = 0; index < full; index += kLanes) AddFourRows<Kind>(query, rows + row, index, 0xFF, sums01, sums23);
    if (tail != 0) AddFourRows<Kind>(query, rows + row, full, tail, sums01, sums23);
    alignas(64) float lanes[4 * kLanes];
    _mm512_store_ps(lanes, sums01);
    _mm512_store_ps(lanes + 2 * kLanes, sums23);
    for (size_t offset = 0; offset < 4; ++offset) out[row + offset] = Combine(lanes + offset * kLanes);
  }
  for (; row < count; ++row) out[row] = Pair<Kind>(query, rows[row], dimensions);
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

}  // namespace

const DistanceKernels kDistanceAvx512 = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                         &InnerProductMany, &SquaredL2Many, &CosinePartsMany};

}  // namespace tessera::simd
