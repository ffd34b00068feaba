// SPDX-License-Identifier: Apache-2.0
#include "simd/bitunpack/bitunpack.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "simd/bit_pack.h"
#include "test/unit/simd/simd_test_support.h"

namespace tessera::simd {
namespace {

using testing::GuardedBytes;

uint64_t WidthMask(int width) { return width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

// Packs `count` random values of `width` bits, a third of them the widest value, into a guarded buffer.
std::vector<uint64_t> PackedRandom(std::mt19937_64& random, size_t count, int width) {
  std::vector<uint64_t> values(count);
  for (auto& value : values) value = random() % 3 == 0 ? WidthMask(width) : random() & WidthMask(width);
  std::vector<uint64_t> words(PackedWords(count, width));
  BitPack(values.data(), count, width, words.data());
  return words;
}

// Checks that `kernels` unpacks [first, first + count) like scalar, reading only the stream's words.
void CheckAgainstScalar(const BitUnpackKernels& kernels, const std::vector<uint64_t>& words, size_t first, size_t count,
                        int width) {
  CAPTURE(width);
  CAPTURE(first);
  CAPTURE(count);
  const GuardedBytes guarded(words.data(), PackedWords(first + count, width) * 8);
  std::vector<uint64_t> expected(count + 1, 7), actual(count + 1, 7);
  kBitUnpackScalar.unpack64(guarded.data(), first, count, width, expected.data());
  kernels.unpack64(guarded.data(), first, count, width, actual.data());
  CHECK(actual == expected);  // includes the sentinel past the end
  if (width <= 52) {
    for (const int64_t reference : {int64_t{0}, int64_t{-123456789}, int64_t{1} << 52, -(int64_t{1} << 52)}) {
      std::vector<double> expected_decimals(count + 1, 7.5), actual_decimals(count + 1, 7.5);
      kBitUnpackScalar.unpack_decimal(guarded.data(), first, count, width, reference, 1000.0, expected_decimals.data());
      kernels.unpack_decimal(guarded.data(), first, count, width, reference, 1000.0, actual_decimals.data());
      CHECK(std::memcmp(actual_decimals.data(), expected_decimals.data(), (count + 1) * sizeof(double)) == 0);
    }
  }
  if (width > 32) return;
  std::vector<uint32_t> expected32(count + 1, 7), actual32(count + 1, 7);
  kBitUnpackScalar.unpack32(guarded.data(), first, count, width, expected32.data());
  kernels.unpack32(guarded.data(), first, count, width, actual32.data());
  CHECK(actual32 == expected32);
}

TEST_SUITE("bitunpack") {
  TEST_CASE("scalar unpacking returns the packed values") {
    auto random = testing::SeededRandom("scalar unpacking");
    for (int width = 0; width <= 64; ++width) {
      std::vector<uint64_t> values(300);
      for (auto& value : values) value = random() & WidthMask(width);
      std::vector<uint64_t> words(PackedWords(values.size(), width));
      BitPack(values.data(), values.size(), width, words.data());
      std::vector<uint64_t> out(values.size() - 3);
      kBitUnpackScalar.unpack64(words.data(), 3, out.size(), width, out.data());
      CHECK(std::equal(out.begin(), out.end(), values.begin() + 3));
    }
  }

  TEST_CASE("every level unpacks every width, length and start offset like scalar") {
    auto random = testing::SeededRandom("unpack levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const BitUnpackKernels* kernels = BitUnpackKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (int width = 0; width <= 64; ++width) {
        const std::vector<uint64_t> words = PackedRandom(random, 65537 + 64, width);
        for (size_t count : testing::TestLengths()) {
          const size_t offsets = count <= 257 ? 64 : 3;
          for (size_t first = 0; first < offsets; ++first)
            CheckAgainstScalar(*kernels, words, first * (count <= 257 ? 1 : 31), count, width);
        }
      }
    }
  }

  TEST_CASE("the dispatched entry points match scalar") {
    auto random = testing::SeededRandom("dispatched unpack");
    MESSAGE("CPU level: ", std::string(SimdLevelName(CpuLevel())));
    for (int width : {0, 1, 7, 13, 25, 26, 32, 33, 56, 57, 64}) {
      const std::vector<uint64_t> words = PackedRandom(random, 5000, width);
      std::vector<uint64_t> expected(4000), actual(4000);
      kBitUnpackScalar.unpack64(words.data(), 9, 4000, width, expected.data());
      BitUnpack(words.data(), 9, 4000, width, actual.data());
      CHECK(actual == expected);
      if (width <= 52) {
        std::vector<double> expected_decimals(4000), actual_decimals(4000);
        kBitUnpackScalar.unpack_decimal(words.data(), 9, 4000, width, -77, 100.0, expected_decimals.data());
        BitUnpackDecimal(words.data(), 9, 4000, width, -77, 100.0, actual_decimals.data());
        CHECK(std::memcmp(actual_decimals.data(), expected_decimals.data(), 4000 * sizeof(double)) == 0);
      }
      if (width > 32) continue;
      std::vector<uint32_t> expected32(4000), actual32(4000);
      kBitUnpackScalar.unpack32(words.data(), 9, 4000, width, expected32.data());
      BitUnpack32(words.data(), 9, 4000, width, actual32.data());
      CHECK(actual32 == expected32);
    }
  }

  TEST_CASE("decimals unpack to the doubles their text reads as") {
    // 123.45, 0.07, 999.99, -5.00 and 0.00 in cents, from a reference of -500.
    const std::vector<uint64_t> offsets = {12345 + 500, 7 + 500, 99999 + 500, 0, 500};
    std::vector<uint64_t> words(PackedWords(offsets.size(), 17));
    BitPack(offsets.data(), offsets.size(), 17, words.data());
    std::vector<double> out(offsets.size());
    BitUnpackDecimal(words.data(), 0, offsets.size(), 17, -500, 100.0, out.data());
    CHECK(out == std::vector<double>{std::strtod("123.45", nullptr), std::strtod("0.07", nullptr),
                                     std::strtod("999.99", nullptr), -5.0, 0.0});
    CHECK(!std::signbit(out[4]));
    std::vector<double> zeros(3, 1.0);
    BitUnpackDecimal(words.data(), 1, 3, 0, 42, 10.0, zeros.data());
    CHECK(zeros == std::vector<double>{4.2, 4.2, 4.2});
  }

  TEST_CASE("a level above the CPU's has no kernels") {
    if (CpuLevel() == SimdLevel::kAvx512) return;
    CHECK(BitUnpackKernelsFor(SimdLevel::kAvx512) == nullptr);
  }

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::simd
