// SPDX-License-Identifier: Apache-2.0
// Operators over distributed tables on a coordinator (docs/CLUSTER.md, the "pull" tier): a scan reads
// each partition's shard table from its worker; INSERT (and COPY FROM, planner/copy.cc) write through a
// DistributedWriter (engine/distributed.h), which routes each row to its partition's shard table.
//
// A scan whose filter fixes the shard key to one value reads only that value's partition (the router
// case). It sends the columns it needs and the part of its scan filter that deparses exactly (comparisons of
// integer and text columns with constants, IS [NOT] NULL); the whole predicate is still evaluated on the
// rows that come back.
//
// Writes reaching several workers commit with two-phase commit (engine/distributed.h).
//
// A statement reading several partitions reads them in one snapshot across workers, and a transaction
// block through its own worker transactions (engine/distributed_transaction.h).
//
// Not yet: reading partitions in parallel.
#include "engine/distributed.h"

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <span>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/durability.h"
#include "engine/function/kernel_builder.h"
#include "engine/operators_internal.h"
#include "engine/partition_moves.h"
#include "engine/plan.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "engine/statistics.h"
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
    // Inside a transaction block, or a statement reading in one snapshot: the unit's transaction there.
    if (remote::RemoteConnection* unit = UnitReadConnection(context_, worker_id)) return *unit;
    auto found = connections_.find(worker_id);
    if (found != connections_.end() && found->second.is_open()) return found->second;
    const std::optional<WorkerInfo> worker = context_.database->catalog().FindWorker(worker_id);
    if (!worker) {
      throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
    }
    remote::RemoteConnection connection =
        context_.database->worker_connections().Acquire(WorkerEndpoint(*worker, context_.database->options()), timeout());
    return connections_.insert_or_assign(worker_id, std::move(connection)).first->second;
  }

  std::chrono::milliseconds timeout() const { return WorkerTimeout(context_.database->options()); }

 private:
  ExecContext& context_;
  std::map<uint32_t, remote::RemoteConnection> connections_;
};

}  // namespace

std::vector<uint32_t> CurrentPlacement(Database& database, const RelationInfo& relation) {
  const RelationPtr current = database.catalog().FindRelationByOid(relation.oid);
  return current != nullptr && current->placement.size() == relation.placement.size() ? current->placement
                                                                                       : relation.placement;
}

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

namespace {

class DistributedScanOperator : public Operator {
 public:
  DistributedScanOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        connections_(context),
        partitions_(PartitionsToRead(node)),
        read_ticket_(context.database->partition_moves().BeginRead()),
        placement_(CurrentPlacement(*context.database, *node.relation)) {
    std::vector<uint32_t> workers;
    for (size_t partition : partitions_) workers.push_back(placement_[partition]);
    NoteDistributedReads(context, workers);
  }

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
    connections_.For(placement_[partition])
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
  // Taken before the placement is read: the shard tables it names stay until the scan ends.
  PartitionMoves::ReadTicket read_ticket_;
  const std::vector<uint32_t> placement_;
  size_t next_partition_ = 0;
  std::deque<Batch> pending_;
};

class DistributedInsertOperator : public Operator {
 public:
  DistributedInsertOperator(const PlanNode& node, ExecContext& context)
      : node_(node), context_(context), child_(CreateOperator(*node.children[0], context)) {}

  bool Next(Batch* out) override {
    if (done_) return false;
    done_ = true;
    if (!node_.returning.empty() || node_.on_conflict_do_nothing || node_.on_conflict_update) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "RETURNING and ON CONFLICT on a distributed table are not supported yet");
    }
    DistributedWriter writer(*node_.relation, context_);
    Batch input;
    while (child_->Next(&input)) writer.Write(input);
    rows_affected_ = writer.Commit();
    return false;
  }

  int64_t rows_affected() const override { return rows_affected_; }

 private:
  const PlanNode& node_;
  ExecContext& context_;
  std::unique_ptr<Operator> child_;
  bool done_ = false;
  int64_t rows_affected_ = 0;
};

}  // namespace

namespace {

std::string Quoted(const std::string& gid) { return "'" + gid + "'"; }  // gids hold no quotes

std::string BootId() {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", random(), random());
  return text;
}

}  // namespace

DistributedCommits::DistributedCommits(Database& database)
    : database_(database), prefix_("tessera_2pc_" + BootId() + "_") {}

DistributedCommits::~DistributedCommits() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (resolver_.joinable()) resolver_.join();
}

void DistributedCommits::Start() {
  resolver_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      ResolveInDoubt();
      lock.lock();
      wake_.wait_for(lock, kResolveInterval, [this] { return stopping_; });
    }
  });
}

std::string DistributedCommits::BeginCommit() {
  std::lock_guard lock(mutex_);
  std::string gid = prefix_ + std::to_string(next_++);
  in_flight_.insert(gid);
  return gid;
}

