// SPDX-License-Identifier: Apache-2.0
// TableData: a table's rows on this node, hash-partitioned into partitions, each partition a list of
// row groups of up to kBatchSize rows. Each row is a version with `begin` and `end` stamps
// (storage/version_stamp.h): readers pass a snapshot and see only its versions.
//
// A partition's row groups are a prefix of frozen ones followed by the delta:
//   - delta row groups hold their columns and both stamps of every row in memory; appends go there;
//   - frozen row groups have been written to a segment file (storage/frozen_segment.h) by the flusher
//     (Freeze*), once every version in them was settled for every snapshot in use. Their rows are read
//     from the file; only the `end` stamps of rows deleted since (a versioned delete vector) and of
//     aborted inserts stay in memory. Their `begin` is implicitly kFrozenBegin.
// Schema changes thaw frozen row groups back into memory first.
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

class ColumnChunk;
struct FrozenSegment;
struct SegmentCursor;

// The `begin` stamp a frozen row reports: every snapshot sees it.
constexpr Stamp kFrozenBegin = 1;

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
  // Inside a run of frozen row groups: the scan of their segment file.
  std::shared_ptr<SegmentCursor> segment;
  // Starts (and stays) past the frozen row groups: the delta only.
  bool delta_only = false;
  // What the scan did in segment files so far: row groups reached, and those skipped by min/max.
  uint64_t segment_row_groups = 0;
  uint64_t segment_row_groups_skipped = 0;
};

// What TableData::ScanEncoded handed over.
enum class ScanPiece { kEnd, kBatch, kEncoded };

// A frozen row group as ScanEncoded hands it over, undecoded: the chunks of the columns asked for and the
// rows of the row group that the snapshot sees and that pass the filter. Valid until the next call with
// the same ScanPosition (the position keeps the segment and its chunks alive).
struct EncodedRows {
  idx_t num_rows = 0;                      // rows of the row group (the chunks' rows)
  const sel_t* selection = nullptr;        // the rows to read, ascending; nullptr: all rows
  idx_t count = 0;                         // rows to read
  std::vector<const ColumnChunk*> chunks;  // as column_ids
};

// Adjacent frozen segments of one partition that the flusher may merge into one.
struct MergeRun {
  int partition = 0;
  std::vector<std::shared_ptr<const FrozenSegment>> segments;
};

// A run of row groups of one partition that the flusher may freeze into one segment file.
struct FreezeRun {
  int partition = 0;
  size_t first_group = 0;
  size_t num_groups = 0;
  uint64_t schema_epoch = 0;  // schema changes since make the run stale
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
  // The sort key (CREATE TABLE ... WITH (sort_key = '...')): the columns, in key order, by which frozen
  // segments store their rows (storage/frozen_segment.h). Kept as column ids, so that it follows
  // renames and other columns' drops; the planner refuses to drop a column of it.
  void SetSortColumns(const std::vector<int>& columns);
  std::vector<int> SortColumns() const;
  const std::vector<uint32_t>& sort_column_ids() const { return sort_column_ids_; }
  void SetSortColumnIds(std::vector<uint32_t> ids) { sort_column_ids_ = std::move(ids); }
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

  // Scan for callers that work on encoded chunks (grouped aggregation): like Scan, but a frozen row group
  // whose segment the scan starts at its first row comes back undecoded in `encoded` (kEncoded) instead
  // of in batches; other rows come in `out` (kBatch) as Scan returns them. No row ids.
  ScanPiece ScanEncoded(int partition, ScanPosition& position, const std::vector<int>& column_ids,
                        const Snapshot& snapshot, Batch* out, EncodedRows* encoded,
                        const ScanFilter* filter = nullptr) const;

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
  // Recovery: marks the deletions of `rows` (stamped already) as old halves of UPDATEs, as Delete does.
  void MarkDeletedByUpdate(const std::vector<RowId>& rows);
  // Sets the `begin` (or with `end_stamp` the `end`) stamp of `rows` to `to` where it is `from`: commit
  // (transaction id -> CSN) and abort (transaction id -> kNever).
  void Restamp(const std::vector<RowId>& rows, bool end_stamp, Stamp from, Stamp to);

  // Rows not known dead: an estimate for planning (counts versions other transactions are writing).
  int64_t CountLiveRows() const;

