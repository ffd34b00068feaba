// SPDX-License-Identifier: Apache-2.0
// Frozen row groups: a table's rows scanned, fetched and versioned the same before and after the flusher
// writes them to segment files, with deletes after the freeze, snapshots older than it, schema changes
// (thaw) and recovery's AttachFrozen / MarkFrozenDead.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/frozen_segment.h"
#include "storage/segment_writer.h"
#include "storage/table_data.h"
#include "storage/transaction.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

constexpr int kPartitions = 2;

std::vector<LogicalType> Types() { return {LogicalType(TypeId::kInt64), LogicalType(TypeId::kText)}; }

std::shared_ptr<TableData> MakeTable() { return std::make_shared<TableData>(Types(), kPartitions, 0); }

Batch Rows(int64_t first, int64_t count) {
  Batch batch(Types());
  for (int64_t value = first; value < first + count; ++value) {
    batch.columns[0].AppendValue(Value::Int64(value));
    batch.columns[1].AppendValue(value % 5 == 0 ? Value::Null(LogicalType(TypeId::kText))
                                                : Value::Text("v" + std::to_string(value % 97)));
  }
  batch.num_rows = static_cast<idx_t>(count);
  return batch;
}

// Every visible row as row id -> "value|text", with an optional filter.
std::map<RowId, std::string> Contents(const TableData& table, const Snapshot& snapshot,
                                      const ScanFilter* filter = nullptr) {
  std::map<RowId, std::string> rows;
  for (int partition = 0; partition < table.num_partitions(); ++partition) {
    ScanPosition position;
    Batch batch;
    std::vector<RowId> ids;
    while (table.Scan(partition, position, {0, 1}, snapshot, &batch, &ids, filter)) {
      REQUIRE(ids.size() == batch.num_rows);
      for (idx_t row = 0; row < batch.num_rows; ++row) {
        rows[ids[row]] = batch.columns[0].GetValue(row).ToString() + "|" + batch.columns[1].GetValue(row).ToString();
      }
    }
  }
  return rows;
}

// Inserts rows [first, first + count) in a transaction that commits, or aborts with `abort`.
std::vector<RowId> InsertRows(TransactionManager& manager, const std::shared_ptr<TableData>& table, int64_t first,
                              int64_t count, bool abort = false) {
  Transaction txn(manager);
  std::vector<RowId> ids = table->Append(Rows(first, count), txn.Id());
  txn.RecordWrite(table, ids, false);
  if (abort) {
    txn.Abort();
  } else {
    txn.Commit();
  }
  return ids;
}

// Writes a run's rows (row order) as a segment file the way Durability::WriteFrozen does: in the order
// of the table's sort key, if any.
std::shared_ptr<const FrozenSegment> WriteFrozen(const TableData& table, const std::string& directory,
                                                 const std::string& name, size_t first_group,
                                                 std::vector<Vector> columns) {
  ApplySortOrder(table.SortColumns(), &columns);
  std::vector<LogicalType> file_types = Types();
  if (columns.size() > file_types.size()) file_types.push_back(SegmentRowNumberType());
  SegmentWriteOptions options;
  options.row_group_size = 4 * kBatchSize;
  REQUIRE(WriteSegment(directory + "/" + name, file_types, columns, options, nullptr).ok());
  std::shared_ptr<const FrozenSegment> segment;
  REQUIRE(OpenFrozenSegment(directory, name, first_group, Types(), &segment).ok());
  return segment;
}

// Freezes every candidate run the way Durability::FreezeRun does; returns the number of runs frozen.
int FreezeAll(TableData& table, const std::string& directory, Stamp horizon, bool pad, int* file_number) {
  int frozen = 0;
  for (const FreezeRun& run : table.FreezeCandidates(horizon, 1, 512, pad)) {
    std::vector<Vector> columns = table.FreezeColumns(run, pad);
    if (columns.empty()) continue;
    const std::string name = "segment-" + std::to_string((*file_number)++) + ".seg";
    if (table.Freeze(run, WriteFrozen(table, directory, name, run.first_group, std::move(columns)))) ++frozen;
  }
  return frozen;
}

