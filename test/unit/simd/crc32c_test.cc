// SPDX-License-Identifier: Apache-2.0
#include "simd/crc32c.h"

#include <doctest/doctest.h>

#include <random>
#include <string_view>
#include <vector>

namespace tessera::simd {
namespace {

TEST_CASE("CRC-32C of the standard check string") {
  std::string_view check = "123456789";
  CHECK(Crc32c(check.data(), check.size()) == 0xE3069283u);
  CHECK(Crc32cScalar(check.data(), check.size()) == 0xE3069283u);
  CHECK(Crc32c(nullptr, 0) == 0u);
}

TEST_CASE("CRC-32C extends over pieces as over the whole") {
  std::string_view text = "a write-ahead log record";
  uint32_t whole = Crc32c(text.data(), text.size());
  for (size_t split = 0; split <= text.size(); ++split) {
    uint32_t first = Crc32c(text.data(), split);
    CHECK(Crc32c(text.data() + split, text.size() - split, first) == whole);
  }
}

TEST_CASE("CRC-32C hardware and scalar variants agree on random lengths and offsets") {
  std::mt19937_64 random(42);
  std::vector<uint8_t> bytes(4096 + 16);
  for (auto& byte : bytes) byte = static_cast<uint8_t>(random());
  for (int round = 0; round < 2000; ++round) {
    size_t offset = random() % 16;
    size_t size = random() % 4096;
    uint32_t seed = static_cast<uint32_t>(random());
    CHECK(Crc32c(bytes.data() + offset, size, seed) == Crc32cScalar(bytes.data() + offset, size, seed));
  }
}

TEST_CASE("CRC-32C detects every single flipped bit") {
  std::vector<uint8_t> bytes(64);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7);
  uint32_t good = Crc32c(bytes.data(), bytes.size());
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    CHECK(Crc32c(bytes.data(), bytes.size()) != good);
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

}  // namespace
}  // namespace tessera::simd
