// SPDX-License-Identifier: Apache-2.0
#include "simd/topk/topk.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "test/unit/simd/simd_test_support.h"

namespace tessera::simd {
namespace {

// Values with many ties, both zeros, infinities and NaNs of both signs.
std::vector<double> RandomValues(std::mt19937_64& random, size_t count) {
  const double extremes[] = {std::nan(""), -std::nan(""), -0.0, 0.0, INFINITY, -INFINITY, 5e-324, -1e308};
  std::vector<double> values(count);
  for (double& value : values) {
    value = random() % 8 == 0 ? extremes[random() % 8] : static_cast<double>(random() % 200) / 4.0 - 25.0;
  }
  return values;
}

// The oracle: positions stably sorted by PostgreSQL's float order (NaN last and equal, -0.0 == +0.0).
std::vector<uint32_t> StableOrder(const double* values, size_t count) {
  const auto key = [](double value) { return std::isnan(value) ? INFINITY : value; };
  std::vector<uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t left, uint32_t right) {
    const bool left_nan = std::isnan(values[left]), right_nan = std::isnan(values[right]);
    if (left_nan || right_nan) return !left_nan && right_nan;
    return key(values[left]) < key(values[right]);
  });
  return order;
}

std::vector<uint32_t> TopK(const TopKKernels& kernels, const double* values, size_t count, size_t k) {
  std::vector<uint32_t> positions(k + 1, 0xDEADBEEF);
  positions.resize(kernels.top_k_smallest(values, count, k, positions.data()));
  return positions;
}

std::vector<uint32_t> Below(const TopKKernels& kernels, const double* values, size_t count, double threshold) {
  std::vector<uint32_t> positions(count + 1);
  positions.resize(kernels.select_below(values, count, threshold, positions.data()));
  return positions;
}

TEST_SUITE("topk") {
  TEST_CASE("scalar top-k is the stable sort's prefix in PostgreSQL's float order") {
    auto random = testing::SeededRandom("topk scalar oracle");
    for (size_t count : testing::TestLengths()) {
      if (count > 4096) continue;
      CAPTURE(count);
      const std::vector<double> values = RandomValues(random, count);
      const std::vector<uint32_t> order = StableOrder(values.data(), count);
      for (size_t k : {size_t{0}, size_t{1}, size_t{10}, count / 2, count, count + 3}) {
        CAPTURE(k);
        const std::vector<uint32_t> expected(order.begin(), order.begin() + std::min(k, count));
        CHECK(TopK(kTopKScalar, values.data(), count, k) == expected);
      }
    }
    const double ties[] = {1.0, -0.0, 0.0, std::nan(""), -INFINITY, 0.0};
    CHECK(TopK(kTopKScalar, ties, 6, 4) == std::vector<uint32_t>{4, 1, 2, 5});
    CHECK(Below(kTopKScalar, ties, 6, 0.0) == std::vector<uint32_t>{4});
    CHECK(Below(kTopKScalar, ties, 6, std::nan("")) == std::vector<uint32_t>{0, 1, 2, 4, 5});
  }

  TEST_CASE("every level selects the positions scalar does, at every length, offset and k") {
    auto random = testing::SeededRandom("topk levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const TopKKernels* kernels = TopKKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t count : testing::TestLengths()) {
        CAPTURE(count);
        const size_t offset = random() % 64;
        CAPTURE(offset);
        const std::vector<double> buffer = RandomValues(random, count + offset);
        const double* values = buffer.data() + offset;
        for (size_t k : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{100}, count, count + 1}) {
          CAPTURE(k);
          CHECK(TopK(*kernels, values, count, k) == TopK(kTopKScalar, values, count, k));
        }
        const double thresholds[] = {std::nan(""), -0.0, 0.0, INFINITY, -INFINITY,
                                     count > 0 ? values[random() % count] : 1.0};
        for (double threshold : thresholds) {
          CHECK(Below(*kernels, values, count, threshold) == Below(kTopKScalar, values, count, threshold));
        }
      }
    }
  }

  TEST_CASE("no level reads past the last value") {
    auto random = testing::SeededRandom("topk guarded");
    for (SimdLevel level : testing::VectorLevels()) {
      const TopKKernels* kernels = TopKKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t count : {1, 3, 7, 9, 15, 17, 100}) {
        const std::vector<double> values = RandomValues(random, count);
        testing::GuardedBytes guarded(values.data(), count * sizeof(double));
        const double* data = static_cast<const double*>(guarded.data());
        CHECK(TopK(*kernels, data, count, 3) == TopK(kTopKScalar, values.data(), count, 3));
        CHECK(Below(*kernels, data, count, 0.0) == Below(kTopKScalar, values.data(), count, 0.0));
      }
    }
  }
}

}  // namespace
}  // namespace tessera::simd
