// SPDX-License-Identifier: Apache-2.0
// The operator of a join run on the workers (engine/distributed_join.h): runs each fragment on its worker
// in turn and returns its rows; for a broadcast join it first copies the small side to the worker, for a
// repartition join it runs the setup (the workers exchange rows) first and the teardown last.
//
// Not yet: running the fragments of different workers at the same time.
#include "engine/distributed_join.h"

#include <cstdio>
#include <deque>
#include <optional>
#include <span>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/partition_moves.h"
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
  DistributedFragmentOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        fragment_(*node.fragment),
        context_(context),
        unique_(RandomHexId()),
        read_ticket_(context.database->partition_moves().BeginRead()) {}

  ~DistributedFragmentOperator() override { TearDown(); }

  bool Next(Batch* out) override {
    if (!set_up_) {
      set_up_ = true;
      CheckPlacements();
      RunEach(fragment_.setup);
    }
    for (;;) {
      context_.CheckCancel();
      if (!pending_.empty()) {
        *out = std::move(pending_.front());
        pending_.pop_front();
        if (out->num_rows > 0) return true;
        continue;
      }
      if (next_task_ >= fragment_.tasks.size()) {
        FinishWorker();
        TearDown();
        return false;
      }
      Run(fragment_.tasks[next_task_++]);
    }
  }

 private:
  // The tasks name the workers of the placement at planning: a partition move since then (the read ticket
  // holds off the drop of old copies only from now on) makes the statement fail instead.
  void CheckPlacements() const {
    for (const auto& relation : fragment_.relations) {
      if (CurrentPlacement(*context_.database, *relation) != relation->placement) {
        throw SqlError(SqlState::kSerializationFailure,
                       "a partition of table \"" + relation->name + "\" moved while the statement was planned")
            .WithHint("Run the statement again.");
      }
    }
  }

  // The task's statement with this execution's unique name in place.
  std::string Statement(const FragmentTask& task) const {
    std::string sql = task.sql;
    for (auto at = task.unique_at.rbegin(); at != task.unique_at.rend(); ++at) sql.insert(*at, unique_);
    return sql;
  }

  // Runs `tasks` one after the other, each over a connection from the pool.
  void RunEach(const std::vector<FragmentTask>& tasks) {
    Database& database = *context_.database;
    const auto timeout = WorkerTimeout(database.options());
    for (const FragmentTask& task : tasks) {
      remote::RemoteConnection connection = database.worker_connections().Acquire(Endpoint(task.worker_id), timeout);
      connection.Execute(Statement(task), timeout);
      database.worker_connections().Release(std::move(connection));
    }
  }

  // Runs the teardown once, when there was a setup, each statement whatever the others did: a worker
  // that cannot be reached keeps its tables (their names say what made them).
  void TearDown() {
    if (!set_up_ || torn_down_) return;
    torn_down_ = true;
    for (const FragmentTask& task : fragment_.teardown) {
      try {
        RunEach({task});
      } catch (const SqlError&) {
      }
    }
  }

  remote::RemoteEndpoint Endpoint(uint32_t worker_id) const {
    const std::optional<WorkerInfo> worker = context_.database->catalog().FindWorker(worker_id);
    if (!worker) {
      throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
    }
    return WorkerEndpoint(*worker, context_.database->options());
  }

  // Runs one fragment on its worker into pending_.
  void Run(const FragmentTask& task) {
    if (!connection_ || worker_id_ != task.worker_id) StartWorker(task.worker_id);
    connection_->Query(Statement(task),
                       [&](Batch batch) {
                         if (fragment_.no_columns) batch.columns.clear();
                         TakePlanTypes(batch, node_.output_types);
                         pending_.push_back(std::move(batch));
                       },
                       WorkerTimeout(context_.database->options()));
  }

  // Takes a connection to `worker_id` from the pool (giving back the previous worker's); for a broadcast
  // opens the transaction and copies the small side's rows into the broadcast table there.
  void StartWorker(uint32_t worker_id) {
    FinishWorker();
    Database& database = *context_.database;
    const auto timeout = WorkerTimeout(database.options());
    connection_ = database.worker_connections().Acquire(Endpoint(worker_id), timeout);
    worker_id_ = worker_id;
    if (!fragment_.broadcast) return;
    if (!broadcast_rows_) {
      std::unique_ptr<Operator> small_side = CreateOperator(*node_.children[0], context_);
      broadcast_rows_ = Materialize(*small_side, node_.children[0]->output_types, context_);
    }
    const std::string table = "tessera_shards.broadcast_" + unique_;
    connection_->Execute("BEGIN", timeout);
    connection_->Execute("CREATE TABLE " + table + " " + fragment_.broadcast_columns, timeout);
    if (broadcast_rows_->num_rows > 0) {
      connection_->CopyIn("COPY " + table + " FROM STDIN (FORMAT binary)", std::span(&*broadcast_rows_, 1), timeout);
    }
  }

  // Ends the current worker's broadcast transaction (dropping its table) and gives the connection back.
  void FinishWorker() {
    if (!connection_) return;
    if (fragment_.broadcast) connection_->Execute("ROLLBACK", WorkerTimeout(context_.database->options()));
    context_.database->worker_connections().Release(std::move(*connection_));
    connection_.reset();
  }

  const PlanNode& node_;
  const DistributedFragment& fragment_;
  ExecContext& context_;
  size_t next_task_ = 0;
  std::deque<Batch> pending_;
  // To worker_id_ while its tasks run. Dropped on an error: the worker then rolls back the broadcast.
  std::optional<remote::RemoteConnection> connection_;
  uint32_t worker_id_ = 0;
  const std::string unique_;  // names the tables this execution makes on the workers
  PartitionMoves::ReadTicket read_ticket_;
  bool set_up_ = false;
  bool torn_down_ = false;
  std::optional<Batch> broadcast_rows_;  // the small side, read once
};

}  // namespace

std::unique_ptr<Operator> MakeDistributedFragmentOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedFragmentOperator>(node, context);
}

}  // namespace tessera::engine
