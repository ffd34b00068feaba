// SPDX-License-Identifier: Apache-2.0
// The registry of prepared transactions: PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED.
#include "engine/prepared_transactions.h"

#include "engine/durability.h"

namespace tessera::engine {

void PreparedTransactions::Reserve(const PreparedInfo& info) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = by_gid_.try_emplace(info.gid);
  if (!inserted) {
    throw SqlError(SqlState::kDuplicateObject, "transaction identifier \"" + info.gid + "\" is already in use");
  }
  entry->second.info = info;
}

void PreparedTransactions::Prepare(storage::Transaction& txn, PreparedInfo info, std::vector<RelationImage> images,
                                   std::function<void()> undo_catalog, uint64_t open_key) {
  if (info.gid.size() > kMaxGidBytes) {
    throw SqlError(SqlState::kInvalidParameterValue, "transaction identifier \"" + info.gid + "\" is too long");
  }
  Reserve(info);
  txn.Id();  // a transaction without writes gets its id here: the PREPARE record and the listing need one
  if (durability_ != nullptr) {
    if (Status logged = durability_->LogPrepare(txn, info, std::move(images), open_key); !logged.ok()) {
      std::lock_guard lock(mutex_);
      by_gid_.erase(info.gid);
      logged.ThrowIfError();
    }
  }
  storage::Stamp txn_id = 0;
  std::vector<storage::WriteEntry> writes = txn.Detach(&txn_id);
  std::lock_guard lock(mutex_);
  Entry& entry = by_gid_.at(info.gid);
  entry.state = State::kPrepared;
  entry.txn_id = txn_id;
  entry.writes = std::move(writes);
  entry.undo_catalog = std::move(undo_catalog);
}

PreparedTransactions::Entry& PreparedTransactions::TakeForFinish(const std::string& gid) {
  std::lock_guard lock(mutex_);
  auto found = by_gid_.find(gid);
  if (found == by_gid_.end() || found->second.state == State::kPreparing) {
    throw SqlError(SqlState::kUndefinedObject, "prepared transaction with identifier \"" + gid + "\" does not exist");
  }
  if (found->second.state == State::kFinishing) {
    throw SqlError(SqlState::kObjectNotInPrerequisiteState, "prepared transaction with identifier \"" + gid + "\" is busy");
  }
  found->second.state = State::kFinishing;
  return found->second;
}

void PreparedTransactions::Finish(const std::string& gid, bool commit) {
  // Every user is a superuser (Tessera has no roles yet), so anyone may finish any prepared transaction.
  Entry& entry = TakeForFinish(gid);  // stays in the map, finishing, until erased below
  Status status = commit ? transactions_.CommitPrepared(entry.txn_id, entry.writes)
                         : transactions_.RollbackPrepared(entry.txn_id, entry.writes);
  if (status.ok() && !commit && entry.undo_catalog) {
    if (durability_ != nullptr) {
      durability_->UndoPreparedCatalog(entry.txn_id, entry.undo_catalog);
    } else {
      entry.undo_catalog();
    }
  }
  std::lock_guard lock(mutex_);
  if (!status.ok()) {
    entry.state = State::kPrepared;
    status.ThrowIfError();
  }
  by_gid_.erase(gid);
}

std::vector<PreparedTransactions::Listed> PreparedTransactions::List() const {
  std::lock_guard lock(mutex_);
  std::vector<Listed> listed;
  for (const auto& [gid, entry] : by_gid_) {
    if (entry.state != State::kPreparing) listed.push_back(Listed{entry.txn_id, entry.info});
  }
  return listed;
}

void PreparedTransactions::Restore(storage::Stamp txn_id, PreparedInfo info, std::vector<storage::WriteEntry> writes,
                                   std::function<void()> undo_catalog) {
  std::lock_guard lock(mutex_);
  const std::string gid = info.gid;
  by_gid_[gid] = Entry{State::kPrepared, txn_id, std::move(info), std::move(writes), std::move(undo_catalog)};
}

}  // namespace tessera::engine
