// SPDX-License-Identifier: Apache-2.0
// StringBody: the body of a chunk of strings (text, varchar, char, name, bytea): kPlain (end offsets +
// bytes) or kDictionary (bytewise-sorted distinct strings + codes). Byte sections of 4 KiB or more are
// LZ4-compressed when that makes them smaller; reading decompresses them once, into the body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/encoding/byte_io.h"
#include "storage/encoding/chunk_encoding.h"
#include "storage/encoding/packed_ints.h"

namespace tessera::storage {

class StringBody {
 public:
  static ChunkEncoding Choose(const std::vector<std::string_view>& values);
  static void Write(ChunkEncoding encoding, const std::vector<std::string_view>& values, ByteWriter* writer);

  // `check_codes` false: dictionary codes and string offsets are trusted (these bytes were read and
  // checked before).
  bool Read(ChunkEncoding encoding, size_t count, ByteReader* reader, bool check_codes = true);
  // Points out[0, count) at the strings of rows [first, first + count); valid while this body is.
  void Decode(size_t first, size_t count, std::string_view* out) const;

  ChunkEncoding encoding() const { return encoding_; }
  // True when the byte section was stored LZ4-compressed.
  bool compressed() const { return compressed_; }
  // kDictionary: entry `code` of the sorted dictionary, and the per-row codes.
  size_t dictionary_size() const { return offsets_.count; }
  std::string_view Entry(size_t index) const;
  const PackedInts& codes() const { return codes_; }

 private:
  bool ReadByteSection(ByteReader* reader);
  std::string_view bytes() const { return compressed_ ? std::string_view(decompressed_) : stored_; }

  ChunkEncoding encoding_ = ChunkEncoding::kPlain;
  PackedInts offsets_;  // end offset of each string (kPlain: per row; kDictionary: per entry)
  PackedInts codes_;    // kDictionary
  bool compressed_ = false;
  std::string_view stored_;   // the byte section as stored, in the chunk's bytes
  std::string decompressed_;  // when compressed_
};

}  // namespace tessera::storage
