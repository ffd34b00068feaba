// SPDX-License-Identifier: Apache-2.0
// Choosing the join tier of joins of distributed tables (planner/distributed_joins.h).
#include "planner/distributed_joins.h"

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/database.h"
#include "engine/distributed.h"
#include "engine/distributed_join.h"
#include "engine/function/kernel_builder.h"
#include "engine/operators_internal.h"
#include "engine/remote/connection_pool.h"
#include "engine/remote/remote_connection.h"
#include "engine/statistics.h"
#include "planner/fragment_sql.h"
#include "planner/settings.h"

namespace tessera::planner {

namespace {

using engine::BoundExpr;
using engine::DistributedFragment;
using engine::FragmentTask;
using engine::JoinKind;
using engine::PlanKind;
using engine::PlanNode;
using engine::RelationInfo;

// What the rule works with: the database (to count rows) and the session's settings.
struct Planning {
  engine::Database& database;
  const JoinTierSettings& settings;
};

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

// True when a cast of `from` to `to` keeps the value's hash: integers to integers (hashed by value),
// varchar to text (hashed by bytes).
bool KeepsHash(const LogicalType& from, const LogicalType& to) {
  return (IntegerType(from.id) && IntegerType(to.id)) || (TextType(from.id) && to.id == TypeId::kText);
}

// The position among `side`'s scan columns of the column `key` is, maybe under a cast that keeps its
// hash; nullopt when `key` is something else.
std::optional<size_t> KeyColumn(const BoundExpr& key, const JoinSide& side) {
  const BoundExpr* column = &key;
  if (column->kind == engine::BoundExprKind::kCast && KeepsHash(column->children[0]->type, column->type)) {
    column = column->children[0].get();
  }
  if (column->kind != engine::BoundExprKind::kColumn || column->column < 0 ||
      static_cast<size_t>(column->column) >= side.scan->column_ids.size()) {
    return std::nullopt;
  }
  return static_cast<size_t>(column->column);
}

// True when `key` is `side`'s shard key column, maybe under a cast that keeps its hash.
bool IsShardKey(const BoundExpr& key, const JoinSide& side) {
  const std::optional<size_t> position = KeyColumn(key, side);
  return position && side.relation().shard_column >= 0 && side.scan->column_ids[*position] == side.relation().shard_column;
}

// True when columns of types `left` and `right` hash equal values alike.
bool HashAlike(TypeId left, TypeId right) {
  return (IntegerType(left) && IntegerType(right)) || (TextType(left) && TextType(right));
}

// The positions among the scans' columns of the first pair of join keys that are both columns hashing
// alike, for a repartition; nullopt when none is.
std::optional<std::pair<size_t, size_t>> HashableKeys(const PlanNode& join, const JoinSide& left, const JoinSide& right) {
  for (size_t key = 0; key < join.left_keys.size(); ++key) {
    const std::optional<size_t> left_column = KeyColumn(*join.left_keys[key], left);
    const std::optional<size_t> right_column = KeyColumn(*join.right_keys[key], right);
    if (!left_column || !right_column) continue;
    const TypeId left_type = left.relation().columns[left.scan->column_ids[*left_column]].type.id;
    const TypeId right_type = right.relation().columns[right.scan->column_ids[*right_column]].type.id;
    if (HashAlike(left_type, right_type)) return std::make_pair(*left_column, *right_column);
  }
  return std::nullopt;
}

// True when the join's keys include an equality of both tables' shard keys, of types that hash alike,
// and both tables put each partition on the same worker: partition p of one meets only partition p of
// the other.
bool CoLocated(const PlanNode& join, const JoinSide& left, const JoinSide& right) {
  if (left.relation().placement != right.relation().placement) return false;
  if (left.relation().shard_column < 0 || right.relation().shard_column < 0) return false;
  const TypeId left_type = left.relation().columns[left.relation().shard_column].type.id;
  const TypeId right_type = right.relation().columns[right.relation().shard_column].type.id;
  if (!HashAlike(left_type, right_type)) return false;
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

// The rows of `relation`: by its statistics (ANALYZE, kept current by the coordinator's writes), else by
// asking its workers; nullopt when one does not answer.
std::optional<int64_t> CountRows(engine::Database& database, const RelationInfo& relation) {
  if (const std::optional<double> estimate = engine::EstimatedRows(database.statistics(), relation)) {
    return static_cast<int64_t>(*estimate);
  }
  std::map<uint32_t, std::string> sums;  // worker -> "(SELECT count(*) FROM p) + ..."
  for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
    std::string& sum = sums[relation.placement[partition]];
    sum += (sum.empty() ? "" : " + ") + std::string("(SELECT count(*) FROM ") + engine::ShardTableName(relation.oid, partition) + ")";
  }
  const auto timeout = engine::WorkerTimeout(database.options());
  int64_t rows = 0;
  try {
    for (const auto& [worker_id, sum] : sums) {
      const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id);
      if (!worker) return std::nullopt;
      remote::RemoteConnection connection = database.worker_connections().Acquire(engine::WorkerEndpoint(*worker, database.options()), timeout);
      connection.Query("SELECT " + sum, [&rows](Batch batch) {
        for (idx_t row = 0; row < batch.num_rows; ++row) rows += batch.columns[0].GetValue(row).GetInt();
      }, timeout);
      database.worker_connections().Release(std::move(connection));
    }
  } catch (const SqlError&) {
    return std::nullopt;
  }
  return rows;
}

// True when `side` reads some columns, each once: they can be a broadcast table's columns.
bool Broadcastable(const JoinSide& side) {
  const std::vector<int>& columns = side.scan->column_ids;
  return !columns.empty() && std::set<int>(columns.begin(), columns.end()).size() == columns.size();
}

enum class Tier { kReference, kCoLocated, kBroadcast, kRepartition };

// The tier a join of `left` and `right` gets, and which side drives (is read partition by partition);
// nullopt with `why` set when it stays on the coordinator.
struct TierChoice {
  Tier tier = Tier::kReference;
  bool drive_left = true;
  int64_t broadcast_rows = 0;  // kBroadcast: the other side's rows now
  std::pair<size_t, size_t> keys;  // kRepartition: the key columns' positions among the scans' columns
};

std::optional<TierChoice> ChooseTier(const PlanNode& join, const JoinSide& left, const JoinSide& right,
                                     const Planning& planning, std::string& why) {
  const bool left_reference = left.relation().IsReferenceTable();
  const bool right_reference = right.relation().IsReferenceTable();
  const bool left_join = join.join_kind == JoinKind::kLeft;
  if (left_reference || right_reference) {
    if (left_reference && !right_reference && left_join) {
      why = "the reference table \"" + left.relation().name + "\" is the preserved side of a left join";
      return std::nullopt;
    }
    return TierChoice{Tier::kReference, !left_reference || right_reference, 0};
  }
  if (CoLocated(join, left, right)) return TierChoice{Tier::kCoLocated, true, 0};
  // Broadcast the smaller side when it is small (never a left join's preserved side).
  constexpr int64_t kUnknown = kBroadcastRowLimit + 1;
  const int64_t right_rows = CountRows(planning.database, right.relation()).value_or(kUnknown);
  const int64_t left_rows = left_join ? kUnknown : CountRows(planning.database, left.relation()).value_or(kUnknown);
  const bool right_small = right_rows <= kBroadcastRowLimit && Broadcastable(right);
  const bool left_small = left_rows <= kBroadcastRowLimit && Broadcastable(left);
  if (left_small && (!right_small || left_rows < right_rows)) return TierChoice{Tier::kBroadcast, false, left_rows};
  if (right_small) return TierChoice{Tier::kBroadcast, true, right_rows};
  // Repartition both sides on a key pair that hashes alike, when the session allows it.
  const std::optional<std::pair<size_t, size_t>> keys = HashableKeys(join, left, right);
  const std::string names = "\"" + left.relation().name + "\" and \"" + right.relation().name + "\"";
  if (keys && Broadcastable(left) && Broadcastable(right)) {
    if (planning.settings.repartition) return TierChoice{Tier::kRepartition, true, 0, *keys};
    why = "neither of " + names + " is small enough to broadcast, and repartition joins are off";
    return std::nullopt;
  }
  why = names + " are not joined on columns that hash alike and neither side is small enough to broadcast";
  return std::nullopt;
}

// "(id integer, name text)": the columns `side` reads, for its broadcast table.
std::string BroadcastColumns(const JoinSide& side) {
  std::string columns;
  for (int column : side.scan->column_ids) {
    const engine::ColumnInfo& info = side.relation().columns[column];
    columns += (columns.empty() ? "(" : ", ") + engine::builtin::QuoteIdentifier(info.name) + " " + FormatType(info.type);
  }
  return columns + ")";
}

std::string Describe(const TierChoice& choice, size_t partitions_read, const JoinSide& driving, const JoinSide& other) {
  const RelationInfo& table = driving.relation();
  std::string text = std::to_string(partitions_read) + " of " + std::to_string(table.placement.size()) +
                     (table.IsReferenceTable() ? " copies" : " partitions") + " of \"" + table.name +
                     "\" joined on their workers with ";
  switch (choice.tier) {
    case Tier::kReference: return "reference: " + text + "the copy of \"" + other.relation().name + "\"";
    case Tier::kCoLocated: return "co-located: " + text + "those of \"" + other.relation().name + "\"";
    case Tier::kBroadcast:
      return "broadcast: " + text + "\"" + other.relation().name + "\", read once and sent to each (estimated " +
             std::to_string(choice.broadcast_rows) + " rows)";
    case Tier::kRepartition:
      return "repartition: \"" + table.name + "\" and \"" + other.relation().name +
             "\" sent by the workers to each other by the hash of the join key, joined there";
  }
  return text;
}

// The partitions' tasks merged into one per worker (joined by `separator`: " UNION ALL " for queries,
// "; " for statements), saving round trips.
std::vector<FragmentTask> OnePerWorker(std::vector<FragmentTask> tasks, const std::string& separator) {
  std::map<uint32_t, FragmentTask> merged;
  for (FragmentTask& task : tasks) {
    FragmentTask& into = merged[task.worker_id];
    into.worker_id = task.worker_id;
    if (!into.sql.empty()) into.sql += separator;
    for (size_t at : task.unique_at) into.unique_at.push_back(into.sql.size() + at);
    into.sql += task.sql;
  }
  std::vector<FragmentTask> result;
  for (auto& [worker_id, task] : merged) result.push_back(std::move(task));
  return result;
}

// Appends the name of this execution's bucket table for `side` ("l" or "r") to `task`.
void AppendBucketTable(FragmentTask& task, const char* side) {
  task.sql += "tessera_shards.repartition_";
  task.unique_at.push_back(task.sql.size());
  task.sql += std::string("_") + side;
}

// "0,2,5": the column numbers `side` reads.
std::string ColumnNumbers(const JoinSide& side) {
  std::string numbers;
  for (int column : side.scan->column_ids) numbers += (numbers.empty() ? "" : ",") + std::to_string(column);
  return numbers;
}

// Fills `fragment` for a repartition join: every worker holding either table gets a bucket table per
// side; each partition read sends its rows to the bucket (worker) of their join key's hash; then each
// worker joins its two buckets. Returns false when a worker is no longer registered.
bool PlanRepartition(DistributedFragment& fragment, const PlanNode& join, const JoinSql& sql, const JoinSide& left,
                     const JoinSide& right, const TierChoice& choice, engine::Database& database) {
  std::set<uint32_t> worker_ids(left.relation().placement.begin(), left.relation().placement.end());
  worker_ids.insert(right.relation().placement.begin(), right.relation().placement.end());
  std::string targets;  // bucket n is the n-th worker
  for (uint32_t worker_id : worker_ids) {
    const std::optional<engine::WorkerInfo> worker = database.catalog().FindWorker(worker_id);
    if (!worker) return false;
    targets += (targets.empty() ? "" : ",") + worker->Name();
  }
  for (uint32_t worker_id : worker_ids) {
    FragmentTask create{worker_id, "CREATE TABLE ", {}};
    AppendBucketTable(create, "l");
    create.sql += " " + BroadcastColumns(left) + "; CREATE TABLE ";
    AppendBucketTable(create, "r");
    create.sql += " " + BroadcastColumns(right);
    fragment.setup.push_back(std::move(create));
    FragmentTask drop{worker_id, "DROP TABLE IF EXISTS ", {}};
    AppendBucketTable(drop, "l");
    drop.sql += "; DROP TABLE IF EXISTS ";
    AppendBucketTable(drop, "r");
    fragment.teardown.push_back(std::move(drop));
    FragmentTask join_task{worker_id, "SELECT " + sql.select_list + " FROM ", {}};
    AppendBucketTable(join_task, "l");
    join_task.sql += std::string(" l ") + (join.join_kind == JoinKind::kLeft ? "LEFT JOIN " : "JOIN ");
    AppendBucketTable(join_task, "r");
    join_task.sql += " r ON " + sql.on + (sql.where.empty() ? "" : " WHERE " + sql.where);
    fragment.tasks.push_back(std::move(join_task));
  }
  std::vector<FragmentTask> sends;
  for (const auto& [side, key, name] : {std::tuple(&left, choice.keys.first, "l"), std::tuple(&right, choice.keys.second, "r")}) {
    for (size_t partition : engine::PartitionsToRead(*side->scan)) {
      FragmentTask send{side->relation().placement[partition],
                        "SELECT tessera.repartition('" + engine::ShardTableName(side->relation().oid, partition) + "', '" +
                            ColumnNumbers(*side) + "', " + std::to_string(key) + ", " +
                            engine::builtin::QuoteLiteral(targets) + ", '",
                        {}};
      AppendBucketTable(send, name);
      send.sql += "')";
      sends.push_back(std::move(send));
    }
  }
  for (FragmentTask& send : OnePerWorker(std::move(sends), "; ")) fragment.setup.push_back(std::move(send));
  return true;
}

// What a join of two distributed tables becomes: a fragment to run on the workers, or (tasks empty) the
// reason it stays on the coordinator. Sets `broadcast_left` when a broadcast sends the left side.
DistributedFragment PlanJoin(const PlanNode& join, const BoundExpr* above, JoinSide left, JoinSide right,
                             const Planning& planning, bool& broadcast_left) {
  DistributedFragment fragment;
  auto pull = [&](const std::string& why) {
    fragment.tasks.clear();  // a partition the workers cannot join keeps the whole join here
    fragment.explain = "pull: " + why;
    return fragment;
  };
  if (join.join_kind != JoinKind::kInner && join.join_kind != JoinKind::kLeft) return pull("only inner and left joins run on the workers");
  std::string why;
  const std::optional<TierChoice> choice = ChooseTier(join, left, right, planning, why);
  if (!choice) return pull(why);
  const bool broadcast = choice->tier == Tier::kBroadcast;
  broadcast_left = broadcast && !choice->drive_left;
  // A broadcast side is read (and filtered) on the coordinator.
  if (broadcast) (choice->drive_left ? right : left).filters.clear();
  const std::optional<JoinSql> sql = DeparseJoin(join, above, left, right);
  if (!sql) return pull("a condition does not deparse exactly");
  // The driving side is read partition by partition; the other side's partition on the same worker joins.
  const JoinSide& driving = choice->drive_left ? left : right;
  const JoinSide& other = choice->drive_left ? right : left;
  if (choice->tier == Tier::kRepartition) {
    if (!PlanRepartition(fragment, join, *sql, left, right, *choice, planning.database)) {
      return pull("a worker is not registered");
    }
    fragment.no_columns = sql->no_columns;
    fragment.explain = Describe(*choice, 0, driving, other);
    return fragment;
  }
  std::vector<size_t> partitions = engine::PartitionsToRead(*driving.scan);
  if (choice->tier == Tier::kCoLocated && partitions.size() > 1) partitions = engine::PartitionsToRead(*other.scan);
  for (size_t partition : partitions) {
    FragmentTask task;
    task.worker_id = driving.relation().placement[partition];
    std::optional<size_t> other_partition = partition;
    if (choice->tier == Tier::kReference) other_partition = PartitionOn(other.relation(), task.worker_id);
    if (!other_partition) {
      return pull("the reference table \"" + other.relation().name + "\" has no copy on worker " + std::to_string(task.worker_id));
    }
    // The driving table's shard, and the other table's (or the broadcast table, named at execution).
    auto add_table = [&](const JoinSide& side) {
      if (&side == &driving) {
        task.sql += engine::ShardTableName(side.relation().oid, partition);
      } else if (broadcast) {
        task.sql += "tessera_shards.broadcast_";
        task.unique_at.push_back(task.sql.size());
      } else {
        task.sql += engine::ShardTableName(side.relation().oid, *other_partition);
      }
    };
    task.sql = "SELECT " + sql->select_list + " FROM ";
    add_table(left);
    task.sql += std::string(" l ") + (join.join_kind == JoinKind::kLeft ? "LEFT JOIN " : "JOIN ");
    add_table(right);
    task.sql += " r ON " + sql->on;
    if (!sql->where.empty()) task.sql += " WHERE " + sql->where;
    fragment.tasks.push_back(std::move(task));
  }
  fragment.tasks = OnePerWorker(std::move(fragment.tasks), " UNION ALL ");
  fragment.no_columns = sql->no_columns;
  fragment.broadcast = broadcast;
  if (broadcast) fragment.broadcast_columns = BroadcastColumns(other);
  fragment.explain = Describe(*choice, partitions.size(), driving, other);
  fragment.partitions_share = static_cast<double>(partitions.size()) / static_cast<double>(driving.relation().placement.size());
  return fragment;
}

// Replaces `node` (the join, or a filter right above it) with a node running `fragment`; a broadcast
// keeps the small side (`small_side`) as its child, read on the coordinator.
void BecomeFragment(PlanNode& node, DistributedFragment fragment, engine::PlanPtr small_side) {
  node.kind = PlanKind::kDistributedFragment;
  node.children.clear();
  if (fragment.broadcast) node.children.push_back(std::move(small_side));
  node.predicate.reset();
  node.left_keys.clear();
  node.right_keys.clear();
  node.fragment = std::make_shared<const DistributedFragment>(std::move(fragment));
}

// Tries `join` (`top` itself, or under the filter `top` whose predicate is `above`) on the workers;
// returns false when it stays on the coordinator.
bool TryFragment(PlanNode& top, const PlanNode& join, const BoundExpr* above, const Planning& planning) {
  std::optional<JoinSide> left = SideOf(*join.children[0]);
  std::optional<JoinSide> right = SideOf(*join.children[1]);
  if (!left || !right) return false;
  bool broadcast_left = false;
  DistributedFragment fragment = PlanJoin(join, above, *left, *right, planning, broadcast_left);
  if (fragment.tasks.empty()) {
    if (&top == &join) top.fragment = std::make_shared<const DistributedFragment>(std::move(fragment));
    return false;
  }
  fragment.relations = {left->scan->relation, right->scan->relation};
  engine::PlanPtr small_side = join.children[broadcast_left ? 0 : 1];
  BecomeFragment(top, std::move(fragment), std::move(small_side));
  return true;
}

void Rewrite(PlanNode& node, const Planning& planning) {
  if (node.kind == PlanKind::kFilter && node.predicate && IsJoin(*node.children[0]) &&
      TryFragment(node, *node.children[0], node.predicate.get(), planning)) {
    return;
  }
  if (IsJoin(node) && TryFragment(node, node, nullptr, planning)) return;
  for (const engine::PlanPtr& child : node.children) Rewrite(*child, planning);
}

// A boolean setting's value: `fallback` when unset, else false for off, false, no and 0 in any case.
bool SettingOn(const SessionState& state, const std::string& name, bool fallback) {
  std::optional<std::string> value = ReadSetting(state, name);
  if (!value) return fallback;
  for (char& letter : *value) letter = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
  return *value != "off" && *value != "false" && *value != "0" && *value != "no";
}

}  // namespace

JoinTierSettings ReadJoinTierSettings(const SessionState& state) {
  return JoinTierSettings{SettingOn(state, "tessera.distributed_joins", true), SettingOn(state, "tessera.repartition_joins", false)};
}

void PlanDistributedJoins(const engine::PlanPtr& plan, engine::Database& database, const JoinTierSettings& settings) {
  Rewrite(*plan, Planning{database, settings});
}

}  // namespace tessera::planner
