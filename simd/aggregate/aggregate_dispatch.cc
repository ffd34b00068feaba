// SPDX-License-Identifier: Apache-2.0
// Picks the aggregation variant once, after checking it against the scalar reference.
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "simd/aggregate/aggregate.h"
#include "simd/dispatch.h"

namespace tessera::simd {
namespace {

const KernelsByLevel<AggregateKernels> kVariants = {&kAggregateScalar, &kAggregateAvx2, &kAggregateAvx512};

bool SameBits(double left, double right) { return std::memcmp(&left, &right, sizeof(double)) == 0; }

// Runs the grouped double sums and the grouped min/max of both on the same rows.
bool GroupedExtremesAgree(const AggregateKernels& variant, const AggregateKernels& scalar, const uint32_t* codes,
                          const int64_t* integers, const double* doubles, const uint32_t* rows, size_t count,
                          uint32_t groups) {
  std::vector<double> double_sums(groups), expected_double_sums(groups);
  variant.grouped_sum_double(codes, doubles, rows, count, groups, double_sums.data());
  scalar.grouped_sum_double(codes, doubles, rows, count, groups, expected_double_sums.data());
  for (uint32_t group = 0; group < groups; ++group) {
    if (!SameBits(double_sums[group], expected_double_sums[group])) return false;
  }
  using IntegerKernel = void (*)(const uint32_t*, const int64_t*, const uint32_t*, size_t, size_t, int64_t*, uint8_t*);
  using DoubleKernel = void (*)(const uint32_t*, const double*, const uint32_t*, size_t, size_t, double*, uint8_t*);
  const std::pair<IntegerKernel, IntegerKernel> integer_kernels[] = {
      {variant.grouped_min_int64, scalar.grouped_min_int64}, {variant.grouped_max_int64, scalar.grouped_max_int64}};
  for (const auto& [tried, reference] : integer_kernels) {
    std::vector<int64_t> extremes(groups), expected(groups);
    std::vector<uint8_t> seen(groups), expected_seen(groups);
    tried(codes, integers, rows, count, groups, extremes.data(), seen.data());
    reference(codes, integers, rows, count, groups, expected.data(), expected_seen.data());
    if (extremes != expected || seen != expected_seen) return false;
  }
  const std::pair<DoubleKernel, DoubleKernel> double_kernels[] = {
      {variant.grouped_min_double, scalar.grouped_min_double}, {variant.grouped_max_double, scalar.grouped_max_double}};
  for (const auto& [tried, reference] : double_kernels) {
    std::vector<double> extremes(groups), expected(groups);
    std::vector<uint8_t> seen(groups), expected_seen(groups);
    tried(codes, doubles, rows, count, groups, extremes.data(), seen.data());
    reference(codes, doubles, rows, count, groups, expected.data(), expected_seen.data());
    if (seen != expected_seen) return false;
    for (uint32_t group = 0; group < groups; ++group) {
      if (!SameBits(extremes[group], expected[group])) return false;
    }
  }
  return true;
}

// Runs every kernel of both on a fixed input (extremes included), over all rows and over a selection.
bool Agrees(const AggregateKernels& variant, const AggregateKernels& scalar) {
  constexpr size_t kCount = 203;
  constexpr uint32_t kGroups = 7;  // few enough for the vector levels' counting by compare
  std::vector<int64_t> integers(kCount);
  std::vector<double> doubles(kCount);
  std::vector<uint32_t> codes(kCount), selection;
  std::vector<uint64_t> validity((kCount + 63) / 64);
  uint64_t state = 0x853C49E6748FEA9Bull;
  for (size_t row = 0; row < kCount; ++row) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    integers[row] = row % 17 == 0 ? INT64_MIN : static_cast<int64_t>(state);
    doubles[row] = row % 29 == 0 ? -0.0 : static_cast<double>(static_cast<int64_t>(state)) / 3.0;
    codes[row] = static_cast<uint32_t>(state >> 59) % kGroups;
    validity[row / 64] |= (state >> 40 & 1) << (row % 64);
    if (state >> 63) selection.push_back(static_cast<uint32_t>(row));
  }
  std::vector<double> doubles_with_nan = doubles;  // a NaN would hide a wrong summation order
  doubles_with_nan[100] = std::nan("");
  // Sums of many prefixes: another summation order rounds differently on some of them.
  for (size_t count = 1; count <= 256; ++count) {
    if (!SameBits(variant.sum_double(doubles.data(), nullptr, count),
                  scalar.sum_double(doubles.data(), nullptr, count))) {
      return false;
    }
  }
  const uint32_t* const row_choices[] = {nullptr, selection.data()};
  for (const uint32_t* rows : row_choices) {
    const size_t count = rows == nullptr ? kCount : selection.size();
    if (variant.sum_int64(integers.data(), rows, count) != scalar.sum_int64(integers.data(), rows, count)) return false;
    if (!SameBits(variant.sum_double(doubles.data(), rows, count), scalar.sum_double(doubles.data(), rows, count))) {
      return false;
    }
    const Int64Range integer_range = variant.range_int64(integers.data(), rows, count);
    const Int64Range expected_integer_range = scalar.range_int64(integers.data(), rows, count);
    if (integer_range.min != expected_integer_range.min || integer_range.max != expected_integer_range.max) {
      return false;
    }
    const DoubleRange double_range = variant.range_double(doubles_with_nan.data(), rows, count);
    const DoubleRange expected_double_range = scalar.range_double(doubles_with_nan.data(), rows, count);
    if (!SameBits(double_range.min, expected_double_range.min) ||
        !SameBits(double_range.max, expected_double_range.max)) {
      return false;
    }
    if (variant.count_valid(validity.data(), rows, count) != scalar.count_valid(validity.data(), rows, count)) {
      return false;
    }
    std::vector<uint64_t> counts(kGroups), expected_counts(kGroups);
    variant.grouped_count(codes.data(), rows, count, kGroups, counts.data());
    scalar.grouped_count(codes.data(), rows, count, kGroups, expected_counts.data());
    std::vector<uint32_t> counts32(kGroups), expected_counts32(kGroups);
    variant.grouped_count32(codes.data(), rows, count, kGroups, counts32.data());
    scalar.grouped_count32(codes.data(), rows, count, kGroups, expected_counts32.data());
    std::vector<int64_t> sums(kGroups), expected_sums(kGroups);
    variant.grouped_sum_int64(codes.data(), integers.data(), rows, count, kGroups, sums.data());
    scalar.grouped_sum_int64(codes.data(), integers.data(), rows, count, kGroups, expected_sums.data());
    if (counts != expected_counts || counts32 != expected_counts32 || sums != expected_sums) return false;
    if (!GroupedExtremesAgree(variant, scalar, codes.data(), integers.data(), doubles_with_nan.data(), rows, count,
                              kGroups)) {
      return false;
    }
  }
  return true;
}

const AggregateKernels& Chosen() {
  static const AggregateKernels& kernels = ChooseKernels("aggregate", kVariants, &Agrees);
  return kernels;
}

}  // namespace

