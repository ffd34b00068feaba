// SPDX-License-Identifier: Apache-2.0
// The reference top-k: a max-heap of the best k positions so far (the worst on top) that each value
// replaces the top of when it sorts before it, then an in-place heapsort; and the plainest filter loop.
#include <cmath>

#include "simd/topk/topk_kernels.h"

namespace tessera::simd {
namespace {

// PostgreSQL's float order: NaN above everything and equal to NaN; -0.0 equal to +0.0.
int Compare(double left, double right) {
  if (std::isnan(left)) return std::isnan(right) ? 0 : 1;
  if (std::isnan(right)) return -1;
  return left < right ? -1 : (left > right ? 1 : 0);
}

// Position `left` sorts after position `right` by (value, position).
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

void SiftUp(const double* values, uint32_t* heap, size_t index) {
  while (index > 0) {
    const size_t parent = (index - 1) / 2;
    if (!After(values, heap[index], heap[parent])) return;
    const uint32_t swapped = heap[parent];
    heap[parent] = heap[index];
    heap[index] = swapped;
    index = parent;
  }
}

size_t TopKSmallest(const double* values, size_t count, size_t k, uint32_t* positions) {
  size_t size = 0;
  for (size_t row = 0; row < count; ++row) {
    if (size < k) {
      positions[size] = static_cast<uint32_t>(row);
      SiftUp(values, positions, size++);
    } else if (k > 0 && After(values, positions[0], static_cast<uint32_t>(row))) {
      positions[0] = static_cast<uint32_t>(row);
      SiftDown(values, positions, size, 0);
    }
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
  size_t selected = 0;
  for (size_t row = 0; row < count; ++row) {
    if (Compare(values[row], threshold) < 0) positions[selected++] = static_cast<uint32_t>(row);
  }
  return selected;
}

}  // namespace

const TopKKernels kTopKScalar = {&TopKSmallest, &SelectBelow};

}  // namespace tessera::simd
