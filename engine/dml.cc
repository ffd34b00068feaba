// SPDX-License-Identifier: Apache-2.0
// INSERT, UPDATE and DELETE: write rows to a table's partitions, keep its indexes and constraints (NOT NULL,
// UNIQUE / PRIMARY KEY), and produce RETURNING rows. Writes are row versions of the statement's transaction
// (storage/transaction.h): an insert appends versions stamped with its id, a delete stamps the old
// version's end, an UPDATE does both; the transaction's commit or abort settles them. Index entries stay
// until their versions are no longer visible to anyone (never, yet: there is no vacuum), so readers of
// older snapshots still find deleted rows through an index.
//
// INSERT ... ON CONFLICT DO UPDATE turns a row whose arbiter key is taken into an update of the row
// holding it, written as UPDATE writes (the old version deleted, a new one appended); holders that other
// transactions are writing are waited for as the unique check waits for them.
//
// Input layouts: INSERT gets rows in table column order; DELETE gets [table columns..., row id];
// UPDATE gets [table columns..., row id, new values of update_columns...].
#include <algorithm>
#include <optional>
#include <set>
#include <unordered_set>

#include "base/memory_tracker.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/wal_entry.h"
#include "storage/transaction.h"

namespace tessera::engine {

namespace {

std::string FormatKey(const std::vector<Value>& key) {
  std::string text;
  for (size_t index = 0; index < key.size(); ++index) {
    if (index > 0) text += ", ";
    text += key[index].is_null() ? "null" : key[index].ToString();
  }
  return text;
}

// The row as PostgreSQL's "Failing row contains (...)" detail shows it.
std::string FormatRow(const Batch& rows, idx_t row) {
  std::vector<Value> values;
  for (const Vector& column : rows.columns) values.push_back(column.GetValue(row));
  return FormatKey(values);
}

// One entry of one index, kept to undo its insertion or removal.
struct IndexEntry {
  std::shared_ptr<Index> index;
  std::vector<Value> key;
  storage::RowId row;
};

void EraseEntries(const std::vector<IndexEntry>& entries) {
  for (const auto& entry : entries) entry.index->Erase(entry.key, entry.row);
}

// Thrown by a READ COMMITTED write that meets a row another transaction updated and committed since the
// statement's snapshot: the statement starts again with a new snapshot (DmlOperator::Restart).
struct ConcurrentUpdate {};

// How often a statement starts again before it gives up with 40001.
constexpr int kMaxRestarts = 100;

class DmlOperator : public Operator {
 public:
  DmlOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  int64_t rows_affected() const override { return rows_affected_; }

  bool Next(Batch* out) override {
    while (true) {
      try {
        const bool more = NextWritten(out);
        emitted_ = emitted_ || more;
        return more;
      } catch (const ConcurrentUpdate&) {
        Restart();
      }
    }
  }

 private:
  const RelationInfo& relation() const { return *node_.relation; }

  // Writes input batches until one yields RETURNING rows for `out`; returns false at the end.
  bool NextWritten(Batch* out) {
    if (!input_read_) ReadInput();
    while (next_input_ < inputs_.size()) {
      Batch input = std::move(inputs_[next_input_++]);
      context_.CheckCancel();
      Batch written = WriteBatch(input);
      if (node_.returning.empty() || written.num_rows == 0) continue;
      out->columns.clear();
      for (const auto& expr : node_.returning) out->columns.push_back(Evaluate(*expr, written, context_));
      out->num_rows = written.num_rows;
      return true;
    }
    return false;
  }

  // Writes one input batch; returns the rows written (for RETURNING). A table's row groups, version
  // stamps, indexes and the write set change together in several steps, none of which may stop half
  // way: the batch is written with allocations that cannot be refused, once the memory limit has been
  // checked before it (so that INSERT ... SELECT over the limit still fails, at the next batch).
  Batch WriteBatch(const Batch& input) {
    memory::CheckLimit();
    memory::MayFailScope writing(false);
    Batch written;
    switch (node_.kind) {
      case PlanKind::kInsert:
        written = InsertRows(input);
        break;
      case PlanKind::kDelete:
        written = DeleteRows(input);
        break;
      default:
        written = UpdateRows(input);
        break;
    }
    return written;
  }

