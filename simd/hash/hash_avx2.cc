// SPDX-License-Identifier: Apache-2.0
// AVX2 hashing and compaction: four keys per register with 64-bit multiplies built from 32-bit ones;
// compaction walks the set bits (count trailing zeros, clear the lowest), which beats a shuffle-table
// compaction for sparse and dense bitmaps alike. Built with -mavx2 -mbmi2 -mpopcnt; called only when the CPU has them.
#include <immintrin.h>

#include "simd/hash/hash_kernels.h"

namespace tessera::simd {
namespace {

__m256i MultiplyLow64(__m256i a, __m256i b) {
  const __m256i low = _mm256_mul_epu32(a, b);
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), b),
                                         _mm256_mul_epu32(a, _mm256_srli_epi64(b, 32)));
  return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

__m256i Mix(__m256i k) {
  k = _mm256_xor_si256(k, _mm256_srli_epi64(k, 33));
  k = MultiplyLow64(k, _mm256_set1_epi64x(static_cast<int64_t>(0xff51afd7ed558ccdull)));
  k = _mm256_xor_si256(k, _mm256_srli_epi64(k, 33));
  k = MultiplyLow64(k, _mm256_set1_epi64x(static_cast<int64_t>(0xc4ceb9fe1a85ec53ull)));
  return _mm256_xor_si256(k, _mm256_srli_epi64(k, 33));
}

void HashInt64(const int64_t* keys, size_t count, uint64_t* hashes) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const __m256i k = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(keys + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(hashes + i), Mix(k));
  }
  if (i < count) kHashScalar.hash_int64(keys + i, count - i, hashes + i);
}

// The scalar loops, called through the scalar table (see the table below for why).
void ProbeInt64(const Int64TableView& table, const int64_t* keys, const uint64_t* hashes, size_t count,
                uint32_t* found) {
  kHashScalar.probe_int64(table, keys, hashes, count, found);
}

void GatherInt64(const int64_t* values, const uint32_t* selection, size_t count, int64_t* out) {
  kHashScalar.gather_int64(values, selection, count, out);
}

void GatherInt32(const int32_t* values, const uint32_t* selection, size_t count, int32_t* out) {
  kHashScalar.gather_int32(values, selection, count, out);
}

size_t BitmapToSelection(const uint64_t* bitmap, size_t count, uint32_t* selection) {
  size_t selected = 0;
  const size_t full_words = count / 64;
  for (size_t word = 0; word < full_words; ++word) {
    for (uint64_t bits = bitmap[word]; bits != 0; bits &= bits - 1) {
      selection[selected++] = static_cast<uint32_t>(word * 64 + __builtin_ctzll(bits));
    }
  }
  if (count % 64 != 0) {
    for (uint64_t bits = bitmap[full_words] & ((uint64_t{1} << (count % 64)) - 1); bits != 0; bits &= bits - 1) {
      selection[selected++] = static_cast<uint32_t>(full_words * 64 + __builtin_ctzll(bits));
    }
  }
  return selected;
}

}  // namespace

// Probes and gathers run the scalar loops: vpgatherqq versions measured slower (see hash_avx512.cc).
const HashKernels kHashAvx2 = {&HashInt64, &ProbeInt64, &GatherInt64, &GatherInt32, &BitmapToSelection};

}  // namespace tessera::simd
