// SPDX-License-Identifier: Apache-2.0
// Commit logging, checkpoints and recovery of the data directory.
#include "engine/durability.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <deque>
#include <set>
#include <unordered_map>

#include "engine/catalog.h"
#include "engine/checkpoint_file.h"
#include "engine/wal_entry.h"
#include "storage/column_chunk.h"
#include "storage/encoding/byte_io.h"
#include "storage/file_io.h"
#include "storage/frozen_segment.h"
#include "storage/segment_reader.h"
#include "storage/segment_writer.h"
#include "storage/wal_reader.h"
#include "storage/wal_writer.h"

namespace tessera::engine {

namespace {

using storage::ByteReader;
using storage::ByteWriter;
using storage::RowId;
using storage::Stamp;

// WAL record types (storage/FORMAT.md, "## WAL records of tables").
constexpr uint16_t kTransactionRecord = 1;
constexpr uint16_t kSequenceRecord = 2;
constexpr uint16_t kPrepareRecord = 3;
constexpr uint16_t kRollbackPreparedRecord = 4;
// A coordinator's two-phase commit (engine/distributed.h): gid decided committed / resolved everywhere.
constexpr uint16_t kCommitDecisionRecord = 5;
constexpr uint16_t kDecisionDoneRecord = 6;

// A transaction's entries are packed into records of about kRecordBytes; only the last record of a
// transaction is final.
constexpr size_t kRecordBytes = 8u << 20;

// Recovered versions carry this CSN; the first new commit gets the next one.
constexpr Stamp kRecoveredCsn = 1;
static_assert(kRecoveredCsn == storage::kFrozenBegin, "frozen rows are as old as recovered ones");

// Frozen segments keep min/max per this many rows (a multiple of kBatchSize). Larger chunks compress
// price-like columns much better (FORMAT.md: trades at 128Ki rows 7.90 bytes/row, 256Ki 6.72, 512Ki
// 5.96); a point read decodes a whole chunk, so a frozen segment stops at 256Ki.
constexpr uint32_t kFrozenRowGroupSize = 256 * 1024;
static_assert(kFrozenRowGroupSize % kBatchSize == 0);
// Segments are merged while they have fewer row groups than this (about a million rows), once there are
// this many adjacent ones.
constexpr size_t kMaxSegmentGroups = 512;
constexpr size_t kMergeSegments = 4;
constexpr int kFlusherNice = 10;
// Commits wake the flusher once this much has been logged since the last wake.
constexpr uint64_t kFlushWakeBytes = 4u << 20;
// How often the flusher looks for settled row groups when no commit wakes it.
constexpr auto kFlushInterval = std::chrono::seconds(1);

Status MakeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return storage::IoErrorStatus("create directory", path, errno);
  return Status::Ok();
}

Status Corrupt(const std::string& what) { return Status(SqlState::kDataCorrupted, what); }

bool GetChunk(ByteReader& in, std::string_view* bytes, storage::ColumnChunk* chunk, Status* status) {
  uint32_t size = 0;
  if (!in.Get(&size) || !in.GetBytes(size, bytes)) return false;
  *status = storage::ColumnChunk::Open(*bytes, chunk);
  return status->ok();
}

std::string ImagePath(const std::string& data_dir, const std::string& name) { return data_dir + "/tables/" + name; }

}  // namespace

// Applies WAL records to the recovered tables. Rows of a transaction are stamped with its id until its
// final record arrives (then the recovered CSN); transactions without one are undone at the end, but for
// the prepared ones, which keep their stamps.
class Durability::Replay {
 public:
  Replay(const Catalog& catalog, const std::string& wal_path, const CheckpointContents& checkpoint)
      : wal_path_(wal_path),
        checkpoint_lsn_(checkpoint.wal_lsn),
        replay_lsn_(checkpoint.replay_lsn),
        logged_ahead_(checkpoint.logged_ahead.begin(), checkpoint.logged_ahead.end()) {
    for (const auto& relation : catalog.AllRelations()) {
      if (relation->kind == RelationKind::kTable) tables_[relation->data->storage_id()] = relation->data;
      if (relation->kind == RelationKind::kSequence) sequences_[relation->oid] = relation->sequence;
    }
    for (const auto& prepared : checkpoint.prepared) prepared_[prepared.txn_id] = prepared.info;
    decisions_.insert(checkpoint.commit_decisions.begin(), checkpoint.commit_decisions.end());
    for (Stamp txn_id : checkpoint.logged_ahead) max_txn_id_ = std::max(max_txn_id_, txn_id);
  }

  Status Apply(const storage::WalRecord& record) {
    ByteReader in(record.payload);
    if (record.type == kSequenceRecord) {
      return record.lsn <= checkpoint_lsn_ ? Status::Ok() : ApplySequence(in, record.lsn);
    }
    if (record.type == kCommitDecisionRecord || record.type == kDecisionDoneRecord) {
      std::string gid;
      if (!in.GetString(&gid) || !in.AtEnd()) return Malformed(record.lsn, "bad commit decision");
      if (record.lsn <= checkpoint_lsn_) return Status::Ok();
      if (record.type == kCommitDecisionRecord) {
        decisions_.insert(gid);
      } else {
        decisions_.erase(gid);
      }
      return Status::Ok();
    }
    if (record.type != kTransactionRecord && record.type != kPrepareRecord && record.type != kRollbackPreparedRecord) {
      return Malformed(record.lsn, "unknown record type");
    }
    Stamp txn_id = 0;
    if (!in.Get(&txn_id) || !storage::IsTxnId(txn_id)) return Malformed(record.lsn, "bad transaction id");
    max_txn_id_ = std::max(max_txn_id_, txn_id);
    // Before the checkpoint's position, only transactions it lists as logged ahead are not in it.
    const bool in_checkpoint = record.lsn <= checkpoint_lsn_ && logged_ahead_.count(txn_id) == 0;
    if (record.type == kPrepareRecord) return ApplyPrepare(in, txn_id, record.lsn, in_checkpoint);
    if (record.type == kRollbackPreparedRecord) {
      if (!in.AtEnd()) return Malformed(record.lsn, "trailing bytes");
      if (!in_checkpoint) End(txn_id, storage::kNever);
      return Status::Ok();
    }
    uint8_t final_record = 0;
    uint32_t entries = 0;
    if (!in.Get(&final_record) || !in.Get(&entries)) return Malformed(record.lsn, "bad transaction header");
    if (in_checkpoint) return Status::Ok();
    first_lsn_.try_emplace(txn_id, record.lsn);
    auto& writes = pending_[txn_id];
    for (uint32_t entry = 0; entry < entries; ++entry) {
      Status status = ApplyEntry(in, txn_id, record.lsn, writes);
      if (!status.ok()) return status;
    }
    if (!in.AtEnd()) return Malformed(record.lsn, "trailing bytes");
    if (final_record != 0) End(txn_id, kRecoveredCsn);
    return Status::Ok();
  }

