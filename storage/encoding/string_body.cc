// SPDX-License-Identifier: Apache-2.0
// StringBody: plain and dictionary string bodies, with LZ4 over large byte sections.
#include "storage/encoding/string_body.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "storage/encoding/lz4_block.h"

namespace tessera::storage {
namespace {

// Byte sections below this size are stored raw: LZ4 gains little there and costs a copy on read.
constexpr size_t kLz4MinBytes = 4096;
// The largest byte section a reader accepts (a corrupt size must not allocate absurd memory).
constexpr uint32_t kMaxByteSection = 1u << 30;
// LZ4 expands at most 255 times (plus a little); larger claimed sizes are corrupt.
constexpr uint64_t kMaxLz4Ratio = 256;

enum class ByteCompression : uint8_t { kNone = 0, kLz4 = 1 };

// Offsets are unpacked this many at a time (on the stack).
constexpr size_t kUnpackWindow = 2048;

// Writes end offsets and the concatenated bytes of `strings`.
void WriteStrings(const std::vector<std::string_view>& strings, ByteWriter* writer) {
  std::string raw;
  std::vector<uint64_t> ends(strings.size());
  for (size_t index = 0; index < strings.size(); ++index) {
    raw.append(strings[index]);
    ends[index] = raw.size();
  }
  WritePacked(ends.data(), ends.size(), writer);
  std::string compressed = raw.size() >= kLz4MinBytes ? Lz4Compress(raw) : std::string();
  const bool use_lz4 = !compressed.empty() && compressed.size() < raw.size();
  const std::string& stored = use_lz4 ? compressed : raw;
  writer->Put<uint8_t>(static_cast<uint8_t>(use_lz4 ? ByteCompression::kLz4 : ByteCompression::kNone));
  writer->Put<uint32_t>(static_cast<uint32_t>(raw.size()));
  writer->Put<uint32_t>(static_cast<uint32_t>(stored.size()));
  writer->PutBytes(stored.data(), stored.size());
}

size_t TotalSize(const std::vector<std::string_view>& strings) {
  size_t total = 0;
  for (std::string_view text : strings) total += text.size();
  return total;
}

size_t StringsSize(size_t count, size_t total_bytes) { return PackedSize(total_bytes, count) + 9 + total_bytes; }

}  // namespace

ChunkEncoding StringBody::Choose(const std::vector<std::string_view>& values) {
  const size_t count = values.size();
  if (count == 0) return ChunkEncoding::kPlain;
  // A dictionary with more entries than half the rows rarely wins; counting stops there.
  std::unordered_set<std::string_view> distinct;
  size_t distinct_bytes = 0;
  for (std::string_view value : values) {
    if (distinct.insert(value).second) {
      distinct_bytes += value.size();
      if (distinct.size() > count / 2) return ChunkEncoding::kPlain;
    }
  }
  const size_t plain_size = StringsSize(count, TotalSize(values));
  const size_t dictionary_size =
      4 + StringsSize(distinct.size(), distinct_bytes) + PackedSize(distinct.size() - 1, count);
  return dictionary_size < plain_size ? ChunkEncoding::kDictionary : ChunkEncoding::kPlain;
}

void StringBody::Write(ChunkEncoding encoding, const std::vector<std::string_view>& values, ByteWriter* writer) {
  if (encoding == ChunkEncoding::kPlain) return WriteStrings(values, writer);
  std::vector<std::string_view> entries = values;
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  std::unordered_map<std::string_view, uint64_t> code_of;
  for (size_t code = 0; code < entries.size(); ++code) code_of.emplace(entries[code], code);
  std::vector<uint64_t> codes(values.size());
  for (size_t row = 0; row < values.size(); ++row) codes[row] = code_of[values[row]];
  writer->Put<uint32_t>(static_cast<uint32_t>(entries.size()));
  WriteStrings(entries, writer);
  WritePacked(codes.data(), codes.size(), writer);
}

bool StringBody::Read(ChunkEncoding encoding, size_t count, ByteReader* reader, bool check_codes) {
  encoding_ = encoding;
  size_t num_strings = count;
  if (encoding == ChunkEncoding::kDictionary) {
    uint32_t entries;
    if (!reader->Get(&entries) || entries > count || (entries == 0) != (count == 0)) return false;
    num_strings = entries;
  } else if (encoding != ChunkEncoding::kPlain) {
    return false;
  }
  if (!ReadPacked(reader, num_strings, &offsets_) || !ReadByteSection(reader)) return false;
  // End offsets must not fall and must end at the section's end, so every string lies inside it:
  // checked, a window of offsets at a time, on the first read of a chunk's bytes (`check_codes`).
  if (!check_codes) {
    if ((num_strings == 0 ? 0 : offsets_.Get(num_strings - 1)) != bytes().size()) return false;
    return encoding == ChunkEncoding::kPlain || ReadPacked(reader, count, &codes_);
  }
  uint64_t previous_end = 0;
  uint64_t ends[kUnpackWindow];
  for (size_t first = 0; first < num_strings; first += kUnpackWindow) {
    const size_t window = std::min(kUnpackWindow, num_strings - first);
    offsets_.Unpack(first, window, ends);
    for (size_t index = 0; index < window; ++index) {
      if (ends[index] < previous_end) return false;
      previous_end = ends[index];
    }
  }
  if (previous_end != bytes().size()) return false;
  if (encoding == ChunkEncoding::kPlain) return true;
  return ReadPacked(reader, count, &codes_) && (!check_codes || AllBelow(codes_, num_strings));
}

bool StringBody::ReadByteSection(ByteReader* reader) {
  uint8_t compression;
  uint32_t raw_size;
  uint32_t stored_size;
  if (!reader->Get(&compression) || !reader->Get(&raw_size) || !reader->Get(&stored_size)) return false;
  if (raw_size > kMaxByteSection || !reader->GetBytes(stored_size, &stored_)) return false;
  if (compression == static_cast<uint8_t>(ByteCompression::kNone)) return raw_size == stored_size;
  if (compression != static_cast<uint8_t>(ByteCompression::kLz4)) return false;
  if (raw_size > uint64_t{stored_size} * kMaxLz4Ratio + 64) return false;
  compressed_ = true;
  return Lz4Decompress(stored_, raw_size, &decompressed_);
}

std::string_view StringBody::Entry(size_t index) const {
  const uint64_t begin = index == 0 ? 0 : offsets_.Get(index - 1);
  return bytes().substr(begin, offsets_.Get(index) - begin);
}

void StringBody::Decode(size_t first, size_t count, std::string_view* out) const {
  if (encoding_ == ChunkEncoding::kPlain) {
    // Row r's string runs from the end of row r - 1 to its own end: ends unpacked a window at a time.
    const std::string_view all = bytes();
    uint64_t ends[kUnpackWindow + 1];
    for (size_t done = 0; done < count; done += kUnpackWindow) {
      const size_t window = std::min(kUnpackWindow, count - done);
      const size_t row = first + done;
      ends[0] = 0;
      if (row == 0) {
        offsets_.Unpack(0, window, ends + 1);
      } else {
        offsets_.Unpack(row - 1, window + 1, ends);
      }
      for (size_t index = 0; index < window; ++index) {
        out[done + index] = std::string_view(all.data() + ends[index], ends[index + 1] - ends[index]);
      }
    }
    return;
  }
  std::vector<uint64_t> codes(count);
  codes_.Unpack(first, count, codes.data());
  for (size_t row = 0; row < count; ++row) out[row] = Entry(codes[row]);
}

}  // namespace tessera::storage
