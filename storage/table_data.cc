// SPDX-License-Identifier: Apache-2.0
// In-memory partitioned row groups.
#include "storage/table_data.h"

#include <mutex>

#include "base/check.h"
#include "storage/hash.h"

namespace tessera::storage {

TableData::TableData(std::vector<LogicalType> column_types, int num_partitions, int shard_column)
    : column_types_(std::move(column_types)), shard_column_(shard_column) {
  TESSERA_CHECK(num_partitions > 0);
  for (size_t column = 0; column < column_types_.size(); ++column) column_ids_.push_back(next_column_id_++);
  for (int index = 0; index < num_partitions; ++index) partitions_.push_back(std::make_unique<Partition>());
}

TableData::~TableData() = default;

TableData::RowGroup TableData::NewRowGroup() const {
  RowGroup group;
  for (const auto& type : column_types_) {
    group.columns.emplace_back(type);
    group.columns.back().Reserve(kBatchSize);
  }
  return group;
}

int TableData::PartitionOf(const Vector& shard_key, idx_t row) {
  // Without a shard key, rows fill one partition a row group at a time, then the next: a table smaller
  // than a row group keeps its rows in one partition, so a plain scan returns them in insertion order as
  // PostgreSQL's heap does, while large tables still spread evenly over the partitions.
  if (shard_column_ < 0) return static_cast<int>(round_robin_.fetch_add(1) / kBatchSize % partitions_.size());
  return static_cast<int>(HashCell(shard_key, row) % partitions_.size());
}

namespace {

bool IsDead(Stamp begin, Stamp end) { return begin == kNever || IsCsn(end); }
idx_t PendingStamps(Stamp begin, Stamp end) { return (IsTxnId(begin) ? 1 : 0) + (IsTxnId(end) ? 1 : 0); }

}  // namespace

void TableData::RowGroup::SetStamp(idx_t row, bool end_stamp, Stamp stamp) {
  Stamp& slot = end_stamp ? end[row] : begin[row];
  const bool was_dead = IsDead(begin[row], end[row]);
  const idx_t was_pending = PendingStamps(begin[row], end[row]);
  slot = stamp;
  num_dead = num_dead - (was_dead ? 1 : 0) + (IsDead(begin[row], end[row]) ? 1 : 0);
  num_pending = num_pending - was_pending + PendingStamps(begin[row], end[row]);
  if (IsCsn(stamp) && stamp > max_csn) max_csn = stamp;
}

std::vector<RowId> TableData::Append(const Batch& batch, Stamp txn_id) {
  std::vector<RowId> ids(batch.num_rows);
  std::vector<std::vector<sel_t>> rows_of(partitions_.size());
  for (idx_t row = 0; row < batch.num_rows; ++row) {
    const int partition = shard_column_ >= 0 ? PartitionOf(batch.columns[shard_column_], row)
                                             : PartitionOf(batch.columns[0], row);
    rows_of[partition].push_back(static_cast<sel_t>(row));
  }
  for (size_t partition_index = 0; partition_index < partitions_.size(); ++partition_index) {
    const auto& rows = rows_of[partition_index];
    if (rows.empty()) continue;
    Partition& partition = *partitions_[partition_index];
    std::unique_lock lock(partition.mutex);
    size_t done = 0;
    while (done < rows.size()) {
      if (partition.row_groups.empty() || partition.row_groups.back().num_rows >= kBatchSize) {
        partition.row_groups.push_back(NewRowGroup());
      }
      const size_t group_index = partition.row_groups.size() - 1;
      RowGroup& group = partition.row_groups.back();
      const size_t take = std::min<size_t>(rows.size() - done, kBatchSize - group.num_rows);
      for (size_t column = 0; column < group.columns.size(); ++column) {
        group.columns[column].AppendCopy(batch.columns[column], rows.data() + done, take);
      }
      for (size_t index = 0; index < take; ++index) {
        ids[rows[done + index]] =
            MakeRowId(static_cast<int>(partition_index), static_cast<int64_t>(group_index * kBatchSize + group.num_rows + index));
      }
      group.num_rows += take;
      group.begin.resize(group.num_rows, txn_id);
      group.end.resize(group.num_rows, kNever);
      group.updated.resize(group.num_rows, 0);
      if (IsTxnId(txn_id)) group.num_pending += take;
      if (IsCsn(txn_id) && txn_id > group.max_csn) group.max_csn = txn_id;
      done += take;
    }
  }
  return ids;
}

bool TableData::Scan(int partition_index, ScanPosition& position, const std::vector<int>& column_ids,
                     const Snapshot& snapshot, Batch* out, std::vector<RowId>* row_ids, const ScanFilter* filter) const {
  const Partition& partition = *partitions_[partition_index];
  std::shared_lock lock(partition.mutex);
  const bool filtered = filter != nullptr && !filter->empty();
  while (position.row_group < partition.row_groups.size()) {
    const size_t group_index = position.row_group++;
    const RowGroup& group = partition.row_groups[group_index];
    const bool settled = group.SettledFor(snapshot);
    if (settled && group.num_rows == group.num_dead) continue;
    // Settled groups without dead rows (the common case) are read whole unless filtered; others row by row.
    const bool whole = settled && group.num_dead == 0 && !filtered;
    std::vector<sel_t> live;
    if (!whole) {
      const bool all_visible = settled && group.num_dead == 0;
      for (idx_t row = 0; row < group.num_rows; ++row) {
        const bool visible = all_visible || (settled ? !IsDead(group.begin[row], group.end[row])
                                                     : snapshot.Sees(group.begin[row], group.end[row]));
        if (visible) live.push_back(static_cast<sel_t>(row));
      }
      if (filtered) live.resize(ApplyFilter(group, *filter, live.data(), live.size()));
      if (live.empty()) continue;
    }
    out->columns.clear();
    for (int column : column_ids) {
      const Vector& source = group.columns[column];
      out->columns.push_back(whole ? source : source.Gather(live.data(), live.size()));
    }
    out->num_rows = whole ? group.num_rows : live.size();
    if (row_ids != nullptr) {
      row_ids->clear();
      const int64_t base = static_cast<int64_t>(group_index * kBatchSize);
      if (whole) {
        for (idx_t row = 0; row < group.num_rows; ++row) row_ids->push_back(MakeRowId(partition_index, base + row));
      } else {
        for (sel_t row : live) row_ids->push_back(MakeRowId(partition_index, base + row));
      }
    }
    return true;
  }
  return false;
}

idx_t TableData::ApplyFilter(const RowGroup& group, const ScanFilter& filter, sel_t* selection, idx_t count) {
  for (const ScanPredicate& predicate : filter.predicates) {
    if (count == 0) break;
    if (predicate.column < 0 || static_cast<size_t>(predicate.column) >= group.columns.size()) continue;
    const Vector& column = group.columns[predicate.column];
    if (predicate.kind == ScanPredicateKind::kCompare &&
        GetPhysicalType(predicate.constant.type()) != column.physical_type()) {
      continue;
    }
    count = FilterSelection(column, predicate, selection, count);
  }
  return count;
}

Value TableData::Fetch(RowId row, int column) const {
  const Partition& partition = *partitions_[RowIdPartition(row)];
  std::shared_lock lock(partition.mutex);
  const int64_t offset = RowIdOffset(row);
  return partition.row_groups[offset / kBatchSize].columns[column].GetValue(offset % kBatchSize);
}

TableData::RowVersion TableData::Version(RowId row) const {
  const Partition& partition = *partitions_[RowIdPartition(row)];
  std::shared_lock lock(partition.mutex);
  const int64_t offset = RowIdOffset(row);
  if (static_cast<size_t>(offset / kBatchSize) >= partition.row_groups.size()) return RowVersion{};
  const RowGroup& group = partition.row_groups[offset / kBatchSize];
  return RowVersion{group.begin[offset % kBatchSize], group.end[offset % kBatchSize]};
}

bool TableData::IsVisible(RowId row, const Snapshot& snapshot) const {
  const RowVersion version = Version(row);
  return snapshot.Sees(version.begin, version.end);
}

TableData::DeleteResult TableData::Delete(RowId row, Stamp txn_id, bool by_update, Stamp* holder) {
  Partition& partition = *partitions_[RowIdPartition(row)];
  std::unique_lock lock(partition.mutex);
  const int64_t offset = RowIdOffset(row);
  RowGroup& group = partition.row_groups[offset / kBatchSize];
  const idx_t row_in_group = static_cast<idx_t>(offset % kBatchSize);
  const Stamp end = group.end[row_in_group];
  if (group.begin[row_in_group] == kNever || end == txn_id) return DeleteResult::kGone;
  if (end != kNever) {
    *holder = end;
    return DeleteResult::kConflict;
  }
  group.SetStamp(row_in_group, true, txn_id);
  group.updated[row_in_group] = by_update ? 1 : 0;
  return DeleteResult::kDeleted;
}

bool TableData::DeletedByUpdate(RowId row) const {
  const Partition& partition = *partitions_[RowIdPartition(row)];
  std::shared_lock lock(partition.mutex);
  const int64_t offset = RowIdOffset(row);
  return partition.row_groups[offset / kBatchSize].updated[offset % kBatchSize] != 0;
}

void TableData::Restamp(const std::vector<RowId>& rows, bool end_stamp, Stamp from, Stamp to) {
  // Round-robin tables interleave partitions row by row: sort the rows by partition first, so that each
  // partition is locked once.
  std::vector<std::vector<int64_t>> offsets_of(partitions_.size());
  for (RowId row : rows) offsets_of[RowIdPartition(row)].push_back(RowIdOffset(row));
  for (size_t partition_index = 0; partition_index < partitions_.size(); ++partition_index) {
    if (offsets_of[partition_index].empty()) continue;
    Partition& partition = *partitions_[partition_index];
    std::unique_lock lock(partition.mutex);
    for (int64_t offset : offsets_of[partition_index]) {
      if (static_cast<size_t>(offset / kBatchSize) >= partition.row_groups.size()) continue;  // truncated
      RowGroup& group = partition.row_groups[offset / kBatchSize];
      const idx_t row = static_cast<idx_t>(offset % kBatchSize);
      if (row >= group.num_rows) continue;
      if ((end_stamp ? group.end[row] : group.begin[row]) == from) group.SetStamp(row, end_stamp, to);
    }
  }
  if (IsCsn(to)) change_count_.fetch_add(1, std::memory_order_acq_rel);
}

void TableData::SetColumnIds(std::vector<uint32_t> ids, uint32_t next_id) {
  TESSERA_CHECK(ids.size() == column_types_.size());
  column_ids_ = std::move(ids);
  next_column_id_ = next_id;
}

Batch TableData::Gather(const std::vector<RowId>& rows) const {
  Batch batch;
  for (const auto& type : column_types_) {
    batch.columns.emplace_back(type);
    batch.columns.back().Reserve(rows.size());
  }
  batch.num_rows = rows.size();
  std::vector<sel_t> selection;
  for (size_t index = 0; index < rows.size();) {
    // Copy the run of rows that lie in one row group with one Append per column.
    const int partition = RowIdPartition(rows[index]);
    const int64_t group_index = RowIdOffset(rows[index]) / kBatchSize;
    selection.clear();
    for (; index < rows.size() && RowIdPartition(rows[index]) == partition &&
           RowIdOffset(rows[index]) / kBatchSize == group_index;
         ++index) {
      selection.push_back(static_cast<sel_t>(RowIdOffset(rows[index]) % kBatchSize));
    }
    std::shared_lock lock(partitions_[partition]->mutex);
    const RowGroup& group = partitions_[partition]->row_groups[group_index];
    for (size_t column = 0; column < column_types_.size(); ++column) {
      batch.columns[column].Append(group.columns[column], selection.data(), selection.size());
    }
  }
  return batch;
}

void TableData::Place(const std::vector<RowId>& rows, const Batch& batch, Stamp begin) {
  for (size_t index = 0; index < rows.size();) {
    Partition& partition = *partitions_[RowIdPartition(rows[index])];
    std::unique_lock lock(partition.mutex);
    const int64_t offset = RowIdOffset(rows[index]);
    const size_t group_index = static_cast<size_t>(offset / kBatchSize);
    while (partition.row_groups.size() <= group_index) {
      if (!partition.row_groups.empty()) FillHoles(partition.row_groups.back(), kBatchSize);
      partition.row_groups.push_back(NewRowGroup());
    }
    RowGroup& group = partition.row_groups[group_index];
    const idx_t row = static_cast<idx_t>(offset % kBatchSize);
    if (row >= group.num_rows) {
      // Past the end: append a run of consecutive ids of this group at once.
      FillHoles(group, row);
      size_t run = 1;
      while (index + run < rows.size() && rows[index + run] == rows[index] + static_cast<RowId>(run) &&
             row + run < kBatchSize) {
        ++run;
      }
      std::vector<sel_t> selection(run);
      for (size_t k = 0; k < run; ++k) selection[k] = static_cast<sel_t>(index + k);
      for (size_t column = 0; column < group.columns.size(); ++column) {
        group.columns[column].AppendCopy(batch.columns[column], selection.data(), run);
      }
      group.num_rows += run;
      group.begin.resize(group.num_rows, kNever);
      group.end.resize(group.num_rows, kNever);
      group.updated.resize(group.num_rows, 0);
      group.num_dead += run;  // counted dead until stamped below
      for (size_t k = 0; k < run; ++k) group.SetStamp(row + k, false, begin);
      index += run;
    } else {
      // A slot an earlier-numbered row left as a hole (its transaction committed later).
      for (size_t column = 0; column < group.columns.size(); ++column) {
        group.columns[column].SetValue(row, batch.columns[column].GetValue(index));
      }
      group.SetStamp(row, false, begin);
      ++index;
    }
  }
  change_count_.fetch_add(1, std::memory_order_acq_rel);
}

void TableData::FillHoles(RowGroup& group, idx_t num_rows) const {
  if (group.num_rows >= num_rows) return;
  const idx_t holes = num_rows - group.num_rows;
  for (size_t column = 0; column < group.columns.size(); ++column) {
    group.columns[column].Append(Vector::Constant(Value::Null(column_types_[column]), holes));
  }
  group.num_rows = num_rows;
  group.begin.resize(num_rows, kNever);
  group.end.resize(num_rows, kNever);
  group.updated.resize(num_rows, 0);
  group.num_dead += holes;
}

int64_t TableData::CountLiveRows() const {
  int64_t total = 0;
  for (const auto& partition : partitions_) {
    std::shared_lock lock(partition->mutex);
    for (const auto& group : partition->row_groups) total += static_cast<int64_t>(group.num_rows - group.num_dead);
  }
  return total;
}

void TableData::Truncate() {
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    partition->row_groups.clear();
  }
}

