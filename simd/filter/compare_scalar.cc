// SPDX-License-Identifier: Apache-2.0
// Scalar reference of the comparison filters: the plainest loops, which define the results of every variant.
#include <cstring>

#include "simd/filter/compare_kernels.h"

namespace tessera::simd {
namespace {

template <typename T>
bool Matches(T value, Comparison op, T constant) {
  switch (op) {
    case Comparison::kEqual:
      return value == constant;
    case Comparison::kNotEqual:
      return value != constant;
    case Comparison::kLess:
      return value < constant;
    case Comparison::kLessEqual:
      return value <= constant;
    case Comparison::kGreater:
      return value > constant;
    case Comparison::kGreaterEqual:
      return value >= constant;
  }
  return false;
}

template <typename T>
size_t Select(const T* values, size_t count, Comparison op, T constant, uint32_t* selection) {
  size_t selected = 0;
  for (size_t row = 0; row < count; ++row) {
    if (Matches(values[row], op, constant)) selection[selected++] = static_cast<uint32_t>(row);
  }
  return selected;
}

template <typename T>
void Bitmap(const T* values, size_t count, Comparison op, T constant, uint64_t* bitmap) {
  std::memset(bitmap, 0, (count + 63) / 64 * sizeof(uint64_t));
  for (size_t row = 0; row < count; ++row) {
    bitmap[row / 64] |= uint64_t{Matches(values[row], op, constant)} << (row % 64);
  }
}

size_t Select32(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint32_t* selection) {
  return Select(values, count, op, constant, selection);
}

size_t Select64(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint32_t* selection) {
  return Select(values, count, op, constant, selection);
}

void Bitmap32(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint64_t* bitmap) {
  Bitmap(values, count, op, constant, bitmap);
}

void Bitmap64(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint64_t* bitmap) {
  Bitmap(values, count, op, constant, bitmap);
}

size_t Intersect(const uint32_t* left, size_t left_count, const uint32_t* right, size_t right_count, uint32_t* out) {
  size_t left_index = 0, right_index = 0, selected = 0;
  while (left_index < left_count && right_index < right_count) {
    if (left[left_index] < right[right_index]) {
      ++left_index;
    } else if (right[right_index] < left[left_index]) {
      ++right_index;
    } else {
      out[selected++] = left[left_index];
      ++left_index;
      ++right_index;
    }
  }
  return selected;
}

size_t SelectInt64(const int64_t* values, size_t count, Comparison op, int64_t constant, uint32_t* selection) {
  return Select(values, count, op, constant, selection);
}

// The order of `value` against `constant` in PostgreSQL's float8 order: NaN equal to NaN, above all else.
int Float8Order(double value, double constant) {
  const bool value_nan = value != value;
  const bool constant_nan = constant != constant;
  if (value_nan || constant_nan) return value_nan - constant_nan;
  return value < constant ? -1 : (value > constant ? 1 : 0);
}

size_t SelectFloat64(const double* values, size_t count, Comparison op, double constant, uint32_t* selection) {
  size_t selected = 0;
  for (size_t row = 0; row < count; ++row) {
    if (Matches(Float8Order(values[row], constant), op, 0)) selection[selected++] = static_cast<uint32_t>(row);
  }
  return selected;
}

}  // namespace

const CompareKernels kCompareScalar = {&Select32, &Select64,    &Bitmap32,      &Bitmap64,
                                       &Intersect, &SelectInt64, &SelectFloat64};

}  // namespace tessera::simd
