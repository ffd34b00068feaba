// SPDX-License-Identifier: Apache-2.0
// Bit-packing and single-value reads: the plainest loops, which define the layout.
#include "simd/bit_pack.h"

#include <cstring>

namespace tessera::simd {
namespace {

uint64_t LoadWord(const void* words, size_t index) {
  uint64_t word;
  std::memcpy(&word, static_cast<const uint8_t*>(words) + index * 8, sizeof(word));
  return word;
}

uint64_t Mask(int width) { return width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

}  // namespace

void BitPack(const uint64_t* values, size_t count, int width, uint64_t* words) {
  const size_t num_words = PackedWords(count, width);
  if (num_words == 0) return;
  std::memset(words, 0, num_words * sizeof(uint64_t));
  for (size_t index = 0; index < count; ++index) {
    const size_t bit = index * width;
    const size_t word = bit / 64;
    const int shift = static_cast<int>(bit % 64);
    words[word] |= values[index] << shift;
    if (shift + width > 64) words[word + 1] |= values[index] >> (64 - shift);
  }
}

uint64_t BitUnpackOne(const void* words, size_t index, int width) {
  if (width == 0) return 0;
  const size_t bit = index * width;
  const size_t word = bit / 64;
  const int shift = static_cast<int>(bit % 64);
  uint64_t value = LoadWord(words, word) >> shift;
  if (shift + width > 64) value |= LoadWord(words, word + 1) << (64 - shift);
  return value & Mask(width);
}

}  // namespace tessera::simd
