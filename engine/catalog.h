// SPDX-License-Identifier: Apache-2.0
// Catalog: schemas, tables, views, indexes and sequences of the database, with PostgreSQL-style OIDs.
// Published entries are immutable (shared_ptr<const ...>); DDL replaces them under the catalog's lock and
// bumps the version so prepared statements re-bind.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/types.h"
#include "base/value.h"
#include "engine/index.h"
#include "storage/table_data.h"

namespace tessera::engine {

constexpr uint32_t kPgCatalogNamespaceOid = 11;
constexpr uint32_t kPublicNamespaceOid = 2200;
constexpr uint32_t kInformationSchemaNamespaceOid = 13000;
constexpr uint32_t kTesseraNamespaceOid = 13100;  // the `tessera` schema: cluster functions and views
constexpr uint32_t kFirstUserOid = 16384;

struct ColumnInfo {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;      // DEFAULT expression as SQL text; empty = NULL
  std::string sequence_name;    // serial columns: the owned sequence (default_sql calls nextval)
};

struct IndexInfo {
  uint32_t oid = 0;
  std::string name;
  std::vector<int> columns;     // table column indexes
  std::vector<bool> descending;
  bool unique = false;
  bool primary = false;
  bool constraint = false;  // made by a PRIMARY KEY or UNIQUE constraint (listed in pg_constraint)
  std::shared_ptr<Index> index;  // shared, mutable under its own lock
};

enum class RelationKind { kTable, kView, kSequence };

struct SequenceState {
  std::mutex mutex;
  int64_t next = 1;        // GUARDED_BY(mutex)
  bool called = false;     // GUARDED_BY(mutex)
  int64_t increment = 1;
  int64_t min_value = 1;
  int64_t max_value = INT64_MAX;
  int64_t start = 1;
  bool cycle = false;
  // Durability: the WAL says the sequence may have reached `logged_next` (values are logged 32 ahead,
  // as PostgreSQL does). `logged` false: the next nextval logs again.
  int64_t logged_next = 0;  // GUARDED_BY(mutex)
  bool logged = false;      // GUARDED_BY(mutex)
};

struct RelationInfo {
  uint32_t oid = 0;
  RelationKind kind = RelationKind::kTable;
  std::string schema;
  std::string name;
  std::vector<ColumnInfo> columns;
  std::vector<IndexInfo> indexes;
  std::vector<std::pair<std::string, std::string>> options;  // WITH (...)
  int shard_column = -1;
  // A distributed table on a coordinator (docs/CLUSTER.md): the worker id of each partition. Empty: the
  // rows are in `data`, on this node.
  std::vector<uint32_t> placement;
  std::shared_ptr<storage::TableData> data;  // tables
  // Views: the defining query text and output column names.
  std::string view_sql;
  // Sequences.
  std::shared_ptr<SequenceState> sequence;

  // A reference table (WITH (distribution = 'reference')): on a coordinator, a full copy on every worker,
  // one "partition" per worker in `placement`.
  bool IsReferenceTable() const {
    for (const auto& [key, value] : options) {
      if (key == "distribution") return value == "reference";
    }
    return false;
  }

  int FindColumn(const std::string& column_name) const {
    for (size_t index = 0; index < columns.size(); ++index) {
      if (columns[index].name == column_name) return static_cast<int>(index);
    }
    return -1;
  }
};
using RelationPtr = std::shared_ptr<const RelationInfo>;

// A worker process of the cluster (docs/CLUSTER.md), as the coordinator knows it.
struct WorkerInfo {
  uint32_t id = 0;  // from 1, never reused
  std::string host;
  int32_t port = 0;
  // tessera.drain_worker marked it (docs/CLUSTER.md): no new partitions or copies go there, and a
  // rebalance empties it; tessera.activate_worker clears it. Durable in checkpoints (version 6).
  bool draining = false;
  std::string Name() const { return host + ":" + std::to_string(port); }
};

// The shard table holding partition `partition` of distributed table `table_oid` on its worker:
// "tessera_shards.t<oid>_p<partition>", stable across renames of the table.
std::string ShardTableName(uint32_t table_oid, size_t partition);

struct SchemaInfo {
  uint32_t oid = 0;
  std::string name;
};

// What DROP SCHEMA removed: enough to put it back, OIDs included, when its transaction rolls back.
struct DroppedSchema {
  SchemaInfo schema;
  std::vector<RelationPtr> relations;
};

class Catalog {
 public:
  explicit Catalog(int default_partitions);

  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  int default_partitions() const { return default_partitions_; }
  uint32_t AllocateOid() { return next_oid_.fetch_add(1); }
  uint32_t next_oid() const { return next_oid_.load(); }
  // Recovery: replaces everything with what a checkpoint recorded.
  void Restore(const std::vector<SchemaInfo>& schemas, const std::vector<std::shared_ptr<const RelationInfo>>& relations,
               uint32_t next_oid);