__int128 SumInt64(const int64_t* values, const uint32_t* selection, size_t count) {
  return Chosen().sum_int64(values, selection, count);
}

double SumDouble(const double* values, const uint32_t* selection, size_t count) {
  return Chosen().sum_double(values, selection, count);
}

Int64Range RangeInt64(const int64_t* values, const uint32_t* selection, size_t count) {
  return Chosen().range_int64(values, selection, count);
}

DoubleRange RangeDouble(const double* values, const uint32_t* selection, size_t count) {
  return Chosen().range_double(values, selection, count);
}

size_t CountValid(const uint64_t* validity, const uint32_t* selection, size_t count) {
  return Chosen().count_valid(validity, selection, count);
}

void GroupedCount(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups, uint64_t* counts) {
  Chosen().grouped_count(codes, selection, count, num_groups, counts);
}

void GroupedCount32(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups,
                    uint32_t* counts) {
  Chosen().grouped_count32(codes, selection, count, num_groups, counts);
}

void GroupedSumInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* sums) {
  Chosen().grouped_sum_int64(codes, values, selection, count, num_groups, sums);
}

void GroupedSumDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* sums) {
  Chosen().grouped_sum_double(codes, values, selection, count, num_groups, sums);
}

void GroupedMinInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* mins, uint8_t* seen) {
  Chosen().grouped_min_int64(codes, values, selection, count, num_groups, mins, seen);
}

void GroupedMaxInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* maxes, uint8_t* seen) {
  Chosen().grouped_max_int64(codes, values, selection, count, num_groups, maxes, seen);
}

void GroupedMinDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* mins, uint8_t* seen) {
  Chosen().grouped_min_double(codes, values, selection, count, num_groups, mins, seen);
}

void GroupedMaxDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* maxes, uint8_t* seen) {
  Chosen().grouped_max_double(codes, values, selection, count, num_groups, maxes, seen);
}

const AggregateKernels* AggregateKernelsFor(SimdLevel level) { return kVariants.For(level); }

}  // namespace tessera::simd
