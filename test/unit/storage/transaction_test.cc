// SPDX-License-Identifier: Apache-2.0
// Row version visibility: snapshots, commit, abort, savepoints, write conflicts and waits.
#include "storage/transaction.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace tessera::storage {
namespace {

constexpr int kPartitions = 2;

std::shared_ptr<TableData> MakeTable() {
  return std::make_shared<TableData>(std::vector<LogicalType>{LogicalType(TypeId::kInt64)}, kPartitions, -1);
}

// Inserts `values` as transaction `txn`'s rows and records them in its write set.
std::vector<RowId> Insert(const std::shared_ptr<TableData>& table, Transaction& txn, const std::vector<int64_t>& values) {
  Batch batch(std::vector<LogicalType>{LogicalType(TypeId::kInt64)});
  for (int64_t value : values) batch.columns[0].AppendValue(Value::Int64(value));
  batch.num_rows = values.size();
  std::vector<RowId> ids = table->Append(batch, txn.Id());
  txn.RecordWrite(table, ids, false);
  return ids;
}

void Delete(const std::shared_ptr<TableData>& table, Transaction& txn, RowId row) {
  Stamp holder = 0;
  REQUIRE(table->Delete(row, txn.Id(), false, &holder) == TableData::DeleteResult::kDeleted);
  txn.RecordWrite(table, {row}, true);
}

// The number of rows a full scan with `snapshot` returns.
int64_t CountVisible(const TableData& table, const Snapshot& snapshot) {
  int64_t count = 0;
  for (int partition = 0; partition < table.num_partitions(); ++partition) {
    ScanPosition position;
    Batch batch;
    while (table.Scan(partition, position, {0}, snapshot, &batch, nullptr)) count += static_cast<int64_t>(batch.num_rows);
  }
  return count;
}

TEST_SUITE("transaction") {
  TEST_CASE("a snapshot sees committed stamps up to its CSN and its own transaction") {
    Snapshot snapshot;
    snapshot.csn = 5;
    snapshot.txn_id = kFirstTxnId + 3;
    struct Case {
      Stamp begin;
      Stamp end;
      bool visible;
    };
    const Case cases[] = {
        {1, kNever, true},                           // committed before
        {5, kNever, true},                           // committed at the snapshot's CSN
        {6, kNever, false},                          // committed after
        {kFirstTxnId + 3, kNever, true},             // own insert
        {kFirstTxnId + 4, kNever, false},            // another transaction's insert
        {kNever, kNever, false},                     // aborted insert
        {1, 4, false},                               // deleted before
        {1, 6, true},                                // deleted after the snapshot
        {1, kFirstTxnId + 4, true},                  // deleted by another active transaction
        {1, kFirstTxnId + 3, false},                 // deleted by itself
        {kFirstTxnId + 3, kFirstTxnId + 3, false},  // inserted and deleted by itself
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.begin);
      CAPTURE(test_case.end);
      CHECK(snapshot.Sees(test_case.begin, test_case.end) == test_case.visible);
    }
    CHECK(Snapshot::AllVersions().Sees(1, 4));
    CHECK_FALSE(Snapshot::AllVersions().Sees(kNever, kNever));
  }

