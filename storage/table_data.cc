// SPDX-License-Identifier: Apache-2.0
// Partitioned row groups: the delta in memory, frozen runs in segment files.
#include "storage/table_data.h"

#include <algorithm>
#include <mutex>
#include <numeric>

#include "base/check.h"
#include "storage/frozen_segment.h"
#include "storage/hash.h"
#include "storage/segment_scan.h"

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

// The rows of a frozen row group `snapshot` sees, from its stamps alone: all of them while none was
// deleted or aborted (`end` empty), which is the common case.
template <typename FrozenGroup>
idx_t CountVisibleFrozen(const FrozenGroup& group, const Snapshot& snapshot) {
  if (group.end.empty()) return group.num_rows;
  idx_t visible = 0;
  for (idx_t row = 0; row < group.num_rows; ++row) visible += snapshot.Sees(group.Begin(row), group.End(row));
  return visible;
}

}  // namespace

void TableData::RowGroup::SetStamp(idx_t row, bool end_stamp, Stamp stamp) {
  const bool was_dead = IsDead(Begin(row), End(row));
  const idx_t was_pending = PendingStamps(Begin(row), End(row));
  if (frozen()) {
    if (!end_stamp || Begin(row) == kNever) return;
    if (end.empty()) {
      end.assign(num_rows, kNever);
      updated.assign(num_rows, 0);
    }
    end[row] = stamp;
  } else {
    (end_stamp ? end : begin)[row] = stamp;
  }
  num_dead = num_dead - (was_dead ? 1 : 0) + (IsDead(Begin(row), End(row)) ? 1 : 0);
  num_pending = num_pending - was_pending + PendingStamps(Begin(row), End(row));
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
    if (position.delta_only && position.row_group < partition.frozen_groups) position.row_group = partition.frozen_groups;
    if (position.row_group >= partition.row_groups.size()) break;
    if (partition.row_groups[position.row_group].frozen() && !position.segment && column_ids.empty() && !filtered &&
        row_ids == nullptr) {
      // Rows without columns (count(*)): a frozen row group's number of visible rows, no chunk read.
      out->columns.clear();
      out->dictionary_codes.clear();
      out->num_rows = CountVisibleFrozen(partition.row_groups[position.row_group++], snapshot);
      if (out->num_rows > 0) return true;
      continue;
    }
    if (partition.row_groups[position.row_group].frozen()) {
      if (ScanFrozen(partition, partition_index, position, column_ids, snapshot, out, row_ids, filter)) return true;
      continue;
    }
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
    out->dictionary_codes.clear();
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

struct SegmentCursor {
  // Scans `frozen` from segment row `first_row` on. A reordered segment is read whole, with its row
  // number column after `column_ids`, and its rows before `first_row` are dropped.
  SegmentCursor(std::shared_ptr<const FrozenSegment> frozen, std::vector<int> column_ids, ScanFilter filter,
                uint64_t first_row)
      : segment(std::move(frozen)),
        scan(segment->reader, WithRowNumbers(*segment, std::move(column_ids)), std::move(filter),
             segment->reordered ? 0 : first_row, segment),
        first_row(first_row) {}

  static std::vector<int> WithRowNumbers(const FrozenSegment& segment, std::vector<int> column_ids) {
    if (segment.reordered) column_ids.push_back(static_cast<int>(segment.num_columns()));
    return column_ids;
  }

  // Reordered segments: moves the row number column of `out` into row_numbers (file row numbers
  // until then), checking each.
  void TakeRowNumbers(Batch* out) {
    if (!segment->reordered) return;
    const Vector& numbers = out->columns.back();
    for (idx_t row = 0; row < out->num_rows; ++row) row_numbers[row] = RowNumber(numbers, row);
    out->columns.pop_back();
    if (out->dictionary_codes.size() > out->columns.size()) out->dictionary_codes.resize(out->columns.size());
  }

  // Reordered segments: the segment row number of file row `row` of a row number column, checked.
  uint64_t RowNumber(const Vector& numbers, idx_t row) const {
    const auto number = static_cast<uint64_t>(static_cast<uint32_t>(numbers.Data<int32_t>()[row]));
    if (numbers.IsNull(row) || number >= segment->reader.num_rows()) {
      throw SqlError(SqlState::kDataCorrupted,
                     "segment file \"" + segment->reader.path() + "\" has an invalid row number");
    }
    return number;
  }

  std::shared_ptr<const FrozenSegment> segment;
  SegmentScan scan;
  uint64_t first_row;
  std::vector<uint64_t> row_numbers;
  SegmentScanStats reported;  // the part of scan.stats() already added to the position
  // Read with NextRowGroup (TableData::ScanEncoded), not Next; `visible` holds a row group's visible rows
  // when some of its selected rows are not.
  bool encoded = false;
  std::vector<sel_t> visible;
  Vector file_row_numbers;  // reordered segments: the row number column of the current row group

  // Adds what the scan did since the last call to `position`'s figures.
  void Report(ScanPosition& position) {
    const SegmentScanStats& stats = scan.stats();
    position.segment_row_groups += stats.row_groups - reported.row_groups;
    position.segment_row_groups_skipped += stats.row_groups_skipped - reported.row_groups_skipped;
    reported = stats;
  }
};

void TableData::StartSegmentCursor(const Partition& partition, ScanPosition& position,
                                   const std::vector<int>& column_ids, const ScanFilter* filter, bool encoded) const {
  // A cursor goes on over the segment it started on even if the run is rewritten meanwhile: the rows
  // are the same.
  const auto& segment = partition.row_groups[position.row_group].segment;
  ScanFilter usable;
  if (filter != nullptr) {
    for (const ScanPredicate& predicate : filter->predicates) {
      if (predicate.column < 0 || static_cast<size_t>(predicate.column) >= column_types_.size()) continue;
      if (PredicateApplies(predicate, GetPhysicalType(column_types_[predicate.column]))) {
        usable.predicates.push_back(predicate);
      }
    }
    // A reordered segment's file rows are not its segment rows (the visibility check's numbering): its
    // scans are not narrowed.
    const std::optional<NearestRows>& nearest = filter->nearest;
    if (nearest && nearest->bound && !encoded && !segment->reordered && nearest->column >= 0 &&
        static_cast<size_t>(nearest->column) < column_types_.size() &&
        column_types_[nearest->column].id == TypeId::kVector) {
      usable.nearest = nearest;
    }
  }
  const uint64_t first_row = (position.row_group - segment->first_group) * kBatchSize;
  position.segment = std::make_shared<SegmentCursor>(segment, column_ids, std::move(usable), first_row);
  position.segment->encoded = encoded;
}

bool TableData::ScanFrozen(const Partition& partition, int partition_index, ScanPosition& position,
                           const std::vector<int>& column_ids, const Snapshot& snapshot, Batch* out,
                           std::vector<RowId>* row_ids, const ScanFilter* filter) const {
  if (!position.segment) StartSegmentCursor(partition, position, column_ids, filter, false);
  SegmentCursor& cursor = *position.segment;
  const uint64_t first_offset = cursor.segment->first_offset();
  // The rows this scan returns (see the loop below), which alone set a nearest-rows threshold.
  const auto returned = [&](uint64_t row_number) {
    if (row_number < cursor.first_row) return false;
    const uint64_t offset = first_offset + row_number;
    const auto group_index = static_cast<size_t>(offset / kBatchSize);
    return group_index < partition.row_groups.size() &&
           partition.row_groups[group_index].SeenBy(snapshot, static_cast<idx_t>(offset % kBatchSize));
  };
  for (;;) {
    bool done = false;
    // `returned` refers to this call's locals: the scan holds it only while Next runs, even if it throws
    // (`held` keeps the cursor alive until then, also past the reset at the segment's end).
    const auto held = position.segment;
    struct Forget {
      SegmentScan& scan;
      ~Forget() { scan.SetRowsThatCount(nullptr); }
    } forget{held->scan};
    if (cursor.scan.narrows_to_nearest()) cursor.scan.SetRowsThatCount(returned);
    cursor.scan.Next(out, &cursor.row_numbers, &done).ThrowIfError();
    cursor.Report(position);
    if (done) {
      position.row_group = cursor.segment->first_group + cursor.segment->num_groups;
      position.segment.reset();
      return false;
    }
    cursor.TakeRowNumbers(out);
    // The delete vectors of the row groups the rows belong to.
    sel_t keep[kBatchSize];
    idx_t kept = 0;
    const RowGroup* group = nullptr;
    size_t group_index = SIZE_MAX;
    for (idx_t row = 0; row < out->num_rows; ++row) {
      if (cursor.row_numbers[row] < cursor.first_row) continue;  // reordered: read before the run froze
      const uint64_t offset = first_offset + cursor.row_numbers[row];
      if (offset / kBatchSize != group_index) {
        group_index = static_cast<size_t>(offset / kBatchSize);
        if (group_index >= partition.row_groups.size()) break;  // truncated meanwhile
        group = &partition.row_groups[group_index];
      }
      const idx_t in_group = static_cast<idx_t>(offset % kBatchSize);
      if (group->SeenBy(snapshot, in_group)) {
        keep[kept] = static_cast<sel_t>(row);
        cursor.row_numbers[kept++] = cursor.row_numbers[row];
      }
    }
    if (kept < out->num_rows) {
      out->Compact(keep, kept);
      cursor.row_numbers.resize(kept);
    }
    if (kept == 0) continue;
    if (row_ids != nullptr) {
      row_ids->resize(kept);
      for (idx_t row = 0; row < kept; ++row) {
        (*row_ids)[row] = MakeRowId(partition_index, static_cast<int64_t>(first_offset + cursor.row_numbers[row]));
      }
    }
    return true;
  }
}

ScanPiece TableData::ScanEncoded(int partition_index, ScanPosition& position, const std::vector<int>& column_ids,
                                 const Snapshot& snapshot, Batch* out, EncodedRows* encoded,
                                 const ScanFilter* filter) const {
  {
    const Partition& partition = *partitions_[partition_index];
    std::shared_lock lock(partition.mutex);
    while (position.segment || position.row_group < partition.frozen_groups) {
      if (!position.segment) {
        const FrozenSegment& segment = *partition.row_groups[position.row_group].segment;
        StartSegmentCursor(partition, position, column_ids, filter, position.row_group == segment.first_group);
      }
      if (!position.segment->encoded) {
        if (ScanFrozen(partition, partition_index, position, column_ids, snapshot, out, nullptr, filter)) {
          return ScanPiece::kBatch;
        }
        continue;
      }
      if (NextEncoded(partition, position, snapshot, encoded)) return ScanPiece::kEncoded;
    }
  }
  return Scan(partition_index, position, column_ids, snapshot, out, nullptr, filter) ? ScanPiece::kBatch
                                                                                     : ScanPiece::kEnd;
}

bool TableData::NextEncoded(const Partition& partition, ScanPosition& position, const Snapshot& snapshot,
                            EncodedRows* encoded) const {
  SegmentCursor& cursor = *position.segment;
  const FrozenSegment& segment = *cursor.segment;
  for (;;) {
    EncodedRowGroup group;
    bool done = false;
    cursor.scan.NextRowGroup(&group, &done).ThrowIfError();
    cursor.Report(position);
    const size_t end_group = segment.first_group + segment.num_groups;
    if (done || end_group > partition.row_groups.size()) {  // the end, or truncated meanwhile
      position.row_group = end_group;
      position.segment.reset();
      return false;
    }
    // The table row groups the rows may come from (a reordered segment's rows come from the whole run),
    // checked for deleted or aborted rows first: the common case has none, and every row is visible.
    const uint64_t first_offset = segment.first_offset();
    size_t first_group = segment.first_group;
    size_t last_group = end_group - 1;
    if (!segment.reordered) {
      first_group = static_cast<size_t>((first_offset + group.first_row) / kBatchSize);
      last_group = static_cast<size_t>((first_offset + group.first_row + group.num_rows - 1) / kBatchSize);
    }
    bool all_visible = true;
    for (size_t index = first_group; index <= last_group && all_visible; ++index) {
      all_visible = partition.row_groups[index].end.empty();
    }
    encoded->num_rows = group.num_rows;
    encoded->chunks.assign(group.chunks.begin(), group.chunks.end() - (segment.reordered ? 1 : 0));
    if (all_visible) {
      encoded->selection = group.selection == nullptr ? nullptr : group.selection->data();
      encoded->count = group.selection == nullptr ? group.num_rows : group.selection->size();
      return true;
    }
    if (segment.reordered) {
      cursor.file_row_numbers = Vector(SegmentRowNumberType());
      group.chunks.back()->Decode(&cursor.file_row_numbers);
    }
    const idx_t selected = group.selection == nullptr ? group.num_rows : group.selection->size();
    cursor.visible.clear();
    for (idx_t index = 0; index < selected; ++index) {
      const sel_t row = group.selection == nullptr ? static_cast<sel_t>(index) : (*group.selection)[index];
      const uint64_t segment_row =
          segment.reordered ? cursor.RowNumber(cursor.file_row_numbers, row) : group.first_row + row;
      const uint64_t offset = first_offset + segment_row;
      const RowGroup& owner = partition.row_groups[offset / kBatchSize];
      if (owner.SeenBy(snapshot, static_cast<idx_t>(offset % kBatchSize))) cursor.visible.push_back(row);
    }
    if (cursor.visible.empty()) continue;
    encoded->selection = cursor.visible.data();
    encoded->count = cursor.visible.size();
    return true;
  }
}

idx_t TableData::ApplyFilter(const RowGroup& group, const ScanFilter& filter, sel_t* selection, idx_t count) {
  for (const ScanPredicate& predicate : filter.predicates) {
    if (count == 0) break;
    if (predicate.column < 0 || static_cast<size_t>(predicate.column) >= group.columns.size()) continue;
    const Vector& column = group.columns[predicate.column];
    if (!PredicateApplies(predicate, column.physical_type())) continue;
    count = FilterSelection(column, predicate, selection, count);
  }
  return count;
}

Value TableData::Fetch(RowId row, int column) const {
  const Partition& partition = *partitions_[RowIdPartition(row)];
  std::shared_lock lock(partition.mutex);
  const int64_t offset = RowIdOffset(row);
  const RowGroup& group = partition.row_groups[offset / kBatchSize];
  if (!group.frozen()) return group.columns[column].GetValue(offset % kBatchSize);
  const uint64_t segment_row = static_cast<uint64_t>(offset) - group.segment->first_offset();
  Vector value(column_types_[column]);
  AppendFrozenRows(group.segment, column, &segment_row, 1, &value);
  return value.GetValue(0);
}

TableData::RowVersion TableData::Version(RowId row) const {
  const Partition& partition = *partitions_[RowIdPartition(row)];
  std::shared_lock lock(partition.mutex);
  const int64_t offset = RowIdOffset(row);
  if (static_cast<size_t>(offset / kBatchSize) >= partition.row_groups.size()) return RowVersion{};
  const RowGroup& group = partition.row_groups[offset / kBatchSize];
  if (static_cast<idx_t>(offset % kBatchSize) >= group.num_rows) return RowVersion{};
  return RowVersion{group.Begin(offset % kBatchSize), group.End(offset % kBatchSize)};
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
  const Stamp end = group.End(row_in_group);
  if (group.Begin(row_in_group) == kNever || end == txn_id) return DeleteResult::kGone;
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
  const RowGroup& group = partition.row_groups[offset / kBatchSize];
  return !group.updated.empty() && group.updated[offset % kBatchSize] != 0;
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
      if ((end_stamp ? group.End(row) : group.Begin(row)) == from) group.SetStamp(row, end_stamp, to);
    }
  }
  if (IsCsn(to)) change_count_.fetch_add(1, std::memory_order_acq_rel);
}