  // The transactions whose commit (final record) was read.
  std::set<Stamp> TakeCommitted() { return std::move(committed_); }

  // The commit decisions not yet resolved, after the records read so far.
  std::set<std::string> TakeDecisions() { return std::move(decisions_); }

  // Hands over the transactions prepared and not ended, their rows still stamped with their ids.
  std::vector<RecoveredPrepared> TakePrepared() {
    std::vector<RecoveredPrepared> recovered;
    for (auto& [txn_id, info] : prepared_) {
      RecoveredPrepared transaction{txn_id, std::move(info), replay_lsn_, {}};
      if (auto first = first_lsn_.find(txn_id); first != first_lsn_.end()) {
        transaction.first_lsn = std::min(transaction.first_lsn, first->second);
      }
      if (auto writes = pending_.find(txn_id); writes != pending_.end()) {
        transaction.writes = std::move(writes->second);
        pending_.erase(writes);
      }
      recovered.push_back(std::move(transaction));
    }
    prepared_.clear();
    return recovered;
  }

  // Undoes the transactions whose final record never made it to disk (call TakePrepared first).
  void AbortUnfinished() {
    while (!pending_.empty()) Finish(pending_.begin()->first, storage::kNever);
  }

  // The largest transaction id in the records read (and the checkpoint's lists).
  Stamp max_txn_id() const { return max_txn_id_; }

 private:
  Status ApplyPrepare(ByteReader& in, Stamp txn_id, uint64_t lsn, bool in_checkpoint) {
    PreparedInfo info;
    if (!in.GetString(&info.gid) || !in.GetString(&info.owner) || !in.GetString(&info.database) ||
        !in.Get(&info.prepared_at) || !in.AtEnd()) {
      return Malformed(lsn, "bad prepare record");
    }
    if (in_checkpoint) return Status::Ok();
    first_lsn_.try_emplace(txn_id, lsn);
    prepared_[txn_id] = std::move(info);
    return Status::Ok();
  }

  // Ends a transaction: its versions get `to` (a CSN, or kNever to undo them).
  void End(Stamp txn_id, Stamp to) {
    if (to == kRecoveredCsn) committed_.insert(txn_id);
    Finish(txn_id, to);
    prepared_.erase(txn_id);
    first_lsn_.erase(txn_id);
  }

  Status Malformed(uint64_t lsn, const std::string& problem) const {
    return Corrupt("WAL record " + std::to_string(lsn) + " in \"" + wal_path_ + "\" is malformed: " + problem);
  }

  Status ApplySequence(ByteReader& in, uint64_t lsn) {
    uint32_t oid = 0;
    int64_t next = 0;
    uint8_t called = 0;
    if (!in.Get(&oid) || !in.Get(&next) || !in.Get(&called) || !in.AtEnd()) return Malformed(lsn, "bad sequence record");
    auto found = sequences_.find(oid);
    if (found == sequences_.end()) return Status::Ok();  // dropped since
    std::lock_guard lock(found->second->mutex);
    found->second->next = next;
    found->second->called = called != 0;
    return Status::Ok();
  }

  Status ApplyEntry(ByteReader& in, Stamp txn_id, uint64_t lsn, std::vector<storage::WriteEntry>& writes) {
    uint8_t kind = 0;
    uint32_t storage_id = 0;
    std::string_view bytes;
    storage::ColumnChunk chunk;
    Status status;
    if (!in.Get(&kind) || kind > kWalUpdateDeleteEntry || !in.Get(&storage_id)) return Malformed(lsn, "bad entry header");
    if (!GetChunk(in, &bytes, &chunk, &status)) return status.ok() ? Malformed(lsn, "bad row ids") : Wrap(status, lsn);
    if (chunk.physical_type() != PhysicalType::kInt64) return Malformed(lsn, "row ids are not bigint");
    Vector ids(LogicalType(TypeId::kInt64));
    chunk.Decode(&ids);
    std::vector<RowId> rows(ids.Data<int64_t>(), ids.Data<int64_t>() + ids.size());
    auto table = tables_.find(storage_id);
    if (table != tables_.end()) {
      for (RowId row : rows) {
        if (row < 0 || storage::RowIdPartition(row) >= table->second->num_partitions()) {
          return Malformed(lsn, "row id out of range");
        }
      }
    }
    // A table dropped or truncated after the write still reads the entry, so the record is checked whole.
    if (kind != kWalInsertEntry) {
      if (table == tables_.end()) return Status::Ok();
      table->second->Restamp(rows, true, storage::kNever, txn_id);
      const bool by_update = kind == kWalUpdateDeleteEntry;
      if (by_update) table->second->MarkDeletedByUpdate(rows);
      writes.push_back(storage::WriteEntry{table->second, std::move(rows), true, nullptr, by_update});
      return Status::Ok();
    }
    uint32_t columns = 0;
    if (!in.Get(&columns)) return Malformed(lsn, "bad column count");
    std::map<uint32_t, Vector> values;
    for (uint32_t column = 0; column < columns; ++column) {
      uint32_t column_id = 0;
      if (!in.Get(&column_id)) return Malformed(lsn, "bad column id");
      if (!GetChunk(in, &bytes, &chunk, &status)) return status.ok() ? Malformed(lsn, "bad column") : Wrap(status, lsn);
      if (chunk.num_rows() != rows.size()) return Malformed(lsn, "column and row id counts differ");
      if (table == tables_.end()) continue;
      const auto& ids_of_table = table->second->column_ids();
      for (size_t position = 0; position < ids_of_table.size(); ++position) {
        const LogicalType& type = table->second->column_types()[position];
        if (ids_of_table[position] != column_id || GetPhysicalType(type) != chunk.physical_type()) continue;
        Vector decoded(type);
        chunk.Decode(&decoded);
        values.emplace(column_id, std::move(decoded));
      }
    }
    if (table == tables_.end()) return Status::Ok();
    // Columns the record lacks (added by an ALTER TABLE that was in flight when it was written) are NULL.
    Batch batch;
    batch.num_rows = rows.size();
    const auto& ids_of_table = table->second->column_ids();
    for (size_t position = 0; position < ids_of_table.size(); ++position) {
      auto found = values.find(ids_of_table[position]);
      batch.columns.push_back(found != values.end() ? std::move(found->second)
                                                    : Vector::Constant(Value::Null(table->second->column_types()[position]),
                                                                       batch.num_rows));
    }
    table->second->Place(rows, batch, txn_id);
    writes.push_back(storage::WriteEntry{table->second, std::move(rows), false});
    return Status::Ok();
  }

