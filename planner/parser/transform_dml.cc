// SPDX-License-Identifier: Apache-2.0
// Transforms INSERT (with ON CONFLICT), UPDATE and DELETE statements.
#include "base/error.h"
#include "planner/parser/transformer.h"

namespace tessera::planner::parser {

std::vector<ast::SetClause> Transformer::TransformSetClauses(const NodeList& targets) {
  std::vector<ast::SetClause> clauses;
  clauses.reserve(targets.size());
  for (const pg_query::Node& node : targets) {
    const pg_query::ResTarget& target = node.res_target();
    if (target.indirection_size() > 0) {
      ThrowUnsupported("assigning to an array element or field", target.location());
    }
    ast::SetClause clause;
    clause.column = target.name();
    clause.value = target.val().has_multi_assign_ref() ? TransformMultiAssignValue(target.val().multi_assign_ref())
                                                       : TransformExpr(target.val());
    clause.location = target.location();
    clauses.push_back(std::move(clause));
  }
  return clauses;
}

// Returns the value one column of `SET (a, b) = ROW(...)` takes: the source row's field at its position.
// The parser hands each column the whole source; a sub-SELECT source is not supported yet.
ast::ExprPtr Transformer::TransformMultiAssignValue(const pg_query::MultiAssignRef& assign) {
  const pg_query::Node& source = assign.source();
  if (source.has_sub_link()) ThrowUnsupported("multiple-column assignment from a sub-SELECT", source.sub_link().location());
  if (!source.has_row_expr()) {
    throw SqlError(SqlState::kFeatureNotSupported, "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression")
        .WithPosition(CharacterPosition(TransformExpr(source)->location));
  }
  const auto& fields = source.row_expr().args();
  if (fields.size() != assign.ncolumns()) {
    throw SqlError(SqlState::kSyntaxError, "number of columns does not match number of values")
        .WithPosition(CharacterPosition(source.row_expr().location()));
  }
  return TransformExpr(fields.Get(assign.colno() - 1));
}

ast::StatementPtr Transformer::TransformInsert(const pg_query::InsertStmt& insert) {
  auto out = std::make_unique<ast::InsertStatement>();
  if (insert.has_with_clause()) out->with = TransformWith(insert.with_clause());
  out->table = RangeVarNames(insert.relation());
  out->alias = insert.relation().alias().aliasname();
  for (const pg_query::Node& node : insert.cols()) {
    const pg_query::ResTarget& column = node.res_target();
    if (column.indirection_size() > 0) {
      ThrowUnsupported("inserting into an array element or field", column.location());
    }
    out->columns.push_back(column.name());
  }
  if (insert.override() == pg_query::OVERRIDING_USER_VALUE ||
      insert.override() == pg_query::OVERRIDING_SYSTEM_VALUE) {
    ThrowUnsupported("OVERRIDING", insert.relation().location());
  }
  // No source query means INSERT ... DEFAULT VALUES.
  if (insert.has_select_stmt()) out->source = TransformQuery(insert.select_stmt(), -1);

  if (insert.has_on_conflict_clause()) {
    const pg_query::OnConflictClause& conflict = insert.on_conflict_clause();
    out->on_conflict = conflict.action() == pg_query::ONCONFLICT_UPDATE ? ast::OnConflictAction::kUpdate
                                                                        : ast::OnConflictAction::kNothing;
    if (conflict.has_infer()) {
      const pg_query::InferClause& infer = conflict.infer();
      out->conflict_constraint = infer.conname();
      if (infer.has_where_clause())
        ThrowUnsupported("ON CONFLICT ... WHERE for the target", infer.location());
      for (const pg_query::Node& element : infer.index_elems()) {
        const pg_query::IndexElem& index_elem = element.index_elem();
        if (index_elem.name().empty()) ThrowUnsupported("ON CONFLICT on an expression", infer.location());
        out->conflict_columns.push_back(index_elem.name());
      }
    }
    out->conflict_set = TransformSetClauses(conflict.target_list());
    out->conflict_where = TransformOptionalExpr(conflict.where_clause());
  }
  out->returning = TransformTargetList(insert.returning_list());
  return out;
}

ast::StatementPtr Transformer::TransformUpdate(const pg_query::UpdateStmt& update) {
  auto out = std::make_unique<ast::UpdateStatement>();
  if (update.has_with_clause()) out->with = TransformWith(update.with_clause());
  out->table = RangeVarNames(update.relation());
  out->table_location = update.relation().location();
  out->alias = update.relation().alias().aliasname();
  out->set = TransformSetClauses(update.target_list());
  out->from = TransformFromList(update.from_clause());
  out->where = TransformOptionalExpr(update.where_clause());
  out->returning = TransformTargetList(update.returning_list());
  return out;
}

ast::StatementPtr Transformer::TransformDelete(const pg_query::DeleteStmt& remove) {
  auto out = std::make_unique<ast::DeleteStatement>();
  if (remove.has_with_clause()) out->with = TransformWith(remove.with_clause());
  out->table = RangeVarNames(remove.relation());
  out->table_location = remove.relation().location();
  out->alias = remove.relation().alias().aliasname();
  out->using_tables = TransformFromList(remove.using_clause());
  out->where = TransformOptionalExpr(remove.where_clause());
  out->returning = TransformTargetList(remove.returning_list());
  return out;
}

}  // namespace tessera::planner::parser
