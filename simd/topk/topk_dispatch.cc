// SPDX-License-Identifier: Apache-2.0
// Picks the top-k variant once, after checking it against the scalar reference.
#include <cmath>
#include <vector>

#include "simd/dispatch.h"
#include "simd/topk/topk.h"

namespace tessera::simd {
namespace {

const KernelsByLevel<TopKKernels> kVariants = {&kTopKScalar, &kTopKAvx2, &kTopKAvx512};

// Runs both kernels of both on fixed values with many ties, NaNs, zeros of both signs and infinities, for
// several k and thresholds (a NaN one included).
bool Agrees(const TopKKernels& variant, const TopKKernels& scalar) {
  constexpr size_t kCount = 203;
  const double extremes[] = {std::nan(""), -0.0, 0.0, INFINITY, -INFINITY};
  std::vector<double> values(kCount);
  uint64_t state = 0x853C49E6748FEA9Bull;
  for (size_t row = 0; row < kCount; ++row) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    values[row] = row % 11 == 0 ? extremes[(state >> 33) % 5] : static_cast<double>((state >> 40) % 50) - 25.0;
  }
  std::vector<uint32_t> got(kCount), expected(kCount);
  for (size_t k : {0u, 1u, 7u, 64u, 202u, 203u, 300u}) {
    const size_t size = variant.top_k_smallest(values.data(), kCount, k, got.data());
    if (size != scalar.top_k_smallest(values.data(), kCount, k, expected.data())) return false;
    for (size_t index = 0; index < size; ++index) {
      if (got[index] != expected[index]) return false;
    }
  }
  for (double threshold : {-3.0, 0.0, -0.0, 24.0, double{INFINITY}, std::nan("")}) {
    const size_t size = variant.select_below(values.data(), kCount, threshold, got.data());
    if (size != scalar.select_below(values.data(), kCount, threshold, expected.data())) return false;
    for (size_t index = 0; index < size; ++index) {
      if (got[index] != expected[index]) return false;
    }
  }
  return true;
}

const TopKKernels& Chosen() {
  static const TopKKernels& kernels = ChooseKernels("topk", kVariants, &Agrees);
  return kernels;
}

}  // namespace

size_t TopKSmallest(const double* values, size_t count, size_t k, uint32_t* positions) {
  return Chosen().top_k_smallest(values, count, k, positions);
}

size_t SelectBelow(const double* values, size_t count, double threshold, uint32_t* positions) {
  return Chosen().select_below(values, count, threshold, positions);
}

const TopKKernels* TopKKernelsFor(SimdLevel level) { return kVariants.For(level); }

}  // namespace tessera::simd