  Status Wrap(const Status& status, uint64_t lsn) const {
    return Corrupt("WAL record " + std::to_string(lsn) + " in \"" + wal_path_ + "\": " + status.info().message);
  }

  void Finish(Stamp txn_id, Stamp to) {
    auto found = pending_.find(txn_id);
    if (found == pending_.end()) return;
    for (const auto& entry : found->second) entry.table->Restamp(entry.rows, entry.is_delete, txn_id, to);
    pending_.erase(found);
  }

  std::string wal_path_;
  uint64_t checkpoint_lsn_ = 0;
  uint64_t replay_lsn_ = 0;
  std::set<Stamp> logged_ahead_;
  std::map<Stamp, PreparedInfo> prepared_;  // prepared and not ended yet
  std::set<std::string> decisions_;         // commit decisions not yet resolved
  std::map<Stamp, uint64_t> first_lsn_;     // the first record read of each transaction not ended
  std::set<Stamp> committed_;
  Stamp max_txn_id_ = 0;
  std::unordered_map<uint32_t, std::shared_ptr<storage::TableData>> tables_;
  std::unordered_map<uint32_t, std::shared_ptr<SequenceState>> sequences_;
  std::map<Stamp, std::vector<storage::WriteEntry>> pending_;
};

Durability::Durability(std::string data_dir, Catalog& catalog, storage::TransactionManager& transactions,
                       uint64_t flush_rows)
    : data_dir_(std::move(data_dir)), catalog_(catalog), transactions_(transactions),
      flush_rows_(std::max<uint64_t>(flush_rows, 1)) {}

Durability::~Durability() {
  if (log_ahead_writer_.joinable()) {
    {
      std::lock_guard lock(log_ahead_mutex_);
      log_ahead_stopping_ = true;
    }
    log_ahead_wake_.notify_all();
    log_ahead_writer_.join();
  }
  if (flusher_.joinable()) {
    {
      std::lock_guard lock(flusher_mutex_);
      stopping_ = true;
    }
    flusher_wake_.notify_all();
    flusher_.join();
  }
  if (wal_) transactions_.set_commit_log(nullptr);
  if (lock_fd_ >= 0) close(lock_fd_);
}

Status Durability::LockDataDirectory() {
  const std::string path = data_dir_ + "/lock";
  lock_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return storage::IoErrorStatus("open", path, errno);
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status(SqlState::kObjectInUse, "data directory \"" + data_dir_ + "\" is in use by another server");
  }
  return Status::Ok();
}

Status Durability::Open() {
  Status status = MakeDirectory(data_dir_);
  if (status.ok()) status = LockDataDirectory();
  if (status.ok()) status = MakeDirectory(data_dir_ + "/tables");
  CheckpointContents checkpoint;
  bool found = false;
  if (status.ok()) status = LoadCheckpoint(&checkpoint, &found);
  if (status.ok()) status = storage::WalWriter::Open(data_dir_ + "/wal", storage::WalOptions{}, &wal_);
  bool replayed = false;
  std::set<Stamp> committed;
  if (status.ok() && wal_->last_lsn() >= checkpoint.replay_lsn) status = ReplayWal(checkpoint, &replayed, &committed);
  if (!status.ok()) {
    wal_.reset();
    return status;
  }
  const bool restored = ResolvePreparedCatalog(std::move(checkpoint.prepared_catalog), committed);
  for (const auto& relation : catalog_.AllRelations()) {
    if (relation->kind != RelationKind::kTable) continue;
    for (const auto& index : relation->indexes) {
      ForEachIndexKey(*relation->data, index.columns,
                      [&index](const std::vector<Value>& key, RowId row) { index.index->Insert(key, row); });
    }
  }
  transactions_.Recovered(kRecoveredCsn);
  transactions_.set_commit_log(this);
  checkpoint_catalog_version_.store(found ? catalog_.version() : 0);
  status = replayed || restored || !found ? Checkpoint() : Status::Ok();
  if (status.ok() && flush_rows_ >= kBatchSize) flusher_ = std::thread([this] { RunFlusher(); });
  if (status.ok()) log_ahead_writer_ = std::thread([this] { RunLogAheadWriter(); });
  return status;
}

Status Durability::LoadCheckpoint(CheckpointContents* checkpoint, bool* found) {
  const std::string path = data_dir_ + "/checkpoint";
  std::string bytes;
  Status status = storage::ReadWholeFile(path, &bytes);
  if (!status.ok()) {
    if (status.state() == SqlState::kUndefinedFile) return Status::Ok();
    return status;
  }
  CheckpointContents& contents = *checkpoint;
  status = DecodeCheckpoint(bytes, path, &contents);
  if (!status.ok()) return status;
  for (const auto& relation : contents.relations) {
    if (relation->kind != RelationKind::kTable) continue;
    auto files = contents.tables.find(relation->data->storage_id());
    if (files == contents.tables.end()) continue;
    status = LoadTable(files->second, *relation->data);
    if (!status.ok()) return status;
    images_[relation->data->storage_id()] = Image{relation->data->change_count(), files->second};
  }
  catalog_.Restore(contents.schemas, contents.relations, contents.next_oid);
  status = LoadImages(contents);
  if (!status.ok()) return status;
  catalog_.RestoreWorkers(contents.workers, contents.next_worker_id);
  {
    std::lock_guard lock(decisions_mutex_);
    decisions_ = std::set<std::string>(contents.commit_decisions.begin(), contents.commit_decisions.end());
  }
  *found = true;
  return Status::Ok();
}

