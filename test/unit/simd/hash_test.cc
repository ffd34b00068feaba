// SPDX-License-Identifier: Apache-2.0
// Tests simd/hash: every level hashes, probes, gathers and compacts like the scalar reference.
#include "simd/hash/hash.h"

#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "test/unit/simd/simd_test_support.h"

namespace tessera::simd {
namespace {

constexpr uint32_t kSentinel = 0xDEADBEEF;

// Keys of three shapes: small consecutive values, anything, or extremes.
std::vector<int64_t> RandomKeys(std::mt19937_64& random, size_t count, int shape) {
  const int64_t extremes[] = {0, -1, 1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  std::vector<int64_t> keys(count);
  for (auto& key : keys) {
    if (shape == 0) key = static_cast<int64_t>(random() % 100) - 50;
    if (shape == 1) key = static_cast<int64_t>(random());
    if (shape == 2) key = extremes[random() % 5];
  }
  return keys;
}

// A table of `capacity` slots holding `keys` (the first occurrence of each), value = the key's index.
struct TestTable {
  std::vector<int64_t> keys;
  std::vector<uint32_t> values;
  Int64TableView View() const { return {keys.data(), values.data(), keys.size() - 1}; }
};

TestTable Build(const std::vector<int64_t>& keys, size_t capacity) {
  TestTable table{std::vector<int64_t>(capacity, 0), std::vector<uint32_t>(capacity, kEmptySlot)};
  for (size_t i = 0; i < keys.size(); ++i) {
    uint64_t slot = Mix64(keys[i]) & (capacity - 1);
    while (table.values[slot] != kEmptySlot && table.keys[slot] != keys[i]) slot = (slot + 1) & (capacity - 1);
    if (table.values[slot] == kEmptySlot) {
      table.keys[slot] = keys[i];
      table.values[slot] = static_cast<uint32_t>(i);
    }
  }
  return table;
}

TEST_SUITE("hash") {
  TEST_CASE("scalar hashes with MurmurHash3's finalizer and probes linearly") {
    // fmix64(1) from MurmurHash3's reference implementation.
    uint64_t hash = 0;
    const int64_t one = 1;
    kHashScalar.hash_int64(&one, 1, &hash);
    CHECK(hash == 0xB456BCFC34C2CB2Cull);
    CHECK(Mix64(0) == 0);
    const std::vector<int64_t> keys = {10, 20, 30};
    const TestTable table = Build(keys, 8);
    const std::vector<int64_t> probes = {20, 40, 10, 30};
    std::vector<uint64_t> hashes(probes.size());
    kHashScalar.hash_int64(probes.data(), probes.size(), hashes.data());
    std::vector<uint32_t> found(probes.size());
    kHashScalar.probe_int64(table.View(), probes.data(), hashes.data(), probes.size(), found.data());
    CHECK(found == std::vector<uint32_t>{1, kEmptySlot, 0, 2});
    const uint64_t bitmap = 0b1001'0110;
    std::vector<uint32_t> selection(8);
    CHECK(kHashScalar.bitmap_to_selection(&bitmap, 8, selection.data()) == 4);
    CHECK(std::vector<uint32_t>(selection.begin(), selection.begin() + 4) == std::vector<uint32_t>{1, 2, 4, 7});
  }

  TEST_CASE("every level hashes and probes like scalar, at every load up to one empty slot") {
    auto random = testing::SeededRandom("hash levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const HashKernels* kernels = HashKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t count : testing::TestLengths()) {
        for (int shape = 0; shape < 3; ++shape) {
          CAPTURE(count);
          CAPTURE(shape);
          const std::vector<int64_t> keys = RandomKeys(random, count, shape);
          const testing::GuardedBytes guarded(keys.data(), keys.size() * sizeof(int64_t));
          const auto* guarded_keys = static_cast<const int64_t*>(guarded.data());
          std::vector<uint64_t> expected(count + 1, kSentinel), actual(count + 1, kSentinel);
          kHashScalar.hash_int64(keys.data(), count, expected.data());
          kernels->hash_int64(guarded_keys, count, actual.data());
          CHECK(actual == expected);  // the entry past the end stays untouched
          // Tables built from a prefix of the keys (so some probes miss), from nearly full to sparse.
          for (size_t capacity : {size_t{16}, size_t{64}, size_t{1} << 17}) {
            const size_t held = std::min(count, capacity - 1);
            const TestTable table = Build(std::vector<int64_t>(keys.begin(), keys.begin() + held), capacity);
            std::vector<uint32_t> expected_found(count + 1, kSentinel), found(count + 1, kSentinel);
            kHashScalar.probe_int64(table.View(), keys.data(), expected.data(), count, expected_found.data());
            kernels->probe_int64(table.View(), guarded_keys, expected.data(), count, found.data());
            CHECK(found == expected_found);
          }
        }
      }
    }
  }

  TEST_CASE("every level gathers and compacts like scalar") {
    auto random = testing::SeededRandom("gather levels");
    for (SimdLevel level : testing::VectorLevels()) {
      const std::string level_name = SimdLevelName(level);
      CAPTURE(level_name);
      const HashKernels* kernels = HashKernelsFor(level);
      REQUIRE(kernels != nullptr);
      for (size_t count : testing::TestLengths()) {
        for (int density : {0, 1, 30, 90, 100}) {
          CAPTURE(count);
          CAPTURE(density);
          std::vector<uint64_t> bitmap((count + 63) / 64 + 1);
          for (size_t i = 0; i < count; ++i) {
            if (static_cast<int>(random() % 100) < density) bitmap[i / 64] |= uint64_t{1} << (i % 64);
          }
          bitmap.back() = ~uint64_t{0};  // bits past `count` must be ignored
          if (count % 64 != 0) bitmap[count / 64] |= ~uint64_t{0} << (count % 64);
          std::vector<uint32_t> expected(count + 1, kSentinel), actual(count + 1, kSentinel);
          const size_t selected = kHashScalar.bitmap_to_selection(bitmap.data(), count, expected.data());
          REQUIRE(kernels->bitmap_to_selection(bitmap.data(), count, actual.data()) == selected);
          CHECK(std::equal(actual.begin(), actual.begin() + selected, expected.begin()));
          CHECK(actual[count] == kSentinel);

          const std::vector<int64_t> values64 = RandomKeys(random, count, 1);
          std::vector<int32_t> values32(count);
          for (size_t i = 0; i < count; ++i) values32[i] = static_cast<int32_t>(values64[i]);
          const testing::GuardedBytes guarded64(values64.data(), count * sizeof(int64_t));
          const testing::GuardedBytes guarded32(values32.data(), count * sizeof(int32_t));
          std::vector<int64_t> expected64(selected + 1, kSentinel), actual64(selected + 1, kSentinel);
          kHashScalar.gather_int64(values64.data(), expected.data(), selected, expected64.data());
          kernels->gather_int64(static_cast<const int64_t*>(guarded64.data()), expected.data(), selected, actual64.data());
          CHECK(actual64 == expected64);
          std::vector<int32_t> expected32(selected + 1, 7), actual32(selected + 1, 7);
          kHashScalar.gather_int32(values32.data(), expected.data(), selected, expected32.data());
          kernels->gather_int32(static_cast<const int32_t*>(guarded32.data()), expected.data(), selected, actual32.data());
          CHECK(actual32 == expected32);
        }
      }
    }
  }

  TEST_CASE("the dispatched entry points match scalar") {
    auto random = testing::SeededRandom("dispatched hash");
    const std::vector<int64_t> keys = RandomKeys(random, 5000, 0);
    std::vector<uint64_t> expected(5000), actual(5000);
    kHashScalar.hash_int64(keys.data(), keys.size(), expected.data());
    HashInt64(keys.data(), keys.size(), actual.data());
    CHECK(actual == expected);
    const TestTable table = Build(std::vector<int64_t>(keys.begin(), keys.begin() + 50), 128);
    std::vector<uint32_t> expected_found(5000), found(5000);
    kHashScalar.probe_int64(table.View(), keys.data(), expected.data(), keys.size(), expected_found.data());
    ProbeInt64(table.View(), keys.data(), actual.data(), keys.size(), found.data());
    CHECK(found == expected_found);
  }
}  // TEST_SUITE

}  // namespace
}  // namespace tessera::simd
