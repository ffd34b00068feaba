// SPDX-License-Identifier: Apache-2.0
// Statement pushdown on a coordinator (planner/distributed_statement.h). Each check returns a deferred
// error, "why not", so that a SELECT falls back to the pull tier and an UPDATE or DELETE says why.
#include "planner/distributed_statement.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include "engine/distributed_ship.h"
#include "engine/distributed_statement.h"
#include "engine/function/kernel_builder.h"
#include "engine/function/scalar_function.h"
#include "engine/global_unique.h"
#include "planner/order_comparable.h"
#include "planner/parser/shard_sql.h"
#include "planner/session_state.h"
#include "planner/settings.h"

namespace tessera::planner {

using engine::BoundExpr;
using engine::BoundExprKind;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

namespace {

void VisitPlans(const PlanNode& node, const std::function<void(const PlanNode&)>& visit);

void VisitSubqueryPlans(const BoundExpr& expr, const std::function<void(const PlanNode&)>& visit) {
  if (expr.kind == BoundExprKind::kSubquery && expr.subquery_plan) VisitPlans(*expr.subquery_plan, visit);
  for (const auto& child : expr.children) VisitSubqueryPlans(*child, visit);
}

// Calls `visit` on `node` and every node below it, those of subqueries in expressions included.
void VisitPlans(const PlanNode& node, const std::function<void(const PlanNode&)>& visit) {
  visit(node);
  for (const auto& child : node.children) VisitPlans(*child, visit);
  ForEachExpression(node, [&visit](const BoundExpr& expr) { VisitSubqueryPlans(expr, visit); });
  for (const auto& expr : node.returning) VisitSubqueryPlans(*expr, visit);
}

bool DistributedScan(const PlanNode& node) {
  return node.kind == PlanKind::kScan && node.relation && !node.relation->placement.empty();
}

bool IntegerFamily(TypeId id) { return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64; }
bool TextFamily(TypeId id) { return id == TypeId::kText || id == TypeId::kVarchar; }

void CollectConjuncts(const BoundExpr& expr, std::vector<const BoundExpr*>& out) {
  if (expr.kind != BoundExprKind::kAnd) {
    out.push_back(&expr);
    return;
  }
  for (const auto& child : expr.children) CollectConjuncts(*child, out);
}

// The constant or parameter that an equality in `scan`'s filter fixes its shard key to (nullptr if none),
// of the key's family, so that it hashes as INSERT routed the rows.
const BoundExpr* ShardKeyPin(const PlanNode& scan) {
  const engine::RelationInfo& relation = *scan.relation;
  if (!scan.predicate || relation.shard_column < 0) return nullptr;
  const TypeId key_type = relation.columns[relation.shard_column].type.id;
  std::vector<const BoundExpr*> conjuncts;
  CollectConjuncts(*scan.predicate, conjuncts);
  for (const BoundExpr* conjunct : conjuncts) {
    if (conjunct->kind != BoundExprKind::kFunction || conjunct->children.size() != 2 || conjunct->function->name != "=") {
      continue;
    }
    for (size_t side = 0; side < 2; ++side) {
      const BoundExpr* column = OrderPreservingColumn(*conjunct->children[side]);
      const BoundExpr& value = *conjunct->children[1 - side];
      if (column == nullptr || column->column < 0 || static_cast<size_t>(column->column) >= scan.column_ids.size() ||
          scan.column_ids[column->column] != relation.shard_column) {
        continue;
      }
      if (value.kind != BoundExprKind::kConstant && value.kind != BoundExprKind::kParameter) continue;
      if ((IntegerFamily(key_type) && IntegerFamily(value.type.id)) || (TextFamily(key_type) && TextFamily(value.type.id))) {
        return &value;
      }
    }
  }
  return nullptr;
}

// Why a function the statement calls must run on the coordinator ("" when a worker may run it).
std::string CoordinatorOnlyFunction(const std::string& qualified) {
  std::string name = qualified;
  if (name.rfind("pg_catalog.", 0) == 0) name = name.substr(11);
  static const char* const kCoordinatorOnlyPrefixes[] = {
      "tessera.", "pg_", "nextval", "currval", "setval", "lastval", "current_", "session_user", "version",
      "has_", "txid_", "obj_description", "col_description", "format_type", "to_reg", "inet_"};
  for (const char* prefix : kCoordinatorOnlyPrefixes) {
    if (name.rfind(prefix, 0) == 0) return "the coordinator-only function " + qualified + "()";
  }
  if (const auto* overloads = engine::BuiltinFunctions().Lookup(name)) {
    for (const engine::ScalarFunction& function : *overloads) {
      if (function.is_volatile) return "the volatile function " + qualified + "()";
    }
  }
  return "";
}

// What the statement's text uses that a worker must not evaluate ("" when nothing). A write computes its
// top-level WITH clause on the coordinator (`ships`).
std::string TextCannotBePushed(const ShardSql& sql, bool ships) {
  if (ships ? sql.uses_nested_with() : sql.uses_with()) return "WITH";
  if (ships && !sql.WithCannotBeShipped().empty()) return sql.WithCannotBeShipped();
  if (sql.uses_sql_value_function()) return "CURRENT_DATE, CURRENT_USER and the other SQL value functions";
  for (const std::string& name : sql.function_names()) {
    std::string why = CoordinatorOnlyFunction(name);
    if (!why.empty()) return why;
  }
  return "";
}

// The statement's tables as the worker sees them, and the text for each partition.
struct Pushdown {
  std::shared_ptr<engine::DistributedStatement> statement = std::make_shared<engine::DistributedStatement>();
  std::string why_not;  // the deferred error: set when the statement cannot be pushed down
};

// The table names of a statement's text, each resolved to the distributed table it names.
struct TableNames {
  std::vector<engine::RelationPtr> relations;    // each table once; the UPDATE/DELETE target first
  std::vector<std::pair<int, size_t>> renames;  // location in the statement's text -> relations index
  std::vector<int> others;  // locations of names of something else (a view, a local or system table, a CTE)
};

// Resolves each table name of `sql` through what the binder recorded.
TableNames ResolveTableNames(const ShardSql& sql, int statement_location, const PlanNode& plan,
                             const NameReferences& references, const engine::RelationPtr& target, int target_location) {
  TableNames names;
  if (target) names.relations.push_back(target);
  for (int location : sql.relation_locations()) {
    const int absolute = location + statement_location;
    engine::RelationPtr relation = absolute == target_location ? target : nullptr;
    for (const NameReference& reference : references.references) {
      if (relation || reference.kind != NameReference::Kind::kRelation || reference.location != absolute) continue;
      VisitPlans(plan, [&](const PlanNode& node) {
        if (DistributedScan(node) && node.relation->oid == reference.relation_oid) relation = node.relation;
      });
    }
    if (!relation) {
      names.others.push_back(location);
      continue;
    }
    auto found = std::find_if(names.relations.begin(), names.relations.end(),
                              [&](const auto& seen) { return seen->oid == relation->oid; });
    if (found == names.relations.end()) found = names.relations.insert(names.relations.end(), relation);
    names.renames.emplace_back(location, static_cast<size_t>(found - names.relations.begin()));
  }
  return names;
}

// `relation` and its shard key pin: the same constant or parameter in every scan of it, else none.
engine::DistributedTableUse PinTable(const PlanNode& plan, const engine::RelationPtr& relation) {
  engine::DistributedTableUse use;
  use.relation = relation;
  bool consistent = true;
  VisitPlans(plan, [&](const PlanNode& node) {
    if (!DistributedScan(node) || node.relation->oid != relation->oid) return;
    const BoundExpr* pin = ShardKeyPin(node);
    if (pin == nullptr || (use.shard_key && !use.shard_key->Equals(*pin))) consistent = false;
    if (pin != nullptr && !use.shard_key) use.shard_key = pin->Copy();
  });
  if (!consistent) use.shard_key.reset();
  if (use.shard_key) use.pinned_by = relation->columns[relation->shard_column].name + " = " + use.shard_key->ToString();
  return use;
}

// Ships the rows of the names at `locations` from the coordinator: each distinct one is planned once by
// `plan_query` and becomes a child of the statement's node (`shipped_plans`); returns the placeholders by
// location.
std::map<int, ShippedTableName> Ship(const ShardSql& sql, const std::vector<int>& locations, const QueryPlanner& plan_query,
                                     engine::DistributedStatement& statement, std::vector<PlanPtr>& shipped_plans) {
  std::map<int, ShippedTableName> shipped;
  std::map<std::string, ShippedTableName> by_query;
  for (int location : locations) {
    const std::string query = sql.RowsQuery(location);
    auto found = by_query.find(query);
    if (found == by_query.end()) {
      BoundQuery rows = plan_query(query);
      ShippedTableName name{"tessera_shipped_" + std::to_string(shipped_plans.size()) + "_", rows.names};
      statement.shipped.push_back({name.placeholder, sql.TableName(location)});
      shipped_plans.push_back(rows.plan);
      found = by_query.emplace(query, std::move(name)).first;
    }
    shipped[location] = found->second;
  }
  return shipped;
}

// Whether every partition alone gives the statement's answer: when it names its table once, or every
// table it names is pinned to one partition; a second reference (a join, a subquery) would see that
// partition's rows only.
bool PartitionAnswers(const engine::DistributedStatement& statement, const TableNames& names) {
  return names.renames.size() <= 1 ||
         std::all_of(statement.tables.begin(), statement.tables.end(),
                     [](const engine::DistributedTableUse& use) { return use.shard_key != nullptr || use.whole; });
}

// Whether every partition of `relation`, a distributed table that is not a reference table, is on one
// worker (as on a 1-worker cluster): a read can then use them all there.
bool OnOneWorker(const engine::RelationInfo& relation) {
  if (relation.IsReferenceTable() || relation.placement.empty()) return false;
  return std::all_of(relation.placement.begin(), relation.placement.end(),
                     [&](uint32_t worker) { return worker == relation.placement[0]; });
}

// The columns of `relation` that the scans of it in `plan` read, in table order.
std::vector<int> ColumnsRead(const PlanNode& plan, const engine::RelationInfo& relation) {
  std::set<int> read;
  VisitPlans(plan, [&](const PlanNode& node) {
    if (DistributedScan(node) && node.relation->oid == relation.oid) {
      read.insert(node.column_ids.begin(), node.column_ids.end());
    }
  });
  return std::vector<int>(read.begin(), read.end());
}

// The text standing for every partition of `relation` at once: the UNION ALL of its shard tables, with
// the columns `columns` (a constant when none).
std::string EveryPartitionSql(const engine::RelationInfo& relation, const std::vector<int>& columns) {
  std::string list;
  for (int column : columns) {
    list += (list.empty() ? "" : ", ") + engine::builtin::QuoteIdentifier(relation.columns[column].name);
  }
  if (list.empty()) list = "1";
  std::string text;
  for (size_t partition = 0; partition < relation.placement.size(); ++partition) {
    text += (text.empty() ? "(SELECT " : " UNION ALL SELECT ") + list + " FROM " +
            engine::ShardTableName(relation.oid, partition);
  }
  return text + ")";
}

// What the text of a statement names table `index` (of its DistributedStatement::tables) by until
// EveryPartitionSql replaces it.
std::string EveryPartitionPlaceholder(size_t index) { return "tessera_every_partition_" + std::to_string(index) + "_"; }

Pushdown Plan(const ast::Statement& statement, const PlanNode& plan, const NameReferences& references,
              const engine::RelationPtr& target, int target_location, const QueryPlanner& plan_query,
              std::vector<PlanPtr>& shipped_plans, bool moves_shard_key) {
  Pushdown result;
  if (!statement.source) {
    result.why_not = "a statement whose text is not known";
    return result;
  }
  const std::string& source = *statement.source;
  const size_t length = statement.length == 0 ? source.size() - statement.location : statement.length;
  auto sql = std::make_shared<ShardSql>(std::string_view(source).substr(statement.location, length));
  result.why_not = TextCannotBePushed(*sql, target != nullptr);
  if (!result.why_not.empty()) return result;
  if (moves_shard_key) {
    std::vector<std::string> columns;
    for (const auto& column : target->columns) columns.push_back(column.name);
    sql->ReturnFirst(columns);
  }
  TableNames names = ResolveTableNames(*sql, statement.location, plan, references, target, target_location);
  if (!target && !names.others.empty()) {
    result.why_not = "a table that is not distributed (or a view, a system table or a CTE)";
    return result;
  }
  for (const engine::RelationPtr& relation : names.relations) result.statement->tables.push_back(PinTable(plan, relation));
  // A read may use all partitions of a table not pinned to one, when they share a worker; the UNION ALL
  // standing for them has the columns the statement reads, so none where its text renames the columns.
  // An aggregate without GROUP BY is cheaper as each partition's one-row aggregate (the partial
  // aggregation tier, planner/distributed_pushdown.cc: answered from the partition's metadata or by
  // reading encoded chunks) than over the UNION ALL of every partition.
  bool keyless_aggregate = false;
  VisitPlans(plan, [&keyless_aggregate](const PlanNode& node) {
    keyless_aggregate |= node.kind == PlanKind::kAggregate && node.group_keys.empty();
  });
  for (size_t index = 0; index < result.statement->tables.size() && !target && !keyless_aggregate; ++index) {
    engine::DistributedTableUse& use = result.statement->tables[index];
    const bool renamed = std::any_of(names.renames.begin(), names.renames.end(), [&](const auto& rename) {
      return rename.second == index && sql->RenamesColumns(rename.first);
    });
    if (!use.shard_key && !renamed && OnOneWorker(*use.relation)) {
      use.whole = true;
      use.pinned_by = "every partition of " + use.relation->name + " on one worker";
    }
  }
  std::vector<int> ship = names.others;
  if (target && (!PartitionAnswers(*result.statement, names) || engine::PinnedApart(*result.statement))) {
    // Only the target stays a shard table; every other name reads rows the coordinator ships.
    std::erase_if(names.renames, [&](const auto& rename) {
      if (rename.first + statement.location == target_location) return false;
      ship.push_back(rename.first);
      return true;
    });
    names.relations.resize(1);
    result.statement->tables.resize(1);
    result.statement->tables[0] = PinTable(plan, target);
  } else if (!target && !PartitionAnswers(*result.statement, names)) {
    result.why_not = "another reference to a distributed table not pinned to one partition by its shard key";
    return result;
  }
  const std::map<int, ShippedTableName> shipped = Ship(*sql, ship, plan_query, *result.statement, shipped_plans);
  std::vector<uint32_t> oids;
  // Whole tables: the columns their text names, and the UNION ALL of their shard tables.
  std::vector<std::vector<std::string>> columns(names.relations.size());
  std::vector<std::string> every_partition(names.relations.size());
  for (size_t index = 0; index < names.relations.size(); ++index) {
    const engine::RelationInfo& relation = *names.relations[index];
    oids.push_back(relation.oid);
    if (!result.statement->tables[index].whole) continue;
    const std::vector<int> read = ColumnsRead(plan, relation);
    for (int column : read) columns[index].push_back(relation.columns[column].name);
    every_partition[index] = EveryPartitionSql(relation, read);
  }
  result.statement->sql = [sql, renames = names.renames, oids, shipped, columns,
                           every_partition](const std::vector<size_t>& partitions) {
    std::map<int, ShardTableName> tables;
    std::map<int, ShippedTableName> replaced = shipped;
    for (const auto& [location, index] : renames) {
      if (partitions[index] == engine::kEveryPartition) {
        // A placeholder in the text, aliased to the table's name and columns, becomes the UNION ALL.
        replaced[location] = ShippedTableName{EveryPartitionPlaceholder(index), columns[index]};
        continue;
      }
      const std::string name = engine::ShardTableName(oids[index], partitions[index]);  // "schema.table"
      const size_t dot = name.find('.');
      tables[location] = ShardTableName{name.substr(0, dot), name.substr(dot + 1)};
    }
    std::vector<std::string> placeholders;
    std::vector<std::string> unions;
    for (size_t index = 0; index < partitions.size(); ++index) {
      if (partitions[index] != engine::kEveryPartition) continue;
      placeholders.push_back(EveryPartitionPlaceholder(index));
      unions.push_back(every_partition[index]);
    }
    return engine::ReplacePlaceholders(sql->Deparse(tables, replaced), placeholders, unions);
  };
  return result;
}

// "SET LOCAL name = 'value'; ..." for the settings in which `session` differs from a new session (what a
// worker's session has); empty when none does.
std::string SettingsForWorkers(const SessionState& session) {
  static const char* const kEvaluationSettings[] = {"timezone", "datestyle", "intervalstyle", "extra_float_digits",
                                                    "bytea_output"};
  SessionState fresh;
  InitializeSettings(fresh, {}, session.database);
  std::string sql;
  for (const char* name : kEvaluationSettings) {
    const std::optional<std::string> value = ReadSetting(session, name);
    if (!value || value == ReadSetting(fresh, name)) continue;
    std::string quoted;
    for (char c : *value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    sql += std::string(sql.empty() ? "" : "; ") + "SET LOCAL " + name + " = '" + quoted + "'";
  }
  return sql;
}

PlanPtr MakeNode(const PlanNode& plan, std::shared_ptr<engine::DistributedStatement> statement,
                 std::vector<PlanPtr> shipped_plans = {}) {
  auto node = std::make_shared<PlanNode>(PlanKind::kDistributedStatement);
  node->children = std::move(shipped_plans);
  node->output_types = plan.output_types;
  node->output_names = plan.output_names;
  for (const auto& expr : plan.returning) node->returning.push_back(expr->Copy());
  node->distributed_statement = std::move(statement);
  return node;
}

// The global unique indexes of an UPDATE's table with a column the UPDATE assigns.
std::vector<size_t> AssignedGlobalUnique(const PlanNode& update) {
  std::vector<size_t> indexes;
  const engine::RelationInfo& relation = *update.relation;
  for (size_t number = 0; number < relation.indexes.size(); ++number) {
    const engine::IndexInfo& index = relation.indexes[number];
    const bool assigned = std::any_of(index.columns.begin(), index.columns.end(), [&update](int column) {
      return std::count(update.update_columns.begin(), update.update_columns.end(), column) > 0;
    });
    if (assigned && engine::IsGlobalUnique(relation, index)) indexes.push_back(number);
  }
  return indexes;
}

}  // namespace

PlanPtr PlanDistributedStatement(const ast::Statement& statement, PlanPtr plan, const NameReferences& references,
                                 const SessionState& session, const QueryPlanner& plan_query) {
  const bool writes = (plan->kind == PlanKind::kUpdate || plan->kind == PlanKind::kDelete) && !plan->relation->placement.empty();
  bool reads_distributed = false;
  VisitPlans(*plan, [&reads_distributed](const PlanNode& node) { reads_distributed |= DistributedScan(node); });
  if (!writes && (!reads_distributed || statement.kind != ast::StmtKind::kSelect)) return plan;
  const char* verb = plan->kind == PlanKind::kUpdate ? "UPDATE" : "DELETE";
  const bool moves_shard_key =
      writes && plan->kind == PlanKind::kUpdate &&
      std::count(plan->update_columns.begin(), plan->update_columns.end(), plan->relation->shard_column) > 0;
  int target_location = -1;
  if (statement.kind == ast::StmtKind::kUpdate) target_location = static_cast<const ast::UpdateStatement&>(statement).table_location;
  if (statement.kind == ast::StmtKind::kDelete) target_location = static_cast<const ast::DeleteStatement&>(statement).table_location;
  std::vector<PlanPtr> shipped_plans;
  Pushdown pushdown = Plan(statement, *plan, references, writes ? plan->relation : nullptr, target_location, plan_query,
                           shipped_plans, moves_shard_key);
  if (writes) {
    if (!pushdown.why_not.empty()) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     std::string(verb) + " of a distributed table using " + pushdown.why_not + " is not supported yet");
    }
    if (engine::PinnedApart(*pushdown.statement)) {
      throw SqlError(SqlState::kFeatureNotSupported,
                     std::string(verb) + " of a distributed table joining partitions on different workers is not supported yet");
    }
    pushdown.statement->writes = true;
    pushdown.statement->removes_rows = plan->kind == PlanKind::kDelete;
    pushdown.statement->moves_shard_key = moves_shard_key;
    pushdown.statement->settings_sql = SettingsForWorkers(session);
    if (plan->kind == PlanKind::kUpdate) pushdown.statement->checked_indexes = AssignedGlobalUnique(*plan);
    return MakeNode(*plan, pushdown.statement, std::move(shipped_plans));
  }
  // A read is pushed down only when it reads one worker: its pinned partitions' (the router tier), or all
  // partitions of tables that are on one worker.
  const auto placed = [](const engine::DistributedTableUse& use) { return use.shard_key != nullptr || use.whole; };
  const auto& tables = pushdown.statement->tables;
  if (!pushdown.why_not.empty() || !std::all_of(tables.begin(), tables.end(), placed)) return plan;
  if (engine::PinnedApart(*pushdown.statement) || !SettingsForWorkers(session).empty()) return plan;
  pushdown.statement->fallback = plan;
  return MakeNode(*plan, pushdown.statement);
}

}  // namespace tessera::planner
