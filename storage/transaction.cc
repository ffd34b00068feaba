// SPDX-License-Identifier: Apache-2.0
// Transaction ids, snapshots, commit stamping and waiting for another transaction.
#include "storage/transaction.h"

#include <chrono>
#include <utility>

#include "base/check.h"

namespace tessera::storage {

namespace {

// How long a writer waits for another transaction before giving up, and how often it checks for cancel.
constexpr auto kMaxWait = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(5);

void RestampAll(const std::vector<WriteEntry>& writes, size_t from_position, Stamp from, Stamp to) {
  for (size_t position = writes.size(); position > from_position; --position) {
    const WriteEntry& entry = writes[position - 1];
    entry.table->Restamp(entry.rows, entry.is_delete, from, to);
  }
}

}  // namespace

Stamp TransactionManager::Begin() {
  std::lock_guard lock(mutex_);
  const Stamp id = next_txn_id_++;
  active_.insert(id);
  return id;
}

Snapshot TransactionManager::TakeSnapshot(Stamp own) const {
  Snapshot snapshot;
  snapshot.csn = published_csn_.load(std::memory_order_acquire);
  snapshot.txn_id = own;
  return snapshot;
}

Snapshot TransactionManager::HoldSnapshot(Stamp own) {
  std::lock_guard lock(mutex_);
  Snapshot snapshot = TakeSnapshot(own);
  ++held_snapshots_[snapshot.csn];
  return snapshot;
}

void TransactionManager::ReleaseSnapshot(Stamp csn) {
  std::lock_guard lock(mutex_);
  auto found = held_snapshots_.find(csn);
  if (found != held_snapshots_.end() && --found->second == 0) held_snapshots_.erase(found);
}

Stamp TransactionManager::SnapshotHorizon() const {
  std::lock_guard lock(mutex_);
  return held_snapshots_.empty() ? published_csn_.load(std::memory_order_acquire) : held_snapshots_.begin()->first;
}

bool TransactionManager::IsActive(Stamp txn_id) const {
  std::lock_guard lock(mutex_);
  return active_.count(txn_id) > 0;
}

TransactionManager::CommitPause TransactionManager::PauseCommits() {
  std::unique_lock turnstile(turnstile_);
  std::unique_lock gate(commit_gate_);
  return CommitPause{std::move(turnstile), std::move(gate)};
}

Status TransactionManager::Commit(Stamp txn_id, const std::vector<WriteEntry>& writes, size_t logged_ahead) {
  return CommitLogged(txn_id, writes, logged_ahead, false);
}

Status TransactionManager::CommitPrepared(Stamp txn_id, const std::vector<WriteEntry>& writes) {
  return CommitLogged(txn_id, writes, writes.size(), true);
}

Status TransactionManager::CommitLogged(Stamp txn_id, const std::vector<WriteEntry>& writes, size_t logged_ahead,
                                        bool prepared) {
  { std::lock_guard turnstile(turnstile_); }
  std::shared_lock gate(commit_gate_);
  // A prepared transaction's PREPARE record is in the log, so its commit needs the final record even
  // without writes.
  if (log_ != nullptr && (!writes.empty() || prepared)) {
    Status logged = log_->LogCommit(txn_id, std::span(writes).subspan(logged_ahead));
    if (!logged.ok()) {
      if (prepared) return logged;  // still prepared: the outcome is decided only by a logged record
      RestampAll(writes, 0, txn_id, kNever);
      Abandon(txn_id);
      return logged;
    }
  }
  {
    // Readers see the new CSN only once every version carries it.
    std::lock_guard commit_lock(commit_mutex_);
    const Stamp csn = published_csn_.load(std::memory_order_relaxed) + 1;
    RestampAll(writes, 0, txn_id, csn);
    published_csn_.store(csn, std::memory_order_release);
  }
  End(txn_id);
  return Status();
}

Status TransactionManager::RollbackPrepared(Stamp txn_id, const std::vector<WriteEntry>& writes) {
  {
    // Logged under the gate, as a commit, so that a checkpoint lists the transaction as prepared exactly
    // when its end is not before the checkpoint's position.
    { std::lock_guard turnstile(turnstile_); }
    std::shared_lock gate(commit_gate_);
    if (log_ != nullptr) {
      if (Status logged = log_->LogRollbackPrepared(txn_id); !logged.ok()) return logged;
    }
  }
  RestampAll(writes, 0, txn_id, kNever);
  End(txn_id);
  return Status();
}

void TransactionManager::AdoptPrepared(Stamp txn_id) {
  std::lock_guard lock(mutex_);
  active_.insert(txn_id);
  next_txn_id_ = std::max(next_txn_id_, txn_id + 1);
}

void TransactionManager::SkipTxnIdsThrough(Stamp txn_id) {
  std::lock_guard lock(mutex_);
  next_txn_id_ = std::max(next_txn_id_, txn_id + 1);
}

void TransactionManager::Abandon(Stamp txn_id) {
  if (log_ != nullptr) log_->Abandoned(txn_id);
  End(txn_id);
}

void TransactionManager::End(Stamp txn_id) {
  {
    std::lock_guard lock(mutex_);
    active_.erase(txn_id);
  }
  ended_.notify_all();
}

WaitResult TransactionManager::WaitFor(Stamp waiter, Stamp holder, const std::function<bool()>& canceled) {
  std::unique_lock lock(mutex_);
  // A cycle of waits never ends by itself: the transaction that would close it gives up.
  for (Stamp next = holder; next != 0;) {
    if (next == waiter) return WaitResult::kDeadlock;
    auto found = waiting_for_.find(next);
    next = found == waiting_for_.end() ? 0 : found->second;
  }
  waiting_for_[waiter] = holder;
  const auto deadline = std::chrono::steady_clock::now() + kMaxWait;
  WaitResult result = WaitResult::kEnded;
  while (active_.count(holder) > 0) {
    if (canceled()) {
      result = WaitResult::kCanceled;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result = WaitResult::kTimedOut;
      break;
    }
    ended_.wait_for(lock, kPollInterval);
  }
  waiting_for_.erase(waiter);
  return result;
}

Transaction::~Transaction() {
  Abort();
  ReleaseHeld();
}

Snapshot Transaction::Take(Stamp own) {
  if (holds_snapshot_) return manager_.TakeSnapshot(own);
  Snapshot snapshot = manager_.HoldSnapshot(own);
  held_csn_ = snapshot.csn;
  holds_snapshot_ = true;
  return snapshot;
}

void Transaction::ReleaseHeld() {
  if (!holds_snapshot_) return;
  manager_.ReleaseSnapshot(held_csn_);
  holds_snapshot_ = false;
}

Snapshot Transaction::CurrentSnapshot() { return Take(id_); }

Stamp Transaction::Id() {
  if (id_ == 0) id_ = manager_.Begin();
  return id_;
}

Snapshot Transaction::StatementSnapshot() {
  took_snapshot_ = true;
  if (isolation_ == IsolationLevel::kReadCommitted) return Take(id_);
  if (!kept_snapshot_) {
    snapshot_ = Take(0);
    kept_snapshot_ = true;
  }
  Snapshot snapshot = snapshot_;
  snapshot.txn_id = id_;  // the id may have been assigned since the snapshot was taken
  return snapshot;
}

void Transaction::RecordWrite(std::shared_ptr<TableData> table, std::vector<RowId> rows, bool is_delete,
                              std::shared_ptr<const EncodedWrite> encoded, bool by_update) {
  if (rows.empty()) return;
  if (encoded != nullptr) encoded_bytes_ += encoded->num_bytes();
  writes_.push_back(WriteEntry{std::move(table), std::move(rows), is_delete, std::move(encoded), by_update});
}

void Transaction::ReplaceLastWrite(std::vector<RowId> rows, std::shared_ptr<const EncodedWrite> encoded) {
  TESSERA_CHECK(writes_.size() > logged_writes_);
  WriteEntry& last = writes_.back();
  if (last.encoded != nullptr) encoded_bytes_ -= last.encoded->num_bytes();
  if (rows.empty()) {
    writes_.pop_back();
    return;
  }
  if (encoded != nullptr) encoded_bytes_ += encoded->num_bytes();
  last.rows = std::move(rows);
  last.encoded = std::move(encoded);
}

void Transaction::RollbackTo(size_t position) {
  TESSERA_CHECK(position >= logged_writes_);
  if (position >= writes_.size()) return;
  RestampAll(writes_, position, id_, kNever);
  for (size_t index = position; index < writes_.size(); ++index) {
    if (writes_[index].encoded != nullptr) encoded_bytes_ -= writes_[index].encoded->num_bytes();
  }
  writes_.resize(position);
}

std::span<const WriteEntry> Transaction::WritesToLogAhead() const {
  const size_t end = std::min(writes_.size(), log_ahead_limit_);
  return end > logged_writes_ ? std::span(writes_).subspan(logged_writes_, end - logged_writes_)
                              : std::span<const WriteEntry>();
}

void Transaction::MarkLoggedAhead(size_t count) {
  TESSERA_CHECK(logged_writes_ + count <= writes_.size());
  for (size_t index = logged_writes_; index < logged_writes_ + count; ++index) {
    if (writes_[index].encoded != nullptr) encoded_bytes_ -= writes_[index].encoded->num_bytes();
    writes_[index].encoded.reset();
  }
  logged_writes_ += count;
}

std::vector<WriteEntry> Transaction::Detach(Stamp* id) {
  *id = std::exchange(id_, 0);
  std::vector<WriteEntry> writes = std::move(writes_);
  writes_.clear();
  for (WriteEntry& entry : writes) entry.encoded.reset();
  encoded_bytes_ = 0;
  logged_writes_ = 0;
  log_ahead_limit_ = SIZE_MAX;
  ReleaseHeld();  // a prepared transaction reads nothing more
  return writes;
}

void Transaction::Commit() {
  if (id_ == 0) return;
  const Stamp id = std::exchange(id_, 0);
  std::vector<WriteEntry> writes = std::move(writes_);
  const size_t logged = std::exchange(logged_writes_, 0);
  writes_.clear();
  encoded_bytes_ = 0;
  log_ahead_limit_ = SIZE_MAX;
  manager_.Commit(id, writes, logged).ThrowIfError();
}

void Transaction::Abort() {
  if (id_ == 0) return;
  logged_writes_ = 0;  // records logged ahead never count without the commit's final one
  log_ahead_limit_ = SIZE_MAX;
  RollbackTo(0);
  manager_.Abandon(id_);
  id_ = 0;
}

}  // namespace tessera::storage