  // Flushing. The runs, one per partition, of delta row groups after its frozen ones that are full and
  // settled for snapshots at or after `horizon` (TransactionManager::SnapshotHorizon); only runs of at
  // least `min_groups` groups, cut at `max_groups`. With `pad`, a partition's last, partial row group counts as full (it is
  // filled up with aborted rows when frozen, and appends go on in a new one).
  std::vector<FreezeRun> FreezeCandidates(Stamp horizon, size_t min_groups, size_t max_groups, bool pad) const;
  // The columns (table order) of every row of the run, dead ones included, to be written as a segment.
  std::vector<Vector> FreezeColumns(const FreezeRun& run, bool pad);
  // Hands the run over to `segment` (written from FreezeColumns): false, and nothing changes, when the
  // run is no longer what it was (a schema change, TRUNCATE, recovery).
  bool Freeze(const FreezeRun& run, std::shared_ptr<const FrozenSegment> segment);
  // Runs of at least `min_segments` adjacent frozen segments, each smaller than `max_groups` row groups,
  // that together fit in `max_groups`.
  std::vector<MergeRun> MergeCandidates(size_t max_groups, size_t min_segments) const;
  // Points the row groups of `run` at `merged` (the same rows in one file): false, and nothing changes,
  // when they no longer belong to the run's segments.
  bool ReplaceFrozen(const MergeRun& run, std::shared_ptr<const FrozenSegment> merged);
  // How many row groups of `partition` are frozen.
  size_t FrozenGroups(int partition) const;
  // Every partition's frozen segments in row group order (checkpoints record them).
  std::vector<std::vector<std::shared_ptr<const FrozenSegment>>> FrozenSegments() const;
  // The frozen rows that snapshots at or after `csn` cannot see: deleted by commits up to `csn`, or
  // never inserted.
  std::vector<RowId> FrozenDeadRows(Stamp csn) const;
  // Recovery: appends a segment's row groups to `partition`, whose row groups must all be frozen and end
  // where the segment starts.
  void AttachFrozen(int partition, std::shared_ptr<const FrozenSegment> segment);
  // Recovery: marks frozen `rows` (FrozenDeadRows of the checkpoint) deleted by CSN `end`. False when a
  // row is not a frozen one (rows before it are marked).
  bool MarkFrozenDead(const std::vector<RowId>& rows, Stamp end);
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
    std::vector<Vector> columns;   // empty when frozen
    std::vector<Stamp> begin;      // empty when frozen
    // Frozen: empty while no row is deleted or aborted; kAbortedInsert marks a row never inserted.
    std::vector<Stamp> end;
    std::vector<uint8_t> updated;  // whether `end` was stamped by an UPDATE (sized as `end`)
    // Frozen: the segment holding the rows. Shared by the row groups of its run.
    std::shared_ptr<const FrozenSegment> segment;
    idx_t num_rows = 0;
    idx_t num_dead = 0;     // aborted inserts and committed deletes: invisible to every new snapshot
    idx_t num_pending = 0;  // stamps holding a transaction id
    Stamp max_csn = 0;      // the newest CSN stamped in this group
    // Whether `snapshot` sees exactly the rows that are not dead, so a scan needs no per-row check.
    bool SettledFor(const Snapshot& snapshot) const {
      return num_pending == 0 && max_csn <= snapshot.csn && !snapshot.all_versions;
    }
    // Sets one stamp, keeping the counters. A frozen group's `begin` cannot change.
    void SetStamp(idx_t row, bool end_stamp, Stamp stamp);
    bool frozen() const { return segment != nullptr; }
    Stamp Begin(idx_t row) const {
      if (!frozen()) return begin[row];
      return !end.empty() && end[row] == kAbortedInsert ? kNever : kFrozenBegin;
    }
    Stamp End(idx_t row) const {
      if (!frozen()) return end[row];
      return end.empty() || end[row] == kAbortedInsert ? kNever : end[row];
    }
    // Whether `snapshot` sees row `row`: without reading stamps when the group is frozen with no row
    // deleted or aborted.
    bool SeenBy(const Snapshot& snapshot, idx_t row) const {
      return (frozen() && end.empty()) || snapshot.Sees(Begin(row), End(row));
    }
  };
  // In a frozen row group's `end`: the insert was aborted (a CSN no snapshot is older than).
  static constexpr Stamp kAbortedInsert = 0;
  struct Partition {
    mutable std::shared_mutex mutex;
    std::vector<RowGroup> row_groups;  // GUARDED_BY(mutex)
    size_t frozen_groups = 0;          // GUARDED_BY(mutex): row_groups[0, frozen_groups) are frozen
  };

  int PartitionOf(const Vector& shard_key, idx_t row);
  // Keeps the rows selection[0, count) of `group` that pass `filter`; returns their number.
  static idx_t ApplyFilter(const RowGroup& group, const ScanFilter& filter, sel_t* selection, idx_t count);
  RowGroup NewRowGroup() const;
  // Extends `group` to `num_rows` rows with aborted, all-NULL versions.
  void FillHoles(RowGroup& group, idx_t num_rows) const;
  // Scan of the frozen run that row group `position.row_group` belongs to.
  bool ScanFrozen(const Partition& partition, int partition_index, ScanPosition& position,
                  const std::vector<int>& column_ids, const Snapshot& snapshot, Batch* out,
                  std::vector<RowId>* row_ids, const ScanFilter* filter) const;
  // Starts the cursor of the frozen run that row group `position.row_group` belongs to.
  void StartSegmentCursor(const Partition& partition, ScanPosition& position, const std::vector<int>& column_ids,
                          const ScanFilter* filter, bool encoded) const;
  // The next row group of an encoded cursor with rows visible to `snapshot`; false at the run's end.
  bool NextEncoded(const Partition& partition, ScanPosition& position, const Snapshot& snapshot,
                   EncodedRows* encoded) const;
  // Reads `group`'s rows back into memory as a delta row group. REQUIRES: group.frozen().
  void Thaw(RowGroup& group, size_t group_index) const;
  // Thaws every frozen row group (schema changes); increments the schema epoch.
  void ThawAll();

  std::vector<LogicalType> column_types_;
  std::vector<uint32_t> column_ids_;
  uint32_t next_column_id_ = 0;
  std::vector<uint32_t> sort_column_ids_;
  std::atomic<uint32_t> storage_id_{0};
  std::atomic<uint64_t> change_count_{0};
  std::atomic<uint64_t> schema_epoch_{0};  // schema changes and TRUNCATEs
  std::vector<std::unique_ptr<Partition>> partitions_;
  int shard_column_;
  std::atomic<uint64_t> round_robin_{0};
};

template <typename Convert>
void TableData::ConvertColumn(int column, const LogicalType& type, Convert&& convert) {
  ThawAll();
  column_types_[column] = type;
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    for (auto& group : partition->row_groups) group.columns[column] = convert(group.columns[column]);
  }
}

}  // namespace tessera::storage
