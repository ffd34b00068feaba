// SPDX-License-Identifier: Apache-2.0
// Durability: keeps the database in its data directory across restarts and crashes (storage/README.md,
// "Durable tables"; file formats: storage/FORMAT.md).
//
//   DATA/wal/          the write-ahead log (storage/wal_writer.h): one record per committing transaction
//                      (split when large) with the rows it inserted and the row ids it deleted, and
//                      sequence positions logged ahead of use;
//   DATA/checkpoint    the catalog and, per table, the files with its rows (engine/checkpoint_file.h);
//   DATA/tables/       those files: frozen segments (`<storage id>-<partition>-<first row group>-<n>.seg`,
//                      written by the flusher), and per checkpoint the delta's rows with their row ids
//                      (`<storage id>-<checkpoint LSN>-<n>.seg`) and the frozen rows dead at it (`.del`).
//
// Commit (as the TransactionManager's CommitLog): the writes are appended to the WAL and the committer
// waits for group commit's fsync before its CSN is published, so a client is told COMMIT only once its
// rows are on disk. Row ids are logged as they are, so a later delete of the row finds it at replay.
//
// Log-ahead: a bulk load (COPY) hands its transaction to LogAhead every few MiB of rows; those writes
// are appended as records that are not final, and a background thread writes and syncs them, so that
// the commit writes only the rest and a final record instead of the whole load at once. A checkpoint
// records the transactions logged ahead but not committed and keeps the WAL from their first record;
// recovery applies their records from before the checkpoint's position only when their final record
// follows.
//
// Prepared transactions (two-phase commit, engine/prepared_transactions.h): PREPARE logs the rest of the
// transaction's writes ahead, then a PREPARE record naming the gid, and waits for it to be durable; COMMIT
// PREPARED is the commit's final record, ROLLBACK PREPARED a record that ends the transaction without
// effect. A checkpoint lists them (with the transactions logged ahead, whose WAL it keeps); recovery
// replays their records and re-creates them still prepared, their versions stamped with their ids, and
// new transaction ids start after every id the replayed log holds.
//
// Flushing: a background thread freezes runs of settled row groups (TableData::FreezeCandidates) of at
// least `flush_rows` rows into segment files; from then on their rows are read from the file. Frozen
// segments are immutable; the next checkpoint records them.
//
// Checkpoint: commits are paused for an instant to take the WAL position and the published CSN together;
// then for every table that changed since the last checkpoint the delta's rows that CSN sees and the
// frozen rows dead at it are written, the checkpoint file (naming those and the frozen segments)
// replaces the old one atomically, and the WAL before the position is removed. A committed DDL statement is made durable by a checkpoint before its commit returns (the
// catalog lives only in checkpoints), and a WAL past kCheckpointWalBytes triggers one too. As the
// catalog is written as it is, DDL of transactions still open included, a checkpoint also keeps the
// images that undo it (SetOpenCatalog), which recovery puts back.
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
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/error.h"
#include "engine/checkpoint_file.h"
#include "engine/prepared_catalog.h"
#include "engine/prepared_transactions.h"
#include "storage/transaction.h"

namespace tessera::storage {
class WalWriter;
struct FrozenSegment;
}

namespace tessera::engine {

class Catalog;

// A transaction recovered as prepared: its versions are stamped with `txn_id`.
struct RecoveredPrepared {
  storage::Stamp txn_id = 0;
  PreparedInfo info;
  uint64_t first_lsn = 0;  // at or before its first WAL record
  std::vector<storage::WriteEntry> writes;
  std::vector<RelationImage> images;  // what undoes its catalog changes (engine/prepared_catalog.h)
};

class Durability : public storage::CommitLog {
 public:
  // A checkpoint follows a commit once the WAL written since the last one is this large.
  static constexpr uint64_t kCheckpointWalBytes = 256u << 20;

  // Runs of settled row groups are frozen into segments once they hold `flush_rows` rows. Below one row
  // group's worth (a test setting) every commit freezes what it can at once, partial row groups too.
  static constexpr uint64_t kDefaultFlushRows = 256 * 1024;

  Durability(std::string data_dir, Catalog& catalog, storage::TransactionManager& transactions,
             uint64_t flush_rows = kDefaultFlushRows);
  ~Durability() override;
  Durability(const Durability&) = delete;
  Durability& operator=(const Durability&) = delete;

  // Recovers the catalog and the tables from the data directory (creating it when missing) and opens
  // the WAL for writing.
  Status Open();

