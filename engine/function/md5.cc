// SPDX-License-Identifier: Apache-2.0
// MD5 (RFC 1321): a straightforward one-shot implementation over a byte string.
#include "engine/function/md5.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace tessera::engine::builtin {

namespace {

// Per-round left-rotation amounts.
constexpr std::array<uint32_t, 64> kShifts = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

// floor(abs(sin(i + 1)) * 2^32).
constexpr std::array<uint32_t, 64> kConstants = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

uint32_t RotateLeft(uint32_t value, uint32_t bits) { return (value << bits) | (value >> (32 - bits)); }

void ProcessBlock(const unsigned char* block, std::array<uint32_t, 4>& state) {
  uint32_t words[16];
  for (int index = 0; index < 16; ++index) {
    words[index] = uint32_t{block[index * 4]} | (uint32_t{block[index * 4 + 1]} << 8) |
                   (uint32_t{block[index * 4 + 2]} << 16) | (uint32_t{block[index * 4 + 3]} << 24);
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (uint32_t step = 0; step < 64; ++step) {
    uint32_t mixed;
    uint32_t word;
    if (step < 16) {
      mixed = (b & c) | (~b & d);
      word = step;
    } else if (step < 32) {
      mixed = (d & b) | (~d & c);
      word = (5 * step + 1) % 16;
    } else if (step < 48) {
      mixed = b ^ c ^ d;
      word = (3 * step + 5) % 16;
    } else {
      mixed = c ^ (b | ~d);
      word = (7 * step) % 16;
    }
    const uint32_t rotated = RotateLeft(a + mixed + kConstants[step] + words[word], kShifts[step]);
    a = d;
    d = c;
    c = b;
    b = b + rotated;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

}  // namespace

std::string Md5Hex(std::string_view bytes) {
  std::array<uint32_t, 4> state = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  size_t offset = 0;
  for (; offset + 64 <= bytes.size(); offset += 64) {
    ProcessBlock(reinterpret_cast<const unsigned char*>(bytes.data() + offset), state);
  }
  // Padding: 0x80, zeros, then the message length in bits (little-endian), filling one or two blocks.
  unsigned char tail[128] = {};
  const size_t remaining = bytes.size() - offset;
  std::memcpy(tail, bytes.data() + offset, remaining);
  tail[remaining] = 0x80;
  const size_t tail_length = remaining < 56 ? 64 : 128;
  const uint64_t bit_length = static_cast<uint64_t>(bytes.size()) * 8;
  for (int index = 0; index < 8; ++index) tail[tail_length - 8 + index] = static_cast<unsigned char>(bit_length >> (8 * index));
  for (size_t block = 0; block < tail_length; block += 64) ProcessBlock(tail + block, state);

  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(32);
  for (uint32_t word : state) {
    for (int index = 0; index < 4; ++index) {
      const auto byte = static_cast<unsigned char>(word >> (8 * index));
      hex += kHex[byte >> 4];
      hex += kHex[byte & 15];
    }
  }
  return hex;
}

}  // namespace tessera::engine::builtin
