// SPDX-License-Identifier: Apache-2.0
// Writing rows into a distributed table on a coordinator (docs/CLUSTER.md), for INSERT and COPY FROM:
// each row goes to its partition's shard table (the shard key's hash, or round-robin without one), in one
// transaction per worker the statement reaches. Commit() commits a single worker's directly, and several
// with two-phase commit:
//   1. PREPARE TRANSACTION 'tessera_2pc_<boot>_<n>' on each worker (any failure: all roll back);
//   2. the decision is logged durably on the coordinator (Durability::LogCommitDecision);
//   3. COMMIT PREPARED on each worker; once all did, the decision is marked done.
// DistributedCommits resolves what a crash or an unreachable worker left prepared: at start-up and every
// few seconds it commits the gids with a logged decision and rolls back the others (not in flight).
//
// Thread safety: a DistributedWriter is used by one thread at a time; DistributedCommits by any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>

#include "base/vector.h"
#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed_transaction.h"
#include "engine/exec_context.h"
#include "engine/global_unique.h"
#include "engine/remote/remote_connection.h"

namespace tessera::engine {

// 16 random hex digits, for names no other execution (or boot of this node) uses: two-phase commit
// gids, the tables joins and writes make on the workers.
std::string RandomHexId();

// How this node reaches `worker`: as user tessera_cluster with the cluster secret, each call bounded by
// WorkerTimeout (--worker-timeout).
// The placement of `relation` as the catalog has it now: a partition move (tessera.rebalance) may have
// switched it since the statement was bound. A table dropped meanwhile keeps the statement's placement.
// A reference table may have gained or lost a copy since (tessera.rebalance, drain_worker): its writers
// hold copy 0 first and then write every copy this placement lists.
std::vector<uint32_t> CurrentPlacement(Database& database, const RelationInfo& relation);

// The partition a shard key value belongs to: the hash INSERT routes rows by. NULL matches no row and
// goes to partition 0. REQUIRES: `key` is of the shard column's family (integer or text).
size_t PartitionOfKey(const Value& key, const RelationInfo& relation);

remote::RemoteEndpoint WorkerEndpoint(const WorkerInfo& worker, const DatabaseOptions& options);
std::chrono::milliseconds WorkerTimeout(const DatabaseOptions& options);

// The coordinator's in-flight distributed commits and the resolver of in-doubt ones.
class DistributedCommits {
 public:
  explicit DistributedCommits(Database& database);
  ~DistributedCommits();
  DistributedCommits(const DistributedCommits&) = delete;
  DistributedCommits& operator=(const DistributedCommits&) = delete;

  // Resolves in-doubt transactions now and then every kResolveInterval, on a thread of its own.
  void Start();
  // A new gid, counted in flight (never resolved behind the writer's back) until EndCommit.
  std::string BeginCommit();
  void EndCommit(const std::string& gid);
  // One pass over the workers: commits the prepared gids with a decision, rolls back the others that are
  // not in flight, and marks decisions done once no reachable worker holds them (all workers answered).
  void ResolveInDoubt();
  // Whether a writer is committing `gid` now (between BeginCommit and EndCommit).
  bool InFlight(const std::string& gid);
  // Held shared while a statement or block takes its snapshots on several workers, and exclusive by the
  // COMMIT PREPARED phase of a two-phase commit (engine/distributed_transaction.h).
  std::shared_mutex& visibility_lock() { return visibility_lock_; }

  static constexpr std::chrono::seconds kResolveInterval{5};

 private:

