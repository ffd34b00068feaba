// SPDX-License-Identifier: Apache-2.0
// TableData: a table's rows on this node, hash-partitioned into partitions, each partition a list of
// column-wise row groups of up to kBatchSize rows. Each row is a version with `begin` and `end` stamps
// (storage/version_stamp.h): readers pass a snapshot and see only its versions. This is the in-memory shape
// of the storage interface; the durable columnstore (WAL-backed delta + compressed segments) replaces the
// row groups behind the same interface.
//
// Thread safety: every method may be called concurrently; each partition has its own reader/writer lock.
// Row ids stay valid until Truncate(); deleted and aborted versions keep their slot (no vacuum yet).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "base/vector.h"
#include "storage/scan_filter.h"
#include "storage/version_stamp.h"

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
  // `shard_column` < 0: rows are spread round-robin, a row group (kBatchSize rows) per partition at a time.
  TableData(std::vector<LogicalType> column_types, int num_partitions, int shard_column);
  ~TableData();

  int num_partitions() const { return static_cast<int>(partitions_.size()); }
  const std::vector<LogicalType>& column_types() const { return column_types_; }

  // Names this table's storage in the WAL and in checkpoints, as PostgreSQL's relfilenode: 0 until the
  // catalog publishes the table; TRUNCATE gives the table new storage with a new id.
  uint32_t storage_id() const { return storage_id_.load(std::memory_order_acquire); }
  void set_storage_id(uint32_t id) { storage_id_.store(id, std::memory_order_release); }
  // Stable ids of the columns, in table order: a renamed column keeps its id and ADD COLUMN never reuses
  // one, so a WAL record written while an ALTER TABLE was in flight is read back column by column.
  const std::vector<uint32_t>& column_ids() const { return column_ids_; }
  uint32_t next_column_id() const { return next_column_id_; }
  // Recovery: the ids a checkpoint recorded. REQUIRES: ids.size() == column count.
  void SetColumnIds(std::vector<uint32_t> ids, uint32_t next_id);
  // Counts commits stamped into the table and schema changes: a checkpoint rewrites only tables whose
  // count moved since the last one.
  uint64_t change_count() const { return change_count_.load(std::memory_order_acquire); }

  // Copies every column of the versions `rows` (visible or not), in that order.
  Batch Gather(const std::vector<RowId>& rows) const;
  // Recovery: puts the rows of `batch` (all columns, table order) at their original ids `rows`, stamped
  // `begin`; slots that no row has filled yet are aborted versions (a rolled-back insert's).
  void Place(const std::vector<RowId>& rows, const Batch& batch, Stamp begin);

  // Appends all rows of `batch` (columns in table order, types already the table's) as versions inserted
  // by transaction `txn_id` and returns their ids in batch order.
  std::vector<RowId> Append(const Batch& batch, Stamp txn_id);

  // Reads the next row group of `partition` with rows visible to `snapshot`, columns `column_ids` (table
  // column indexes) into `out` and their ids into `row_ids` (may be nullptr). Returns false at the end.
  // A row group without versions newer than the snapshot costs no per-row visibility work. `filter`
  // (may be nullptr) is a hint: rows failing it may be left out, rows passing it are always returned;
  // a predicate whose constant does not have its column's physical type is ignored.
  bool Scan(int partition, ScanPosition& position, const std::vector<int>& column_ids, const Snapshot& snapshot,
            Batch* out, std::vector<RowId>* row_ids, const ScanFilter* filter = nullptr) const;

  // Reads one column of one row version, visible or not.
  Value Fetch(RowId row, int column) const;
  bool IsVisible(RowId row, const Snapshot& snapshot) const;

  struct RowVersion {
    Stamp begin = kNever;
    Stamp end = kNever;
  };
  RowVersion Version(RowId row) const;

  enum class DeleteResult {
    kDeleted,   // `end` now holds the deleting transaction's id
    kGone,      // deleted by that transaction already, or an aborted insert
    kConflict,  // deleted by another transaction, active or committed: its stamp is in `*holder`
  };
  // `by_update`: the deletion is the old half of an UPDATE (the row lives on as a new version).
  DeleteResult Delete(RowId row, Stamp txn_id, bool by_update, Stamp* holder);
  // Whether the latest deletion of `row` was the old half of an UPDATE.
  bool DeletedByUpdate(RowId row) const;
  // Sets the `begin` (or with `end_stamp` the `end`) stamp of `rows` to `to` where it is `from`: commit
  // (transaction id -> CSN) and abort (transaction id -> kNever).
  void Restamp(const std::vector<RowId>& rows, bool end_stamp, Stamp from, Stamp to);

  // Rows not known dead: an estimate for planning (counts versions other transactions are writing).
  int64_t CountLiveRows() const;
  void Truncate();
  // Schema changes: a new column whose values in each row group (deleted rows included) come from
  // `fill(num_rows)`, or a column removed.
  void AddColumn(const LogicalType& type, const std::function<Vector(idx_t num_rows)>& fill);
  // A column taken out by DropColumn: its vectors per partition and row group, kept so that
  // RestoreColumn can put it back (undo of ALTER TABLE ... DROP COLUMN in a transaction).
  struct DetachedColumn {
    LogicalType type;
    uint32_t id = 0;
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
    std::vector<Stamp> begin;
    std::vector<Stamp> end;
    std::vector<uint8_t> updated;  // whether `end` was stamped by an UPDATE
    idx_t num_rows = 0;
    idx_t num_dead = 0;     // aborted inserts and committed deletes: invisible to every new snapshot
    idx_t num_pending = 0;  // stamps holding a transaction id
    Stamp max_csn = 0;      // the newest CSN stamped in this group
    // Whether `snapshot` sees exactly the rows that are not dead, so a scan needs no per-row check.
    bool SettledFor(const Snapshot& snapshot) const {
      return num_pending == 0 && max_csn <= snapshot.csn && !snapshot.all_versions;
    }
    // Sets one stamp, keeping the counters.
    void SetStamp(idx_t row, bool end_stamp, Stamp stamp);
  };
  struct Partition {
    mutable std::shared_mutex mutex;
    std::vector<RowGroup> row_groups;  // GUARDED_BY(mutex)
  };

  int PartitionOf(const Vector& shard_key, idx_t row);
  // Keeps the rows selection[0, count) of `group` that pass `filter`; returns their number.
  static idx_t ApplyFilter(const RowGroup& group, const ScanFilter& filter, sel_t* selection, idx_t count);
  RowGroup NewRowGroup() const;
  // Extends `group` to `num_rows` rows with aborted, all-NULL versions.
  void FillHoles(RowGroup& group, idx_t num_rows) const;

  std::vector<LogicalType> column_types_;
  std::vector<uint32_t> column_ids_;
  uint32_t next_column_id_ = 0;
  std::atomic<uint32_t> storage_id_{0};
  std::atomic<uint64_t> change_count_{0};
  std::vector<std::unique_ptr<Partition>> partitions_;
  int shard_column_;
  std::atomic<uint64_t> round_robin_{0};
};

template <typename Convert>
void TableData::ConvertColumn(int column, const LogicalType& type, Convert&& convert) {
  column_types_[column] = type;
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    for (auto& group : partition->row_groups) group.columns[column] = convert(group.columns[column]);
  }
}

}  // namespace tessera::storage
