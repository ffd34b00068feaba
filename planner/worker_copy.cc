// SPDX-License-Identifier: Apache-2.0
// Worker to worker binary COPY (planner/worker_copy.h).
#include "planner/worker_copy.h"

#include <cctype>
#include <charconv>
#include <utility>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/remote/connection_pool.h"

namespace tessera::planner {

void RequireClusterCaller(const engine::ExecContext& context, const char* function) {
  if (context.database->options().role != engine::Role::kWorker || context.user != "tessera_cluster") {
    throw SqlError(SqlState::kInsufficientPrivilege,
                   std::string(function) + " can only be called by a coordinator on a worker");
  }
}

std::vector<std::string> SplitList(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

int64_t ParseInteger(const std::string& text, const char* what) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw SqlError(SqlState::kInvalidParameterValue, std::string("invalid ") + what + " \"" + text + "\"");
  }
  return value;
}

engine::RelationPtr FindLocalShard(const engine::ExecContext& context, const std::string& shard) {
  const std::vector<std::string> parts = SplitList(shard, '.');
  engine::RelationPtr relation;
  if (parts.size() == 2) relation = context.database->catalog().FindRelation(parts[0], parts[1], context.search_path);
  if (!relation || !relation->data) throw SqlError(SqlState::kUndefinedTable, "relation \"" + shard + "\" does not exist");
  return relation;
}

std::vector<engine::WorkerInfo> ParseWorkerTargets(const std::string& text) {
  std::vector<engine::WorkerInfo> targets;
  for (const std::string& target : SplitList(text, ',')) {
    const size_t colon = target.rfind(':');
    if (colon == std::string::npos) throw SqlError(SqlState::kInvalidParameterValue, "invalid target \"" + target + "\"");
    targets.push_back(engine::WorkerInfo{0, target.substr(0, colon),
                                         static_cast<int32_t>(ParseInteger(target.substr(colon + 1), "port"))});
  }
  return targets;
}

void CheckTableName(const std::string& table) {
  for (char letter : table) {
    if (!std::isalnum(static_cast<unsigned char>(letter)) && letter != '_' && letter != '.') {
      throw SqlError(SqlState::kInvalidParameterValue, "invalid destination table \"" + table + "\"");
    }
  }
}

OtherWorker::OtherWorker(engine::Database& database, const engine::WorkerInfo& target)
    : database_(database),
      timeout_(engine::WorkerTimeout(database.options())),
      connection_(database.worker_connections().Acquire(engine::WorkerEndpoint(target, database.options()), timeout_)) {}

OtherWorker::~OtherWorker() { database_.worker_connections().Release(std::move(connection_)); }

void OtherWorker::Execute(const std::string& sql) { connection_.Execute(sql, timeout_); }

uint64_t OtherWorker::CopyIn(const std::string& copy_sql, std::span<const Batch> batches) {
  return connection_.CopyIn(copy_sql, batches, timeout_);
}

}  // namespace tessera::planner