  // Starts the statement again after a ConcurrentUpdate: undoes its writes, takes a new snapshot (which
  // sees the other transaction's update) and reads the input again. PostgreSQL instead re-checks only the
  // updated row against its newest version; running the whole statement later is the result PostgreSQL
  // gives when the statement starts after that commit. Once RETURNING rows went out, or after
  // kMaxRestarts, the statement fails with 40001 instead.
  void Restart() {
    if (emitted_ || restarts_ >= kMaxRestarts) {
      throw SqlError(SqlState::kSerializationFailure, "could not serialize access due to concurrent update");
    }
    ++restarts_;
    storage::Transaction& txn = transaction();
    {
      memory::MayFailScope undoing(false);  // un-stamping the statement's writes must not stop half way
      txn.RollbackTo(statement_writes_);
    }
    context_.subquery_cache.clear();
    context_.snapshot = txn.StatementSnapshot();
    child_ = CreateOperator(*node_.children[0], context_);
    input_read_ = false;
    inputs_.clear();
    next_input_ = 0;
    rows_affected_ = 0;
    written_keys_.clear();
  }

  // Reads the whole input before the first write, so that the statement's own writes never feed back
  // into what it reads (an UPDATE moving rows to the end of the table, INSERT INTO t SELECT ... FROM t,
  // subqueries reading the target). A statement sees the table as it was when it started.
  void ReadInput() {
    input_read_ = true;
    statement_writes_ = transaction().WritePosition();
    Batch input;
    while (child_->Next(&input)) {
      context_.CheckCancel();
      if (input.num_rows > 0) inputs_.push_back(std::move(input));
      input = Batch();
    }
  }

  std::vector<Value> KeyOf(const IndexInfo& index, const Batch& rows, idx_t row) const {
    std::vector<Value> key;
    for (int column : index.columns) key.push_back(rows.columns[column].GetValue(row));
    return key;
  }

  void CheckNotNull(const Batch& rows) const {
    for (size_t column = 0; column < relation().columns.size(); ++column) {
      const ColumnInfo& info = relation().columns[column];
      if (!info.not_null || !rows.columns[column].MayHaveNulls()) continue;
      for (idx_t row = 0; row < rows.num_rows; ++row) {
        if (rows.columns[column].IsNull(row)) {
          throw SqlError(SqlState::kNotNullViolation, "null value in column \"" + info.name + "\" of relation \"" +
                                                          relation().name + "\" violates not-null constraint")
              .WithDetail("Failing row contains (" + FormatRow(rows, row) + ").");
        }
      }
    }
  }

