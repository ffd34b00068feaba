// SPDX-License-Identifier: Apache-2.0
// The kDistributedStatement operator and its EXPLAIN text (engine/distributed_statement.h).
#include "engine/distributed_statement.h"

#include <deque>
#include <optional>
#include <set>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/global_unique.h"
#include "engine/operators_internal.h"
#include "engine/partition_moves.h"
#include "engine/plan.h"
#include "engine/remote/connection_pool.h"
#include "engine/statistics.h"

namespace tessera::engine {

namespace {

// The partitions the statement runs on: for each, the partition every table reads.
std::vector<std::vector<size_t>> Placements(const DistributedStatement& statement, ExecContext* context) {
  std::vector<size_t> pinned;
  for (const DistributedTableUse& table : statement.tables) {
    if (!table.shard_key) break;
    const Value key = context != nullptr ? EvaluateConstant(*table.shard_key, *context) : table.shard_key->constant;
    pinned.push_back(PartitionOfKey(key, *table.relation));
  }
  if (pinned.size() == statement.tables.size()) return {pinned};
  std::vector<std::vector<size_t>> all;
  for (size_t partition = 0; partition < statement.tables[0].relation->placement.size(); ++partition) {
    all.push_back({partition});
  }
  return all;
}

// The worker that holds all of `partitions`, or nothing when they are on different workers: by the
// placement the catalog has now with a `database` (a partition move may have switched it since binding),
// else by the bound one.
std::optional<uint32_t> SharedWorker(const DistributedStatement& statement, const std::vector<size_t>& partitions,
                                     Database* database = nullptr) {
  std::optional<uint32_t> shared;
  for (size_t table = 0; table < partitions.size(); ++table) {
    const RelationInfo& relation = *statement.tables[table].relation;
    const uint32_t worker = database != nullptr ? CurrentPlacement(*database, relation)[partitions[table]]
                                                : relation.placement[partitions[table]];
    if (shared && *shared != worker) return std::nullopt;
    shared = worker;
  }
  return shared;
}

int64_t RowsOfTag(const std::string& tag) {
  const size_t space = tag.rfind(' ');
  return space == std::string::npos ? 0 : std::stoll(tag.substr(space + 1));
}

class DistributedStatementOperator : public Operator {
 public:
  DistributedStatementOperator(const PlanNode& node, ExecContext& context)
      : node_(node), statement_(*node.distributed_statement), context_(context) {}
  ~DistributedStatementOperator() override {
    if (connection_) context_.database->worker_connections().Release(std::move(*connection_));
  }

  bool Next(Batch* out) override {
    if (fallback_) return fallback_->Next(out);
    if (!started_) {
      started_ = true;
      if (!Run()) return fallback_->Next(out);
    }
    if (pending_.empty()) return false;
    *out = std::move(pending_.front());
    pending_.pop_front();
    return true;
  }

  int64_t rows_affected() const override { return rows_affected_; }

 private:
  // Runs the statement on its workers; returns false when a read must run its fallback plan instead.
  bool Run() {
    // Held while the statement runs: a partition move drops the old copy of a partition only after the
    // reads begun before its switch ended, and waits for the writers holding the partition
    // (engine/partition_moves.h); both then find the placement current.
    read_ticket_.emplace(context_.database->partition_moves().BeginRead());
    const std::vector<std::vector<size_t>> placements = Placements(statement_, &context_);
    std::vector<PartitionMoves::WriteGuard> guards;
    if (statement_.writes) {
      const RelationInfo& relation = *statement_.tables[0].relation;
      for (const auto& partitions : placements) {
        if (context_.worker_block != nullptr) {
          context_.worker_block->HoldPartition(relation, partitions[0]);  // until the block ends
        } else {
          guards.push_back(context_.database->partition_moves().LockForWrite(relation.oid, partitions[0]));
        }
      }
    }
    std::vector<uint32_t> workers;
    for (const auto& partitions : placements) {
      const std::optional<uint32_t> worker = SharedWorker(statement_, partitions, context_.database);
      if (!worker && !statement_.writes) {
        fallback_ = CreateOperator(*statement_.fallback, context_);
        return false;
      }
      if (!worker) {
        throw SqlError(SqlState::kFeatureNotSupported,
                       "a statement whose pinned partitions are on different workers is not supported yet");
      }
      workers.push_back(*worker);
    }
    if (!statement_.writes) {
      Send(Connection(workers[0]), statement_.sql(placements[0]));
      return true;
    }
    // A write to one partition is one statement on one worker: its own transaction there is atomic, so
    // it needs no BEGIN and COMMIT round trips (unless settings go first).
    const bool checks_keys = !statement_.checked_indexes.empty();
    if (placements.size() == 1 && statement_.settings_sql.empty() && context_.worker_block == nullptr && !checks_keys) {
      Send(Connection(workers[0]), statement_.sql(placements[0]));
      NoteRemovedRows();
      return true;
    }
    WorkerTransactions transactions(context_);
    const RelationInfo& target = *statement_.tables[0].relation;
    if (checks_keys) transactions.transaction().HoldTable(target.oid, [this] { context_.CheckCancel(); });
    std::set<uint32_t> begun;
    for (size_t index = 0; index < placements.size(); ++index) {
      context_.CheckCancel();
      remote::RemoteConnection& connection = transactions.Begin(workers[index]);
      if (begun.insert(workers[index]).second && !statement_.settings_sql.empty()) {
        connection.Execute(statement_.settings_sql, WorkerTimeout(context_.database->options()));
      }
      // Every copy of a reference table is written alike: the first one's rows and count stand for all.
      Send(connection, statement_.sql(placements[index]), index == 0 || !statement_.tables[0].relation->IsReferenceTable());
    }
    for (size_t index : statement_.checked_indexes) {
      CheckAllKeys(*context_.database, transactions.transaction(), target, target.indexes[index], false);
    }
    transactions.Commit();
    NoteRemovedRows();
    return true;
  }

