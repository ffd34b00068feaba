// SPDX-License-Identifier: Apache-2.0
// Choosing how DISTINCT aggregates split over partitions (planner/distributed_distinct.h).
#include "planner/distributed_distinct.h"

#include <algorithm>

#include "engine/catalog.h"
#include "engine/deparse_expression.h"
#include "engine/function/kernel_builder.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;

namespace {

// Whether equal values of `type` always hash alike (storage/hash.cc), so that the shard key puts them
// in one partition: not intervals ('1 day' = '24 hours' hash by bytes), floats (NaN payloads) or vectors.
bool HashesByEquality(TypeId type) {
  return type != TypeId::kInterval && type != TypeId::kFloat32 && type != TypeId::kFloat64 && type != TypeId::kVector;
}

// Whether `expr` is the relation's shard key column itself, read through the scan chain's `columns`.
bool IsShardKey(const BoundExpr& expr, const engine::RelationInfo& relation, const std::vector<std::string>& columns) {
  if (relation.shard_column < 0 || relation.IsReferenceTable() || expr.kind != BoundExprKind::kColumn) return false;
  if (expr.column < 0 || static_cast<size_t>(expr.column) >= columns.size()) return false;
  const engine::ColumnInfo& key = relation.columns[relation.shard_column];
  if (!HashesByEquality(key.type.id)) return false;
  const std::string name = engine::builtin::QuoteIdentifier(key.name);
  return columns[expr.column] == name || columns[expr.column] == "(" + name + ")";
}

}  // namespace

bool DistinctSplits(const std::string& function_name) {
  return function_name == "count" || function_name == "sum" || function_name == "avg" || function_name == "min" ||
         function_name == "max";
}

DistinctPlan PlanDistinct(const engine::PlanNode& aggregate, const engine::RelationInfo& relation,
                          const std::vector<std::string>& columns) {
  DistinctPlan plan;
  bool all_shard_key = true;
  std::vector<const BoundExpr*> arguments;
  for (const engine::AggregateCall& call : aggregate.aggregates) {
    // min/max(DISTINCT x) equal min/max(x): they split as those do.
    if (!call.distinct || call.args.size() != 1 || call.function->name == "min" || call.function->name == "max") continue;
    arguments.push_back(call.args[0].get());
    all_shard_key = all_shard_key && IsShardKey(*call.args[0], relation, columns);
  }
  if (arguments.empty()) return plan;
  const bool grouped_by_shard_key = std::any_of(aggregate.group_keys.begin(), aggregate.group_keys.end(),
                                                [&](const auto& key) { return IsShardKey(*key, relation, columns); });
  if (grouped_by_shard_key || all_shard_key) {
    plan.strategy = DistinctStrategy::kPerPartition;
    plan.explain = grouped_by_shard_key ? "DISTINCT per partition (grouped by the shard key)"
                                        : "DISTINCT per partition (the shard key keeps its values apart)";
    return plan;
  }
  plan.strategy = DistinctStrategy::kMergedSets;
  for (const BoundExpr* argument : arguments) {
    const std::string sql = engine::DeparseExpression(*argument, columns).value_or("\x01");
    if (std::find(plan.arguments.begin(), plan.arguments.end(), sql) == plan.arguments.end()) plan.arguments.push_back(sql);
  }
  std::string listed;
  for (const std::string& sql : plan.arguments) listed += (listed.empty() ? "" : ", ") + sql;
  plan.explain = "DISTINCT on the coordinator over the union of each read's distinct " +
                 (plan.arguments.size() == 1 && aggregate.group_keys.empty() ? listed : "(" + std::string(aggregate.group_keys.empty() ? "" : "keys, ") + listed + ")");
  return plan;
}

}  // namespace tessera::planner
