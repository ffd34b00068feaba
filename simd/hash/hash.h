// SPDX-License-Identifier: Apache-2.0
// Hashing, hash-table probes, gathers and compaction for hash joins and group-bys on integer keys.
//
// Contract of every variant (results are integers, so every variant matches scalar bit for bit):
//   - HashInt64: hashes[i] = Mix64(keys[i]), MurmurHash3's 64-bit finalizer (fmix64):
//       k ^= k >> 33; k *= 0xff51afd7ed558ccd; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53; k ^= k >> 33.
//   - ProbeInt64: for each i, walks the table from slot hashes[i] & mask, one slot at a time (wrapping),
//     and sets found[i] to the value of the first slot holding keys[i], or kEmptySlot when an empty slot
//     comes first. REQUIRES: the table has at least one empty slot, and hashes[i] = Mix64(keys[i]) for
//     the keys it was built with (any hash works as long as build and probe use the same one).
//   - GatherInt64 / GatherInt32: out[i] = values[selection[i]].
//   - BitmapToSelection: writes the indexes of the set bits among bits [0, count) of `bitmap` (bit i % 64
//     of word i / 64) to `selection`, ascending; returns how many. `selection` has room for `count`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/cpu_level.h"
#include "simd/hash/hash_kernels.h"

namespace tessera::simd {

void HashInt64(const int64_t* keys, size_t count, uint64_t* hashes);
void ProbeInt64(const Int64TableView& table, const int64_t* keys, const uint64_t* hashes, size_t count,
                uint32_t* found);
void GatherInt64(const int64_t* values, const uint32_t* selection, size_t count, int64_t* out);
void GatherInt32(const int32_t* values, const uint32_t* selection, size_t count, int32_t* out);
size_t BitmapToSelection(const uint64_t* bitmap, size_t count, uint32_t* selection);

// One key's hash, as HashInt64 computes it (for building tables and probing single keys).
inline uint64_t Mix64(int64_t key) {
  uint64_t k = static_cast<uint64_t>(key);
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const HashKernels* HashKernelsFor(SimdLevel level);

}  // namespace tessera::simd
