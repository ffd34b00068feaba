// SPDX-License-Identifier: Apache-2.0
// Transactions over TableData versions (storage/version_stamp.h explains the stamps).
//
// TransactionManager (one per node) hands out transaction ids, snapshots and commit sequence numbers.
// Transaction (one per session, while a transaction is open) owns the write set: which row versions it
// inserted and deleted, stamped with its id. Call order: a snapshot per statement (READ COMMITTED) or the
// first one kept (REPEATABLE READ); writes get the id (Id() assigns it on first use) and are recorded;
// RollbackTo(position) undoes the writes after a savepoint; Commit() or Abort() ends it once.
//
// Commit stamps the write set with the next CSN under the commit mutex and publishes that CSN only
// afterwards, so a snapshot either sees all of a transaction's writes or none. A writer that meets a
// version stamped with another transaction's id waits for it with WaitFor.
//
// Thread safety: TransactionManager may be used from any thread; a Transaction by one thread at a time.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "storage/table_data.h"
#include "storage/version_stamp.h"

namespace tessera::storage {

enum class IsolationLevel { kReadCommitted, kRepeatableRead };

enum class WaitResult { kEnded, kDeadlock, kCanceled, kTimedOut };

// The commit log's encoding of a write entry, made before commit (engine/wal_entry.h): opaque slices,
// valid while the table keeps the storage id, column ids and column types it was encoded with.
struct EncodedWrite {
  uint32_t storage_id = 0;
  std::vector<uint32_t> column_ids;
  std::vector<LogicalType> column_types;
  std::vector<std::string> slices;

  size_t num_bytes() const {
    size_t total = 0;
    for (const std::string& slice : slices) total += slice.size();
    return total;
  }

  bool Matches(const TableData& table) const {
    return storage_id == table.storage_id() && column_ids == table.column_ids() &&
           column_types == table.column_types();
  }
};

// Rows of one table that a transaction inserted or deleted in one step.
struct WriteEntry {
  std::shared_ptr<TableData> table;
  std::vector<RowId> rows;
  bool is_delete = false;
  std::shared_ptr<const EncodedWrite> encoded;  // may be null: the commit log encodes the entry itself
  bool by_update = false;  // deletes: the rows are old halves of UPDATEs (TableData::Delete's by_update)
};

// Where commits are made durable (engine/durability.h): the manager hands it a transaction's writes
// before they become visible.
class CommitLog {
 public:
  virtual ~CommitLog() = default;
  // Returns once `writes` of transaction `txn_id` are durable; an error fails the commit. `writes` are
  // those not logged ahead (Transaction::logged_writes), maybe none: the commit's final record makes
  // the transaction count either way.
  virtual Status LogCommit(Stamp txn_id, std::span<const WriteEntry> writes) = 0;
  // Transaction `txn_id` ended without a commit record (aborted, or its commit failed).
  virtual void Abandoned(Stamp /*txn_id*/) {}
  // Returns once the end without effect of prepared transaction `txn_id` (ROLLBACK PREPARED) is durable.
  virtual Status LogRollbackPrepared(Stamp /*txn_id*/) { return Status(); }
};

class TransactionManager {
 public:
  // Commits with writes go through `log` first (nullptr: nothing is logged). Set before any commit.
  void set_commit_log(CommitLog* log) { log_ = log; }
  // Whether commits are logged, so that writers may encode their entries ahead (WriteEntry::encoded).
  bool logs_commits() const { return log_ != nullptr; }
  // Holds every commit between logging and publishing, so that a checkpoint sees a published CSN and a
  // WAL position that cover the same commits.
  struct CommitPause {
    std::unique_lock<std::mutex> turnstile;
    std::unique_lock<std::shared_mutex> gate;
  };
  CommitPause PauseCommits();
  Stamp published_csn() const { return published_csn_.load(std::memory_order_acquire); }
  // Recovery: versions restored from disk carry CSN `csn`; new snapshots see them.
  void Recovered(Stamp csn) { published_csn_.store(csn, std::memory_order_release); }

  // Returns a new transaction id and counts it active.
  Stamp Begin();
  // A snapshot of the commits published so far, seeing `own` transaction's writes too.
  Snapshot TakeSnapshot(Stamp own) const;
  // The same, registered as held until ReleaseSnapshot(csn): the flusher never drops versions it needs.
  Snapshot HoldSnapshot(Stamp own);
  void ReleaseSnapshot(Stamp csn);
  // The oldest CSN a held snapshot reads at, or the published CSN when none is held: every snapshot in
  // use or taken later sees all commits up to it.
  Stamp SnapshotHorizon() const;
  // Returns whether transaction `txn_id` has neither committed nor aborted yet.
  bool IsActive(Stamp txn_id) const;
  // Waits until transaction `holder` ends. `waiter` (an active transaction) is recorded as waiting, so
  // that a wait closing a cycle returns kDeadlock at once. `canceled` is polled every few milliseconds.
  WaitResult WaitFor(Stamp waiter, Stamp holder, const std::function<bool()>& canceled);

  // Logs `writes` (but the first `logged_ahead`, already in the log), stamps them with a new CSN,
  // publishes it and ends the transaction (Transaction::Commit). When logging fails the writes are
  // undone, the transaction ends, and the error is returned.
  Status Commit(Stamp txn_id, const std::vector<WriteEntry>& writes, size_t logged_ahead = 0);
  // Ends the transaction, whose writes are already undone (Transaction::Abort): the commit log forgets
  // what it logged ahead for it.
  void Abandon(Stamp txn_id);

