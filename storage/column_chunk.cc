// SPDX-License-Identifier: Apache-2.0
// ColumnChunk: the header, NULL bitmap, statistics and checksum around an encoded body.
#include "storage/column_chunk.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>
#include <optional>

#include "base/check.h"
#include "simd/crc32c.h"
#include "storage/encoding/byte_io.h"
#include "storage/encoding/physical_value.h"

namespace tessera::storage {
namespace {

// Physical type ids are on disk (storage/FORMAT.md); PhysicalType must keep these numbers.
static_assert(static_cast<int>(PhysicalType::kInvalid) == 0 && static_cast<int>(PhysicalType::kBool) == 1 &&
              static_cast<int>(PhysicalType::kInt16) == 2 && static_cast<int>(PhysicalType::kInt32) == 3 &&
              static_cast<int>(PhysicalType::kInt64) == 4 && static_cast<int>(PhysicalType::kFloat32) == 5 &&
              static_cast<int>(PhysicalType::kFloat64) == 6 && static_cast<int>(PhysicalType::kDecimal) == 7 &&
              static_cast<int>(PhysicalType::kString) == 8 && static_cast<int>(PhysicalType::kInterval) == 9 &&
              static_cast<int>(PhysicalType::kUuid) == 10);

constexpr size_t kHeaderSize = 24;
constexpr size_t kCrcSize = 4;

enum ChunkFlag : uint8_t {
  kHasNulls = 1,          // a NULL bitmap opens the body
  kHasValue = 2,          // some row is not NULL; min and max are present
  kDecimalAsInteger = 4,  // numeric values in an IntegerBody, after an i32 scale
  kKnownFlags = 7,
};

int IntegerPlainWidth(PhysicalType type) {
  return type == PhysicalType::kDecimal ? 8 : static_cast<int>(PhysicalWidth(type));
}

size_t BitmapWords(size_t num_rows) { return (num_rows + 63) / 64; }

Status Corrupt(std::string message) { return Status(SqlState::kDataCorrupted, std::move(message)); }

bool IsIntegerEncoding(ChunkEncoding encoding) {
  return encoding != ChunkEncoding::kPlain && encoding != ChunkEncoding::kDictionary &&
         encoding != ChunkEncoding::kDecimalFloat;
}

ChunkEncoding ChooseEncoding(const ChunkValues& values, PhysicalType type) {
  switch (values.domain) {
    case ValueDomain::kInteger:
      return IntegerBody::Choose(values.integers.data(), values.integers.size(), IntegerPlainWidth(type));
    case ValueDomain::kFixed:
      return FixedBody::Choose(values.fixed, FixedWidth(type));
    case ValueDomain::kString:
      return StringBody::Choose(values.strings);
    case ValueDomain::kNone:
      break;
  }
  return ChunkEncoding::kPlain;
}

std::string Serialize(const Vector& vector, const ChunkValues& values, ChunkEncoding encoding) {
  const PhysicalType type = vector.physical_type();
  const ChunkStats& stats = values.stats;
  ByteWriter body;
  if (stats.null_count > 0) {
    std::vector<uint64_t> nulls(BitmapWords(vector.size()));
    for (idx_t row = 0; row < vector.size(); ++row) nulls[row / 64] |= uint64_t{vector.IsNull(row)} << (row % 64);
    body.PutBytes(nulls.data(), nulls.size() * 8);
  }
  const bool decimal_as_integer = type == PhysicalType::kDecimal && values.domain == ValueDomain::kInteger;
  if (decimal_as_integer) body.Put<int32_t>(values.decimal_scale);
  switch (values.domain) {
    case ValueDomain::kInteger:
      IntegerBody::Write(encoding, values.integers.data(), values.integers.size(), IntegerPlainWidth(type), &body);
      break;
    case ValueDomain::kFixed:
      FixedBody::Write(encoding, values.fixed, FixedWidth(type), FixedLessFor(type), &body);
      break;
    case ValueDomain::kString:
      StringBody::Write(encoding, values.strings, &body);
      break;
    case ValueDomain::kNone:
      break;
  }
  const std::string min = stats.has_value ? StatsBytes(type, stats.min) : std::string();
  const std::string max = stats.has_value ? StatsBytes(type, stats.max) : std::string();
  const uint8_t flags = (stats.null_count > 0 ? kHasNulls : 0) | (stats.has_value ? kHasValue : 0) |
                        (decimal_as_integer ? kDecimalAsInteger : 0);
  ByteWriter chunk;
  chunk.Put<uint8_t>(kChunkFormatVersion);
  chunk.Put<uint8_t>(static_cast<uint8_t>(encoding));
  chunk.Put<uint8_t>(static_cast<uint8_t>(type));
  chunk.Put<uint8_t>(flags);
  chunk.Put<uint32_t>(stats.num_rows);
  chunk.Put<uint32_t>(stats.null_count);
  chunk.Put<uint32_t>(static_cast<uint32_t>(min.size()));
  chunk.Put<uint32_t>(static_cast<uint32_t>(max.size()));
  chunk.Put<uint32_t>(static_cast<uint32_t>(body.size()));
  chunk.PutBytes(min.data(), min.size());
  chunk.PutBytes(max.data(), max.size());
  chunk.PutBytes(body.bytes().data(), body.size());
  chunk.Put<uint32_t>(simd::Crc32c(chunk.bytes().data(), chunk.size()));
  return std::move(chunk.bytes());
}

// SQL order of float64 as FixedLessFor(kFloat64) has it (NaN last; equal values by their bytes).
bool Float64Less(double left, double right) {
  if (left < right) return true;
  if (left > right) return false;
  const int order = CompareFloatSql(left, right);
  return order != 0 ? order < 0 : std::memcmp(&left, &right, sizeof(double)) < 0;
}

// Writes the chunk header at `chunk`.
void PutHeader(char* chunk, PhysicalType type, uint8_t flags, uint32_t num_rows, uint32_t null_count,
               uint32_t stats_size, uint32_t body_size) {
  ByteWriter header;
  header.Put<uint8_t>(kChunkFormatVersion);
  header.Put<uint8_t>(static_cast<uint8_t>(ChunkEncoding::kPlain));
  header.Put<uint8_t>(static_cast<uint8_t>(type));
  header.Put<uint8_t>(flags);
  for (uint32_t field : {num_rows, null_count, stats_size, stats_size, body_size}) header.Put<uint32_t>(field);
  std::memcpy(chunk, header.bytes().data(), kHeaderSize);
}

// AppendPlainColumnChunk for a vector of T (an integer type or double): the same bytes GatherChunkValues
// and Serialize give, NULL rows holding the previous value and statistics of 8 bytes.
template <typename T>
void AppendPlainFixed(const Vector& vector, const sel_t* selection, idx_t count, std::string* out) {
  const T* data = vector.Data<T>();
  uint32_t null_count = 0;
  if (vector.MayHaveNulls()) {
    for (idx_t index = 0; index < count; ++index) null_count += vector.IsNull(selection[index]);
  }
  const bool has_value = null_count < count;
  const uint32_t stats_size = has_value ? 8 : 0;
  const size_t bitmap_size = null_count > 0 ? BitmapWords(count) * 8 : 0;
  const size_t body_size = bitmap_size + count * sizeof(T);
  const size_t start = out->size();
  out->resize(start + kHeaderSize + 2 * stats_size + body_size + kCrcSize);
  char* chunk = out->data() + start;
  char* body = chunk + kHeaderSize + 2 * stats_size;
  if (null_count > 0) {
    std::vector<uint64_t> nulls(BitmapWords(count));
    for (idx_t index = 0; index < count; ++index) {
      nulls[index / 64] |= uint64_t{vector.IsNull(selection[index])} << (index % 64);
    }
    std::memcpy(body, nulls.data(), bitmap_size);
  }
  idx_t first_valid = 0;
  while (first_valid < count && null_count > 0 && vector.IsNull(selection[first_valid])) ++first_valid;
  T previous = first_valid < count ? data[selection[first_valid]] : T{};
  T min = previous;
  T max = previous;
  char* values = body + bitmap_size;
  for (idx_t index = 0; index < count; ++index) {
    const idx_t row = selection[index];
    if (null_count == 0 || !vector.IsNull(row)) {
      previous = data[row];
      if constexpr (std::is_floating_point_v<T>) {
        if (Float64Less(previous, min)) min = previous;
        if (Float64Less(max, previous)) max = previous;
      } else {
        min = std::min(min, previous);
        max = std::max(max, previous);
      }
    }
    std::memcpy(values + index * sizeof(T), &previous, sizeof(T));
  }
  const uint8_t flags = (null_count > 0 ? kHasNulls : 0) | (has_value ? kHasValue : 0);
  PutHeader(chunk, vector.physical_type(), flags, static_cast<uint32_t>(count), null_count, stats_size,
            static_cast<uint32_t>(body_size));
  if (has_value) {
    // Integer statistics are int64 whatever the width; float64 ones the double.
    using Stat = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
    const Stat low = min;
    const Stat high = max;
    std::memcpy(chunk + kHeaderSize, &low, 8);
    std::memcpy(chunk + kHeaderSize + 8, &high, 8);
  }
  const uint32_t crc = simd::Crc32c(chunk, kHeaderSize + 2 * stats_size + body_size);
  std::memcpy(chunk + kHeaderSize + 2 * stats_size + body_size, &crc, kCrcSize);
}

// The fixed header fields, as read.
struct ChunkHeader {
  uint8_t version, encoding, physical_type, flags;
  uint32_t num_rows, null_count, min_size, max_size, body_size;
};

bool ReadHeader(ByteReader* reader, ChunkHeader* header) {
  return reader->Get(&header->version) && reader->Get(&header->encoding) && reader->Get(&header->physical_type) &&
         reader->Get(&header->flags) && reader->Get(&header->num_rows) && reader->Get(&header->null_count) &&
         reader->Get(&header->min_size) && reader->Get(&header->max_size) && reader->Get(&header->body_size);
}

// Checks the header fields against each other and the chunk's size.
std::optional<std::string> HeaderProblem(const ChunkHeader& header, size_t chunk_size) {
  if (header.version != kChunkFormatVersion) return "unknown chunk format version " + std::to_string(header.version);
  if (header.encoding > kMaxChunkEncoding) return "unknown chunk encoding " + std::to_string(header.encoding);
  if (header.physical_type > static_cast<uint8_t>(PhysicalType::kUuid)) return "unknown chunk value type";
  if ((header.flags & ~kKnownFlags) != 0) return "unknown chunk flags";
  if (header.num_rows > kMaxChunkRows || header.null_count > header.num_rows) return "impossible chunk row counts";
  if (((header.flags & kHasNulls) != 0) != (header.null_count > 0) ||
      ((header.flags & kHasValue) != 0) != (header.null_count < header.num_rows)) {
    return "chunk flags contradict its row counts";
  }
  const uint64_t expected = uint64_t{kHeaderSize} + header.min_size + header.max_size + header.body_size + kCrcSize;
  if (expected != chunk_size) return "chunk sizes do not add up to its length";
  return std::nullopt;
}

}  // namespace

std::string_view ChunkEncodingName(ChunkEncoding encoding) {
  switch (encoding) {
    case ChunkEncoding::kPlain: return "plain";
    case ChunkEncoding::kBitPacked: return "bit-packed";
    case ChunkEncoding::kFrameOfReference: return "frame-of-reference";
    case ChunkEncoding::kRunLength: return "run-length";
    case ChunkEncoding::kDelta: return "delta";
    case ChunkEncoding::kDictionary: return "dictionary";
    case ChunkEncoding::kDecimalFloat: return "decimal-float";
  }
  return "unknown";
}

void AppendPlainColumnChunk(const Vector& vector, const sel_t* selection, idx_t count, std::string* out) {
  TESSERA_CHECK(count <= kMaxChunkRows);
  switch (vector.physical_type()) {
    case PhysicalType::kInt16: return AppendPlainFixed<int16_t>(vector, selection, count, out);
    case PhysicalType::kInt32: return AppendPlainFixed<int32_t>(vector, selection, count, out);
    case PhysicalType::kInt64: return AppendPlainFixed<int64_t>(vector, selection, count, out);
    case PhysicalType::kFloat64: return AppendPlainFixed<double>(vector, selection, count, out);
    default: out->append(EncodeColumnChunk(vector.Gather(selection, count), ChunkEncoding::kPlain));
  }
}

bool EncodingApplies(const Vector& vector, ChunkEncoding encoding) {
  if (encoding == ChunkEncoding::kPlain) return true;
  if (vector.size() == 0) return false;
  const ChunkValues values = GatherChunkValues(vector);
  if (values.domain == ValueDomain::kNone) return false;
  if (encoding == ChunkEncoding::kDictionary) return true;
  if (encoding == ChunkEncoding::kDecimalFloat) {
    return vector.physical_type() == PhysicalType::kFloat64 && FixedBody::DecimalScale(values.fixed).has_value();
  }
  if (values.domain != ValueDomain::kInteger) return false;
  if (encoding != ChunkEncoding::kBitPacked) return true;
  for (int64_t value : values.integers) {
    if (value < 0) return false;
  }
  return true;
}

std::string EncodeColumnChunk(const Vector& vector) {
  TESSERA_CHECK(vector.size() <= kMaxChunkRows);
  const ChunkValues values = GatherChunkValues(vector);
  return Serialize(vector, values, ChooseEncoding(values, vector.physical_type()));
}

std::string EncodeColumnChunk(const Vector& vector, ChunkEncoding encoding) {
  TESSERA_CHECK(vector.size() <= kMaxChunkRows);
  TESSERA_CHECK(EncodingApplies(vector, encoding));
  return Serialize(vector, GatherChunkValues(vector), encoding);
}

Status ColumnChunk::Open(std::string_view bytes, ColumnChunk* chunk, bool verify_checksum) {
  if (bytes.size() < kHeaderSize + kCrcSize) return Corrupt("column chunk is truncated");
  uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + bytes.size() - kCrcSize, kCrcSize);
  if (verify_checksum && simd::Crc32c(bytes.data(), bytes.size() - kCrcSize) != stored_crc) {
    return Corrupt("column chunk checksum mismatch");
  }
  ByteReader reader(bytes.substr(0, bytes.size() - kCrcSize));
  ChunkHeader header;
  ReadHeader(&reader, &header);
  if (auto problem = HeaderProblem(header, bytes.size())) return Corrupt("invalid column chunk: " + *problem);