Status Durability::LoadTable(const TableFiles& files, storage::TableData& data) {
  for (const auto& frozen : files.frozen) {
    if (frozen.partition >= static_cast<uint32_t>(data.num_partitions()) ||
        frozen.first_group != data.FrozenGroups(static_cast<int>(frozen.partition))) {
      return Corrupt("checkpoint names segment file \"" + frozen.name + "\" at a place its table lacks");
    }
    std::shared_ptr<const storage::FrozenSegment> segment;
    Status status = storage::OpenFrozenSegment(data_dir_ + "/tables", frozen.name, frozen.first_group,
                                               data.column_types(), &segment);
    if (!status.ok()) return status;
    data.AttachFrozen(static_cast<int>(frozen.partition), segment);
    live_segments_.push_back(segment);
  }
  if (!files.deleted.empty()) {
    if (Status status = LoadDeleted(files.deleted, data); !status.ok()) return status;
  }
  return files.delta.empty() ? Status::Ok() : LoadImage(files.delta, data);
}

Status Durability::LoadDeleted(const std::string& name, storage::TableData& data) const {
  storage::SegmentReader reader;
  Status status = storage::SegmentReader::Open(ImagePath(data_dir_, name), &reader);
  if (!status.ok()) return status;
  if (reader.column_types().size() != 1 || GetPhysicalType(reader.column_types()[0]) != PhysicalType::kInt64) {
    return Corrupt("deleted rows file \"" + reader.path() + "\" is not one bigint column");
  }
  Vector ids(LogicalType(TypeId::kInt64));
  status = reader.AppendColumn(0, &ids);
  if (!status.ok()) return status;
  if (!data.MarkFrozenDead(std::vector<RowId>(ids.Data<int64_t>(), ids.Data<int64_t>() + ids.size()), kRecoveredCsn)) {
    return Corrupt("deleted rows file \"" + reader.path() + "\" names rows its table has not frozen");
  }
  return Status::Ok();
}

Status Durability::LoadImage(const std::string& name, storage::TableData& data) const {
  storage::SegmentReader reader;
  Status status = storage::SegmentReader::Open(ImagePath(data_dir_, name), &reader);
  if (!status.ok()) return status;
  const auto& types = data.column_types();
  if (reader.column_types().size() != types.size() + 1) {
    return Corrupt("segment file \"" + reader.path() + "\" does not match its table's columns");
  }
  for (size_t group = 0; group < reader.row_groups().size(); ++group) {
    const idx_t rows = reader.row_groups()[group].num_rows;
    Batch batch;
    batch.num_rows = rows;
    for (size_t column = 0; column <= types.size(); ++column) {
      Vector values(column < types.size() ? types[column] : LogicalType(TypeId::kInt64));
      if (GetPhysicalType(values.type()) != GetPhysicalType(reader.column_types()[column])) {
        return Corrupt("segment file \"" + reader.path() + "\" does not match its table's column types");
      }
      status = reader.ReadColumn(group, column, 0, rows, &values);
      if (!status.ok()) return status;
      batch.columns.push_back(std::move(values));
    }
    const Vector ids = std::move(batch.columns.back());
    batch.columns.pop_back();
    data.Place(std::vector<RowId>(ids.Data<int64_t>(), ids.Data<int64_t>() + rows), batch, kRecoveredCsn);
  }
  return Status::Ok();
}

Status Durability::LoadImages(CheckpointContents& contents) {
  for (auto& transaction : contents.prepared_catalog) {
    for (size_t number = 0; number < transaction.images.size(); ++number) {
      RelationImage& image = transaction.images[number];
      if (!image.before || image.before->kind != RelationKind::kTable) continue;
      auto relation = std::const_pointer_cast<RelationInfo>(image.before);
      if (transaction.shared[number]) {
        RelationPtr live = catalog_.FindRelationByOid(image.oid);
        if (!live || live->kind != RelationKind::kTable) {
          return Corrupt("checkpoint keeps an image of relation " + std::to_string(image.oid) + " over a table it lacks");
        }
        relation->data = live->data;
        continue;
      }
      auto files = contents.tables.find(relation->data->storage_id());
      if (files == contents.tables.end()) continue;
      Status status = LoadTable(files->second, *relation->data);
      if (!status.ok()) return status;
      images_[relation->data->storage_id()] = Image{relation->data->change_count(), files->second};
    }
  }
  return Status::Ok();
}

bool Durability::ResolvePreparedCatalog(std::vector<CheckpointContents::PreparedCatalog> logged,
                                        const std::set<Stamp>& committed) {
  bool restored = false;
  for (auto& transaction : logged) {
    auto prepared = std::find_if(recovered_prepared_.begin(), recovered_prepared_.end(),
                                 [&](const RecoveredPrepared& recovered) { return recovered.txn_id == transaction.txn_id; });
    if (!transaction.rolled_back && prepared != recovered_prepared_.end()) {
      prepared->images = transaction.images;
      std::lock_guard lock(log_ahead_mutex_);
      prepared_catalog_[transaction.txn_id] = PreparedCatalog{std::move(transaction.images), false};
    } else if (transaction.rolled_back || committed.count(transaction.txn_id) == 0) {
      RestoreImages(catalog_, transaction.images, false);  // Open fills the indexes
      restored = true;
    }
  }
  return restored;
}

Status Durability::ReplayWal(const CheckpointContents& checkpoint, bool* replayed, std::set<Stamp>* committed) {
  std::unique_ptr<storage::WalReader> reader;
  Status status = storage::WalReader::Open(data_dir_ + "/wal", checkpoint.replay_lsn, &reader);
  if (!status.ok()) return status;
  Replay replay(catalog_, data_dir_ + "/wal", checkpoint);
  for (;;) {
    storage::WalRecord record;
    bool found = false;
    status = reader->Next(&record, &found);
    if (!status.ok()) return status;
    if (!found) break;
    status = replay.Apply(record);
    if (!status.ok()) return status;
    *replayed = true;
  }
  recovered_prepared_ = replay.TakePrepared();
  *committed = replay.TakeCommitted();
  {
    std::lock_guard lock(decisions_mutex_);
    decisions_ = replay.TakeDecisions();
  }
  replay.AbortUnfinished();
  AdoptRecovered(replay.max_txn_id());
  return Status::Ok();
}

void Durability::AdoptRecovered(Stamp max_txn_id) {
  std::lock_guard lock(log_ahead_mutex_);
  for (const RecoveredPrepared& transaction : recovered_prepared_) {
    logged_ahead_[transaction.txn_id] = transaction.first_lsn;
    prepared_[transaction.txn_id] = transaction.info;
    transactions_.AdoptPrepared(transaction.txn_id);
  }
  any_logged_ahead_.store(!logged_ahead_.empty(), std::memory_order_release);
  transactions_.SkipTxnIdsThrough(max_txn_id);
}

