// SPDX-License-Identifier: Apache-2.0
// Database: one per process. Owns the catalog, the tables' storage, the transaction manager and the
// executor's worker pool.
// Thread safety: all public methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace tessera::storage {
class TransactionManager;
}

namespace tessera::engine {

class Catalog;
class TaskPool;

struct DatabaseOptions {
  std::string data_dir = "tessera-data";
  // Partitions per table on this node; 0 = two per core.
  int partitions_per_table = 0;
  // Executor worker threads; 0 = one per core.
  int worker_threads = 0;
  std::string database_name = "tessera";
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

 private:
  DatabaseOptions options_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<TaskPool> pool_;
  std::unique_ptr<storage::TransactionManager> transactions_;
};

}  // namespace tessera::engine
