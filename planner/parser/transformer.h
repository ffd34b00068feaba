// SPDX-License-Identifier: Apache-2.0
// Private to planner/parser/: the Transformer that turns libpg_query's protobuf parse tree into ast nodes.
//
// Design: ParseSql (parser.cc) decodes libpg_query's protobuf result and creates one Transformer per call,
// holding the whole SQL text. TransformStatement (transformer.cc) dispatches on the statement node; the
// member functions are defined by family, one file each: transform_expression.cc and
// transform_function.cc (expressions, calls, windows), transform_select.cc (queries, FROM, WITH),
// transform_dml.cc, transform_ddl.cc (CREATE ...), transform_alter.cc (ALTER, DROP, TRUNCATE),
// transform_utility.cc (transactions, SET, EXPLAIN, COPY, ...), unsupported_statement.cc (names of
// statements without an ast node). The tree is walked once and never modified.
//
// Errors: constructs the ast cannot represent throw SqlError 0A000 naming the construct, positioned at
// the construct (ThrowUnsupported). Nesting deeper than kMaxDepth throws 54001.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pg_query.pb.h"
#include "planner/ast.h"

namespace tessera::planner::parser {

using NodeList = google::protobuf::RepeatedPtrField<pg_query::Node>;

class Transformer {
 public:
  // `sql` is the whole text handed to ParseSql; it must outlive the Transformer.
  explicit Transformer(std::string_view sql) : sql_(sql) {}

  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  // Transforms one statement found at [location, location + length) of the text (length 0: to the end).
  ast::StatementPtr TransformStatement(const pg_query::Node& node, int location, int length);

  // --- Expressions (transform_expression.cc) -----------------------------------------------------------
  // REQUIRES: node is set. Throws 0A000 for expression nodes the ast has no kind for.
  ast::ExprPtr TransformExpr(const pg_query::Node& node);
  // Returns nullptr when the node is unset (an absent optional clause).
  ast::ExprPtr TransformOptionalExpr(const pg_query::Node& node);
  std::vector<ast::ExprPtr> TransformExprList(const NodeList& nodes);
  ast::TypeName TransformTypeName(const pg_query::TypeName& type_name);
  // Returns the expression as SQL text, printed by libpg_query's deparser (normalised spacing and
  // parentheses, e.g. "1 + 2", "'x'", "now()").
  std::string DeparseExpr(const pg_query::Node& node) const;

  // --- Function calls, windows, ORDER BY (transform_function.cc) ---------------------------------------
  ast::ExprPtr TransformFuncCall(const pg_query::FuncCall& call);
  ast::WindowSpec TransformWindowDef(const pg_query::WindowDef& window);
  std::vector<ast::SortItem> TransformSortList(const NodeList& nodes);

  // --- Queries (transform_select.cc) -------------------------------------------------------------------
  std::unique_ptr<ast::SelectStmt> TransformSelect(const pg_query::SelectStmt& select);
  // Transforms a node that must hold a query (subquery, CTE body, INSERT source); 0A000 otherwise.
  std::unique_ptr<ast::SelectStmt> TransformQuery(const pg_query::Node& node, int location);
  std::unique_ptr<ast::WithClause> TransformWith(const pg_query::WithClause& with);
  std::vector<ast::TargetItem> TransformTargetList(const NodeList& nodes);
  std::vector<std::unique_ptr<ast::TableRef>> TransformFromList(const NodeList& nodes);

  // --- Errors ------------------------------------------------------------------------------------------
  // Throws 0A000 "<construct> is not supported" positioned at the byte offset `location` (or none if -1).
  [[noreturn]] void ThrowUnsupported(std::string_view construct, int location) const;
  // Returns the 1-based character position PostgreSQL reports for a 0-based byte offset, 0 for -1.
  int CharacterPosition(int location) const;

 private:
  static constexpr int kMaxDepth = 1000;

  // Counts nesting for the lifetime of one recursive call; throws 54001 past kMaxDepth.
  class DepthGuard {
   public:
    explicit DepthGuard(Transformer* transformer);
    ~DepthGuard() { --transformer_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Transformer* transformer_;
  };

