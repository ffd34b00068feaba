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

}  // namespace

const DistanceKernels kDistanceAvx512 = {&InnerProduct,     &SquaredL2,     &CosineParts,
                                         &InnerProductMany, &SquaredL2Many, &CosinePartsMany};

}  // namespace tessera::simd
