// SPDX-License-Identifier: Apache-2.0
// Distributed pushdown: partial aggregation and top-N (planner/distributed_pushdown.h).
//
// Partial aggregation. For Aggregate(keys K, calls C) over Scan(distributed, filter F) (or over filters
// and projections over it, written into K, C and F) the plan becomes
//   Project(K, final(C))                  -- the original aggregate's layout
//     Aggregate(keys #1..#k, combine(C))  -- on the coordinator, over every partition's groups
//       Scan(distributed, pushed: SELECT K, partial(C) FROM shard WHERE F GROUP BY 1..k)
// with, per call (PostgreSQL's result types kept by the final step):
//   count(x)  partial count(x)               combine sum      (of bigints as bigint: engine::SumOfCounts)
//   sum(x)    partial sum(x)                 combine sum      final ::type of sum(x) (sum(int) is bigint)
//   min/max   partial min/max(x)             combine min/max  final as is (also bool_and, bool_or, every)
//   avg(x)    partial sum(x), count(x)       combine sum, sum final sum / count, in numeric for integers
//             and numeric (numeric_div, as PostgreSQL's avg), in double precision for floats
// Aggregates with DISTINCT split per partition or over merged sets of distinct values
// (planner/distributed_distinct.h). The filter, keys and arguments must deparse exactly
// (engine/deparse_expression.h); ORDER BY inside calls, FILTER on DISTINCT calls over merged sets and
// other aggregates keep the pull tier.
#include "planner/distributed_pushdown.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "base/error.h"
#include "engine/aggregate.h"
#include "engine/deparse_expression.h"
#include "engine/function/kernel_builder.h"
#include "planner/distributed_distinct.h"

namespace tessera::planner {

using engine::AggregateCall;
using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::DistributedQuery;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

namespace {

// Thrown inside a rewrite to abandon it: the reason the pull tier stays.
struct NotPushed {
  std::string reason;
};

bool IsDistributedScan(const PlanNode& node) {
  return node.kind == PlanKind::kScan && node.relation && !node.relation->placement.empty() && !node.emit_row_ids &&
         !node.distributed_query;
}

void KeepPull(PlanNode& scan, std::string reason) {
  auto query = std::make_shared<DistributedQuery>();
  query->pull_reason = std::move(reason);
  scan.distributed_query = std::move(query);
}

std::vector<std::string> ScanColumns(const PlanNode& scan) {
  std::vector<std::string> columns;
  for (int column : scan.column_ids) columns.push_back(engine::builtin::QuoteIdentifier(scan.relation->columns[column].name));
  return columns;
}

// Stands for an input column whose expression does not deparse, so that what uses it does not either.
const char kMissing[] = "\x01";

std::string Deparsed(const BoundExpr& expr, const std::vector<std::string>& columns, const std::string& what) {
  auto text = engine::DeparseExpression(expr, columns);
  if (!text || text->find(kMissing) != std::string::npos) throw NotPushed{what + " " + expr.ToString() + " does not deparse"};
  return *text;
}

// The scan's whole filter as SQL ("" without one).
std::string WholeFilter(const PlanNode& scan, const std::vector<std::string>& columns) {
  if (!scan.predicate) return "";
  const engine::DeparsedFilter filter = engine::DeparseConjuncts(*scan.predicate, columns);
  if (!filter.complete) throw NotPushed{"the filter " + scan.predicate->ToString() + " does not deparse"};
  return filter.sql;
}

// Filters and projections down to a distributed scan (a derived table, a filter the binder kept apart),
// written as SQL over the scan's columns.
struct ScanChain {
  PlanNode* scan = nullptr;         // null: not such a chain
  std::vector<std::string> output;  // the chain's output columns as SQL (kMissing: does not deparse)
  std::string where;                // every filter on the way, lowest first
  bool projected = false;           // a projection on the way (output is not just scan columns)
  std::string reason;               // why it cannot be pushed, if it cannot
};

ScanChain FollowChain(PlanNode& node) {
  ScanChain chain;
  if (IsDistributedScan(node)) {
    chain.scan = &node;
    chain.output = ScanColumns(node);
    try {
      chain.where = WholeFilter(node, chain.output);
    } catch (const NotPushed& not_pushed) {
      chain.reason = not_pushed.reason;
    }
    return chain;
  }
  if (node.kind != PlanKind::kFilter && node.kind != PlanKind::kProject) return chain;
  chain = FollowChain(*node.children[0]);
  if (chain.scan == nullptr || !chain.reason.empty()) return chain;
  if (node.kind == PlanKind::kFilter) {
    try {
      const std::string filter = Deparsed(*node.predicate, chain.output, "the filter");
      chain.where += (chain.where.empty() ? "" : " AND ") + filter;
    } catch (const NotPushed& not_pushed) {
      chain.reason = not_pushed.reason;
    }
    return chain;
  }
  std::vector<std::string> output;
  for (const auto& expr : node.expressions) {
    auto text = engine::DeparseExpression(*expr, chain.output);
    output.push_back(text && text->find(kMissing) == std::string::npos ? "(" + *text + ")" : kMissing);
  }
  chain.output = std::move(output);
  chain.projected = true;
  return chain;
}

const engine::AggregateFunction& Aggregate(const std::string& name, const LogicalType& type) {
  const engine::AggregateFunction* function = engine::FindAggregate(name, {type});
  if (function == nullptr) throw NotPushed{name + "(" + FormatType(type) + ") has no combining aggregate"};
  return *function;
}

const engine::ScalarFunction& Divide(TypeId type) {
  for (const engine::ScalarFunction& function : *engine::BuiltinFunctions().Lookup("/")) {
    if (function.arg_types.size() == 2 && function.arg_types[0].id == type && function.arg_types[1].id == type) return function;
  }
  throw NotPushed{"no division for avg"};
}

bool IsFloat(TypeId id) { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }

// Builds the three layers of a partial aggregation, one call at a time.
class AggregateSplit {
 public:
  AggregateSplit(const PlanNode& aggregate, const ScanChain& chain)
      : aggregate_(aggregate),
        scan_(*chain.scan),
        chain_(chain),
        columns_(chain.output),
        distinct_(PlanDistinct(aggregate, *chain.scan->relation, chain.output)) {}