  // Looks a relation up by [schema.]name; with no schema, searches `search_path` in order.
  RelationPtr FindRelation(const std::string& schema, const std::string& name,
                           const std::vector<std::string>& search_path) const;
  RelationPtr FindRelationByOid(uint32_t oid) const;
  std::optional<SchemaInfo> FindSchema(const std::string& name) const;
  // Finds the relation that owns index `index_name` in `schema` (or the search path).
  RelationPtr FindIndexOwner(const std::string& schema, const std::string& index_name,
                             const std::vector<std::string>& search_path) const;

  // Adds or replaces (same oid) a relation. Throws 42P07 when the name is taken by another relation and
  // `replace` is false. A table's storage gets its storage id here when it has none yet.
  void PutRelation(std::shared_ptr<RelationInfo> relation, bool replace);
  void DropRelation(uint32_t oid);
  // Places partition `partition` of distributed table `oid` on worker `worker_id` (a partition move):
  // replaces the table's entry with a copy that differs in that placement only. Returns false when the
  // table is gone (dropped meanwhile) or has no such partition.
  bool SetPlacement(uint32_t oid, size_t partition, uint32_t worker_id);
  // Gives table `oid` the placement `placement` (a reference table gaining or losing a copy at its end):
  // as SetPlacement. Returns false when the table is gone.
  bool ReplacePlacement(uint32_t oid, std::vector<uint32_t> placement);
  // Returns false when the schema exists and `if_not_exists` (nothing created); throws 42P06 without it.
  bool CreateSchema(const std::string& name, bool if_not_exists);
  // Drops a schema (with its relations when `cascade`) and returns what it dropped; nullopt when the
  // schema is missing and `if_exists`. Throws 3F000 (missing) and 2BP01 (not empty, no cascade).
  std::optional<DroppedSchema> DropSchema(const std::string& name, bool if_exists, bool cascade);
  // Puts a dropped schema and its relations back (the undo of DropSchema).
  void RestoreSchema(const DroppedSchema& dropped);

  // Snapshots for pg_catalog views.
  std::vector<RelationPtr> AllRelations() const;
  std::vector<SchemaInfo> AllSchemas() const;

  // Coordinators and workers list the `tessera` schema (cluster functions and views) in pg_namespace;
  // the embedded default does not, as PostgreSQL has no such schema.
  void AddClusterSchema();
  bool has_cluster_schema() const { return cluster_schema_; }
  // Cluster metadata (coordinator): the workers, by id. AddWorker throws 42710 when host and port are
  // taken; RemoveWorker throws 42704 when none has them and 55000 while a table has partitions on it.
  // Both change version().
  std::vector<WorkerInfo> Workers() const;
  std::optional<WorkerInfo> FindWorker(uint32_t id) const;
  uint32_t next_worker_id() const;
  WorkerInfo AddWorker(const std::string& host, int32_t port);
  WorkerInfo RemoveWorker(const std::string& host, int32_t port);
  // Marks worker `id` draining or not; returns false when none has that id.
  bool SetWorkerDraining(uint32_t id, bool draining);
  // Recovery: the workers a checkpoint recorded.
  void RestoreWorkers(std::vector<WorkerInfo> workers, uint32_t next_worker_id);

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, SchemaInfo> schemas_;                        // GUARDED_BY(mutex_)
  std::map<std::pair<std::string, std::string>, RelationPtr> relations_;  // GUARDED_BY(mutex_)
  std::vector<WorkerInfo> workers_;                                  // GUARDED_BY(mutex_)
  uint32_t next_worker_id_ = 1;                                      // GUARDED_BY(mutex_)
  bool cluster_schema_ = false;
  std::atomic<uint64_t> version_{1};
  std::atomic<uint32_t> next_oid_{kFirstUserOid};
  int default_partitions_;
};

}  // namespace tessera::engine