  // Appends rows, enforcing unique indexes. Returns the rows actually written (conflicting rows are
  // dropped for ON CONFLICT DO NOTHING). `upsert_inserts` (DO UPDATE) marks the rows that are inserts,
  // not new versions of updated rows: their arbiter keys were free when UpsertRows looked. `old_versions`
  // (UPDATE) are the rows' old versions, taken out of old_versions_pending_ as each row is checked.
  Batch AppendChecked(const Batch& rows, const std::vector<bool>* upsert_inserts = nullptr,
                      const std::vector<storage::RowId>* old_versions = nullptr) {
    CheckNotNull(rows);
    if (rows.num_rows == 0) return rows;
    auto& data = *relation().data;
    storage::Transaction& txn = transaction();
    std::vector<storage::RowId> ids = data.Append(rows, txn.Id());
    // Recorded at once, so that an error below undoes the rows with the transaction.
    txn.RecordWrite(relation().data, ids, false);
    std::vector<IndexEntry> added;
    std::vector<sel_t> kept;
    for (idx_t row = 0; row < rows.num_rows; ++row) {
      if (old_versions != nullptr) old_versions_pending_.erase((*old_versions)[row]);
      std::optional<KeyConflict> conflict;
      if (!ConflictSkips(rows, row, ids[row])) {
        conflict = AddEntries(rows, row, ids[row], added);
        if (!conflict) {
          kept.push_back(static_cast<sel_t>(row));
          continue;
        }
      }
      // DO NOTHING drops the row, also when another transaction took its arbiter key since ConflictSkips.
      const bool skipped = !conflict || (node_.on_conflict_do_nothing && IsArbiter(*conflict->index));
      if (skipped && (!conflict || SnapshotSees(conflict->holder))) {
        data.Restamp({ids[row]}, false, txn.Id(), storage::kNever);
        continue;
      }
      // Undo this batch before reporting.
      EraseEntries(added);
      data.Restamp(ids, false, txn.Id(), storage::kNever);
      if (skipped) ThrowSerializationFailure();
      // Another transaction took a free arbiter key since: start again, to update its row.
      if (upsert_inserts != nullptr && (*upsert_inserts)[row] && IsArbiter(*conflict->index)) throw ConcurrentUpdate{};
      throw SqlError(SqlState::kUniqueViolation,
                     "duplicate key value violates unique constraint \"" + conflict->index->name + "\"")
          .WithDetail("Key (" + ColumnNames(*conflict->index) + ")=(" + FormatKey(conflict->key) + ") already exists.");
    }
    rows_affected_ += static_cast<int64_t>(kept.size());
    Batch written = rows;
    if (kept.size() < rows.num_rows) {
      written.Compact(kept.data(), kept.size());
      std::vector<storage::RowId> kept_ids;
      for (sel_t row : kept) kept_ids.push_back(ids[row]);
      ids = std::move(kept_ids);
    }
    // Only the rows kept are logged. Encoding the WAL entry here, while they are at hand, spares the
    // commit gathering them back from the table (and COPY does it on its insert worker, beside parsing).
    std::shared_ptr<const storage::EncodedWrite> encoded;
    if (!ids.empty() && txn.manager().logs_commits() && txn.encoded_bytes() < kMaxEncodedAheadBytes) {
      encoded = EncodeInsertAhead(data, ids, written);
    }
    txn.ReplaceLastWrite(std::move(ids), std::move(encoded));
    return written;
  }

  struct KeyConflict {
    const IndexInfo* index;
    std::vector<Value> key;
    storage::RowId holder;
  };

  // Adds the index entries of version `id` (row `row` of `rows`) to `added`, each unique one only where no
  // other version holds its key. On such a conflict, takes the row's entries out again and returns it.
  std::optional<KeyConflict> AddEntries(const Batch& rows, idx_t row, storage::RowId id, std::vector<IndexEntry>& added) {
    const size_t first = added.size();
    for (const auto& index : relation().indexes) {
      std::vector<Value> key = KeyOf(index, rows, row);
      if (index.unique) {
        if (std::optional<storage::RowId> holder = InsertUniqueEntry(index, key, id)) {
          const std::vector<IndexEntry> row_entries(added.begin() + static_cast<std::ptrdiff_t>(first), added.end());
          EraseEntries(row_entries);
          added.resize(first);
          return KeyConflict{&index, std::move(key), *holder};
        }
      } else {
        index.index->Insert(key, id);
      }
      added.push_back(IndexEntry{index.index, std::move(key), id});
    }
    return std::nullopt;
  }

  // Adds `id`'s entry to the unique `index` unless another version holds `key` (see HoldsKey, whose
  // waits happen outside the index's lock); returns that version.
  std::optional<storage::RowId> InsertUniqueEntry(const IndexInfo& index, const std::vector<Value>& key, storage::RowId id) {
    const storage::Stamp own = transaction().Id();
    auto may_hold = [this, id, own](storage::RowId existing) {
      return existing != id &&
             (old_versions_pending_.count(existing) != 0 || MayHoldKey(relation().data->Version(existing), own));
    };
    while (true) {
      const std::optional<storage::RowId> blocker = index.index->InsertUnique(key, id, may_hold);
      if (!blocker || HoldsKey(*blocker)) return blocker;
    }
  }

  // Whether `index` arbitrates the statement's ON CONFLICT clause (every unique index when it names none).
  bool IsArbiter(const IndexInfo& index) const {
    return node_.conflict_index < 0 ? index.unique : &index == &relation().indexes[node_.conflict_index];
  }

  // Whether ON CONFLICT DO NOTHING drops the row: another row holds its key in the arbiter index (any
  // unique index when the clause names none). `id` is the row's own version.
  bool ConflictSkips(const Batch& rows, idx_t row, storage::RowId id) {
    if (!node_.on_conflict_do_nothing) return false;
    for (size_t number = 0; number < relation().indexes.size(); ++number) {
      const IndexInfo& index = relation().indexes[number];
      if (!index.unique || (node_.conflict_index >= 0 && static_cast<size_t>(node_.conflict_index) != number)) continue;
      const std::optional<storage::RowId> holder = KeyHolder(index, KeyOf(index, rows, row), id);
      if (holder) {
        CheckSnapshotSees(*holder);
        return true;
      }
    }
    return false;
  }

