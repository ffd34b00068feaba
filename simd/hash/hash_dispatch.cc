// SPDX-License-Identifier: Apache-2.0
// Picks the hashing variant once, after checking it against the scalar reference.
#include <vector>

#include "simd/dispatch.h"
#include "simd/hash/hash.h"

namespace tessera::simd {
namespace {

const KernelsByLevel<HashKernels> kVariants = {&kHashScalar, &kHashAvx2, &kHashAvx512};

// A fixed pseudo-random input: keys with both signs and a table holding every other one.
bool Agrees(const HashKernels& variant, const HashKernels& scalar) {
  constexpr size_t kCount = 203;
  std::vector<int64_t> keys(kCount);
  uint64_t state = 0x2545F4914F6CDD1Dull;
  for (auto& key : keys) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    key = static_cast<int64_t>(state) >> (state % 40);
  }
  std::vector<uint64_t> expected_hashes(kCount), hashes(kCount);
  scalar.hash_int64(keys.data(), kCount, expected_hashes.data());
  variant.hash_int64(keys.data(), kCount, hashes.data());
  if (hashes != expected_hashes) return false;

  constexpr uint64_t kCapacity = 256;
  std::vector<int64_t> table_keys(kCapacity, 0);
  std::vector<uint32_t> table_values(kCapacity, kEmptySlot);
  for (size_t i = 0; i < kCount; i += 2) {
    uint64_t slot = expected_hashes[i] & (kCapacity - 1);
    while (table_values[slot] != kEmptySlot && table_keys[slot] != keys[i]) slot = (slot + 1) & (kCapacity - 1);
    table_keys[slot] = keys[i];
    table_values[slot] = static_cast<uint32_t>(i);
  }
  const Int64TableView table{table_keys.data(), table_values.data(), kCapacity - 1};
  std::vector<uint32_t> expected_found(kCount), found(kCount);
  scalar.probe_int64(table, keys.data(), expected_hashes.data(), kCount, expected_found.data());
  variant.probe_int64(table, keys.data(), expected_hashes.data(), kCount, found.data());
  if (found != expected_found) return false;

  std::vector<uint32_t> selection;
  for (uint32_t i = 0; i < kCount; i += 3) selection.push_back(i);
  std::vector<int64_t> expected64(selection.size()), actual64(selection.size());
  scalar.gather_int64(keys.data(), selection.data(), selection.size(), expected64.data());
  variant.gather_int64(keys.data(), selection.data(), selection.size(), actual64.data());
  std::vector<int32_t> values32(keys.begin(), keys.end());
  std::vector<int32_t> expected32(selection.size()), actual32(selection.size());
  scalar.gather_int32(values32.data(), selection.data(), selection.size(), expected32.data());
  variant.gather_int32(values32.data(), selection.data(), selection.size(), actual32.data());
  if (actual64 != expected64 || actual32 != expected32) return false;

  std::vector<uint32_t> expected_selection(kCount), actual_selection(kCount);
  const auto* bitmap = expected_hashes.data();  // 203 pseudo-random bits
  expected_selection.resize(scalar.bitmap_to_selection(bitmap, kCount, expected_selection.data()));
  actual_selection.resize(variant.bitmap_to_selection(bitmap, kCount, actual_selection.data()));
  return actual_selection == expected_selection;
}

const HashKernels& Chosen() {
  static const HashKernels& kernels = ChooseKernels("hash", kVariants, &Agrees);
  return kernels;
}

}  // namespace

void HashInt64(const int64_t* keys, size_t count, uint64_t* hashes) { Chosen().hash_int64(keys, count, hashes); }

void ProbeInt64(const Int64TableView& table, const int64_t* keys, const uint64_t* hashes, size_t count,
                uint32_t* found) {
  Chosen().probe_int64(table, keys, hashes, count, found);
}

void GatherInt64(const int64_t* values, const uint32_t* selection, size_t count, int64_t* out) {
  Chosen().gather_int64(values, selection, count, out);
}

void GatherInt32(const int32_t* values, const uint32_t* selection, size_t count, int32_t* out) {
  Chosen().gather_int32(values, selection, count, out);
}

size_t BitmapToSelection(const uint64_t* bitmap, size_t count, uint32_t* selection) {
  return Chosen().bitmap_to_selection(bitmap, count, selection);
}

const HashKernels* HashKernelsFor(SimdLevel level) { return kVariants.For(level); }

}  // namespace tessera::simd
