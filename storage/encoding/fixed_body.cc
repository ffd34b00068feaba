// SPDX-License-Identifier: Apache-2.0
// FixedBody: plain and dictionary bodies of fixed-width values.
#include "storage/encoding/fixed_body.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "simd/bitunpack/bitunpack.h"

namespace tessera::storage {
namespace {

// Returns the distinct values, each once, in order of first appearance; stops past `cap`.
std::vector<std::string_view> DistinctValues(std::string_view values, size_t width, size_t cap) {
  std::unordered_map<std::string_view, bool> seen;
  std::vector<std::string_view> distinct;
  for (size_t offset = 0; offset < values.size(); offset += width) {
    std::string_view value = values.substr(offset, width);
    if (seen.emplace(value, true).second) {
      distinct.push_back(value);
      if (distinct.size() > cap) break;
    }
  }
  return distinct;
}

// Copies entry codes[row] of `kWidth` bytes to row `row` of `out`, for each of `count` rows.
template <size_t kWidth>
void GatherEntries(const char* entries, const uint32_t* codes, size_t count, char* out) {
  for (size_t row = 0; row < count; ++row) std::memcpy(out + row * kWidth, entries + size_t{codes[row]} * kWidth, kWidth);
}

}  // namespace

ChunkEncoding FixedBody::Choose(std::string_view values, size_t width) {
  const size_t count = values.size() / width;
  if (count == 0) return ChunkEncoding::kPlain;
  const size_t plain_size = values.size();
  // A dictionary larger than half the rows cannot beat plain by much; stop counting there.
  const size_t distinct = DistinctValues(values, width, count / 2).size();
  if (distinct > count / 2) return ChunkEncoding::kPlain;
  const size_t dictionary_size = 4 + distinct * width + PackedSize(distinct - 1, count);
  return dictionary_size < plain_size ? ChunkEncoding::kDictionary : ChunkEncoding::kPlain;
}

void FixedBody::Write(ChunkEncoding encoding, std::string_view values, size_t width, FixedLess less,
                      ByteWriter* writer) {
  if (encoding == ChunkEncoding::kPlain) return writer->PutBytes(values.data(), values.size());
  const size_t count = values.size() / width;
  std::vector<std::string_view> distinct = DistinctValues(values, width, count);
  std::sort(distinct.begin(), distinct.end(),
            [less](std::string_view left, std::string_view right) { return less(left.data(), right.data()); });
  std::unordered_map<std::string_view, uint64_t> code_of;
  for (size_t code = 0; code < distinct.size(); ++code) code_of.emplace(distinct[code], code);
  std::vector<uint64_t> codes(count);
  for (size_t row = 0; row < count; ++row) codes[row] = code_of[values.substr(row * width, width)];
  writer->Put<uint32_t>(static_cast<uint32_t>(distinct.size()));
  for (std::string_view value : distinct) writer->PutBytes(value.data(), width);
  WritePacked(codes.data(), count, writer);
}

bool FixedBody::Read(ChunkEncoding encoding, size_t count, size_t width, ByteReader* reader, bool check_codes) {
  encoding_ = encoding;
  width_ = width;
  count_ = count;
  std::string_view bytes;
  if (encoding == ChunkEncoding::kPlain) {
    if (!reader->GetBytes(count * width, &bytes)) return false;
    values_ = bytes.data();
    return true;
  }
  if (encoding != ChunkEncoding::kDictionary) return false;
  uint32_t entries;
  if (!reader->Get(&entries) || entries > count || (entries == 0) != (count == 0)) return false;
  dictionary_size_ = entries;
  if (!reader->GetBytes(uint64_t{entries} * width, &bytes)) return false;
  values_ = bytes.data();
  return ReadPacked(reader, count, &codes_) && codes_.width <= 32 && (!check_codes || AllBelow(codes_, entries));
}

void FixedBody::Prefetch(size_t first, size_t count) const {
  if (encoding_ != ChunkEncoding::kPlain) return codes_.Prefetch(first, count);
  if (first < count_) PrefetchBytes(values_ + first * width_, (std::min(count_, first + count) - first) * width_);
}

void FixedBody::Decode(size_t first, size_t count, char* out) const {
  if (encoding_ == ChunkEncoding::kPlain) {
    std::memcpy(out, values_ + first * width_, count * width_);
    return;
  }
  // Codes a block at a time, and a copy of a constant size per row for the common widths (float4/8,
  // interval): a load and a store, not a call.
  constexpr size_t kBlock = 1024;
  uint32_t codes[kBlock];
  for (size_t done = 0; done < count;) {
    const size_t block = std::min(kBlock, count - done);
    simd::BitUnpack32(codes_.words, first + done, block, codes_.width, codes);
    char* block_out = out + done * width_;
    switch (width_) {
      case 4: GatherEntries<4>(values_, codes, block, block_out); break;
      case 8: GatherEntries<8>(values_, codes, block, block_out); break;
      case 16: GatherEntries<16>(values_, codes, block, block_out); break;
      default:
        for (size_t row = 0; row < block; ++row) {
          std::memcpy(block_out + row * width_, values_ + size_t{codes[row]} * width_, width_);
        }
        break;
    }
    done += block;
  }
}

}  // namespace tessera::storage
