// SPDX-License-Identifier: Apache-2.0
// FrozenSegment: a segment file (storage/segment_reader.h) that holds a run of full row groups of one
// table partition (TableData): row group `first_group + k` of the partition is rows
// [k * kBatchSize, (k + 1) * kBatchSize) of the file, its columns the table's in table order. The flusher
// writes one when a run of row groups is settled (storage/README.md, "The columnstore behind the delta");
// from then on the rows are read from the file, through the page cache, and the heap keeps only the
// versions of rows deleted since.
//
// Thread safety: immutable once opened; any number of threads may read it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "storage/segment_reader.h"

namespace tessera::storage {

struct FrozenSegment {
  SegmentReader reader;
  std::string name;  // the file's name within the tables directory, as checkpoints record it
  size_t first_group = 0;
  size_t num_groups = 0;

  uint64_t first_offset() const { return static_cast<uint64_t>(first_group) * kBatchSize; }
};

// Opens `directory/name` as frozen row groups starting at `first_group` of a table with columns `types`.
// A file whose row count is not a whole number of row groups, or whose columns differ, is XX001.
Status OpenFrozenSegment(const std::string& directory, const std::string& name, size_t first_group,
                         const std::vector<LogicalType>& types, std::shared_ptr<const FrozenSegment>* segment);

// Reads every row of `segments` (of the same columns), in order, into one vector per column. Damage is
// the reader's Status.
Status ReadFrozenColumns(const std::vector<std::shared_ptr<const FrozenSegment>>& segments,
                         std::vector<Vector>* columns);

// Appends column `column` of the segment's rows `rows` (ascending segment row numbers) to `out`. Chunks
// are decoded once per thread and kept in a small per-thread cache, so that point reads by row id (index
// scans, ON CONFLICT) do not decode a chunk per row. Damage is thrown as SqlError XX001.
void AppendFrozenRows(const std::shared_ptr<const FrozenSegment>& segment, int column, const uint64_t* rows,
                      size_t count, Vector* out);

}  // namespace tessera::storage
