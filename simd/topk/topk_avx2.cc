// SPDX-License-Identifier: Apache-2.0
// AVX2 top-k: compares blocks of 4 values with the current k-th (vcmppd, movemask) and touches the heap
// only for the set bits; the filter writes positions from the same masks, bit by bit. Built with -mavx2
// -mbmi2 -mpopcnt; called only when the CPU has them.
#include <immintrin.h>

#include <cmath>

#include "simd/topk/topk_kernels.h"

namespace tessera::simd {
namespace {

constexpr size_t kLanes = 4;

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
uint32_t Below(const double* values, size_t row, double threshold) {
  const __m256d block = _mm256_loadu_pd(values + row);
  const __m256d compared = std::isnan(threshold) ? _mm256_cmp_pd(block, block, _CMP_ORD_Q)
                                                 : _mm256_cmp_pd(block, _mm256_set1_pd(threshold), _CMP_LT_OQ);
  return static_cast<uint32_t>(_mm256_movemask_pd(compared));
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

size_t SelectBelow(const double* values, size_t count, double threshold, uint32_t* positions) {
  size_t selected = 0, row = 0;
  for (; row + kLanes <= count; row += kLanes) {
    for (uint32_t mask = Below(values, row, threshold); mask != 0; mask &= mask - 1) {
      positions[selected++] = static_cast<uint32_t>(row + static_cast<size_t>(__builtin_ctz(mask)));
    }
  }
  const size_t tail = kTopKScalar.select_below(values + row, count - row, threshold, positions + selected);
  for (size_t index = selected; index < selected + tail; ++index) positions[index] += static_cast<uint32_t>(row);
  return selected + tail;
}

}  // namespace

const TopKKernels kTopKAvx2 = {&TopKSmallest, &SelectBelow};

}  // namespace tessera::simd
