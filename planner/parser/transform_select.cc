// SPDX-License-Identifier: Apache-2.0
// Transforms queries: SELECT, VALUES, set operations, FROM items, WITH, GROUP BY and locking clauses.
#include "base/error.h"
#include "planner/parser/transformer.h"

namespace tessera::planner::parser {

namespace {

// PostgreSQL's limit on the number of grouping sets after expansion.
constexpr size_t kMaxGroupingSets = 4096;

void ApplyAlias(const pg_query::Alias& alias, ast::TableRef* ref) {
  ref->alias = alias.aliasname();
  ref->column_aliases = StringList(alias.colnames());
}

ast::SetOpKind SetOpKindOf(pg_query::SetOperation op) {
  switch (op) {
    case pg_query::SETOP_UNION: return ast::SetOpKind::kUnion;
    case pg_query::SETOP_INTERSECT: return ast::SetOpKind::kIntersect;
    case pg_query::SETOP_EXCEPT: return ast::SetOpKind::kExcept;
    default: return ast::SetOpKind::kNone;
  }
}

// Returns the INTO clause of a top-level query: on the query itself or, for a set operation, on its
// leftmost SELECT (where PostgreSQL's grammar puts it). Returns nullptr when there is none.
const pg_query::IntoClause* FindInto(const pg_query::SelectStmt& select) {
  const pg_query::SelectStmt* leaf = &select;
  while (!leaf->has_into_clause() && leaf->has_larg()) leaf = &leaf->larg();
  return leaf->has_into_clause() ? &leaf->into_clause() : nullptr;
}

ast::SelectStmt* LeftmostLeaf(ast::SelectStmt* select) {
  while (select->left_query != nullptr) select = select->left_query.get();
  return select;
}

}  // namespace

ast::StatementPtr Transformer::TransformSelectStatement(const pg_query::SelectStmt& select) {
  const pg_query::IntoClause* into = FindInto(select);
  if (into == nullptr) {
    auto statement = std::make_unique<ast::SelectStatement>();
    statement->select = TransformSelect(select);
    statement->select->location = statement_location_;
    return statement;
  }
  // SELECT ... INTO t is CREATE TABLE t AS SELECT ..., as PostgreSQL's analyzer rewrites it.
  auto create = std::make_unique<ast::CreateTableStatement>(ast::StmtKind::kCreateTableAs);
  create->table = RangeVarNames(into->rel());
  create->temporary = into->rel().relpersistence() == "t";
  create->as_column_names = StringList(into->col_names());
  create->as_query = TransformSelect(select);
  create->as_query->location = statement_location_;
  LeftmostLeaf(create->as_query.get())->into_table.clear();
  return create;
}

std::unique_ptr<ast::SelectStmt> Transformer::TransformQuery(const pg_query::Node& node, int location) {
  switch (node.node_case()) {
    case pg_query::Node::kSelectStmt: {
      auto query = TransformSelect(node.select_stmt());
      query->location = location;
      return query;
    }
    case pg_query::Node::kInsertStmt:
    case pg_query::Node::kUpdateStmt:
    case pg_query::Node::kDeleteStmt:
    case pg_query::Node::kMergeStmt: ThrowUnsupported("data-modifying statement in WITH", location);
    default: ThrowUnsupported("this kind of query", location);
  }
}

std::unique_ptr<ast::SelectStmt> Transformer::TransformSelect(const pg_query::SelectStmt& select) {
  DepthGuard guard(this);
  auto out = std::make_unique<ast::SelectStmt>();
  if (select.has_with_clause()) out->with = TransformWith(select.with_clause());

  if (select.op() != pg_query::SETOP_NONE && select.op() != pg_query::SET_OPERATION_UNDEFINED) {
    out->op = SetOpKindOf(select.op());
    out->all = select.all();
    out->left_query = TransformSelect(select.larg());
    out->right_query = TransformSelect(select.rarg());
  } else if (select.values_lists_size() > 0) {
    for (const pg_query::Node& row : select.values_lists()) {
      out->values_rows.push_back(TransformExprList(row.list().items()));
    }
  } else {
    // DISTINCT arrives as a list holding one empty node; DISTINCT ON as the list of its expressions.
    if (select.distinct_clause_size() == 1 &&
        select.distinct_clause(0).node_case() == pg_query::Node::NODE_NOT_SET) {
      out->distinct = true;
    } else {
      out->distinct_on = TransformExprList(select.distinct_clause());
    }
    out->targets = TransformTargetList(select.target_list());
    out->from = TransformFromList(select.from_clause());
    out->where = TransformOptionalExpr(select.where_clause());
    TransformGroupBy(select.group_clause(), out.get());
    if (select.group_distinct()) ThrowUnsupported("GROUP BY DISTINCT", -1);
    out->having = TransformOptionalExpr(select.having_clause());
    for (const pg_query::Node& window : select.window_clause()) {
      out->windows.push_back(TransformWindowDef(window.window_def()));
    }
    if (select.has_into_clause()) out->into_table = RangeVarNames(select.into_clause().rel());
  }

  out->order_by = TransformSortList(select.sort_clause());
  out->limit = TransformOptionalExpr(select.limit_count());
  out->offset = TransformOptionalExpr(select.limit_offset());
  out->limit_with_ties = select.limit_option() == pg_query::LIMIT_OPTION_WITH_TIES;
  TransformLocking(select.locking_clause(), out.get());
  return out;
}

std::vector<ast::TargetItem> Transformer::TransformTargetList(const NodeList& nodes) {
  std::vector<ast::TargetItem> targets;
  targets.reserve(nodes.size());
  for (const pg_query::Node& node : nodes) {
    const pg_query::ResTarget& target = node.res_target();
    ast::TargetItem item;
    item.expr = TransformExpr(target.val());
    item.alias = target.name();
    item.location = target.location();
    targets.push_back(std::move(item));
  }
  return targets;
}

void Transformer::TransformGroupBy(const NodeList& nodes, ast::SelectStmt* out) {
  bool has_sets = false;
  for (const pg_query::Node& node : nodes) has_sets = has_sets || node.has_grouping_set();
  if (!has_sets) {
    for (const pg_query::Node& node : nodes) out->group_by.push_back(TransformExpr(node));
    return;
  }
  // The items' grouping sets combine as a cross product: GROUP BY a, ROLLUP(b) is (a, b), (a).
  std::vector<std::vector<int>> sets = {{}};
  for (const pg_query::Node& node : nodes) {
    std::vector<std::vector<int>> item_sets = TransformGroupingItem(node, true, out);
    if (sets.size() * item_sets.size() > kMaxGroupingSets) {
      throw SqlError(SqlState::kStatementTooComplex, "too many grouping sets present (maximum 4096)");
    }
    std::vector<std::vector<int>> product;
    for (const auto& left : sets) {
      for (const auto& right : item_sets) {
        product.push_back(left);
        product.back().insert(product.back().end(), right.begin(), right.end());
      }
    }
    sets = std::move(product);
  }
  out->grouping_sets = std::move(sets);
}

std::vector<std::vector<int>> Transformer::TransformGroupingItem(const pg_query::Node& node, bool top_level,
                                                                 ast::SelectStmt* out) {
  // The expressions of one element of a set: (a, b) inside a grouping set lists several.
  auto element = [&](const pg_query::Node& item) {
    std::vector<int> indices;
    if (!top_level && item.has_row_expr() && item.row_expr().row_format() == pg_query::COERCE_IMPLICIT_CAST) {
      for (const pg_query::Node& arg : item.row_expr().args()) {
        indices.push_back(static_cast<int>(out->group_by.size()));
        out->group_by.push_back(TransformExpr(arg));
      }
      return indices;
    }
    indices.push_back(static_cast<int>(out->group_by.size()));
    out->group_by.push_back(TransformExpr(item));
    return indices;
  };
  if (!node.has_grouping_set()) return {element(node)};
  const pg_query::GroupingSet& set = node.grouping_set();
  top_level = false;
  std::vector<std::vector<int>> elements;
  if (set.kind() == pg_query::GROUPING_SET_ROLLUP || set.kind() == pg_query::GROUPING_SET_CUBE) {
    for (const pg_query::Node& item : set.content()) elements.push_back(element(item));
  }
  std::vector<std::vector<int>> sets;
  switch (set.kind()) {
    case pg_query::GROUPING_SET_EMPTY: return {{}};
    case pg_query::GROUPING_SET_SIMPLE: {
      std::vector<int> all;
      for (const pg_query::Node& item : set.content()) {
        std::vector<int> indices = element(item);
        all.insert(all.end(), indices.begin(), indices.end());
      }
      return {all};
    }
    case pg_query::GROUPING_SET_ROLLUP:
      // ROLLUP(a, b, c) is (a, b, c), (a, b), (a), ().
      for (size_t length = elements.size() + 1; length-- > 0;) {
        std::vector<int> prefix;
        for (size_t index = 0; index < length; ++index) {
          prefix.insert(prefix.end(), elements[index].begin(), elements[index].end());
        }
        sets.push_back(std::move(prefix));
      }
      return sets;
    case pg_query::GROUPING_SET_CUBE: {
      if (elements.size() > 12) {
        throw SqlError(SqlState::kTooManyColumns, "CUBE is limited to 12 elements")
            .WithPosition(CharacterPosition(set.location()));
      }
      // CUBE(a, b) is every subset: (a, b), (a), (b), ().
      const uint32_t count = 1u << elements.size();
      for (uint32_t mask = count; mask-- > 0;) {
        std::vector<int> subset;
        for (size_t index = 0; index < elements.size(); ++index) {
          if ((mask >> (elements.size() - 1 - index) & 1u) == 0) continue;
          subset.insert(subset.end(), elements[index].begin(), elements[index].end());
        }
        sets.push_back(std::move(subset));
      }
      return sets;
    }
    default:
      for (const pg_query::Node& item : set.content()) {
        std::vector<std::vector<int>> item_sets = TransformGroupingItem(item, false, out);
        sets.insert(sets.end(), item_sets.begin(), item_sets.end());
        if (sets.size() > kMaxGroupingSets) {
          throw SqlError(SqlState::kStatementTooComplex, "too many grouping sets present (maximum 4096)");
        }
      }
      return sets;
  }
}

void Transformer::TransformLocking(const NodeList& nodes, ast::SelectStmt* out) {
  for (const pg_query::Node& node : nodes) {
    const pg_query::LockingClause& locking = node.locking_clause();
    switch (locking.strength()) {
      case pg_query::LCS_FORUPDATE:
        out->for_update = true;
        out->lock_strength = "FOR UPDATE";
        break;
      case pg_query::LCS_FORNOKEYUPDATE:
        out->for_update = true;
        out->lock_strength = "FOR NO KEY UPDATE";
        break;
      case pg_query::LCS_FORSHARE: ThrowUnsupported("SELECT FOR SHARE", -1);
      case pg_query::LCS_FORKEYSHARE: ThrowUnsupported("SELECT FOR KEY SHARE", -1);
      default: break;
    }
    if (locking.wait_policy() == pg_query::LockWaitSkip) ThrowUnsupported("SKIP LOCKED", -1);
    if (locking.wait_policy() == pg_query::LockWaitError) ThrowUnsupported("NOWAIT", -1);
  }
}

std::unique_ptr<ast::WithClause> Transformer::TransformWith(const pg_query::WithClause& with) {
  auto out = std::make_unique<ast::WithClause>();
  out->recursive = with.recursive();
  for (const pg_query::Node& node : with.ctes()) {
    const pg_query::CommonTableExpr& cte = node.common_table_expr();
    if (cte.has_search_clause()) ThrowUnsupported("SEARCH in WITH", cte.location());
    if (cte.has_cycle_clause()) ThrowUnsupported("CYCLE in WITH", cte.location());
    ast::CommonTableExpr item;
    item.name = cte.ctename();
    item.column_names = StringList(cte.aliascolnames());
    switch (cte.ctematerialized()) {
      case pg_query::CTEMaterializeAlways: item.materialized = 1; break;
      case pg_query::CTEMaterializeNever: item.materialized = 2; break;
      default: item.materialized = 0; break;
    }
    item.query = TransformQuery(cte.ctequery(), cte.location());
    item.location = cte.location();
    out->ctes.push_back(std::move(item));
  }
  return out;
}

std::vector<std::unique_ptr<ast::TableRef>> Transformer::TransformFromList(const NodeList& nodes) {
  std::vector<std::unique_ptr<ast::TableRef>> refs;
  refs.reserve(nodes.size());
  for (const pg_query::Node& node : nodes) refs.push_back(TransformTableRef(node));
  return refs;
}

std::unique_ptr<ast::TableRef> Transformer::TransformTableRef(const pg_query::Node& node) {
  DepthGuard guard(this);
  switch (node.node_case()) {
    case pg_query::Node::kRangeVar: {
      const pg_query::RangeVar& range_var = node.range_var();
      auto ref = std::make_unique<ast::TableRef>(ast::TableRefKind::kBaseTable);
      ref->names = RangeVarNames(range_var);
      ref->location = range_var.location();
      if (range_var.has_alias()) ApplyAlias(range_var.alias(), ref.get());
      return ref;
    }
    case pg_query::Node::kRangeSubselect: {
      const pg_query::RangeSubselect& subselect = node.range_subselect();
      auto query = TransformQuery(subselect.subquery(), -1);
      bool is_values = query->op == ast::SetOpKind::kNone && !query->values_rows.empty();
      auto ref = std::make_unique<ast::TableRef>(is_values ? ast::TableRefKind::kValues
                                                           : ast::TableRefKind::kSubquery);
      ref->subquery = std::move(query);
      ref->lateral = subselect.lateral();
      if (subselect.has_alias()) ApplyAlias(subselect.alias(), ref.get());
      return ref;
    }
    case pg_query::Node::kJoinExpr: return TransformJoin(node.join_expr());
    case pg_query::Node::kRangeFunction: return TransformRangeFunction(node.range_function());
    case pg_query::Node::kRangeTableSample:
      ThrowUnsupported("TABLESAMPLE", node.range_table_sample().location());
    case pg_query::Node::kRangeTableFunc: ThrowUnsupported("XMLTABLE", node.range_table_func().location());
    default: ThrowUnsupported("this kind of FROM item", -1);
  }
}

std::unique_ptr<ast::TableRef> Transformer::TransformJoin(const pg_query::JoinExpr& join) {
  auto ref = std::make_unique<ast::TableRef>(ast::TableRefKind::kJoin);
  ref->left = TransformTableRef(join.larg());
  ref->right = TransformTableRef(join.rarg());
  ref->location = ref->left->location;
  switch (join.jointype()) {
    case pg_query::JOIN_INNER: ref->join_type = ast::JoinType::kInner; break;
    case pg_query::JOIN_LEFT: ref->join_type = ast::JoinType::kLeft; break;
    case pg_query::JOIN_RIGHT: ref->join_type = ast::JoinType::kRight; break;
    case pg_query::JOIN_FULL: ref->join_type = ast::JoinType::kFull; break;
    default: ThrowUnsupported("this kind of join", ref->location);
  }
  ref->natural = join.is_natural();
  ref->using_columns = StringList(join.using_clause());
  ref->join_condition = TransformOptionalExpr(join.quals());
  // The grammar writes CROSS JOIN (and a comma list's joins) as an inner join with no condition.
  if (ref->join_type == ast::JoinType::kInner && ref->join_condition == nullptr &&
      ref->using_columns.empty() && !ref->natural) {
    ref->join_type = ast::JoinType::kCross;
  }
  if (join.has_join_using_alias()) ThrowUnsupported("an alias for JOIN USING", ref->location);
  if (join.has_alias()) ApplyAlias(join.alias(), ref.get());
  return ref;
}

std::unique_ptr<ast::TableRef> Transformer::TransformRangeFunction(const pg_query::RangeFunction& range) {
  if (range.is_rowsfrom()) ThrowUnsupported("ROWS FROM", -1);
  if (range.coldeflist_size() > 0) ThrowUnsupported("column definition list for a function in FROM", -1);
  // functions holds one (function, column definitions) pair per call: exactly one without ROWS FROM.
  const pg_query::List& pair = range.functions(0).list();
  auto ref = std::make_unique<ast::TableRef>(ast::TableRefKind::kFunction);
  ref->function = TransformExpr(pair.items(0));
  ref->location = ref->function->location;
  if (range.lateral()) ThrowUnsupported("LATERAL function call", ref->location);
  if (pair.items_size() > 1 && pair.items(1).has_list() && pair.items(1).list().items_size() > 0) {
    ThrowUnsupported("column definition list for a function in FROM", ref->location);
  }
  ref->with_ordinality = range.ordinality();
  if (range.has_alias()) ApplyAlias(range.alias(), ref.get());
  return ref;
}

}  // namespace tessera::planner::parser