  Status LogCommit(storage::Stamp txn_id, std::span<const storage::WriteEntry> writes) override;
  void Abandoned(storage::Stamp txn_id) override;
  Status LogRollbackPrepared(storage::Stamp txn_id) override;
  // PREPARE TRANSACTION: logs every write of `txn` not logged yet as records that are not final, then a
  // PREPARE record with `info`, and returns once they are durable. A transaction that changed the schema
  // (`images` not empty) then writes a checkpoint, which holds its catalog changes and `images` (kept in
  // every checkpoint until it ends); when that fails, its ROLLBACK PREPARED is logged and the error
  // returned.
  Status LogPrepare(storage::Transaction& txn, const PreparedInfo& info, std::vector<RelationImage> images = {},
                    uint64_t open_key = 0);
  // ROLLBACK PREPARED of a transaction that changed the schema, after its record was logged: runs
  // `undo` (which puts its catalog changes back) with no checkpoint in between, then forgets its images.
  void UndoPreparedCatalog(storage::Stamp txn_id, const std::function<void()>& undo);
  // An open transaction's catalog changes (a session's block, `key`), as the images that undo them
  // (empty: none, or it ended). Checkpoints, which write the catalog as it is, keep them, and recovery
  // puts them back: an open transaction's DDL never outlives a crash. LogPrepare(..., key) hands them
  // over to the prepared transaction; a commit sets none before its checkpoint.
  void SetOpenCatalog(uint64_t key, std::vector<RelationImage> images);
  // A coordinator's two-phase commit (engine/distributed.h): logs durably that distributed transaction
  // `gid` commits; LogDecisionDone, once no worker holds it prepared any more. CommitDecisions lists
  // those logged and not done (kept in checkpoints).
  Status LogCommitDecision(const std::string& gid);
  void LogDecisionDone(const std::string& gid);
  std::vector<std::string> CommitDecisions() const;
  // The transactions that Open recovered as prepared (once; the caller re-creates them).
  std::vector<RecoveredPrepared> TakeRecoveredPrepared() { return std::move(recovered_prepared_); }
  // Appends the writes of `txn` that may be logged ahead (Transaction::WritesToLogAhead) as records that
  // are not final, without waiting; the log-ahead thread writes them out.
  Status LogAhead(storage::Transaction& txn);
  // Logs that sequence `oid` may have handed out values up to `next` (not waited for: the commit of a
  // transaction that used a value waits for everything logged before it).
  void LogSequence(uint32_t oid, int64_t next, bool called);
  // After a commit: checkpoints when the catalog changed since the last checkpoint (throws its error:
  // the DDL is not durable) or when the WAL grew past kCheckpointWalBytes.
  void AfterCommit();
  Status Checkpoint();
  // Freezes every run of settled row groups of at least `min_groups` groups (with `pad`, partial last
  // row groups too). The flusher thread calls it; tests and CHECKPOINT may too.
  Status Flush(size_t min_groups, bool pad);

 private:
  struct Image {
    uint64_t change_count = 0;
    TableFiles files;
  };
  class Replay;