  *chunk = ColumnChunk();
  chunk->physical_type_ = static_cast<PhysicalType>(header.physical_type);
  chunk->encoding_ = static_cast<ChunkEncoding>(header.encoding);
  chunk->stats_.num_rows = header.num_rows;
  chunk->stats_.null_count = header.null_count;
  chunk->stats_.has_value = (header.flags & kHasValue) != 0;
  std::string_view min, max, body;
  reader.GetBytes(header.min_size, &min);
  reader.GetBytes(header.max_size, &max);
  reader.GetBytes(header.body_size, &body);
  if (chunk->stats_.has_value) {
    if (!StatsValue(chunk->physical_type_, min, &chunk->stats_.min) ||
        !StatsValue(chunk->physical_type_, max, &chunk->stats_.max)) {
      return Corrupt("invalid column chunk: statistics of the wrong size");
    }
  } else if (!min.empty() || !max.empty()) {
    return Corrupt("invalid column chunk: statistics without values");
  }
  return chunk->ReadBody(body, (header.flags & kDecimalAsInteger) != 0, verify_checksum);
}

Status ColumnChunk::ReadBody(std::string_view body, bool decimal_as_integer, bool check_codes) {
  ByteReader reader(body);
  const size_t num_rows = stats_.num_rows;
  if (stats_.null_count > 0) {
    std::string_view bitmap;
    if (!reader.GetBytes(BitmapWords(num_rows) * 8, &bitmap)) return Corrupt("invalid column chunk: short NULL bitmap");
    nulls_.resize(BitmapWords(num_rows));
    std::memcpy(nulls_.data(), bitmap.data(), bitmap.size());
    size_t nulls = 0;
    for (uint64_t word : nulls_) nulls += std::popcount(word);
    const bool tail_clear = num_rows % 64 == 0 || (nulls_.back() >> (num_rows % 64)) == 0;
    if (nulls != stats_.null_count || !tail_clear) return Corrupt("invalid column chunk: NULL bitmap disagrees with its count");
  }
  if (decimal_as_integer && physical_type_ != PhysicalType::kDecimal) {
    return Corrupt("invalid column chunk: integer numeric flag on a non-numeric chunk");
  }
  if (decimal_as_integer && !reader.Get(&decimal_scale_)) return Corrupt("invalid column chunk: missing numeric scale");

  bool ok = false;
  if (physical_type_ == PhysicalType::kInvalid) {
    domain_ = ValueDomain::kNone;
    ok = encoding_ == ChunkEncoding::kPlain && !stats_.has_value;
  } else if (physical_type_ == PhysicalType::kString) {
    domain_ = ValueDomain::kString;
    ok = body_.emplace<StringBody>().Read(encoding_, num_rows, &reader, check_codes);
  } else if (FixedWidth(physical_type_) != 0 && !decimal_as_integer) {
    domain_ = ValueDomain::kFixed;
    ok = !IsIntegerEncoding(encoding_) &&
         body_.emplace<FixedBody>().Read(encoding_, num_rows, FixedWidth(physical_type_), &reader, check_codes);
  } else {
    domain_ = ValueDomain::kInteger;
    ok = body_.emplace<IntegerBody>().Read(encoding_, num_rows, IntegerPlainWidth(physical_type_), &reader,
                                          check_codes);
  }
  if (!ok || !reader.AtEnd()) {
    return Corrupt("invalid column chunk: malformed " + std::string(ChunkEncodingName(encoding_)) + " body");
  }
  return Status::Ok();
}

