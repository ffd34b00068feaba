// SPDX-License-Identifier: Apache-2.0
// Transforms CREATE statements: TABLE (columns, constraints, options), TABLE AS, VIEW, SCHEMA, INDEX,
// SEQUENCE.
#include <pg_query.h>

#include <string>

#include "planner/parser/transformer.h"

namespace tessera::planner::parser {
namespace {

// serial types are int columns with a sequence default, as PostgreSQL's transformColumnDefinition sees
// them: an unqualified type name. Returns the integer type name, or "" for other types.
std::string SerialBaseType(const ast::TypeName& type) {
  if (type.names.size() != 1 || type.array_dimensions != 0) return "";
  const std::string& name = type.names.front();
  if (name == "serial" || name == "serial4") return "int4";
  if (name == "bigserial" || name == "serial8") return "int8";
  if (name == "smallserial" || name == "serial2") return "int2";
  return "";
}

std::vector<ast::TableOption> TransformOptions(const NodeList& nodes, std::string_view when_missing) {
  std::vector<ast::TableOption> options;
  options.reserve(nodes.size());
  for (const pg_query::Node& node : nodes) {
    const pg_query::DefElem& option = node.def_elem();
    std::string name =
        option.defnamespace().empty() ? option.defname() : option.defnamespace() + "." + option.defname();
    options.push_back(ast::TableOption{std::move(name), DefElemText(option, when_missing)});
  }
  return options;
}

// Combines two CHECK expressions on one column into their AND, which accepts exactly the same rows.
ast::ExprPtr AndChecks(ast::ExprPtr first, ast::ExprPtr second) {
  auto both = std::make_unique<ast::Expr>(ast::ExprKind::kAnd);
  both->location = first->location;
  both->args.push_back(std::move(first));
  both->args.push_back(std::move(second));
  return both;
}

// Returns libpg_query's scanner tokens for `text`; none when it cannot be scanned.
pg_query::ScanResult ScanTokens(const std::string& text) {
  pg_query::ScanResult tokens;
  PgQueryScanResult scan = pg_query_scan(text.c_str());
  if (scan.error == nullptr) {
    tokens.ParseFromArray(scan.pbuf.data, static_cast<int>(scan.pbuf.len));
  }
  pg_query_free_scan_result(scan);
  return tokens;
}

}  // namespace

std::string Transformer::DeparseExpr(const pg_query::Node& node) const {
  // Deparse `SELECT <node>` and drop the "SELECT ".
  pg_query::ParseResult tree;
  auto* select = tree.add_stmts()->mutable_stmt()->mutable_select_stmt();
  *select->add_target_list()->mutable_res_target()->mutable_val() = node;
  const std::string text = DeparseTree(tree);
  constexpr std::string_view kPrefix = "SELECT ";
  if (text.compare(0, kPrefix.size(), kPrefix) != 0) ThrowUnsupported("this DEFAULT expression", -1);
  return text.substr(kPrefix.size());
}

ast::StatementPtr Transformer::TransformCreateTable(const pg_query::CreateStmt& create) {
  const int location = create.relation().location();
  if (create.inh_relations_size() > 0) ThrowUnsupported("INHERITS", location);
  if (create.has_partspec()) ThrowUnsupported("PARTITION BY", location);
  if (create.has_partbound()) ThrowUnsupported("CREATE TABLE ... PARTITION OF", location);
  if (create.has_of_typename()) ThrowUnsupported("CREATE TABLE ... OF type", location);
  if (create.oncommit() == pg_query::ONCOMMIT_DELETE_ROWS)
    ThrowUnsupported("ON COMMIT DELETE ROWS", location);
  if (create.oncommit() == pg_query::ONCOMMIT_DROP) ThrowUnsupported("ON COMMIT DROP", location);
  if (!create.tablespacename().empty()) ThrowUnsupported("TABLESPACE", location);
  if (!create.access_method().empty()) ThrowUnsupported("table access method", location);

  auto out = std::make_unique<ast::CreateTableStatement>();
  out->table = RangeVarNames(create.relation());
  out->temporary = create.relation().relpersistence() == "t";
  out->if_not_exists = create.if_not_exists();
  for (const pg_query::Node& element : create.table_elts()) {
    switch (element.node_case()) {
      case pg_query::Node::kColumnDef:
        out->columns.push_back(TransformColumnDef(element.column_def(), out.get()));
        break;
      case pg_query::Node::kConstraint:
        out->constraints.push_back(TransformTableConstraint(element.constraint()));
        break;
      case pg_query::Node::kTableLikeClause: ThrowUnsupported("LIKE in CREATE TABLE", location);
      default: ThrowUnsupported("this kind of table element", location);
    }
  }
  for (const pg_query::Node& constraint : create.constraints()) {
    out->constraints.push_back(TransformTableConstraint(constraint.constraint()));
  }
  out->options = TransformOptions(create.options(), "true");
  return out;
}

ast::ColumnDef Transformer::TransformColumnDef(const pg_query::ColumnDef& column,
                                               ast::CreateTableStatement* table) {
  ast::ColumnDef def;
  def.name = column.colname();
  def.location = column.location();
  def.type = TransformTypeName(column.type_name());
  if (std::string base = SerialBaseType(def.type); !base.empty()) {
    def.type.names = {"pg_catalog", base};
    def.is_serial = true;
  }
  if (column.has_coll_clause()) ThrowUnsupported("COLLATE on a column", column.coll_clause().location());
  def.not_null = column.is_not_null();
  if (column.has_raw_default()) {
    def.default_value = TransformExpr(column.raw_default());
    def.default_sql = DeparseExpr(column.raw_default());
  }

  for (const pg_query::Node& node : column.constraints()) {
    const pg_query::Constraint& constraint = node.constraint();
    const int location = constraint.location();
    switch (constraint.contype()) {
      case pg_query::CONSTR_NULL: def.explicit_null = true; break;
      case pg_query::CONSTR_NOTNULL: def.not_null = true; break;
      case pg_query::CONSTR_DEFAULT:
        def.default_value = TransformExpr(constraint.raw_expr());
        def.default_sql = DeparseExpr(constraint.raw_expr());
        break;
      case pg_query::CONSTR_CHECK: {
        ast::ExprPtr check = TransformExpr(constraint.raw_expr());
        def.check =
            def.check == nullptr ? std::move(check) : AndChecks(std::move(def.check), std::move(check));
        break;
      }
      case pg_query::CONSTR_PRIMARY: def.primary_key = true; break;
      case pg_query::CONSTR_UNIQUE:
        if (constraint.nulls_not_distinct()) ThrowUnsupported("UNIQUE NULLS NOT DISTINCT", location);
        def.unique = true;
        break;
      case pg_query::CONSTR_FOREIGN: {
        if (table == nullptr) ThrowUnsupported("REFERENCES in ALTER TABLE ... ADD COLUMN", location);
        ast::TableConstraint foreign_key = TransformTableConstraint(constraint);
        foreign_key.columns = {def.name};
        table->constraints.push_back(std::move(foreign_key));
        break;
      }
      case pg_query::CONSTR_ATTR_NOT_DEFERRABLE:
      case pg_query::CONSTR_ATTR_IMMEDIATE: break;  // the defaults
      case pg_query::CONSTR_ATTR_DEFERRABLE:
      case pg_query::CONSTR_ATTR_DEFERRED: ThrowUnsupported("DEFERRABLE constraint", location);
      case pg_query::CONSTR_IDENTITY: ThrowUnsupported("identity column", location);
      case pg_query::CONSTR_GENERATED: ThrowUnsupported("generated column", location);
      default: ThrowUnsupported("this kind of column constraint", location);
    }
  }
  return def;
}

ast::TableConstraint Transformer::TransformTableConstraint(const pg_query::Constraint& constraint) {
  const int location = constraint.location();
  if (constraint.deferrable() || constraint.initdeferred())
    ThrowUnsupported("DEFERRABLE constraint", location);
  if (constraint.including_size() > 0) ThrowUnsupported("INCLUDE in a constraint", location);
  if (constraint.nulls_not_distinct()) ThrowUnsupported("UNIQUE NULLS NOT DISTINCT", location);
  ast::TableConstraint out{};
  out.name = constraint.conname();
  out.location = location;
  switch (constraint.contype()) {
    case pg_query::CONSTR_PRIMARY:
      out.kind = ast::ConstraintKind::kPrimaryKey;
      out.columns = StringList(constraint.keys());
      break;
    case pg_query::CONSTR_UNIQUE:
      out.kind = ast::ConstraintKind::kUnique;
      out.columns = StringList(constraint.keys());
      break;
    case pg_query::CONSTR_CHECK:
      out.kind = ast::ConstraintKind::kCheck;
      out.check = TransformExpr(constraint.raw_expr());
      break;
    case pg_query::CONSTR_FOREIGN:
      // Actions are one letter: a = NO ACTION (default), r = RESTRICT, c = CASCADE, n/d = SET NULL/DEFAULT.
      for (const std::string& action : {constraint.fk_upd_action(), constraint.fk_del_action()}) {
        if (!action.empty() && action != "a" && action != "r") {
          ThrowUnsupported("referential action other than NO ACTION or RESTRICT", location);
        }
      }
      if (constraint.fk_matchtype() == "f") ThrowUnsupported("MATCH FULL", location);
      out.kind = ast::ConstraintKind::kForeignKey;
      out.columns = StringList(constraint.fk_attrs());
      out.referenced_table = RangeVarNames(constraint.pktable());
      out.referenced_columns = StringList(constraint.pk_attrs());
      break;
    case pg_query::CONSTR_EXCLUSION: ThrowUnsupported("EXCLUDE constraint", location);
    default: ThrowUnsupported("this kind of table constraint", location);
  }
  return out;
}

ast::StatementPtr Transformer::TransformCreateTableAs(const pg_query::CreateTableAsStmt& create) {
  if (create.objtype() == pg_query::OBJECT_MATVIEW) {
    auto unsupported = std::make_unique<ast::UnsupportedStatement>();
    unsupported->unsupported_name = "CREATE MATERIALIZED VIEW";
    return unsupported;
  }
  const pg_query::IntoClause& into = create.into();
  if (!create.query().has_select_stmt()) ThrowUnsupported("CREATE TABLE AS EXECUTE", into.rel().location());
  if (into.on_commit() == pg_query::ONCOMMIT_DELETE_ROWS || into.on_commit() == pg_query::ONCOMMIT_DROP) {
    ThrowUnsupported("ON COMMIT DELETE ROWS or DROP", into.rel().location());
  }
  if (!into.table_space_name().empty()) ThrowUnsupported("TABLESPACE", into.rel().location());
  auto out = std::make_unique<ast::CreateTableStatement>(ast::StmtKind::kCreateTableAs);
  out->table = RangeVarNames(into.rel());
  out->temporary = into.rel().relpersistence() == "t";
  out->if_not_exists = create.if_not_exists();
  out->as_column_names = StringList(into.col_names());
  out->with_no_data = into.skip_data();
  out->options = TransformOptions(into.options(), "true");
  out->as_query = TransformQuery(create.query(), statement_location_);
  return out;
}

ast::StatementPtr Transformer::TransformCreateView(const pg_query::ViewStmt& view) {
  const int location = view.view().location();
  if (view.with_check_option() == pg_query::LOCAL_CHECK_OPTION ||
      view.with_check_option() == pg_query::CASCADED_CHECK_OPTION) {
    ThrowUnsupported("WITH CHECK OPTION", location);
  }
  if (view.options_size() > 0) ThrowUnsupported("WITH (...) on a view", location);
  auto out = std::make_unique<ast::CreateViewStatement>();
  out->view = RangeVarNames(view.view());
  out->temporary = view.view().relpersistence() == "t";
  out->column_names = StringList(view.aliases());
  out->or_replace = view.replace();
  out->query = TransformQuery(view.query(), -1);
  out->query_text = ViewQueryText();
  return out;
}

std::string Transformer::ViewQueryText() const {
  // The parse tree keeps no position for the view's query: find the AS that follows VIEW outside any
  // parentheses (column list, options) with the scanner, and take the text after it.
  size_t begin = static_cast<size_t>(statement_location_);
  size_t length = statement_length_ > 0 ? static_cast<size_t>(statement_length_) : sql_.size() - begin;
  std::string statement(sql_.substr(begin, length));
  pg_query::ScanResult scan = ScanTokens(statement);
  bool after_view = false;
  int depth = 0;
  for (int index = 0; index < scan.tokens_size(); ++index) {
    const pg_query::ScanToken& token = scan.tokens(index);
    if (token.token() == pg_query::RECURSIVE && !after_view) {
      ThrowUnsupported("CREATE RECURSIVE VIEW", statement_location_ + token.start());
    }
    if (token.token() == pg_query::VIEW) after_view = true;
    if (token.token() == pg_query::ASCII_40) ++depth;
    if (token.token() == pg_query::ASCII_41) --depth;
    if (after_view && depth == 0 && token.token() == pg_query::AS) {
      // The query runs from the next token to the last one that is not a comment.
      int query_begin = -1;
      int query_end = -1;
      for (int rest = index + 1; rest < scan.tokens_size(); ++rest) {
        const pg_query::ScanToken& query_token = scan.tokens(rest);
        if (query_token.token() == pg_query::SQL_COMMENT || query_token.token() == pg_query::C_COMMENT)
          continue;
        if (query_begin < 0) query_begin = query_token.start();
        query_end = query_token.end();
      }
      if (query_begin < 0) return "";
      return statement.substr(query_begin, query_end - query_begin);
    }
  }
  return "";
}

ast::StatementPtr Transformer::TransformCreateSchema(const pg_query::CreateSchemaStmt& create) {
  if (create.schemaname().empty()) ThrowUnsupported("CREATE SCHEMA AUTHORIZATION without a schema name", -1);
  if (create.schema_elts_size() > 0) ThrowUnsupported("CREATE SCHEMA with schema elements", -1);
  auto out = std::make_unique<ast::CreateSchemaStatement>();
  out->schema = create.schemaname();
  out->if_not_exists = create.if_not_exists();
  return out;
}

ast::StatementPtr Transformer::TransformCreateIndex(const pg_query::IndexStmt& index) {
  const int location = index.relation().location();
  if (index.index_including_params_size() > 0) ThrowUnsupported("INCLUDE", location);
  if (index.nulls_not_distinct()) ThrowUnsupported("NULLS NOT DISTINCT", location);
  if (!index.table_space().empty()) ThrowUnsupported("TABLESPACE", location);
  auto out = std::make_unique<ast::CreateIndexStatement>();
  out->index_name = index.idxname();
  out->table = RangeVarNames(index.relation());
  out->unique = index.unique();
  out->if_not_exists = index.if_not_exists();
  out->concurrently = index.concurrent();
  out->access_method = index.access_method();
  out->where = TransformOptionalExpr(index.where_clause());
  // Storage parameters (WITH (fillfactor = ...)) are hints that do not change results: ignored.
  for (const pg_query::Node& node : index.index_params()) {
    const pg_query::IndexElem& element = node.index_elem();
    if (element.collation_size() > 0) ThrowUnsupported("COLLATE in an index definition", location);
    if (element.opclass_size() > 0) ThrowUnsupported("operator class in an index definition", location);
    ast::IndexColumn column;
    column.column = element.name();
    column.expr = TransformOptionalExpr(element.expr());
    if (element.ordering() == pg_query::SORTBY_ASC) column.direction = ast::SortDirection::kAsc;
    if (element.ordering() == pg_query::SORTBY_DESC) column.direction = ast::SortDirection::kDesc;
    if (element.nulls_ordering() == pg_query::SORTBY_NULLS_FIRST) column.nulls = ast::NullsOrder::kFirst;
    if (element.nulls_ordering() == pg_query::SORTBY_NULLS_LAST) column.nulls = ast::NullsOrder::kLast;
    out->columns.push_back(std::move(column));
  }
  return out;
}

ast::StatementPtr Transformer::TransformCreateSequence(const pg_query::CreateSeqStmt& create) {
  if (create.sequence().relpersistence() == "t") {
    ThrowUnsupported("CREATE TEMPORARY SEQUENCE", create.sequence().location());
  }
  auto out = std::make_unique<ast::CreateSequenceStatement>();
  out->sequence = RangeVarNames(create.sequence());
  out->if_not_exists = create.if_not_exists();
  // NO MINVALUE / NO MAXVALUE arrive without an argument: their value is "".
  out->options = TransformOptions(create.options(), "");
  return out;
}

}  // namespace tessera::planner::parser
