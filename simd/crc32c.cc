// SPDX-License-Identifier: Apache-2.0
#include "simd/crc32c.h"

#include <array>
#include <cstring>

#include "simd/cpu_level.h"

namespace tessera::simd {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // 0x1EDC6F41 bit-reversed

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kTable = MakeTable();

__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(const uint8_t* p, size_t size, uint32_t crc) {
  uint64_t state = ~crc;
  for (; size >= 8; p += 8, size -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    state = __builtin_ia32_crc32di(state, word);
  }
  auto state32 = static_cast<uint32_t>(state);
  for (; size > 0; ++p, --size) state32 = __builtin_ia32_crc32qi(state32, *p);
  return ~state32;
}

}  // namespace

uint32_t Crc32cScalar(const void* data, size_t size, uint32_t crc) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t state = ~crc;
  for (size_t i = 0; i < size; ++i) state = (state >> 8) ^ kTable[(state ^ p[i]) & 0xFF];
  return ~state;
}

uint32_t Crc32c(const void* data, size_t size, uint32_t crc) {
  static const bool hardware = CpuLevel() != SimdLevel::kScalar && __builtin_cpu_supports("sse4.2");
  if (hardware) return Crc32cSse42(static_cast<const uint8_t*>(data), size, crc);
  return Crc32cScalar(data, size, crc);
}

}  // namespace tessera::simd
