// SPDX-License-Identifier: Apache-2.0
// Database: one per process. Owns the catalog, the tables' storage, the transaction manager, the
// durability layer (WAL, checkpoints, recovery) and the executor's worker pool.
// Thread safety: all public methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/error.h"

namespace tessera::storage {
class TransactionManager;
}
namespace tessera::remote {
class ConnectionPool;
}
namespace tessera::engine {
class DistributedCommits;
}

namespace tessera::engine {

class Catalog;
class Durability;
class PartitionMoves;
class TableWriteLocks;
class PreparedTransactions;
class TaskPool;
class StatisticsStore;

// What this process is in a cluster (docs/CLUSTER.md).
enum class Role {
  kEmbedded,     // coordinator and worker in one process (the default)
  kCoordinator,  // holds the cluster metadata; tables live on the workers
  kWorker,       // holds shard tables for a coordinator
};
const char* RoleName(Role role);

struct DatabaseOptions {
  std::string data_dir = "tessera-data";
  // Partitions per table on this node; 0 = two per core.
  int partitions_per_table = 0;
  // Executor worker threads; 0 = one per core.
  int worker_threads = 0;
  std::string database_name = "tessera";
  // Rows of settled row groups per partition that the flusher freezes into a segment file at once
  // (Durability::kDefaultFlushRows); below one row group (2048) every commit freezes what it can.
  uint64_t flush_rows = 256 * 1024;
  Role role = Role::kEmbedded;
  // The password of the user "tessera_cluster" that coordinator and workers log in to each other with
  // (--cluster-secret-file); empty when the node has none.
  std::string cluster_secret;
  // How long the coordinator waits for a worker to connect or answer before giving up with 08006.
  int worker_timeout_ms = 10000;
};

class Database {
 public:
  explicit Database(DatabaseOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const DatabaseOptions& options() const { return options_; }
  Catalog& catalog() { return *catalog_; }
  TaskPool& pool() { return *pool_; }
  storage::TransactionManager& transactions() { return *transactions_; }
  // Keeps the database in options().data_dir: recovers what is there and logs commits from now on.
  // Without it (unit tests) the database lives in memory only.
  Status OpenStorage();
  // nullptr until OpenStorage succeeded.
  Durability* durability() { return durability_.get(); }
  // The transactions prepared for two-phase commit (PREPARE TRANSACTION).
  PreparedTransactions& prepared() { return *prepared_; }
  // Idle connections to the workers (a coordinator's statements reuse them; engine/remote/).
  remote::ConnectionPool& worker_connections() { return *worker_connections_; }
  // A coordinator's two-phase commits and their resolver (engine/distributed.h).
  DistributedCommits& distributed_commits() { return *distributed_commits_; }
  // A coordinator's distributed tables without a shard key: the position of the next `rows` rows in the
  // table's round-robin order (counted from 0 at start-up); DistributedWriter deals them out to the
  // partitions a row group at a time.
  uint64_t TakeRoundRobinRows(uint32_t table_oid, uint64_t rows);
  // Table statistics gathered by ANALYZE (engine/statistics.h).
  StatisticsStore& statistics() { return *statistics_; }
  // A coordinator's partition moves: their gates against writers and readers, and the rebalance's
  // progress (engine/partition_moves.h).
  PartitionMoves& partition_moves() { return *partition_moves_; }
  // A coordinator's write locks of tables with global unique indexes (engine/global_unique.h).
  TableWriteLocks& table_write_locks() { return *table_write_locks_; }
  // Called after each commit (see Durability::AfterCommit); throws when DDL could not be made durable.
  void AfterCommit();

 private:
  DatabaseOptions options_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<TaskPool> pool_;
  std::unique_ptr<storage::TransactionManager> transactions_;
  std::unique_ptr<Durability> durability_;
  std::unique_ptr<PreparedTransactions> prepared_;  // destroyed before durability_, which it logs through
  std::unique_ptr<remote::ConnectionPool> worker_connections_;
  std::unique_ptr<StatisticsStore> statistics_;
  std::mutex round_robin_mutex_;
  std::map<uint32_t, uint64_t> round_robin_;  // GUARDED_BY(round_robin_mutex_)
  std::unique_ptr<PartitionMoves> partition_moves_;
  std::unique_ptr<TableWriteLocks> table_write_locks_;
  std::unique_ptr<DistributedCommits> distributed_commits_;  // declared last: its resolver uses the rest
};

}  // namespace tessera::engine