void TableData::AddColumn(const LogicalType& type, const std::function<Vector(idx_t num_rows)>& fill) {
  column_types_.push_back(type);
  column_ids_.push_back(next_column_id_++);
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    for (auto& group : partition->row_groups) {
      Vector typed(type);
      typed.Append(fill(group.num_rows));
      group.columns.push_back(std::move(typed));
    }
  }
}

TableData::DetachedColumn TableData::DropColumn(int column) {
  DetachedColumn detached;
  detached.type = column_types_[column];
  detached.id = column_ids_[column];
  column_types_.erase(column_types_.begin() + column);
  column_ids_.erase(column_ids_.begin() + column);
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    auto& saved = detached.row_groups.emplace_back();
    for (auto& group : partition->row_groups) {
      saved.push_back(std::move(group.columns[column]));
      group.columns.erase(group.columns.begin() + column);
    }
  }
  return detached;
}

void TableData::RestoreColumn(int column, DetachedColumn detached) {
  column_types_.insert(column_types_.begin() + column, detached.type);
  column_ids_.insert(column_ids_.begin() + column, detached.id);
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  for (size_t partition = 0; partition < partitions_.size(); ++partition) {
    std::unique_lock lock(partitions_[partition]->mutex);
    auto& groups = partitions_[partition]->row_groups;
    auto& saved = detached.row_groups[partition];
    for (size_t group = 0; group < groups.size(); ++group) {
      Vector values = group < saved.size() ? std::move(saved[group]) : Vector(detached.type);
      if (values.size() < groups[group].num_rows) {
        values.Append(Vector::Constant(Value::Null(detached.type), groups[group].num_rows - values.size()));
      }
      groups[group].columns.insert(groups[group].columns.begin() + column, std::move(values));
    }
  }
}

}  // namespace tessera::storage
