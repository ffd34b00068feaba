// SPDX-License-Identifier: Apache-2.0
// The reference hashing, probe, gather and compaction loops: they define the results (hash.h).
#include "simd/hash/hash.h"

namespace tessera::simd {
namespace {

void HashInt64Scalar(const int64_t* keys, size_t count, uint64_t* hashes) {
  for (size_t i = 0; i < count; ++i) hashes[i] = Mix64(keys[i]);
}

void ProbeInt64Scalar(const Int64TableView& table, const int64_t* keys, const uint64_t* hashes, size_t count,
                      uint32_t* found) {
  for (size_t i = 0; i < count; ++i) {
    uint64_t slot = hashes[i] & table.mask;
    while (table.values[slot] != kEmptySlot && table.keys[slot] != keys[i]) slot = (slot + 1) & table.mask;
    found[i] = table.values[slot];
  }
}

void GatherInt64Scalar(const int64_t* values, const uint32_t* selection, size_t count, int64_t* out) {
  for (size_t i = 0; i < count; ++i) out[i] = values[selection[i]];
}

void GatherInt32Scalar(const int32_t* values, const uint32_t* selection, size_t count, int32_t* out) {
  for (size_t i = 0; i < count; ++i) out[i] = values[selection[i]];
}

size_t BitmapToSelectionScalar(const uint64_t* bitmap, size_t count, uint32_t* selection) {
  size_t selected = 0;
  for (size_t i = 0; i < count; ++i) {
    if ((bitmap[i / 64] >> (i % 64)) & 1) selection[selected++] = static_cast<uint32_t>(i);
  }
  return selected;
}

}  // namespace

const HashKernels kHashScalar = {&HashInt64Scalar, &ProbeInt64Scalar, &GatherInt64Scalar, &GatherInt32Scalar,
                                 &BitmapToSelectionScalar};

}  // namespace tessera::simd
