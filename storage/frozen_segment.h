// SPDX-License-Identifier: Apache-2.0
// FrozenSegment: a segment file (storage/segment_reader.h) that holds a run of full row groups of one
// table partition (TableData): row group `first_group + k` of the partition is rows
// [k * kBatchSize, (k + 1) * kBatchSize) of the file, its columns the table's in table order. The flusher
// writes one when a run of row groups is settled (storage/README.md, "The columnstore behind the delta");
// from then on the rows are read from the file, through the page cache, and the heap keeps only the
// versions of rows deleted since.
//
// Tables with a sort key store a run's rows ordered by the key (storage/sort_order.h) when that differs
// from their order in the run: the file then has one more column than the table, int4, holding each
// file row's number in the run ("segment row"). Row ids stay those of the run, so indexes, delete
// vectors and the WAL never see the reordering; scans read the extra column to know which row they
// hold, and point reads find a row's place in the file through FileRows().
//
// Thread safety: immutable once opened; any number of threads may read it.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
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
  // Whether the rows are stored in sort key order, with their segment row numbers as the last column.
  bool reordered = false;

  uint64_t first_offset() const { return static_cast<uint64_t>(first_group) * kBatchSize; }
  // The table's columns in the file (without the row number column).
  size_t num_columns() const { return reader.column_types().size() - (reordered ? 1 : 0); }
  // Reordered segments: each segment row's row in the file, read and checked (a permutation) on first
  // use. Damage is thrown as SqlError XX001.
  const std::vector<uint32_t>& FileRows() const;
  // Reads them if not yet read; the damage found, if any.
  const Status& LoadFileRows() const;

 private:
  mutable std::once_flag file_rows_once_;
  mutable std::vector<uint32_t> file_rows_;
  mutable Status file_rows_status_;
};

// The column type of a reordered segment's row numbers.
inline LogicalType SegmentRowNumberType() { return LogicalType(TypeId::kInt32); }

// Puts `columns` (a run's rows in row order) into the order of `sort_columns` when that differs from
// theirs, appending the row number column; unchanged when `sort_columns` is empty or already in order.
void ApplySortOrder(const std::vector<int>& sort_columns, std::vector<Vector>* columns);

// Opens `directory/name` as frozen row groups starting at `first_group` of a table with columns `types`.
// A file whose row count is not a whole number of row groups, or whose columns differ (but for a row
// number column), is XX001.
Status OpenFrozenSegment(const std::string& directory, const std::string& name, size_t first_group,
                         const std::vector<LogicalType>& types, std::shared_ptr<const FrozenSegment>* segment);

// Reads every row of `segments` (of the same table columns), in row id order, into one vector per table
// column. Damage is the reader's Status.
Status ReadFrozenColumns(const std::vector<std::shared_ptr<const FrozenSegment>>& segments,
                         std::vector<Vector>* columns);

// Appends column `column` of the segment's rows `rows` (segment row numbers, ascending unless the
// segment is reordered) to `out`, in that order. Chunks
// are decoded once per thread and kept in a small per-thread cache, so that point reads by row id (index
// scans, ON CONFLICT) do not decode a chunk per row. Damage is thrown as SqlError XX001.
void AppendFrozenRows(const std::shared_ptr<const FrozenSegment>& segment, int column, const uint64_t* rows,
                      size_t count, Vector* out);

}  // namespace tessera::storage