  // Statement families.
  ast::StatementPtr TransformSelectStatement(const pg_query::SelectStmt& select);
  ast::StatementPtr TransformInsert(const pg_query::InsertStmt& insert);
  ast::StatementPtr TransformUpdate(const pg_query::UpdateStmt& update);
  ast::StatementPtr TransformDelete(const pg_query::DeleteStmt& remove);
  ast::StatementPtr TransformCreateTable(const pg_query::CreateStmt& create);
  ast::StatementPtr TransformCreateTableAs(const pg_query::CreateTableAsStmt& create);
  ast::StatementPtr TransformCreateView(const pg_query::ViewStmt& view);
  ast::StatementPtr TransformCreateSchema(const pg_query::CreateSchemaStmt& create);
  ast::StatementPtr TransformCreateIndex(const pg_query::IndexStmt& index);
  ast::StatementPtr TransformCreateSequence(const pg_query::CreateSeqStmt& create);
  ast::StatementPtr TransformDrop(const pg_query::DropStmt& drop);
  ast::StatementPtr TransformTruncate(const pg_query::TruncateStmt& truncate);
  ast::StatementPtr TransformAlterTable(const pg_query::AlterTableStmt& alter);
  ast::StatementPtr TransformRename(const pg_query::RenameStmt& rename);
  ast::StatementPtr TransformTransaction(const pg_query::TransactionStmt& transaction);
  ast::StatementPtr TransformVariableSet(const pg_query::VariableSetStmt& set);
  ast::StatementPtr TransformExplain(const pg_query::ExplainStmt& explain);
  ast::StatementPtr TransformCopy(const pg_query::CopyStmt& copy);
  ast::StatementPtr TransformPrepare(const pg_query::PrepareStmt& prepare);
  ast::StatementPtr TransformExecute(const pg_query::ExecuteStmt& execute);
  ast::StatementPtr TransformDiscard(const pg_query::DiscardStmt& discard);
  ast::StatementPtr TransformVacuum(const pg_query::VacuumStmt& vacuum);

  // Pieces shared inside a family.
  ast::ExprPtr TransformAExpr(const pg_query::A_Expr& expr);
  ast::ExprPtr TransformSubLink(const pg_query::SubLink& link);
  ast::ExprPtr TransformIndirection(const pg_query::A_Indirection& indirection);
  std::unique_ptr<ast::TableRef> TransformTableRef(const pg_query::Node& node);
  std::unique_ptr<ast::TableRef> TransformRangeFunction(const pg_query::RangeFunction& function);
  std::unique_ptr<ast::TableRef> TransformJoin(const pg_query::JoinExpr& join);
  void TransformGroupBy(const NodeList& nodes, ast::SelectStmt* out);
  // Expands one GROUP BY item (an expression, (), ROLLUP, CUBE or GROUPING SETS) into its grouping sets,
  // appending its expressions to out->group_by; `top_level` for items written directly in GROUP BY.
  std::vector<std::vector<int>> TransformGroupingItem(const pg_query::Node& node, bool top_level,
                                                      ast::SelectStmt* out);
  void TransformLocking(const NodeList& nodes, ast::SelectStmt* out);
  ast::ColumnDef TransformColumnDef(const pg_query::ColumnDef& column, ast::CreateTableStatement* table);
  ast::TableConstraint TransformTableConstraint(const pg_query::Constraint& constraint);
  std::vector<ast::SetClause> TransformSetClauses(const NodeList& targets);
  ast::ExprPtr TransformMultiAssignValue(const pg_query::MultiAssignRef& assign);
  // Returns the text of the current CREATE VIEW statement's query.
  std::string ViewQueryText() const;

  std::string_view sql_;
  int statement_location_ = 0;  // bounds of the statement being transformed in sql_ (length 0: to the end)
  int statement_length_ = 0;
  int depth_ = 0;  // nesting of expressions and queries, bounded by kMaxDepth
};

// --- Helpers over protobuf nodes (transformer.cc) ----------------------------------------------------

// Returns a String node's value, "" for any other node.
std::string StringValue(const pg_query::Node& node);
// Returns the String values of a name list such as ColumnRef fields or a qualified function name.
std::vector<std::string> StringList(const NodeList& nodes);
// Returns [catalog,] [schema,] relation.
std::vector<std::string> RangeVarNames(const pg_query::RangeVar& range_var);
// Returns a constant or option value as text: strings unquoted, numbers as written, booleans
// "true"/"false", type and qualified names dotted, a cast's operand; "" for anything else.
std::string ConstantText(const pg_query::Node& node);
// Returns a DefElem's argument as ConstantText does; `when_missing` when the option has no argument.
std::string DefElemText(const pg_query::DefElem& option, std::string_view when_missing);
// Returns the SQL words for an object type, e.g. "MATERIALIZED VIEW".
std::string ObjectTypeWords(pg_query::ObjectType type);
// Returns what to call a statement that has no ast node, e.g. "CREATE FUNCTION" (unsupported_statement.cc).
std::string UnsupportedStatementName(const pg_query::Node& node);

// libpg_query's tree of `sql` (which holds no NUL character) (parser.cc). Throws the error PostgreSQL
// reports for text it rejects (42601, ...), and 54001 for a tree nested too deeply to decode.
pg_query::ParseResult ParseTree(const std::string& sql);
// `tree` as SQL text written by libpg_query; empty when it cannot write it.
std::string DeparseTree(const pg_query::ParseResult& tree);

}  // namespace tessera::planner::parser