  // As PostgreSQL, ON CONFLICT under REPEATABLE READ fails with 40001 on a conflicting row that another
  // transaction wrote after the snapshot.
  void CheckSnapshotSees(storage::RowId row) const {
    if (!SnapshotSees(row)) ThrowSerializationFailure();
  }

  bool SnapshotSees(storage::RowId row) const {
    storage::Transaction& txn = transaction();
    if (txn.isolation() != storage::IsolationLevel::kRepeatableRead || relation().data->Version(row).begin == txn.Id()) return true;
    return relation().data->IsVisible(row, context_.snapshot);
  }

  [[noreturn]] static void ThrowSerializationFailure() {
    throw SqlError(SqlState::kSerializationFailure, "could not serialize access due to concurrent update");
  }

  // Returns a version other than `id` that holds `key` in `index` (see HoldsKey), or nullopt.
  std::optional<storage::RowId> KeyHolder(const IndexInfo& index, const std::vector<Value>& key, storage::RowId id = -1) {
    for (storage::RowId existing : index.index->Lookup(key)) {
      if (existing != id && HoldsKey(existing)) return existing;
    }
    return std::nullopt;
  }

  storage::Transaction& transaction() const {
    if (context_.transaction == nullptr) throw SqlError(SqlState::kInternalError, "a write needs a transaction");
    return *context_.transaction;
  }

  // Whether a version may hold its key against a new row of transaction `own`, not waiting: it was not
  // aborted, and neither a committed transaction nor `own` deleted it.
  static bool MayHoldKey(const storage::TableData::RowVersion& version, storage::Stamp own) {
    if (version.begin == storage::kNever) return false;
    return version.end == storage::kNever || (!storage::IsCsn(version.end) && version.end != own);
  }

  // Returns whether the version `row` holds its key against a new row. As PostgreSQL's unique check, it
  // counts versions other transactions are inserting or deleting, and waits for them to end.
  bool HoldsKey(storage::RowId row) {
    if (old_versions_pending_.count(row) != 0) return true;
    const storage::Stamp own = transaction().Id();
    while (true) {
      const auto version = relation().data->Version(row);
      if (!MayHoldKey(version, own)) return false;
      storage::Stamp pending = 0;
      if (storage::IsTxnId(version.begin) && version.begin != own) pending = version.begin;
      if (storage::IsTxnId(version.end)) pending = version.end;
      if (pending == 0) return true;
      WaitForTransaction(pending);
    }
  }

  // Waits until transaction `holder` ends; throws 40P01 when that would deadlock, 57014 when canceled.
  void WaitForTransaction(storage::Stamp holder) {
    storage::Transaction& txn = transaction();
    switch (txn.manager().WaitFor(txn.Id(), holder, [this] { return context_.IsCanceled(); })) {
      case storage::WaitResult::kEnded:
        return;
      case storage::WaitResult::kDeadlock:
        throw SqlError(SqlState::kDeadlockDetected, "deadlock detected");
      case storage::WaitResult::kCanceled:
        context_.CheckCancel();
        break;
      case storage::WaitResult::kTimedOut:
        break;
    }
    throw SqlError(SqlState::kLockNotAvailable, "canceling statement due to lock timeout");
  }

