// SPDX-License-Identifier: Apache-2.0
// Choosing the join tier of joins of distributed tables (planner/distributed_joins.h).
#include "planner/distributed_joins.h"

#include <optional>
#include <string>
#include <vector>

#include "engine/distributed_join.h"
#include "engine/function/kernel_builder.h"
#include "engine/operators_internal.h"
#include "planner/fragment_sql.h"

namespace tessera::planner {

namespace {

using engine::BoundExpr;
using engine::DistributedFragment;
using engine::JoinKind;
using engine::PlanKind;
using engine::PlanNode;
using engine::RelationInfo;

// One input of a join: a distributed table's scan, maybe under a filter.
struct JoinSide {
  const PlanNode* scan = nullptr;
  std::vector<const BoundExpr*> filters;  // over the scan's output columns
  const RelationInfo& relation() const { return *scan->relation; }
};

std::optional<JoinSide> SideOf(const PlanNode& node) {
  if (node.kind == PlanKind::kFilter) {
    std::optional<JoinSide> side = SideOf(*node.children[0]);
    if (side && node.predicate) side->filters.push_back(node.predicate.get());
    return side;
  }
  if (node.kind != PlanKind::kScan || node.relation->placement.empty() || node.emit_row_ids) return std::nullopt;
  JoinSide side;
  side.scan = &node;
  if (node.predicate) side.filters.push_back(node.predicate.get());
  return side;
}

bool IsJoin(const PlanNode& node) { return node.kind == PlanKind::kHashJoin || node.kind == PlanKind::kNestedLoopJoin; }

bool IntegerType(TypeId id) { return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64; }
bool TextType(TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar; }

// True when `key` is `side`'s shard key column (an integer one maybe widened).
bool IsShardKey(const BoundExpr& key, const JoinSide& side) {
  const BoundExpr* column = &key;
  if (column->kind == engine::BoundExprKind::kCast && IntegerType(column->type.id)) column = column->children[0].get();
  if (column->kind != engine::BoundExprKind::kColumn || column->column < 0 ||
      static_cast<size_t>(column->column) >= side.scan->column_ids.size()) {
    return false;
  }
  const RelationInfo& relation = side.relation();
  return relation.shard_column >= 0 && side.scan->column_ids[column->column] == relation.shard_column;
}

// True when the join's keys include an equality of both tables' shard keys, of types that hash alike,
// and both tables put each partition on the same worker: partition p of one meets only partition p of
// the other.
bool CoLocated(const PlanNode& join, const JoinSide& left, const JoinSide& right) {
  if (left.relation().placement != right.relation().placement) return false;
  if (left.relation().shard_column < 0 || right.relation().shard_column < 0) return false;
  const TypeId left_type = left.relation().columns[left.relation().shard_column].type.id;
  const TypeId right_type = right.relation().columns[right.relation().shard_column].type.id;
  if (!(IntegerType(left_type) && IntegerType(right_type)) && !(TextType(left_type) && TextType(right_type))) return false;
  for (size_t key = 0; key < join.left_keys.size(); ++key) {
    if (IsShardKey(*join.left_keys[key], left) && IsShardKey(*join.right_keys[key], right)) return true;
  }
  return false;
}

// The join's SQL text pieces: the select list and conditions, with the left table as "l" and the right
// as "r", but no table names yet.
struct JoinSql {
  std::string select_list;
  std::string on;
  std::string where;
  bool no_columns = false;
};

// Deparses `exprs` into `out` joined by AND; false when one does not deparse.
bool AppendConditions(const std::vector<const BoundExpr*>& exprs, const std::vector<std::string>& columns, std::string& out) {
  for (const BoundExpr* expr : exprs) {
    std::optional<std::string> text = DeparseExpr(*expr, columns);
    if (!text) return false;
    out += (out.empty() ? "" : " AND ") + *text;
  }
  return true;
}

std::vector<std::string> ColumnNames(const JoinSide& side, const std::string& alias) {
  std::vector<std::string> names;
  for (int column : side.scan->column_ids) {
    names.push_back(alias + "." + engine::builtin::QuoteIdentifier(side.relation().columns[column].name));
  }
  return names;
}

// The pieces of `join` (with `above`, a filter over its output, or null), or nullopt when a condition
// does not deparse. The left side's filters go to WHERE; the right side's to ON, where they filter
// before a LEFT JOIN pads.
std::optional<JoinSql> DeparseJoin(const PlanNode& join, const BoundExpr* above, const JoinSide& left, const JoinSide& right) {
  const std::vector<std::string> left_columns = ColumnNames(left, "l");
  const std::vector<std::string> right_columns = ColumnNames(right, "r");
  std::vector<std::string> all_columns = left_columns;
  all_columns.insert(all_columns.end(), right_columns.begin(), right_columns.end());
  JoinSql sql;
  for (const std::string& column : all_columns) sql.select_list += (sql.select_list.empty() ? "" : ", ") + column;
  sql.no_columns = all_columns.empty();
  if (sql.no_columns) sql.select_list = "1";
  for (size_t key = 0; key < join.left_keys.size(); ++key) {
    std::optional<std::string> left_key = DeparseExpr(*join.left_keys[key], left_columns);
    std::optional<std::string> right_key = DeparseExpr(*join.right_keys[key], right_columns);
    if (!left_key || !right_key) return std::nullopt;
    sql.on += (sql.on.empty() ? "" : " AND ") + *left_key + " = " + *right_key;
  }
  if (!AppendConditions(right.filters, right_columns, sql.on)) return std::nullopt;
  if (join.predicate && !AppendConditions({join.predicate.get()}, all_columns, sql.on)) return std::nullopt;
  if (!AppendConditions(left.filters, left_columns, sql.where)) return std::nullopt;
  if (above && !AppendConditions({above}, all_columns, sql.where)) return std::nullopt;
  if (sql.on.empty()) sql.on = "true";
  return sql;
}

// The partition of `relation` placed on `worker_id` (a reference table's copy there), or nullopt.
std::optional<size_t> PartitionOn(const RelationInfo& relation, uint32_t worker_id) {
  for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
    if (relation.placement[partition] == worker_id) return partition;
  }
  return std::nullopt;
}

// What a join of two distributed tables becomes: a fragment to run on the workers, or (tasks empty) the
// reason it stays on the coordinator.
DistributedFragment PlanJoin(const PlanNode& join, const BoundExpr* above, const JoinSide& left, const JoinSide& right) {
  DistributedFragment fragment;
  auto pull = [&](const std::string& why) {
    fragment.explain = "pull: " + why;
    return fragment;
  };
  if (join.join_kind != JoinKind::kInner && join.join_kind != JoinKind::kLeft) return pull("only inner and left joins run on the workers");
  const bool left_reference = left.relation().IsReferenceTable();
  const bool right_reference = right.relation().IsReferenceTable();
  const bool co_located = !left_reference && !right_reference && CoLocated(join, left, right);
  if (!left_reference && !right_reference && !co_located) {
    return pull("\"" + left.relation().name + "\" and \"" + right.relation().name + "\" are not joined on their shard keys");
  }
  if (left_reference && !right_reference && join.join_kind == JoinKind::kLeft) {
    return pull("the reference table \"" + left.relation().name + "\" is the preserved side of a left join");
  }
  const std::optional<JoinSql> sql = DeparseJoin(join, above, left, right);
  if (!sql) return pull("a condition does not deparse exactly");
  // The driving side is read partition by partition; the other side's partition on the same worker joins.
  const bool drive_left = !left_reference || right_reference;
  const JoinSide& driving = drive_left ? left : right;
  const JoinSide& other = drive_left ? right : left;
  std::vector<size_t> partitions = engine::PartitionsToRead(*driving.scan);
  if (co_located && partitions.size() > 1) partitions = engine::PartitionsToRead(*other.scan);
  for (size_t partition : partitions) {
    const uint32_t worker = driving.relation().placement[partition];
    const std::optional<size_t> other_partition = co_located ? std::optional<size_t>(partition) : PartitionOn(other.relation(), worker);
    if (!other_partition) return pull("the reference table \"" + other.relation().name + "\" has no copy on worker " + std::to_string(worker));
    const size_t left_partition = drive_left ? partition : *other_partition;
    const size_t right_partition = drive_left ? *other_partition : partition;
    std::string text = "SELECT " + sql->select_list + " FROM " + engine::ShardTableName(left.relation().oid, left_partition) +
                       " l " + (join.join_kind == JoinKind::kLeft ? "LEFT JOIN " : "JOIN ") +
                       engine::ShardTableName(right.relation().oid, right_partition) + " r ON " + sql->on;
    if (!sql->where.empty()) text += " WHERE " + sql->where;
    fragment.tasks.push_back({worker, std::move(text)});
  }
  fragment.no_columns = sql->no_columns;
  const std::string read = std::to_string(partitions.size()) + " of " + std::to_string(driving.relation().placement.size()) +
                           (driving.relation().IsReferenceTable() ? " copies" : " partitions") + " of \"" +
                           driving.relation().name + "\" joined on their workers with ";
  fragment.explain = co_located ? "co-located: " + read + "those of \"" + other.relation().name + "\""
                                : "reference: " + read + "the copy of \"" + other.relation().name + "\"";
  return fragment;
}

// Replaces `node` (the join, or a filter right above it) with a node running `fragment`.
void BecomeFragment(PlanNode& node, DistributedFragment fragment) {
  node.kind = PlanKind::kDistributedFragment;
  node.children.clear();
  node.predicate.reset();
  node.left_keys.clear();
  node.right_keys.clear();
  node.fragment = std::make_shared<const DistributedFragment>(std::move(fragment));
}

// Tries `join` (under `filter`, or `filter` null) on the workers; returns false when it stays.
bool TryFragment(PlanNode& top, const PlanNode& join, const BoundExpr* above) {
  std::optional<JoinSide> left = SideOf(*join.children[0]);
  std::optional<JoinSide> right = SideOf(*join.children[1]);
  if (!left || !right) return false;
  DistributedFragment fragment = PlanJoin(join, above, *left, *right);
  if (fragment.tasks.empty()) {
    if (&top == &join) top.fragment = std::make_shared<const DistributedFragment>(std::move(fragment));
    return false;
  }
  BecomeFragment(top, std::move(fragment));
  return true;
}

void Rewrite(PlanNode& node) {
  if (node.kind == PlanKind::kFilter && node.predicate && IsJoin(*node.children[0]) &&
      TryFragment(node, *node.children[0], node.predicate.get())) {
    return;
  }
  if (IsJoin(node) && TryFragment(node, node, nullptr)) return;
  for (const engine::PlanPtr& child : node.children) Rewrite(*child);
}

}  // namespace

void PlanDistributedJoins(const engine::PlanPtr& plan) { Rewrite(*plan); }

}  // namespace tessera::planner