void TableData::MarkDeletedByUpdate(const std::vector<RowId>& rows) {
  for (RowId row : rows) {
    Partition& partition = *partitions_[RowIdPartition(row)];
    std::unique_lock lock(partition.mutex);
    const int64_t offset = RowIdOffset(row);
    if (static_cast<size_t>(offset / kBatchSize) >= partition.row_groups.size()) continue;
    RowGroup& group = partition.row_groups[offset / kBatchSize];
    const idx_t row_in_group = static_cast<idx_t>(offset % kBatchSize);
    if (row_in_group < group.updated.size()) group.updated[row_in_group] = 1;
  }
}

void TableData::SetColumnIds(std::vector<uint32_t> ids, uint32_t next_id) {
  TESSERA_CHECK(ids.size() == column_types_.size());
  column_ids_ = std::move(ids);
  next_column_id_ = next_id;
}

void TableData::SetSortColumns(const std::vector<int>& columns) {
  sort_column_ids_.clear();
  for (int column : columns) sort_column_ids_.push_back(column_ids_.at(static_cast<size_t>(column)));
}

std::vector<int> TableData::SortColumns() const {
  std::vector<int> columns;
  for (uint32_t id : sort_column_ids_) {
    auto found = std::find(column_ids_.begin(), column_ids_.end(), id);
    if (found != column_ids_.end()) columns.push_back(static_cast<int>(found - column_ids_.begin()));
  }
  return columns;
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
    const size_t group_index = static_cast<size_t>(RowIdOffset(rows[index])) / kBatchSize;
    selection.clear();
    for (; index < rows.size() && RowIdPartition(rows[index]) == partition &&
           static_cast<size_t>(RowIdOffset(rows[index])) / kBatchSize == group_index;
         ++index) {
      selection.push_back(static_cast<sel_t>(RowIdOffset(rows[index]) % kBatchSize));
    }
    std::shared_lock lock(partitions_[partition]->mutex);
    const RowGroup& group = partitions_[partition]->row_groups[group_index];
    if (group.frozen()) {
      const uint64_t base = static_cast<uint64_t>(group_index) * kBatchSize - group.segment->first_offset();
      std::vector<uint64_t> segment_rows(selection.begin(), selection.end());
      for (uint64_t& row : segment_rows) row += base;
      for (size_t column = 0; column < column_types_.size(); ++column) {
        AppendFrozenRows(group.segment, static_cast<int>(column), segment_rows.data(), segment_rows.size(),
                         &batch.columns[column]);
      }
      continue;
    }
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
    TESSERA_CHECK(!group.frozen());  // frozen row groups hold only rows settled before the checkpoint
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
  schema_epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    partition->row_groups.clear();
    partition->frozen_groups = 0;
  }
}