Status Durability::AppendRecord(uint16_t type, std::span<const std::string_view> parts, uint64_t* lsn) {
  size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  wal_bytes_since_checkpoint_.fetch_add(size, std::memory_order_relaxed);
  wal_bytes_since_wake_.fetch_add(size, std::memory_order_relaxed);
  return wal_->AppendParts(type, parts, lsn);
}

Status Durability::AppendWrites(Stamp txn_id, std::span<const storage::WriteEntry> writes, bool final_record,
                                uint64_t* lsn) {
  // A record is its header (transaction id, final flag, entry count), then its entries' bytes: those
  // encoded ahead are referenced where they are, those encoded now are kept in `encoded_now`, and the
  // WAL writer copies them all into its buffer once.
  char header[sizeof(Stamp) + 1 + sizeof(uint32_t)];
  std::vector<std::string_view> parts;
  std::deque<std::string> encoded_now;
  size_t record_size = 0;
  uint32_t entries = 0;
  auto start_record = [&] {
    parts.assign(1, std::string_view(header, sizeof(header)));
    encoded_now.clear();
    record_size = sizeof(header);
    entries = 0;
  };
  auto seal = [&](bool final) {
    std::memcpy(header, &txn_id, sizeof(Stamp));
    header[sizeof(Stamp)] = final ? 1 : 0;
    std::memcpy(header + sizeof(Stamp) + 1, &entries, sizeof(entries));
    return AppendRecord(kTransactionRecord, parts, lsn);
  };
  start_record();
  for (const auto& entry : writes) {
    // An entry encoded ahead is used while the table is as it was then; else it is encoded now.
    const storage::EncodedWrite* ahead =
        entry.encoded != nullptr && entry.encoded->Matches(*entry.table) ? entry.encoded.get() : nullptr;
    for (size_t first = 0; first < entry.rows.size(); first += kWalSliceRows) {
      if (ahead != nullptr) {
        parts.push_back(ahead->slices[first / kWalSliceRows]);
      } else {
        ByteWriter slice;
        EncodeWalSlice(slice, entry, first, std::min(kWalSliceRows, entry.rows.size() - first));
        parts.push_back(encoded_now.emplace_back(std::move(slice.bytes())));
      }
      record_size += parts.back().size();
      ++entries;
      if (record_size >= kRecordBytes) {
        Status status = seal(false);
        if (!status.ok()) return status;
        start_record();
      }
    }
  }
  // A log-ahead whose last entry filled a record has nothing left to seal.
  if (!final_record && entries == 0) return Status::Ok();
  return seal(final_record);
}

Status Durability::LogCommit(Stamp txn_id, std::span<const storage::WriteEntry> writes) {
  uint64_t lsn = 0;
  Status status = AppendWrites(txn_id, writes, true, &lsn);
  if (!status.ok()) return status;
  // The final record is in the log (a checkpoint cannot come between: commits hold its gate), so from
  // now on the transaction is an ordinary commit.
  ForgetLoggedAhead(txn_id);
  return wal_->WaitDurable(lsn);
}

void Durability::Abandoned(Stamp txn_id) { ForgetLoggedAhead(txn_id); }