  // Deletes one row version the statement read; returns false when the row is gone: this transaction
  // deleted it already, or under READ COMMITTED another one did and committed.
  bool DeleteVersion(storage::RowId row) {
    storage::Transaction& txn = transaction();
    const bool by_update = node_.kind != PlanKind::kDelete;  // UPDATE, or INSERT ... ON CONFLICT DO UPDATE
    while (true) {
      storage::Stamp holder = 0;
      switch (relation().data->Delete(row, txn.Id(), by_update, &holder)) {
        case storage::TableData::DeleteResult::kDeleted:
          return true;
        case storage::TableData::DeleteResult::kGone:
          return false;
        case storage::TableData::DeleteResult::kConflict:
          break;
      }
      // Another transaction deleted or updated the row after the snapshot: REPEATABLE READ fails.
      if (txn.isolation() == storage::IsolationLevel::kRepeatableRead) {
        throw SqlError(SqlState::kSerializationFailure, "could not serialize access due to concurrent update");
      }
      // READ COMMITTED waits for an active one: when it aborts, the row is ours to change.
      if (storage::IsTxnId(holder)) {
        WaitForTransaction(holder);
        continue;
      }
      // It committed. A deleted row is skipped, as PostgreSQL does; an updated one lives on as a newer
      // version, which the statement must see: it starts again.
      if (!relation().data->DeletedByUpdate(row)) return false;
      throw ConcurrentUpdate{};
    }
  }

  std::string ColumnNames(const IndexInfo& index) const {
    std::string names;
    for (size_t position = 0; position < index.columns.size(); ++position) {
      if (position > 0) names += ", ";
      names += relation().columns[index.columns[position]].name;
    }
    return names;
  }

  Batch InsertRows(const Batch& input) { return node_.on_conflict_update ? UpsertRows(input) : AppendChecked(input); }

  // INSERT ... ON CONFLICT DO UPDATE. Takes the rows in order, as PostgreSQL does: a row whose arbiter key
  // another row holds updates that row (or is dropped when conflict_where rejects it), the others are
  // inserted. The inserted rows and the new versions of updated rows are appended together at the end, in
  // input order (RETURNING lists them so); until then `written_keys_` stands for their arbiter keys.
  // A concurrent transaction that takes an inserted row's key in between makes the statement start again
  // (AppendChecked), where it updates that transaction's row; PostgreSQL's speculative insertion re-checks
  // only that row.
  Batch UpsertRows(const Batch& input) {
    CheckNotNull(input);
    const IndexInfo& arbiter = relation().indexes[node_.conflict_index];
    Batch written(relation().data->column_types());
    std::vector<bool> inserts;  // per row of `written`
    for (idx_t row = 0; row < input.num_rows; ++row) {
      std::vector<Value> key = KeyOf(arbiter, input, row);
      // A key this statement wrote already: its row was inserted or updated by this statement.
      if (written_keys_.count(key) > 0) ThrowRowAffectedTwice();
      const std::optional<storage::RowId> existing = KeyHolder(arbiter, key);
      if (!existing) {
        written.AppendRow(input, row);
      } else if (!UpdateConflicting(*existing, input, row, written)) {
        continue;
      }
      inserts.push_back(!existing);
      std::vector<Value> written_key = KeyOf(arbiter, written, written.num_rows - 1);
      const bool has_null = std::any_of(written_key.begin(), written_key.end(), [](const Value& value) { return value.is_null(); });
      if (!has_null) written_keys_.insert(std::move(written_key));
    }
    return AppendChecked(written, &inserts);
  }

  // Applies DO UPDATE to the `existing` row, which holds the arbiter key of input row `row`: deletes it and
  // adds its new version to `written`. Returns false when conflict_where rejects the pair.
  bool UpdateConflicting(storage::RowId existing, const Batch& input, idx_t row, Batch& written) {
    storage::Transaction& txn = transaction();
    CheckSnapshotSees(existing);
    Batch pair = ConflictPair(existing, input, row);
    if (node_.conflict_where && EvaluateFilter(*node_.conflict_where, pair, context_).empty()) return false;
    std::vector<Vector> values;
    for (const auto& expr : node_.conflict_set) values.push_back(Evaluate(*expr, pair, context_));
    // Gone since HoldsKey looked (deleted by a transaction that committed meanwhile): start again.
    if (!DeleteVersion(existing)) throw ConcurrentUpdate{};
    txn.RecordWrite(relation().data, {existing}, true, nullptr, true);
    pair.columns.resize(relation().columns.size());
    for (size_t position = 0; position < values.size(); ++position) {
      pair.columns[node_.update_columns[position]] = std::move(values[position]);
    }
    // Copies the values, so that `written` does not keep each row's string heap alive.
    for (size_t column = 0; column < relation().columns.size(); ++column) {
      written.columns[column].AppendValue(pair.columns[column].GetValue(0));
    }
    ++written.num_rows;
    return true;
  }