const PackedInts* ColumnChunk::dictionary_codes() const {
  if (encoding_ != ChunkEncoding::kDictionary) return nullptr;
  if (const auto* body = strings()) return &body->codes();
  if (const auto* body = fixed()) return &body->codes();
  return &integers()->codes();
}

size_t ColumnChunk::dictionary_size() const {
  if (encoding_ != ChunkEncoding::kDictionary) return 0;
  if (const auto* body = strings()) return body->dictionary_size();
  if (const auto* body = fixed()) return body->dictionary_size();
  return integers()->dictionary_size();
}

void ColumnChunk::DecodeRange(idx_t first, idx_t count, Vector* out) const {
  TESSERA_CHECK(out->physical_type() == physical_type_);
  TESSERA_CHECK(first <= num_rows() && count <= num_rows() - first);
  *out = Vector(out->type(), count);
  if (const auto* integers = std::get_if<IntegerBody>(&body_)) {
    std::vector<int64_t> values(count);
    integers->Decode(first, count, values.data());
    ScatterIntegers(values.data(), count, decimal_scale_, out);
  } else if (const auto* fixed = std::get_if<FixedBody>(&body_)) {
    if (physical_type_ == PhysicalType::kFloat32 || physical_type_ == PhysicalType::kFloat64) {
      fixed->Decode(first, count, out->Data<char>());  // the stored bytes are the vector's
    } else {
      std::string bytes(count * FixedWidth(physical_type_), '\0');
      fixed->Decode(first, count, bytes.data());
      ScatterFixed(bytes.data(), count, out);
    }
  } else if (const auto* strings = std::get_if<StringBody>(&body_)) {
    std::vector<std::string_view> values(count);
    strings->Decode(first, count, values.data());
    ScatterStrings(values.data(), count, out);
  }
  if (!nulls_.empty()) out->SetNulls(nulls_.data(), first, count);
}

bool ColumnChunk::StringsInPlace() const {
  const StringBody* body = strings();
  return body != nullptr && !body->compressed();
}

void ColumnChunk::AppendStringViews(idx_t first, idx_t span, const sel_t* rows, idx_t count, Vector* out) const {
  TESSERA_CHECK(StringsInPlace() && out->physical_type() == PhysicalType::kString);
  TESSERA_CHECK(first <= num_rows() && span <= num_rows() - first && (count == 0 || rows[count - 1] < span));
  const idx_t start = out->size();
  out->Resize(start + count);
  std::string_view* target = out->Data<std::string_view>() + start;
  if (count == span) {  // every row of the span: decoded straight into `out`
    strings()->Decode(first, span, target);
  } else {
    std::vector<std::string_view> views(span);
    strings()->Decode(first, span, views.data());
    for (idx_t index = 0; index < count; ++index) target[index] = views[rows[index]];
  }
  if (nulls_.empty()) return;
  for (idx_t index = 0; index < count; ++index) {
    const idx_t row = first + rows[index];
    if ((nulls_[row / 64] >> (row % 64)) & 1) out->SetNull(start + index, true);
  }
}

}  // namespace tessera::storage
