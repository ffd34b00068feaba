// SPDX-License-Identifier: Apache-2.0
// Index selection for filtered table scans.
//
// A conjunct of the scan's filter is answered by an index when it compares a key column with a value that
// does not depend on the table's row (constants, parameters, outer references, uncorrelated subqueries):
// `col = v`, `col < v`, ..., BETWEEN (bound as two comparisons) and `col IN (v1, v2, ...)` (bound as an OR
// of equalities). The index orders keys with engine::CompareValues, so a comparison qualifies only when its
// operator orders the two types the same way: the same type, integers of any width, or the text family
// (bytewise, collation "C"). Anything else (numeric against an integer column, bpchar, arrays) stays a
// filter over a sequential scan.
//
// Cost rule (there are no statistics yet): an equality on a prefix of an index's key columns (or an IN list
// on one of them) is always used, since it reads only the matching rows; among several, the longest
// prefix wins, a unique index's full key first. A range on an index's first key column can match most of
// the table, and fetching rows one by one through the index costs several times a sequential scan per
// row, so a range is used only when the table holds at least kMinRowsForRangeScan live rows at planning
// time.
#include "planner/index_selection.h"

#include <algorithm>
#include <optional>

#include "planner/order_comparable.h"
#include "storage/scan_filter.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::BoundExprPtr;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;
using storage::CompareOp;

namespace {

constexpr int64_t kMinRowsForRangeScan = 10000;

// A conjunct `column op value` (column on the left after normalising).
struct Comparison {
  size_t conjunct = 0;
  int column = -1;  // table column
  CompareOp op = CompareOp::kEqual;
  const BoundExpr* value = nullptr;
};

// A conjunct `column IN (values...)`.
struct InList {
  size_t conjunct = 0;
  int column = -1;  // table column
  std::vector<const BoundExpr*> values;
};

// The index and the lookups or range chosen for it.
struct Choice {
  int index_number = -1;
  std::vector<size_t> used;  // conjuncts the index answers
  std::vector<std::vector<const BoundExpr*>> lookups;
  const Comparison* lower = nullptr;
  const Comparison* upper = nullptr;
  int score = 0;
};

// True when `expr` can be computed once before the scan: it reads no column of the scanned row and
// calls nothing volatile.
bool IsIndexValue(const BoundExpr& expr) {
  switch (expr.kind) {
    case BoundExprKind::kColumn:
    case BoundExprKind::kAggregateRef:
    case BoundExprKind::kWindowRef:
    case BoundExprKind::kSetFunctionRef:
      return false;
    case BoundExprKind::kSubquery:
      if (expr.correlated) return false;
      break;
    case BoundExprKind::kFunction:
      if (expr.function->is_volatile) return false;
      break;
    default:
      break;
  }
  for (const auto& child : expr.children) {
    if (!IsIndexValue(*child)) return false;
  }
  return true;
}

std::optional<Comparison> MatchComparison(const BoundExpr& conjunct, size_t position, const PlanNode& scan) {
  if (conjunct.kind != BoundExprKind::kFunction || conjunct.children.size() != 2) return std::nullopt;
  const auto op = ComparisonOperator(conjunct.function->name);
  if (!op || *op == CompareOp::kNotEqual) return std::nullopt;  // an index does not answer <>
  for (size_t side = 0; side < 2; ++side) {
    const BoundExpr* column = OrderPreservingColumn(*conjunct.children[side]);
    const BoundExpr& value = *conjunct.children[1 - side];
    if (column == nullptr || static_cast<size_t>(column->column) >= scan.column_ids.size()) continue;
    if (!IsIndexValue(value) || !OrderComparable(column->type.id, value.type.id)) continue;
    return Comparison{position, scan.column_ids[column->column], side == 0 ? *op : storage::FlipCompareOp(*op), &value};
  }
  return std::nullopt;
}

std::optional<InList> MatchInList(const BoundExpr& conjunct, size_t position, const PlanNode& scan) {
  if (conjunct.kind != BoundExprKind::kOr) return std::nullopt;
  InList list{position, -1, {}};
  for (const auto& child : conjunct.children) {
    const auto comparison = MatchComparison(*child, position, scan);
    if (!comparison || comparison->op != CompareOp::kEqual) return std::nullopt;
    if (list.column >= 0 && comparison->column != list.column) return std::nullopt;
    list.column = comparison->column;
    list.values.push_back(comparison->value);
  }
  return list;
}

// Equality lookups on the longest prefix of `index`'s key columns that the conjuncts fix (at most one IN
// list among them). Score: prefix length, plus one for a unique index's full key.
Choice ChooseLookups(const engine::IndexInfo& index, const std::vector<Comparison>& comparisons,
                     const std::vector<InList>& in_lists) {
  Choice choice;
  choice.lookups = {{}};
  bool used_in_list = false;
  size_t prefix = 0;
  for (; prefix < index.columns.size(); ++prefix) {
    const int column = index.columns[prefix];
    const Comparison* equal = nullptr;
    for (const auto& comparison : comparisons) {
      if (comparison.column == column && comparison.op == CompareOp::kEqual) {
        equal = &comparison;
        break;
      }
    }
    if (equal != nullptr) {
      for (auto& lookup : choice.lookups) lookup.push_back(equal->value);
      choice.used.push_back(equal->conjunct);
      continue;
    }
    const InList* list = nullptr;
    for (const auto& candidate : in_lists) {
      if (candidate.column == column && !used_in_list) list = &candidate;
    }
    if (list == nullptr) break;
    used_in_list = true;
    std::vector<std::vector<const BoundExpr*>> product;
    for (const auto& lookup : choice.lookups) {
      for (const BoundExpr* value : list->values) {
        product.push_back(lookup);
        product.back().push_back(value);
      }
    }
    choice.lookups = std::move(product);
    choice.used.push_back(list->conjunct);
  }
  choice.score = static_cast<int>(prefix) * 2 + (index.unique && prefix == index.columns.size() ? 1 : 0);
  if (prefix == 0) choice.lookups.clear();
  return choice;
}

// A range on `index`'s first key column: the first lower and the first upper bound found.
Choice ChooseRange(const engine::IndexInfo& index, const std::vector<Comparison>& comparisons) {
  Choice choice;
  for (const auto& comparison : comparisons) {
    if (comparison.column != index.columns[0]) continue;
    const bool lower = comparison.op == CompareOp::kGreater || comparison.op == CompareOp::kGreaterEqual;
    const bool upper = comparison.op == CompareOp::kLess || comparison.op == CompareOp::kLessEqual;
    if (lower && choice.lower == nullptr) {
      choice.lower = &comparison;
      choice.used.push_back(comparison.conjunct);
    } else if (upper && choice.upper == nullptr) {
      choice.upper = &comparison;
      choice.used.push_back(comparison.conjunct);
    }
  }
  choice.score = choice.used.empty() ? 0 : 1;
  return choice;
}

void SplitConjuncts(const BoundExpr& expr, std::vector<const BoundExpr*>& out) {
  if (expr.kind != BoundExprKind::kAnd) {
    out.push_back(&expr);
    return;
  }
  for (const auto& child : expr.children) SplitConjuncts(*child, out);
}

BoundExprPtr CombineCopies(const std::vector<const BoundExpr*>& conjuncts) {
  if (conjuncts.empty()) return nullptr;
  if (conjuncts.size() == 1) return conjuncts[0]->Copy();
  auto all = std::make_unique<BoundExpr>(BoundExprKind::kAnd, LogicalType(TypeId::kBool));
  for (const BoundExpr* conjunct : conjuncts) all->children.push_back(conjunct->Copy());
  return all;
}

PlanPtr MakeIndexScan(const PlanNode& scan, const Choice& choice, const std::vector<const BoundExpr*>& conjuncts) {
  auto node = std::make_shared<PlanNode>(PlanKind::kIndexScan);
  node->relation = scan.relation;
  node->column_ids = scan.column_ids;
  node->emit_row_ids = scan.emit_row_ids;
  node->output_types = scan.output_types;
  node->output_names = scan.output_names;
  node->index_number = choice.index_number;
  for (const auto& lookup : choice.lookups) {
    std::vector<BoundExprPtr> values;
    for (const BoundExpr* value : lookup) values.push_back(value->Copy());
    node->index_lookups.push_back(std::move(values));
  }
  if (choice.lookups.empty()) {
    if (choice.lower != nullptr) {
      node->range_lower = choice.lower->value->Copy();
      node->lower_inclusive = choice.lower->op == CompareOp::kGreaterEqual;
    }
    if (choice.upper != nullptr) {
      node->range_upper = choice.upper->value->Copy();
      node->upper_inclusive = choice.upper->op == CompareOp::kLessEqual;
    }
  }
  std::vector<const BoundExpr*> answered, rest;
  for (size_t position = 0; position < conjuncts.size(); ++position) {
    const bool used = std::find(choice.used.begin(), choice.used.end(), position) != choice.used.end();
    (used ? answered : rest).push_back(conjuncts[position]);
  }
  node->index_condition = CombineCopies(answered);
  node->predicate = CombineCopies(rest);
  return node;
}

}  // namespace

