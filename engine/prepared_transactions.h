// SPDX-License-Identifier: Apache-2.0
// Prepared transactions (two-phase commit, as PostgreSQL's PREPARE TRANSACTION / COMMIT PREPARED /
// ROLLBACK PREPARED): the worker side of a coordinator's distributed commit (docs/CLUSTER.md).
//
// Prepare takes a session's open transaction: its writes are logged durably with a PREPARE record that
// names the gid (Durability::LogPrepare), then the write set moves here and the session is left without
// a transaction. The transaction stays active in the TransactionManager, so its versions stay invisible
// to others and writers that meet them wait, until Finish commits or rolls it back from any session.
// After a restart Durability recovers it (Restore), still prepared and holding its rows.
//
// A transaction that changed the schema keeps its catalog changes published while prepared; Prepare
// takes the images of the relations it changed (engine/prepared_catalog.h), which Durability keeps in a
// checkpoint written before Prepare returns, and an action that undoes the changes, which ROLLBACK
// PREPARED runs.
//
// States of a gid: preparing (reserved while its PREPARE is logged; not listed, not finishable),
// prepared, finishing (a COMMIT/ROLLBACK PREPARED is logging its end; others get 55000).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/prepared_catalog.h"
#include "storage/transaction.h"

namespace tessera::engine {

class Durability;

// What pg_prepared_xacts shows of a prepared transaction, besides its id.
struct PreparedInfo {
  std::string gid;
  std::string owner;     // the user who prepared it
  std::string database;  // the database it was prepared in
  int64_t prepared_at = 0;  // microseconds since 2000-01-01 UTC
};

// PostgreSQL's GIDSIZE: a gid has at most this many bytes less one.
inline constexpr size_t kMaxGidBytes = 199;

class PreparedTransactions {
 public:
  explicit PreparedTransactions(storage::TransactionManager& transactions) : transactions_(transactions) {}
  PreparedTransactions(const PreparedTransactions&) = delete;
  PreparedTransactions& operator=(const PreparedTransactions&) = delete;

  // Logs through `durability` from now on (nullptr: in memory only). Set before any Prepare.
  void set_durability(Durability* durability) { durability_ = durability; }

  // PREPARE TRANSACTION: throws 22023 (gid too long), 42710 (gid in use) or the log's error, leaving
  // `txn` as it was (the caller aborts it). On success `txn` is empty and the transaction prepared.
  // `images` and `undo_catalog`: the transaction's catalog changes (none: empty and nullptr).
  // `open_key`: the key its catalog changes were open under (Durability::SetOpenCatalog).
  void Prepare(storage::Transaction& txn, PreparedInfo info, std::vector<RelationImage> images = {},
               std::function<void()> undo_catalog = nullptr, uint64_t open_key = 0);
  // COMMIT PREPARED (`commit`) or ROLLBACK PREPARED: throws 42704 (no such gid), 55000 (another session
  // is finishing it) or the log's error (it stays prepared).
  void Finish(const std::string& gid, bool commit);

  struct Listed {
    storage::Stamp txn_id = 0;
    PreparedInfo info;
  };
  // The prepared transactions, by gid.
  std::vector<Listed> List() const;
  // Recovery: re-creates a transaction prepared before the restart, its versions stamped with `txn_id`
  // (already active in the TransactionManager).
  // `undo_catalog` undoes its catalog changes (nullptr: it made none).
  void Restore(storage::Stamp txn_id, PreparedInfo info, std::vector<storage::WriteEntry> writes,
               std::function<void()> undo_catalog = nullptr);

 private:
  enum class State { kPreparing, kPrepared, kFinishing };
  struct Entry {
    State state = State::kPreparing;
    storage::Stamp txn_id = 0;
    PreparedInfo info;
    std::vector<storage::WriteEntry> writes;
    std::function<void()> undo_catalog;
  };

  // Takes `gid` for a transaction being prepared; throws 42710 when it is taken.
  void Reserve(const PreparedInfo& info);
  // Takes the prepared entry of `gid` for finishing; throws 42704 or 55000.
  Entry& TakeForFinish(const std::string& gid);

  storage::TransactionManager& transactions_;
  Durability* durability_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> by_gid_;  // GUARDED_BY(mutex_)
};

}  // namespace tessera::engine