  PlanPtr Build() {
    const size_t keys = aggregate_.group_keys.size();
    for (const auto& key : aggregate_.group_keys) {
      AddPartial(Deparsed(*key, columns_, "group key"), key->type);
      group_columns_.push_back(TableColumn(*key));
    }
    AddDistinctArguments();
    for (const AggregateCall& call : aggregate_.aggregates) finals_.push_back(Split(call));

    auto query = std::make_shared<DistributedQuery>();
    query->select_list = select_list_;
    query->where = chain_.where;
    const size_t worker_keys = keys + distinct_columns_.size();
    for (size_t key = 0; key < worker_keys; ++key) query->tail += (key == 0 ? " GROUP BY " : ", ") + std::to_string(key + 1);
    query->tier = "Distributed Partial Aggregate";
    query->coordinator_step = "final aggregation on the coordinator";
    if (!distinct_.explain.empty()) query->coordinator_step += "; " + distinct_.explain;
    query->merge_on_worker = true;
    query->branch_columns = UsedColumns();
    query->group_columns = group_columns_;

    auto scan = std::make_shared<PlanNode>(PlanKind::kScan);
    scan->relation = scan_.relation;
    scan->column_ids = scan_.column_ids;
    scan->scan_filter = scan_.scan_filter;  // the router case still pins one partition
    scan->output_types = partial_types_;
    scan->output_names = std::vector<std::string>(partial_types_.size());
    scan->distributed_query = std::move(query);

    auto combine = std::make_shared<PlanNode>(PlanKind::kAggregate);
    combine->children.push_back(scan);
    for (size_t key = 0; key < keys; ++key) {
      combine->group_keys.push_back(engine::MakeColumn(static_cast<int>(key), partial_types_[key]));
      combine->output_types.push_back(partial_types_[key]);
      combine->output_names.push_back(aggregate_.output_names.size() > key ? aggregate_.output_names[key] : "");
    }
    for (AggregateCall& call : combines_) {
      combine->output_types.push_back(call.type);
      combine->output_names.push_back(call.function->name);
      combine->aggregates.push_back(std::move(call));
    }

    auto project = std::make_shared<PlanNode>(PlanKind::kProject);
    project->children.push_back(combine);
    for (size_t key = 0; key < keys; ++key) {
      project->expressions.push_back(engine::MakeColumn(static_cast<int>(key), partial_types_[key]));
    }
    for (BoundExprPtr& final_value : finals_) project->expressions.push_back(std::move(final_value));
    project->output_types = aggregate_.output_types;
    project->output_names = aggregate_.output_names;
    return project;
  }

