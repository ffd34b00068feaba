// SPDX-License-Identifier: Apache-2.0
// Grouping: the Aggregate node, GROUPING SETS / ROLLUP / CUBE as one aggregation per set, and GROUPING().
#include <algorithm>
#include <map>
#include <utility>

#include "planner/binder.h"

namespace tessera::planner {

using engine::AggregateCall;
using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

namespace {

// The marker's column number: no real input column has it, so it matches only itself.
constexpr int kGroupingSetColumn = -2;

AggregateCall CopyAggregate(const AggregateCall& call) {
  AggregateCall copy;
  copy.function = call.function;
  for (const auto& arg : call.args) copy.args.push_back(arg->Copy());
  copy.distinct = call.distinct;
  if (call.filter) copy.filter = call.filter->Copy();
  for (const auto& key : call.order_by) copy.order_by.push_back(key.Copy());
  copy.type = call.type;
  return copy;
}

bool SameOrder(const std::vector<engine::SortKey>& left, const std::vector<engine::SortKey>& right) {
  if (left.size() != right.size()) return false;
  for (size_t key = 0; key < left.size(); ++key) {
    if (left[key].descending != right[key].descending || left[key].nulls_first != right[key].nulls_first ||
        !left[key].expr->Equals(*right[key].expr)) {
      return false;
    }
  }
  return true;
}

// The rows of one grouping set as [keys..., set number, aggregates...].
PlanPtr GroupingSetBranch(const PlanPtr& input, const std::vector<BoundExprPtr>& keys, const std::vector<int>& set,
                          int set_number, const std::vector<AggregateCall>& aggregates) {
  std::vector<BoundExprPtr> set_keys;
  for (int key : set) set_keys.push_back(keys[key]->Copy());
  PlanPtr aggregate = MakeAggregatePlan(input, set_keys, aggregates);
  std::vector<BoundExprPtr> outputs;
  for (size_t key = 0; key < keys.size(); ++key) {
    auto found = std::find(set.begin(), set.end(), static_cast<int>(key));
    if (found == set.end()) {
      outputs.push_back(engine::MakeConstant(Value::Null(keys[key]->type)));
    } else {
      outputs.push_back(engine::MakeColumn(static_cast<int>(found - set.begin()), keys[key]->type));
    }
  }
  outputs.push_back(engine::MakeConstant(Value::Int32(set_number)));
  for (size_t call = 0; call < aggregates.size(); ++call) {
    outputs.push_back(engine::MakeColumn(static_cast<int>(set.size() + call), aggregates[call].type));
  }
  return MakeProject(aggregate, std::move(outputs));
}

// Whether an aggregate of `aggregates` without group keys needs only the number of rows of its input:
// every call is a plain count(*).
bool CountsRowsOnly(const std::vector<BoundExprPtr>& keys, const std::vector<AggregateCall>& aggregates) {
  if (!keys.empty() || aggregates.empty()) return false;
  for (const auto& call : aggregates) {
    if (!call.args.empty() || call.distinct || call.filter || !call.order_by.empty()) return false;
  }
  return true;
}

// Returns a scan of the same rows as the local table scan `input` that reads no column, when the scan
// has no WHERE or storage applies all of it (an exact scan filter); otherwise `input`. Storage then
// decodes nothing for count(*).
PlanPtr WithoutColumns(PlanPtr input) {
  if (input->kind != PlanKind::kScan || input->emit_row_ids || !input->relation->placement.empty() ||
      !input->relation->data) {
    return input;
  }
  const storage::ScanFilter& filter = input->scan_filter;
  if (input->predicate &&
      !(filter.exact && storage::FilterApplies(filter, input->relation->data->column_types()))) {
    return input;
  }
  auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
  scan->relation = input->relation;
  scan->scan_filter = filter;
  return scan;
}

}  // namespace

BoundExprPtr MakeGroupingSetMarker() {
  return engine::MakeColumn(kGroupingSetColumn, LogicalType(TypeId::kInt32), "grouping set");
}

PlanPtr MakeAggregatePlan(PlanPtr input, const std::vector<BoundExprPtr>& keys,
                          const std::vector<AggregateCall>& aggregates) {
  auto aggregate = std::make_shared<PlanNode>(PlanKind::kAggregate);
  // Aggregates with ORDER BY read their input sorted, so all of them must want the same order.
  const AggregateCall* ordered = nullptr;
  for (const auto& call : aggregates) {
    if (call.order_by.empty()) continue;
    if (ordered != nullptr && !SameOrder(ordered->order_by, call.order_by)) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     "aggregates with different ORDER BY in one query level are not supported yet");
    }
    ordered = &call;
  }
  for (const auto& call : aggregates) {
    if (call.order_by.empty()) continue;
    auto sort = std::make_shared<PlanNode>(PlanKind::kSort);
    sort->output_types = input->output_types;
    sort->output_names = input->output_names;
    for (const auto& key : call.order_by) sort->sort_keys.push_back(key.Copy());
    sort->children.push_back(std::move(input));
    input = sort;
    break;
  }
  if (CountsRowsOnly(keys, aggregates)) input = WithoutColumns(std::move(input));
  aggregate->children.push_back(std::move(input));
  for (const auto& key : keys) {
    aggregate->output_types.push_back(key->type);
    aggregate->group_keys.push_back(key->Copy());
  }
  for (const auto& call : aggregates) {
    aggregate->output_types.push_back(call.type);
    aggregate->aggregates.push_back(CopyAggregate(call));
  }
  aggregate->output_names.resize(aggregate->output_types.size());
  return aggregate;
}

