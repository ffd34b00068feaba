// SPDX-License-Identifier: Apache-2.0
#include "simd/distance/distance.h"

#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "test/unit/simd/simd_test_support.h"

namespace tessera::simd {
namespace {

// The bits of a result; every NaN reads the same (distance.h leaves a NaN's payload unspecified).
uint32_t Bits(float value) {
  if (std::isnan(value)) return 0x7FC00000u;
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

// Vectors with extremes (NaN, infinities, -0.0, subnormals, huge values) sprinkled in at random elements.
std::vector<float> RandomFloats(std::mt19937_64& random, size_t count) {
  const float extremes[] = {std::nanf(""), INFINITY, -INFINITY, -0.0f, 0.0f, 1e-45f, -3e38f, 3e38f};
  std::vector<float> values(count);
  for (float& value : values) {
    const bool extreme = random() % 64 == 0;
    value = extreme ? extremes[random() % 8] : static_cast<float>(static_cast<int32_t>(random())) / 1e9f;
  }
  return values;
}

// Compares every kernel of `kernels` with scalar on a query and `rows`, all of `dimensions` elements.
void CheckAgainstScalar(const DistanceKernels& kernels, const void* query, const std::vector<const void*>& rows,
                        size_t dimensions) {
  const DistanceKernels& scalar = kDistanceScalar;
  const size_t count = rows.size();
  std::vector<float> got(count), expected(count);
  kernels.inner_product_many(query, rows.data(), count, dimensions, got.data());
  scalar.inner_product_many(query, rows.data(), count, dimensions, expected.data());
  for (size_t row = 0; row < count; ++row) CHECK(Bits(got[row]) == Bits(expected[row]));
  kernels.squared_l2_many(query, rows.data(), count, dimensions, got.data());
  scalar.squared_l2_many(query, rows.data(), count, dimensions, expected.data());
  for (size_t row = 0; row < count; ++row) CHECK(Bits(got[row]) == Bits(expected[row]));
  std::vector<CosineSums> sums(count), expected_sums(count);
  kernels.cosine_parts_many(query, rows.data(), count, dimensions, sums.data());
  scalar.cosine_parts_many(query, rows.data(), count, dimensions, expected_sums.data());
  for (size_t row = 0; row < count; ++row) {
    CHECK(Bits(sums[row].dot) == Bits(expected_sums[row].dot));
    CHECK(Bits(sums[row].norm_a) == Bits(expected_sums[row].norm_a));
    CHECK(Bits(sums[row].norm_b) == Bits(expected_sums[row].norm_b));
  }
  for (const void* row : rows) {
    CHECK(Bits(kernels.inner_product(query, row, dimensions)) == Bits(scalar.inner_product(query, row, dimensions)));
    CHECK(Bits(kernels.squared_l2(query, row, dimensions)) == Bits(scalar.squared_l2(query, row, dimensions)));
    const CosineSums pair = kernels.cosine_parts(query, row, dimensions);
    const CosineSums expected_pair = scalar.cosine_parts(query, row, dimensions);
    CHECK(Bits(pair.dot) == Bits(expected_pair.dot));
    CHECK(Bits(pair.norm_a) == Bits(expected_pair.norm_a));
    CHECK(Bits(pair.norm_b) == Bits(expected_pair.norm_b));
  }
}

TEST_SUITE("distance") {
  TEST_CASE("scalar distances add in 8 lanes combined in the fixed order") {
    // 1e8 + 1 + ... loses the ones in one running sum; in lanes they meet each other first.
    std::vector<float> a(16, 1.0f), b(16, 1.0f);
    a[0] = 1e8f;
    const float lanes[8] = {1e8f + 1.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f, 2.0f};
    const float expected = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
    CHECK(Bits(kDistanceScalar.inner_product(a.data(), b.data(), 16)) == Bits(expected));
    const std::vector<float> x = {3.0f, 0.0f, -1.0f}, y = {0.0f, 4.0f, -1.0f};
    CHECK(kDistanceScalar.squared_l2(x.data(), y.data(), 3) == 25.0f);
    const CosineSums sums = kDistanceScalar.cosine_parts(x.data(), y.data(), 3);
    CHECK(sums.dot == 1.0f);
    CHECK(sums.norm_a == 10.0f);
    CHECK(sums.norm_b == 17.0f);
    CHECK(Bits(kDistanceScalar.inner_product(x.data(), y.data(), 0)) == 0u);  // +0.0 for no elements
  }

  TEST_CASE("scalar distances agree with double precision within float rounding") {
    auto random = testing::SeededRandom("distance double oracle");
    for (size_t dimensions : {1, 7, 128, 1000}) {
      std::vector<float> a(dimensions), b(dimensions);
      for (size_t index = 0; index < dimensions; ++index) {
        a[index] = static_cast<float>(random() % 2001) / 1000.0f - 1.0f;
        b[index] = static_cast<float>(random() % 2001) / 1000.0f - 1.0f;
      }
      double dot = 0, l2 = 0, magnitude = 0;
      for (size_t index = 0; index < dimensions; ++index) {
        dot += static_cast<double>(a[index]) * b[index];
        l2 += (static_cast<double>(a[index]) - b[index]) * (static_cast<double>(a[index]) - b[index]);
        magnitude += std::fabs(static_cast<double>(a[index]) * b[index]);
      }
      const double tolerance = 1e-6 * static_cast<double>(dimensions) * (magnitude + 1);
      CHECK(std::fabs(kDistanceScalar.inner_product(a.data(), b.data(), dimensions) - dot) <= tolerance);
      CHECK(std::fabs(kDistanceScalar.squared_l2(a.data(), b.data(), dimensions) - l2) <= tolerance * 4);
    }
  }

  TEST_CASE("every level gives scalar's bits for every dimension, alignment and row count") {
    auto random = testing::SeededRandom("distance levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const DistanceKernels* kernels = DistanceKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t dimensions : {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 127, 128, 129, 257, 1000}) {
        CAPTURE(dimensions);
        // Payloads sit at any byte offset (a text value's bytes): shift the vectors by 0..63 bytes.
        const size_t offset = random() % 64;
        CAPTURE(offset);
        const size_t num_rows = 1 + random() % 11;
        std::vector<float> values = RandomFloats(random, (num_rows + 1) * dimensions);
        std::vector<char> bytes(values.size() * sizeof(float) + 64);
        std::memcpy(bytes.data() + offset, values.data(), values.size() * sizeof(float));
        const char* base = bytes.data() + offset;
        std::vector<const void*> rows;
        for (size_t row = 1; row <= num_rows; ++row) rows.push_back(base + row * dimensions * sizeof(float));
        CheckAgainstScalar(*kernels, base, rows, dimensions);
      }
    }
  }

  TEST_CASE("sketch dot products: every level gives the exact sum of decoded codes") {
    auto random = testing::SeededRandom("sketch dots");
    std::vector<SimdLevel> levels = testing::VectorLevels();
    levels.insert(levels.begin(), SimdLevel::kScalar);
    for (size_t blocks : {1, 2, 3, 5}) {
      CAPTURE(blocks);
      const size_t rows = 1 + random() % 13;
      std::vector<uint8_t> nibbles(rows * blocks * kSketchBlockBytes);
      for (uint8_t& byte : nibbles) byte = static_cast<uint8_t>(random());
      std::vector<int8_t> query(blocks * kSketchBlockDimensions);
      for (int8_t& code : query) code = static_cast<int8_t>(static_cast<int>(random() % 255) - 127);
      // The extremes: every nibble 15 (+7) or 0 (-8) against +-127 in a row of its own.
      std::fill_n(nibbles.begin(), blocks * kSketchBlockBytes, rows % 2 == 0 ? 0xFF : 0x00);
      std::vector<int32_t> expected(rows);
      for (size_t row = 0; row < rows; ++row) {
        for (size_t dimension = 0; dimension < blocks * kSketchBlockDimensions; ++dimension) {
          const size_t block = dimension / kSketchBlockDimensions, in_block = dimension % kSketchBlockDimensions;
          const uint8_t byte = nibbles[(row * blocks + block) * kSketchBlockBytes + in_block % 64];
          const int code = (in_block < 64 ? byte & 15 : byte >> 4) - 8;
          expected[row] += code * query[dimension];
        }
      }
      for (SimdLevel level : levels) {
        const std::string level_name = SimdLevelName(level);
        CAPTURE(level_name);
        std::vector<int32_t> got(rows, -1);
        DistanceKernelsFor(level)->sketch_dots(nibbles.data(), rows, blocks, query.data(), got.data());
        CHECK(got == expected);
      }
    }
  }

  TEST_CASE("sketch bounds: every level gives scalar's bits, the affine form in its order") {
    auto random = testing::SeededRandom("sketch bounds");
    const size_t rows = 1 + random() % 70;
    std::vector<int32_t> dots(rows);
    std::vector<float> scales(rows), residuals(rows), norms(rows);
    for (size_t row = 0; row < rows; ++row) {
      dots[row] = static_cast<int32_t>(random() % 228001) - 114000;
      scales[row] = static_cast<float>(random() % 10000) / 70001.0f;
      residuals[row] = static_cast<float>(random() % 10000) / 30001.0f;
      norms[row] = static_cast<float>(random() % 10000) / 3001.0f;
    }
    const SketchTerms terms{0.0123f, -2.5e-5f, -1.1f, -0.009f, 0.97f};
    std::vector<float> expected(rows);
    kDistanceScalar.sketch_bounds(dots.data(), scales.data(), residuals.data(), norms.data(), rows, terms,
                                  expected.data());
    // The scalar form, written out: a product of the sketch's estimate, then the error terms in order.
    const float first = ((((terms.dot * (scales[0] * static_cast<float>(dots[0]))) + terms.constant) +
                          terms.residual * residuals[0]) + terms.norm * norms[0]) +
                        terms.norm_squared * (norms[0] * norms[0]);
    CHECK(Bits(expected[0]) == Bits(first));
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      std::vector<float> got(rows);
      DistanceKernelsFor(level)->sketch_bounds(dots.data(), scales.data(), residuals.data(), norms.data(), rows, terms,
                                               got.data());
      for (size_t row = 0; row < rows; ++row) CHECK(Bits(got[row]) == Bits(expected[row]));
    }
  }

  TEST_CASE("no level reads past the last element of a vector") {
    auto random = testing::SeededRandom("distance guarded");
    for (SimdLevel level : testing::VectorLevels()) {
      const DistanceKernels* kernels = DistanceKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t dimensions : {1, 5, 8, 13, 128, 131}) {
        const std::vector<float> values = RandomFloats(random, dimensions);
        testing::GuardedBytes query(values.data(), dimensions * sizeof(float));
        std::vector<std::unique_ptr<testing::GuardedBytes>> guarded;
        std::vector<const void*> rows;
        for (size_t row = 0; row < 5; ++row) {
          const std::vector<float> row_values = RandomFloats(random, dimensions);
          guarded.push_back(std::make_unique<testing::GuardedBytes>(row_values.data(), dimensions * sizeof(float)));
          rows.push_back(guarded.back()->data());
        }
        CheckAgainstScalar(*kernels, query.data(), rows, dimensions);
      }
    }
  }
}

}  // namespace
}  // namespace tessera::simd
