// SPDX-License-Identifier: Apache-2.0
// TableData: a table's rows on this node, hash-partitioned into partitions, each partition a list of
// column-wise row groups of up to kBatchSize rows with a delete flag per row. This is the in-memory shape
// of the storage interface; the durable columnstore (WAL-backed delta + compressed segments) replaces the
// row groups behind the same interface.
//
// Thread safety: every method may be called concurrently; each partition has its own reader/writer lock.
// Row ids stay valid until Truncate(); deleted rows keep their slot.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "base/vector.h"

namespace tessera::storage {

// Identifies a row: partition in the top 16 bits, row number within the partition below.
using RowId = int64_t;
constexpr int kRowIdPartitionShift = 48;
inline int RowIdPartition(RowId id) { return static_cast<int>(id >> kRowIdPartitionShift); }
inline int64_t RowIdOffset(RowId id) { return id & ((int64_t{1} << kRowIdPartitionShift) - 1); }
inline RowId MakeRowId(int partition, int64_t offset) {
  return (static_cast<int64_t>(partition) << kRowIdPartitionShift) | offset;
}

// Where a scan of one partition stands; starts at row group 0.
struct ScanPosition {
  size_t row_group = 0;
};

class TableData {
 public:
  // `shard_column` < 0: rows are spread round-robin.
  TableData(std::vector<LogicalType> column_types, int num_partitions, int shard_column);
  ~TableData();

  int num_partitions() const { return static_cast<int>(partitions_.size()); }
  const std::vector<LogicalType>& column_types() const { return column_types_; }

  // Appends all rows of `batch` (columns in table order, types already the table's) and returns their ids
  // in batch order.
  std::vector<RowId> Append(const Batch& batch);

  // Reads the next row group of `partition` with live rows, columns `column_ids` (table column indexes)
  // into `out` and their ids into `row_ids` (may be nullptr). Returns false at the end.
  bool Scan(int partition, ScanPosition& position, const std::vector<int>& column_ids, Batch* out,
            std::vector<RowId>* row_ids) const;

  // Reads one column of one live row.
  Value Fetch(RowId row, int column) const;
  bool IsLive(RowId row) const;

  // Marks a row deleted (returns false when it already was) / live again (undo of a delete or insert).
  bool Delete(RowId row);
  void Undelete(RowId row);

  int64_t CountLiveRows() const;
  void Truncate();
  // Schema changes: a new column whose values in each row group (deleted rows included) come from
  // `fill(num_rows)`, or a column removed.
  void AddColumn(const LogicalType& type, const std::function<Vector(idx_t num_rows)>& fill);
  // A column taken out by DropColumn: its vectors per partition and row group, kept so that
  // RestoreColumn can put it back (undo of ALTER TABLE ... DROP COLUMN in a transaction).
  struct DetachedColumn {
    LogicalType type;
    std::vector<std::vector<Vector>> row_groups;  // [partition][row group]
  };
  DetachedColumn DropColumn(int column);
  // Puts a dropped column back at position `column`; rows appended since it was dropped get NULL.
  void RestoreColumn(int column, DetachedColumn detached);
  // Changes a column's type; `convert` maps each old vector to the new type.
  template <typename Convert>
  void ConvertColumn(int column, const LogicalType& type, Convert&& convert);

 private:
  struct RowGroup {
    std::vector<Vector> columns;
    std::vector<uint8_t> deleted;
    idx_t num_rows = 0;
    idx_t num_deleted = 0;
  };
  struct Partition {
    mutable std::shared_mutex mutex;
    std::vector<RowGroup> row_groups;  // GUARDED_BY(mutex)
  };

  int PartitionOf(const Vector& shard_key, idx_t row);
  RowGroup NewRowGroup() const;

  std::vector<LogicalType> column_types_;
  std::vector<std::unique_ptr<Partition>> partitions_;
  int shard_column_;
  std::atomic<uint64_t> round_robin_{0};
};

template <typename Convert>
void TableData::ConvertColumn(int column, const LogicalType& type, Convert&& convert) {
  column_types_[column] = type;
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    for (auto& group : partition->row_groups) group.columns[column] = convert(group.columns[column]);
  }
}

}  // namespace tessera::storage
