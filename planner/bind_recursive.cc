// SPDX-License-Identifier: Apache-2.0
// WITH RECURSIVE: finds which CTEs reference themselves, checks that such a query has PostgreSQL's form
// (non-recursive term UNION [ALL] recursive term, one self-reference, not inside a subquery, an outer
// join's nullable side, INTERSECT/EXCEPT or an aggregating query; as parse_cte.c does), and binds it into a
// recursive union whose recursive term reads the previous iteration through a work table.
#include "planner/binder.h"

namespace tessera::planner {

using engine::BoundExprPtr;
using engine::CastContext;
using engine::PlanKind;
using engine::PlanNode;
using engine::PlanPtr;

namespace {

// Where a self-reference was found; anything but kOk is an error.
enum class RecursionContext { kOk, kNonRecursiveTerm, kSubquery, kOuterJoin, kIntersect, kExcept };

const char* Where(RecursionContext context) {
  switch (context) {
    case RecursionContext::kNonRecursiveTerm: return "its non-recursive term";
    case RecursionContext::kSubquery: return "a subquery";
    case RecursionContext::kOuterJoin: return "an outer join";
    case RecursionContext::kIntersect: return "INTERSECT";
    case RecursionContext::kExcept: return "EXCEPT";
    case RecursionContext::kOk: break;
  }
  return "";
}

// Walks a query's AST for references to the CTE `name`. With `check` set it throws PostgreSQL's 42P19
// errors for misplaced references; otherwise it only counts them.
class SelfReferenceWalker {
 public:
  SelfReferenceWalker(const std::string& name, bool check) : name_(name), check_(check) {}

  int references() const { return references_; }

  void WalkSelect(const ast::SelectStmt& select, RecursionContext context) {
    if (select.with != nullptr) {
      for (const auto& cte : select.with->ctes) {
        if (cte.name == name_) return;  // shadowed from here on
      }
      for (const auto& cte : select.with->ctes) WalkSelect(*cte.query, context);
    }
    switch (select.op) {
      case ast::SetOpKind::kUnion:
        WalkSelect(*select.left_query, context);
        WalkSelect(*select.right_query, context);
        break;
      case ast::SetOpKind::kIntersect: {
        const RecursionContext inner = select.all ? RecursionContext::kIntersect : context;
        WalkSelect(*select.left_query, inner);
        WalkSelect(*select.right_query, inner);
        break;
      }
      case ast::SetOpKind::kExcept:
        WalkSelect(*select.left_query, select.all ? RecursionContext::kExcept : context);
        WalkSelect(*select.right_query, RecursionContext::kExcept);
        break;
      case ast::SetOpKind::kNone:
        WalkSimpleSelect(select, context);
        break;
    }
    for (const auto& item : select.order_by) WalkExpr(item.expr.get(), context);
    WalkExpr(select.limit.get(), context);
    WalkExpr(select.offset.get(), context);
  }

 private:
  void WalkSimpleSelect(const ast::SelectStmt& select, RecursionContext context) {
    for (const auto& row : select.values_rows) {
      for (const auto& expr : row) WalkExpr(expr.get(), context);
    }
    int direct = 0;
    for (const auto& ref : select.from) direct += WalkTableRef(*ref, context);
    WalkExpr(select.where.get(), context);
    for (const auto& target : select.targets) WalkExpr(target.expr.get(), context);
    for (const auto& expr : select.group_by) WalkExpr(expr.get(), context);
    WalkExpr(select.having.get(), context);
    for (const auto& expr : select.distinct_on) WalkExpr(expr.get(), context);
    if (!check_ || direct == 0) return;
    bool aggregates = ContainsAggregate(select.having.get());
    for (const auto& target : select.targets) aggregates = aggregates || ContainsAggregate(target.expr.get());
    for (const auto& item : select.order_by) aggregates = aggregates || ContainsAggregate(item.expr.get());
    if (aggregates) {
      throw SqlError(SqlState::kInvalidRecursion, "aggregate functions are not allowed in a recursive query's recursive term");
    }
  }

  // Returns the self-references found directly in this FROM item (through joins, not subqueries).
  int WalkTableRef(const ast::TableRef& ref, RecursionContext context) {
    switch (ref.kind) {
      case ast::TableRefKind::kBaseTable:
        if (ref.names.size() != 1 || ref.names[0] != name_) return 0;
        Found(context, ref.location);
        return 1;
      case ast::TableRefKind::kSubquery:
      case ast::TableRefKind::kValues:
        WalkSelect(*ref.subquery, context);
        return 0;
      case ast::TableRefKind::kFunction:
        WalkExpr(ref.function.get(), context);
        return 0;
      case ast::TableRefKind::kJoin: {
        const bool left_outer = ref.join_type == ast::JoinType::kRight || ref.join_type == ast::JoinType::kFull;
        const bool right_outer = ref.join_type == ast::JoinType::kLeft || ref.join_type == ast::JoinType::kFull;
        auto side = [&](bool outer) { return outer && context == RecursionContext::kOk ? RecursionContext::kOuterJoin : context; };
        int direct = WalkTableRef(*ref.left, side(left_outer));
        direct += WalkTableRef(*ref.right, side(right_outer));
        WalkExpr(ref.join_condition.get(), context);
        return direct;
      }
    }
    return 0;
  }

