// SPDX-License-Identifier: Apache-2.0
// Bit-packing of unsigned integers into little-endian 64-bit words: value i occupies bits
// [i * width, (i + 1) * width) of the word stream. Unpacking many values is simd/bitunpack/bitunpack.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

// Returns the bits needed to hold `max_value` (0 for 0, 64 for values with the top bit set).
inline int BitWidth(uint64_t max_value) { return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value); }

// Returns the number of 64-bit words that `count` values of `width` bits occupy.
inline size_t PackedWords(size_t count, int width) {
  return (static_cast<unsigned __int128>(count) * static_cast<unsigned>(width) + 63) / 64;
}

// Packs `count` values (each < 2^width) into `words` (PackedWords(count, width) words, written fully).
// REQUIRES: 0 <= width <= 64.
void BitPack(const uint64_t* values, size_t count, int width, uint64_t* words);

// Returns value `index` of the packed stream. `words` may be unaligned bytes; it must hold
// PackedWords(index + 1, width) words.
uint64_t BitUnpackOne(const void* words, size_t index, int width);

}  // namespace tessera::simd
