// SPDX-License-Identifier: Apache-2.0
// The operator of a join run on the workers (engine/distributed_join.h): runs each fragment on its worker
// in turn and returns its rows.
//
// Not yet: running the fragments of different workers at the same time.
#include "engine/distributed_join.h"

#include <deque>
#include <optional>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"

namespace tessera::engine {

namespace {

// Gives a batch from a worker the plan's exact types (a worker reports the same physical types).
void TakePlanTypes(Batch& batch, const std::vector<LogicalType>& types) {
  if (batch.columns.size() != types.size()) {
    throw SqlError(SqlState::kDatatypeMismatch, "a worker returned " + std::to_string(batch.columns.size()) +
                                                    " columns instead of " + std::to_string(types.size()));
  }
  for (size_t column = 0; column < types.size(); ++column) {
    if (batch.columns[column].physical_type() != GetPhysicalType(types[column])) {
      throw SqlError(SqlState::kDatatypeMismatch, "a worker returned column " + std::to_string(column + 1) + " as " +
                                                      FormatType(batch.columns[column].type()) + " instead of " +
                                                      FormatType(types[column]));
    }
    Vector retyped(types[column]);
    retyped.Append(batch.columns[column]);
    batch.columns[column] = std::move(retyped);
  }
}

class DistributedFragmentOperator : public Operator {
 public:
  DistributedFragmentOperator(const PlanNode& node, ExecContext& context) : node_(node), context_(context) {}

  bool Next(Batch* out) override {
    for (;;) {
      context_.CheckCancel();
      if (!pending_.empty()) {
        *out = std::move(pending_.front());
        pending_.pop_front();
        if (out->num_rows > 0) return true;
        continue;
      }
      if (next_task_ >= node_.fragment->tasks.size()) return false;
      Run(node_.fragment->tasks[next_task_++]);
    }
  }

 private:
  // Runs one fragment on its worker into pending_, over a connection from the database's pool.
  void Run(const FragmentTask& task) {
    Database& database = *context_.database;
    const std::optional<WorkerInfo> worker = database.catalog().FindWorker(task.worker_id);
    if (!worker) {
      throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(task.worker_id) + " is not registered");
    }
    const auto timeout = WorkerTimeout(database.options());
    remote::RemoteConnection connection = database.worker_connections().Acquire(WorkerEndpoint(*worker, database.options()), timeout);
    connection.Query(task.sql,
                     [&](Batch batch) {
                       if (node_.fragment->no_columns) batch.columns.clear();
                       TakePlanTypes(batch, node_.output_types);
                       pending_.push_back(std::move(batch));
                     },
                     timeout);
    database.worker_connections().Release(std::move(connection));
  }

  const PlanNode& node_;
  ExecContext& context_;
  size_t next_task_ = 0;
  std::deque<Batch> pending_;
};

}  // namespace

std::unique_ptr<Operator> MakeDistributedFragmentOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedFragmentOperator>(node, context);
}

}  // namespace tessera::engine
