// SPDX-License-Identifier: Apache-2.0
// Operators over distributed tables on a coordinator (docs/CLUSTER.md, the "pull" tier): a scan reads
// each partition's shard table from its worker; an INSERT routes each row to its partition's shard table.
//
// A scan whose filter fixes the shard key to one value reads only that value's partition (the router
// case). It sends the columns it needs and the part of its scan filter that deparses exactly (comparisons of
// integer and text columns with constants, IS [NOT] NULL); the whole predicate is still evaluated on the
// rows that come back.
//
// Not yet: consistent snapshots across workers (each partition is read by its own statement), reading
// partitions in parallel, and writes spanning several workers (they need two-phase commit; such an
// INSERT answers 0A000 before anything is written).
#include <chrono>
#include <deque>
#include <map>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/function/kernel_builder.h"
#include "engine/operators_internal.h"
#include "engine/plan.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "storage/hash.h"

namespace tessera::engine {

namespace {

using builtin::QuoteIdentifier;
using builtin::QuoteLiteral;

bool IntegerType(TypeId id) { return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64; }
bool TextType(TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar; }

// `predicate` on a column of type `type` as SQL, or empty when it does not deparse exactly.
std::string DeparsePredicate(const storage::ScanPredicate& predicate, const std::string& column, const LogicalType& type) {
  switch (predicate.kind) {
    case storage::ScanPredicateKind::kIsNull:
      return column + " IS NULL";
    case storage::ScanPredicateKind::kIsNotNull:
      return column + " IS NOT NULL";
    case storage::ScanPredicateKind::kCompare:
      break;
  }
  static const char* const kOperators[] = {"=", "<>", "<", "<=", ">", ">="};
  const std::string op = kOperators[static_cast<int>(predicate.op)];
  const TypeId constant_type = predicate.constant.type().id;
  if (IntegerType(type.id) && IntegerType(constant_type)) {
    return column + " " + op + " " + std::to_string(predicate.constant.GetInt());
  }
  if (TextType(type.id) && TextType(constant_type)) {
    return column + " " + op + " " + QuoteLiteral(predicate.constant.GetString()) + "::text";
  }
  return "";
}

// Connections to the workers a statement uses, as user tessera_cluster: taken from the database's pool on
// first use and given back (if still reusable) when the statement's operator goes.
class WorkerConnections {
 public:
  explicit WorkerConnections(ExecContext& context) : context_(context) {}
  WorkerConnections(const WorkerConnections&) = delete;
  WorkerConnections& operator=(const WorkerConnections&) = delete;
  ~WorkerConnections() {
    for (auto& [worker_id, connection] : connections_) context_.database->worker_connections().Release(std::move(connection));
  }

  remote::RemoteConnection& For(uint32_t worker_id) {
    auto found = connections_.find(worker_id);
    if (found != connections_.end() && found->second.is_open()) return found->second;
    const DatabaseOptions& options = context_.database->options();
    for (const WorkerInfo& worker : context_.database->catalog().Workers()) {
      if (worker.id != worker_id) continue;
      const remote::RemoteEndpoint endpoint{worker.host, worker.port, "tessera_cluster", options.cluster_secret, "tessera"};
      remote::RemoteConnection connection = context_.database->worker_connections().Acquire(endpoint, timeout());
      return connections_.insert_or_assign(worker_id, std::move(connection)).first->second;
    }
    throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
  }

  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(context_.database->options().worker_timeout_ms);
  }

 private:
  ExecContext& context_;
  std::map<uint32_t, remote::RemoteConnection> connections_;
};

// Gives the batches of `columns` read from a worker the scan's exact types (a worker reports the same
// type, typmods of some types aside).
void TakeTypes(Batch& batch, const std::vector<LogicalType>& types) {
  for (size_t column = 0; column < types.size() && column < batch.columns.size(); ++column) {
    if (batch.columns[column].physical_type() != GetPhysicalType(types[column])) {
      throw SqlError(SqlState::kDatatypeMismatch, "a worker returned column " + std::to_string(column + 1) +
                                                      " as " + FormatType(batch.columns[column].type()) +
                                                      " instead of " + FormatType(types[column]));
    }
    Vector retyped(types[column]);
    retyped.Append(batch.columns[column]);
    batch.columns[column] = std::move(retyped);
  }
}

class DistributedScanOperator : public Operator {
 public:
  DistributedScanOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), connections_(context), partitions_(PartitionsToRead(node)) {}

  bool Next(Batch* out) override {
    for (;;) {
      context_.CheckCancel();
      if (!pending_.empty()) {
        *out = std::move(pending_.front());
        pending_.pop_front();
        if (node_.predicate) {
          auto rows = EvaluateFilter(*node_.predicate, *out, context_);
          if (rows.size() != out->num_rows) out->Compact(rows.data(), rows.size());
        }
        if (out->num_rows > 0) return true;
        continue;
      }
      if (next_partition_ >= partitions_.size()) return false;
      ReadPartition(partitions_[next_partition_++]);
    }
  }

