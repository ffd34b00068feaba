// SPDX-License-Identifier: Apache-2.0
// Not a test: prints values/s of bit-unpacking per level and width (batches of 2048 values, as scans do).
// Usage: bitunpack_bench [values]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "simd/bit_pack.h"
#include "simd/bitunpack/bitunpack.h"

namespace tessera::simd {
namespace {

constexpr size_t kBatch = 2048;

template <typename Out, typename Unpack>
double ValuesPerSecond(const std::vector<uint64_t>& words, size_t count, int width, Unpack unpack) {
  std::vector<Out> out(kBatch);
  const auto start = std::chrono::steady_clock::now();
  for (int repeat = 0; repeat < 5; ++repeat) {
    for (size_t first = 0; first + kBatch <= count; first += kBatch) unpack(words.data(), first, kBatch, width, out.data());
  }
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  return 5.0 * (count / kBatch * kBatch) / seconds.count();
}

void Run(size_t count) {
  std::mt19937_64 random(1);
  std::printf("%-6s %-8s %14s %14s\n", "width", "level", "u64 values/s", "u32 values/s");
  for (int width : {1, 3, 8, 12, 17, 25, 32, 48, 64}) {
    std::vector<uint64_t> values(count);
    for (auto& value : values) value = width == 64 ? random() : random() & ((uint64_t{1} << width) - 1);
    std::vector<uint64_t> words(PackedWords(count, width));
    BitPack(values.data(), count, width, words.data());
    for (SimdLevel level : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
      const BitUnpackKernels* kernels = BitUnpackKernelsFor(level);
      if (kernels == nullptr) {
        std::printf("%-6d %-8s %14s\n", width, SimdLevelName(level), "skipped");
        continue;
      }
      const double rate64 = ValuesPerSecond<uint64_t>(words, count, width, kernels->unpack64);
      const double rate32 = width <= 32 ? ValuesPerSecond<uint32_t>(words, count, width, kernels->unpack32) : 0;
      std::printf("%-6d %-8s %14.3g %14.3g\n", width, SimdLevelName(level), rate64, rate32);
    }
  }
}

}  // namespace
}  // namespace tessera::simd

int main(int argc, char** argv) {
  tessera::simd::Run(argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1 << 22);
  return 0;
}