void TableData::AddColumn(const LogicalType& type, const std::function<Vector(idx_t num_rows)>& fill) {
  ThawAll();
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
  ThawAll();
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
  ThawAll();
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

std::vector<FreezeRun> TableData::FreezeCandidates(Stamp horizon, size_t min_groups, size_t max_groups,
                                                   bool pad) const {
  std::vector<FreezeRun> runs;
  const uint64_t epoch = schema_epoch_.load(std::memory_order_acquire);
  for (size_t partition_index = 0; partition_index < partitions_.size(); ++partition_index) {
    const Partition& partition = *partitions_[partition_index];
    std::shared_lock lock(partition.mutex);
    const auto& groups = partition.row_groups;
    size_t end = partition.frozen_groups;
    while (end < groups.size() && end - partition.frozen_groups < max_groups) {
      const RowGroup& group = groups[end];
      const bool full = group.num_rows == kBatchSize || (pad && end + 1 == groups.size() && group.num_rows > 0);
      if (!full || group.num_pending != 0 || group.max_csn > horizon) break;
      ++end;
    }
    const size_t count = end - partition.frozen_groups;
    if (count > 0 && count >= min_groups) {
      runs.push_back(FreezeRun{static_cast<int>(partition_index), partition.frozen_groups, count, epoch});
    }
  }
  return runs;
}

std::vector<Vector> TableData::FreezeColumns(const FreezeRun& run, bool pad) {
  Partition& partition = *partitions_[run.partition];
  std::unique_lock lock(partition.mutex);
  std::vector<Vector> columns;
  if (schema_epoch_.load(std::memory_order_acquire) != run.schema_epoch || partition.frozen_groups != run.first_group ||
      partition.row_groups.size() < run.first_group + run.num_groups) {
    return columns;
  }
  for (size_t index = run.first_group; index < run.first_group + run.num_groups; ++index) {
    RowGroup& group = partition.row_groups[index];
    // Appends may have reached the partial last group since the run was found.
    if (group.num_pending != 0) return columns;
    if (group.num_rows < kBatchSize) {
      if (!pad || index + 1 != partition.row_groups.size()) return columns;
      FillHoles(group, kBatchSize);
    }
  }
  for (size_t column = 0; column < column_types_.size(); ++column) {
    Vector values(column_types_[column]);
    values.Reserve(run.num_groups * kBatchSize);
    for (size_t index = run.first_group; index < run.first_group + run.num_groups; ++index) {
      values.Append(partition.row_groups[index].columns[column]);
    }
    columns.push_back(std::move(values));
  }
  return columns;
}

bool TableData::Freeze(const FreezeRun& run, std::shared_ptr<const FrozenSegment> segment) {
  Partition& partition = *partitions_[run.partition];
  std::unique_lock lock(partition.mutex);
  if (schema_epoch_.load(std::memory_order_acquire) != run.schema_epoch || partition.frozen_groups != run.first_group ||
      partition.row_groups.size() < run.first_group + run.num_groups) {
    return false;
  }
  for (size_t index = run.first_group; index < run.first_group + run.num_groups; ++index) {
    if (partition.row_groups[index].num_rows != kBatchSize) return false;
  }
  // Rows are never written again once full and settled: only `end` stamps may have moved since
  // FreezeColumns, and those stay in memory.
  for (size_t index = run.first_group; index < run.first_group + run.num_groups; ++index) {
    RowGroup& group = partition.row_groups[index];
    bool all_live = true;
    for (idx_t row = 0; row < group.num_rows && all_live; ++row) all_live = group.begin[row] != kNever && group.end[row] == kNever;
    if (all_live) {
      std::vector<Stamp>().swap(group.end);
      std::vector<uint8_t>().swap(group.updated);
    } else {
      for (idx_t row = 0; row < group.num_rows; ++row) {
        if (group.begin[row] == kNever) group.end[row] = kAbortedInsert;
      }
    }
    std::vector<Vector>().swap(group.columns);
    std::vector<Stamp>().swap(group.begin);
    group.segment = segment;
  }
  partition.frozen_groups += run.num_groups;
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

std::vector<MergeRun> TableData::MergeCandidates(size_t max_groups, size_t min_segments) const {
  std::vector<MergeRun> runs;
  const auto segments = FrozenSegments();
  for (size_t partition = 0; partition < segments.size(); ++partition) {
    MergeRun run{static_cast<int>(partition), {}};
    size_t groups = 0;
    auto finish = [&] {
      if (run.segments.size() >= min_segments) runs.push_back(run);
      run.segments.clear();
      groups = 0;
    };
    for (const auto& segment : segments[partition]) {
      if (segment->num_groups >= max_groups) {
        finish();
        continue;
      }
      if (groups + segment->num_groups > max_groups) finish();
      run.segments.push_back(segment);
      groups += segment->num_groups;
    }
    finish();
  }
  return runs;
}

bool TableData::ReplaceFrozen(const MergeRun& run, std::shared_ptr<const FrozenSegment> merged) {
  Partition& partition = *partitions_[run.partition];
  std::unique_lock lock(partition.mutex);
  size_t group = merged->first_group;
  for (const auto& segment : run.segments) {
    if (segment->first_group != group || group + segment->num_groups > partition.frozen_groups) return false;
    for (size_t index = 0; index < segment->num_groups; ++index) {
      if (partition.row_groups[group + index].segment != segment) return false;
    }
    group += segment->num_groups;
  }
  if (group != merged->first_group + merged->num_groups) return false;
  for (size_t index = merged->first_group; index < group; ++index) partition.row_groups[index].segment = merged;
  change_count_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

size_t TableData::FrozenGroups(int partition) const {
  std::shared_lock lock(partitions_[partition]->mutex);
  return partitions_[partition]->frozen_groups;
}

std::vector<std::vector<std::shared_ptr<const FrozenSegment>>> TableData::FrozenSegments() const {
  std::vector<std::vector<std::shared_ptr<const FrozenSegment>>> segments(partitions_.size());
  for (size_t partition_index = 0; partition_index < partitions_.size(); ++partition_index) {
    const Partition& partition = *partitions_[partition_index];
    std::shared_lock lock(partition.mutex);
    for (size_t index = 0; index < partition.frozen_groups; ++index) {
      const auto& segment = partition.row_groups[index].segment;
      if (segments[partition_index].empty() || segments[partition_index].back() != segment) {
        segments[partition_index].push_back(segment);
      }
    }
  }
  return segments;
}

std::vector<RowId> TableData::FrozenDeadRows(Stamp csn) const {
  std::vector<RowId> rows;
  for (size_t partition_index = 0; partition_index < partitions_.size(); ++partition_index) {
    const Partition& partition = *partitions_[partition_index];
    std::shared_lock lock(partition.mutex);
    for (size_t index = 0; index < partition.frozen_groups; ++index) {
      const RowGroup& group = partition.row_groups[index];
      for (idx_t row = 0; row < group.end.size(); ++row) {
        const Stamp end = group.end[row];
        if (end == kAbortedInsert || (IsCsn(end) && end <= csn)) {
          rows.push_back(MakeRowId(static_cast<int>(partition_index), static_cast<int64_t>(index * kBatchSize + row)));
        }
      }
    }
  }
  return rows;
}

void TableData::AttachFrozen(int partition_index, std::shared_ptr<const FrozenSegment> segment) {
  Partition& partition = *partitions_[partition_index];
  std::unique_lock lock(partition.mutex);
  TESSERA_CHECK(partition.frozen_groups == partition.row_groups.size() &&
                segment->first_group == partition.row_groups.size());
  for (size_t index = 0; index < segment->num_groups; ++index) {
    RowGroup group;
    group.num_rows = kBatchSize;
    group.segment = segment;
    partition.row_groups.push_back(std::move(group));
  }
  partition.frozen_groups += segment->num_groups;
  change_count_.fetch_add(1, std::memory_order_acq_rel);
}

bool TableData::MarkFrozenDead(const std::vector<RowId>& rows, Stamp end) {
  for (RowId row : rows) {
    if (row < 0 || RowIdPartition(row) >= num_partitions()) return false;
    Partition& partition = *partitions_[RowIdPartition(row)];
    std::unique_lock lock(partition.mutex);
    const auto group = static_cast<size_t>(RowIdOffset(row)) / kBatchSize;
    if (group >= partition.frozen_groups) return false;
    partition.row_groups[group].SetStamp(static_cast<idx_t>(RowIdOffset(row) % kBatchSize), true, end);
  }
  return true;
}

void TableData::Thaw(RowGroup& group, size_t group_index) const {
  std::vector<uint64_t> segment_rows(group.num_rows);
  std::iota(segment_rows.begin(), segment_rows.end(), group_index * kBatchSize - group.segment->first_offset());
  std::vector<Vector> columns;
  for (size_t column = 0; column < column_types_.size(); ++column) {
    columns.emplace_back(column_types_[column]);
    AppendFrozenRows(group.segment, static_cast<int>(column), segment_rows.data(), segment_rows.size(),
                     &columns.back());
  }
  std::vector<Stamp> begin(group.num_rows);
  std::vector<Stamp> end(group.num_rows);
  for (idx_t row = 0; row < group.num_rows; ++row) {
    begin[row] = group.Begin(row);
    end[row] = group.End(row);
  }
  if (group.updated.empty()) group.updated.assign(group.num_rows, 0);
  group.columns = std::move(columns);
  group.begin = std::move(begin);
  group.end = std::move(end);
  group.segment.reset();
}

void TableData::ThawAll() {
  schema_epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& partition : partitions_) {
    std::unique_lock lock(partition->mutex);
    for (size_t index = 0; index < partition->frozen_groups; ++index) Thaw(partition->row_groups[index], index);
    partition->frozen_groups = 0;
  }
}

}  // namespace tessera::storage
