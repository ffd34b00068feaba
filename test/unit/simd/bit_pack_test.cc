// SPDX-License-Identifier: Apache-2.0
#include "simd/bit_pack.h"
#include "simd/bitunpack/bitunpack.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

namespace tessera::simd {
namespace {

TEST_SUITE("bit_pack") {

TEST_CASE("bit width is the position of the highest set bit") {
  CHECK(BitWidth(0) == 0);
  CHECK(BitWidth(1) == 1);
  CHECK(BitWidth(255) == 8);
  CHECK(BitWidth(256) == 9);
  CHECK(BitWidth(~uint64_t{0}) == 64);
  CHECK(PackedWords(0, 64) == 0);
  CHECK(PackedWords(3, 0) == 0);
  CHECK(PackedWords(65, 1) == 2);
  CHECK(PackedWords(3, 64) == 3);
}

TEST_CASE("values of every width round-trip from any start offset and length") {
  std::mt19937_64 random(11);
  for (int width = 0; width <= 64; ++width) {
    CAPTURE(width);
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    for (size_t count : {0, 1, 7, 63, 64, 65, 257, 4096}) {
      std::vector<uint64_t> values(count);
      for (auto& value : values) value = random() & mask;
      if (count > 0) values[0] = mask;  // the widest value
      std::vector<uint64_t> words(PackedWords(count, width));
      BitPack(values.data(), count, width, words.data());
      for (size_t first : {size_t{0}, size_t{1}, size_t{63}}) {
        if (first > count) continue;
        std::vector<uint64_t> out(count - first);
        BitUnpack(words.data(), first, count - first, width, out.data());
        CHECK(std::equal(out.begin(), out.end(), values.begin() + first));
      }
      for (size_t index = 0; index < count; index += 13) CHECK(BitUnpackOne(words.data(), index, width) == values[index]);
    }
  }
}

}  // TEST_SUITE

}  // namespace
}  // namespace tessera::simd
