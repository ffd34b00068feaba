// SPDX-License-Identifier: Apache-2.0
// Writing segment files: chunks row group by row group, then footer and trailer, then the rename.
#include "storage/segment_writer.h"

#include <numeric>

#include "base/check.h"
#include "simd/crc32c.h"
#include "storage/column_chunk.h"
#include "storage/file_io.h"

namespace tessera::storage {
namespace {

// Rows [first, first + count) of `column`.
Vector Slice(const Vector& column, idx_t first, idx_t count) {
  std::vector<sel_t> rows(count);
  std::iota(rows.begin(), rows.end(), static_cast<sel_t>(first));
  return column.Gather(rows.data(), count);
}

Status AppendChunk(const Vector& slice, FileAppender* file, SegmentChunkInfo* info) {
  const std::string chunk = EncodeColumnChunk(slice);
  ColumnChunk opened;
  Status status = ColumnChunk::Open(chunk, &opened);
  TESSERA_CHECK(status.ok());
  info->offset = file->offset();
  info->size = static_cast<uint32_t>(chunk.size());
  info->stats = opened.stats();
  return file->Append(chunk.data(), chunk.size());
}

// Writes the whole file through `file` and fills `footer`.
Status WriteContents(const std::vector<LogicalType>& types, const std::vector<Vector>& columns,
                     uint32_t row_group_size, FileAppender* file, SegmentFooter* footer) {
  char header[kSegmentHeaderSize];
  EncodeSegmentHeader(header);
  if (Status status = file->Append(header, sizeof header); !status.ok()) return status;
  footer->column_types = types;
  footer->num_rows = columns.empty() ? 0 : columns[0].size();
  footer->row_group_size = row_group_size;
  footer->row_groups.clear();
  for (uint64_t first = 0; first < footer->num_rows; first += row_group_size) {
    SegmentRowGroup& row_group = footer->row_groups.emplace_back();
    row_group.first_row = first;
    row_group.num_rows = static_cast<uint32_t>(std::min<uint64_t>(row_group_size, footer->num_rows - first));
    row_group.chunks.resize(columns.size());
    for (size_t column = 0; column < columns.size(); ++column) {
      const Vector slice = Slice(columns[column], first, row_group.num_rows);
      if (Status status = AppendChunk(slice, file, &row_group.chunks[column]); !status.ok()) return status;
    }
  }
  const std::string footer_bytes = EncodeSegmentFooter(*footer);
  SegmentTrailer trailer{file->offset(), footer_bytes.size(), simd::Crc32c(footer_bytes.data(), footer_bytes.size())};
  char trailer_bytes[kSegmentTrailerSize];
  EncodeSegmentTrailer(trailer, trailer_bytes);
  if (Status status = file->Append(footer_bytes.data(), footer_bytes.size()); !status.ok()) return status;
  return file->Append(trailer_bytes, sizeof trailer_bytes);
}

}  // namespace

Status WriteSegment(const std::string& path, const std::vector<LogicalType>& types,
                    const std::vector<Vector>& columns, const SegmentWriteOptions& options,
                    SegmentFooter* footer) {
  TESSERA_CHECK(types.size() == columns.size() && types.size() <= kMaxSegmentColumns);
  TESSERA_CHECK(options.row_group_size > 0 && options.row_group_size <= kMaxChunkRows);
  for (size_t column = 0; column < columns.size(); ++column) {
    TESSERA_CHECK(columns[column].size() == columns[0].size());
    TESSERA_CHECK(columns[column].physical_type() == GetPhysicalType(types[column]));
  }
  SegmentFooter written;
  Status status = ReplaceFileDurably(path, [&](FileAppender& file) {
    return WriteContents(types, columns, options.row_group_size, &file, &written);
  });
  if (status.ok() && footer != nullptr) *footer = std::move(written);
  return status;
}

}  // namespace tessera::storage
