// SPDX-License-Identifier: Apache-2.0
// AVX-512 top-k: compares blocks of 8 values with the current k-th (vcmppd into a mask register) and
// touches the heap only for the set bits; the filter compresses the positions of a mask in a register, and
// reads the last (fewer than 8) values with a masked load. Built with the AVX-512 flags;
// called only when the CPU has F, BW and VL.
#include <immintrin.h>

#include <cmath>

#include "simd/topk/topk_kernels.h"

namespace tessera::simd {
namespace {

constexpr size_t kLanes = 8;

// The heap of topk_scalar.cc (this file's own copy: arch files share no inline code).
int Compare(double left, double right) {
  if (std::isnan(left)) return std::isnan(right) ? 0 : 1;
  if (std::isnan(right)) return -1;
  return left < right ? -1 : (left > right ? 1 : 0);
}

bool After(const double* values, uint32_t left, uint32_t right) {
  const int order = Compare(values[left], values[right]);
  return order != 0 ? order > 0 : left > right;
}

void SiftDown(const double* values, uint32_t* heap, size_t size, size_t index) {
  while (2 * index + 1 < size) {
    size_t child = 2 * index + 1;
    if (child + 1 < size && After(values, heap[child + 1], heap[child])) ++child;
    if (!After(values, heap[child], heap[index])) return;
    const uint32_t swapped = heap[child];
    heap[child] = heap[index];
    heap[index] = swapped;
    index = child;
  }
}

// A bit per value of values[row, row + kLanes) that sorts strictly before threshold.
__mmask8 Below(__m512d block, double threshold) {
  if (std::isnan(threshold)) return _mm512_cmp_pd_mask(block, block, _CMP_ORD_Q);
  return _mm512_cmp_pd_mask(block, _mm512_set1_pd(threshold), _CMP_LT_OQ);
}

uint32_t Below(const double* values, size_t row, double threshold) {
  return Below(_mm512_loadu_pd(values + row), threshold);
}

// Seeds the heap with the first k values through the scalar kernel (sorted ascending, reversed: a sorted
// descending array is a max-heap), then replaces its top only for values the block compare lets through.
size_t TopKSmallest(const double* values, size_t count, size_t k, uint32_t* positions) {
  const size_t size = count < k ? count : k;
  if (size == 0 || count <= k) return kTopKScalar.top_k_smallest(values, count, k, positions);
  kTopKScalar.top_k_smallest(values, size, size, positions);
  for (size_t low = 0, high = size - 1; low < high; ++low, --high) {
    const uint32_t swapped = positions[low];
    positions[low] = positions[high];
    positions[high] = swapped;
  }
  size_t row = size;
  for (; row + kLanes <= count; row += kLanes) {
    for (uint32_t mask = Below(values, row, values[positions[0]]); mask != 0; mask &= mask - 1) {
      const uint32_t candidate = static_cast<uint32_t>(row + static_cast<size_t>(__builtin_ctz(mask)));
      if (!After(values, positions[0], candidate)) continue;  // the top moved within this block
      positions[0] = candidate;
      SiftDown(values, positions, size, 0);
    }
  }
  for (; row < count; ++row) {
    if (!After(values, positions[0], static_cast<uint32_t>(row))) continue;
    positions[0] = static_cast<uint32_t>(row);
    SiftDown(values, positions, size, 0);
  }
  for (size_t end = size; end > 1; --end) {
    const uint32_t worst = positions[0];
    positions[0] = positions[end - 1];
    positions[end - 1] = worst;
    SiftDown(values, positions, end - 1, 0);
  }
  return size;
}

// Full blocks compress in a register and store all 8 lanes (vpcompressd to memory is microcoded and slow on
// some CPUs): the lanes past the selected ones land on positions[selected + popcount, row + 8), inside the
// `count` entries the caller provides and overwritten by later blocks. The last block stores with a mask.
size_t SelectBelow(const double* values, size_t count, double threshold, uint32_t* positions) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  size_t selected = 0, row = 0;
  for (; row + kLanes <= count; row += kLanes) {
    const __mmask8 mask = Below(_mm512_loadu_pd(values + row), threshold);
    const __m256i rows = _mm256_add_epi32(lanes, _mm256_set1_epi32(static_cast<int>(row)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(positions + selected), _mm256_maskz_compress_epi32(mask, rows));
    selected += static_cast<size_t>(__builtin_popcount(mask));
  }
  if (row < count) {
    const __mmask8 valid = static_cast<__mmask8>((1u << (count - row)) - 1);
    const __mmask8 mask = valid & Below(_mm512_maskz_loadu_pd(valid, values + row), threshold);
    const __m256i rows = _mm256_add_epi32(lanes, _mm256_set1_epi32(static_cast<int>(row)));
    const __m256i compressed = _mm256_maskz_compress_epi32(mask, rows);
    const int popcount = __builtin_popcount(mask);
    _mm256_mask_storeu_epi32(positions + selected, static_cast<__mmask8>((1u << popcount) - 1), compressed);
    selected += static_cast<size_t>(popcount);
  }
  return selected;
}

}  // namespace

const TopKKernels kTopKAvx512 = {&TopKSmallest, &SelectBelow};

}  // namespace tessera::simd
