// SPDX-License-Identifier: Apache-2.0
// PlainLineScanner: finds the delimiters and the line end of a plain COPY line a block of bytes at a time.
#include "protocol/copy_line_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <iterator>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tessera::protocol {

namespace {

// The bytes of one block that end a field, end the line, or make the line not plain; bit
// (index * kBitsPerByte + kBitOffset) stands for byte `index` of the block.
struct BlockMasks {
  uint64_t delimiters;
  uint64_t newlines;
  uint64_t specials;
};

#if defined(__SSE2__)

constexpr size_t kBlockBytes = 16;
constexpr int kBitsPerByte = 1;

// Compares a block (zero-padded past `available`) with each byte; movemask gives one bit per byte.
BlockMasks MatchBlock(const char* data, size_t available, char delimiter, const char (&specials)[5]) {
  __m128i bytes;
  if (available >= kBlockBytes) {
    bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data));
  } else {
    alignas(16) char padded[kBlockBytes] = {};
    std::memcpy(padded, data, available);
    bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(padded));
  }
  const auto match = [&bytes](char byte) {
    return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte)))));
  };
  uint64_t special = static_cast<uint32_t>(_mm_movemask_epi8(bytes));  // bytes >= 0x80
  for (const char byte : specials) special |= match(byte);
  return BlockMasks{match(delimiter), match('\n'), special};
}

#else

constexpr size_t kBlockBytes = 8;
constexpr int kBitsPerByte = 8;  // the high bit of each byte of a 64-bit word

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

static_assert(std::endian::native == std::endian::little, "the byte order of a word is assumed little-endian");

// Returns a word with the high bit set in exactly the bytes of `word` equal to `byte` (no carries cross
// bytes, so there are no false matches).
uint64_t MatchBytes(uint64_t word, char byte) {
  const uint64_t difference = word ^ (kOnes * static_cast<uint8_t>(byte));
  return ~(((difference & kLow7) + kLow7) | difference | kLow7);
}

BlockMasks MatchBlock(const char* data, size_t available, char delimiter, const char (&specials)[5]) {
  uint64_t word = 0;
  std::memcpy(&word, data, std::min(available, kBlockBytes));
  uint64_t special = word & kHighBits;
  for (const char byte : specials) special |= MatchBytes(word, byte);
  return BlockMasks{MatchBytes(word, delimiter), MatchBytes(word, '\n'), special};
}

#endif

}  // namespace

PlainLineScanner::PlainLineScanner(char delimiter, std::string_view specials) : delimiter_(delimiter) {
  // NUL is never valid input. Unused slots repeat it, so that a block is tested against a fixed number
  // of bytes in an unrolled loop.
  std::fill(std::begin(specials_), std::end(specials_), '\0');
  size_t count = 1;
  for (const char special : specials) {
    if (std::find(specials_, specials_ + count, special) != specials_ + count) continue;
    if (count < std::size(specials_)) specials_[count++] = special;
  }
}

bool PlainLineScanner::Scan(const char* data, size_t size, size_t width, uint32_t* field_ends) const {
  size = std::min<size_t>(size, std::numeric_limits<uint32_t>::max());
  size_t field = 0;
  for (size_t offset = 0; offset < size; offset += kBlockBytes) {
    const size_t available = size - offset;
    const BlockMasks masks = MatchBlock(data + offset, available, delimiter_, specials_);
    uint64_t stops = masks.delimiters | masks.newlines | masks.specials;
    if (available < kBlockBytes) stops &= (uint64_t{1} << (kBitsPerByte * available)) - 1;  // past the end
    for (; stops != 0; stops &= stops - 1) {
      const uint64_t stop = stops & (0 - stops);
      if ((masks.specials & stop) != 0 || field == width) return false;  // not plain, or too many fields
      field_ends[field++] = static_cast<uint32_t>(offset + static_cast<size_t>(std::countr_zero(stop)) / kBitsPerByte);
      if ((masks.newlines & stop) != 0) return field == width;
    }
  }
  return false;  // no line end yet
}

}  // namespace tessera::protocol