  void WalkExpr(const ast::Expr* expr, RecursionContext context) {
    if (expr == nullptr) return;
    for (const auto& arg : expr->args) WalkExpr(arg.get(), context);
    WalkExpr(expr->case_operand.get(), context);
    for (const auto& item : expr->when_conditions) WalkExpr(item.get(), context);
    for (const auto& item : expr->when_results) WalkExpr(item.get(), context);
    WalkExpr(expr->else_result.get(), context);
    for (const auto& item : expr->agg_order) WalkExpr(item.expr.get(), context);
    WalkExpr(expr->agg_filter.get(), context);
    if (expr->subquery) WalkSelect(*expr->subquery, RecursionContext::kSubquery);
  }

  void Found(RecursionContext context, int location) {
    ++references_;
    if (!check_) return;
    const std::string prefix = "recursive reference to query \"" + name_ + "\" must not appear ";
    if (context != RecursionContext::kOk) {
      throw SqlError(SqlState::kInvalidRecursion, prefix + "within " + Where(context)).WithPosition(location + 1);
    }
    if (++allowed_references_ > 1) {
      throw SqlError(SqlState::kInvalidRecursion, prefix + "more than once").WithPosition(location + 1);
    }
  }

  const std::string& name_;
  const bool check_;
  int references_ = 0;
  int allowed_references_ = 0;
};

// Throws PostgreSQL's errors for a self-referencing CTE that is not `anchor UNION [ALL] recursive term`.
void CheckRecursiveForm(const ast::CommonTableExpr& cte) {
  const ast::SelectStmt& query = *cte.query;
  if (query.op != ast::SetOpKind::kUnion) {
    throw SqlError(SqlState::kInvalidRecursion, "recursive query \"" + cte.name +
                                                    "\" does not have the form non-recursive-term UNION [ALL] recursive-term")
        .WithPosition(cte.location + 1);
  }
  const auto not_implemented = [](const char* what) {
    throw SqlError(SqlState::kFeatureNotSupported, std::string(what) + " in a recursive query is not implemented");
  };
  if (!query.order_by.empty()) not_implemented("ORDER BY");
  if (query.offset) not_implemented("OFFSET");
  if (query.limit) not_implemented("LIMIT");
  if (query.for_update) not_implemented("FOR UPDATE/SHARE");
  SelfReferenceWalker(cte.name, true).WalkSelect(*query.left_query, RecursionContext::kNonRecursiveTerm);
  SelfReferenceWalker(cte.name, true).WalkSelect(*query.right_query, RecursionContext::kOk);
}

}  // namespace

bool ReadsWorkTable(const PlanNode& plan) {
  if (plan.kind == PlanKind::kWorkTable) return true;
  for (const auto& child : plan.children) {
    if (ReadsWorkTable(*child)) return true;
  }
  return false;
}

bool ReferencesCte(const ast::SelectStmt& query, const std::string& name) {
  SelfReferenceWalker walker(name, false);
  walker.WalkSelect(query, RecursionContext::kOk);
  return walker.references() > 0;
}

std::vector<std::string> CteColumnNames(const ast::CommonTableExpr& cte, std::vector<std::string> names) {
  if (cte.column_names.size() > names.size()) {
    throw SqlError(SqlState::kInvalidColumnReference, "WITH query \"" + cte.name + "\" has " + std::to_string(names.size()) +
                                                          " columns available but " + std::to_string(cte.column_names.size()) +
                                                          " columns specified")
        .WithPosition(cte.location + 1);
  }
  for (size_t index = 0; index < cte.column_names.size(); ++index) names[index] = cte.column_names[index];
  return names;
}

std::pair<PlanPtr, std::vector<std::string>> Binder::BindRecursiveCte(const ast::CommonTableExpr& cte, Scope* outer) {
  CheckRecursiveForm(cte);
  const ast::SelectStmt& query = *cte.query;
  // The non-recursive term decides the column types; the recursive term sees them through the work table.
  BoundQuery anchor = BindQuery(*query.left_query, outer);
  const std::vector<LogicalType> types = anchor.plan->output_types;
  std::vector<std::string> names = CteColumnNames(cte, anchor.names);
  auto state = std::make_shared<engine::WorkTableState>();
  state->name = cte.name;
  auto work_table = std::make_shared<PlanNode>(PlanKind::kWorkTable);
  work_table->output_types = types;
  work_table->output_names = names;
  work_table->work_table = state;
  ctes_.back()[cte.name] = {work_table, names};

  BoundQuery recursive = BindQuery(*query.right_query, outer);
  if (recursive.plan->output_types.size() != types.size()) {
    throw SqlError(SqlState::kSyntaxError, "each UNION query must have the same number of columns");
  }
  std::vector<BoundExprPtr> casts;
  for (size_t column = 0; column < types.size(); ++column) {
    const LogicalType& term_type = recursive.plan->output_types[column];
    const LogicalType overall = CommonType({types[column], term_type}, "UNION");
    if (!(overall == types[column])) {
      throw SqlError(SqlState::kDatatypeMismatch, "recursive query \"" + cte.name + "\" column " + std::to_string(column + 1) +
                                                      " has type " + FormatType(types[column]) +
                                                      " in non-recursive term but type " + FormatType(overall) + " overall")
          .WithHint("Cast the output of the non-recursive term to the correct type.");
    }
    casts.push_back(Coerce(engine::MakeColumn(static_cast<int>(column), term_type), types[column], CastContext::kImplicit));
  }
  auto node = std::make_shared<PlanNode>(PlanKind::kRecursiveUnion);
  node->output_types = types;
  node->output_names = names;
  node->set_all = query.all;
  node->work_table = state;
  node->children = {anchor.plan, MakeProject(recursive.plan, std::move(casts), names)};
  return {node, names};
}

}  // namespace tessera::planner
