// SPDX-License-Identifier: Apache-2.0
// FixedBody: plain and dictionary bodies of fixed-width values.
#include "storage/encoding/fixed_body.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "base/check.h"
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

constexpr double kPowersOfTen[FixedBody::kMaxDecimalScale + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
constexpr double kMaxDecimal = 2251799813685248.0;  // 2^51

double DoubleAt(std::string_view values, size_t row) {
  double value;
  std::memcpy(&value, values.data() + row * sizeof(double), sizeof(double));
  return value;
}

// The integer that `value` times 10^scale is when dividing it by 10^scale gives back `value`'s bits.
std::optional<int64_t> ScaledDecimal(double value, int scale) {
  const double scaled = value * kPowersOfTen[scale];
  if (!(std::fabs(scaled) < kMaxDecimal)) return std::nullopt;  // NaN too
  const auto integer = static_cast<int64_t>(std::nearbyint(scaled));
  const double back = static_cast<double>(integer) / kPowersOfTen[scale];
  if (std::memcmp(&back, &value, sizeof(double)) != 0) return std::nullopt;
  return integer;
}

struct DecimalIntegers {
  int scale = 0;
  std::vector<int64_t> integers;
};

// The float8 `values` as integers at the least scale that holds them all (FixedBody::DecimalScale), in
// one pass: a value exact at scale s is exact at every larger scale (its integer stays below 2^51, where
// rounding the product cannot miss it), so when a value needs a larger scale the integers so far are
// multiplied up, exactly.
std::optional<DecimalIntegers> ToDecimalIntegers(std::string_view values) {
  DecimalIntegers decimals;
  const size_t count = values.size() / sizeof(double);
  decimals.integers.reserve(count);
  for (size_t row = 0; row < count; ++row) {
    const double value = DoubleAt(values, row);
    std::optional<int64_t> integer = ScaledDecimal(value, decimals.scale);
    if (!integer) {
      int scale = decimals.scale;
      while (!integer) {
        if (++scale > FixedBody::kMaxDecimalScale) return std::nullopt;
        integer = ScaledDecimal(value, scale);
      }
      const auto factor = static_cast<int64_t>(kPowersOfTen[scale - decimals.scale]);
      for (int64_t& earlier : decimals.integers) {
        if (!(std::fabs(static_cast<double>(earlier)) * static_cast<double>(factor) < kMaxDecimal)) return std::nullopt;
        earlier *= factor;
      }
      decimals.scale = scale;
    }
    decimals.integers.push_back(*integer);
  }
  return decimals;
}

}  // namespace

std::optional<int> FixedBody::DecimalScale(std::string_view values) {
  const std::optional<DecimalIntegers> decimals = ToDecimalIntegers(values);
  if (!decimals) return std::nullopt;
  return decimals->scale;
}

ChunkEncoding FixedBody::Choose(std::string_view values, size_t width) {
  const size_t count = values.size() / width;
  if (count == 0) return ChunkEncoding::kPlain;
  ChunkEncoding best = ChunkEncoding::kPlain;
  size_t best_size = values.size();
  // Decimal floats decode with arithmetic, not a gather from a dictionary: preferred on equal sizes.
  if (width == sizeof(double)) {
    if (const std::optional<DecimalIntegers> decimals = ToDecimalIntegers(values)) {
      const auto [min, max] = std::minmax_element(decimals->integers.begin(), decimals->integers.end());
      const size_t decimal_size = 1 + ForSize(*min, *max, count);
      if (decimal_size <= best_size) {
        best = ChunkEncoding::kDecimalFloat;
        best_size = decimal_size;
      }
    }
  }
  // A dictionary larger than half the rows cannot beat plain by much; stop counting there.
  const size_t distinct = DistinctValues(values, width, count / 2).size();
  if (distinct > count / 2) return best;
  const size_t dictionary_size = 4 + distinct * width + PackedSize(distinct - 1, count);
  return dictionary_size < best_size ? ChunkEncoding::kDictionary : best;
}

void FixedBody::Write(ChunkEncoding encoding, std::string_view values, size_t width, FixedLess less,
                      ByteWriter* writer) {
  if (encoding == ChunkEncoding::kPlain) return writer->PutBytes(values.data(), values.size());
  const size_t count = values.size() / width;
  if (encoding == ChunkEncoding::kDecimalFloat) {
    TESSERA_CHECK(width == sizeof(double));
    const std::optional<DecimalIntegers> decimals = ToDecimalIntegers(values);
    TESSERA_CHECK(decimals.has_value());
    writer->Put<uint8_t>(static_cast<uint8_t>(decimals->scale));
    return WriteFor(decimals->integers.data(), count, writer);
  }
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
  if (encoding == ChunkEncoding::kDecimalFloat) {
    // Every integer must be exact as a double (simd::BitUnpackDecimal's requirement).
    constexpr int64_t kLimit = int64_t{1} << 52;
    uint8_t scale;
    if (width != sizeof(double) || !reader->Get(&scale) || scale > kMaxDecimalScale ||
        !ReadFor(reader, count, &decimals_)) {
      return false;
    }
    decimal_scale_ = scale;
    return decimals_.offsets.width <= 52 && decimals_.reference >= -kLimit && decimals_.reference <= kLimit;
  }
  if (encoding != ChunkEncoding::kDictionary) return false;
  uint32_t entries;
  if (!reader->Get(&entries) || entries > count || (entries == 0) != (count == 0)) return false;
  dictionary_size_ = entries;
  if (!reader->GetBytes(uint64_t{entries} * width, &bytes)) return false;
  values_ = bytes.data();
  return ReadPacked(reader, count, &codes_) && codes_.width <= 32 && (!check_codes || AllBelow(codes_, entries));
}

double FixedBody::decimal_divisor() const { return kPowersOfTen[decimal_scale_]; }

void FixedBody::Prefetch(size_t first, size_t count) const {
  if (encoding_ == ChunkEncoding::kDecimalFloat) return decimals_.offsets.Prefetch(first, count);
  if (encoding_ == ChunkEncoding::kDictionary) return codes_.Prefetch(first, count);
  PrefetchRows(values_, width_, count_, first, count);
}

void FixedBody::Decode(size_t first, size_t count, char* out) const {
  if (encoding_ == ChunkEncoding::kPlain) {
    std::memcpy(out, values_ + first * width_, count * width_);
    return;
  }
  if (encoding_ == ChunkEncoding::kDecimalFloat) {
    std::vector<double> aligned;
    double* doubles = reinterpret_cast<double*>(out);
    if (reinterpret_cast<uintptr_t>(out) % alignof(double) != 0) {
      aligned.resize(count);
      doubles = aligned.data();
    }
    simd::BitUnpackDecimal(decimals_.offsets.words, first, count, decimals_.offsets.width, decimals_.reference,
                           kPowersOfTen[decimal_scale_], doubles);
    if (!aligned.empty()) std::memcpy(out, aligned.data(), count * sizeof(double));
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
