// SPDX-License-Identifier: Apache-2.0
// ColumnChunk: one column of a columnstore segment (up to ~1M rows) as an immutable, checksummed byte
// string: a header with statistics, a NULL bitmap, and a body in one of the encodings of
// storage/encoding/chunk_encoding.h, chosen per chunk from the data. The byte layout is
// storage/FORMAT.md (format version 1).
//
// Writing: EncodeColumnChunk(vector) gathers the values, picks the smallest encoding and serializes.
// Reading: ColumnChunk::Open checks the CRC-32C and every size and code once; a chunk that fails gets
// Status kDataCorrupted (XX001), so later decodes cannot fail. Statistics are available without
// decoding (ChunkMayMatch in chunk_predicate.h); the encoded form is exposed for kernels that work on
// dictionary codes or packed integers without decoding.
//
// Thread safety: an opened ColumnChunk is immutable; any number of threads may decode from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "storage/encoding/chunk_encoding.h"
#include "storage/encoding/chunk_values.h"
#include "storage/encoding/fixed_body.h"
#include "storage/encoding/integer_body.h"
#include "storage/encoding/string_body.h"

namespace tessera::storage {

constexpr uint8_t kChunkFormatVersion = 1;
// The most rows a chunk may hold; a header claiming more is corrupt.
constexpr uint32_t kMaxChunkRows = 1u << 24;

// Serializes `vector` (at most kMaxChunkRows rows) with the encoding that gives the smallest chunk.
std::string EncodeColumnChunk(const Vector& vector);
// Serializes with a given encoding. REQUIRES: EncodingApplies(vector, encoding).
std::string EncodeColumnChunk(const Vector& vector, ChunkEncoding encoding);
// Appends EncodeColumnChunk(vector.Gather(selection, count), ChunkEncoding::kPlain) to `out`; for
// int16, int32, int64 and float64 vectors straight from `vector`, without the copies in between (the
// WAL encodes every inserted row this way).
void AppendPlainColumnChunk(const Vector& vector, const sel_t* selection, idx_t count, std::string* out);
// True when `encoding` can hold `vector`: plain always; integer encodings for integer-like values
// (kBitPacked only without negative values; kDelta and kRunLength need a row); dictionary for all
// types with at least one row.
bool EncodingApplies(const Vector& vector, ChunkEncoding encoding);

class ColumnChunk {
 public:
  // Validates `bytes` as a serialized chunk and opens it. Returns kDataCorrupted when the checksum,
  // a size or a code is wrong; the caller adds the file and offset to the detail. `bytes` must
  // outlive the chunk. With `verify_checksum` false the checksum is not computed again (the caller
  // verified these bytes before, so their dictionary codes were checked too); sizes are still checked.
  static Status Open(std::string_view bytes, ColumnChunk* chunk, bool verify_checksum = true);

  PhysicalType physical_type() const { return physical_type_; }
  ChunkEncoding encoding() const { return encoding_; }
  ValueDomain domain() const { return domain_; }
  const ChunkStats& stats() const { return stats_; }
  idx_t num_rows() const { return stats_.num_rows; }
  // The NULL bitmap (bit set = NULL), or nullptr when no row is NULL.
  const uint64_t* NullMask() const { return nulls_.empty() ? nullptr : nulls_.data(); }
  // Whether row `row` is NULL in a NullMask() (nullptr: no row is).
  static bool NullBit(const uint64_t* nulls, idx_t row) {
    return nulls != nullptr && ((nulls[row / 64] >> (row % 64)) & 1) != 0;
  }

  // Decodes all rows, or rows [first, first + count), into `out`, replacing its contents but keeping
  // its logical type. REQUIRES: out->physical_type() == physical_type(); first + count <= num_rows().
  void Decode(Vector* out) const { DecodeRange(0, num_rows(), out); }
  void DecodeRange(idx_t first, idx_t count, Vector* out) const;

  // True when the values are strings stored as they are (plain or dictionary, not LZ4-compressed), so
  // that views into the chunk's bytes can stand for them.
  bool StringsInPlace() const;
  // Appends rows `first + rows[i]` (i < count) to `out` as views into the chunk's bytes, with their
  // NULLs, copying no string; the caller keeps the bytes alive with `out` (Vector::KeepAlive).
  // REQUIRES: StringsInPlace(); out->physical_type() == kString; rows ascending and below `span`;
  // first + span <= num_rows().
  void AppendStringViews(idx_t first, idx_t span, const sel_t* rows, idx_t count, Vector* out) const;

  // The encoded body for kernels: the one matching domain(), else nullptr.
  const IntegerBody* integers() const { return std::get_if<IntegerBody>(&body_); }
  const FixedBody* fixed() const { return std::get_if<FixedBody>(&body_); }
  const StringBody* strings() const { return std::get_if<StringBody>(&body_); }
  // kDictionary chunks: the per-row codes and the number of entries; nullptr / 0 for other encodings.
  const PackedInts* dictionary_codes() const;
  size_t dictionary_size() const;
  // Numeric chunks in the integer domain: the scale of every value.
  int32_t decimal_scale() const { return decimal_scale_; }

 private:
  // `check_codes`: check every dictionary code (false: the same bytes were opened and checked before).
  Status ReadBody(std::string_view body, bool decimal_as_integer, bool check_codes);

  PhysicalType physical_type_ = PhysicalType::kInvalid;
  ChunkEncoding encoding_ = ChunkEncoding::kPlain;
  ValueDomain domain_ = ValueDomain::kNone;
  ChunkStats stats_;
  std::vector<uint64_t> nulls_;
  int32_t decimal_scale_ = 0;
  std::variant<std::monostate, IntegerBody, FixedBody, StringBody> body_;
};

}  // namespace tessera::storage
