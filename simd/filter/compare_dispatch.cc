// SPDX-License-Identifier: Apache-2.0
// Picks the comparison-filter variant once, after checking it against the scalar reference.
#include <cstdint>
#include <limits>
#include <vector>

#include "simd/dispatch.h"
#include "simd/filter/compare.h"

namespace tessera::simd {
namespace {

const KernelsByLevel<CompareKernels> kVariants = {&kCompareScalar, &kCompareAvx2, &kCompareAvx512};

constexpr Comparison kComparisons[] = {Comparison::kEqual,     Comparison::kNotEqual, Comparison::kLess,
                                       Comparison::kLessEqual, Comparison::kGreater,  Comparison::kGreaterEqual};

template <typename T, typename Select, typename Bitmap>
bool SameFilters(const std::vector<T>& values, T constant, Select variant_select, Select scalar_select,
                 Bitmap variant_bitmap, Bitmap scalar_bitmap) {
  for (Comparison op : kComparisons) {
    std::vector<uint32_t> expected(values.size()), actual(values.size());
    const size_t expected_count = scalar_select(values.data(), values.size(), op, constant, expected.data());
    const size_t actual_count = variant_select(values.data(), values.size(), op, constant, actual.data());
    expected.resize(expected_count);
    actual.resize(actual_count);
    if (actual != expected) return false;
    std::vector<uint64_t> expected_bits((values.size() + 63) / 64), actual_bits(expected_bits.size());
    scalar_bitmap(values.data(), values.size(), op, constant, expected_bits.data());
    variant_bitmap(values.data(), values.size(), op, constant, actual_bits.data());
    if (actual_bits != expected_bits) return false;
  }
  return true;
}

// Signed and float8 selections of a fixed input: values around the constant, extremes, NaN and -0, against
// every comparison and a numeric and a NaN constant.
bool SameSignedAndFloatSelections(const CompareKernels& variant, const CompareKernels& scalar) {
  constexpr size_t kCount = 203;
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(), -0.0, 0.0, 1.5, -1.5,
                             std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  std::vector<int64_t> integers(kCount);
  std::vector<double> floats(kCount);
  for (size_t row = 0; row < kCount; ++row) {
    integers[row] = static_cast<int64_t>(row % 5) - 2 + (row % 11 == 0 ? INT64_MIN : 0);
    floats[row] = specials[(row * 7 + row / 3) % 7];
  }
  for (Comparison op : kComparisons) {
    std::vector<uint32_t> expected(kCount), actual(kCount);
    expected.resize(scalar.select_int64(integers.data(), kCount, op, 0, expected.data()));
    actual.resize(variant.select_int64(integers.data(), kCount, op, 0, actual.data()));
    if (actual != expected) return false;
    for (double constant : {0.0, std::numeric_limits<double>::quiet_NaN()}) {
      expected.resize(kCount);
      actual.resize(kCount);
      expected.resize(scalar.select_float64(floats.data(), kCount, op, constant, expected.data()));
      actual.resize(variant.select_float64(floats.data(), kCount, op, constant, actual.data()));
      if (actual != expected) return false;
    }
  }
  return true;
}

// Filters and intersects a fixed pseudo-random input (values around the constant, both top bits) with both.
bool Agrees(const CompareKernels& variant, const CompareKernels& scalar) {
  constexpr size_t kCount = 301;
  std::vector<uint32_t> values32(kCount);
  std::vector<uint64_t> values64(kCount);
  uint64_t state = 0x2545F4914F6CDD1Dull;
  for (size_t row = 0; row < kCount; ++row) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    values32[row] = static_cast<uint32_t>((state >> 60) + 0x7FFFFFF8u);
    values64[row] = (state >> 60) + 0x7FFFFFFFFFFFFFF8ull;
  }
  if (!SameFilters(values32, 0x80000000u, variant.select32, scalar.select32, variant.bitmap32, scalar.bitmap32) ||
      !SameFilters(values64, uint64_t{0x8000000000000000}, variant.select64, scalar.select64, variant.bitmap64,
                   scalar.bitmap64)) {
    return false;
  }
  if (!SameSignedAndFloatSelections(variant, scalar)) return false;
  std::vector<uint32_t> left, right;
  for (uint32_t row = 0; row < 1000; ++row) {
    if (row % 3 == 0) left.push_back(row);
    if (row % 5 == 0 || row % 7 == 0) right.push_back(row);
  }
  std::vector<uint32_t> expected(left.size()), actual(left.size());
  expected.resize(scalar.intersect(left.data(), left.size(), right.data(), right.size(), expected.data()));
  actual.resize(variant.intersect(left.data(), left.size(), right.data(), right.size(), actual.data()));
  return actual == expected;
}

const CompareKernels& Chosen() {
  static const CompareKernels& kernels = ChooseKernels("filter", kVariants, &Agrees);
  return kernels;
}

}  // namespace

size_t CompareSelect(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint32_t* selection) {
  return Chosen().select32(values, count, op, constant, selection);
}

size_t CompareSelect(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint32_t* selection) {
  return Chosen().select64(values, count, op, constant, selection);
}

void CompareBitmap(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint64_t* bitmap) {
  Chosen().bitmap32(values, count, op, constant, bitmap);
}

void CompareBitmap(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint64_t* bitmap) {
  Chosen().bitmap64(values, count, op, constant, bitmap);
}

size_t CompareSelect(const int64_t* values, size_t count, Comparison op, int64_t constant, uint32_t* selection) {
  return Chosen().select_int64(values, count, op, constant, selection);
}

size_t CompareSelect(const double* values, size_t count, Comparison op, double constant, uint32_t* selection) {
  return Chosen().select_float64(values, count, op, constant, selection);
}

size_t IntersectSelections(const uint32_t* left, size_t left_count, const uint32_t* right, size_t right_count,
                           uint32_t* out) {
  return Chosen().intersect(left, left_count, right, right_count, out);
}

const CompareKernels* CompareKernelsFor(SimdLevel level) { return kVariants.For(level); }

}  // namespace tessera::simd