  // Takes DATA/lock for this process, so that two servers never share a data directory.
  Status LockDataDirectory();
  // Loads the checkpoint, if any: the catalog, the tables, and where the WAL replay starts.
  Status LoadCheckpoint(CheckpointContents* contents, bool* found);
  // Adds the tables and sequences of the prepared transactions' images to what Checkpoint writes.
  Status AddImages(CheckpointContents& contents, storage::Stamp csn, std::map<uint32_t, Image>& images);
  Status LoadTable(const TableFiles& files, storage::TableData& data);
  Status LoadImage(const std::string& name, storage::TableData& data) const;
  Status LoadDeleted(const std::string& name, storage::TableData& data) const;
  // Applies the WAL records after the checkpoint's position, and those from its replay position on of the
  // transactions it names as logged ahead.
  // `committed`: the transactions whose commit it replayed.
  Status ReplayWal(const CheckpointContents& checkpoint, bool* replayed, std::set<storage::Stamp>* committed);
  // After the replay: hands the checkpoint's images of transactions still prepared to them, forgets
  // those of transactions whose commit was replayed, and puts back the others' (rolled back, or never
  // prepared: the checkpoint that PREPARE writes comes before its PREPARE record).
  // Returns whether it put any back.
  bool ResolvePreparedCatalog(std::vector<CheckpointContents::PreparedCatalog> logged,
                              const std::set<storage::Stamp>& committed);
  // Loads the storage of the checkpoint's images: their own files, or the live table's storage.
  Status LoadImages(CheckpointContents& contents);
  // Registers the recovered prepared transactions with the log and the TransactionManager.
  void AdoptRecovered(storage::Stamp max_txn_id);
  // Forgets what was logged ahead for `txn_id` (and that it was prepared): its end is logged.
  void ForgetLoggedAhead(storage::Stamp txn_id);
  // Appends `writes` of `txn_id` as records of at most about kRecordBytes; the last one final if `final`.
  Status AppendWrites(storage::Stamp txn_id, std::span<const storage::WriteEntry> writes, bool final_record,
                      uint64_t* lsn);
  void RunLogAheadWriter();
  Status WriteTableFiles(const storage::TableData& data, storage::Stamp csn, uint64_t lsn, TableFiles* files);
  Status WriteImage(const storage::TableData& data, storage::Stamp csn, uint64_t lsn, std::string* name) const;
  Status WriteDeleted(const storage::TableData& data, storage::Stamp csn, uint64_t lsn, std::string* name) const;
  // Sets `*froze` when the run became a segment (it may have changed since it was found).
  Status FreezeRun(storage::TableData& data, const storage::FreezeRun& run, bool pad, bool* froze);
  Status MergeRun(storage::TableData& data, const storage::MergeRun& run);
  // Writes `columns` as a new frozen segment file for `first_group` of a partition and opens it.
  Status WriteFrozen(const storage::TableData& data, int partition, size_t first_group, std::vector<Vector> columns,
                     std::shared_ptr<const storage::FrozenSegment>* segment);
  // Keeps `segment`'s file while it is in use when a table `taken` it; otherwise removes the file.
  // Returns `taken`.
  bool KeepIfTaken(const std::shared_ptr<const storage::FrozenSegment>& segment, bool taken);
  // A name for a new file in DATA/tables: `stem-<n>` + `suffix` with the first n no file has.
  std::string NewFileName(const std::string& stem, const std::string& suffix) const;
  // Appends a record whose payload is a gid (the commit decision records).
  Status AppendGidRecord(uint16_t type, const std::string& gid, uint64_t* lsn);
  // Appends a record whose payload is the concatenation of `parts`.
  Status AppendRecord(uint16_t type, std::span<const std::string_view> parts, uint64_t* lsn);
  void RemoveUnusedFiles(const std::map<uint32_t, Image>& keep);
  void RunFlusher();
  static void ReportFlushError(const Status& status);

  const std::string data_dir_;
  Catalog& catalog_;
  storage::TransactionManager& transactions_;
  std::unique_ptr<storage::WalWriter> wal_;
  int lock_fd_ = -1;

  const uint64_t flush_rows_;

  std::mutex checkpoint_mutex_;             // one checkpoint or flush at a time
  std::map<uint32_t, Image> images_;        // GUARDED_BY(checkpoint_mutex_): storage id -> its files
  // Every frozen segment made or loaded, while something (a table, an undo action, a scan) still holds
  // it: its file is kept even when no checkpoint names it. GUARDED_BY(checkpoint_mutex_).
  std::vector<std::weak_ptr<const storage::FrozenSegment>> live_segments_;
  std::atomic<uint64_t> checkpoint_catalog_version_{0};
  std::atomic<uint64_t> wal_bytes_since_checkpoint_{0};
  std::atomic<uint64_t> wal_bytes_since_wake_{0};

  std::mutex flusher_mutex_;
  std::condition_variable flusher_wake_;
  bool stopping_ = false;  // GUARDED_BY(flusher_mutex_)
  std::thread flusher_;

  // Transactions with records logged ahead and no final record yet -> an LSN at or before their first.
  std::mutex log_ahead_mutex_;
  std::map<storage::Stamp, uint64_t> logged_ahead_;  // GUARDED_BY(log_ahead_mutex_)
  std::atomic<bool> any_logged_ahead_{false};
  uint64_t log_ahead_target_ = 0;                     // GUARDED_BY(log_ahead_mutex_): LSN to write out
  bool log_ahead_stopping_ = false;                   // GUARDED_BY(log_ahead_mutex_)
  std::condition_variable log_ahead_wake_;
  std::thread log_ahead_writer_;
  // The prepared transactions (each also in logged_ahead_). GUARDED_BY(log_ahead_mutex_).
  std::map<storage::Stamp, PreparedInfo> prepared_;
  // The images of prepared transactions that changed the schema, kept in checkpoints until they end;
  // one rolled back stays until its images are put back (UndoPreparedCatalog). GUARDED_BY(log_ahead_mutex_).
  struct PreparedCatalog {
    std::vector<RelationImage> images;
    bool rolled_back = false;
  };
  std::map<storage::Stamp, PreparedCatalog> prepared_catalog_;
  std::map<uint64_t, std::vector<RelationImage>> open_catalog_;  // GUARDED_BY(log_ahead_mutex_)
  std::vector<RecoveredPrepared> recovered_prepared_;  // set by Open
  mutable std::mutex decisions_mutex_;
  std::set<std::string> decisions_;  // GUARDED_BY(decisions_mutex_)
};

}  // namespace tessera::engine