  // Two-phase commit (engine/prepared_transactions.h). A prepared transaction stays active, so writers
  // meeting its versions wait for it, until one of these ends it. Both log first (the commit's final
  // record, or the rollback's record) and change nothing when logging fails.
  Status CommitPrepared(Stamp txn_id, const std::vector<WriteEntry>& writes);
  Status RollbackPrepared(Stamp txn_id, const std::vector<WriteEntry>& writes);
  // Recovery: transaction `txn_id`, prepared before the restart, is active again.
  void AdoptPrepared(Stamp txn_id);
  // Recovery: new transaction ids come after `txn_id` (the largest the log holds), so that none
  // collides with a recovered prepared transaction or with records the log keeps.
  void SkipTxnIdsThrough(Stamp txn_id);

 private:
  // Logs `writes` from `logged_ahead` on (for a `prepared` transaction always, even none: its final
  // record), then stamps and publishes.
  Status CommitLogged(Stamp txn_id, const std::vector<WriteEntry>& writes, size_t logged_ahead, bool prepared);

  void End(Stamp txn_id);

  CommitLog* log_ = nullptr;
  // Committers hold commit_gate_ shared from logging to publishing. They pass turnstile_ first, which a
  // checkpoint holds while it waits for the gate, so a stream of commits cannot starve it.
  std::mutex turnstile_;
  std::shared_mutex commit_gate_;
  std::atomic<Stamp> published_csn_{0};
  std::mutex commit_mutex_;  // serialises stamping and publishing CSNs in order
  mutable std::mutex mutex_;
  std::condition_variable ended_;
  Stamp next_txn_id_ = kFirstTxnId;     // GUARDED_BY(mutex_)
  std::set<Stamp> active_;              // GUARDED_BY(mutex_)
  std::map<Stamp, Stamp> waiting_for_;  // waiter -> holder; GUARDED_BY(mutex_)
  std::map<Stamp, int> held_snapshots_;  // CSN -> how many hold it; GUARDED_BY(mutex_)
};

class Transaction {
 public:
  explicit Transaction(TransactionManager& manager) : manager_(manager) {}
  ~Transaction();  // aborts when neither committed nor aborted
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  TransactionManager& manager() { return manager_; }
  IsolationLevel isolation() const { return isolation_; }
  void set_isolation(IsolationLevel isolation) { isolation_ = isolation; }
  // Whether a statement took its snapshot (the isolation level can no longer change).
  bool has_snapshot() const { return took_snapshot_; }

  // The transaction id, assigned on first use.
  Stamp Id();
  // The snapshot a statement reads with: a fresh one, or under REPEATABLE READ the transaction's first.
  Snapshot StatementSnapshot();
  // A fresh snapshot that does not fix the REPEATABLE READ one (utility statements).
  Snapshot CurrentSnapshot();

  void RecordWrite(std::shared_ptr<TableData> table, std::vector<RowId> rows, bool is_delete,
                   std::shared_ptr<const EncodedWrite> encoded = nullptr, bool by_update = false);
  // Replaces the rows (and encoding) of the last recorded write, an insert whose other rows were undone
  // (ON CONFLICT DO NOTHING): only versions the transaction commits may be logged. No rows: drops it.
  void ReplaceLastWrite(std::vector<RowId> rows, std::shared_ptr<const EncodedWrite> encoded);
  size_t WritePosition() const { return writes_.size(); }
  // Bytes of the recorded writes' entries encoded ahead (WriteEntry::encoded), held until commit.
  size_t encoded_bytes() const { return encoded_bytes_; }
  // Undoes the writes recorded after the first `position` (ROLLBACK TO SAVEPOINT). REQUIRES: position
  // >= logged_writes() (NoteSavepoint keeps such writes from being logged ahead).
  void RollbackTo(size_t position);

  // Log-ahead (engine/durability.h): a large transaction's writes may go to the log before its commit,
  // in records that count only once the commit's final record follows; the commit then logs the rest.
  // The first logged_writes() writes are logged so; a SAVEPOINT at write position p keeps every write
  // from p on out of the log until the commit (they could still be rolled back).
  size_t logged_writes() const { return logged_writes_; }
  void NoteSavepoint(size_t position) { log_ahead_limit_ = std::min(log_ahead_limit_, position); }
  // The writes that may be logged ahead now.
  std::span<const WriteEntry> WritesToLogAhead() const;
  // Marks the next `count` writes logged, dropping their encoded copies.
  void MarkLoggedAhead(size_t count);
  // The writes not logged yet, savepoints or not (PREPARE TRANSACTION logs them all).
  std::span<const WriteEntry> UnloggedWrites() const { return std::span(writes_).subspan(logged_writes_); }
  // Two-phase commit: hands the write set over and sets `*id` to the transaction id (0: none was
  // assigned), leaving the transaction active in the manager and this object empty, as if it had
  // ended. TransactionManager::CommitPrepared or RollbackPrepared ends it later.
  std::vector<WriteEntry> Detach(Stamp* id);
  // Throws the commit log's error (58030, 53100, ...) after undoing the writes.
  void Commit();
  void Abort();

 private:
  // Takes a snapshot, holding the first one for the rest of the transaction.
  Snapshot Take(Stamp own);
  void ReleaseHeld();

  TransactionManager& manager_;
  IsolationLevel isolation_ = IsolationLevel::kReadCommitted;
  Stamp id_ = 0;
  bool took_snapshot_ = false;
  bool kept_snapshot_ = false;
  Snapshot snapshot_;
  // The CSN of the transaction's first snapshot, held with the manager until the transaction ends: later
  // snapshots are newer, so it covers them all.
  bool holds_snapshot_ = false;
  Stamp held_csn_ = 0;
  std::vector<WriteEntry> writes_;
  size_t encoded_bytes_ = 0;
  size_t logged_writes_ = 0;
  size_t log_ahead_limit_ = SIZE_MAX;
};

}  // namespace tessera::storage