 private:
  // Reads the scan's columns of one partition's shard table into pending_.
  void ReadPartition(size_t partition) {
    const RelationInfo& relation = *node_.relation;
    std::string columns;
    for (int column : node_.column_ids) {
      columns += (columns.empty() ? "" : ", ") + QuoteIdentifier(relation.columns[column].name);
    }
    // Without columns (count(*)) a constant stands in, and is dropped from each batch.
    const bool no_columns = columns.empty();
    std::string sql = "SELECT " + (no_columns ? std::string("1") : columns) + " FROM " +
                      ShardTableName(relation.oid, partition);
    std::string where;
    for (const storage::ScanPredicate& predicate : node_.scan_filter.predicates) {
      if (predicate.column < 0 || static_cast<size_t>(predicate.column) >= relation.columns.size()) continue;
      const engine::ColumnInfo& column = relation.columns[predicate.column];
      const std::string condition = DeparsePredicate(predicate, QuoteIdentifier(column.name), column.type);
      if (!condition.empty()) where += (where.empty() ? " WHERE " : " AND ") + condition;
    }
    sql += where;
    std::vector<LogicalType> types;
    for (int column : node_.column_ids) types.push_back(relation.columns[column].type);
    connections_.For(relation.placement[partition])
        .Query(sql,
               [&](Batch batch) {
                 if (no_columns) batch.columns.clear();
                 TakeTypes(batch, types);
                 pending_.push_back(std::move(batch));
               },
               connections_.timeout());
  }

  const PlanNode& node_;
  ExecContext& context_;
  WorkerConnections connections_;
  const std::vector<size_t> partitions_;  // all, or the one an equality on the shard key pins (router)
  size_t next_partition_ = 0;
  std::deque<Batch> pending_;
};

class DistributedInsertOperator : public Operator {
 public:
  DistributedInsertOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        child_(CreateOperator(*node.children[0], context)),
        next_round_robin_(static_cast<size_t>(context.random())) {}

  bool Next(Batch* out) override {
    if (done_) return false;
    done_ = true;
    const RelationInfo& relation = *node_.relation;
    if (!node_.returning.empty() || node_.on_conflict_do_nothing || node_.on_conflict_update) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "RETURNING and ON CONFLICT on a distributed table are not supported yet");
    }
    if (context_.in_transaction_block) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "writing a distributed table inside a transaction block is not supported yet");
    }
    // Rows per partition, in input order.
    std::map<size_t, std::vector<Batch>> rows_of;
    Batch input;
    while (child_->Next(&input)) {
      context_.CheckCancel();
      std::map<size_t, std::vector<sel_t>> selection;
      for (idx_t row = 0; row < input.num_rows; ++row) selection[PartitionOf(input, row)].push_back(static_cast<sel_t>(row));
      for (auto& [partition, rows] : selection) {
        Batch part;
        for (const Vector& column : input.columns) part.columns.push_back(column.Gather(rows.data(), rows.size()));
        part.num_rows = rows.size();
        rows_of[partition].push_back(std::move(part));
      }
    }
    if (rows_of.empty()) return false;
    const uint32_t worker = relation.placement[rows_of.begin()->first];
    for (const auto& [partition, batches] : rows_of) {
      if (relation.placement[partition] != worker) {
        throw SqlError(SqlState::kFeatureNotSupported,
                       "an INSERT whose rows go to several workers is not supported yet (it needs two-phase commit)")
            .WithHint("Insert the rows of each worker in separate statements; tessera.placements lists them.");
      }
    }
    // One worker: one transaction there makes the statement atomic.
    remote::RemoteConnection& connection = connections_.For(worker);
    connection.Execute("BEGIN", connections_.timeout());
    try {
      for (const auto& [partition, batches] : rows_of) {
        rows_affected_ += static_cast<int64_t>(connection.CopyIn(
            "COPY " + ShardTableName(relation.oid, partition) + " FROM STDIN (FORMAT binary)", batches,
            connections_.timeout()));
      }
      connection.Execute("COMMIT", connections_.timeout());
    } catch (const SqlError&) {
      if (connection.is_open()) {
        try {
          connection.Execute("ROLLBACK", connections_.timeout());
        } catch (const SqlError&) {
        }
      }
      throw;
    }
    return false;
  }

  int64_t rows_affected() const override { return rows_affected_; }

 private:
  // The partition of row `row`: the shard key's hash, or round-robin without one.
  size_t PartitionOf(const Batch& input, idx_t row) {
    const size_t partitions = node_.relation->placement.size();
    const int shard_column = node_.relation->shard_column;
    if (shard_column < 0) return next_round_robin_++ % partitions;
    return storage::HashCell(input.columns[shard_column], row) % partitions;
  }

  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  WorkerConnections connections_{context_};
  bool done_ = false;
  int64_t rows_affected_ = 0;
  size_t next_round_robin_;  // starts at a random partition, so that small INSERTs spread out
};

}  // namespace

std::vector<size_t> PartitionsToRead(const PlanNode& scan) {
  const RelationInfo& relation = *scan.relation;
  const int shard_column = relation.shard_column;
  if (shard_column >= 0) {
    const LogicalType& type = relation.columns[shard_column].type;
    for (const storage::ScanPredicate& predicate : scan.scan_filter.predicates) {
      if (predicate.column != shard_column || predicate.kind != storage::ScanPredicateKind::kCompare ||
          predicate.op != storage::CompareOp::kEqual) {
        continue;
      }
      // Integers hash by value whatever their width, text by its bytes: the same hash INSERT routed by.
      const TypeId constant_type = predicate.constant.type().id;
      if (!(IntegerType(type.id) && IntegerType(constant_type)) && !(TextType(type.id) && TextType(constant_type))) {
        continue;
      }
      Vector key(predicate.constant.type());
      key.AppendValue(predicate.constant);
      return {storage::HashCell(key, 0) % relation.placement.size()};
    }
  }
  std::vector<size_t> all(relation.placement.size());
  for (size_t partition = 0; partition < all.size(); ++partition) all[partition] = partition;
  return all;
}

std::unique_ptr<Operator> MakeDistributedScanOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedScanOperator>(node, context);
}

std::unique_ptr<Operator> MakeDistributedInsertOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedInsertOperator>(node, context);
}

}  // namespace tessera::engine
