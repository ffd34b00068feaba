// SPDX-License-Identifier: Apache-2.0
// Not a test: prints values/s of each kernel family per level, on batches of 2048 values as scans use.
// Usage: simd_bench [values]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "simd/aggregate/aggregate.h"
#include "simd/bit_pack.h"
#include "simd/bitunpack/bitunpack.h"
#include "simd/distance/distance.h"
#include "simd/filter/compare.h"
#include "simd/hash/hash.h"
#include "simd/topk/topk.h"

namespace tessera::simd {
namespace {

constexpr size_t kBatch = 2048;

constexpr SimdLevel kLevels[] = {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512};

// Returns rows per second of the fastest of 5 passes over `count` rows in batches (the machine is shared,
// so the best pass is the least disturbed one).
template <typename Body>
double RowsPerSecond(size_t count, Body body) {
  double best = 0;
  for (int repeat = 0; repeat < 5; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    for (size_t first = 0; first + kBatch <= count; first += kBatch) body(first);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    best = std::max(best, (count / kBatch * kBatch) / seconds.count());
  }
  return best;
}

template <typename Out, typename Unpack>
double ValuesPerSecond(const std::vector<uint64_t>& words, size_t count, int width, Unpack unpack) {
  std::vector<Out> out(kBatch);
  return RowsPerSecond(count, [&](size_t first) { unpack(words.data(), first, kBatch, width, out.data()); });
}

void RunBitUnpack(size_t count) {
  std::mt19937_64 random(1);
  std::printf("%-6s %-8s %14s %14s\n", "width", "level", "u64 values/s", "u32 values/s");
  for (int width : {1, 3, 8, 12, 17, 25, 32, 48, 64}) {
    std::vector<uint64_t> values(count);
    for (auto& value : values) value = width == 64 ? random() : random() & ((uint64_t{1} << width) - 1);
    std::vector<uint64_t> words(PackedWords(count, width));
    BitPack(values.data(), count, width, words.data());
    for (SimdLevel level : kLevels) {
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

// Filters uint32 codes below a constant keeping about `percent` of the rows.
void RunCompare(size_t count) {
  std::mt19937_64 random(2);
  std::vector<uint32_t> codes(count);
  for (auto& code : codes) code = static_cast<uint32_t>(random() % 1000);
  std::vector<uint32_t> selection(kBatch);
  std::vector<uint64_t> bitmap(kBatch / 64);
  std::printf("\n%-8s %-8s %14s %14s %14s\n", "percent", "level", "select rows/s", "bitmap rows/s", "intersect rows/s");
  for (uint32_t percent : {1, 50, 99}) {
    for (SimdLevel level : kLevels) {
      const CompareKernels* kernels = CompareKernelsFor(level);
      if (kernels == nullptr) {
        std::printf("%-8u %-8s %14s\n", percent, SimdLevelName(level), "skipped");
        continue;
      }
      const uint32_t constant = percent * 10;
      const double select = RowsPerSecond(count, [&](size_t first) {
        kernels->select32(codes.data() + first, kBatch, Comparison::kLess, constant, selection.data());
      });
      const double bits = RowsPerSecond(count, [&](size_t first) {
        kernels->bitmap32(codes.data() + first, kBatch, Comparison::kLess, constant, bitmap.data());
      });
      // Each batch's selection meets the next batch's, so no two calls see the same input.
      const size_t num_batches = count / kBatch;
      std::vector<std::vector<uint32_t>> selections(num_batches, std::vector<uint32_t>(kBatch));
      std::vector<size_t> sizes(num_batches);
      for (size_t batch = 0; batch < num_batches; ++batch) {
        sizes[batch] = kernels->select32(codes.data() + batch * kBatch, kBatch, Comparison::kLess, constant,
                                         selections[batch].data());
      }
      std::vector<uint32_t> both(kBatch);
      const double intersect = RowsPerSecond(count - kBatch, [&](size_t first) {
        const size_t batch = first / kBatch;
        kernels->intersect(selections[batch].data(), sizes[batch], selections[batch + 1].data(), sizes[batch + 1],
                           both.data());
      });
      std::printf("%-8u %-8s %14.3g %14.3g %14.3g\n", percent, SimdLevelName(level), select, bits, intersect);
    }
  }
}

// Aggregates int64 and double columns over all rows and over every other row, and counts/sums by code.
void RunAggregate(size_t count) {
  std::mt19937_64 random(3);
  std::vector<int64_t> integers(count);
  std::vector<double> doubles(count);
  std::vector<uint32_t> few_codes(count), random_codes(count), many_codes(count);
  for (size_t row = 0; row < count; ++row) {
    integers[row] = static_cast<int64_t>(random() >> 8);
    doubles[row] = static_cast<double>(integers[row]) / 3;
    few_codes[row] = static_cast<uint32_t>(row / 64 % 5);  // runs of equal codes, as in sorted data
    random_codes[row] = static_cast<uint32_t>(random() % 5);
    many_codes[row] = static_cast<uint32_t>(random() % 100);
  }
  std::vector<uint32_t> every_other(kBatch / 2);
  for (size_t index = 0; index < every_other.size(); ++index) every_other[index] = static_cast<uint32_t>(index * 2);
  std::printf("\n%-8s %12s %12s %12s %12s %12s %12s %12s %12s %12s\n", "level", "sum i64", "sum i64 sel", "sum f64",
              "sum f64 sel", "min/max i64", "count/5 runs", "count/5", "sum/5", "sum/100");
  for (SimdLevel level : kLevels) {
    const AggregateKernels* kernels = AggregateKernelsFor(level);
    if (kernels == nullptr) {
      std::printf("%-8s %12s\n", SimdLevelName(level), "skipped");
      continue;
    }
    volatile double sink = 0;
    std::vector<uint64_t> counts(5);
    std::vector<int64_t> sums(100);
    const uint32_t* selected = every_other.data();
    const size_t num_selected = every_other.size();
    // Columns "sel" report selected rows per second (half of each batch).
    const double rates[] = {
        RowsPerSecond(count,
                      [&](size_t first) {
                        sink = sink + static_cast<double>(kernels->sum_int64(integers.data() + first, nullptr, kBatch));
                      }),
        RowsPerSecond(count,
                      [&](size_t first) {
                        sink = sink +
                               static_cast<double>(kernels->sum_int64(integers.data() + first, selected, num_selected));
                      }) /
            2,
        RowsPerSecond(
            count, [&](size_t first) { sink = sink + kernels->sum_double(doubles.data() + first, nullptr, kBatch); }),
        RowsPerSecond(
            count,
            [&](size_t first) { sink = sink + kernels->sum_double(doubles.data() + first, selected, num_selected); }) /
            2,
        RowsPerSecond(count,
                      [&](size_t first) {
                        sink = sink +
                               static_cast<double>(kernels->range_int64(integers.data() + first, nullptr, kBatch).max);
                      }),
        RowsPerSecond(
            count,
            [&](size_t first) { kernels->grouped_count(few_codes.data() + first, nullptr, kBatch, 5, counts.data()); }),
        RowsPerSecond(count,
                      [&](size_t first) {
                        kernels->grouped_count(random_codes.data() + first, nullptr, kBatch, 5, counts.data());
                      }),
        RowsPerSecond(count,
                      [&](size_t first) {
                        kernels->grouped_sum_int64(random_codes.data() + first, integers.data() + first, nullptr,
                                                   kBatch, 5, sums.data());
                      }),
        RowsPerSecond(count,
                      [&](size_t first) {
                        kernels->grouped_sum_int64(many_codes.data() + first, integers.data() + first, nullptr, kBatch,
                                                   100, sums.data());
                      }),
    };
    std::printf("%-8s", SimdLevelName(level));
    for (double rate : rates) std::printf(" %12.3g", rate);
    std::printf("\n");
  }
}

// Distances of one query to 128-dimension rows (bench V1/V2's shape): rows/s in batches, over rows that
// fit in L2 (256 rows, 128 KiB) and over `count` / 16 rows that do not.
void RunDistance(size_t count) {
  constexpr size_t kDimensions = 128;
  std::mt19937_64 random(4);
  const size_t num_rows = std::max<size_t>(count / 16 / kBatch * kBatch, kBatch);
  std::vector<float> values((num_rows + 1) * kDimensions);
  for (float& value : values) value = static_cast<float>(random() % 2000) / 1000.0f - 1.0f;
  std::vector<const void*> rows(num_rows);
  for (size_t row = 0; row < num_rows; ++row) rows[row] = values.data() + (row + 1) * kDimensions;
  std::vector<const void*> hot_rows(num_rows);
  for (size_t row = 0; row < num_rows; ++row) hot_rows[row] = rows[row % 256];
  std::vector<float> out(kBatch);
  std::vector<CosineSums> sums(kBatch);
  std::printf("\n%-8s %14s %14s %14s %14s %14s\n", "level", "dot rows/s", "l2 rows/s", "cosine rows/s",
              "dot hot rows/s", "l2 hot rows/s");
  for (SimdLevel level : kLevels) {
    const DistanceKernels* kernels = DistanceKernelsFor(level);
    if (kernels == nullptr) {
      std::printf("%-8s %14s\n", SimdLevelName(level), "skipped");
      continue;
    }
    const auto many = [&](auto kernel, const std::vector<const void*>& which) {
      return RowsPerSecond(num_rows, [&](size_t first) {
        kernel(values.data(), which.data() + first, kBatch, kDimensions, out.data());
      });
    };
    const double cosine = RowsPerSecond(num_rows, [&](size_t first) {
      kernels->cosine_parts_many(values.data(), rows.data() + first, kBatch, kDimensions, sums.data());
    });
    std::printf("%-8s %14.3g %14.3g %14.3g %14.3g %14.3g\n", SimdLevelName(level),
                many(kernels->inner_product_many, rows), many(kernels->squared_l2_many, rows), cosine,
                many(kernels->inner_product_many, hot_rows), many(kernels->squared_l2_many, hot_rows));
  }
}

// Top-10 and top-1000 of `count` random doubles (one call), and the filter of a batch at ~1% selectivity.
void RunTopK(size_t count) {
  std::mt19937_64 random(5);
  std::vector<double> values(count);
  for (double& value : values) value = static_cast<double>(random() % 1000000) / 7.0;
  std::vector<uint32_t> positions(std::max<size_t>(count, 1000));
  const double threshold = 1000000 / 7.0 / 100;
  std::printf("\n%-8s %14s %14s %14s\n", "level", "top10 rows/s", "top1000 rows/s", "below1% rows/s");
  for (SimdLevel level : kLevels) {
    const TopKKernels* kernels = TopKKernelsFor(level);
    if (kernels == nullptr) {
      std::printf("%-8s %14s\n", SimdLevelName(level), "skipped");
      continue;
    }
    const auto whole = [&](size_t k) {
      double best = 0;
      for (int repeat = 0; repeat < 5; ++repeat) {
        const auto start = std::chrono::steady_clock::now();
        kernels->top_k_smallest(values.data(), count, k, positions.data());
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        best = std::max(best, count / seconds.count());
      }
      return best;
    };
    const double below = RowsPerSecond(count, [&](size_t first) {
      kernels->select_below(values.data() + first, kBatch, threshold, positions.data());
    });
    std::printf("%-8s %14.3g %14.3g %14.3g\n", SimdLevelName(level), whole(10), whole(1000), below);
  }
}

// Hashes int64 keys, probes tables of 1Ki (cache-resident) and 4Mi slots (half full, half the probes
// missing), gathers through a selection of every third row, and compacts a half-dense bitmap.
void RunHash(size_t count) {
  std::mt19937_64 random(4);
  std::vector<int64_t> keys(count);
  for (auto& key : keys) key = static_cast<int64_t>(random() % (2 * count));
  std::vector<uint64_t> hashes(count);
  kHashScalar.hash_int64(keys.data(), count, hashes.data());
  struct Table {
    std::vector<int64_t> keys;
    std::vector<uint32_t> values;
  };
  const auto build = [&](size_t capacity) {
    Table table{std::vector<int64_t>(capacity), std::vector<uint32_t>(capacity, kEmptySlot)};
    for (size_t i = 0; i < capacity / 2; ++i) {
      const int64_t key = static_cast<int64_t>(i * 2);
      uint64_t slot = Mix64(key) & (capacity - 1);
      while (table.values[slot] != kEmptySlot) slot = (slot + 1) & (capacity - 1);
      table.keys[slot] = key;
      table.values[slot] = static_cast<uint32_t>(i);
    }
    return table;
  };
  const Table small = build(1 << 10), large = build(1 << 22);
  std::vector<uint32_t> every_third(kBatch / 3);
  for (size_t index = 0; index < every_third.size(); ++index) every_third[index] = static_cast<uint32_t>(index * 3);
  std::vector<uint64_t> bitmap(count / 64);
  for (auto& word : bitmap) word = random();
  std::printf("\n%-8s %14s %14s %14s %14s %14s\n", "level", "hash i64", "probe 1Ki", "probe 4Mi", "gather i64 sel",
              "bitmap->sel");
  for (SimdLevel level : kLevels) {
    const HashKernels* kernels = HashKernelsFor(level);
    if (kernels == nullptr) {
      std::printf("%-8s %14s\n", SimdLevelName(level), "skipped");
      continue;
    }
    std::vector<uint64_t> out(kBatch);
    std::vector<uint32_t> found(kBatch);
    std::vector<int64_t> gathered(kBatch);
    const auto probe = [&](const Table& table) {
      const Int64TableView view{table.keys.data(), table.values.data(), table.keys.size() - 1};
      return RowsPerSecond(count, [&](size_t first) {
        kernels->probe_int64(view, keys.data() + first, hashes.data() + first, kBatch, found.data());
      });
    };
    const double rates[] = {
        RowsPerSecond(count, [&](size_t first) { kernels->hash_int64(keys.data() + first, kBatch, out.data()); }),
        probe(small),
        probe(large),
        RowsPerSecond(count,
                      [&](size_t first) {
                        kernels->gather_int64(keys.data() + first, every_third.data(), every_third.size(),
                                              gathered.data());
                      }) / 3,
        RowsPerSecond(count,
                      [&](size_t first) {
                        kernels->bitmap_to_selection(bitmap.data() + first / 64, kBatch, found.data());
                      }),
    };
    std::printf("%-8s", SimdLevelName(level));
    for (double rate : rates) std::printf(" %14.3g", rate);
    std::printf("\n");
  }
}

}  // namespace
}  // namespace tessera::simd

int main(int argc, char** argv) {
  const size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1 << 22;
  tessera::simd::RunBitUnpack(count);
  tessera::simd::RunCompare(count);
  tessera::simd::RunAggregate(count);
  tessera::simd::RunDistance(count);
  tessera::simd::RunTopK(count);
  tessera::simd::RunHash(count);
  return 0;
}