  // Keeps the table's row count current between ANALYZEs after a DELETE committed.
  void NoteRemovedRows() {
    if (statement_.removes_rows) {
      context_.database->statistics().NoteWritten(statement_.tables[0].relation->oid, -rows_affected_);
    }
  }

  // A connection to `worker_id` outside any transaction, given back to the pool with the operator; inside
  // a transaction block, the block's transaction there.
  remote::RemoteConnection& Connection(uint32_t worker_id) {
    if (context_.worker_block != nullptr) return context_.worker_block->Read(worker_id);
    const std::optional<WorkerInfo> worker = context_.database->catalog().FindWorker(worker_id);
    if (!worker) {
      throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
    }
    connection_ = context_.database->worker_connections().Acquire(
        WorkerEndpoint(*worker, context_.database->options()), WorkerTimeout(context_.database->options()));
    return *connection_;
  }

  // Runs `sql` on `connection`; its rows and row count are the statement's unless `keep_results` is false.
  void Send(remote::RemoteConnection& connection, const std::string& sql, bool keep_results = true) {
    const remote::RemoteResult result = connection.Query(
        sql, context_.parameters,
        [this, keep_results](Batch batch) {
          if (!keep_results) return;
          TakeTypes(batch, node_.output_types);
          pending_.push_back(std::move(batch));
        },
        WorkerTimeout(context_.database->options()));
    if (statement_.writes && keep_results) rows_affected_ += RowsOfTag(result.command_tag);
  }

  const PlanNode& node_;
  const DistributedStatement& statement_;
  ExecContext& context_;
  bool started_ = false;
  std::unique_ptr<Operator> fallback_;
  std::optional<remote::RemoteConnection> connection_;
  std::optional<PartitionMoves::ReadTicket> read_ticket_;
  std::deque<Batch> pending_;
  int64_t rows_affected_ = 0;
};

std::string JoinPinned(const DistributedStatement& statement) {
  std::string text;
  for (const DistributedTableUse& table : statement.tables) {
    if (!table.pinned_by.empty()) text += (text.empty() ? "" : " and ") + table.pinned_by;
  }
  return text;
}

bool PinnedByConstants(const DistributedStatement& statement) {
  for (const DistributedTableUse& table : statement.tables) {
    if (!table.shard_key || table.shard_key->kind != BoundExprKind::kConstant) return false;
  }
  return true;
}

}  // namespace

bool PinnedApart(const DistributedStatement& statement) {
  return PinnedByConstants(statement) && !SharedWorker(statement, Placements(statement, nullptr)[0]);
}

std::string DescribeDistributedStatement(const PlanNode& node) {
  const DistributedStatement& statement = *node.distributed_statement;
  const RelationInfo& anchor = *statement.tables[0].relation;
  const std::string partitions = std::to_string(anchor.placement.size());
  if (!statement.tables[0].shard_key) {
    const std::set<uint32_t> workers(anchor.placement.begin(), anchor.placement.end());
    return "Distributed Pushdown: " + partitions + " partitions on " + std::to_string(workers.size()) +
           " workers, no shard key equality pins " + anchor.name;
  }
  if (!PinnedByConstants(statement)) {
    return "Distributed Router: one partition of " + partitions + " chosen at execution, pinned by " + JoinPinned(statement);
  }
  const std::vector<size_t> pinned = Placements(statement, nullptr)[0];
  return "Distributed Router: partition " + std::to_string(pinned[0]) + " of " + partitions + " on worker " +
         std::to_string(anchor.placement[pinned[0]]) + ", pinned by " + JoinPinned(statement);
}

std::string DistributedStatementSqlForExplain(const PlanNode& node) {
  const DistributedStatement& statement = *node.distributed_statement;
  std::vector<size_t> partitions(statement.tables.size(), 0);
  if (PinnedByConstants(statement)) partitions = Placements(statement, nullptr)[0];
  return statement.sql(partitions);
}

std::unique_ptr<Operator> MakeDistributedStatementOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedStatementOperator>(node, context);
}

}  // namespace tessera::engine
