// SPDX-License-Identifier: Apache-2.0
// PackedInts and ForInts: writing, validated reading and decoding.
#include "storage/encoding/packed_ints.h"

#include <algorithm>
#include <vector>

#include "simd/bit_pack.h"
#include "simd/bitunpack/bitunpack.h"
#include "simd/filter/compare.h"

namespace tessera::storage {

uint64_t PackedInts::Get(size_t index) const { return simd::BitUnpackOne(words, index, width); }

void PackedInts::Unpack(size_t first, size_t num_values, uint64_t* out) const {
  simd::BitUnpack(words, first, num_values, width, out);
}

void PrefetchBytes(const void* bytes, size_t size) {
  constexpr size_t kLine = 64;
  const auto* begin = static_cast<const char*>(bytes);
  for (size_t offset = 0; offset < size; offset += kLine) __builtin_prefetch(begin + offset);
}

void PrefetchRows(const char* values, size_t width, size_t num_rows, size_t first, size_t count) {
  if (first < num_rows) PrefetchBytes(values + first * width, (std::min(num_rows, first + count) - first) * width);
}

void PackedInts::Prefetch(size_t first, size_t num_values) const {
  if (first >= count || width == 0) return;
  const size_t end = std::min(count, first + num_values);
  const size_t first_byte = first * width / 8;
  PrefetchBytes(static_cast<const char*>(words) + first_byte, (end * width + 7) / 8 - first_byte);
}

void ForInts::Decode(size_t first, size_t count, int64_t* out) const {
  uint64_t* unsigned_out = reinterpret_cast<uint64_t*>(out);
  offsets.Unpack(first, count, unsigned_out);
  const uint64_t base = static_cast<uint64_t>(reference);
  for (size_t index = 0; index < count; ++index) unsigned_out[index] += base;
}

size_t PackedSize(uint64_t max_value, size_t count) {
  return 1 + simd::PackedWords(count, simd::BitWidth(max_value)) * 8;
}

void WritePacked(const uint64_t* values, size_t count, ByteWriter* writer) {
  uint64_t max_value = 0;
  for (size_t index = 0; index < count; ++index) max_value = std::max(max_value, values[index]);
  const int width = simd::BitWidth(max_value);
  std::vector<uint64_t> words(simd::PackedWords(count, width));
  simd::BitPack(values, count, width, words.data());
  writer->Put<uint8_t>(static_cast<uint8_t>(width));
  writer->PutBytes(words.data(), words.size() * sizeof(uint64_t));
}

bool ReadPacked(ByteReader* reader, size_t count, PackedInts* packed) {
  uint8_t width;
  if (!reader->Get(&width) || width > 64) return false;
  std::string_view words;
  if (!reader->GetBytes(simd::PackedWords(count, width) * 8, &words)) return false;
  packed->width = width;
  packed->count = count;
  packed->words = words.data();
  return true;
}

bool AllBelow(const PackedInts& packed, uint64_t limit) {
  // No value of the width reaches the limit (a dictionary of exactly 2^width entries, or more).
  if (packed.width < 64 && limit > (uint64_t{1} << packed.width) - 1) return true;
  if (limit == 0) return packed.count == 0;
  // Runs on every read of a dictionary chunk: unpacked as narrow as the width allows, compared by simd.
  constexpr size_t kBatch = 2048;
  uint32_t above[kBatch];
  for (size_t first = 0; first < packed.count; first += kBatch) {
    const size_t count = std::min(kBatch, packed.count - first);
    size_t found = 0;
    if (packed.width <= 32) {
      uint32_t batch[kBatch];
      simd::BitUnpack32(packed.words, first, count, packed.width, batch);
      found = simd::CompareSelect(batch, count, simd::Comparison::kGreaterEqual, static_cast<uint32_t>(limit), above);
    } else {
      uint64_t batch[kBatch];
      packed.Unpack(first, count, batch);
      found = simd::CompareSelect(batch, count, simd::Comparison::kGreaterEqual, limit, above);
    }
    if (found > 0) return false;
  }
  return true;
}

size_t ForSize(int64_t min, int64_t max, size_t count) {
  return 8 + PackedSize(static_cast<uint64_t>(max) - static_cast<uint64_t>(min), count);
}

void WriteFor(const int64_t* values, size_t count, ByteWriter* writer) {
  const int64_t reference = count == 0 ? 0 : *std::min_element(values, values + count);
  std::vector<uint64_t> offsets(count);
  for (size_t index = 0; index < count; ++index) {
    offsets[index] = static_cast<uint64_t>(values[index]) - static_cast<uint64_t>(reference);
  }
  writer->Put<int64_t>(reference);
  WritePacked(offsets.data(), count, writer);
}

bool ReadFor(ByteReader* reader, size_t count, ForInts* ints) {
  return reader->Get(&ints->reference) && ReadPacked(reader, count, &ints->offsets);
}

}  // namespace tessera::storage
