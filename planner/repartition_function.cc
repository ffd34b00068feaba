// SPDX-License-Identifier: Apache-2.0
// tessera.repartition, the worker side of a repartition join (planner/repartition_function.h).
#include "planner/repartition_function.h"

#include <cctype>
#include <charconv>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/expression.h"
#include "engine/plan.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "storage/hash.h"

namespace tessera::planner {

namespace {

std::vector<std::string> Split(std::string_view text, char separator) {
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

// The local shard table named "schema.table".
engine::RelationPtr FindShard(const engine::ExecContext& context, const std::string& shard) {
  const std::vector<std::string> parts = Split(shard, '.');
  engine::RelationPtr relation;
  if (parts.size() == 2) relation = context.database->catalog().FindRelation(parts[0], parts[1], context.search_path);
  if (!relation || !relation->data) throw SqlError(SqlState::kUndefinedTable, "relation \"" + shard + "\" does not exist");
  return relation;
}

// The worker endpoints of "host:port,host:port".
std::vector<engine::WorkerInfo> ParseTargets(const std::string& text) {
  std::vector<engine::WorkerInfo> targets;
  for (const std::string& target : Split(text, ',')) {
    const size_t colon = target.rfind(':');
    if (colon == std::string::npos) throw SqlError(SqlState::kInvalidParameterValue, "invalid target \"" + target + "\"");
    targets.push_back(engine::WorkerInfo{0, target.substr(0, colon),
                                         static_cast<int32_t>(ParseInteger(target.substr(colon + 1), "port"))});
  }
  return targets;
}

// Reads the columns of `shard` and sends each row to its target; returns the rows sent. Holds the
// shard's rows in memory while sending.
int64_t Repartition(engine::ExecContext& context, const std::string& shard, const std::string& columns, int32_t key,
                    const std::string& targets_text, const std::string& destination) {
  engine::PlanNode scan(engine::PlanKind::kScan);
  scan.relation = FindShard(context, shard);
  for (const std::string& column : Split(columns, ',')) {
    const int64_t number = ParseInteger(column, "column number");
    if (number < 0 || static_cast<size_t>(number) >= scan.relation->columns.size()) {
      throw SqlError(SqlState::kInvalidParameterValue, "column number " + column + " is out of range");
    }
    scan.column_ids.push_back(static_cast<int>(number));
    scan.output_types.push_back(scan.relation->columns[number].type);
  }
  if (key < 0 || static_cast<size_t>(key) >= scan.column_ids.size()) {
    throw SqlError(SqlState::kInvalidParameterValue, "key " + std::to_string(key) + " is out of range");
  }
  const std::vector<engine::WorkerInfo> targets = ParseTargets(targets_text);
  for (char letter : destination) {
    if (!std::isalnum(static_cast<unsigned char>(letter)) && letter != '_' && letter != '.') {
      throw SqlError(SqlState::kInvalidParameterValue, "invalid destination table \"" + destination + "\"");
    }
  }
  std::map<size_t, std::vector<Batch>> outgoing;  // target -> rows
  int64_t rows = 0;
  for (const Batch& batch : engine::RunPlan(scan, context)) {
    std::map<size_t, std::vector<sel_t>> selection;
    for (idx_t row = 0; row < batch.num_rows; ++row) {
      selection[storage::HashCell(batch.columns[key], row) % targets.size()].push_back(static_cast<sel_t>(row));
    }
    for (const auto& [target, selected] : selection) {
      Batch part;
      for (const Vector& column : batch.columns) part.columns.push_back(column.Gather(selected.data(), selected.size()));
      part.num_rows = selected.size();
      outgoing[target].push_back(std::move(part));
    }
    rows += static_cast<int64_t>(batch.num_rows);
  }
  engine::Database& database = *context.database;
  const auto timeout = engine::WorkerTimeout(database.options());
  for (const auto& [target, batches] : outgoing) {
    remote::RemoteConnection connection =
        database.worker_connections().Acquire(engine::WorkerEndpoint(targets[target], database.options()), timeout);
    connection.CopyIn("COPY " + destination + " FROM STDIN (FORMAT binary)", std::span(batches), timeout);
    database.worker_connections().Release(std::move(connection));
  }
  return rows;
}

}  // namespace

void RegisterRepartitionFunction(engine::FunctionRegistry& registry) {
  engine::ScalarFunction function;
  function.name = "tessera.repartition";
  const LogicalType text(TypeId::kText);
  function.arg_types = {text, text, LogicalType(TypeId::kInt32), text, text};
  function.return_type = LogicalType(TypeId::kInt64);
  function.is_volatile = true;
  function.kernel = [](const std::vector<Vector>& args, idx_t count, Vector& result, engine::ExecContext& context) {
    if (context.database->options().role != engine::Role::kWorker || context.user != "tessera_cluster") {
      throw SqlError(SqlState::kInsufficientPrivilege, "tessera.repartition can only be called by a coordinator on a worker");
    }
    for (idx_t row = 0; row < count; ++row) {
      bool has_null = false;
      for (const Vector& arg : args) has_null = has_null || arg.IsNull(row);
      if (has_null) {
        result.SetNull(row, true);
        continue;
      }
      result.Data<int64_t>()[row] =
          Repartition(context, std::string(args[0].GetString(row)), std::string(args[1].GetString(row)),
                      args[2].Data<int32_t>()[row], std::string(args[3].GetString(row)), std::string(args[4].GetString(row)));
    }
  };
  registry.Register(function);
}

}  // namespace tessera::planner
