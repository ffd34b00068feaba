// SPDX-License-Identifier: Apache-2.0
// MD5 (RFC 1321), the plain reference algorithm.
#include "base/md5.h"

#include <algorithm>
#include <cstring>

namespace tessera {
namespace {

constexpr uint32_t kSineTable[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

constexpr int kShifts[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                             5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                             4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                             6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

uint32_t RotateLeft(uint32_t value, int bits) { return (value << bits) | (value >> (32 - bits)); }

}  // namespace

Md5::Md5() : state_{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}, buffer_{} {}

void Md5::Update(std::string_view data) {
  size_t used = total_bytes_ % 64;
  total_bytes_ += data.size();
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  size_t remaining = data.size();
  if (used > 0) {
    size_t take = std::min(remaining, 64 - used);
    std::memcpy(buffer_.data() + used, bytes, take);
    bytes += take;
    remaining -= take;
    if (used + take < 64) return;
    ProcessBlock(buffer_.data());
  }
  for (; remaining >= 64; remaining -= 64, bytes += 64) ProcessBlock(bytes);
  std::memcpy(buffer_.data(), bytes, remaining);
}

std::string Md5::HexDigest() {
  uint64_t bit_length = total_bytes_ * 8;
  size_t used = total_bytes_ % 64;
  size_t padding = used < 56 ? 56 - used : 120 - used;
  std::string tail(padding + 8, '\0');
  tail[0] = static_cast<char>(0x80);
  for (int byte_index = 0; byte_index < 8; ++byte_index) {
    tail[padding + byte_index] = static_cast<char>((bit_length >> (8 * byte_index)) & 0xff);
  }
  Update(tail);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint32_t word : state_) {
    for (int byte_index = 0; byte_index < 4; ++byte_index) {
      uint8_t byte = (word >> (8 * byte_index)) & 0xff;
      hex += kHex[byte >> 4];
      hex += kHex[byte & 0xf];
    }
  }
  return hex;
}

void Md5::ProcessBlock(const uint8_t* block) {
  uint32_t words[16];
  for (int word_index = 0; word_index < 16; ++word_index) {
    const uint8_t* p = block + 4 * word_index;
    words[word_index] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  for (int step = 0; step < 64; ++step) {
    uint32_t mixed;
    int word_index;
    if (step < 16) {
      mixed = (b & c) | (~b & d);
      word_index = step;
    } else if (step < 32) {
      mixed = (d & b) | (~d & c);
      word_index = (5 * step + 1) % 16;
    } else if (step < 48) {
      mixed = b ^ c ^ d;
      word_index = (3 * step + 5) % 16;
    } else {
      mixed = c ^ (b | ~d);
      word_index = (7 * step) % 16;
    }
    uint32_t rotated = RotateLeft(a + mixed + kSineTable[step] + words[word_index], kShifts[step]);
    a = d;
    d = c;
    c = b;
    b = b + rotated;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
}

}  // namespace tessera
