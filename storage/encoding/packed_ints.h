// SPDX-License-Identifier: Apache-2.0
// The integer building blocks of chunk bodies (storage/FORMAT.md, "Building blocks"):
//   PackedInts: u8 width, then simd::PackedWords(count, width) little-endian words of bit-packed values.
//   ForInts:    i64 reference, then PackedInts of (value - reference), all arithmetic modulo 2^64.
// The views point into the chunk's bytes; they are valid while those bytes are.
#pragma once

#include <cstddef>
#include <cstdint>

#include "storage/encoding/byte_io.h"

namespace tessera::storage {

// Asks the CPU to start loading `size` bytes from `bytes` into its caches. A reader about to decode
// rows of a mapped segment calls it for the rows after them: the file's pages lie anywhere in memory, and
// the hardware prefetcher stops at the end of each 4 KiB page.
void PrefetchBytes(const void* bytes, size_t size);
// PrefetchBytes of rows [first, first + count), clipped to `num_rows`, of values `width` bytes wide.
void PrefetchRows(const char* values, size_t width, size_t num_rows, size_t first, size_t count);

struct PackedInts {
  int width = 0;
  size_t count = 0;
  const void* words = nullptr;

  uint64_t Get(size_t index) const;
  // Writes values [first, first + count) to `out`. REQUIRES: first + count <= this->count.
  void Unpack(size_t first, size_t count, uint64_t* out) const;
  // PrefetchBytes of the words holding values [first, first + count) (clipped to the stream).
  void Prefetch(size_t first, size_t count) const;
};

struct ForInts {
  int64_t reference = 0;
  PackedInts offsets;

  int64_t Get(size_t index) const { return static_cast<int64_t>(static_cast<uint64_t>(reference) + offsets.Get(index)); }
  void Decode(size_t first, size_t count, int64_t* out) const;
};

// Returns the bytes WritePacked writes for `count` values whose largest is `max_value`.
size_t PackedSize(uint64_t max_value, size_t count);
void WritePacked(const uint64_t* values, size_t count, ByteWriter* writer);
// Reads a PackedInts of `count` values; false when the bytes are too short or the width is invalid.
bool ReadPacked(ByteReader* reader, size_t count, PackedInts* packed);

// Checks that every value of `packed` is below `limit` (a corrupt chunk could hold any code).
bool AllBelow(const PackedInts& packed, uint64_t limit);

size_t ForSize(int64_t min, int64_t max, size_t count);
// Writes `values` with their minimum as the reference.
void WriteFor(const int64_t* values, size_t count, ByteWriter* writer);
bool ReadFor(ByteReader* reader, size_t count, ForInts* ints);

}  // namespace tessera::storage