PlanPtr ChooseIndexScan(const PlanPtr& scan) {
  // A distributed table's indexes are on its workers; the coordinator's own are empty.
  if (scan->kind != PlanKind::kScan || !scan->predicate || scan->relation->indexes.empty() ||
      !scan->relation->placement.empty()) {
    return scan;
  }
  std::vector<const BoundExpr*> conjuncts;
  SplitConjuncts(*scan->predicate, conjuncts);
  std::vector<Comparison> comparisons;
  std::vector<InList> in_lists;
  for (size_t position = 0; position < conjuncts.size(); ++position) {
    if (auto comparison = MatchComparison(*conjuncts[position], position, *scan)) comparisons.push_back(*comparison);
    if (auto list = MatchInList(*conjuncts[position], position, *scan)) in_lists.push_back(std::move(*list));
  }
  if (comparisons.empty() && in_lists.empty()) return scan;
  const auto& indexes = scan->relation->indexes;
  Choice best;
  for (size_t number = 0; number < indexes.size(); ++number) {
    Choice lookups = ChooseLookups(indexes[number], comparisons, in_lists);
    lookups.index_number = static_cast<int>(number);
    if (lookups.score > best.score) best = std::move(lookups);
  }
  if (best.lookups.empty() && scan->relation->data->CountLiveRows() >= kMinRowsForRangeScan) {
    for (size_t number = 0; number < indexes.size(); ++number) {
      Choice range = ChooseRange(indexes[number], comparisons);
      range.index_number = static_cast<int>(number);
      if (range.score > best.score) best = std::move(range);
    }
  }
  if (best.score == 0) return scan;
  return MakeIndexScan(*scan, best, conjuncts);
}

}  // namespace tessera::planner
