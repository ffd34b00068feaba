// SPDX-License-Identifier: Apache-2.0
// UTF-8 validation with PostgreSQL's rules: no overlong forms, no surrogates, nothing above U+10FFFF, no NUL.
#include "base/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "base/error.h"

namespace tessera {

namespace {

// Length a character claims from its first byte (1 for invalid lead bytes, as pg_utf_mblen).
size_t ClaimedLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 1;
}

bool IsContinuation(uint8_t byte) { return (byte & 0xc0) == 0x80; }

// True when the `length` bytes at `bytes` are one legal UTF-8 character.
bool IsLegalCharacter(const uint8_t* bytes, size_t length) {
  uint8_t lead = bytes[0];
  switch (length) {
    case 1:
      return lead != 0 && lead < 0x80;
    case 2:
      return lead >= 0xc2 && IsContinuation(bytes[1]);
    case 3: {
      uint8_t second = bytes[1];
      if (lead == 0xe0 && (second < 0xa0 || second > 0xbf)) return false;
      if (lead == 0xed && (second < 0x80 || second > 0x9f)) return false;
      return IsContinuation(second) && IsContinuation(bytes[2]);
    }
    case 4: {
      uint8_t second = bytes[1];
      if (lead > 0xf4) return false;
      if (lead == 0xf0 && (second < 0x90 || second > 0xbf)) return false;
      if (lead == 0xf4 && (second < 0x80 || second > 0x8f)) return false;
      return IsContinuation(second) && IsContinuation(bytes[2]) && IsContinuation(bytes[3]);
    }
    default:
      return false;
  }
}

// True when the 8 bytes at `bytes` are all ASCII and none is NUL (the common case, checked a word at a
// time).
bool IsPlainAsciiWord(const uint8_t* bytes) {
  constexpr uint64_t kLowBits = 0x0101010101010101ULL;
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  uint64_t word;
  std::memcpy(&word, bytes, sizeof(word));
  const uint64_t has_zero_byte = (word - kLowBits) & ~word & kHighBits;
  return ((word & kHighBits) | has_zero_byte) == 0;
}

}  // namespace

size_t ValidUtf8Prefix(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  size_t position = 0;
  while (position < text.size()) {
    if (text.size() - position >= 8 && IsPlainAsciiWord(bytes + position)) {
      position += 8;
      continue;
    }
    uint8_t lead = bytes[position];
    if (lead != 0 && lead < 0x80) {  // ASCII fast path
      ++position;
      continue;
    }
    size_t length = ClaimedLength(lead);
    if (position + length > text.size() || !IsLegalCharacter(bytes + position, length)) return position;
    position += length;
  }
  return position;
}

void ValidateUtf8(std::string_view text) {
  size_t valid = ValidUtf8Prefix(text);
  if (valid == text.size()) return;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  size_t length = std::min(ClaimedLength(bytes[valid]), text.size() - valid);
  std::string shown;
  for (size_t index = 0; index < length; ++index) {
    if (index > 0) shown += ' ';
    shown += fmt::format("0x{:02x}", bytes[valid + index]);
  }
  throw SqlError(SqlState::kCharacterNotInRepertoire,
                 fmt::format("invalid byte sequence for encoding \"UTF8\": {}", shown));
}

}  // namespace tessera
