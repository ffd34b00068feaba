// SPDX-License-Identifier: Apache-2.0
// Scalar reference of the aggregates: the plainest loops, which define the results of every variant.
#include <cmath>
#include <cstring>

#include "simd/aggregate/aggregate_kernels.h"

namespace tessera::simd {
namespace {

size_t Row(const uint32_t* selection, size_t index) { return selection == nullptr ? index : selection[index]; }

// Maps a double's bits to an integer whose order is PostgreSQL's float8 order (NaN largest, with its
// sign cleared) and -0.0 < +0.0.
int64_t OrderKey(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  const uint64_t magnitude = bits & 0x7FFFFFFFFFFFFFFFull;
  if (magnitude > 0x7FF0000000000000ull) bits = magnitude;
  const auto key = static_cast<int64_t>(bits);
  return key < 0 ? key ^ 0x7FFFFFFFFFFFFFFFll : key;
}

double FromOrderKey(int64_t key) {
  const uint64_t bits = static_cast<uint64_t>(key < 0 ? key ^ 0x7FFFFFFFFFFFFFFFll : key);
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

__int128 SumInt64(const int64_t* values, const uint32_t* selection, size_t count) {
  __int128 sum = 0;
  for (size_t index = 0; index < count; ++index) sum += values[Row(selection, index)];
  return sum;
}

double SumDouble(const double* values, const uint32_t* selection, size_t count) {
  double lanes[8] = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};
  for (size_t index = 0; index < count; ++index) lanes[index % 8] += values[Row(selection, index)];
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

Int64Range RangeInt64(const int64_t* values, const uint32_t* selection, size_t count) {
  Int64Range range = {INT64_MAX, INT64_MIN};
  for (size_t index = 0; index < count; ++index) {
    const int64_t value = values[Row(selection, index)];
    if (value < range.min) range.min = value;
    if (value > range.max) range.max = value;
  }
  return range;
}

DoubleRange RangeDouble(const double* values, const uint32_t* selection, size_t count) {
  int64_t min_key = INT64_MAX, max_key = INT64_MIN;
  for (size_t index = 0; index < count; ++index) {
    const int64_t key = OrderKey(values[Row(selection, index)]);
    if (key < min_key) min_key = key;
    if (key > max_key) max_key = key;
  }
  return {FromOrderKey(min_key), FromOrderKey(max_key)};
}

size_t CountValid(const uint64_t* validity, const uint32_t* selection, size_t count) {
  size_t valid = 0;
  for (size_t index = 0; index < count; ++index) {
    const size_t row = Row(selection, index);
    valid += validity[row / 64] >> (row % 64) & 1;
  }
  return valid;
}

// The loop without a selection is the grouped aggregation's hottest (one load and one increment per
// row): unrolled, so that it does not depend on where the compiler happens to place a two-line loop.
template <typename Count>
void CountCodes(const uint32_t* codes, const uint32_t* selection, size_t count, Count* counts) {
  if (selection != nullptr) {
    for (size_t index = 0; index < count; ++index) ++counts[codes[selection[index]]];
    return;
  }
  size_t index = 0;
  for (; index + 4 <= count; index += 4) {
    ++counts[codes[index]];
    ++counts[codes[index + 1]];
    ++counts[codes[index + 2]];
    ++counts[codes[index + 3]];
  }
  for (; index < count; ++index) ++counts[codes[index]];
}

void GroupedCount(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups, uint64_t* counts) {
  CountCodes(codes, selection, count, counts);
}

void GroupedCount32(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups,
                    uint32_t* counts) {
  CountCodes(codes, selection, count, counts);
}

void GroupedSumInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* sums) {
  for (size_t index = 0; index < count; ++index) {
    const size_t row = Row(selection, index);
    sums[codes[row]] =
        static_cast<int64_t>(static_cast<uint64_t>(sums[codes[row]]) + static_cast<uint64_t>(values[row]));
  }
}

void GroupedSumDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* sums) {
  for (size_t index = 0; index < count; ++index) {
    const size_t row = Row(selection, index);
    sums[codes[row]] += values[row];
  }
}

// PostgreSQL's float8 order as its comparison sees it: NaN above all and equal to NaN, -0.0 == +0.0.
bool DoubleLess(double left, double right) { return !std::isnan(left) && (std::isnan(right) || left < right); }

// Keeps in extremes[code] the value `better` prefers, the first of equals.
template <typename T, typename Better>
void GroupedExtreme(const uint32_t* codes, const T* values, const uint32_t* selection, size_t count, T* extremes,
                    uint8_t* seen, Better better) {
  for (size_t index = 0; index < count; ++index) {
    const size_t row = Row(selection, index);
    const uint32_t code = codes[row];
    if (!seen[code] || better(values[row], extremes[code])) {
      extremes[code] = values[row];
      seen[code] = 1;
    }
  }
}

void GroupedMinInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* mins, uint8_t* seen) {
  GroupedExtreme(codes, values, selection, count, mins, seen, [](int64_t value, int64_t kept) { return value < kept; });
}

void GroupedMaxInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* maxes, uint8_t* seen) {
  GroupedExtreme(codes, values, selection, count, maxes, seen, [](int64_t value, int64_t kept) { return value > kept; });
}

void GroupedMinDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* mins, uint8_t* seen) {
  GroupedExtreme(codes, values, selection, count, mins, seen, [](double value, double kept) { return DoubleLess(value, kept); });
}

void GroupedMaxDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* maxes, uint8_t* seen) {
  GroupedExtreme(codes, values, selection, count, maxes, seen, [](double value, double kept) { return DoubleLess(kept, value); });
}

}  // namespace

const AggregateKernels kAggregateScalar = {
    &SumInt64,        &SumDouble,        &RangeInt64,       &RangeDouble,      &CountValid,
    &GroupedCount,    &GroupedCount32,   &GroupedSumInt64,  &GroupedSumDouble, &GroupedMinInt64,
    &GroupedMaxInt64, &GroupedMinDouble, &GroupedMaxDouble};

}  // namespace tessera::simd
