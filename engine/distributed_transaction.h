// SPDX-License-Identifier: Apache-2.0
// DistributedTransaction: the transactions a coordinator holds open on its workers for one unit of work
// (docs/CLUSTER.md, "Transactions"), one per worker it touched, each on one connection that every read
// and write of the unit to that worker goes through. Three users:
//   - a session's transaction block (BEGIN ... COMMIT/ROLLBACK, ExecContext::worker_block): opened with
//     the block's isolation level on the first statement reaching a worker, kept by every later one, so
//     the block reads its own writes and REPEATABLE READ keeps one snapshot per worker;
//   - one statement's writes outside a block (WorkerTransactions, engine/distributed.h);
//   - one statement's reads outside a block (ExecContext::statement_reads) when it sends more than one
//     read (a statement over one or several partitions on one worker): REPEATABLE READ read transactions
//     on the workers, one snapshot across them. A single read is one snapshot on its worker already.
// Commit(): workers only read from just commit; one worker written commits directly; several commit with
// two-phase commit (PREPARE TRANSACTION, the decision logged on the coordinator, COMMIT PREPARED, see
// engine/distributed.h). Anything not committed is rolled back by Rollback() or the destructor.
//
// One snapshot across workers: the workers a unit is about to read (ExpectReads) open together, and a
// REPEATABLE READ opening fixes each worker's snapshot (BEGIN ...; SELECT 1) while holding the
// coordinator's visibility lock shared; the COMMIT PREPARED phase of a two-phase commit holds it
// exclusive. A statement thus sees a distributed commit on all its workers or on none. Single-worker
// commits are atomic on their worker and need no lock.
//
// Savepoints (block only): SAVEPOINT, RELEASE and ROLLBACK TO go to every worker open, as savepoints
// named tessera_sp<position>; a worker joining later replays the savepoints live then right after its
// BEGIN, so ROLLBACK TO undoes what it did after joining as well.
//
// Thread safety: used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/catalog.h"
#include "engine/exec_context.h"
#include "engine/partition_moves.h"
#include "engine/remote/remote_connection.h"

namespace tessera::engine {

class Database;

class DistributedTransaction {
 public:
  // `isolation`: the worker transactions' level as SHOW prints it ("read committed", "repeatable read").
  // `savepoints`: savepoints already live in the unit (a block's), replayed on every worker it opens.
  DistributedTransaction(Database& database, std::string isolation, size_t savepoints = 0);
  // Rolls back every worker transaction still open.
  ~DistributedTransaction();
  DistributedTransaction(const DistributedTransaction&) = delete;
  DistributedTransaction& operator=(const DistributedTransaction&) = delete;

  // The level of the workers opened from now on (a block's SET TRANSACTION before its first query).
  void set_isolation(std::string isolation) { isolation_ = std::move(isolation); }
  const std::string& isolation() const { return isolation_; }
  // Whether a worker transaction was opened.
  bool touched_workers() const { return !open_.empty(); }
  // Reads announced by ExpectReads so far.
  size_t expected_reads() const { return expected_reads_; }
  std::chrono::milliseconds timeout() const;

  // Announces that `workers` (one entry per read: a statement on one partition, or on several of one
  // worker, engine/distributed_query.h ReadGroups) are about to be read: the next Read or
  // Write opening a worker opens every announced one together, in one snapshot.
  void ExpectReads(const std::vector<uint32_t>& workers);
  // The connection inside the unit's transaction on `worker`, opened on first use. Throws 08006 when
  // the connection of an open worker transaction broke (its work there is lost).
  remote::RemoteConnection& Read(uint32_t worker);
  // The same, and counts the worker as written (committed with the others, two-phase when several).
  remote::RemoteConnection& Write(uint32_t worker);
  // The worker holding `partition` of `relation` now; the first call per partition holds it against a
  // move (PartitionMoves::WriteGuard) until the unit ends, so its rows reach the copy kept. Calls
  // `check_cancel`, which may throw, while it waits for a move.
  uint32_t HoldPartition(const RelationInfo& relation, size_t partition, const std::function<void()>& check_cancel);
  // Takes `table`'s write lock (engine/global_unique.h) until the unit ends; calls `check_cancel`, which
  // may throw, while it waits. Throws 40P01 on a deadlock.
  void HoldTable(uint32_t table, const std::function<void()>& check_cancel);

  // Commits every worker transaction (see above). Throws when nothing was committed (what is still open
  // is then rolled back by Rollback or the destructor); once the decision is logged it succeeds.
  void Commit();
  // Rolls back every open worker transaction; never throws (a broken connection's worker drops its own).
  void Rollback();

  void SetSavepoint(size_t position);
  void ReleaseSavepoint(size_t position);
  // Throws when a worker cannot roll back (its connection broke): the block must then end.
  void RollbackToSavepoint(size_t position);

 private:
  // What opens a worker's transaction: BEGIN at the level, the live savepoints, the snapshot query.
  std::string BeginSql() const;
  // Opens the transactions of `workers` not open yet, under the visibility lock for REPEATABLE READ.
  void Open(const std::set<uint32_t>& workers);
  remote::RemoteConnection& OpenConnection(uint32_t worker);
  // Runs `sql` on every open worker.
  void ExecuteOnAll(const std::string& sql);
  // Commits the written workers with two-phase commit.
  void CommitTwoPhase(const std::vector<uint32_t>& workers);
  // Gives the connections back to the pool (those outside a transaction) and lets the partitions go.
  void Finish();

  Database& database_;
  std::string isolation_;
  size_t savepoints_;  // live savepoints of the unit, tessera_sp0 .. tessera_sp<n-1> on each worker
  std::map<uint32_t, remote::RemoteConnection> open_;
  std::set<uint32_t> written_;
  std::set<uint32_t> expected_;  // announced workers not opened yet
  size_t expected_reads_ = 0;
  std::map<std::pair<uint32_t, size_t>, uint32_t> partition_workers_;
  std::vector<PartitionMoves::WriteGuard> guards_;
  std::set<uint32_t> tables_;  // write locks held
};

// A distributed scan announces the workers of the reads it will send (one entry per read) when built.
// Inside a block they go to the block's transaction; outside, to the statement's reads.
void NoteDistributedReads(ExecContext& context, const std::vector<uint32_t>& workers);
// The connection a read of `worker` must use: the block's, or the statement's reads' when the statement
// sends more than one read; nullptr: any connection (a statement sending a single read).
remote::RemoteConnection* UnitReadConnection(ExecContext& context, uint32_t worker);

}  // namespace tessera::engine
