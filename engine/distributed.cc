// SPDX-License-Identifier: Apache-2.0
// Operators over distributed tables on a coordinator (docs/CLUSTER.md, the "pull" tier): a scan reads
// each partition's shard table from its worker; INSERT (and COPY FROM, planner/copy.cc) write through a
// DistributedWriter (engine/distributed.h), which routes each row to its partition's shard table.
//
// A scan whose filter fixes the shard key to one value reads only that value's partition (the router
// case). It sends what its DistributedQuery asks (engine/distributed_query.h): in the pull tier the
// columns it needs and the conjuncts of its filter that deparse exactly (engine/deparse_expression.h),
// the whole filter still evaluated on the rows that come back. Partitions are read concurrently
// (engine/distributed_read.h).
//
// Writes reaching several workers commit with two-phase commit (engine/distributed.h).
//
// A statement sending several reads reads in one snapshot across workers, and a transaction block
// through its own worker transactions (engine/distributed_transaction.h).
#include "engine/distributed.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <span>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed_read.h"
#include "engine/durability.h"
#include "engine/global_unique.h"
#include "engine/operators_internal.h"
#include "engine/partition_moves.h"
#include "engine/plan.h"
#include "engine/plan_profile.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "engine/statistics.h"
#include "storage/hash.h"