void DistributedCommits::EndCommit(const std::string& gid) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(gid);
}

bool DistributedCommits::InFlight(const std::string& gid) {
  std::lock_guard lock(mutex_);
  return in_flight_.count(gid) > 0;
}

void DistributedCommits::ResolveInDoubt() {
  Durability* durability = database_.durability();
  if (durability == nullptr) return;
  const std::vector<std::string> logged = durability->CommitDecisions();
  const std::set<std::string> decisions(logged.begin(), logged.end());
  const DatabaseOptions& options = database_.options();
  const std::chrono::milliseconds timeout = WorkerTimeout(options);
  bool every_worker_answered = true;
  std::set<std::string> still_prepared;
  for (const WorkerInfo& worker : database_.catalog().Workers()) {
    try {
      remote::RemoteConnection connection = database_.worker_connections().Acquire(WorkerEndpoint(worker, options), timeout);
      std::vector<std::string> gids;
      connection.Query("SELECT gid FROM pg_prepared_xacts WHERE substr(gid, 1, 12) = 'tessera_2pc_'",
                       [&gids](Batch batch) {
                         for (idx_t row = 0; row < batch.num_rows; ++row) gids.emplace_back(batch.columns[0].GetString(row));
                       },
                       timeout);
      for (const std::string& gid : gids) {
        if (InFlight(gid)) {
          still_prepared.insert(gid);
          continue;
        }
        connection.Execute((decisions.count(gid) > 0 ? "COMMIT PREPARED " : "ROLLBACK PREPARED ") + Quoted(gid), timeout);
      }
      database_.worker_connections().Release(std::move(connection));
    } catch (const SqlError&) {
      every_worker_answered = false;  // tried again at the next pass
    }
  }
  if (!every_worker_answered) return;
  for (const std::string& gid : decisions) {
    if (!InFlight(gid) && still_prepared.count(gid) == 0) durability->LogDecisionDone(gid);
  }
}

WorkerTransactions::WorkerTransactions(ExecContext& context) {
  if (context.worker_block == nullptr) own_ = std::make_unique<DistributedTransaction>(*context.database, "read committed");
  transaction_ = own_ ? own_.get() : context.worker_block;
}

WorkerTransactions::~WorkerTransactions() = default;  // own_ rolls back what was not committed

std::chrono::milliseconds WorkerTransactions::timeout() const { return transaction_->timeout(); }

remote::RemoteConnection& WorkerTransactions::Begin(uint32_t worker) { return transaction_->Write(worker); }

remote::RemoteConnection& WorkerTransactions::BeginPartition(const RelationInfo& relation, size_t partition) {
  return transaction_->Write(transaction_->HoldPartition(relation, partition));
}

void WorkerTransactions::Commit() {
  if (own_) own_->Commit();
}

DistributedWriter::DistributedWriter(const RelationInfo& relation, ExecContext& context)
    : relation_(relation),
      context_(context),
      transactions_(context),
      next_round_robin_(static_cast<size_t>(context.random())) {}

size_t DistributedWriter::PartitionOf(const Batch& rows, idx_t row) {
  const size_t partitions = relation_.placement.size();
  if (relation_.shard_column < 0) return next_round_robin_++ % partitions;
  return storage::HashCell(rows.columns[relation_.shard_column], row) % partitions;
}

void DistributedWriter::Write(const Batch& rows) {
  context_.CheckCancel();
  std::map<size_t, std::vector<sel_t>> selection;
  for (idx_t row = 0; row < rows.num_rows; ++row) selection[PartitionOf(rows, row)].push_back(static_cast<sel_t>(row));
  for (const auto& [partition, selected] : selection) {
    Batch part;
    for (const Vector& column : rows.columns) part.columns.push_back(column.Gather(selected.data(), selected.size()));
    part.num_rows = selected.size();
    remote::RemoteConnection& connection = transactions_.BeginPartition(relation_, partition);
    rows_ += static_cast<int64_t>(connection.CopyIn(
        "COPY " + ShardTableName(relation_.oid, partition) + " FROM STDIN (FORMAT binary)", std::span(&part, 1),
        transactions_.timeout()));
  }
}

int64_t DistributedWriter::Commit() {
  transactions_.Commit();
  context_.database->statistics().NoteWritten(relation_.oid, rows_);
  return rows_;
}

remote::RemoteEndpoint WorkerEndpoint(const WorkerInfo& worker, const DatabaseOptions& options) {
  return remote::RemoteEndpoint{worker.host, worker.port, "tessera_cluster", options.cluster_secret, "tessera"};
}

std::chrono::milliseconds WorkerTimeout(const DatabaseOptions& options) {
  return std::chrono::milliseconds(options.worker_timeout_ms);
}

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
