// SPDX-License-Identifier: Apache-2.0
#include "simd/filter/compare.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "test/unit/simd/simd_test_support.h"

namespace tessera::simd {
namespace {

constexpr Comparison kComparisons[] = {Comparison::kEqual,     Comparison::kNotEqual, Comparison::kLess,
                                       Comparison::kLessEqual, Comparison::kGreater,  Comparison::kGreaterEqual};
constexpr uint32_t kSentinel = 0xDEADBEEF;

// Random values of one of three shapes: few distinct values near `center`, anything, or extremes.
template <typename T>
std::vector<T> RandomValues(std::mt19937_64& random, size_t count, int shape, T center) {
  constexpr T kMax = std::numeric_limits<T>::max();
  constexpr T kTopBit = T{1} << (sizeof(T) * 8 - 1);
  const T extremes[] = {0, 1, kMax, static_cast<T>(kMax - 1), kTopBit, static_cast<T>(kTopBit - 1)};
  std::vector<T> values(count);
  for (auto& value : values) {
    if (shape == 0) value = static_cast<T>(center + random() % 5 - 2);
    if (shape == 1) value = static_cast<T>(random());
    if (shape == 2) value = extremes[random() % 6];
  }
  return values;
}

template <typename T>
void CheckFilters(const CompareKernels& kernels, const std::vector<T>& values, size_t count, T constant) {
  const auto select = [](const CompareKernels& k) {
    if constexpr (sizeof(T) == 4)
      return k.select32;
    else
      return k.select64;
  };
  const auto bitmap = [](const CompareKernels& k) {
    if constexpr (sizeof(T) == 4)
      return k.bitmap32;
    else
      return k.bitmap64;
  };
  for (Comparison op : kComparisons) {
    CAPTURE(static_cast<int>(op));
    std::vector<uint32_t> expected(count + 1, kSentinel), actual(count + 1, kSentinel);
    const size_t expected_count = select(kCompareScalar)(values.data(), count, op, constant, expected.data());
    const size_t actual_count = select(kernels)(values.data(), count, op, constant, actual.data());
    REQUIRE(actual_count == expected_count);
    CHECK(std::equal(actual.begin(), actual.begin() + actual_count, expected.begin()));
    CHECK(actual[count] == kSentinel);
    const size_t words = (count + 63) / 64;
    std::vector<uint64_t> expected_bits(words + 1, kSentinel), actual_bits(words + 1, kSentinel);
    bitmap(kCompareScalar)(values.data(), count, op, constant, expected_bits.data());
    bitmap(kernels)(values.data(), count, op, constant, actual_bits.data());
    CHECK(actual_bits == expected_bits);  // includes the word past the end, which stays untouched
  }
}

template <typename T>
void CheckEveryShape(const CompareKernels& kernels, std::mt19937_64& random) {
  constexpr T kMax = std::numeric_limits<T>::max();
  constexpr T kTopBit = T{1} << (sizeof(T) * 8 - 1);
  for (size_t count : testing::TestLengths()) {
    CAPTURE(count);
    for (int shape = 0; shape < 3; ++shape) {
      const T center = static_cast<T>(random());
      const std::vector<T> values = RandomValues<T>(random, count, shape, center);
      for (T constant : {T{0}, kMax, kTopBit, static_cast<T>(kTopBit - 1), center}) {
        CheckFilters(kernels, values, count, constant);
      }
    }
  }
}

// Signed int64 values near `center`, anything, or extremes; doubles near `center` with NaN, infinities
// and zeros of both signs mixed in.
std::vector<int64_t> RandomSigned(std::mt19937_64& random, size_t count, int shape, int64_t center) {
  const int64_t extremes[] = {0, -1, 1, INT64_MIN, INT64_MAX, INT64_MIN + 1};
  std::vector<int64_t> values(count);
  for (auto& value : values) {
    if (shape == 0) value = center + static_cast<int64_t>(random() % 5) - 2;
    if (shape == 1) value = static_cast<int64_t>(random());
    if (shape == 2) value = extremes[random() % 6];
  }
  return values;
}

std::vector<double> RandomDoubles(std::mt19937_64& random, size_t count, double center) {
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                             0.0, -0.0};
  std::vector<double> values(count);
  for (auto& value : values) {
    const uint64_t pick = random() % 10;
    value = pick < 6 ? specials[pick] : center + static_cast<double>(static_cast<int>(random() % 5) - 2) * 0.5;
  }
  return values;
}

// Compares a level's selection of `values` with scalar's for every comparison.
template <typename T, typename Select>
void CheckSelections(Select variant, Select scalar, const std::vector<T>& values, T constant) {
  for (Comparison op : kComparisons) {
    CAPTURE(static_cast<int>(op));
    std::vector<uint32_t> expected(values.size() + 1, kSentinel), actual(values.size() + 1, kSentinel);
    const size_t expected_count = scalar(values.data(), values.size(), op, constant, expected.data());
    const size_t actual_count = variant(values.data(), values.size(), op, constant, actual.data());
    REQUIRE(actual_count == expected_count);
    CHECK(std::equal(actual.begin(), actual.begin() + actual_count, expected.begin()));
    CHECK(actual[values.size()] == kSentinel);
  }
}

// A random ascending selection over [0, rows) keeping each row with probability `density` percent.
std::vector<uint32_t> RandomSelection(std::mt19937_64& random, uint32_t rows, int density) {
  std::vector<uint32_t> selection;
  for (uint32_t row = 0; row < rows; ++row) {
    if (static_cast<int>(random() % 100) < density) selection.push_back(row);
  }
  return selection;
}

TEST_SUITE("filter compare") {
  TEST_CASE("scalar filters compare unsigned and list matching rows ascending") {
    const std::vector<uint32_t> values = {5, 1, 7, 5, 0x80000000u};
    std::vector<uint32_t> selection(values.size());
    CHECK(kCompareScalar.select32(values.data(), values.size(), Comparison::kEqual, 5, selection.data()) == 2);
    CHECK(selection[0] == 0);
    CHECK(selection[1] == 3);
    CHECK(kCompareScalar.select32(values.data(), values.size(), Comparison::kGreater, 6, selection.data()) == 2);
    CHECK(selection[0] == 2);
    CHECK(selection[1] == 4);
    uint64_t bitmap = 0;
    kCompareScalar.bitmap32(values.data(), values.size(), Comparison::kLessEqual, 5, &bitmap);
    CHECK(bitmap == 0b01011);
    const std::vector<uint32_t> left = {1, 4, 6, 9}, right = {0, 4, 5, 9, 10};
    std::vector<uint32_t> both(4);
    CHECK(kCompareScalar.intersect(left.data(), left.size(), right.data(), right.size(), both.data()) == 2);
    CHECK(both[0] == 4);
    CHECK(both[1] == 9);
  }

  TEST_CASE("every level filters 32-bit and 64-bit values like scalar") {
    auto random = testing::SeededRandom("compare levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const CompareKernels* kernels = CompareKernelsFor(level);
      REQUIRE(kernels != nullptr);
      CheckEveryShape<uint32_t>(*kernels, random);
      CheckEveryShape<uint64_t>(*kernels, random);
    }
  }

  TEST_CASE("scalar compares int64 signed and doubles in PostgreSQL's order with NaN greatest") {
    const std::vector<int64_t> integers = {-5, 3, INT64_MIN, 0};
    std::vector<uint32_t> selection(4);
    CHECK(kCompareScalar.select_int64(integers.data(), 4, Comparison::kLess, 0, selection.data()) == 2);
    CHECK(selection[0] == 0);
    CHECK(selection[1] == 2);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> doubles = {nan, -0.0, 1.0, -std::numeric_limits<double>::infinity()};
    CHECK(kCompareScalar.select_float64(doubles.data(), 4, Comparison::kGreater, 0.5, selection.data()) == 2);
    CHECK(selection[0] == 0);
    CHECK(selection[1] == 2);
    CHECK(kCompareScalar.select_float64(doubles.data(), 4, Comparison::kEqual, 0.0, selection.data()) == 1);
    CHECK(selection[0] == 1);
    CHECK(kCompareScalar.select_float64(doubles.data(), 4, Comparison::kEqual, nan, selection.data()) == 1);
    CHECK(selection[0] == 0);
    CHECK(kCompareScalar.select_float64(doubles.data(), 4, Comparison::kLess, nan, selection.data()) == 3);
    CHECK(kCompareScalar.select_float64(doubles.data(), 4, Comparison::kGreater, nan, selection.data()) == 0);
  }

  TEST_CASE("every level selects int64 and doubles like scalar") {
    auto random = testing::SeededRandom("signed and float compare levels");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const CompareKernels* kernels = CompareKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t count : testing::TestLengths()) {
        CAPTURE(count);
        for (int shape = 0; shape < 3; ++shape) {
          const auto center = static_cast<int64_t>(random());
          const std::vector<int64_t> integers = RandomSigned(random, count, shape, center);
          for (int64_t constant : {int64_t{0}, INT64_MIN, INT64_MAX, center}) {
            CheckSelections(kernels->select_int64, kCompareScalar.select_int64, integers, constant);
          }
        }
        const std::vector<double> doubles = RandomDoubles(random, count, 1.0);
        for (double constant : {1.0, 0.0, -0.0, nan, std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity()}) {
          CheckSelections(kernels->select_float64, kCompareScalar.select_float64, doubles, constant);
        }
      }
    }
  }

  TEST_CASE("every level intersects empty, sparse, dense and full selections like scalar") {
    auto random = testing::SeededRandom("intersect levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const CompareKernels* kernels = CompareKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (uint32_t rows : {0u, 1u, 9u, 17u, 257u, 4096u, 65537u}) {
        for (int left_density : {0, 1, 30, 90, 100}) {
          for (int right_density : {0, 1, 30, 90, 100}) {
            CAPTURE(rows);
            CAPTURE(left_density);
            CAPTURE(right_density);
            std::vector<uint32_t> left = RandomSelection(random, rows, left_density);
            const std::vector<uint32_t> right = RandomSelection(random, rows, right_density);
            std::vector<uint32_t> expected(left.size() + 1, kSentinel), actual(left.size() + 1, kSentinel);
            const size_t expected_count =
                kCompareScalar.intersect(left.data(), left.size(), right.data(), right.size(), expected.data());
            const size_t actual_count =
                kernels->intersect(left.data(), left.size(), right.data(), right.size(), actual.data());
            REQUIRE(actual_count == expected_count);
            CHECK(std::equal(actual.begin(), actual.begin() + actual_count, expected.begin()));
            CHECK(actual[std::min(left.size(), right.size())] == kSentinel);
            const size_t in_place =
                kernels->intersect(left.data(), left.size(), right.data(), right.size(), left.data());
            REQUIRE(in_place == expected_count);
            CHECK(std::equal(left.begin(), left.begin() + in_place, expected.begin()));
          }
        }
      }
    }
  }

  TEST_CASE("the dispatched entry points match scalar") {
    auto random = testing::SeededRandom("dispatched compare");
    const std::vector<uint32_t> values = RandomValues<uint32_t>(random, 5000, 0, 100);
    std::vector<uint32_t> expected(5000), actual(5000);
    const size_t expected_count = kCompareScalar.select32(values.data(), 5000, Comparison::kLess, 100, expected.data());
    REQUIRE(CompareSelect(values.data(), 5000, Comparison::kLess, uint32_t{100}, actual.data()) == expected_count);
    CHECK(std::equal(actual.begin(), actual.begin() + expected_count, expected.begin()));
    std::vector<uint32_t> both(5000);
    CHECK(IntersectSelections(actual.data(), expected_count, expected.data(), expected_count, both.data()) ==
          expected_count);
  }

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::simd
