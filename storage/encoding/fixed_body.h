// SPDX-License-Identifier: Apache-2.0
// FixedBody: the body of a chunk whose values are fixed-width byte strings compared by their SQL order
// but kept bit for bit (float4/8 with -0.0 and NaN payloads, interval, numeric of mixed scales). Only
// kPlain and kDictionary apply. Every row has a value (NULL rows hold a placeholder).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/encoding/byte_io.h"
#include "storage/encoding/chunk_encoding.h"
#include "storage/encoding/packed_ints.h"

namespace tessera::storage {

// Strict weak order of two values of `width` bytes (SQL order, ties broken by bytes).
using FixedLess = bool (*)(const char* left, const char* right);

class FixedBody {
 public:
  // Decimal floats: at most this many digits after the point.
  static constexpr int kMaxDecimalScale = 15;

  // `values` holds count * width bytes. Width 8 is float8's.
  static ChunkEncoding Choose(std::string_view values, size_t width);
  // The least scale s <= kMaxDecimalScale at which every float8 of `values` is an integer v with
  // |v| < 2^51 divided by 10^s, the division giving back its exact bits (so not NaN, infinities or
  // -0.0); nullopt when there is none.
  static std::optional<int> DecimalScale(std::string_view values);
  static void Write(ChunkEncoding encoding, std::string_view values, size_t width, FixedLess less,
                    ByteWriter* writer);

  // `check_codes` false: dictionary codes are trusted (these bytes were read and checked before).
  bool Read(ChunkEncoding encoding, size_t count, size_t width, ByteReader* reader, bool check_codes = true);
  // Copies rows [first, first + count) to `out` (count * width bytes).
  void Decode(size_t first, size_t count, char* out) const;
  // PrefetchBytes of what Decode(first, count) reads but a dictionary's entries (clipped to the rows).
  void Prefetch(size_t first, size_t count) const;

  ChunkEncoding encoding() const { return encoding_; }
  // kDecimalFloat: value i is double(decimals().Get(i)) / 10^decimal_scale().
  const ForInts& decimals() const { return decimals_; }
  int decimal_scale() const { return decimal_scale_; }
  double decimal_divisor() const;  // 10^decimal_scale()
  // kDictionary: `dictionary_size` sorted entries of `width` bytes, and the per-row codes.
  const char* dictionary() const { return values_; }
  size_t dictionary_size() const { return dictionary_size_; }
  const PackedInts& codes() const { return codes_; }

 private:
  ChunkEncoding encoding_ = ChunkEncoding::kPlain;
  size_t width_ = 0;
  size_t count_ = 0;
  const char* values_ = nullptr;  // kPlain rows or kDictionary entries
  size_t dictionary_size_ = 0;
  PackedInts codes_;
  ForInts decimals_;
  int decimal_scale_ = 0;
};

}  // namespace tessera::storage