TEST_SUITE("frozen row groups") {
  TEST_CASE("scans, fetches and versions are the same before and after freezing") {
    TempDirectory directory;
    TransactionManager manager;
    manager.Recovered(1);
    auto table = MakeTable();
    SUBCASE("segments in row order") {}
    SUBCASE("segments ordered by a sort key (text with NULLs, then the number)") { table->SetSortColumns({1, 0}); }
    // 20,000 committed rows, 3,000 aborted ones in between, and some deleted before the freeze.
    InsertRows(manager, table, 0, 10000);
    InsertRows(manager, table, 100000, 3000, true);
    const std::vector<RowId> ids = InsertRows(manager, table, 10000, 10000);
    {
      Transaction txn(manager);
      Stamp holder = 0;
      for (size_t index = 0; index < ids.size(); index += 7) {
        REQUIRE(table->Delete(ids[index], txn.Id(), false, &holder) == TableData::DeleteResult::kDeleted);
        txn.RecordWrite(table, {ids[index]}, true);
      }
      txn.Commit();
    }
    const Snapshot latest = manager.TakeSnapshot(0);
    const auto before = Contents(*table, latest);
    const auto before_all = Contents(*table, Snapshot::AllVersions());
    ScanFilter filter;
    filter.predicates.push_back(ScanPredicate::Compare(0, CompareOp::kLess, Value::Int64(12345)));
    filter.predicates.push_back(ScanPredicate::IsNull(1, true));
    const auto before_filtered = Contents(*table, latest, &filter);

    int file_number = 0;
    CHECK(FreezeAll(*table, directory.path(), manager.SnapshotHorizon(), false, &file_number) > 0);
    CHECK(table->FrozenGroups(0) + table->FrozenGroups(1) > 0);
    for (const auto& partition : table->FrozenSegments()) {
      for (const auto& segment : partition) CHECK(segment->reordered == !table->SortColumns().empty());
    }
    CHECK(Contents(*table, latest) == before);
    CHECK(Contents(*table, Snapshot::AllVersions()) == before_all);
    // The filter is a hint: rows failing it may come back, rows passing it always do.
    const auto filtered = Contents(*table, latest, &filter);
    for (const auto& [row, text] : before_filtered) CHECK(filtered.count(row) == 1);
    for (const auto& [row, text] : filtered) CHECK(before.at(row) == text);

    // Point reads of frozen rows.
    for (size_t index = 0; index < ids.size(); index += 1001) {
      CHECK(table->Fetch(ids[index], 0).GetInt() == 10000 + static_cast<int64_t>(index));
      CHECK(table->IsVisible(ids[index], latest) == (index % 7 != 0));
    }
    const Batch gathered = table->Gather({ids[1], ids[2], ids[3000]});
    CHECK(gathered.columns[0].GetValue(2).GetInt() == 13000);

    // A delete after the freeze is versioned: an older snapshot still sees the row.
    const Snapshot old_snapshot = manager.TakeSnapshot(0);
    {
      Transaction txn(manager);
      Stamp holder = 0;
      REQUIRE(table->Delete(ids[1], txn.Id(), true, &holder) == TableData::DeleteResult::kDeleted);
      txn.RecordWrite(table, {ids[1]}, true);
      CHECK(table->Delete(ids[0], txn.Id(), false, &holder) == TableData::DeleteResult::kConflict);
      txn.Commit();
    }
    CHECK(table->IsVisible(ids[1], old_snapshot));
    CHECK_FALSE(table->IsVisible(ids[1], manager.TakeSnapshot(0)));
    CHECK(table->DeletedByUpdate(ids[1]));
    CHECK(Contents(*table, manager.TakeSnapshot(0)).size() == before.size() - 1);

    // Recovery: the segments attached to a fresh table, the checkpoint's dead rows marked.
    auto recovered = MakeTable();
    const auto segments = table->FrozenSegments();
    for (int partition = 0; partition < kPartitions; ++partition) {
      for (const auto& segment : segments[partition]) recovered->AttachFrozen(partition, segment);
    }
    CHECK(recovered->MarkFrozenDead(table->FrozenDeadRows(manager.published_csn()), 1));
    const auto frozen_now = Contents(*table, manager.TakeSnapshot(0));
    for (const auto& [row, text] : Contents(*recovered, manager.TakeSnapshot(0))) CHECK(frozen_now.at(row) == text);
    CHECK_FALSE(recovered->MarkFrozenDead({MakeRowId(0, 1 << 30)}, 1));

    // A schema change thaws the rows back into memory, unchanged.
    const auto latest_rows = Contents(*table, manager.TakeSnapshot(0));
    table->AddColumn(LogicalType(TypeId::kInt32), [](idx_t rows) {
      return Vector::Constant(Value::Int32(7), rows);
    });
    CHECK(table->FrozenGroups(0) + table->FrozenGroups(1) == 0);
    CHECK(Contents(*table, manager.TakeSnapshot(0)) == latest_rows);
    CHECK(table->Fetch(ids[2], 2).GetInt() == 7);
  }

  TEST_CASE("a sort key orders each segment so that min/max skip row groups of a range") {
    TempDirectory directory;
    TransactionManager manager;
    manager.Recovered(1);
    // Values 0..N-1 in a scrambled order: without the sort key every row group spans nearly all of them.
    constexpr int64_t kRows = 32 * kBatchSize;
    auto scrambled = [](int64_t row) { return row * 7919 % kRows; };
    auto table = std::make_shared<TableData>(Types(), 1, -1);
    table->SetSortColumns({0});
    Batch batch(Types());
    for (int64_t row = 0; row < kRows; ++row) {
      batch.columns[0].AppendValue(Value::Int64(scrambled(row)));
      batch.columns[1].AppendValue(Value::Text("r" + std::to_string(row)));
    }
    batch.num_rows = kRows;
    std::vector<RowId> ids;
    {
      Transaction txn(manager);
      ids = table->Append(batch, txn.Id());
      txn.RecordWrite(table, ids, false);
      txn.Commit();
    }
    int file_number = 0;
    REQUIRE(FreezeAll(*table, directory.path(), manager.SnapshotHorizon(), false, &file_number) == 1);
    REQUIRE(table->FrozenSegments()[0].front()->reordered);

    ScanFilter filter;
    filter.predicates.push_back(ScanPredicate::Compare(0, CompareOp::kLess, Value::Int64(kRows / 8)));
    ScanPosition position;
    std::vector<RowId> rows;
    std::map<int64_t, RowId> found;
    while (table->Scan(0, position, {1, 0}, manager.TakeSnapshot(0), &batch, &rows, &filter)) {
      for (idx_t row = 0; row < batch.num_rows; ++row) {
        const int64_t value = batch.columns[1].GetValue(row).GetInt();
        if (value < kRows / 8) found[value] = rows[row];
        // Each row comes back with its own row id: the one it was appended with.
        CHECK(batch.columns[0].GetValue(row).ToString() == "r" + std::to_string(RowIdOffset(rows[row])));
      }
    }
    CHECK(found.size() == static_cast<size_t>(kRows / 8));
    CHECK(position.segment_row_groups == 8);
    CHECK(position.segment_row_groups_skipped == 7);  // rows are 4 * 2048 to a row group: 1 of 8 holds the range

    // Point reads and deletes by row id, in any order.
    for (int64_t row : {int64_t{5}, kRows - 1, int64_t{0}, int64_t{4097}}) {
      CHECK(table->Fetch(ids[row], 0).GetInt() == scrambled(row));
    }
    const Batch gathered = table->Gather({ids[9], ids[3], ids[kRows - 2], ids[3]});
    CHECK(gathered.columns[0].GetValue(0).GetInt() == scrambled(9));
    CHECK(gathered.columns[0].GetValue(1).GetInt() == scrambled(3));
    CHECK(gathered.columns[0].GetValue(2).GetInt() == scrambled(kRows - 2));
    CHECK(gathered.columns[1].GetValue(3).ToString() == "r3");
    {
      Transaction txn(manager);
      Stamp holder = 0;
      REQUIRE(table->Delete(ids[100], txn.Id(), false, &holder) == TableData::DeleteResult::kDeleted);
      txn.RecordWrite(table, {ids[100]}, true);
      txn.Commit();
    }
    CHECK(Contents(*table, manager.TakeSnapshot(0)).size() == static_cast<size_t>(kRows - 1));
    CHECK(Contents(*table, manager.TakeSnapshot(0)).count(ids[100]) == 0);

    // A merge reads rows back in row order; a thaw puts each back at its row id.
    std::vector<Vector> columns;
    REQUIRE(ReadFrozenColumns(table->FrozenSegments()[0], &columns).ok());
    REQUIRE(columns.size() == 2);
    for (int64_t row = 0; row < kRows; row += 999) CHECK(columns[0].GetValue(row).GetInt() == scrambled(row));
    table->AddColumn(LogicalType(TypeId::kInt32), [](idx_t count) { return Vector::Constant(Value::Int32(1), count); });
    CHECK(table->FrozenGroups(0) == 0);
    CHECK(table->Fetch(ids[4097], 0).GetInt() == scrambled(4097));
    CHECK(table->SortColumns() == std::vector<int>{0});
  }

  TEST_CASE("a reordered segment whose row numbers are not a permutation is XX001") {
    TempDirectory directory;
    Vector values(LogicalType(TypeId::kInt64));
    Vector texts(LogicalType(TypeId::kText));
    Vector numbers(SegmentRowNumberType());
    for (idx_t row = 0; row < kBatchSize; ++row) {
      values.AppendValue(Value::Int64(static_cast<int64_t>(row)));
      texts.AppendValue(Value::Text("x"));
      numbers.AppendValue(Value::Int32(row == 7 ? 3 : static_cast<int32_t>(row)));  // 3 twice, 7 never
    }
    std::vector<LogicalType> file_types = Types();
    file_types.push_back(SegmentRowNumberType());
    REQUIRE(WriteSegment(directory.path() + "/bad.seg", file_types, {values, texts, numbers}, SegmentWriteOptions{},
                         nullptr).ok());
    std::shared_ptr<const FrozenSegment> segment;
    REQUIRE(OpenFrozenSegment(directory.path(), "bad.seg", 0, Types(), &segment).ok());
    REQUIRE(segment->reordered);
    CHECK(segment->LoadFileRows().info().state == SqlState::kDataCorrupted);
    Vector out(LogicalType(TypeId::kInt64));
    const uint64_t row = 1;
    CHECK_THROWS_AS(AppendFrozenRows(segment, 0, &row, 1, &out), SqlError);
    std::vector<Vector> columns;
    CHECK(ReadFrozenColumns({segment}, &columns).info().state == SqlState::kDataCorrupted);
  }

  TEST_CASE("a held snapshot keeps newer row groups in the delta") {
    TempDirectory directory;
    TransactionManager manager;
    manager.Recovered(1);
    auto table = MakeTable();
    Transaction reader(manager);
    const Snapshot held = reader.StatementSnapshot();
    InsertRows(manager, table, 0, 5000);
    int file_number = 0;
    CHECK(FreezeAll(*table, directory.path(), manager.SnapshotHorizon(), true, &file_number) == 0);
    CHECK(Contents(*table, held).empty());
    reader.Abort();
  }

  TEST_CASE("padding freezes a partial row group and appends go on in a new one") {
    TempDirectory directory;
    TransactionManager manager;
    manager.Recovered(1);
    auto table = MakeTable();
    InsertRows(manager, table, 0, 10);
    int file_number = 0;
    CHECK(FreezeAll(*table, directory.path(), manager.SnapshotHorizon(), true, &file_number) > 0);
    for (RowId id : InsertRows(manager, table, 10, 10)) CHECK(RowIdOffset(id) >= static_cast<int64_t>(kBatchSize));
    const auto rows = Contents(*table, manager.TakeSnapshot(0));
    CHECK(rows.size() == 20);
    CHECK(table->CountLiveRows() == 20);
  }

  TEST_CASE("adjacent small segments merge into one with the same rows") {
    TempDirectory directory;
    TransactionManager manager;
    manager.Recovered(1);
    auto table = std::make_shared<TableData>(Types(), 1, -1);
    int file_number = 0;
    std::vector<RowId> ids;
    for (int commit = 0; commit < 5; ++commit) {
      const auto appended = InsertRows(manager, table, commit * 100, 100);
      ids.insert(ids.end(), appended.begin(), appended.end());
      REQUIRE(FreezeAll(*table, directory.path(), manager.SnapshotHorizon(), true, &file_number) == 1);
    }
    {
      Transaction txn(manager);
      Stamp holder = 0;
      REQUIRE(table->Delete(ids[150], txn.Id(), false, &holder) == TableData::DeleteResult::kDeleted);
      txn.RecordWrite(table, {ids[150]}, true);
      txn.Commit();
    }
    const auto before = Contents(*table, manager.TakeSnapshot(0));
    CHECK(table->MergeCandidates(512, 6).empty());
    const auto runs = table->MergeCandidates(4, 2);  // at most four one-group segments at once
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].segments.size() == 4);
    std::vector<Vector> columns;
    REQUIRE(ReadFrozenColumns(runs[0].segments, &columns).ok());
    const auto merged = WriteFrozen(*table, directory.path(), "merged.seg", 0, std::move(columns));
    CHECK(table->ReplaceFrozen(runs[0], merged));
    CHECK_FALSE(table->ReplaceFrozen(runs[0], merged));  // the run is gone now
    CHECK(table->FrozenSegments()[0].size() == 2);
    CHECK(Contents(*table, manager.TakeSnapshot(0)) == before);
    CHECK(table->Fetch(ids[420], 0).GetInt() == 420);

    // Row groups whose min/max exclude the filter are skipped without a read, and counted.
    ScanFilter filter;
    filter.predicates.push_back(ScanPredicate::Compare(0, CompareOp::kGreaterEqual, Value::Int64(400)));
    ScanPosition position;
    Batch batch;
    std::vector<RowId> rows;
    int64_t found = 0;
    while (table->Scan(0, position, {0}, manager.TakeSnapshot(0), &batch, &rows, &filter)) {
      for (idx_t row = 0; row < batch.num_rows; ++row) CHECK(batch.columns[0].GetValue(row).GetInt() >= 400);
      found += static_cast<int64_t>(batch.num_rows);
    }
    CHECK(found == 100);
    CHECK(position.segment_row_groups == 2);  // the merged segment's row group and the last one's
    CHECK(position.segment_row_groups_skipped == 1);
  }
}

}  // namespace
}  // namespace tessera::storage
