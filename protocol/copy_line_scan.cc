// SPDX-License-Identifier: Apache-2.0
// PlainLineScanner: SWAR (eight bytes per step in a 64-bit word) search for the delimiters and the line end
// of a plain COPY line.
#include "protocol/copy_line_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>

namespace tessera::protocol {

namespace {

static_assert(std::endian::native == std::endian::little, "the byte order of a word is assumed little-endian");

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t kNewlines = kOnes * '\n';

uint64_t Broadcast(char byte) { return kOnes * static_cast<uint8_t>(byte); }

// Returns a word with the high bit set in exactly the bytes of `word` equal to the byte repeated in
// `pattern` (no carries cross bytes, so there are no false matches).
uint64_t MatchBytes(uint64_t word, uint64_t pattern) {
  const uint64_t difference = word ^ pattern;
  return ~(((difference & kLow7) + kLow7) | difference | kLow7);
}

// Loads up to eight bytes; the missing ones read as zero.
uint64_t LoadWord(const char* data, size_t available) {
  uint64_t word = 0;
  std::memcpy(&word, data, std::min<size_t>(available, sizeof(word)));
  return word;
}

}  // namespace

PlainLineScanner::PlainLineScanner(char delimiter, std::string_view specials)
    : delimiter_(Broadcast(delimiter)) {
  for (char special : std::string(specials) + '\0') {  // NUL is never valid input
    const uint64_t pattern = Broadcast(special);
    if (std::find(specials_, specials_ + num_specials_, pattern) != specials_ + num_specials_) continue;
    if (num_specials_ < static_cast<int>(std::size(specials_))) specials_[num_specials_++] = pattern;
  }
}

bool PlainLineScanner::Scan(const char* data, size_t size, size_t width, uint32_t* field_ends) const {
  size = std::min<size_t>(size, std::numeric_limits<uint32_t>::max());
  size_t field = 0;
  for (size_t offset = 0; offset < size; offset += sizeof(uint64_t)) {
    const size_t available = size - offset;
    const uint64_t word = LoadWord(data + offset, available);
    uint64_t special = word & kHighBits;
    for (int index = 0; index < num_specials_; ++index) special |= MatchBytes(word, specials_[index]);
    const uint64_t newline = MatchBytes(word, kNewlines);
    uint64_t stops = MatchBytes(word, delimiter_) | newline | special;
    if (available < sizeof(uint64_t)) stops &= (uint64_t{1} << (8 * available)) - 1;  // past the end
    for (; stops != 0; stops &= stops - 1) {
      const uint64_t stop = stops & (0 - stops);
      if ((special & stop) != 0 || field == width) return false;  // not plain, or too many fields
      field_ends[field++] = static_cast<uint32_t>(offset + static_cast<size_t>(std::countr_zero(stop)) / 8);
      if ((newline & stop) != 0) return field == width;
    }
  }
  return false;  // no line end yet
}

}  // namespace tessera::protocol
