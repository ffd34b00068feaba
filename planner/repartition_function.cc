// SPDX-License-Identifier: Apache-2.0
// tessera.repartition, the worker side of a repartition join (planner/repartition_function.h).
#include "planner/repartition_function.h"

#include <map>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/expression.h"
#include "engine/plan.h"
#include "planner/worker_copy.h"
#include "storage/hash.h"

namespace tessera::planner {

namespace {

// Reads the columns of `shard` and sends each row to its target; returns the rows sent. Holds the
// shard's rows in memory while sending.
int64_t Repartition(engine::ExecContext& context, const std::string& shard, const std::string& columns, int32_t key,
                    const std::string& targets_text, const std::string& destination) {
  engine::PlanNode scan(engine::PlanKind::kScan);
  scan.relation = FindLocalShard(context, shard);
  for (const std::string& column : SplitList(columns, ',')) {
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
  const std::vector<engine::WorkerInfo> targets = ParseWorkerTargets(targets_text);
  CheckTableName(destination);
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
  for (const auto& [target, batches] : outgoing) {
    OtherWorker(*context.database, targets[target]).CopyIn("COPY " + destination + " FROM STDIN (FORMAT binary)", batches);
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
    RequireClusterCaller(context, "tessera.repartition");
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
