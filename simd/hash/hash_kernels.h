// SPDX-License-Identifier: Apache-2.0
// The hashing and hash-table probe variants, one constant table per level. Declarations only, so that the
// arch files (built with their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

// An open-addressing table of int64 keys probed linearly from hash & mask (hash.h).
struct Int64TableView {
  const int64_t* keys;     // capacity entries; a slot's key is meaningful only when its value is not kEmptySlot
  const uint32_t* values;  // capacity entries; kEmptySlot marks an empty slot
  uint64_t mask;           // capacity - 1; capacity is a power of two
};

inline constexpr uint32_t kEmptySlot = 0xFFFFFFFFu;

struct HashKernels {
  // See hash.h for the contracts.
  void (*hash_int64)(const int64_t* keys, size_t count, uint64_t* hashes);
  void (*probe_int64)(const Int64TableView& table, const int64_t* keys, const uint64_t* hashes, size_t count,
                      uint32_t* found);
  void (*gather_int64)(const int64_t* values, const uint32_t* selection, size_t count, int64_t* out);
  void (*gather_int32)(const int32_t* values, const uint32_t* selection, size_t count, int32_t* out);
  size_t (*bitmap_to_selection)(const uint64_t* bitmap, size_t count, uint32_t* selection);
};

extern const HashKernels kHashScalar;
extern const HashKernels kHashAvx2;
extern const HashKernels kHashAvx512;

}  // namespace tessera::simd
