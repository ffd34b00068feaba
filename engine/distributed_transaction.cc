// SPDX-License-Identifier: Apache-2.0
// Worker transactions of a transaction block or a statement (engine/distributed_transaction.h).
#include "engine/distributed_transaction.h"

#include <memory>
#include <mutex>
#include <shared_mutex>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/durability.h"
#include "engine/fault_point.h"
#include "engine/global_unique.h"
#include "engine/remote/connection_pool.h"

namespace tessera::engine {

namespace {

std::string Quoted(const std::string& gid) { return "'" + gid + "'"; }  // gids hold no quotes

std::string SavepointName(size_t position) { return "tessera_sp" + std::to_string(position); }

bool RepeatableRead(const std::string& isolation) { return isolation == "repeatable read"; }

}  // namespace

DistributedTransaction::DistributedTransaction(Database& database, std::string isolation, size_t savepoints)
    : database_(database), isolation_(std::move(isolation)), savepoints_(savepoints) {}

DistributedTransaction::~DistributedTransaction() { Rollback(); }

std::chrono::milliseconds DistributedTransaction::timeout() const { return WorkerTimeout(database_.options()); }

void DistributedTransaction::ExpectReads(const std::vector<uint32_t>& workers) {
  expected_reads_ += workers.size();
  for (uint32_t worker : workers) {
    if (open_.count(worker) == 0) expected_.insert(worker);
  }
}

remote::RemoteConnection& DistributedTransaction::Read(uint32_t worker) {
  auto found = open_.find(worker);
  if (found != open_.end()) {
    if (!found->second.is_open()) {
      throw SqlError(SqlState::kConnectionFailure, "the connection to worker " + found->second.endpoint().Name() +
                                                       " broke inside a transaction; its work there is lost");
    }
    return found->second;
  }
  std::set<uint32_t> workers = std::move(expected_);
  expected_.clear();
  workers.insert(worker);
  Open(workers);
  return open_.at(worker);
}

remote::RemoteConnection& DistributedTransaction::Write(uint32_t worker) {
  remote::RemoteConnection& connection = Read(worker);
  written_.insert(worker);
  return connection;
}

uint32_t DistributedTransaction::HoldPartition(const RelationInfo& relation, size_t partition,
                                              const std::function<void()>& check_cancel) {
  const std::pair<uint32_t, size_t> key(relation.oid, partition);
  auto found = partition_workers_.find(key);
  if (found == partition_workers_.end()) {
    guards_.push_back(database_.partition_moves().LockForWrite(relation.oid, partition, check_cancel));
    found = partition_workers_.emplace(key, CurrentPlacement(database_, relation)[partition]).first;
  }
  return found->second;
}

void DistributedTransaction::HoldTable(uint32_t table, const std::function<void()>& check_cancel) {
  if (tables_.count(table) > 0) return;
  database_.table_write_locks().Acquire(table, this, check_cancel);
  tables_.insert(table);
}

std::string DistributedTransaction::BeginSql() const {
  std::string sql = "BEGIN ISOLATION LEVEL " + isolation_;
  for (size_t position = 0; position < savepoints_; ++position) sql += "; SAVEPOINT " + SavepointName(position);
  // A REPEATABLE READ transaction takes its snapshot at its first query.
  if (RepeatableRead(isolation_)) sql += "; SELECT 1";
  return sql;
}

remote::RemoteConnection& DistributedTransaction::OpenConnection(uint32_t worker_id) {
  const std::optional<WorkerInfo> worker = database_.catalog().FindWorker(worker_id);
  if (!worker) {
    throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
  }
  remote::RemoteConnection connection =
      database_.worker_connections().Acquire(WorkerEndpoint(*worker, database_.options()), timeout());
  return open_.insert_or_assign(worker_id, std::move(connection)).first->second;
}

void DistributedTransaction::Open(const std::set<uint32_t>& workers) {
  std::vector<remote::RemoteConnection*> connections;
  for (uint32_t worker : workers) connections.push_back(&OpenConnection(worker));
  const std::string begin = BeginSql();
  // The snapshots of a REPEATABLE READ unit are taken while no two-phase commit is half visible.
  std::shared_lock<std::shared_mutex> visible;
  if (RepeatableRead(isolation_)) visible = std::shared_lock(database_.distributed_commits().visibility_lock());
  for (remote::RemoteConnection* connection : connections) connection->Execute(begin, timeout());
}

void DistributedTransaction::ExecuteOnAll(const std::string& sql) {
  for (auto& [worker, connection] : open_) {
    if (!connection.is_open()) {
      throw SqlError(SqlState::kConnectionFailure, "the connection to worker " + connection.endpoint().Name() +
                                                       " broke inside a transaction; its work there is lost");
    }
    connection.Execute(sql, timeout());
  }
}

void DistributedTransaction::SetSavepoint(size_t position) {
  ExecuteOnAll("SAVEPOINT " + SavepointName(position));
  savepoints_ = position + 1;
}

void DistributedTransaction::ReleaseSavepoint(size_t position) {
  ExecuteOnAll("RELEASE SAVEPOINT " + SavepointName(position));
  savepoints_ = position;
}

void DistributedTransaction::RollbackToSavepoint(size_t position) {
  ExecuteOnAll("ROLLBACK TO SAVEPOINT " + SavepointName(position));
  savepoints_ = position + 1;
}

void DistributedTransaction::Commit() {
  std::vector<uint32_t> writers;
  for (auto& [worker, connection] : open_) {
    if (written_.count(worker) == 0) {
      connection.Execute("COMMIT", timeout());  // read only: its commit changes nothing
    } else {
      writers.push_back(worker);
    }
  }
  if (writers.size() == 1) open_.at(writers[0]).Execute("COMMIT", timeout());
  if (writers.size() > 1) CommitTwoPhase(writers);
  Finish();
}

void DistributedTransaction::CommitTwoPhase(const std::vector<uint32_t>& workers) {
  Durability* durability = database_.durability();
  if (durability == nullptr) {
    throw SqlError(SqlState::kFeatureNotSupported, "two-phase commit needs a coordinator with a data directory");
  }
  DistributedCommits& commits = database_.distributed_commits();
  const std::string gid = commits.BeginCommit();
  std::vector<uint32_t> prepared;
  try {
    for (uint32_t worker : workers) {
      open_.at(worker).Execute("PREPARE TRANSACTION " + Quoted(gid), timeout());
      prepared.push_back(worker);
    }
    FaultPoint("after-prepare");
    durability->LogCommitDecision(gid).ThrowIfError();
  } catch (const SqlError&) {
    // No decision: nothing commits. What cannot be rolled back now, the resolver rolls back.
    for (uint32_t worker : prepared) {
      try {
        open_.at(worker).Execute("ROLLBACK PREPARED " + Quoted(gid), timeout());
      } catch (const SqlError&) {
      }
    }
    commits.EndCommit(gid);
    throw;
  }
  FaultPoint("after-decision");
  bool all_committed = true;
  {
    // Readers take their snapshots on no worker while the commit is visible on some only.
    std::unique_lock visible(commits.visibility_lock());
    for (uint32_t worker : workers) {
      try {
        open_.at(worker).Execute("COMMIT PREPARED " + Quoted(gid), timeout());
      } catch (const SqlError&) {
        all_committed = false;  // decided: the resolver commits it there later
      }
    }
  }
  commits.EndCommit(gid);
  if (all_committed) durability->LogDecisionDone(gid);
}

void DistributedTransaction::Rollback() {
  for (auto& [worker, connection] : open_) {
    try {
      if (connection.is_open()) connection.Execute("ROLLBACK", timeout());
    } catch (const SqlError&) {
      // A connection that failed is closed; its worker drops the transaction with it.
    }
  }
  Finish();
}

void DistributedTransaction::Finish() {
  for (auto& [worker, connection] : open_) database_.worker_connections().Release(std::move(connection));
  open_.clear();
  written_.clear();
  expected_.clear();
  partition_workers_.clear();
  guards_.clear();
  for (uint32_t table : tables_) database_.table_write_locks().Release(table, this);
  tables_.clear();
}

void NoteDistributedReads(ExecContext& context, const std::vector<uint32_t>& workers) {
  if (context.worker_block != nullptr) {
    context.worker_block->ExpectReads(workers);
    return;
  }
  if (!context.statement_reads) {
    context.statement_reads = std::make_shared<DistributedTransaction>(*context.database, "repeatable read");
  }
  context.statement_reads->ExpectReads(workers);
}

remote::RemoteConnection* UnitReadConnection(ExecContext& context, uint32_t worker) {
  if (context.worker_block != nullptr) return &context.worker_block->Read(worker);
  if (context.statement_reads && context.statement_reads->expected_reads() > 1) {
    return &context.statement_reads->Read(worker);
  }
  return nullptr;
}

}  // namespace tessera::engine
