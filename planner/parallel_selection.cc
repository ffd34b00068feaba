// SPDX-License-Identifier: Apache-2.0
// Parallel selection for SELECT plans.
//
// A parallel section is a chain of filters and projections over one sequential table scan, optionally
// topped by a hash aggregate. The executor runs it as one task per partition (engine/parallel.h) and
// either merges the tasks' partial aggregate states or gathers their rows in partition order, so results
// equal the serial plan's, row order included. A section qualifies when
//   - the table holds at least kMinParallelRows live rows at planning time (small tables stay serial:
//     starting tasks costs more than it saves);
//   - its expressions hold no subquery and no volatile function (tasks share no mutable state: each has
//     its own copy of the statement's context, and random() would not repeat the serial sequence);
//   - an aggregate's calls all combine exactly: count, min, max, bool_and/bool_or/every, and sum/avg of
//     integers, numeric and intervals; sum/avg/variance of floats are not associative (the merged result
//     could differ in the last digits), DISTINCT and ORDER BY inside calls need all rows in one place, and
//     string_agg cannot join partial strings;
//   - a chain without aggregate is not read by LIMIT (the serial scan stops early, the gather would read
//     every partition first).
#include "planner/parallel_selection.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

namespace {

constexpr int64_t kMinParallelRows = 100000;

bool IsParallelSafe(const BoundExpr& expr) {
  switch (expr.kind) {
    case BoundExprKind::kSubquery:
    case BoundExprKind::kAggregateRef:
    case BoundExprKind::kWindowRef:
    case BoundExprKind::kSetFunctionRef:
      return false;
    case BoundExprKind::kFunction:
      if (expr.function->is_volatile) return false;
      break;
    default:
      break;
  }
  for (const auto& child : expr.children) {
    if (!IsParallelSafe(*child)) return false;
  }
  return true;
}

bool IsParallelSafe(const engine::BoundExprPtr& expr) { return !expr || IsParallelSafe(*expr); }

// The scan at the bottom of a chain of filters and projections starting at `node`, or nullptr when
// `node` is not such a chain or one of its expressions is not parallel safe.
PlanNode* ChainScan(PlanNode& node) {
  switch (node.kind) {
    case PlanKind::kScan:
      // A distributed table's partitions are read from the workers (engine/distributed.cc), not by tasks.
      if (node.emit_row_ids || !node.relation->data || !node.relation->placement.empty() ||
          !IsParallelSafe(node.predicate)) {
        return nullptr;
      }
      return &node;
    case PlanKind::kFilter:
      if (!IsParallelSafe(node.predicate)) return nullptr;
      return ChainScan(*node.children[0]);
    case PlanKind::kProject:
      for (const auto& expr : node.expressions) {
        if (!IsParallelSafe(expr)) return nullptr;
      }
      return ChainScan(*node.children[0]);
    default:
      return nullptr;
  }
}

bool IsFloat(TypeId id) { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }

bool CombinesExactly(const engine::AggregateCall& call) {
  if (call.distinct || !call.order_by.empty() || call.function->combine == nullptr) return false;
  if (!IsParallelSafe(call.filter)) return false;
  for (const auto& arg : call.args) {
    if (!IsParallelSafe(arg)) return false;
  }
  const std::string& name = call.function->name;
  if (name == "count" || name == "min" || name == "max" || name == "bool_and" || name == "bool_or" ||
      name == "every") {
    return true;
  }
  if (name == "sum" || name == "avg") return !IsFloat(call.function->arg_types[0].id);
  return false;
}

bool LargeEnough(const PlanNode& scan) {
  return scan.relation->data->num_partitions() > 1 && scan.relation->data->CountLiveRows() >= kMinParallelRows;
}

// Marks `node`'s section when it qualifies, else looks for sections among its children.
void Visit(PlanNode& node, PlanKind parent, int workers) {
  if (node.kind == PlanKind::kAggregate) {
    PlanNode* scan = ChainScan(*node.children[0]);
    bool exact = scan != nullptr;
    for (const auto& key : node.group_keys) exact = exact && IsParallelSafe(key);
    for (const auto& call : node.aggregates) exact = exact && CombinesExactly(call);
    if (exact && LargeEnough(*scan)) {
      node.parallel_workers = workers;
      scan->parallel_workers = workers;
      return;
    }
  } else if (PlanNode* scan = ChainScan(node)) {
    // Under LIMIT the whole chain stays serial, its lower links included.
    if (parent != PlanKind::kLimit && LargeEnough(*scan)) {
      node.parallel_workers = workers;
      scan->parallel_workers = workers;
    }
    return;
  }
  for (const auto& child : node.children) Visit(*child, node.kind, workers);
}

}  // namespace

void MarkParallelSections(const PlanPtr& plan, int workers) {
  if (workers < 2) return;
  Visit(*plan, PlanKind::kResult, workers);
}

}  // namespace tessera::planner