namespace tessera::engine {

namespace {

bool IntegerType(TypeId id) { return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64; }
bool TextType(TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar; }

}  // namespace

std::vector<uint32_t> CurrentPlacement(Database& database, const RelationInfo& relation) {
  const RelationPtr current = database.catalog().FindRelationByOid(relation.oid);
  const bool same_partitions = current != nullptr && (current->placement.size() == relation.placement.size() ||
                                                      (relation.IsReferenceTable() && !current->placement.empty()));
  return same_partitions ? current->placement : relation.placement;
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

// Reads the partitions concurrently (engine/distributed_read.h). Pull tier: the scan's columns, its
// whole filter evaluated on what comes back; pushed tiers: what the DistributedQuery computes.
class DistributedScanOperator : public Operator {
 public:
  DistributedScanOperator(const PlanNode& node, ExecContext& context)
      : node_(node),
        context_(context),
        read_ticket_(context.database->partition_moves().BeginRead()),
        placement_(CurrentPlacement(*context.database, *node.relation)) {
    std::vector<uint32_t> workers;
    for (const std::vector<size_t>& partitions : ReadGroups(node, &placement_)) workers.push_back(placement_[partitions.front()]);
    NoteDistributedReads(context, workers);
  }

  bool Next(Batch* out) override {
    if (!reader_ && !cached_) Start();
    for (;;) {
      context_.CheckCancel();
      if (!NextRead(out)) return false;
      if (node_.predicate && !pushed()) {
        auto rows = EvaluateFilter(*node_.predicate, *out, context_);
        if (rows.size() != out->num_rows) out->Compact(rows.data(), rows.size());
      }
      if (out->num_rows > 0) return true;
    }
  }

 private:
  bool pushed() const { return node_.distributed_query && node_.distributed_query->pushed(); }

  void Start() {
    const RelationInfo& relation = *node_.relation;
    // Inside a block, or sending several reads in one snapshot: each worker is read over the
    // unit's one connection there (opened now, on this thread).
    std::map<uint32_t, remote::RemoteConnection*> unit_connections;
    for (size_t partition : PartitionsToRead(node_)) {
      const uint32_t worker_id = placement_[partition];
      if (unit_connections.count(worker_id) > 0) continue;
      if (remote::RemoteConnection* unit = UnitReadConnection(context_, worker_id)) unit_connections.emplace(worker_id, unit);
    }
    std::vector<PartitionReadRequest> requests;
    for (std::vector<size_t>& partitions : ReadGroups(node_, &placement_)) {
      const uint32_t worker_id = placement_[partitions.front()];
      const std::optional<WorkerInfo> worker = context_.database->catalog().FindWorker(worker_id);
      if (!worker) {
        throw SqlError(SqlState::kInternalError, "internal error: worker " + std::to_string(worker_id) + " is not registered");
      }
      std::string sql = PartitionsSql(node_, partitions);
      cache_key_ += std::to_string(worker_id) + ":" + sql + ";";
      requests.push_back({std::move(partitions), worker_id, WorkerEndpoint(*worker, context_.database->options()),
                          std::move(sql)});
    }
    if (!context_.outer_rows.empty()) {
      const auto cached = context_.remote_reads.find(cache_key_);
      if (cached != context_.remote_reads.end()) {
        cached_ = &cached->second;
        return;
      }
      caching_ = true;
    }
    std::vector<LogicalType> types = node_.output_types;
    if (!pushed()) {
      types.clear();
      for (int column : node_.column_ids) types.push_back(relation.columns[column].type);
    }
    const bool drop_columns = !pushed() && node_.column_ids.empty();
    NodeProfile* profile = context_.profile ? &context_.profile->For(node_) : nullptr;
    const bool groups = pushed() && node_.distributed_query->merge_on_worker;
    reader_ = std::make_unique<PartitionReader>(*context_.database, std::move(requests), std::move(types), drop_columns,
                                                profile, std::move(unit_connections), groups);
  }

  // The next batch as the workers sent it: from the reader, or from the statement's cache. Inside a
  // correlated subquery (re-run per outer row) the same reads return the same rows within the statement,
  // so the first run keeps them (up to a bound per statement) and later runs read no worker.
  bool NextRead(Batch* out) {
    if (cached_) {
      if (next_cached_ >= cached_->size()) return false;
      *out = (*cached_)[next_cached_++];
      return true;
    }
    if (!reader_->Next(out, [this] { context_.CheckCancel(); })) {
      if (caching_) context_.remote_reads.emplace(cache_key_, std::move(kept_));
      caching_ = false;
      return false;
    }
    if (caching_) {
      constexpr size_t kMaxCachedValues = size_t{4} << 20;
      const size_t values = out->num_rows * std::max<size_t>(out->columns.size(), 1);
      if (context_.remote_read_values + values > kMaxCachedValues) {
        caching_ = false;
        kept_.clear();
      } else {
        context_.remote_read_values += values;
        kept_.push_back(*out);
      }
    }
    return true;
  }

  const PlanNode& node_;
  ExecContext& context_;
  // Taken before the placement is read: the shard tables it names stay until the scan ends.
  PartitionMoves::ReadTicket read_ticket_;
  const std::vector<uint32_t> placement_;
  std::unique_ptr<PartitionReader> reader_;
  std::string cache_key_;  // the reads' workers and SQL
  bool caching_ = false;
  std::vector<Batch> kept_;
  const std::vector<Batch>* cached_ = nullptr;
  size_t next_cached_ = 0;
};

}  // namespace

namespace {

std::string Quoted(const std::string& gid) { return "'" + gid + "'"; }  // gids hold no quotes

}  // namespace

std::string RandomHexId() {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", random(), random());
  return text;
}

DistributedCommits::DistributedCommits(Database& database)
    : database_(database), prefix_("tessera_2pc_" + RandomHexId() + "_") {}

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

WorkerTransactions::WorkerTransactions(ExecContext& context) : context_(context) {
  if (context.worker_block == nullptr) own_ = std::make_unique<DistributedTransaction>(*context.database, "read committed");
  transaction_ = own_ ? own_.get() : context.worker_block;
}

WorkerTransactions::~WorkerTransactions() = default;  // own_ rolls back what was not committed

std::chrono::milliseconds WorkerTransactions::timeout() const { return transaction_->timeout(); }

remote::RemoteConnection& WorkerTransactions::Begin(uint32_t worker) { return transaction_->Write(worker); }

remote::RemoteConnection& WorkerTransactions::BeginPartition(const RelationInfo& relation, size_t partition) {
  return transaction_->Write(transaction_->HoldPartition(relation, partition, [this] { context_.CheckCancel(); }));
}

void WorkerTransactions::Commit() {
  if (own_) own_->Commit();
}

DistributedWriter::DistributedWriter(const RelationInfo& relation, ExecContext& context)
    : relation_(relation), context_(context), transactions_(own_transactions_.emplace(context)) {
  HoldTableIfShared();
}

DistributedWriter::DistributedWriter(const RelationInfo& relation, ExecContext& context, WorkerTransactions& transactions)
    : relation_(relation), context_(context), transactions_(transactions) {
  HoldTableIfShared();
}

void DistributedWriter::HoldTableIfShared() {
  if (HasGlobalUnique(relation_)) {
    written_keys_.emplace(relation_);
    LockTable();
  } else if (relation_.IsReferenceTable()) {
    LockTable();  // its copies change in the same order
  }
}

void DistributedWriter::LockTable() {
  transactions_.transaction().HoldTable(relation_.oid, [this] { context_.CheckCancel(); });
}

size_t DistributedWriter::PartitionOf(const Batch& rows, idx_t row, uint64_t first) {
  const size_t partitions = relation_.placement.size();
  // As a local table: a row group at a time per partition, so a small table keeps its rows in one
  // partition in the order they came (what a scan without ORDER BY then shows).
  if (relation_.shard_column < 0) return ((first + row) / kBatchSize) % partitions;
  return storage::HashCell(rows.columns[relation_.shard_column], row) % partitions;
}

void DistributedWriter::Write(const Batch& rows) {
  context_.CheckCancel();
  std::map<size_t, std::vector<sel_t>> selection;
  if (relation_.IsReferenceTable()) {
    // Every copy gets every row; the statement reports each row once. Holding copy 0 first keeps copies
    // from being added or dropped until the commit, so the copies listed now are all there are.
    transactions_.BeginPartition(relation_, 0);
    std::vector<sel_t> all(rows.num_rows);
    for (idx_t row = 0; row < rows.num_rows; ++row) all[row] = static_cast<sel_t>(row);
    const size_t copies = CurrentPlacement(*context_.database, relation_).size();
    for (size_t partition = 0; partition < copies; ++partition) selection[partition] = all;
  } else {
    const uint64_t first = relation_.shard_column < 0 ? context_.database->TakeRoundRobinRows(relation_.oid, rows.num_rows) : 0;
    for (idx_t row = 0; row < rows.num_rows; ++row) selection[PartitionOf(rows, row, first)].push_back(static_cast<sel_t>(row));
  }
  for (const auto& [partition, selected] : selection) {
    Batch part;
    for (const Vector& column : rows.columns) part.columns.push_back(column.Gather(selected.data(), selected.size()));
    part.num_rows = selected.size();
    remote::RemoteConnection& connection = transactions_.BeginPartition(relation_, partition);
    const auto copied = connection.CopyIn("COPY " + ShardTableName(relation_.oid, partition) + " FROM STDIN (FORMAT binary)",
                                          std::span(&part, 1), transactions_.timeout());
    if (!relation_.IsReferenceTable()) rows_ += static_cast<int64_t>(copied);
  }
  if (relation_.IsReferenceTable()) rows_ += static_cast<int64_t>(rows.num_rows);
  if (written_keys_) written_keys_->Add(rows);
}

int64_t DistributedWriter::Commit() {
  if (written_keys_) written_keys_->Check(*context_.database, transactions_.transaction());
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

size_t PartitionOfKey(const Value& key, const RelationInfo& relation) {
  if (key.is_null()) return 0;
  // Integers hash by value whatever their width, text by its bytes: the same hash INSERT routed by.
  Vector column(key.type());
  column.AppendValue(key);
  return storage::HashCell(column, 0) % relation.placement.size();
}

std::vector<size_t> PartitionsToRead(const PlanNode& scan) {
  const RelationInfo& relation = *scan.relation;
  if (relation.IsReferenceTable()) return {0};  // every copy is whole: the first worker's
  const int shard_column = relation.shard_column;
  if (shard_column >= 0) {
    const LogicalType& type = relation.columns[shard_column].type;
    for (const storage::ScanPredicate& predicate : scan.scan_filter.predicates) {
      if (predicate.column != shard_column || predicate.kind != storage::ScanPredicateKind::kCompare ||
          predicate.op != storage::CompareOp::kEqual) {
        continue;
      }
      const TypeId constant_type = predicate.constant.type().id;
      if (!(IntegerType(type.id) && IntegerType(constant_type)) && !(TextType(type.id) && TextType(constant_type))) {
        continue;
      }
      return {PartitionOfKey(predicate.constant, relation)};
    }
  }
  std::vector<size_t> all(relation.placement.size());
  for (size_t partition = 0; partition < all.size(); ++partition) all[partition] = partition;
  return all;
}

std::unique_ptr<Operator> MakeDistributedScanOperator(const PlanNode& node, ExecContext& context) {
  return std::make_unique<DistributedScanOperator>(node, context);
}

}  // namespace tessera::engine
