// SPDX-License-Identifier: Apache-2.0
// Writing segment files: chunks row group by row group, then footer and trailer, then the rename.
#include "storage/segment_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <numeric>

#include "base/check.h"
#include "simd/crc32c.h"
#include "storage/column_chunk.h"
#include "storage/file_io.h"

namespace tessera::storage {
namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Appends to a file being written, tracking the offset.
class FileAppender {
 public:
  FileAppender(int fd, const std::string& path) : fd_(fd), path_(path) {}

  Status Append(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t written = write(fd_, data, size);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) return IoErrorStatus("write", path_, errno);
      data += written;
      size -= static_cast<size_t>(written);
      offset_ += static_cast<uint64_t>(written);
    }
    return Status::Ok();
  }
  uint64_t offset() const { return offset_; }

 private:
  int fd_;
  const std::string& path_;
  uint64_t offset_ = 0;
};

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

Status WriteTemporaryFile(const std::string& temporary_path, const std::vector<LogicalType>& types,
                          const std::vector<Vector>& columns, uint32_t row_group_size, SegmentFooter* footer) {
  const int fd = open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoErrorStatus("open", temporary_path, errno);
  FileAppender file(fd, temporary_path);
  Status status = WriteContents(types, columns, row_group_size, &file, footer);
  if (status.ok() && fdatasync(fd) != 0) status = IoErrorStatus("fdatasync", temporary_path, errno);
  if (close(fd) != 0 && status.ok()) status = IoErrorStatus("close", temporary_path, errno);
  return status;
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
  const std::string temporary_path = path + ".tmp";
  Status status = WriteTemporaryFile(temporary_path, types, columns, options.row_group_size, &written);
  if (status.ok() && rename(temporary_path.c_str(), path.c_str()) != 0) {
    status = IoErrorStatus("rename", temporary_path, errno);
  }
  if (!status.ok()) {
    unlink(temporary_path.c_str());
    return status;
  }
  status = SyncDirectory(DirectoryOf(path));
  if (status.ok() && footer != nullptr) *footer = std::move(written);
  return status;
}

}  // namespace tessera::storage
