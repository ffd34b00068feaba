// SPDX-License-Identifier: Apache-2.0
// SegmentReader: reads a segment file written by WriteSegment (storage/segment_writer.h; format:
// storage/FORMAT.md, "## Segment files").
//
// Open reads the trailer, then the footer, and validates both (CRCs, every offset and size against the
// file); afterwards the reader holds the footer, an open file descriptor and a read-only mapping of the
// file. Column data is read in place from the mapping (the page cache's copy: no read into a buffer),
// one chunk at a time, and each chunk is validated (its own CRC, and that it agrees with the footer)
// before it is first decoded; a chunk's CRC is computed once per reader, as a buffer pool checks a
// page when it reads it in, so later scans pay nothing for it. Where the file cannot be mapped, chunks
// are read with pread into the caller's buffer and checked every time. Any damage is Status XX001
// whose message names the file and, where known, the row group and column. Segment files are never
// changed after they are written; one truncated by someone else while mapped ends the process with
// SIGBUS on access, as with any mapped file.
//
// Scans walk row_groups() and skip a row group when RowGroupMayMatch says its statistics exclude a
// predicate.
//
// Thread safety: after Open the reader is immutable; any number of threads may read from it at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/error.h"
#include "base/value.h"
#include "base/vector.h"
#include "storage/chunk_predicate.h"
#include "storage/column_chunk.h"
#include "storage/segment_format.h"

namespace tessera::storage {

class VectorSketch;

class SegmentReader {
 public:
  // Opens the segment at `path`. A missing file is 58P01; damage is XX001; a newer format 0A000.
  static Status Open(const std::string& path, SegmentReader* reader);

  SegmentReader() = default;
  SegmentReader(SegmentReader&& other) noexcept;
  SegmentReader& operator=(SegmentReader&& other) noexcept;
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;
  ~SegmentReader();

  const std::string& path() const { return path_; }
  const SegmentFooter& footer() const { return footer_; }
  const std::vector<LogicalType>& column_types() const { return footer_.column_types; }
  uint64_t num_rows() const { return footer_.num_rows; }
  const std::vector<SegmentRowGroup>& row_groups() const { return footer_.row_groups; }
  // True when the file is mapped: chunks from ReadChunk then point into the mapping, which lives as
  // long as the reader.
  bool mapped() const { return map_ != nullptr; }

  // False only when the statistics of `column` in `row_group` show that no row satisfies
  // `value <op> constant` (ChunkMayMatch on the footer's copy of the chunk statistics).
  bool RowGroupMayMatch(size_t row_group, size_t column, CompareOp op, const Value& constant) const;

  // Reads and validates one chunk, so kernels can work on the encoded form: `*chunk` points into the
  // reader's mapping (valid while the reader lives; `*bytes` is left empty) or, when the file is not
  // mapped, into `*bytes`, which receives the chunk's bytes. REQUIRES: row_group and column in range.
  Status ReadChunk(size_t row_group, size_t column, std::string* bytes, ColumnChunk* chunk) const;

  // Decodes rows [row_begin, row_begin + count) of `column` in `row_group` into `out`, which takes the
  // column's type. REQUIRES: row_group and column in range; row_begin + count <= the row group's rows.
  Status ReadColumn(size_t row_group, size_t column, idx_t row_begin, idx_t count, Vector* out) const;
  // Appends every row of `column`, row group by row group, to `out` (of the column's physical type).
  Status AppendColumn(size_t column, Vector* out) const;

  // The vector sketch (storage/vector_sketch.h) of chunk (row_group, column), which is `chunk` read:
  // built on first use and kept, in memory only, while the reader lives; nullptr when it has none.
  std::shared_ptr<const VectorSketch> Sketch(size_t row_group, size_t column, const ColumnChunk& chunk) const;

 private:
  Status Corrupt(const std::string& problem) const;
  Status ReadFooter(uint64_t file_size);
  void Close();

  std::string path_;
  int fd_ = -1;
  SegmentFooter footer_;
  const char* map_ = nullptr;  // the whole file, read-only; null when it could not be mapped
  uint64_t map_size_ = 0;
  // Per chunk (row group * columns + column): whether its CRC was verified. Set once, by any thread.
  std::unique_ptr<std::atomic<bool>[]> verified_;
  // The sketches built so far, by chunk (null entries: the chunk has none).
  struct Sketches {
    std::mutex mutex;
    std::unordered_map<size_t, std::shared_ptr<const VectorSketch>> by_chunk;  // GUARDED_BY(mutex)
  };
  std::unique_ptr<Sketches> sketches_ = std::make_unique<Sketches>();
};

}  // namespace tessera::storage
