// SPDX-License-Identifier: Apache-2.0
// Durability: keeps the database in its data directory across restarts and crashes (storage/README.md,
// "Durable tables"; file formats: storage/FORMAT.md).
//
//   DATA/wal/          the write-ahead log (storage/wal_writer.h): one record per committing transaction
//                      (split when large) with the rows it inserted and the row ids it deleted, and
//                      sequence positions logged ahead of use;
//   DATA/checkpoint    the catalog and, per table, the segment file with its rows (engine/checkpoint_file.h);
//   DATA/tables/       those segment files: `<storage id>-<checkpoint LSN>.seg`, each row with its row id.
//
// Commit (as the TransactionManager's CommitLog): the writes are appended to the WAL and the committer
// waits for group commit's fsync before its CSN is published, so a client is told COMMIT only once its
// rows are on disk. Row ids are logged as they are, so a later delete of the row finds it at replay.
//
// Checkpoint: commits are paused for an instant to take the WAL position and the published CSN together;
// then every table that changed since the last checkpoint is written as a segment file of the rows that
// CSN sees, the checkpoint file replaces the old one atomically, and the WAL before the position is
// removed. A committed DDL statement is made durable by a checkpoint before its commit returns (the
// catalog lives only in checkpoints), and a WAL past kCheckpointWalBytes triggers one too.
//
// Recovery (Open): the checkpoint's catalog and segment files, then every WAL record after its position:
// a transaction's rows count only when its final record is there. Indexes are rebuilt, and a new
// checkpoint makes the replayed WAL unnecessary. Damage anywhere is XX001 naming the file, and the
// server does not start on it.
//
// Thread safety: LogCommit, LogSequence, AfterCommit and Checkpoint may be called from any thread after
// Open returned.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/error.h"
#include "storage/transaction.h"

namespace tessera::storage {
class WalWriter;
}

namespace tessera::engine {

class Catalog;

class Durability : public storage::CommitLog {
 public:
  // A checkpoint follows a commit once the WAL written since the last one is this large.
  static constexpr uint64_t kCheckpointWalBytes = 256u << 20;

  Durability(std::string data_dir, Catalog& catalog, storage::TransactionManager& transactions);
  ~Durability() override;
  Durability(const Durability&) = delete;
  Durability& operator=(const Durability&) = delete;

  // Recovers the catalog and the tables from the data directory (creating it when missing) and opens
  // the WAL for writing.
  Status Open();

  Status LogCommit(storage::Stamp txn_id, const std::vector<storage::WriteEntry>& writes) override;
  // Logs that sequence `oid` may have handed out values up to `next` (not waited for: the commit of a
  // transaction that used a value waits for everything logged before it).
  void LogSequence(uint32_t oid, int64_t next, bool called);
  // After a commit: checkpoints when the catalog changed since the last checkpoint (throws its error:
  // the DDL is not durable) or when the WAL grew past kCheckpointWalBytes.
  void AfterCommit();
  Status Checkpoint();

 private:
  struct Image {
    uint64_t change_count = 0;
    std::string name;
  };
  class Replay;

  // Takes DATA/lock for this process, so that two servers never share a data directory.
  Status LockDataDirectory();
  Status LoadCheckpoint(uint64_t* wal_lsn, bool* found);
  Status LoadImage(const std::string& name, storage::TableData& data) const;
  Status ReplayWal(uint64_t from_lsn, bool* replayed);
  Status WriteImage(const storage::TableData& data, storage::Stamp csn, uint64_t lsn, std::string* name) const;
  Status AppendRecord(uint16_t type, const std::string& payload, uint64_t* lsn);
  void RemoveUnusedImages(const std::map<uint32_t, Image>& keep) const;

  const std::string data_dir_;
  Catalog& catalog_;
  storage::TransactionManager& transactions_;
  std::unique_ptr<storage::WalWriter> wal_;
  int lock_fd_ = -1;

  std::mutex checkpoint_mutex_;             // one checkpoint at a time
  std::map<uint32_t, Image> images_;        // GUARDED_BY(checkpoint_mutex_): storage id -> its segment file
  std::atomic<uint64_t> checkpoint_catalog_version_{0};
  std::atomic<uint64_t> wal_bytes_since_checkpoint_{0};
};

}  // namespace tessera::engine
