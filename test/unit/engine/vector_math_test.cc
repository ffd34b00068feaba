// SPDX-License-Identifier: Apache-2.0
// Tests the vector distance loops (engine/function/vector_math.h): against a double-precision oracle
// within float32 tolerance for every length 0..67 plus 257 and 16000 at every byte offset 0..3, and the
// documented lane order exactly on an input where the order decides the result.
#include "engine/function/vector_math.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace tessera::engine::vector_math {
namespace {

// `values` as payload bytes starting `offset` bytes into the returned buffer.
std::string Payload(const std::vector<float>& values, size_t offset) {
  std::string bytes(offset + values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(bytes.data() + offset, values.data(), values.size() * sizeof(float));
  return bytes;
}

struct Oracle {
  double dot = 0, squared_l2 = 0, norm_a = 0, norm_b = 0, magnitude = 0;  // magnitude bounds rounding error
};

Oracle Exact(const std::vector<float>& a, const std::vector<float>& b) {
  Oracle oracle;
  for (size_t index = 0; index < a.size(); ++index) {
    const double x = a[index], y = b[index];
    oracle.dot += x * y;
    oracle.squared_l2 += (x - y) * (x - y);
    oracle.norm_a += x * x;
    oracle.norm_b += y * y;
    oracle.magnitude += std::fabs(x * y) + (x - y) * (x - y) + x * x + y * y;
  }
  return oracle;
}

TEST_SUITE("VectorMath") {
  TEST_CASE("the loops agree with a double oracle within float32 rounding, at any length and alignment") {
    std::vector<size_t> lengths;
    for (size_t length = 0; length <= 67; ++length) lengths.push_back(length);
    lengths.push_back(257);
    lengths.push_back(16000);
    const uint32_t seed = 5;
    CAPTURE(seed);
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> element(-4.0f, 4.0f);
    for (size_t length : lengths) {
      std::vector<float> a(length), b(length);
      for (size_t index = 0; index < length; ++index) {
        a[index] = element(random);
        b[index] = element(random);
      }
      const Oracle oracle = Exact(a, b);
      // Each float32 addition rounds by at most 2^-24 of a partial sum; n of them bound the error.
      const double tolerance = (static_cast<double>(length) + 2) * 6e-8 * oracle.magnitude + 1e-30;
      for (size_t offset = 0; offset < 4; ++offset) {
        CAPTURE(length);
        CAPTURE(offset);
        const std::string pa = Payload(a, offset), pb = Payload(b, 3 - offset);
        const char* x = pa.data() + offset;
        const char* y = pb.data() + (3 - offset);
        CHECK(std::fabs(InnerProduct(x, y, length) - oracle.dot) <= tolerance);
        CHECK(std::fabs(SquaredL2Distance(x, y, length) - oracle.squared_l2) <= tolerance);
        const CosineSums sums = CosineParts(x, y, length);
        CHECK(sums.dot == InnerProduct(x, y, length));
        CHECK(std::fabs(sums.norm_a - oracle.norm_a) <= tolerance);
        CHECK(std::fabs(sums.norm_b - oracle.norm_b) <= tolerance);
        CHECK(std::fabs(VectorNorm(x, length) - std::sqrt(oracle.norm_a)) <= 1e-9 * (1 + std::sqrt(oracle.norm_a)));
      }
    }
  }

  TEST_CASE("terms are summed in eight lanes, element i into lane i mod 8, lanes combined as a tree") {
    // float32 has 24 bits: 2^24 + 1 rounds back to 2^24, but 2^24 + 2 is exact. Lane 0 holds 2^24, lane 4
    // holds 1, lanes 1 and 5 hold 1 each (elements 9 and 5).
    std::vector<float> a(12, 0.0f);
    a[0] = 16777216.0f;
    a[4] = 1.0f;
    a[5] = 1.0f;
    a[9] = 1.0f;
    const std::vector<float> ones(12, 1.0f);
    const std::string pa = Payload(a, 0), pb = Payload(ones, 0);
    // ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)) = (2^24 + 0) + (2 + 0) = 2^24 + 2.
    CHECK(InnerProduct(pa.data(), pb.data(), a.size()) == 16777218.0f);
    // Element by element from the left, each 1 would be lost against 2^24.
    float sequential = 0;
    for (float value : a) sequential += value;
    CHECK(sequential == 16777216.0f);
  }
}

}  // namespace
}  // namespace tessera::engine::vector_math