 private:
  // The scan columns the keys and calls use, as a select list (the filter applies inside each branch);
  // all of them when a projection lies between.
  std::string UsedColumns() const {
    if (chain_.projected) {
      std::string list;
      for (const std::string& column : ScanColumns(scan_)) list += (list.empty() ? "" : ", ") + column;
      return list;
    }
    std::set<int> used;
    for (const auto& key : aggregate_.group_keys) CollectColumns(*key, used);
    for (const AggregateCall& call : aggregate_.aggregates) {
      for (const auto& argument : call.args) CollectColumns(*argument, used);
      if (call.filter) CollectColumns(*call.filter, used);
    }
    std::string list;
    for (int column : used) list += (list.empty() ? "" : ", ") + columns_.at(column);
    return list;
  }

  static void CollectColumns(const BoundExpr& expr, std::set<int>& used) {
    if (expr.kind == BoundExprKind::kColumn) used.insert(expr.column);
    for (const auto& child : expr.children) CollectColumns(*child, used);
  }

  // kMergedSets: the DISTINCT arguments, after the keys, as the finer groups each partition returns.
  void AddDistinctArguments() {
    if (distinct_.strategy != DistinctStrategy::kMergedSets) return;
    for (const AggregateCall& call : aggregate_.aggregates) {
      if (!call.distinct || call.args.size() != 1) continue;
      const std::string sql = Deparsed(*call.args[0], columns_, "argument");
      // Not listed: min/max(DISTINCT), which split as min/max.
      const auto found = std::find(distinct_.arguments.begin(), distinct_.arguments.end(), sql);
      if (found == distinct_.arguments.end() || distinct_columns_.count(sql) > 0) continue;
      distinct_columns_[sql] = AddPartial(sql, call.args[0]->type);
      group_columns_.push_back(TableColumn(*call.args[0]));
    }
  }

  // The table column `expr` reads when it is one, else -1.
  int TableColumn(const BoundExpr& expr) const {
    if (chain_.projected || expr.kind != BoundExprKind::kColumn) return -1;
    return scan_.column_ids.at(expr.column);
  }

  // Adds a column to what each partition returns; its position in the scan's output.
  int AddPartial(const std::string& sql, const LogicalType& type) {
    select_list_ += (select_list_.empty() ? "" : ", ") + sql;
    partial_types_.push_back(type);
    return static_cast<int>(partial_types_.size() - 1);
  }

  // Adds a combining call over the partial column `partial`; the combined value's column in the
  // coordinator's aggregate.
  BoundExprPtr Combine(const std::string& name, int partial) {
    return Combine(Aggregate(name, partial_types_[partial]), partial);
  }

  BoundExprPtr Combine(const engine::AggregateFunction& function, int partial) {
    AggregateCall call;
    call.function = &function;
    call.args.push_back(engine::MakeColumn(partial, partial_types_[partial]));
    call.type = call.function->return_type;
    if (call.type.id == partial_types_[partial].id) call.type = partial_types_[partial];  // min/max keep typmods
    const int column = static_cast<int>(aggregate_.group_keys.size() + combines_.size());
    BoundExprPtr result = engine::MakeColumn(column, call.type);
    combines_.push_back(std::move(call));
    return result;
  }

  // kMergedSets: `call` (count, sum or avg with DISTINCT) run on the coordinator over the column of
  // distinct values of its argument.
  BoundExprPtr OverMergedSet(const AggregateCall& call) {
    AggregateCall merged;
    merged.function = call.function;
    merged.args.push_back(engine::MakeColumn(distinct_columns_.at(Deparsed(*call.args[0], columns_, "argument")), call.args[0]->type));
    merged.distinct = true;
    merged.type = call.type;
    const int column = static_cast<int>(aggregate_.group_keys.size() + combines_.size());
    combines_.push_back(std::move(merged));
    return engine::MakeColumn(column, call.type);
  }

