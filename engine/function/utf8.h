// SPDX-License-Identifier: Apache-2.0
// Internal to engine/function: UTF-8 character counting, positioning and decoding for the string
// functions, which count characters, not bytes, as PostgreSQL does in a UTF8 database. Input is assumed
// to be valid UTF-8 (the protocol and text input validate it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::engine::builtin {

inline bool IsContinuationByte(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

// Bytes in the character starting with `lead` (1 for stray continuation or invalid bytes).
inline size_t Utf8SequenceLength(char lead) {
  const auto byte = static_cast<unsigned char>(lead);
  if (byte < 0xC0) return 1;
  if (byte < 0xE0) return 2;
  if (byte < 0xF0) return 3;
  return 4;
}

inline int64_t CharacterCount(std::string_view text) {
  int64_t count = 0;
  for (char byte : text) count += !IsContinuationByte(byte);
  return count;
}

// Byte offset where character `index` (0-based) starts; text.size() when the text is shorter.
inline size_t ByteOffsetOfCharacter(std::string_view text, int64_t index) {
  size_t offset = 0;
  while (index > 0 && offset < text.size()) {
    offset += Utf8SequenceLength(text[offset]);
    --index;
  }
  return offset < text.size() ? offset : text.size();
}

// The characters [start, start + length) of `text` (0-based, clamped); length < 0 means to the end.
inline std::string_view CharacterSlice(std::string_view text, int64_t start, int64_t length) {
  const size_t begin = ByteOffsetOfCharacter(text, start);
  if (length < 0) return text.substr(begin);
  const size_t end = begin + ByteOffsetOfCharacter(text.substr(begin), length);
  return text.substr(begin, end - begin);
}

// Decodes the code point at `offset` and advances `offset` past it.
inline uint32_t DecodeCodePoint(std::string_view text, size_t& offset) {
  const size_t length = Utf8SequenceLength(text[offset]);
  const auto lead = static_cast<unsigned char>(text[offset]);
  if (length == 1 || offset + length > text.size()) {
    ++offset;
    return lead;
  }
  uint32_t code = lead & (0xFF >> (length + 1));
  for (size_t index = 1; index < length; ++index) {
    code = (code << 6) | (static_cast<unsigned char>(text[offset + index]) & 0x3F);
  }
  offset += length;
  return code;
}

inline void AppendCodePoint(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// bpchar semantics: trailing spaces are not significant.
inline std::string_view TrimTrailingSpaces(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == ' ') --end;
  return text.substr(0, end);
}

}  // namespace tessera::engine::builtin
