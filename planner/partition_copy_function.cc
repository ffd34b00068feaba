// SPDX-License-Identifier: Apache-2.0
// tessera.copy_partition and tessera.copy_partition_changes (planner/partition_copy_function.h).
#include "planner/partition_copy_function.h"

#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/function/kernel_builder.h"
#include "planner/worker_copy.h"
#include "storage/table_data.h"
#include "storage/transaction.h"

namespace tessera::planner {

namespace {

using engine::builtin::QuoteIdentifier;

// Rows sent per COPY into the new copy.
constexpr size_t kRowsPerCopy = 16 * kBatchSize;
// Row ids per DELETE of the catch-up.
constexpr size_t kIdsPerDelete = 1000;

// Calls `each` with every batch of the rows of `data` that `snapshot` sees, columns `column_ids` and
// their row ids as a last int8 column.
void ScanWithRowIds(const storage::TableData& data, const storage::Snapshot& snapshot, const std::vector<int>& column_ids,
                    const engine::ExecContext& context, const std::function<void(Batch&)>& each) {
  for (int partition = 0; partition < data.num_partitions(); ++partition) {
    storage::ScanPosition position;
    Batch batch;
    std::vector<storage::RowId> row_ids;
    while (data.Scan(partition, position, column_ids, snapshot, &batch, &row_ids)) {
      context.CheckCancel();
      Vector ids(LogicalType(TypeId::kInt64), row_ids.size());
      std::copy(row_ids.begin(), row_ids.end(), ids.Data<int64_t>());
      batch.columns.push_back(std::move(ids));
      batch.dictionary_codes.clear();
      each(batch);
      row_ids.clear();
    }
  }
}

// Row ids travel next to the columns, so a table without columns cannot be moved this way.
void RequireColumns(const engine::RelationInfo& shard) {
  if (shard.columns.empty()) {
    throw SqlError(SqlState::kFeatureNotSupported, "moving a partition of a table without columns is not supported yet");
  }
}

std::vector<int> AllColumns(const engine::RelationInfo& shard) {
  std::vector<int> columns(shard.columns.size());
  std::iota(columns.begin(), columns.end(), 0);
  return columns;
}

// "COPY destination (columns..., tessera_move_row) FROM STDIN (FORMAT binary)".
std::string CopySql(const engine::RelationInfo& shard, const std::string& destination) {
  std::string sql = "COPY " + destination + " (";
  for (const engine::ColumnInfo& column : shard.columns) sql += QuoteIdentifier(column.name) + ", ";
  return sql + kMoveRowColumn + ") FROM STDIN (FORMAT binary)";
}

// Sends batches to the destination in COPYs of about kRowsPerCopy rows; throws XX000 when the target
// did not take every row sent.
class CopySender {
 public:
  CopySender(OtherWorker& target, std::string copy_sql) : target_(target), copy_sql_(std::move(copy_sql)) {}