void Durability::ForgetLoggedAhead(Stamp txn_id) {
  if (!any_logged_ahead_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(log_ahead_mutex_);
  logged_ahead_.erase(txn_id);
  prepared_.erase(txn_id);
  auto images = prepared_catalog_.find(txn_id);
  if (images != prepared_catalog_.end() && !images->second.rolled_back) prepared_catalog_.erase(images);
  any_logged_ahead_.store(!logged_ahead_.empty(), std::memory_order_release);
}

void Durability::SetOpenCatalog(uint64_t key, std::vector<RelationImage> images) {
  std::lock_guard lock(log_ahead_mutex_);
  if (images.empty()) {
    open_catalog_.erase(key);
  } else {
    open_catalog_[key] = std::move(images);
  }
}

Status Durability::LogPrepare(storage::Transaction& txn, const PreparedInfo& info, std::vector<RelationImage> images,
                              uint64_t open_key) {
  if (!wal_) return Status::Ok();
  const Stamp txn_id = txn.Id();
  const bool changed_schema = !images.empty();
  {
    // As LogAhead: registered before its first record, so a checkpoint keeps all of them.
    std::lock_guard lock(log_ahead_mutex_);
    logged_ahead_.try_emplace(txn_id, wal_->last_lsn() + 1);
    any_logged_ahead_.store(true, std::memory_order_release);
    if (changed_schema) prepared_catalog_[txn_id] = PreparedCatalog{std::move(images), false};
    open_catalog_.erase(open_key);  // in the same step: a checkpoint keeps the images once, as prepared
  }
  Status status = Status::Ok();
  // The catalog lives only in checkpoints: this one holds the changes and the images, before the
  // PREPARE record, so that recovery puts the images back unless that record follows.
  if (changed_schema) status = Checkpoint();
  if (!status.ok()) return status;
  const std::span<const storage::WriteEntry> writes = txn.UnloggedWrites();
  uint64_t lsn = 0;
  status = AppendWrites(txn_id, writes, false, &lsn);
  if (!status.ok()) return status;
  txn.MarkLoggedAhead(writes.size());
  ByteWriter record;
  record.Put(txn_id);
  record.PutString(info.gid);
  record.PutString(info.owner);
  record.PutString(info.database);
  record.Put(info.prepared_at);
  const std::string_view payload = record.bytes();
  status = AppendRecord(kPrepareRecord, std::span<const std::string_view>(&payload, 1), &lsn);
  if (!status.ok()) return status;
  {
    // Listed as prepared only once its record is in the log: a checkpoint before that lists it as logged
    // ahead, so recovery reads the record anyway.
    std::lock_guard lock(log_ahead_mutex_);
    prepared_[txn_id] = info;
  }
  return wal_->WaitDurable(lsn);
}

Status Durability::AppendGidRecord(uint16_t type, const std::string& gid, uint64_t* lsn) {
  ByteWriter record;
  record.PutString(gid);
  const std::string_view payload = record.bytes();
  return AppendRecord(type, std::span<const std::string_view>(&payload, 1), lsn);
}

Status Durability::LogCommitDecision(const std::string& gid) {
  {
    // In the set before the record is logged, so a checkpoint either lists it or comes before the record.
    std::lock_guard lock(decisions_mutex_);
    decisions_.insert(gid);
  }
  uint64_t lsn = 0;
  Status status = AppendGidRecord(kCommitDecisionRecord, gid, &lsn);
  if (status.ok()) status = wal_->WaitDurable(lsn);
  if (!status.ok()) {
    std::lock_guard lock(decisions_mutex_);
    decisions_.erase(gid);
  }
  return status;
}

void Durability::LogDecisionDone(const std::string& gid) {
  {
    std::lock_guard lock(decisions_mutex_);
    decisions_.erase(gid);
  }
  uint64_t lsn = 0;
  // Not waited for: lost, the decision is only resolved again.
  (void)AppendGidRecord(kDecisionDoneRecord, gid, &lsn);
}

std::vector<std::string> Durability::CommitDecisions() const {
  std::lock_guard lock(decisions_mutex_);
  return std::vector<std::string>(decisions_.begin(), decisions_.end());
}

Status Durability::LogRollbackPrepared(Stamp txn_id) {
  ByteWriter record;
  record.Put(txn_id);
  const std::string_view payload = record.bytes();
  uint64_t lsn = 0;
  Status status = AppendRecord(kRollbackPreparedRecord, std::span<const std::string_view>(&payload, 1), &lsn);
  if (!status.ok()) return status;
  {
    // Its images stay in checkpoints until UndoPreparedCatalog put them back.
    std::lock_guard lock(log_ahead_mutex_);
    if (auto images = prepared_catalog_.find(txn_id); images != prepared_catalog_.end()) images->second.rolled_back = true;
  }
  ForgetLoggedAhead(txn_id);  // under the commit gate, as LogCommit
  return wal_->WaitDurable(lsn);
}

void Durability::UndoPreparedCatalog(Stamp txn_id, const std::function<void()>& undo) {
  std::lock_guard busy(checkpoint_mutex_);  // a checkpoint sees the catalog before the undo or after it
  undo();
  std::lock_guard lock(log_ahead_mutex_);
  prepared_catalog_.erase(txn_id);
}

Status Durability::LogAhead(storage::Transaction& txn) {
  const std::span<const storage::WriteEntry> writes = txn.WritesToLogAhead();
  if (writes.empty() || !wal_) return Status::Ok();
  const Stamp txn_id = txn.Id();
  {
    // Registered before its first record is appended, with an LSN no later than that record's, so a
    // checkpoint either lists the transaction or comes before all of its records.
    std::lock_guard lock(log_ahead_mutex_);
    logged_ahead_.emplace(txn_id, wal_->last_lsn() + 1);
    any_logged_ahead_.store(true, std::memory_order_release);
  }
  uint64_t lsn = 0;
  Status status = AppendWrites(txn_id, writes, false, &lsn);
  if (!status.ok()) return status;
  txn.MarkLoggedAhead(writes.size());
  if (lsn != 0) {
    std::lock_guard lock(log_ahead_mutex_);
    log_ahead_target_ = std::max(log_ahead_target_, lsn);
  }
  log_ahead_wake_.notify_one();
  return Status::Ok();
}

void Durability::RunLogAheadWriter() {
  // Writes (and syncs) what transactions logged ahead, so that their commits find it on disk already.
  std::unique_lock lock(log_ahead_mutex_);
  uint64_t written = 0;
  for (;;) {
    log_ahead_wake_.wait(lock, [&] { return log_ahead_stopping_ || log_ahead_target_ > written; });
    if (log_ahead_stopping_) return;
    const uint64_t target = log_ahead_target_;
    lock.unlock();
    // An error is sticky in the WAL writer: the transaction's commit reports it.
    (void)wal_->WaitDurable(target);
    lock.lock();
    written = target;
  }
}

void Durability::LogSequence(uint32_t oid, int64_t next, bool called) {
  if (!wal_) return;
  ByteWriter record;
  record.Put(oid);
  record.Put(next);
  record.Put(static_cast<uint8_t>(called));
  uint64_t lsn = 0;
  // A failed append fails the next commit's WaitDurable, which is where it matters.
  const std::string_view payload = record.bytes();
  AppendRecord(kSequenceRecord, std::span<const std::string_view>(&payload, 1), &lsn);
}

void Durability::AfterCommit() {
  if (!wal_) return;
  if (flush_rows_ < kBatchSize) {
    // The test setting: every table on disk as soon as it can be. The commit is durable in the WAL
    // already, so a failed flush is reported, not thrown.
    if (Status status = Flush(1, true); !status.ok()) ReportFlushError(status);
  } else if (wal_bytes_since_wake_.load(std::memory_order_relaxed) >= kFlushWakeBytes) {
    // Woken by volume, not per commit: a flush round looks at every table's delta.
    wal_bytes_since_wake_.store(0, std::memory_order_relaxed);
    flusher_wake_.notify_one();
  }
  if (catalog_.version() != checkpoint_catalog_version_.load(std::memory_order_acquire)) {
    Checkpoint().ThrowIfError();
    return;
  }
  if (wal_bytes_since_checkpoint_.load(std::memory_order_relaxed) >= kCheckpointWalBytes) {
    std::unique_lock busy(checkpoint_mutex_, std::try_to_lock);
    if (!busy.owns_lock()) return;  // one is being written
    busy.unlock();
    Checkpoint().ThrowIfError();
  }
}

Status Durability::Checkpoint() {
  std::lock_guard lock(checkpoint_mutex_);
  CheckpointContents contents;
  storage::Stamp csn = 0;
  uint64_t catalog_version = 0;
  std::map<uint32_t, uint64_t> change_counts;
  {
    auto paused = transactions_.PauseCommits();
    contents.wal_lsn = wal_->last_lsn();
    contents.replay_lsn = contents.wal_lsn + 1;
    {
      std::lock_guard lock(decisions_mutex_);
      contents.commit_decisions.assign(decisions_.begin(), decisions_.end());
    }
    {
      std::lock_guard lock(log_ahead_mutex_);
      for (const auto& [txn_id, first_lsn] : logged_ahead_) {
        contents.logged_ahead.push_back(txn_id);
        contents.replay_lsn = std::min(contents.replay_lsn, first_lsn);
      }
      for (const auto& [txn_id, info] : prepared_) contents.prepared.push_back(CheckpointContents::Prepared{txn_id, info});
      for (const auto& [txn_id, prepared] : prepared_catalog_) {
        contents.prepared_catalog.push_back(CheckpointContents::PreparedCatalog{txn_id, prepared.rolled_back, prepared.images, {}});
      }
      // Open transactions' changes are written as rolled back: recovery puts their images back.
      for (const auto& [key, images] : open_catalog_) {
        contents.prepared_catalog.push_back(CheckpointContents::PreparedCatalog{0, true, images, {}});
      }
    }
    csn = transactions_.published_csn();
    catalog_version = catalog_.version();
    wal_bytes_since_checkpoint_.store(0, std::memory_order_relaxed);
    for (auto& relation : catalog_.AllRelations()) {
      if (relation->kind == RelationKind::kTable) change_counts[relation->data->storage_id()] = relation->data->change_count();
      contents.relations.push_back(std::move(relation));
    }
  }
  contents.schemas = catalog_.AllSchemas();
  contents.next_oid = catalog_.next_oid();
  contents.workers = catalog_.Workers();
  contents.next_worker_id = catalog_.next_worker_id();
  std::map<uint32_t, Image> images;
  for (const auto& relation : contents.relations) {
    if (relation->kind == RelationKind::kSequence) {
      std::lock_guard sequence_lock(relation->sequence->mutex);
      // The WAL before the checkpoint goes, so the value logged ahead must stay.
      const SequenceState& sequence = *relation->sequence;
      contents.sequence_values[relation->oid] = sequence.logged ? CheckpointContents::SequenceValue{sequence.logged_next, true}
                                                                 : CheckpointContents::SequenceValue{sequence.next, sequence.called};
      continue;
    }
    if (relation->kind != RelationKind::kTable) continue;
    const uint32_t storage_id = relation->data->storage_id();
    Image image{change_counts[storage_id], {}};
    auto previous = images_.find(storage_id);
    if (previous != images_.end() && previous->second.change_count == image.change_count) {
      image.files = previous->second.files;
    } else {
      Status status = WriteTableFiles(*relation->data, csn, contents.wal_lsn, &image.files);
      if (!status.ok()) return status;
    }
    if (!image.files.empty()) contents.tables[storage_id] = image.files;
    images[storage_id] = std::move(image);
  }
  if (Status status = AddImages(contents, csn, images); !status.ok()) return status;
  Status status = storage::WriteFileDurably(data_dir_ + "/checkpoint", EncodeCheckpoint(contents));
  if (!status.ok()) return status;
  images_ = std::move(images);
  checkpoint_catalog_version_.store(catalog_version, std::memory_order_release);
  RemoveUnusedFiles(images_);
  return wal_->RemoveBefore(contents.replay_lsn);
}

Status Durability::AddImages(CheckpointContents& contents, Stamp csn, std::map<uint32_t, Image>& images) {
  for (auto& transaction : contents.prepared_catalog) {
    for (const RelationImage& image : transaction.images) {
      const bool shared = SharesStorage(catalog_, image);
      transaction.shared.push_back(shared);
      if (!image.before || shared) continue;
      const RelationInfo& relation = *image.before;
      if (relation.kind == RelationKind::kSequence) {
        std::lock_guard sequence_lock(relation.sequence->mutex);
        const SequenceState& sequence = *relation.sequence;
        contents.sequence_values[relation.oid] = sequence.logged ? CheckpointContents::SequenceValue{sequence.logged_next, true}
                                                                 : CheckpointContents::SequenceValue{sequence.next, sequence.called};
      }
      if (relation.kind != RelationKind::kTable || images.count(relation.data->storage_id()) != 0) continue;
      // A dropped or replaced storage changes no more: its files are written once and kept.
      const uint32_t storage_id = relation.data->storage_id();
      Image image_files{relation.data->change_count(), {}};
      auto previous = images_.find(storage_id);
      if (previous != images_.end() && previous->second.change_count == image_files.change_count) {
        image_files.files = previous->second.files;
      } else if (Status status = WriteTableFiles(*relation.data, csn, contents.wal_lsn, &image_files.files); !status.ok()) {
        return status;
      }
      if (!image_files.files.empty()) contents.tables[storage_id] = image_files.files;
      images[storage_id] = std::move(image_files);
    }
  }
  return Status::Ok();
}

Status Durability::WriteTableFiles(const storage::TableData& data, Stamp csn, uint64_t lsn, TableFiles* files) {
  // No flush runs during a checkpoint, so the frozen segments stay as listed here.
  const auto segments = data.FrozenSegments();
  for (size_t partition = 0; partition < segments.size(); ++partition) {
    for (const auto& segment : segments[partition]) {
      files->frozen.push_back(TableFiles::Frozen{static_cast<uint32_t>(partition), segment->first_group, segment->name});
    }
  }
  Status status = WriteDeleted(data, csn, lsn, &files->deleted);
  return status.ok() ? WriteImage(data, csn, lsn, &files->delta) : status;
}

std::string Durability::NewFileName(const std::string& stem, const std::string& suffix) const {
  // A schema change rewrites a table without a new WAL record: never write over a file in use.
  struct stat existing;
  std::string name;
  for (int attempt = 0; name.empty() || stat(ImagePath(data_dir_, name).c_str(), &existing) == 0; ++attempt) {
    name = stem + "-" + std::to_string(attempt) + suffix;
  }
  return name;
}

Status Durability::WriteImage(const storage::TableData& data, Stamp csn, uint64_t lsn, std::string* name) const {
  std::vector<LogicalType> types = data.column_types();
  types.emplace_back(TypeId::kInt64);
  std::vector<Vector> columns;
  for (const auto& type : types) columns.emplace_back(type);
  std::vector<int> all_columns(data.column_types().size());
  for (size_t column = 0; column < all_columns.size(); ++column) all_columns[column] = static_cast<int>(column);
  storage::Snapshot snapshot;
  snapshot.csn = csn;
  for (int partition = 0; partition < data.num_partitions(); ++partition) {
    storage::ScanPosition position;
    position.delta_only = true;
    Batch batch;
    std::vector<RowId> ids;
    while (data.Scan(partition, position, all_columns, snapshot, &batch, &ids)) {
      for (size_t column = 0; column < batch.columns.size(); ++column) columns[column].Append(batch.columns[column]);
      Vector id_vector(LogicalType(TypeId::kInt64), static_cast<idx_t>(ids.size()));
      std::copy(ids.begin(), ids.end(), id_vector.Data<int64_t>());
      columns.back().Append(id_vector);
    }
  }
  name->clear();
  if (columns.back().size() == 0) return Status::Ok();
  *name = NewFileName(std::to_string(data.storage_id()) + "-" + std::to_string(lsn), ".seg");
  storage::SegmentFooter footer;
  return storage::WriteSegment(ImagePath(data_dir_, *name), types, columns, storage::SegmentWriteOptions{}, &footer);
}

Status Durability::WriteDeleted(const storage::TableData& data, Stamp csn, uint64_t lsn, std::string* name) const {
  const std::vector<RowId> rows = data.FrozenDeadRows(csn);
  name->clear();
  if (rows.empty()) return Status::Ok();
  Vector ids(LogicalType(TypeId::kInt64), static_cast<idx_t>(rows.size()));
  std::copy(rows.begin(), rows.end(), ids.Data<int64_t>());
  *name = NewFileName(std::to_string(data.storage_id()) + "-" + std::to_string(lsn), ".del");
  storage::SegmentFooter footer;
  return storage::WriteSegment(ImagePath(data_dir_, *name), {LogicalType(TypeId::kInt64)}, {ids},
                               storage::SegmentWriteOptions{}, &footer);
}

Status Durability::Flush(size_t min_groups, bool pad) {
  std::lock_guard lock(checkpoint_mutex_);
  const Stamp horizon = transactions_.SnapshotHorizon();
  for (const auto& relation : catalog_.AllRelations()) {
    if (relation->kind != RelationKind::kTable || relation->data->storage_id() == 0) continue;
    // A long run becomes several segments of at most kMaxSegmentGroups row groups.
    for (bool frozen = true; frozen;) {
      frozen = false;
      for (const auto& run : relation->data->FreezeCandidates(horizon, min_groups, kMaxSegmentGroups, pad)) {
        bool froze = false;
        Status status = FreezeRun(*relation->data, run, pad, &froze);
        if (!status.ok()) return status;
        frozen = frozen || froze;
      }
    }
    for (const auto& run : relation->data->MergeCandidates(kMaxSegmentGroups, kMergeSegments)) {
      Status status = MergeRun(*relation->data, run);
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

Status Durability::FreezeRun(storage::TableData& data, const storage::FreezeRun& run, bool pad, bool* froze) {
  std::vector<Vector> columns = data.FreezeColumns(run, pad);
  if (columns.empty()) return Status::Ok();  // changed since it was found
  std::shared_ptr<const storage::FrozenSegment> segment;
  Status status = WriteFrozen(data, run.partition, run.first_group, std::move(columns), &segment);
  if (status.ok()) *froze = KeepIfTaken(segment, data.Freeze(run, segment));
  return status;
}

Status Durability::MergeRun(storage::TableData& data, const storage::MergeRun& run) {
  // The segments of one partition have the same columns: a schema change thaws them all.
  std::vector<Vector> columns;
  Status status = storage::ReadFrozenColumns(run.segments, &columns);
  if (!status.ok()) return status;
  std::shared_ptr<const storage::FrozenSegment> merged;
  status = WriteFrozen(data, run.partition, run.segments.front()->first_group, std::move(columns), &merged);
  if (status.ok()) KeepIfTaken(merged, data.ReplaceFrozen(run, merged));
  return status;
}

bool Durability::KeepIfTaken(const std::shared_ptr<const storage::FrozenSegment>& segment, bool taken) {
  if (taken) {
    live_segments_.push_back(segment);
  } else {
    unlink(segment->reader.path().c_str());  // the table changed meanwhile
  }
  return taken;
}

Status Durability::WriteFrozen(const storage::TableData& data, int partition, size_t first_group,
                               std::vector<Vector> columns, std::shared_ptr<const storage::FrozenSegment>* segment) {
  std::vector<LogicalType> types;
  for (const auto& column : columns) types.push_back(column.type());
  storage::ApplySortOrder(data.SortColumns(), &columns);
  std::vector<LogicalType> file_types = types;
  if (columns.size() > types.size()) file_types.push_back(storage::SegmentRowNumberType());
  const size_t groups = columns.front().size() / kBatchSize;
  const std::string name = NewFileName(std::to_string(data.storage_id()) + "-" + std::to_string(partition) + "-" +
                                           std::to_string(first_group) + "-" + std::to_string(groups),
                                       ".seg");
  storage::SegmentWriteOptions options;
  options.row_group_size = kFrozenRowGroupSize;
  Status status = storage::WriteSegment(ImagePath(data_dir_, name), file_types, columns, options, nullptr);
  if (!status.ok()) return status;
  columns.clear();
  return storage::OpenFrozenSegment(data_dir_ + "/tables", name, first_group, types, segment);
}

void Durability::ReportFlushError(const Status& status) {
  std::fprintf(stderr, "tessera: flushing to segment files failed (the rows stay in memory and the WAL): %s\n",
               status.info().message.c_str());
}

void Durability::RunFlusher() {
  // Background work: encoding segments yields the CPU to statements (a nice value for this thread only).
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kFlusherNice);
  const size_t min_groups = static_cast<size_t>(flush_rows_ / kBatchSize);
  std::unique_lock lock(flusher_mutex_);
  while (!stopping_) {
    flusher_wake_.wait_for(lock, kFlushInterval);
    if (stopping_) break;
    lock.unlock();
    // A failed flush loses nothing: the rows stay in memory and in the WAL, and the next round retries.
    if (Status status = Flush(min_groups, false); !status.ok()) ReportFlushError(status);
    lock.lock();
  }
}

void Durability::RemoveUnusedFiles(const std::map<uint32_t, Image>& keep) {
  std::set<std::string> used;
  for (const auto& [storage_id, image] : keep) {
    for (const auto& frozen : image.files.frozen) used.insert(frozen.name);
    used.insert(image.files.deleted);
    used.insert(image.files.delta);
  }
  std::erase_if(live_segments_, [&used](const std::weak_ptr<const storage::FrozenSegment>& weak) {
    auto segment = weak.lock();
    if (segment) used.insert(segment->name);
    return segment == nullptr;
  });
  const std::string directory = data_dir_ + "/tables";
  DIR* listing = opendir(directory.c_str());
  if (listing == nullptr) return;
  while (const dirent* entry = readdir(listing)) {
    const std::string file = entry->d_name;
    if (file == "." || file == ".." || used.count(file) != 0) continue;
    unlink((directory + "/" + file).c_str());  // a leftover is harmless: the next checkpoint retries
  }
  closedir(listing);
}

}  // namespace tessera::engine