  Database& database_;
  const std::string prefix_;  // "tessera_2pc_<boot id>_"
  std::mutex mutex_;
  std::set<std::string> in_flight_;  // GUARDED_BY(mutex_)
  uint64_t next_ = 0;                // GUARDED_BY(mutex_)
  bool stopping_ = false;            // GUARDED_BY(mutex_)
  std::condition_variable wake_;
  std::thread resolver_;
  std::shared_mutex visibility_lock_;
};

// Gives the batches read from a worker the coordinator's exact `types` (a worker reports the same type,
// typmods of some types aside). Throws 42804 when a column's physical type differs.
void TakeTypes(Batch& batch, const std::vector<LogicalType>& types);

// One transaction per worker for a statement that writes on several (INSERT, COPY FROM, UPDATE and DELETE
// of distributed tables): Begin opens the worker's transaction on first use, Commit commits them all (one
// directly, several with two-phase commit, as described above), and the destructor rolls back whatever
// was not committed. Inside a transaction block they are the block's (ExecContext::worker_block,
// engine/distributed_transaction.h): Commit then leaves them to the block's COMMIT.
class WorkerTransactions {
 public:
  explicit WorkerTransactions(ExecContext& context);
  ~WorkerTransactions();
  WorkerTransactions(const WorkerTransactions&) = delete;
  WorkerTransactions& operator=(const WorkerTransactions&) = delete;

  // The connection to `worker`, inside this statement's transaction there (BEGIN on first use).
  remote::RemoteConnection& Begin(uint32_t worker);
  // The same for the worker holding `partition` of `relation` now. The partition is held against a move
  // (PartitionMoves::WriteGuard) until the commit ended, so the rows written reach the copy kept.
  remote::RemoteConnection& BeginPartition(const RelationInfo& relation, size_t partition);
  // Commits on every worker begun. Throws when nothing was committed; once the decision is logged it
  // succeeds (the resolver finishes what a worker did not acknowledge).
  void Commit();
  std::chrono::milliseconds timeout() const;
  // The unit the statement writes in: reads through it see the rows written.
  DistributedTransaction& transaction() { return *transaction_; }

 private:
  ExecContext& context_;
  std::unique_ptr<DistributedTransaction> own_;  // outside a block
  DistributedTransaction* transaction_;          // own_, or the block's
};

class DistributedWriter {
 public:
  // Destroying the writer rolls back what was written and not committed.
  DistributedWriter(const RelationInfo& relation, ExecContext& context);
  // Writes in `transactions`, a statement's that commits them itself (Commit is not called then).
  DistributedWriter(const RelationInfo& relation, ExecContext& context, WorkerTransactions& transactions);
  DistributedWriter(const DistributedWriter&) = delete;
  DistributedWriter& operator=(const DistributedWriter&) = delete;

  // Sends `rows` (all the table's columns, in table order) to their shard tables. For a table with global
  // unique indexes (engine/global_unique.h) the writer holds the table's write lock from its creation,
  // and Commit first checks the keys written across partitions (23505); a reference table's writer
  // holds it too, so that concurrent writes reach every copy in the same order.
  void Write(const Batch& rows);
  // Takes the table's write lock until the writer's transactions end (a table with global unique
  // indexes, or ON CONFLICT, which looks for the keys across partitions before writing).
  void LockTable();
  DistributedTransaction& transaction() { return transactions_.transaction(); }
  // The connection to `partition`'s worker inside the writer's transaction there, the partition held
  // against a move (for ON CONFLICT DO UPDATE's updates).
  remote::RemoteConnection& PartitionConnection(size_t partition) {
    return transactions_.BeginPartition(relation_, partition);
  }
  // Commits on the workers (two-phase when several); returns the rows written. Throws when the commit
  // failed and nothing was committed; once the decision is logged it succeeds (the resolver finishes).
  int64_t Commit();

 private:
  // Takes the table's write lock when its writers must follow one another: a table with global unique
  // indexes (whose keys written it then notes) or a reference table (whose copies change in one order).
  void HoldTableIfShared();
  // `row`'s partition; `first` is the round-robin position of the batch's first row (no shard key).
  size_t PartitionOf(const Batch& rows, idx_t row, uint64_t first);

  const RelationInfo& relation_;
  ExecContext& context_;
  std::optional<WorkerTransactions> own_transactions_;
  WorkerTransactions& transactions_;  // own_transactions_ or the caller's
  std::optional<WrittenKeys> written_keys_;  // the table has global unique indexes
  int64_t rows_ = 0;
};

}  // namespace tessera::engine