PlanPtr MakeGroupingSetsPlan(PlanPtr input, const std::vector<BoundExprPtr>& keys,
                             const std::vector<std::vector<int>>& sets, const std::vector<AggregateCall>& aggregates) {
  if (sets.size() > 1) {
    // Every set reads the same rows: compute them once (volatile expressions included).
    auto materialize = std::make_shared<PlanNode>(PlanKind::kMaterialize);
    materialize->output_types = input->output_types;
    materialize->output_names = input->output_names;
    materialize->children.push_back(std::move(input));
    input = materialize;
  }
  PlanPtr plan;
  for (size_t set = 0; set < sets.size(); ++set) {
    PlanPtr branch = GroupingSetBranch(input, keys, sets[set], static_cast<int>(set), aggregates);
    if (!plan) {
      plan = branch;
      continue;
    }
    auto node = std::make_shared<PlanNode>(PlanKind::kSetOperation);
    node->set_operation = engine::SetOperationKind::kUnion;
    node->set_all = true;
    node->output_types = branch->output_types;
    node->output_names.resize(node->output_types.size());
    node->children = {plan, branch};
    plan = node;
  }
  return plan;
}

BoundExprPtr Binder::BindGrouping(const ast::Expr& expr, Scope& scope) {
  const std::string misplaced = "arguments to GROUPING must be grouping expressions of the associated query level";
  if (scope.grouped == nullptr || scope.group_keys == nullptr) {
    for (const Scope* outer = scope.outer; outer != nullptr; outer = outer->outer) {
      if (outer->group_keys == nullptr) continue;
      throw SqlError(SqlState::kFeatureNotSupported, "GROUPING of an outer query level is not supported yet")
          .WithPosition(expr.location + 1);
    }
    throw SqlError(SqlState::kGroupingError, misplaced).WithPosition(expr.location + 1);
  }
  if (expr.args.size() > 31) {
    // PostgreSQL answers 54023 (too_many_arguments), which base/sql_state.def does not list yet.
    throw SqlError(SqlState::kProgramLimitExceeded, "GROUPING must have fewer than 32 arguments")
        .WithPosition(expr.location + 1);
  }
  const std::vector<BoundExprPtr>& keys = *scope.group_keys;
  const std::vector<std::vector<int>>& sets = *scope.grouping_sets;
  const size_t num_keys = sets.empty() ? keys.size() : keys.size() - 1;
  // Arguments are matched against the group keys as written, before grouping.
  std::vector<int> arg_keys;
  {
    ScopedAssign ungrouped(scope.grouped, nullptr);
    for (const auto& arg : expr.args) {
      BoundExprPtr bound = BindExpr(*arg, scope);
      size_t key = 0;
      while (key < num_keys && !keys[key]->Equals(*bound)) ++key;
      if (key == num_keys) throw SqlError(SqlState::kGroupingError, misplaced).WithPosition(arg->location + 1);
      arg_keys.push_back(static_cast<int>(key));
    }
  }
  const LogicalType int4(TypeId::kInt32);
  if (sets.empty()) return engine::MakeConstant(Value::Int32(0));
  // CASE set number WHEN s THEN <bits of the arguments set s leaves out> ... ELSE 0 END.
  auto result = std::make_unique<BoundExpr>(BoundExprKind::kCase, int4);
  for (size_t set = 0; set < sets.size(); ++set) {
    int32_t bits = 0;
    for (int key : arg_keys) {
      const bool absent = std::find(sets[set].begin(), sets[set].end(), key) == sets[set].end();
      bits = (bits << 1) | (absent ? 1 : 0);
    }
    if (bits == 0) continue;
    std::vector<BoundExprPtr> operands;
    operands.push_back(keys.back()->Copy());
    operands.push_back(engine::MakeConstant(Value::Int32(static_cast<int32_t>(set))));
    result->children.push_back(BindOperator("=", std::move(operands), expr.location));
    result->children.push_back(engine::MakeConstant(Value::Int32(bits)));
  }
  if (result->children.empty()) return engine::MakeConstant(Value::Int32(0));
  result->children.push_back(engine::MakeConstant(Value::Int32(0)));
  result->has_else = true;
  result->name = "grouping";
  return result;
}

}  // namespace tessera::planner
