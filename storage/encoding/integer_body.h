// SPDX-License-Identifier: Apache-2.0
// IntegerBody: the body of a chunk whose values are integers (bool, int2/4/8, date, time, timestamps,
// and numeric with one scale that fits int64). Every row has a value: NULL rows hold a placeholder
// chosen by the writer, so row i is value i in every encoding. All six encodings apply; the writer
// picks the smallest (Choose). Body layouts are in storage/FORMAT.md.
#pragma once

#include <cstddef>
#include <cstdint>

#include "storage/encoding/byte_io.h"
#include "storage/encoding/chunk_encoding.h"
#include "storage/encoding/packed_ints.h"

namespace tessera::storage {

class IntegerBody {
 public:
  // Returns the encoding with the smallest body for `values`, judged from cheap statistics (min, max,
  // runs, deltas, distinct count up to a cap). A single run is always kRunLength.
  static ChunkEncoding Choose(const int64_t* values, size_t count, int plain_width);
  // Writes the body. REQUIRES: kBitPacked only when no value is negative.
  static void Write(ChunkEncoding encoding, const int64_t* values, size_t count, int plain_width,
                    ByteWriter* writer);

  // Reads and validates a body of `count` rows; false when it is malformed. The body's bytes must
  // outlive this object.
  // `check_codes` false: dictionary codes are trusted (these bytes were read and checked before).
  bool Read(ChunkEncoding encoding, size_t count, int plain_width, ByteReader* reader, bool check_codes = true);
  // Writes values of rows [first, first + count) to `out`.
  void Decode(size_t first, size_t count, int64_t* out) const;
  // PrefetchBytes of the per-row bytes Decode(first, count) reads (clipped to the rows): plain values or
  // packed values and codes; run-length and delta bodies are left to the hardware.
  void Prefetch(size_t first, size_t count) const;

  ChunkEncoding encoding() const { return encoding_; }
  // kBitPacked (reference 0) and kFrameOfReference: the packed values.
  const ForInts& packed() const { return packed_; }
  // kDictionary: the sorted distinct values and the per-row codes.
  const ForInts& dictionary() const { return packed_; }
  size_t dictionary_size() const { return dictionary_size_; }
  const PackedInts& codes() const { return codes_; }

 private:
  void DecodePlain(size_t first, size_t count, int64_t* out) const;
  void DecodeRunLength(size_t first, size_t count, int64_t* out) const;
  void DecodeDelta(size_t first, size_t count, int64_t* out) const;
  void DecodeDictionary(size_t first, size_t count, int64_t* out) const;
  bool ReadRunLength(size_t count, ByteReader* reader);
  bool ReadDelta(size_t count, ByteReader* reader);
  bool ReadDictionary(size_t count, ByteReader* reader, bool check_codes);

  ChunkEncoding encoding_ = ChunkEncoding::kPlain;
  size_t count_ = 0;
  int plain_width_ = 8;
  const char* plain_ = nullptr;  // kPlain: count * plain_width little-endian values
  ForInts packed_;               // kBitPacked/kFrameOfReference values, kRunLength run values, kDictionary entries
  PackedInts codes_;             // kDictionary codes, kRunLength run ends, kDelta scaled delta offsets
  size_t dictionary_size_ = 0;   // kDictionary entries, kRunLength runs
  const char* checkpoints_ = nullptr;  // kDelta: one i64 every kDeltaCheckpointRows rows
  int64_t min_delta_ = 0;
  uint64_t delta_factor_ = 1;
};

}  // namespace tessera::storage
