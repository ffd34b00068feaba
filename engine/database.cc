// SPDX-License-Identifier: Apache-2.0
// Database: wires the catalog, the worker pool and the transaction manager together.
#include "engine/database.h"

#include <thread>

#include "engine/catalog.h"
#include "engine/durability.h"
#include "engine/global_unique.h"
#include "engine/partition_moves.h"
#include "engine/prepared_transactions.h"
#include "engine/distributed.h"
#include "engine/remote/connection_pool.h"
#include "engine/statistics.h"
#include "engine/task_pool.h"
#include "storage/transaction.h"

namespace tessera::engine {

Database::Database(DatabaseOptions options) : options_(std::move(options)) {
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  if (options_.partitions_per_table <= 0) options_.partitions_per_table = 2 * cores;
  if (options_.worker_threads <= 0) options_.worker_threads = cores;
  catalog_ = std::make_unique<Catalog>(options_.partitions_per_table);
  if (options_.role != Role::kEmbedded) catalog_->AddClusterSchema();
  pool_ = std::make_unique<TaskPool>(options_.worker_threads);
  transactions_ = std::make_unique<storage::TransactionManager>();
  prepared_ = std::make_unique<PreparedTransactions>(*transactions_);
  worker_connections_ = std::make_unique<remote::ConnectionPool>();
  statistics_ = std::make_unique<StatisticsStore>();
  partition_moves_ = std::make_unique<PartitionMoves>();
  table_write_locks_ = std::make_unique<TableWriteLocks>();
  distributed_commits_ = std::make_unique<DistributedCommits>(*this);
}

Database::~Database() = default;

const char* RoleName(Role role) {
  switch (role) {
    case Role::kEmbedded:
      return "embedded";
    case Role::kCoordinator:
      return "coordinator";
    case Role::kWorker:
      return "worker";
  }
  return "embedded";
}

Status Database::OpenStorage() {
  auto durability = std::make_unique<Durability>(options_.data_dir, *catalog_, *transactions_, options_.flush_rows);
  Status status = durability->Open();
  if (!status.ok()) return status;
  durability_ = std::move(durability);
  prepared_->set_durability(durability_.get());
  for (RecoveredPrepared& transaction : durability_->TakeRecoveredPrepared()) {
    std::function<void()> undo_catalog;
    if (!transaction.images.empty()) {
      undo_catalog = [catalog = catalog_.get(), images = std::move(transaction.images)] {
        RestoreImages(*catalog, images, true);
      };
    }
    prepared_->Restore(transaction.txn_id, std::move(transaction.info), std::move(transaction.writes),
                       std::move(undo_catalog));
  }
  // What a crash left in doubt on the workers is resolved from the decisions recovered here.
  if (options_.role == Role::kCoordinator) distributed_commits_->Start();
  return status;
}

uint64_t Database::TakeRoundRobinRows(uint32_t table_oid, uint64_t rows) {
  std::lock_guard lock(round_robin_mutex_);
  uint64_t& next = round_robin_[table_oid];
  const uint64_t first = next;
  next += rows;
  return first;
}

void Database::AfterCommit() {
  if (durability_) durability_->AfterCommit();
}

}  // namespace tessera::engine
