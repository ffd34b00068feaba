// SPDX-License-Identifier: Apache-2.0
// INSERT, UPDATE and DELETE: write rows to a table's partitions, keep its indexes and constraints (NOT NULL,
// UNIQUE / PRIMARY KEY), record undo actions for ROLLBACK, and produce RETURNING rows.
//
// Input layouts: INSERT gets rows in table column order; DELETE gets [table columns..., row id];
// UPDATE gets [table columns..., row id, new values of update_columns...].
#include <unordered_set>

#include "engine/operators_internal.h"
#include "engine/plan.h"

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

class DmlOperator : public Operator {
 public:
  DmlOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  int64_t rows_affected() const override { return rows_affected_; }

  bool Next(Batch* out) override {
    if (!input_read_) ReadInput();
    while (next_input_ < inputs_.size()) {
      Batch input = std::move(inputs_[next_input_++]);
      context_.CheckCancel();
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
      if (node_.returning.empty() || written.num_rows == 0) continue;
      out->columns.clear();
      for (const auto& expr : node_.returning) out->columns.push_back(Evaluate(*expr, written, context_));
      out->num_rows = written.num_rows;
      return true;
    }
    return false;
  }

 private:
  const RelationInfo& relation() const { return *node_.relation; }

  // Reads the whole input before the first write, so that the statement's own writes never feed back
  // into what it reads (an UPDATE moving rows to the end of the table, INSERT INTO t SELECT ... FROM t,
  // subqueries reading the target). A statement sees the table as it was when it started.
  void ReadInput() {
    input_read_ = true;
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
  // dropped for ON CONFLICT DO NOTHING).
  Batch AppendChecked(const Batch& rows) {
    CheckNotNull(rows);
    auto& data = *relation().data;
    std::vector<storage::RowId> ids = data.Append(rows);
    std::vector<IndexEntry> added;
    std::vector<sel_t> kept;
    for (idx_t row = 0; row < rows.num_rows; ++row) {
      bool conflict = false;
      std::vector<IndexEntry> row_entries;
      for (const auto& index : relation().indexes) {
        std::vector<Value> key = KeyOf(index, rows, row);
        if (index.unique) {
          for (storage::RowId existing : index.index->Lookup(key)) {
            if (existing != ids[row] && data.IsLive(existing)) conflict = true;
          }
        }
        if (conflict) {
          if (node_.on_conflict_do_nothing) break;
          // Undo this batch before reporting.
          EraseEntries(added);
          for (storage::RowId id : ids) data.Delete(id);
          throw SqlError(SqlState::kUniqueViolation,
                         "duplicate key value violates unique constraint \"" + index.name + "\"")
              .WithDetail("Key (" + ColumnNames(index) + ")=(" + FormatKey(key) + ") already exists.");
        }
        row_entries.push_back(IndexEntry{index.index, std::move(key), ids[row]});
      }
      if (conflict) {
        data.Delete(ids[row]);
        continue;
      }
      for (auto& entry : row_entries) {
        entry.index->Insert(entry.key, entry.row);
        added.push_back(std::move(entry));
      }
      kept.push_back(static_cast<sel_t>(row));
    }
    // Record the undo of the whole batch: the rows and their index entries go.
    if (context_.undo_log != nullptr) {
      auto table = relation().data;
      std::vector<storage::RowId> kept_ids;
      for (sel_t row : kept) kept_ids.push_back(ids[row]);
      context_.undo_log->push_back([table, kept_ids, added = std::move(added)]() {
        EraseEntries(added);
        for (storage::RowId id : kept_ids) table->Delete(id);
      });
    }
    rows_affected_ += static_cast<int64_t>(kept.size());
    if (kept.size() == rows.num_rows) return rows;
    Batch written = rows;
    written.Compact(kept.data(), kept.size());
    return written;
  }

  std::string ColumnNames(const IndexInfo& index) const {
    std::string names;
    for (size_t position = 0; position < index.columns.size(); ++position) {
      if (position > 0) names += ", ";
      names += relation().columns[index.columns[position]].name;
    }
    return names;
  }

  Batch InsertRows(const Batch& input) { return AppendChecked(input); }

  // Deletes the rows whose ids are in column `id_column`; returns the deleted rows (table columns).
  Batch RemoveRows(const Batch& input, size_t id_column, std::vector<sel_t>* removed_rows) {
    auto& data = *relation().data;
    const auto* ids = input.columns[id_column].Data<int64_t>();
    std::vector<sel_t> removed;
    std::vector<storage::RowId> removed_ids;
    for (idx_t row = 0; row < input.num_rows; ++row) {
      if (!data.Delete(ids[row])) continue;
      removed.push_back(static_cast<sel_t>(row));
      removed_ids.push_back(ids[row]);
    }
    Batch old_rows;
    for (size_t column = 0; column < relation().columns.size(); ++column) {
      old_rows.columns.push_back(input.columns[column].Gather(removed.data(), removed.size()));
    }
    old_rows.num_rows = removed.size();
    // The deleted rows' index entries go too (index scans also skip rows that are not live, so a reader
    // that looked a row up just before it was deleted still answers correctly).
    std::vector<IndexEntry> entries;
    for (const auto& index : relation().indexes) {
      for (idx_t row = 0; row < old_rows.num_rows; ++row) {
        entries.push_back(IndexEntry{index.index, KeyOf(index, old_rows, row), removed_ids[row]});
      }
    }
    EraseEntries(entries);
    if (context_.undo_log != nullptr) {
      auto table = relation().data;
      context_.undo_log->push_back([table, removed_ids, entries = std::move(entries)]() {
        for (const auto& entry : entries) entry.index->Insert(entry.key, entry.row);
        for (storage::RowId id : removed_ids) table->Undelete(id);
      });
    }
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
    return AppendChecked(new_rows);
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  int64_t rows_affected_ = 0;
  bool input_read_ = false;
  std::vector<Batch> inputs_;  // the whole input, read before writing
  size_t next_input_ = 0;
};

}  // namespace

std::unique_ptr<Operator> MakeDmlOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DmlOperator>(node, context);
}

}  // namespace tessera::engine
