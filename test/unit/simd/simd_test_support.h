// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the simd kernel tests: the random seed, the levels to compare with scalar, and
// buffers that end at an inaccessible page so a kernel reading past its input crashes the test.
#pragma once

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "simd/cpu_level.h"

namespace tessera::simd::testing {

// Returns the seed of this run: TESSERA_TEST_SEED when set, else a fresh one. Printed by each test
// (MESSAGE) so a failure can be replayed.
inline uint64_t TestSeed() {
  static const uint64_t seed = [] {
    if (const char* text = std::getenv("TESSERA_TEST_SEED")) {
      return static_cast<uint64_t>(std::strtoull(text, nullptr, 10));
    }
    return (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  }();
  return seed;
}

inline std::mt19937_64 SeededRandom(const char* test) {
  MESSAGE(std::string(test), ": seed ", TestSeed(), " (replay with TESSERA_TEST_SEED)");
  return std::mt19937_64(TestSeed());
}

// Returns the vector levels CpuLevel() allows; reports the others as skipped, never silently passing.
inline std::vector<SimdLevel> VectorLevels() {
  std::vector<SimdLevel> levels;
  for (SimdLevel level : {SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (level <= CpuLevel()) {
      levels.push_back(level);
    } else {
      MESSAGE("skipped level ", std::string(SimdLevelName(level)), ": CPU level (or TESSERA_SIMD) is ",
              std::string(SimdLevelName(CpuLevel())));
    }
  }
  return levels;
}

// Lengths around every lane width (4, 8, 16 elements and the 8-value groups) up to 257, then big ones.
inline std::vector<size_t> TestLengths() {
  std::vector<size_t> lengths;
  for (size_t length = 0; length <= 17; ++length) lengths.push_back(length);
  for (size_t lanes : {31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 4096, 65537}) lengths.push_back(lanes);
  return lengths;
}

// A copy of some bytes placed so that they end exactly where an inaccessible page begins.
class GuardedBytes {
 public:
  explicit GuardedBytes(const void* data, size_t size) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    mapped_size_ = (size + page - 1) / page * page + page;
    mapping_ =
        static_cast<uint8_t*>(mmap(nullptr, mapped_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(mapping_ != MAP_FAILED);
    REQUIRE(mprotect(mapping_ + mapped_size_ - page, page, PROT_NONE) == 0);
    data_ = mapping_ + mapped_size_ - page - size;
    if (size > 0) std::memcpy(data_, data, size);
  }
  GuardedBytes(const GuardedBytes&) = delete;
  GuardedBytes& operator=(const GuardedBytes&) = delete;
  ~GuardedBytes() { munmap(mapping_, mapped_size_); }

  const void* data() const { return data_; }

 private:
  uint8_t* mapping_ = nullptr;
  size_t mapped_size_ = 0;
  uint8_t* data_ = nullptr;
};

}  // namespace tessera::simd::testing
