// SPDX-License-Identifier: Apache-2.0
// The kDistributedStatement operator and its EXPLAIN text (engine/distributed_statement.h).
#include "engine/distributed_statement.h"

#include <deque>
#include <optional>
#include <set>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/distributed_key_update.h"
#include "engine/distributed_ship.h"
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
    if (table.whole) {
      pinned.push_back(kEveryPartition);
      continue;
    }
    if (!table.shard_key) break;
    const Value key = context != nullptr ? EvaluateConstant(*table.shard_key, *context) : table.shard_key->constant;
    pinned.push_back(PartitionOfKey(key, *table.relation));
  }
  if (pinned.size() == statement.tables.size()) return {pinned};
  std::vector<std::vector<size_t>> all;
  // A reference table's copies as the catalog lists them now (a rebalance may have added or dropped one).
  const RelationInfo& first = *statement.tables[0].relation;
  const size_t partitions = context != nullptr && first.IsReferenceTable()
                                ? CurrentPlacement(*context->database, first).size()
                                : first.placement.size();
  for (size_t partition = 0; partition < partitions; ++partition) {
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
    const std::vector<uint32_t> placement =
        database != nullptr ? CurrentPlacement(*database, relation) : relation.placement;
    for (size_t partition = 0; partition < placement.size(); ++partition) {
      if (partitions[table] != kEveryPartition && partition != partitions[table]) continue;
      if (shared && *shared != placement[partition]) return std::nullopt;
      shared = placement[partition];
    }
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
    std::vector<PartitionMoves::WriteGuard> guards;
    const RelationInfo& relation = *statement_.tables[0].relation;
    const auto check_cancel = [this] { context_.CheckCancel(); };
    // Writers of a table with global unique keys, or of a reference table (whose copies must change in
    // the same order), follow one another (engine/global_unique.h). They take the table's write lock
    // before any partition, as INSERT and COPY do (engine/distributed.h): the other order deadlocks with
    // them.
    const bool serialized = statement_.writes && (!statement_.checked_indexes.empty() || relation.IsReferenceTable());
    std::optional<WorkerTransactions> transactions;
    if (serialized) {
      transactions.emplace(context_);
      transactions->transaction().HoldTable(relation.oid, check_cancel);
    }
    // A reference table's writers hold copy 0 before they look at its copies (engine/distributed.h).
    const bool reference_write = statement_.writes && relation.IsReferenceTable();
    if (reference_write && context_.worker_block != nullptr) context_.worker_block->HoldPartition(relation, 0, check_cancel);
    if (reference_write && context_.worker_block == nullptr) {
      guards.push_back(context_.database->partition_moves().LockForWrite(relation.oid, 0, check_cancel));
    }
    const std::vector<std::vector<size_t>> placements = Placements(statement_, &context_);
    if (statement_.writes) {
      for (const auto& partitions : placements) {
        if (reference_write && partitions[0] == 0) continue;  // held above
        if (context_.worker_block != nullptr) {
          context_.worker_block->HoldPartition(relation, partitions[0], check_cancel);  // until the block ends
        } else {
          guards.push_back(context_.database->partition_moves().LockForWrite(relation.oid, partitions[0], check_cancel));
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
      Send(Connection(workers[0]), Sql(placements[0]));
      return true;
    }
    if (!statement_.shipped.empty()) {
      std::vector<std::string> placeholders;
      for (const auto& shipped : statement_.shipped) placeholders.push_back(shipped.placeholder);
      shipped_.emplace(node_, context_, std::move(placeholders));
      shipped_->Ship(workers);
    }
    // A write to one partition is one statement on one worker: its own transaction there is atomic, so
    // it needs no BEGIN and COMMIT round trips (unless settings go first).
    const RelationInfo& target = relation;
    if (placements.size() == 1 && statement_.settings_sql.empty() && context_.worker_block == nullptr &&
        !statement_.moves_shard_key && !serialized) {
      Send(Connection(workers[0]), Sql(placements[0]));
      NoteRemovedRows();
      return true;
    }
    if (!transactions) transactions.emplace(context_);
    if (statement_.moves_shard_key) moves_.emplace(target, context_);
    std::set<uint32_t> begun;
    for (size_t index = 0; index < placements.size(); ++index) {
      context_.CheckCancel();
      remote::RemoteConnection& connection = transactions->Begin(workers[index]);
      if (begun.insert(workers[index]).second && !statement_.settings_sql.empty()) {
        connection.Execute(statement_.settings_sql, WorkerTimeout(context_.database->options()));
      }
      // Every copy of a reference table is written alike: the first one's rows and count stand for all.
      Send(connection, Sql(placements[index]), index == 0 || !target.IsReferenceTable(),
           placements[index][0]);
    }
    if (moves_) moves_->Move(*transactions);
    for (size_t index : statement_.checked_indexes) {
      CheckAllKeys(*context_.database, transactions->transaction(), target, target.indexes[index], false);
    }
    transactions->Commit();
    NoteRemovedRows();
    return true;
  }

  // The text for `partitions`, the shipped rows in place.
  std::string Sql(const std::vector<size_t>& partitions) const {
    return shipped_ ? shipped_->Replace(statement_.sql(partitions)) : statement_.sql(partitions);
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

  // Runs `sql` on `connection` (on `partition` of tables[0]); its rows and row count are the statement's
  // unless `keep_results` is false.
  void Send(remote::RemoteConnection& connection, const std::string& sql, bool keep_results = true, size_t partition = 0) {
    const remote::RemoteResult result = connection.Query(
        sql, context_.parameters,
        [this, keep_results, partition](Batch batch) {
          if (!keep_results) return;
          if (moves_) {
            batch = moves_->Take(std::move(batch), partition);
            if (node_.returning.empty()) return;
          }
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
  std::optional<ShippedRows> shipped_;   // a write's shipped rows, dropped with the operator
  std::optional<ShardKeyMoves> moves_;  // an UPDATE assigning the shard key
};

std::string JoinPinned(const DistributedStatement& statement) {
  std::string text;
  for (const DistributedTableUse& table : statement.tables) {
    if (!table.pinned_by.empty()) text += (text.empty() ? "" : " and ") + table.pinned_by;
  }
  return text;
}

// Whether the statement's partitions are known without evaluating parameters (whole tables count).
bool PinnedByConstants(const DistributedStatement& statement) {
  for (const DistributedTableUse& table : statement.tables) {
    if (table.whole) continue;
    if (!table.shard_key || table.shard_key->kind != BoundExprKind::kConstant) return false;
  }
  return true;
}

// ", shipping the rows of s, t from the coordinator" when the statement ships rows, else "".
std::string DescribeShipped(const DistributedStatement& statement) {
  if (statement.shipped.empty()) return "";
  std::string names;
  for (const auto& shipped : statement.shipped) names += (names.empty() ? "" : ", ") + shipped.name;
  return ", shipping the rows of " + names + " from the coordinator";
}

// The tier and where it runs, for EXPLAIN.
std::string DescribeTier(const PlanNode& node) {
  const DistributedStatement& statement = *node.distributed_statement;
  const RelationInfo& anchor = *statement.tables[0].relation;
  const std::string partitions = std::to_string(anchor.placement.size());
  if (std::all_of(statement.tables.begin(), statement.tables.end(), [](const auto& table) { return table.whole; })) {
    return "Distributed Router: every partition on worker " + std::to_string(anchor.placement[0]) +
           ", run whole there over the UNION ALL of each table's shard tables";
  }
  if (!statement.tables[0].shard_key) {
    const std::set<uint32_t> workers(anchor.placement.begin(), anchor.placement.end());
    return "Distributed Pushdown: " + partitions + " partitions on " + std::to_string(workers.size()) +
           " workers, no shard key equality pins " + anchor.name;
  }
  if (!PinnedByConstants(statement)) {
    return "Distributed Router: one partition of " + partitions + " chosen at execution, pinned by " + JoinPinned(statement);
  }
  const std::vector<size_t> pinned = Placements(statement, nullptr)[0];
  const std::string where = pinned[0] == kEveryPartition ? "every partition" : "partition " + std::to_string(pinned[0]);
  return "Distributed Router: " + where + " of " + partitions + " on worker " +
         std::to_string(anchor.placement[pinned[0] == kEveryPartition ? 0 : pinned[0]]) + ", pinned by " +
         JoinPinned(statement);
}

}  // namespace

bool PinnedApart(const DistributedStatement& statement) {
  return PinnedByConstants(statement) && !SharedWorker(statement, Placements(statement, nullptr)[0]);
}

std::string DescribeDistributedStatement(const PlanNode& node) {
  const DistributedStatement& statement = *node.distributed_statement;
  return DescribeTier(node) + DescribeShipped(statement) +
         (statement.moves_shard_key ? ", rows whose new shard key belongs to another partition moved there" : "");
}

std::string DistributedStatementSqlForExplain(const PlanNode& node) {
  const DistributedStatement& statement = *node.distributed_statement;
  std::vector<size_t> partitions(statement.tables.size(), 0);
  if (PinnedByConstants(statement)) partitions = Placements(statement, nullptr)[0];
  for (size_t table = 0; table < partitions.size(); ++table) {
    if (statement.tables[table].whole) partitions[table] = kEveryPartition;
  }
  return statement.sql(partitions);
}

std::unique_ptr<Operator> MakeDistributedStatementOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedStatementOperator>(node, context);
}

}  // namespace tessera::engine
