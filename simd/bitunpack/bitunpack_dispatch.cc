// SPDX-License-Identifier: Apache-2.0
// Picks the bit-unpacking variant once, after checking it against the scalar reference.
#include <cstring>
#include <vector>

#include "simd/bit_pack.h"
#include "simd/bitunpack/bitunpack.h"
#include "simd/dispatch.h"

namespace tessera::simd {
namespace {

const KernelsByLevel<BitUnpackKernels> kVariants = {&kBitUnpackScalar, &kBitUnpackAvx2, &kBitUnpackAvx512};

// Unpacks a fixed pseudo-random stream of every width from an odd offset with both kernels.
bool Agrees(const BitUnpackKernels& variant, const BitUnpackKernels& scalar) {
  constexpr size_t kCount = 300;
  constexpr size_t kFirst = 5;
  std::vector<uint64_t> values(kCount + kFirst);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (auto& value : values) value = state = state * 6364136223846793005ull + 1442695040888963407ull;
  for (int width = 0; width <= 64; ++width) {
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    std::vector<uint64_t> masked(values.size());
    for (size_t index = 0; index < values.size(); ++index) masked[index] = values[index] & mask;
    std::vector<uint64_t> words(PackedWords(masked.size(), width));
    BitPack(masked.data(), masked.size(), width, words.data());
    std::vector<uint64_t> expected(kCount), actual(kCount);
    scalar.unpack64(words.data(), kFirst, kCount, width, expected.data());
    variant.unpack64(words.data(), kFirst, kCount, width, actual.data());
    if (actual != expected) return false;
    if (width <= 52) {
      std::vector<double> expected_decimals(kCount), actual_decimals(kCount);
      const int64_t reference = -(int64_t{1} << 52) + width * 1000003;
      scalar.unpack_decimal(words.data(), kFirst, kCount, width, reference, 100.0, expected_decimals.data());
      variant.unpack_decimal(words.data(), kFirst, kCount, width, reference, 100.0, actual_decimals.data());
      if (std::memcmp(actual_decimals.data(), expected_decimals.data(), kCount * sizeof(double)) != 0) return false;
    }
    if (width > 32) continue;
    std::vector<uint32_t> expected32(kCount), actual32(kCount);
    scalar.unpack32(words.data(), kFirst, kCount, width, expected32.data());
    variant.unpack32(words.data(), kFirst, kCount, width, actual32.data());
    if (actual32 != expected32) return false;
  }
  return true;
}

const BitUnpackKernels& Chosen() {
  static const BitUnpackKernels& kernels = ChooseKernels("bitunpack", kVariants, &Agrees);
  return kernels;
}

}  // namespace

void BitUnpack(const void* words, size_t first, size_t count, int width, uint64_t* out) {
  Chosen().unpack64(words, first, count, width, out);
}

void BitUnpack32(const void* words, size_t first, size_t count, int width, uint32_t* out) {
  Chosen().unpack32(words, first, count, width, out);
}

void BitUnpackDecimal(const void* words, size_t first, size_t count, int width, int64_t reference, double divisor,
                      double* out) {
  Chosen().unpack_decimal(words, first, count, width, reference, divisor, out);
}

const BitUnpackKernels* BitUnpackKernelsFor(SimdLevel level) { return kVariants.For(level); }

}  // namespace tessera::simd