  void Add(Batch batch) {
    rows_ += static_cast<int64_t>(batch.num_rows);
    for (const Vector& column : batch.columns) bytes_ += static_cast<int64_t>(column.MemoryUsage());
    pending_rows_ += batch.num_rows;
    pending_.push_back(std::move(batch));
    if (pending_rows_ >= kRowsPerCopy) Flush();
  }
  void Flush() {
    if (pending_.empty()) return;
    const uint64_t taken = target_.CopyIn(copy_sql_, pending_);
    if (taken != pending_rows_) {
      throw SqlError(SqlState::kInternalError, "the new copy took " + std::to_string(taken) + " of " +
                                                   std::to_string(pending_rows_) + " rows sent");
    }
    pending_.clear();
    pending_rows_ = 0;
  }
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  OtherWorker& target_;
  std::string copy_sql_;
  std::vector<Batch> pending_;
  uint64_t pending_rows_ = 0;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

OtherWorker ConnectToTarget(engine::ExecContext& context, const std::string& target, const std::string& destination) {
  CheckTableName(destination);
  const std::vector<engine::WorkerInfo> targets = ParseWorkerTargets(target);
  if (targets.size() != 1) throw SqlError(SqlState::kInvalidParameterValue, "invalid target \"" + target + "\"");
  return OtherWorker(*context.database, targets[0]);
}

std::string CopyPartition(engine::ExecContext& context, const std::string& shard_name, const std::string& target,
                          const std::string& destination) {
  const engine::RelationPtr shard = FindLocalShard(context, shard_name);
  RequireColumns(*shard);
  OtherWorker to = ConnectToTarget(context, target, destination);
  CopySender sender(to, CopySql(*shard, destination));
  ScanWithRowIds(*shard->data, context.snapshot, AllColumns(*shard), context, [&](Batch& batch) { sender.Add(std::move(batch)); });
  sender.Flush();
  return std::to_string(sender.rows()) + " " + std::to_string(sender.bytes());
}

// Deletes the rows whose kMoveRowColumn is in `ids` from `destination`.
void DeleteMoved(OtherWorker& to, const std::string& destination, const std::vector<int64_t>& ids) {
  for (size_t start = 0; start < ids.size(); start += kIdsPerDelete) {
    std::string list;
    for (size_t index = start; index < ids.size() && index < start + kIdsPerDelete; ++index) {
      list += (list.empty() ? "" : ",") + std::to_string(ids[index]);
    }
    to.Execute("DELETE FROM " + destination + " WHERE " + kMoveRowColumn + " IN (" + list + ")");
  }
}

int64_t CopyPartitionChanges(engine::ExecContext& context, const std::string& shard_name, const std::string& target,
                             const std::string& destination) {
  if (context.transaction == nullptr || context.transaction->isolation() != storage::IsolationLevel::kRepeatableRead) {
    throw SqlError(SqlState::kInvalidTransactionState,
                   "tessera.copy_partition_changes must run in the REPEATABLE READ transaction of tessera.copy_partition");
  }
  const engine::RelationPtr shard = FindLocalShard(context, shard_name);
  RequireColumns(*shard);
  const storage::TableData& data = *shard->data;
  const storage::Snapshot then = context.snapshot;
  const storage::Snapshot now = context.database->transactions().TakeSnapshot(0);
  std::vector<int64_t> gone;
  ScanWithRowIds(data, then, {0}, context, [&](Batch& batch) {
    const int64_t* ids = batch.columns.back().Data<int64_t>();
    for (idx_t row = 0; row < batch.num_rows; ++row) {
      if (!data.IsVisible(ids[row], now)) gone.push_back(ids[row]);
    }
  });
  OtherWorker to = ConnectToTarget(context, target, destination);
  DeleteMoved(to, destination, gone);
  CopySender sender(to, CopySql(*shard, destination));
  ScanWithRowIds(data, now, AllColumns(*shard), context, [&](Batch& batch) {
    const int64_t* ids = batch.columns.back().Data<int64_t>();
    std::vector<sel_t> came;
    for (idx_t row = 0; row < batch.num_rows; ++row) {
      if (!data.IsVisible(ids[row], then)) came.push_back(static_cast<sel_t>(row));
    }
    if (came.empty()) return;
    batch.Compact(came.data(), came.size());
    sender.Add(std::move(batch));
  });
  sender.Flush();
  return static_cast<int64_t>(gone.size()) + sender.rows();
}

// A function of three text arguments, NULL when one is.
engine::ScalarFunction CopyFunction(const char* name, TypeId result_type,
                                    std::function<void(engine::ExecContext&, const std::string[3], Vector&, idx_t)> call) {
  engine::ScalarFunction function;
  function.name = name;
  const LogicalType text(TypeId::kText);
  function.arg_types = {text, text, text};
  function.return_type = LogicalType(result_type);
  function.is_volatile = true;
  function.kernel = [name, call](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext& context) {
    RequireClusterCaller(context, name);
    for (idx_t row = 0; row < count; ++row) {
      if (args[0].IsNull(row) || args[1].IsNull(row) || args[2].IsNull(row)) {
        result.SetNull(row, true);
        continue;
      }
      const std::string values[3] = {std::string(args[0].GetString(row)), std::string(args[1].GetString(row)),
                                     std::string(args[2].GetString(row))};
      call(context, values, result, row);
    }
  };
  return function;
}

}  // namespace

void RegisterPartitionCopyFunctions(engine::FunctionRegistry& registry) {
  registry.Register(CopyFunction("tessera.copy_partition", TypeId::kText,
                                 [](engine::ExecContext& context, const std::string args[3], Vector& result, idx_t row) {
                                   result.SetString(row, CopyPartition(context, args[0], args[1], args[2]));
                                 }));
  registry.Register(CopyFunction("tessera.copy_partition_changes", TypeId::kInt64,
                                 [](engine::ExecContext& context, const std::string args[3], Vector& result, idx_t row) {
                                   result.Data<int64_t>()[row] = CopyPartitionChanges(context, args[0], args[1], args[2]);
                                 }));
}

}  // namespace tessera::planner
