// SPDX-License-Identifier: Apache-2.0
// Worker to worker binary COPY: what the worker functions that send rows of a local shard table straight
// to other workers share (tessera.repartition, planner/repartition_function.h; tessera.copy_partition,
// planner/partition_copy_function.h). Their arguments name local shard tables, workers as
// "host:port,host:port" and destination tables, and only the cluster's user may call them on a worker:
// they log in to the other workers with the cluster secret.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/vector.h"
#include "engine/catalog.h"
#include "engine/exec_context.h"
#include "engine/remote/remote_connection.h"

namespace tessera::planner {

// Throws 42501 unless the statement runs on a worker as user tessera_cluster (a coordinator's call).
void RequireClusterCaller(const engine::ExecContext& context, const char* function);

// The parts of `text` between `separator`s ("" gives one empty part).
std::vector<std::string> SplitList(std::string_view text, char separator);

// `text` as a whole int64; 22023 naming `what` otherwise.
int64_t ParseInteger(const std::string& text, const char* what);

// The local table named "schema.table" that holds rows (a shard table); 42P01 otherwise.
engine::RelationPtr FindLocalShard(const engine::ExecContext& context, const std::string& shard);

// The worker endpoints of "host:port,host:port" (ids 0); 22023 when one is malformed.
std::vector<engine::WorkerInfo> ParseWorkerTargets(const std::string& text);

// Throws 22023 unless `table` is a plain, possibly schema-qualified name (letters, digits, '_', '.'),
// safe to put into SQL sent to another worker as is.
void CheckTableName(const std::string& table);

// A connection from this worker to another, taken from the database's pool and given back when it goes
// (dropped instead when a call failed); every call is bounded by --worker-timeout.
class OtherWorker {
 public:
  OtherWorker(engine::Database& database, const engine::WorkerInfo& target);
  OtherWorker(const OtherWorker&) = delete;
  OtherWorker& operator=(const OtherWorker&) = delete;
  ~OtherWorker();

  void Execute(const std::string& sql);
  // Appends `batches` with `copy_sql` ("COPY ... FROM STDIN (FORMAT binary)"); returns the rows the target
  // took. The batches' column types must be the target columns' (binary COPY carries no types).
  uint64_t CopyIn(const std::string& copy_sql, std::span<const Batch> batches);

 private:
  engine::Database& database_;
  std::chrono::milliseconds timeout_;
  remote::RemoteConnection connection_;
};

}  // namespace tessera::planner
