// SPDX-License-Identifier: Apache-2.0
// Picks the distance variant once, after checking it against the scalar reference.
#include <cstdint>
#include <cstring>
#include <vector>

#include "simd/dispatch.h"
#include "simd/distance/distance.h"

namespace tessera::simd {
namespace {

const KernelsByLevel<DistanceKernels> kVariants = {&kDistanceScalar, &kDistanceAvx2, &kDistanceAvx512};

bool SameBits(float left, float right) { return std::memcmp(&left, &right, sizeof(float)) == 0; }

bool SameSums(const CosineSums& left, const CosineSums& right) {
  return SameBits(left.dot, right.dot) && SameBits(left.norm_a, right.norm_a) && SameBits(left.norm_b, right.norm_b);
}

bool SketchAgrees(const DistanceKernels& variant, const DistanceKernels& scalar);

// Runs every kernel of both on fixed vectors of every dimension up to 40 and of 128: another summation
// order, or a fused multiply-add, rounds differently on some of them.
bool Agrees(const DistanceKernels& variant, const DistanceKernels& scalar) {
  constexpr size_t kMaxDimensions = 128;
  constexpr size_t kRows = 7;  // a group of 4 rows and a remainder
  std::vector<float> values((kRows + 1) * kMaxDimensions);
  uint64_t state = 0x853C49E6748FEA9Bull;
  for (float& value : values) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    value = static_cast<float>(static_cast<int32_t>(state >> 32)) / 65536.0f / 3.0f;
  }
  const float* query = values.data();
  std::vector<const void*> rows;
  for (size_t row = 1; row <= kRows; ++row) rows.push_back(values.data() + row * kMaxDimensions);
  std::vector<size_t> dimension_list = {kMaxDimensions};
  for (size_t dimensions = 0; dimensions <= 40; ++dimensions) dimension_list.push_back(dimensions);
  for (size_t dimensions : dimension_list) {
    float got[kRows], expected[kRows];
    CosineSums got_sums[kRows], expected_sums[kRows];
    variant.inner_product_many(query, rows.data(), kRows, dimensions, got);
    scalar.inner_product_many(query, rows.data(), kRows, dimensions, expected);
    for (size_t row = 0; row < kRows; ++row) {
      if (!SameBits(got[row], expected[row])) return false;
    }
    variant.squared_l2_many(query, rows.data(), kRows, dimensions, got);
    scalar.squared_l2_many(query, rows.data(), kRows, dimensions, expected);
    for (size_t row = 0; row < kRows; ++row) {
      if (!SameBits(got[row], expected[row])) return false;
    }
    variant.cosine_parts_many(query, rows.data(), kRows, dimensions, got_sums);
    scalar.cosine_parts_many(query, rows.data(), kRows, dimensions, expected_sums);
    for (size_t row = 0; row < kRows; ++row) {
      if (!SameSums(got_sums[row], expected_sums[row])) return false;
    }
    if (!SameBits(variant.inner_product(query, rows[0], dimensions), scalar.inner_product(query, rows[0], dimensions)) ||
        !SameBits(variant.squared_l2(query, rows[0], dimensions), scalar.squared_l2(query, rows[0], dimensions)) ||
        !SameSums(variant.cosine_parts(query, rows[0], dimensions), scalar.cosine_parts(query, rows[0], dimensions))) {
      return false;
    }
  }
  return SketchAgrees(variant, scalar);
}

// SketchDots on fixed codes: 1 to 3 blocks, 6 rows (a group of 4 and a remainder), extreme codes included.
bool SketchAgrees(const DistanceKernels& variant, const DistanceKernels& scalar) {
  constexpr size_t kRows = 6;
  uint64_t state = 0x2545F4914F6CDD1Dull;
  const auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  for (size_t blocks = 1; blocks <= 3; ++blocks) {
    std::vector<uint8_t> nibbles(kRows * blocks * kSketchBlockBytes);
    for (uint8_t& byte : nibbles) byte = static_cast<uint8_t>(next());
    std::vector<int8_t> query(blocks * kSketchBlockDimensions);
    for (int8_t& code : query) code = static_cast<int8_t>(static_cast<int>(next() % 255) - 127);
    nibbles[0] = 0xFF;
    query[0] = 127;
    query[64] = -127;
    int32_t got[kRows], expected[kRows];
    variant.sketch_dots(nibbles.data(), kRows, blocks, query.data(), got);
    scalar.sketch_dots(nibbles.data(), kRows, blocks, query.data(), expected);
    if (std::memcmp(got, expected, sizeof(got)) != 0) return false;
    // Bounds over 21 rows (a vector's worth and a remainder at both levels).
    constexpr size_t kBoundRows = 21;
    int32_t dots[kBoundRows];
    float scales[kBoundRows], residuals[kBoundRows], norms[kBoundRows], bounds[kBoundRows], expected_bounds[kBoundRows];
    for (size_t row = 0; row < kBoundRows; ++row) {
      dots[row] = static_cast<int32_t>(next() % 200001) - 100000;
      scales[row] = static_cast<float>(next() % 1000) / 7001.0f;
      residuals[row] = static_cast<float>(next() % 1000) / 3001.0f;
      norms[row] = static_cast<float>(next() % 1000) / 301.0f;
    }
    const SketchTerms terms{-0.013f, -1.7e-5f, -1.003f, -0.0071f, 0.99f};
    variant.sketch_bounds(dots, scales, residuals, norms, kBoundRows, terms, bounds);
    scalar.sketch_bounds(dots, scales, residuals, norms, kBoundRows, terms, expected_bounds);
    if (std::memcmp(bounds, expected_bounds, sizeof(bounds)) != 0) return false;
  }
  return true;
}

const DistanceKernels& Chosen() {
  static const DistanceKernels& kernels = ChooseKernels("distance", kVariants, &Agrees);
  return kernels;
}

}  // namespace

float InnerProduct(const void* a, const void* b, size_t dimensions) { return Chosen().inner_product(a, b, dimensions); }

float SquaredL2(const void* a, const void* b, size_t dimensions) { return Chosen().squared_l2(a, b, dimensions); }

CosineSums CosineParts(const void* a, const void* b, size_t dimensions) {
  return Chosen().cosine_parts(a, b, dimensions);
}

void InnerProductMany(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  Chosen().inner_product_many(query, rows, count, dimensions, out);
}

void SquaredL2Many(const void* query, const void* const* rows, size_t count, size_t dimensions, float* out) {
  Chosen().squared_l2_many(query, rows, count, dimensions, out);
}

void CosinePartsMany(const void* query, const void* const* rows, size_t count, size_t dimensions, CosineSums* out) {
  Chosen().cosine_parts_many(query, rows, count, dimensions, out);
}

void SketchDots(const uint8_t* nibbles, size_t count, size_t blocks, const int8_t* query, int32_t* out) {
  Chosen().sketch_dots(nibbles, count, blocks, query, out);
}

void SketchBounds(const int32_t* dots, const float* scales, const float* residuals, const float* norms, size_t count,
                  const SketchTerms& terms, float* out) {
  Chosen().sketch_bounds(dots, scales, residuals, norms, count, terms, out);
}

const DistanceKernels* DistanceKernelsFor(SimdLevel level) { return kVariants.For(level); }

}  // namespace tessera::simd
