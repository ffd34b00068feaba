// SPDX-License-Identifier: Apache-2.0
// Parallel selection for SELECT plans.
//
// A parallel section is a chain of filters and projections over one sequential table scan, optionally
// topped by a hash aggregate, whose chain may also be a UNION ALL of such chains (as a worker's partial
// aggregate over its shard tables, engine/distributed_query.h). The executor runs it as tasks over the
// partitions (engine/parallel.h) and either merges the tasks' partial aggregate states or gathers their
// rows in partition order, so results equal the serial plan's, row order included. A section qualifies
// when
//   - its tables hold at least kMinParallelRows live rows at planning time (small tables stay serial:
//     starting tasks costs more than it saves);
//   - its expressions hold no subquery and no volatile function (tasks share no mutable state: each has
//     its own copy of the statement's context, and random() would not repeat the serial sequence);
//   - an aggregate's calls all combine: count, min, max, bool_and/bool_or/every, and sum/avg of integers,
//     numeric, intervals and floats. Float sums are not associative: merged in partition order, a parallel
//     sum is the same on every run over the same rows but may differ from the serial plan's in the last
//     digits, as PostgreSQL's parallel aggregates do; variances of floats stay serial (their partial
//     states lose more). DISTINCT and ORDER BY inside calls need all rows in one place, and string_agg
//     cannot join partial strings;
//   - a chain without aggregate is not read by LIMIT (the serial scan stops early, the gather would read
//     every partition first), except through a Sort: LIMIT over ORDER BY over a chain is a section whose
//     tasks each keep their partition's top-N, merged by one more top-N (engine/top_n.cc).
#include "planner/parallel_selection.h"

#include <algorithm>

#include "planner/binder.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

namespace {

constexpr int64_t kMinParallelRows = 100000;

bool IsParallelSafe(const BoundExpr& expr) { return ComputedFromRow(expr, true); }

bool IsParallelSafe(const engine::BoundExprPtr& expr) { return !expr || IsParallelSafe(*expr); }

// Adds the scans at the bottom of a chain of filters and projections starting at `node` to `scans`, and
// with `through_union` of UNION ALLs of such chains (each scan once: a task names its scan); false when
// `node` is not such a chain or one of its expressions is not parallel safe.
bool CollectChainScans(PlanNode& node, bool through_union, std::vector<PlanNode*>& scans) {
  switch (node.kind) {
    case PlanKind::kScan:
      // A distributed table's partitions are read from the workers (engine/distributed.cc), not by tasks.
      if (node.emit_row_ids || !node.relation->data || !node.relation->placement.empty() ||
          !IsParallelSafe(node.predicate) || std::find(scans.begin(), scans.end(), &node) != scans.end()) {
        return false;
      }
      scans.push_back(&node);
      return true;
    case PlanKind::kFilter:
      if (!IsParallelSafe(node.predicate)) return false;
      return CollectChainScans(*node.children[0], through_union, scans);
    case PlanKind::kProject:
      for (const auto& expr : node.expressions) {
        if (!IsParallelSafe(expr)) return false;
      }
      return CollectChainScans(*node.children[0], through_union, scans);
    case PlanKind::kSetOperation:
      if (!through_union || node.set_operation != engine::SetOperationKind::kUnion || !node.set_all) return false;
      for (const auto& child : node.children) {
        if (!CollectChainScans(*child, through_union, scans)) return false;
      }
      return true;
    default:
      return false;
  }
}

// The scan at the bottom of a chain of filters and projections starting at `node`, or nullptr.
PlanNode* ChainScan(PlanNode& node) {
  std::vector<PlanNode*> scans;
  return CollectChainScans(node, false, scans) ? scans[0] : nullptr;
}

bool Combines(const engine::AggregateCall& call) {
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
  return name == "sum" || name == "avg";
}

// More than one partition in all, holding kMinParallelRows rows.
bool LargeEnough(const std::vector<PlanNode*>& scans) {
  int64_t partitions = 0;
  int64_t rows = 0;
  for (const PlanNode* scan : scans) {
    partitions += scan->relation->data->num_partitions();
    rows += scan->relation->data->CountLiveRows();
  }
  return partitions > 1 && rows >= kMinParallelRows;
}

// Marks `node`'s section when it qualifies, else looks for sections among its children.
void Visit(PlanNode& node, PlanKind parent, int workers) {
  if (node.kind == PlanKind::kSort && parent == PlanKind::kLimit) {
    PlanNode* scan = ChainScan(*node.children[0]);
    bool safe = scan != nullptr;
    for (const auto& key : node.sort_keys) safe = safe && IsParallelSafe(key.expr);
    if (safe && LargeEnough({scan})) {
      node.parallel_workers = workers;
      scan->parallel_workers = workers;
      return;
    }
  }
  if (node.kind == PlanKind::kAggregate) {
    std::vector<PlanNode*> scans;
    bool exact = CollectChainScans(*node.children[0], true, scans);
    for (const auto& key : node.group_keys) exact = exact && IsParallelSafe(key);
    for (const auto& call : node.aggregates) exact = exact && Combines(call);
    if (exact && LargeEnough(scans)) {
      node.parallel_workers = workers;
      for (PlanNode* scan : scans) scan->parallel_workers = workers;
      return;
    }
  } else if (PlanNode* scan = ChainScan(node)) {
    // Under LIMIT the whole chain stays serial, its lower links included.
    if (parent != PlanKind::kLimit && LargeEnough({scan})) {
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