  // The partial calls of `call`, their combines, and the final value over the combined columns.
  BoundExprPtr Split(const AggregateCall& call) {
    const std::string& name = call.function->name;
    if (!call.order_by.empty()) throw NotPushed{name + "(... ORDER BY) is not split"};
    std::string distinct;
    if (call.distinct && name != "min" && name != "max") {
      if (!DistinctSplits(name) || call.args.size() != 1) throw NotPushed{name + "(DISTINCT) is not split"};
      if (distinct_.strategy == DistinctStrategy::kMergedSets) {
        if (call.filter) throw NotPushed{name + "(DISTINCT ...) FILTER over merged sets is not split"};
        return OverMergedSet(call);
      }
      distinct = "DISTINCT ";  // kPerPartition: no value is in two reads
    }
    std::string filter;
    if (call.filter) filter = " FILTER (WHERE " + Deparsed(*call.filter, columns_, "aggregate filter") + ")";
    if (name == "count") {
      const std::string argument = call.args.empty() ? "*" : distinct + Deparsed(*call.args[0], columns_, "argument");
      BoundExprPtr count =
          Combine(engine::SumOfCounts(), AddPartial("count(" + argument + ")" + filter, LogicalType(TypeId::kInt64)));
      // Finer groups without keys: no rows at all leave the sum of counts NULL, where count is 0.
      if (distinct_.strategy == DistinctStrategy::kMergedSets && aggregate_.group_keys.empty()) count = ZeroIfNull(std::move(count));
      return Final(std::move(count), call.type);
    }
    if (call.args.size() != 1) throw NotPushed{name + " is not split"};
    const std::string argument = Deparsed(*call.args[0], columns_, "argument");
    const TypeId input = call.args[0]->type.id;
    if (name == "min" || name == "max") return Combine(name, AddPartial(name + "(" + argument + ")" + filter, call.type));
    if (!distinct.empty() && name != "sum" && name != "avg") throw NotPushed{name + "(DISTINCT) is not split"};
    if (name == "bool_and" || name == "bool_or" || name == "every") {
      return Combine(name == "every" ? "bool_and" : name, AddPartial(name + "(" + argument + ")" + filter, call.type));
    }
    if (name == "sum" && (IsInteger(input) || IsFloat(input) || input == TypeId::kNumeric || input == TypeId::kInterval)) {
      return Final(Combine("sum", AddPartial("sum(" + distinct + argument + ")" + filter, call.type)), call.type);
    }
    if (name == "avg" && (IsInteger(input) || IsFloat(input) || input == TypeId::kNumeric)) return Average(call, distinct, argument, filter);
    throw NotPushed{name + " is not split"};
  }

  // avg: sum / count, both combined by sum; integers and numeric divide in numeric as PostgreSQL's
  // numeric_div, floats in double precision. A group without values has a NULL sum, so NULL.
  BoundExprPtr Average(const AggregateCall& call, const std::string& distinct, const std::string& argument,
                       const std::string& filter) {
    const bool floating = IsFloat(call.args[0]->type.id);
    const LogicalType sum_type = floating ? LogicalType(TypeId::kFloat64)
                                          : (call.args[0]->type.id == TypeId::kInt64 || call.args[0]->type.id == TypeId::kNumeric
                                                 ? LogicalType(TypeId::kNumeric)
                                                 : LogicalType(TypeId::kInt64));
    // avg(real) sums in double precision, as PostgreSQL's float4_accum.
    const bool real = call.args[0]->type.id == TypeId::kFloat32;
    const std::string summed = real ? "CAST(" + argument + " AS double precision)" : argument;
    BoundExprPtr sum = Combine("sum", AddPartial("sum(" + distinct + summed + ")" + filter, sum_type));
    BoundExprPtr count =
        Combine(engine::SumOfCounts(),
                AddPartial("count(" + distinct + argument + ")" + filter, LogicalType(TypeId::kInt64)));
    const TypeId division = floating ? TypeId::kFloat64 : TypeId::kNumeric;
    sum = Final(std::move(sum), LogicalType(division));
    count = Final(std::move(count), LogicalType(division));
    const engine::ScalarFunction& divide = Divide(division);
    std::vector<BoundExprPtr> operands;
    operands.push_back(std::move(sum));
    operands.push_back(std::move(count));
    return Final(engine::MakeFunction(&divide, std::move(operands), divide.return_type), call.type);
  }

  // coalesce(value, 0).
  static BoundExprPtr ZeroIfNull(BoundExprPtr value) {
    auto coalesce = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, value->type);
    coalesce->children.push_back(std::move(value));
    coalesce->children.push_back(engine::MakeCast(engine::MakeConstant(Value::Int64(0)), coalesce->type, false));
    return coalesce;
  }

  // `value` as `type` (a cast when the combined type differs, e.g. a sum of bigints is numeric).
  static BoundExprPtr Final(BoundExprPtr value, const LogicalType& type) {
    if (value->type.id == type.id) {
      value->type = type;
      return value;
    }
    return engine::MakeCast(std::move(value), type, true);
  }