  TEST_CASE("uncommitted rows are seen only by their transaction, committed ones by later snapshots") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction writer(manager);
    Insert(table, writer, {1, 2, 3});
    const Snapshot before = manager.TakeSnapshot(0);
    CHECK(CountVisible(*table, before) == 0);
    CHECK(CountVisible(*table, writer.StatementSnapshot()) == 3);
    writer.Commit();
    CHECK(CountVisible(*table, before) == 0);
    CHECK(CountVisible(*table, manager.TakeSnapshot(0)) == 3);
  }

  TEST_CASE("a deleted row stays visible to snapshots older than the delete's commit") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction loader(manager);
    const std::vector<RowId> ids = Insert(table, loader, {1, 2, 3, 4});
    loader.Commit();
    const Snapshot old_snapshot = manager.TakeSnapshot(0);
    Transaction deleter(manager);
    Delete(table, deleter, ids[1]);
    CHECK(CountVisible(*table, manager.TakeSnapshot(0)) == 4);
    CHECK(CountVisible(*table, deleter.StatementSnapshot()) == 3);
    deleter.Commit();
    CHECK(CountVisible(*table, old_snapshot) == 4);
    CHECK(table->IsVisible(ids[1], old_snapshot));
    CHECK(CountVisible(*table, manager.TakeSnapshot(0)) == 3);
    CHECK_FALSE(table->IsVisible(ids[1], manager.TakeSnapshot(0)));
  }

  TEST_CASE("abort hides inserts forever and brings deleted rows back") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction loader(manager);
    const std::vector<RowId> ids = Insert(table, loader, {1, 2});
    loader.Commit();
    {
      Transaction failed(manager);
      Insert(table, failed, {3});
      Delete(table, failed, ids[0]);
      failed.Abort();
    }
    CHECK(CountVisible(*table, manager.TakeSnapshot(0)) == 2);
    CHECK(CountVisible(*table, Snapshot::AllVersions()) == 2);
    CHECK(table->Version(ids[0]).end == kNever);
  }

  TEST_CASE("rolling back to a savepoint undoes only the later writes") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction txn(manager);
    const std::vector<RowId> kept = Insert(table, txn, {1, 2});
    const size_t savepoint = txn.WritePosition();
    Insert(table, txn, {3});
    Delete(table, txn, kept[0]);
    CHECK(CountVisible(*table, txn.StatementSnapshot()) == 2);
    txn.RollbackTo(savepoint);
    CHECK(CountVisible(*table, txn.StatementSnapshot()) == 2);
    CHECK(table->IsVisible(kept[0], txn.StatementSnapshot()));
    txn.Commit();
    CHECK(CountVisible(*table, manager.TakeSnapshot(0)) == 2);
  }

  TEST_CASE("entries encoded ahead are counted until they are rolled back or committed") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction txn(manager);
    txn.Id();
    auto encoded = [](size_t size) {
      auto write = std::make_shared<EncodedWrite>();
      write->slices = {std::string(size, 'x'), std::string(1, 'y')};
      return write;
    };
    txn.RecordWrite(table, {MakeRowId(0, 0)}, false, encoded(10));
    const size_t savepoint = txn.WritePosition();
    txn.RecordWrite(table, {MakeRowId(0, 1)}, false, encoded(100));
    txn.RecordWrite(table, {MakeRowId(0, 2)}, false);
    CHECK(txn.encoded_bytes() == 112);
    txn.RollbackTo(savepoint);
    CHECK(txn.encoded_bytes() == 11);
    txn.Commit();
    CHECK(txn.encoded_bytes() == 0);
  }

  TEST_CASE("a repeatable read transaction keeps its first snapshot") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction reader(manager);
    reader.set_isolation(IsolationLevel::kRepeatableRead);
    CHECK(CountVisible(*table, reader.StatementSnapshot()) == 0);
    Transaction writer(manager);
    Insert(table, writer, {1});
    writer.Commit();
    CHECK(CountVisible(*table, reader.StatementSnapshot()) == 0);
    Transaction read_committed(manager);
    CHECK(CountVisible(*table, read_committed.StatementSnapshot()) == 1);
  }

  TEST_CASE("deleting a row another transaction deleted reports that transaction") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction loader(manager);
    const RowId row = Insert(table, loader, {1})[0];
    loader.Commit();
    Transaction first(manager);
    Transaction second(manager);
    Delete(table, first, row);
    Stamp holder = 0;
    CHECK(table->Delete(row, second.Id(), false, &holder) == TableData::DeleteResult::kConflict);
    CHECK(holder == first.Id());
    CHECK(table->Delete(row, first.Id(), false, &holder) == TableData::DeleteResult::kGone);
    first.Commit();
    CHECK(table->Delete(row, second.Id(), false, &holder) == TableData::DeleteResult::kConflict);
    CHECK(IsCsn(holder));
    CHECK_FALSE(table->DeletedByUpdate(row));
  }

  TEST_CASE("a row remembers whether its latest deletion was an update") {
    TransactionManager manager;
    auto table = MakeTable();
    Transaction loader(manager);
    const RowId row = Insert(table, loader, {1})[0];
    loader.Commit();
    Stamp holder = 0;
    Transaction updater(manager);
    REQUIRE(table->Delete(row, updater.Id(), true, &holder) == TableData::DeleteResult::kDeleted);
    updater.RecordWrite(table, {row}, true);
    CHECK(table->DeletedByUpdate(row));
    updater.Abort();
    Transaction deleter(manager);
    REQUIRE(table->Delete(row, deleter.Id(), false, &holder) == TableData::DeleteResult::kDeleted);
    CHECK_FALSE(table->DeletedByUpdate(row));
  }

  TEST_CASE("a wait ends with the other transaction, and a cycle of waits is a deadlock") {
    TransactionManager manager;
    Transaction first(manager);
    Transaction second(manager);
    const Stamp first_id = first.Id();
    const Stamp second_id = second.Id();
    WaitResult waited = WaitResult::kTimedOut;
    std::atomic<bool> started{false};
    std::thread waiter([&] {
      started = true;
      waited = manager.WaitFor(second_id, first_id, [] { return false; });
    });
    // The reverse wait must come second to close the cycle: give the thread time to start waiting.
    while (!started) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const WaitResult reverse = manager.WaitFor(first_id, second_id, [] { return true; });
    CHECK(reverse == WaitResult::kDeadlock);
    first.Abort();
    waiter.join();
    CHECK(waited == WaitResult::kEnded);
    CHECK_FALSE(manager.IsActive(first_id));
    CHECK(manager.IsActive(second_id));
  }
}

}  // namespace
}  // namespace tessera::storage
