// SPDX-License-Identifier: Apache-2.0
// Encoding and validation of segment file headers, footers and trailers (storage/FORMAT.md).
#include "storage/segment_format.h"

#include <cstring>

#include "simd/crc32c.h"
#include "storage/column_chunk.h"
#include "storage/encoding/byte_io.h"
#include "storage/encoding/physical_value.h"

namespace tessera::storage {
namespace {

// Type ids are on disk (storage/FORMAT.md): TypeId may only grow at its end.
static_assert(static_cast<int>(TypeId::kBool) == 1 && static_cast<int>(TypeId::kText) == 8 &&
              static_cast<int>(TypeId::kInterval) == 17 && static_cast<int>(TypeId::kOidArray) == 23);
constexpr uint8_t kMaxTypeId = static_cast<uint8_t>(kLastTypeId);

constexpr size_t kColumnTypeSize = 9;   // type id, typmod, OID flavour
constexpr size_t kMinChunkInfoSize = 25;  // offset, size, null count, has_value, min and max sizes

Status Corrupt(std::string message) { return Status(SqlState::kDataCorrupted, std::move(message)); }

Status CheckVersion(uint32_t version, const char* where) {
  if (version == kSegmentFormatVersion) return Status::Ok();
  return Status(SqlState::kFeatureNotSupported,
                "segment format version " + std::to_string(version) + " in " + where + " is not supported yet");
}

void PutChunkInfo(const SegmentChunkInfo& chunk, PhysicalType type, ByteWriter* out) {
  const std::string min = chunk.stats.has_value ? StatsBytes(type, chunk.stats.min) : std::string();
  const std::string max = chunk.stats.has_value ? StatsBytes(type, chunk.stats.max) : std::string();
  out->Put<uint64_t>(chunk.offset);
  out->Put<uint32_t>(chunk.size);
  out->Put<uint32_t>(chunk.stats.null_count);
  out->Put<uint8_t>(chunk.stats.has_value ? 1 : 0);
  out->Put<uint32_t>(static_cast<uint32_t>(min.size()));
  out->Put<uint32_t>(static_cast<uint32_t>(max.size()));
  out->PutBytes(min.data(), min.size());
  out->PutBytes(max.data(), max.size());
}

// Reads one chunk's entry; `num_rows` is its row group's.
std::optional<std::string> GetChunkInfo(ByteReader* in, PhysicalType type, uint32_t num_rows,
                                        SegmentChunkInfo* chunk) {
  uint8_t has_value;
  uint32_t min_size, max_size;
  std::string_view min, max;
  if (!in->Get(&chunk->offset) || !in->Get(&chunk->size) || !in->Get(&chunk->stats.null_count) ||
      !in->Get(&has_value) || !in->Get(&min_size) || !in->Get(&max_size) || !in->GetBytes(min_size, &min) ||
      !in->GetBytes(max_size, &max)) {
    return "footer is cut short";
  }
  chunk->stats.num_rows = num_rows;
  chunk->stats.has_value = has_value == 1;
  if (has_value > 1 || chunk->stats.null_count > num_rows ||
      chunk->stats.has_value != (chunk->stats.null_count < num_rows)) {
    return "impossible null count";
  }
  if (!chunk->stats.has_value) {
    if (!min.empty() || !max.empty()) return "statistics without values";
    return std::nullopt;
  }
  if (!StatsValue(type, min, &chunk->stats.min) || !StatsValue(type, max, &chunk->stats.max)) {
    return "statistics of the wrong size";
  }
  return std::nullopt;
}

std::optional<std::string> GetColumnTypes(ByteReader* in, uint32_t num_columns, SegmentFooter* footer) {
  if (num_columns > kMaxSegmentColumns || num_columns * kColumnTypeSize > in->remaining()) {
    return "impossible column count";
  }
  footer->column_types.resize(num_columns);
  for (LogicalType& type : footer->column_types) {
    uint8_t id = 0;
    in->Get(&id);
    in->Get(&type.typmod);
    in->Get(&type.oid_flavour);
    if (id > kMaxTypeId) return "unknown column type " + std::to_string(id);
    type.id = static_cast<TypeId>(id);
  }
  return std::nullopt;
}

}  // namespace

void EncodeSegmentHeader(char* out) {
  ByteWriter header;
  header.Put<uint32_t>(kSegmentMagic);
  header.Put<uint32_t>(kSegmentFormatVersion);
  header.Put<uint32_t>(0);  // flags
  header.Put<uint32_t>(simd::Crc32c(header.bytes().data(), header.size()));
  std::memcpy(out, header.bytes().data(), kSegmentHeaderSize);
}

Status DecodeSegmentHeader(const char* in) {
  ByteReader header(std::string_view(in, kSegmentHeaderSize));
  uint32_t magic, version, flags, crc;
  header.Get(&magic);
  header.Get(&version);
  header.Get(&flags);
  header.Get(&crc);
  if (magic != kSegmentMagic) return Corrupt("invalid magic number in segment header");
  if (crc != simd::Crc32c(in, kSegmentHeaderSize - 4)) return Corrupt("incorrect checksum in segment header");
  if (Status status = CheckVersion(version, "header"); !status.ok()) return status;
  if (flags != 0) return Corrupt("unknown flags in segment header");
  return Status::Ok();
}

void EncodeSegmentTrailer(const SegmentTrailer& trailer, char* out) {
  ByteWriter bytes;
  bytes.Put<uint64_t>(trailer.footer_offset);
  bytes.Put<uint64_t>(trailer.footer_size);
  bytes.Put<uint32_t>(trailer.footer_crc);
  bytes.Put<uint32_t>(kSegmentFormatVersion);
  bytes.Put<uint32_t>(simd::Crc32c(bytes.bytes().data(), bytes.size()));
  bytes.Put<uint32_t>(kSegmentMagic);
  std::memcpy(out, bytes.bytes().data(), kSegmentTrailerSize);
}

Status DecodeSegmentTrailer(const char* in, SegmentTrailer* trailer) {
  ByteReader bytes(std::string_view(in, kSegmentTrailerSize));
  uint32_t version, crc, magic;
  bytes.Get(&trailer->footer_offset);
  bytes.Get(&trailer->footer_size);
  bytes.Get(&trailer->footer_crc);
  bytes.Get(&version);
  bytes.Get(&crc);
  bytes.Get(&magic);
  if (magic != kSegmentMagic) return Corrupt("invalid magic number in segment trailer");
  if (crc != simd::Crc32c(in, kSegmentTrailerSize - 8)) return Corrupt("incorrect checksum in segment trailer");
  return CheckVersion(version, "trailer");
}

std::string EncodeSegmentFooter(const SegmentFooter& footer) {
  ByteWriter out;
  out.Put<uint32_t>(static_cast<uint32_t>(footer.column_types.size()));
  out.Put<uint64_t>(footer.num_rows);
  out.Put<uint32_t>(footer.row_group_size);
  out.Put<uint32_t>(static_cast<uint32_t>(footer.row_groups.size()));
  for (const LogicalType& type : footer.column_types) {
    out.Put<uint8_t>(static_cast<uint8_t>(type.id));
    out.Put<int32_t>(type.typmod);
    out.Put<uint32_t>(type.oid_flavour);
  }
  for (const SegmentRowGroup& row_group : footer.row_groups) {
    out.Put<uint32_t>(row_group.num_rows);
    for (size_t column = 0; column < row_group.chunks.size(); ++column) {
      PutChunkInfo(row_group.chunks[column], GetPhysicalType(footer.column_types[column]), &out);
    }
  }
  return std::move(out.bytes());
}

std::optional<std::string> DecodeSegmentFooter(std::string_view bytes, uint64_t footer_offset,
                                               SegmentFooter* footer) {
  ByteReader in(bytes);
  uint32_t num_columns, num_row_groups;
  if (!in.Get(&num_columns) || !in.Get(&footer->num_rows) || !in.Get(&footer->row_group_size) ||
      !in.Get(&num_row_groups)) {
    return "footer is cut short";
  }
  if (auto problem = GetColumnTypes(&in, num_columns, footer)) return problem;
  const uint64_t row_group_size = footer->row_group_size;
  if (row_group_size == 0 || row_group_size > kMaxChunkRows) return "impossible row group size";
  const uint64_t expected_groups = footer->num_rows / row_group_size + (footer->num_rows % row_group_size != 0);
  const uint64_t min_group_bytes = 4 + uint64_t{num_columns} * kMinChunkInfoSize;
  if (num_row_groups != expected_groups || num_row_groups * min_group_bytes > in.remaining()) {
    return "row group count does not match the row count";
  }
  footer->row_groups.resize(num_row_groups);
  uint64_t next_offset = kSegmentHeaderSize;
  uint64_t first_row = 0;
  for (SegmentRowGroup& row_group : footer->row_groups) {
    row_group.first_row = first_row;
    in.Get(&row_group.num_rows);
    if (row_group.num_rows != std::min(row_group_size, footer->num_rows - first_row)) {
      return "row group " + std::to_string(&row_group - footer->row_groups.data()) + " has a wrong row count";
    }
    first_row += row_group.num_rows;
    row_group.chunks.resize(num_columns);
    for (uint32_t column = 0; column < num_columns; ++column) {
      SegmentChunkInfo& chunk = row_group.chunks[column];
      const PhysicalType type = GetPhysicalType(footer->column_types[column]);
      if (auto problem = GetChunkInfo(&in, type, row_group.num_rows, &chunk)) return problem;
      if (chunk.offset != next_offset || chunk.size > footer_offset - next_offset) {
        return "chunk of row group " + std::to_string(&row_group - footer->row_groups.data()) + ", column " +
               std::to_string(column) + " lies outside its place";
      }
      next_offset += chunk.size;
    }
  }
  if (!in.AtEnd()) return "footer has trailing bytes";
  if (next_offset != footer_offset) return "chunks do not end where the footer starts";
  return std::nullopt;
}

}  // namespace tessera::storage