  // The one row DO UPDATE's expressions read: [existing row's columns..., EXCLUDED columns...].
  Batch ConflictPair(storage::RowId existing, const Batch& input, idx_t row) const {
    Batch pair;
    for (size_t column = 0; column < relation().columns.size(); ++column) {
      Vector value(relation().columns[column].type);
      value.AppendValue(relation().data->Fetch(existing, static_cast<int>(column)));
      pair.columns.push_back(std::move(value));
    }
    const sel_t selected = static_cast<sel_t>(row);
    for (const Vector& column : input.columns) pair.columns.push_back(column.Gather(&selected, 1));
    pair.num_rows = 1;
    return pair;
  }

  [[noreturn]] static void ThrowRowAffectedTwice() {
    throw SqlError(SqlState::kCardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time")
        .WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.");
  }

  // Deletes the rows whose ids are in column `id_column`; returns the deleted rows (table columns).
  Batch RemoveRows(const Batch& input, size_t id_column, std::vector<sel_t>* removed_rows) {
    const bool by_update = node_.kind != PlanKind::kDelete;  // as DeleteVersion marks them
    const auto* ids = input.columns[id_column].Data<int64_t>();
    std::vector<sel_t> removed;
    std::vector<storage::RowId> removed_ids;
    try {
      for (idx_t row = 0; row < input.num_rows; ++row) {
        if (!DeleteVersion(ids[row])) continue;
        removed.push_back(static_cast<sel_t>(row));
        removed_ids.push_back(ids[row]);
      }
    } catch (...) {
      // The versions stamped so far belong to the write set, so that ROLLBACK un-stamps them.
      transaction().RecordWrite(relation().data, std::move(removed_ids), true, nullptr, by_update);
      throw;
    }
    transaction().RecordWrite(relation().data, std::move(removed_ids), true, nullptr, by_update);
    Batch old_rows;
    for (size_t column = 0; column < relation().columns.size(); ++column) {
      old_rows.columns.push_back(input.columns[column].Gather(removed.data(), removed.size()));
    }
    old_rows.num_rows = removed.size();
    if (removed_rows != nullptr) *removed_rows = std::move(removed);
    return old_rows;
  }

  Batch DeleteRows(const Batch& input) {
    Batch removed = RemoveRows(input, relation().columns.size(), nullptr);
    rows_affected_ += static_cast<int64_t>(removed.num_rows);
    return removed;
  }

  Batch UpdateRows(const Batch& input) {
    const size_t width = relation().columns.size();
    std::vector<sel_t> removed;
    Batch new_rows = RemoveRows(input, width, &removed);
    for (size_t position = 0; position < node_.update_columns.size(); ++position) {
      new_rows.columns[node_.update_columns[position]] =
          input.columns[width + 1 + position].Gather(removed.data(), removed.size());
    }
    if (relation().indexes.empty()) return AppendChecked(new_rows);
    const auto* ids = input.columns[width].Data<int64_t>();
    std::vector<storage::RowId> old_versions;
    for (sel_t row : removed) old_versions.push_back(ids[row]);
    old_versions_pending_ = std::unordered_set<storage::RowId>(old_versions.begin(), old_versions.end());
    Batch written = AppendChecked(new_rows, nullptr, &old_versions);
    old_versions_pending_.clear();
    return written;
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  int64_t rows_affected_ = 0;
  bool input_read_ = false;
  std::vector<Batch> inputs_;  // the whole input, read before writing
  size_t next_input_ = 0;
  size_t statement_writes_ = 0;  // the transaction's write set size when the statement started writing
  bool emitted_ = false;         // RETURNING rows went out
  int restarts_ = 0;
  // UPDATE: the old versions of the batch's rows whose new version is not checked yet. PostgreSQL updates
  // row by row, so while it checks one row's new keys, later rows' old versions still hold theirs.
  std::unordered_set<storage::RowId> old_versions_pending_;
  // ON CONFLICT DO UPDATE: the arbiter keys of the rows the statement inserted or updated (NULL-free).
  std::set<std::vector<Value>, IndexKeyLess> written_keys_;
};

}  // namespace

std::unique_ptr<Operator> MakeDmlOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DmlOperator>(node, context);
}

}  // namespace tessera::engine