  const PlanNode& aggregate_;
  const PlanNode& scan_;
  const ScanChain& chain_;
  const std::vector<std::string> columns_;  // the aggregate's input columns as SQL
  std::string select_list_;
  std::vector<LogicalType> partial_types_;
  std::vector<AggregateCall> combines_;
  std::vector<BoundExprPtr> finals_;
  const DistinctPlan distinct_;
  std::map<std::string, int> distinct_columns_;  // kMergedSets: argument SQL -> partial column
  std::vector<int> group_columns_;               // DistributedQuery::group_columns
};

// A LIMIT or OFFSET that is a constant (NULL: none), or nullopt.
std::optional<int64_t> ConstantCount(const BoundExprPtr& expr) {
  if (!expr) return 0;
  const BoundExpr* value = expr.get();
  if (value->kind == BoundExprKind::kCast) value = value->children[0].get();
  if (value->kind != BoundExprKind::kConstant || value->constant.is_null()) return std::nullopt;
  if (!IsInteger(value->constant.type().id)) return std::nullopt;
  return value->constant.GetInt();
}

// Limit over Sort over [Project over] a distributed scan: each partition's first limit + offset rows.
void PushTopN(const PlanNode& limit, const PlanNode& sort, PlanNode& scan, const PlanNode* project) {
  const std::optional<int64_t> count = ConstantCount(limit.limit);
  const std::optional<int64_t> offset = ConstantCount(limit.offset);
  if (!limit.sort_keys.empty()) throw NotPushed{"WITH TIES is not pushed"};
  if (!limit.limit || !count || !offset) throw NotPushed{"the limit is not a constant"};
  // Negative counts are the coordinator's error to raise; huge ones gain nothing.
  constexpr int64_t kMaxPushedRows = int64_t{1} << 40;
  if (*count < 0 || *offset < 0 || *count > kMaxPushedRows || *offset > kMaxPushedRows) {
    throw NotPushed{"the limit is out of range"};
  }
  if (scan.column_ids.empty()) throw NotPushed{"the scan reads no columns"};
  const std::vector<std::string> columns = ScanColumns(scan);
  // Sort keys are over the projection's outputs: write those first.
  std::vector<std::string> sort_inputs = columns;
  if (project != nullptr) {
    sort_inputs.clear();
    for (const auto& expr : project->expressions) {
      auto text = engine::DeparseExpression(*expr, columns);
      sort_inputs.push_back(text ? "(" + *text + ")" : kMissing);
    }
  }
  std::string order_by;
  for (const engine::SortKey& key : sort.sort_keys) {
    const std::string text = Deparsed(*key.expr, sort_inputs, "sort key");
    order_by += (order_by.empty() ? " ORDER BY " : ", ") + text + (key.descending ? " DESC" : " ASC") +
                (key.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  auto query = std::make_shared<DistributedQuery>();
  for (const std::string& column : columns) query->select_list += (query->select_list.empty() ? "" : ", ") + column;
  query->where = WholeFilter(scan, columns);
  query->tail = order_by + " LIMIT " + std::to_string(*count + *offset);
  query->rows_per_read = *count + *offset;
  query->tier = "Distributed Top-N";
  query->coordinator_step = "merge sort and limit on the coordinator";
  scan.distributed_query = std::move(query);
}

void Visit(PlanPtr& slot) {
  PlanNode& node = *slot;
  // Aggregate over [filters and projections over] a distributed scan.
  const ScanChain chain = node.kind == PlanKind::kAggregate ? FollowChain(*node.children[0]) : ScanChain{};
  if (chain.scan != nullptr) {
    try {
      if (!chain.reason.empty()) throw NotPushed{chain.reason};
      slot = AggregateSplit(node, chain).Build();
    } catch (const NotPushed& not_pushed) {
      KeepPull(*chain.scan, not_pushed.reason);
    }
    return;
  }
  if (node.kind == PlanKind::kLimit && node.children[0]->kind == PlanKind::kSort) {
    PlanNode& sort = *node.children[0];
    PlanNode* below = sort.children[0].get();
    const PlanNode* project = nullptr;
    if (below->kind == PlanKind::kProject) {
      project = below;
      below = below->children[0].get();
    }
    if (IsDistributedScan(*below)) {
      try {
        PushTopN(node, sort, *below, project);
      } catch (const NotPushed& not_pushed) {
        KeepPull(*below, not_pushed.reason);
      }
      return;
    }
  }
  for (PlanPtr& child : node.children) Visit(child);
}

}  // namespace

bool DistributedPushdownEnabled(const std::optional<std::string>& value) {
  if (!value) return true;
  return !(*value == "off" || *value == "false" || *value == "0" || *value == "no");
}

void PushDownToWorkers(const PlanPtr& plan) {
  PlanPtr root = plan;
  Visit(root);
  if (root != plan) *plan = std::move(*root);  // the caller's pointer keeps naming the top node
}

}  // namespace tessera::planner
