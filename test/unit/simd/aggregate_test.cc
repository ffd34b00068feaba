// SPDX-License-Identifier: Apache-2.0
#include "simd/aggregate/aggregate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "test/unit/simd/simd_test_support.h"

namespace tessera::simd {
namespace {

uint64_t Bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

std::string Int128Text(__int128 value) {
  const bool negative = value < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : value;
  std::string text;
  do {
    text.insert(text.begin(), static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  return negative ? "-" + text : text;
}

// One column of each kind, with extremes sprinkled in at random rows.
struct Columns {
  std::vector<int64_t> integers;
  std::vector<double> doubles;
  std::vector<uint32_t> codes;
  std::vector<uint64_t> validity;
};

Columns RandomColumns(std::mt19937_64& random, size_t count, uint32_t num_groups) {
  const int64_t integer_extremes[] = {INT64_MIN, INT64_MAX, 0, -1, 1};
  const double double_extremes[] = {std::nan(""), -std::nan(""), -0.0, 0.0, INFINITY, -INFINITY, 5e-324, -1e308};
  Columns columns;
  columns.validity.resize((count + 63) / 64 + 1);
  for (size_t row = 0; row < count; ++row) {
    const bool extreme = random() % 8 == 0;
    columns.integers.push_back(extreme ? integer_extremes[random() % 5] : static_cast<int64_t>(random()));
    columns.doubles.push_back(extreme ? double_extremes[random() % 8]
                                      : static_cast<double>(static_cast<int64_t>(random())) / 7.0);
    columns.codes.push_back(random() % 3 == 0 ? num_groups - 1 : static_cast<uint32_t>(random() % num_groups));
    columns.validity[row / 64] |= (random() & 1) << (row % 64);
  }
  columns.validity.back() = ~uint64_t{0};  // bits past the rows must not count
  return columns;
}

// Selections over `count` rows: empty, sparse, dense, full, and shuffled with repeats.
std::vector<std::vector<uint32_t>> Selections(std::mt19937_64& random, size_t count) {
  std::vector<std::vector<uint32_t>> selections(5);
  for (uint32_t row = 0; row < count; ++row) {
    if (random() % 100 < 3) selections[1].push_back(row);
    if (random() % 100 < 90) selections[2].push_back(row);
    selections[3].push_back(row);
    if (count > 0) selections[4].push_back(static_cast<uint32_t>(random() % count));
  }
  return selections;
}

// The grouped double sums and grouped min/max, from accumulators some of which have values already.
void CheckGroupedAgainstScalar(const AggregateKernels& kernels, const Columns& columns, const uint32_t* rows,
                               size_t count, uint32_t num_groups) {
  const AggregateKernels& scalar = kAggregateScalar;
  const uint32_t* codes = columns.codes.data();
  std::vector<double> sums(num_groups, 0.5), expected_sums(num_groups, 0.5);
  kernels.grouped_sum_double(codes, columns.doubles.data(), rows, count, num_groups, sums.data());
  scalar.grouped_sum_double(codes, columns.doubles.data(), rows, count, num_groups, expected_sums.data());
  std::vector<uint8_t> seen_start(num_groups);
  for (uint32_t group = 0; group < num_groups; group += 3) seen_start[group] = 1;
  for (int kind = 0; kind < 2; ++kind) {
    auto integer_kernel = kind == 0 ? kernels.grouped_min_int64 : kernels.grouped_max_int64;
    auto integer_reference = kind == 0 ? scalar.grouped_min_int64 : scalar.grouped_max_int64;
    std::vector<int64_t> integers(num_groups, 7), expected_integers(num_groups, 7);
    std::vector<uint8_t> seen = seen_start, expected_seen = seen_start;
    integer_kernel(codes, columns.integers.data(), rows, count, num_groups, integers.data(), seen.data());
    integer_reference(codes, columns.integers.data(), rows, count, num_groups, expected_integers.data(),
                      expected_seen.data());
    CHECK(integers == expected_integers);
    CHECK(seen == expected_seen);
    auto double_kernel = kind == 0 ? kernels.grouped_min_double : kernels.grouped_max_double;
    auto double_reference = kind == 0 ? scalar.grouped_min_double : scalar.grouped_max_double;
    std::vector<double> doubles(num_groups, -0.0), expected_doubles(num_groups, -0.0);
    seen = seen_start;
    expected_seen = seen_start;
    double_kernel(codes, columns.doubles.data(), rows, count, num_groups, doubles.data(), seen.data());
    double_reference(codes, columns.doubles.data(), rows, count, num_groups, expected_doubles.data(),
                     expected_seen.data());
    CHECK(seen == expected_seen);
    for (uint32_t group = 0; group < num_groups; ++group) {
      CHECK(Bits(doubles[group]) == Bits(expected_doubles[group]));
      CHECK(Bits(sums[group]) == Bits(expected_sums[group]));
    }
  }
}

void CheckAgainstScalar(const AggregateKernels& kernels, const Columns& columns, const uint32_t* rows, size_t count,
                        uint32_t num_groups) {
  const AggregateKernels& scalar = kAggregateScalar;
  CHECK(Int128Text(kernels.sum_int64(columns.integers.data(), rows, count)) ==
        Int128Text(scalar.sum_int64(columns.integers.data(), rows, count)));
  CHECK(Bits(kernels.sum_double(columns.doubles.data(), rows, count)) ==
        Bits(scalar.sum_double(columns.doubles.data(), rows, count)));
  CHECK(kernels.count_valid(columns.validity.data(), rows, count) ==
        scalar.count_valid(columns.validity.data(), rows, count));
  if (count > 0) {
    const Int64Range integers = kernels.range_int64(columns.integers.data(), rows, count);
    const Int64Range expected_integers = scalar.range_int64(columns.integers.data(), rows, count);
    CHECK(integers.min == expected_integers.min);
    CHECK(integers.max == expected_integers.max);
    const DoubleRange doubles = kernels.range_double(columns.doubles.data(), rows, count);
    const DoubleRange expected_doubles = scalar.range_double(columns.doubles.data(), rows, count);
    CHECK(Bits(doubles.min) == Bits(expected_doubles.min));
    CHECK(Bits(doubles.max) == Bits(expected_doubles.max));
  }
  // Start from non-zero accumulators: the kernels add to what is there.
  std::vector<uint64_t> counts(num_groups, 3), expected_counts(num_groups, 3);
  kernels.grouped_count(columns.codes.data(), rows, count, num_groups, counts.data());
  scalar.grouped_count(columns.codes.data(), rows, count, num_groups, expected_counts.data());
  CHECK(counts == expected_counts);
  std::vector<uint32_t> counts32(num_groups, 3), expected_counts32(num_groups, 3);
  kernels.grouped_count32(columns.codes.data(), rows, count, num_groups, counts32.data());
  scalar.grouped_count32(columns.codes.data(), rows, count, num_groups, expected_counts32.data());
  CHECK(counts32 == expected_counts32);
  for (size_t group = 0; group < num_groups; ++group) CHECK(counts32[group] == counts[group]);
  std::vector<int64_t> sums(num_groups, -5), expected_sums(num_groups, -5);
  kernels.grouped_sum_int64(columns.codes.data(), columns.integers.data(), rows, count, num_groups, sums.data());
  scalar.grouped_sum_int64(columns.codes.data(), columns.integers.data(), rows, count, num_groups,
                           expected_sums.data());
  CHECK(sums == expected_sums);
  CheckGroupedAgainstScalar(kernels, columns, rows, count, num_groups);
}

TEST_SUITE("aggregate") {
  TEST_CASE("scalar aggregates are exact and order doubles as PostgreSQL does") {
    const std::vector<int64_t> big(1000, INT64_MAX);
    CHECK(kAggregateScalar.sum_int64(big.data(), nullptr, big.size()) == static_cast<__int128>(INT64_MAX) * 1000);
    const std::vector<int64_t> small = {INT64_MIN, 5, -7};
    const Int64Range range = kAggregateScalar.range_int64(small.data(), nullptr, small.size());
    CHECK(range.min == INT64_MIN);
    CHECK(range.max == 5);
    const std::vector<double> doubles = {0.0, -std::nan(""), -0.0, INFINITY, -INFINITY};
    const DoubleRange double_range = kAggregateScalar.range_double(doubles.data(), nullptr, doubles.size());
    CHECK(double_range.min == -INFINITY);
    CHECK(std::isnan(double_range.max));
    CHECK(!std::signbit(double_range.max));
    const std::vector<double> zeros = {0.0, -0.0};
    CHECK(std::signbit(kAggregateScalar.range_double(zeros.data(), nullptr, 2).min));
    const std::vector<double> negative_zeros(9, -0.0);
    CHECK(std::signbit(kAggregateScalar.sum_double(negative_zeros.data(), nullptr, 9)));
    const uint32_t selection[] = {2, 0, 2};
    CHECK(kAggregateScalar.sum_int64(small.data(), selection, 3) == -14 + static_cast<__int128>(INT64_MIN));
    const uint64_t validity[] = {0b1011};
    CHECK(kAggregateScalar.count_valid(validity, nullptr, 3) == 2);
    const uint32_t codes[] = {1, 0, 1, 1};
    std::vector<uint64_t> counts(2);
    kAggregateScalar.grouped_count(codes, nullptr, 4, 2, counts.data());
    CHECK(counts == std::vector<uint64_t>{1, 3});
    std::vector<uint32_t> counts32 = {0, UINT32_MAX - 3};
    kAggregateScalar.grouped_count32(codes, nullptr, 4, 2, counts32.data());
    CHECK(counts32 == std::vector<uint32_t>{1, UINT32_MAX});
  }

  TEST_CASE("scalar grouped sums add in row order and grouped min/max keep the first of equals") {
    const uint32_t codes[] = {0, 1, 0, 1, 0, 1, 1};
    const double doubles[] = {1e16, 0.0, 1.0, -0.0, 1.0, std::nan(""), 2.0};
    std::vector<double> sums(2);
    kAggregateScalar.grouped_sum_double(codes, doubles, nullptr, 5, 2, sums.data());
    CHECK(sums[0] == (1e16 + 1.0) + 1.0);  // 1e16 in row order; not 1e16 + 2.0
    CHECK(Bits(sums[1]) == Bits(0.0));
    std::vector<double> mins(2), maxes(2);
    std::vector<uint8_t> seen_min(2), seen_max(2);
    kAggregateScalar.grouped_min_double(codes, doubles, nullptr, 7, 2, mins.data(), seen_min.data());
    kAggregateScalar.grouped_max_double(codes, doubles, nullptr, 7, 2, maxes.data(), seen_max.data());
    CHECK(mins[0] == 1.0);
    CHECK(Bits(mins[1]) == Bits(0.0));  // -0.0 equals the +0.0 that came first
    CHECK(maxes[0] == 1e16);
    CHECK(std::isnan(maxes[1]));  // NaN is above 2.0
    CHECK(seen_min == std::vector<uint8_t>{1, 1});
    const int64_t integers[] = {5, INT64_MIN, -3, INT64_MAX, 5, 0, 0};
    std::vector<int64_t> integer_mins(3, 99), integer_maxes(3, 99);
    std::vector<uint8_t> seen_integer_min = {0, 0, 1}, seen_integer_max = {0, 0, 1};
    const uint32_t selection[] = {0, 2, 3, 1};
    kAggregateScalar.grouped_min_int64(codes, integers, selection, 4, 3, integer_mins.data(), seen_integer_min.data());
    kAggregateScalar.grouped_max_int64(codes, integers, selection, 4, 3, integer_maxes.data(), seen_integer_max.data());
    CHECK(integer_mins == std::vector<int64_t>{-3, INT64_MIN, 99});
    CHECK(integer_maxes == std::vector<int64_t>{5, INT64_MAX, 99});
  }

  TEST_CASE("every level aggregates like scalar over all rows and every kind of selection") {
    auto random = testing::SeededRandom("aggregate levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const AggregateKernels* kernels = AggregateKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t count : testing::TestLengths()) {
        for (uint32_t num_groups : {1u, 5u, 8u, 9u, 16u, 17u, 1000u}) {
          CAPTURE(count);
          CAPTURE(num_groups);
          const Columns columns = RandomColumns(random, count, num_groups);
          CheckAgainstScalar(*kernels, columns, nullptr, count, num_groups);
          for (const auto& selection : Selections(random, count)) {
            CAPTURE(selection.size());
            CheckAgainstScalar(*kernels, columns, selection.data(), selection.size(), num_groups);
          }
        }
      }
    }
  }

  TEST_CASE("the dispatched entry points match scalar") {
    auto random = testing::SeededRandom("dispatched aggregate");
    const Columns columns = RandomColumns(random, 5000, 7);
    CHECK(SumInt64(columns.integers.data(), nullptr, 5000) ==
          kAggregateScalar.sum_int64(columns.integers.data(), nullptr, 5000));
    CHECK(Bits(SumDouble(columns.doubles.data(), nullptr, 5000)) ==
          Bits(kAggregateScalar.sum_double(columns.doubles.data(), nullptr, 5000)));
    std::vector<uint64_t> counts(7), expected(7);
    GroupedCount(columns.codes.data(), nullptr, 5000, 7, counts.data());
    kAggregateScalar.grouped_count(columns.codes.data(), nullptr, 5000, 7, expected.data());
    CHECK(counts == expected);
    std::vector<uint32_t> counts32(7), expected32(7);
    GroupedCount32(columns.codes.data(), nullptr, 5000, 7, counts32.data());
    kAggregateScalar.grouped_count32(columns.codes.data(), nullptr, 5000, 7, expected32.data());
    CHECK(counts32 == expected32);
  }

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::simd
