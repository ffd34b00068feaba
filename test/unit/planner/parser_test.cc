// SPDX-License-Identifier: Apache-2.0
// Tests ParseSql statement by statement family: queries, DML, DDL, utility statements, statement
// locations in multi-statement strings, and the SQLSTATEs and positions of its errors.
#include "planner/parser/parser.h"

#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/error.h"
#include "test/unit/planner/ast_printer.h"

namespace tessera::planner {
namespace {

using Names = std::vector<std::string>;

// Parses text holding exactly one statement of type T and returns it.
template <typename T>
std::unique_ptr<T> ParseOne(const std::string& sql) {
  std::vector<ast::StatementPtr> statements = ParseSql(sql);
  REQUIRE(statements.size() == 1);
  auto* statement = dynamic_cast<T*>(statements[0].get());
  REQUIRE(statement != nullptr);
  statements[0].release();
  return std::unique_ptr<T>(statement);
}

std::unique_ptr<ast::SelectStmt> ParseSelect(const std::string& sql) {
  return std::move(ParseOne<ast::SelectStatement>(sql)->select);
}

// Returns the error ParseSql throws for `sql`; fails the test if it throws none.
SqlError ParseError(const std::string& sql) {
  try {
    ParseSql(sql);
  } catch (const SqlError& error) {
    return error;
  }
  FAIL("expected an error for: " << sql);
  return SqlError(SqlState::kInternalError, "unreachable");
}

TEST_SUITE("parser") {
  TEST_CASE("empty and comment-only text gives no statements") {
    CHECK(ParseSql("").empty());
    CHECK(ParseSql("  -- nothing\n /* at all */ ").empty());
    CHECK(ParseSql(";;").empty());
  }

  TEST_CASE("each statement of a multi-statement string has its location and length") {
    const std::string sql = "SELECT 1;  INSERT INTO t VALUES (1) ;\nCREATE TABLE u (a int);SELECT 2";
    std::vector<ast::StatementPtr> statements = ParseSql(sql);
    REQUIRE(statements.size() == 4);
    CHECK(statements[0]->kind == ast::StmtKind::kSelect);
    CHECK(statements[1]->kind == ast::StmtKind::kInsert);
    CHECK(statements[2]->kind == ast::StmtKind::kCreateTable);
    CHECK(statements[3]->kind == ast::StmtKind::kSelect);
    const std::pair<int, int> expected[] = {{0, 8}, {9, 27}, {37, 23}, {61, 0}};
    for (size_t index = 0; index < statements.size(); ++index) {
      CAPTURE(index);
      CHECK(statements[index]->location == expected[index].first);
      CHECK(statements[index]->length == expected[index].second);
    }
    // Leading blanks belong to the statement's text, as in PostgreSQL's RawStmt.
    CHECK(sql.substr(9, 27) == "  INSERT INTO t VALUES (1) ");
    CHECK(sql.substr(61) == "SELECT 2");
  }

  TEST_CASE("syntax errors are 42601 with libpg_query's message and 1-based character position") {
    SqlError error = ParseError("SELECT a FROM FROM t");
    CHECK(error.state() == SqlState::kSyntaxError);
    CHECK(error.info().message == "syntax error at or near \"FROM\"");
    CHECK(error.info().position == 15);

    // Positions count characters, not bytes: é is two bytes in UTF-8.
    SqlError utf8 = ParseError("SELECT 'é' FROM FROM t");
    CHECK(utf8.info().position == 17);

    SqlError at_end = ParseError("SELECT (1");
    CHECK(at_end.info().message == "syntax error at end of input");
    CHECK(at_end.info().position == 10);

    SqlError second = ParseError("SELECT 1; SELEC 2");
    CHECK(second.info().message == "syntax error at or near \"SELEC\"");
    CHECK(second.info().position == 11);

    SqlError unterminated = ParseError("SELECT 'abc");
    CHECK(unterminated.state() == SqlState::kSyntaxError);
    CHECK(unterminated.info().message == "unterminated quoted string at or near \"'abc\"");
  }

  TEST_CASE("unsupported constructs are 0A000 naming the construct at its position") {
    const std::pair<const char*, const char*> cases[] = {
        {"SELECT * FROM t, LATERAL generate_series(1, t.a)", "LATERAL function call is not supported"},
        {"SELECT * FROM ROWS FROM (f(), g())", "ROWS FROM is not supported"},
        {"SELECT * FROM t TABLESAMPLE SYSTEM (10)", "TABLESAMPLE is not supported"},
        {"SELECT * FROM t FOR SHARE", "SELECT FOR SHARE is not supported"},
        {"SELECT * FROM t FOR UPDATE NOWAIT", "NOWAIT is not supported"},
        {"UPDATE t SET (a, b) = (SELECT 1, 2)", "multiple-column assignment from a sub-SELECT is not supported"},
        {"CREATE TABLE c (a int) INHERITS (p)", "INHERITS is not supported"},
        {"CREATE TABLE p (a int) PARTITION BY RANGE (a)", "PARTITION BY is not supported"},
        {"CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY)", "identity column is not supported"},
        {"WITH x AS (DELETE FROM t RETURNING a) SELECT * FROM x",
         "data-modifying statement in WITH is not supported"},
        {"ALTER TABLE t ALTER COLUMN a TYPE int USING a::int",
         "ALTER COLUMN TYPE ... USING is not supported"},
        {"ALTER TABLE t DROP CONSTRAINT c", "ALTER TABLE ... DROP CONSTRAINT is not supported"},
        {"ALTER TABLE t OWNER TO bob", "ALTER TABLE ... OWNER TO is not supported"},
        {"CREATE VIEW v AS SELECT 1 WITH CHECK OPTION", "WITH CHECK OPTION is not supported"},
        {"CREATE RECURSIVE VIEW v (n) AS SELECT 1", "CREATE RECURSIVE VIEW is not supported"},
    };
    for (const auto& [sql, message] : cases) {
      CAPTURE(std::string(sql));
      SqlError error = ParseError(sql);
      CHECK(error.state() == SqlState::kFeatureNotSupported);
      CHECK(error.info().message == message);
    }
    SqlError positioned = ParseError("SELECT 'é', a FROM t GROUP BY CUBE (a, a, a, a, a, a, a, a, a, a, a, a, a)");
    CHECK(positioned.state() == SqlState::kTooManyColumns);
    CHECK(positioned.info().position == 31);
  }

  TEST_CASE("ROLLUP, CUBE and GROUPING SETS expand into grouping sets over group_by") {
    const std::pair<const char*, std::vector<std::vector<int>>> cases[] = {
        {"SELECT 1 FROM t GROUP BY a", {}},
        {"SELECT 1 FROM t GROUP BY ()", {{}}},
        {"SELECT 1 FROM t GROUP BY ROLLUP (a, b)", {{0, 1}, {0}, {}}},
        {"SELECT 1 FROM t GROUP BY ROLLUP ((a, b), c)", {{0, 1, 2}, {0, 1}, {}}},
        {"SELECT 1 FROM t GROUP BY CUBE (a, b)", {{0, 1}, {0}, {1}, {}}},
        {"SELECT 1 FROM t GROUP BY a, ROLLUP (b)", {{0, 1}, {0}}},
        {"SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), (), c, ROLLUP (d))", {{0, 1}, {}, {2}, {3}, {}}},
        {"SELECT 1 FROM t GROUP BY GROUPING SETS (a, b), GROUPING SETS (c, d)", {{0, 2}, {0, 3}, {1, 2}, {1, 3}}},
    };
    for (const auto& [sql, sets] : cases) {
      CAPTURE(std::string(sql));
      CHECK(ParseSelect(sql)->grouping_sets == sets);
    }
    SqlError too_many = ParseError("SELECT 1 FROM t GROUP BY CUBE (a, b, c, d, e, f, g), CUBE (a, b, c, d, e, f)");
    CHECK(too_many.state() == SqlState::kStatementTooComplex);
  }

  TEST_CASE("SELECT clauses map to SelectStmt fields") {
    auto select = ParseSelect(
        "SELECT DISTINCT a AS x, t.*, * FROM s.t AS u (c1, c2) WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 1 "
        "ORDER BY 1 DESC NULLS FIRST, b ASC, c USING > LIMIT 10 OFFSET 5");
    CHECK(select->distinct);
    REQUIRE(select->targets.size() == 3);
    CHECK(select->targets[0].alias == "x");
    CHECK(select->targets[0].location == 16);
    CHECK(ast::Sexp(select->targets[1].expr) == "t.*");
    CHECK(ast::Sexp(select->targets[2].expr) == "*");
    REQUIRE(select->from.size() == 1);
    const ast::TableRef& table = *select->from[0];
    CHECK(table.kind == ast::TableRefKind::kBaseTable);
    CHECK(table.names == Names{"s", "t"});
    CHECK(table.alias == "u");
    CHECK(table.column_aliases == Names{"c1", "c2"});
    CHECK(ast::Sexp(select->where) == "(> a 1)");
    REQUIRE(select->group_by.size() == 2);
    CHECK(ast::Sexp(select->group_by[1]) == "2");
    CHECK(ast::Sexp(select->having) == "(> count(*) 1)");
    REQUIRE(select->order_by.size() == 3);
    CHECK(select->order_by[0].direction == ast::SortDirection::kDesc);
    CHECK(select->order_by[0].nulls == ast::NullsOrder::kFirst);
    CHECK(select->order_by[1].direction == ast::SortDirection::kAsc);
    CHECK(select->order_by[2].direction == ast::SortDirection::kDesc);  // USING >
    CHECK(ast::Sexp(select->limit) == "10");
    CHECK(ast::Sexp(select->offset) == "5");
    CHECK(!select->for_update);

    auto distinct_on = ParseSelect("SELECT DISTINCT ON (a, b) a, c FROM t");
    CHECK(!distinct_on->distinct);
    CHECK(distinct_on->distinct_on.size() == 2);

    auto no_from = ParseSelect("SELECT");
    CHECK(no_from->targets.empty());
  }

  TEST_CASE("LIMIT ALL is a NULL limit, FETCH FIRST sets limit and WITH TIES, FOR UPDATE is recorded") {
    CHECK(ParseSelect("SELECT a FROM t LIMIT ALL")->limit->literal_kind == ast::LiteralKind::kNull);
    auto ties = ParseSelect("SELECT a FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES");
    CHECK(ast::Sexp(ties->limit) == "3");
    CHECK(ties->limit_with_ties);
    auto fetch = ParseSelect("SELECT a FROM t OFFSET 2 ROWS FETCH NEXT ROW ONLY");
    CHECK(ast::Sexp(fetch->limit) == "1");
    CHECK(!fetch->limit_with_ties);
    CHECK(ParseSelect("SELECT a FROM t FOR UPDATE")->for_update);
    CHECK(ParseSelect("SELECT a FROM t FOR NO KEY UPDATE OF t")->for_update);
  }

  TEST_CASE("FROM items map joins, subqueries, VALUES lists and table functions") {
    auto select = ParseSelect(
        "SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (x, y) RIGHT OUTER JOIN d ON true "
        "FULL JOIN e ON false CROSS JOIN f NATURAL JOIN g, h");
    REQUIRE(select->from.size() == 2);
    CHECK(select->from[1]->names == Names{"h"});
    // Joins nest to the left: ((((((a JOIN b) LEFT c) RIGHT d) FULL e) CROSS f) NATURAL g).
    const ast::TableRef* natural = select->from[0].get();
    CHECK(natural->kind == ast::TableRefKind::kJoin);
    CHECK(natural->natural);
    CHECK(natural->join_type == ast::JoinType::kInner);
    const ast::TableRef* cross = natural->left.get();
    CHECK(cross->join_type == ast::JoinType::kCross);
    CHECK(cross->join_condition == nullptr);
    const ast::TableRef* full = cross->left.get();
    CHECK(full->join_type == ast::JoinType::kFull);
    const ast::TableRef* right = full->left.get();
    CHECK(right->join_type == ast::JoinType::kRight);
    const ast::TableRef* left = right->left.get();
    CHECK(left->join_type == ast::JoinType::kLeft);
    CHECK(left->using_columns == Names{"x", "y"});
    const ast::TableRef* inner = left->left.get();
    CHECK(inner->join_type == ast::JoinType::kInner);
    CHECK(ast::Sexp(inner->join_condition) == "(= a.x b.x)");
    CHECK(inner->left->names == Names{"a"});
    CHECK(inner->right->names == Names{"b"});

    auto aliased = ParseSelect("SELECT * FROM (a JOIN b ON true) AS j (p, q)");
    CHECK(aliased->from[0]->alias == "j");
    CHECK(aliased->from[0]->column_aliases == Names{"p", "q"});

    auto subquery = ParseSelect("SELECT * FROM (SELECT 1 AS one) AS s, LATERAL (SELECT s.one) AS l");
    CHECK(subquery->from[0]->kind == ast::TableRefKind::kSubquery);
    CHECK(subquery->from[0]->alias == "s");
    CHECK(!subquery->from[0]->lateral);
    CHECK(subquery->from[1]->lateral);
    CHECK(subquery->from[1]->subquery->targets.size() == 1);

    auto values = ParseSelect("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (n, s)");
    const ast::TableRef& values_ref = *values->from[0];
    CHECK(values_ref.kind == ast::TableRefKind::kValues);
    CHECK(values_ref.subquery->values_rows.size() == 2);
    CHECK(values_ref.column_aliases == Names{"n", "s"});

    auto function = ParseSelect("SELECT * FROM generate_series(1, 3) WITH ORDINALITY AS g (v, n)");
    const ast::TableRef& function_ref = *function->from[0];
    CHECK(function_ref.kind == ast::TableRefKind::kFunction);
    CHECK(ast::Sexp(function_ref.function) == "generate_series(1, 3)");
    CHECK(function_ref.with_ordinality);
    CHECK(function_ref.alias == "g");
  }

  TEST_CASE("WITH, WINDOW and set operations keep their structure and precedence") {
    auto with = ParseSelect(
        "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), "
        "m AS MATERIALIZED (SELECT 2), nm AS NOT MATERIALIZED (SELECT 3) SELECT * FROM r");
    REQUIRE(with->with != nullptr);
    CHECK(with->with->recursive);
    REQUIRE(with->with->ctes.size() == 3);
    const ast::CommonTableExpr& recursive = with->with->ctes[0];
    CHECK(recursive.name == "r");
    CHECK(recursive.column_names == Names{"n"});
    CHECK(recursive.query->op == ast::SetOpKind::kUnion);
    CHECK(recursive.query->all);
    CHECK(recursive.materialized == 0);
    CHECK(with->with->ctes[1].materialized == 1);
    CHECK(with->with->ctes[2].materialized == 2);

    auto window = ParseSelect("SELECT sum(a) OVER w FROM t WINDOW w AS (PARTITION BY b ORDER BY c)");
    REQUIRE(window->windows.size() == 1);
    CHECK(window->windows[0].name == "w");
    CHECK(window->windows[0].partition_by.size() == 1);
    CHECK(window->targets[0].expr->over->ref_name == "w");

    auto set_op =
        ParseSelect("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4 ORDER BY 1 LIMIT 2");
    // INTERSECT binds tighter: (1 UNION (2 INTERSECT 3)) EXCEPT ALL 4.
    CHECK(set_op->op == ast::SetOpKind::kExcept);
    CHECK(set_op->all);
    CHECK(set_op->order_by.size() == 1);
    CHECK(ast::Sexp(set_op->limit) == "2");
    CHECK(set_op->left_query->op == ast::SetOpKind::kUnion);
    CHECK(!set_op->left_query->all);
    CHECK(set_op->left_query->right_query->op == ast::SetOpKind::kIntersect);
    CHECK(set_op->right_query->op == ast::SetOpKind::kNone);
    CHECK(set_op->right_query->targets.size() == 1);

    auto values = ParseSelect("VALUES (1, 2), (3, DEFAULT) ORDER BY 1");
    REQUIRE(values->values_rows.size() == 2);
    CHECK(ast::Sexp(values->values_rows[1][1]) == "default");
    CHECK(values->order_by.size() == 1);
  }

  TEST_CASE("SELECT INTO becomes CREATE TABLE AS") {
    auto create = ParseOne<ast::CreateTableStatement>("SELECT a, b INTO TEMP new_t FROM t WHERE a > 0");
    CHECK(create->kind == ast::StmtKind::kCreateTableAs);
    CHECK(create->table == Names{"new_t"});
    CHECK(create->temporary);
    REQUIRE(create->as_query != nullptr);
    CHECK(create->as_query->into_table.empty());
    CHECK(create->as_query->targets.size() == 2);

    auto union_into = ParseOne<ast::CreateTableStatement>("SELECT 1 AS x INTO u UNION SELECT 2");
    CHECK(union_into->table == Names{"u"});
    CHECK(union_into->as_query->op == ast::SetOpKind::kUnion);
  }

  TEST_CASE("INSERT maps columns, VALUES with DEFAULT, ON CONFLICT and RETURNING") {
    auto insert = ParseOne<ast::InsertStatement>(
        "WITH src AS (SELECT 1) INSERT INTO s.t AS x (a, b) VALUES (1, DEFAULT), (2, 'z') "
        "ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE x.b <> excluded.b RETURNING a, b AS bee");
    CHECK(insert->with != nullptr);
    CHECK(insert->table == Names{"s", "t"});
    CHECK(insert->alias == "x");
    CHECK(insert->columns == Names{"a", "b"});
    REQUIRE(insert->source != nullptr);
    REQUIRE(insert->source->values_rows.size() == 2);
    const ast::Expr& default_value = *insert->source->values_rows[0][1];
    CHECK(default_value.kind == ast::ExprKind::kSqlValue);
    CHECK(default_value.name == "default");
    CHECK(insert->on_conflict == ast::OnConflictAction::kUpdate);
    CHECK(insert->conflict_columns == Names{"a"});
    REQUIRE(insert->conflict_set.size() == 1);
    CHECK(insert->conflict_set[0].column == "b");
    CHECK(ast::Sexp(insert->conflict_set[0].value) == "excluded.b");
    CHECK(ast::Sexp(insert->conflict_where) == "(<> x.b excluded.b)");
    REQUIRE(insert->returning.size() == 2);
    CHECK(insert->returning[1].alias == "bee");

    auto select = ParseOne<ast::InsertStatement>("INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING");
    CHECK(select->columns.empty());
    CHECK(select->source->from.size() == 1);
    CHECK(select->on_conflict == ast::OnConflictAction::kNothing);

    auto named = ParseOne<ast::InsertStatement>(
        "INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO UPDATE SET (a, b) = (excluded.b, t.a)");
    CHECK(named->conflict_constraint == "t_pkey");
    CHECK(named->conflict_columns.empty());
    REQUIRE(named->conflict_set.size() == 2);
    CHECK(named->conflict_set[0].column == "a");
    CHECK(ast::Sexp(named->conflict_set[0].value) == "excluded.b");
    CHECK(named->conflict_set[1].column == "b");
    CHECK(ast::Sexp(named->conflict_set[1].value) == "t.a");
    // As PostgreSQL: a source of the wrong width is 42601, one that is no row at all 0A000.
    const std::tuple<const char*, SqlState, int> bad_sources[] = {
        {"UPDATE t SET (a, b) = (1, 2, 3)", SqlState::kSyntaxError, 23},
        {"UPDATE t SET (a, b) = (1)", SqlState::kFeatureNotSupported, 24}};
    for (const auto& [sql, state, position] : bad_sources) {
      CAPTURE(std::string(sql));
      SqlError error = ParseError(sql);
      CHECK(error.state() == state);
      CHECK(error.info().position == position);
    }

    auto defaults = ParseOne<ast::InsertStatement>("INSERT INTO t DEFAULT VALUES");
    CHECK(defaults->source == nullptr);
  }

  TEST_CASE("UPDATE maps SET, FROM, WHERE and RETURNING; DELETE maps USING") {
    auto update = ParseOne<ast::UpdateStatement>(
        "UPDATE t AS x SET a = a + 1, b = DEFAULT FROM u WHERE x.id = u.id RETURNING *");
    CHECK(update->table == Names{"t"});
    CHECK(update->alias == "x");
    REQUIRE(update->set.size() == 2);
    CHECK(update->set[0].column == "a");
    CHECK(ast::Sexp(update->set[0].value) == "(+ a 1)");
    CHECK(ast::Sexp(update->set[1].value) == "default");
    CHECK(update->from.size() == 1);
    CHECK(ast::Sexp(update->where) == "(= x.id u.id)");
    CHECK(update->returning.size() == 1);

    auto remove = ParseOne<ast::DeleteStatement>("DELETE FROM s.t USING u, v WHERE t.a = u.a RETURNING t.a");
    CHECK(remove->table == Names{"s", "t"});
    CHECK(remove->using_tables.size() == 2);
    CHECK(ast::Sexp(remove->where) == "(= t.a u.a)");
    CHECK(remove->returning.size() == 1);
  }

  TEST_CASE("CREATE TABLE maps column types, serial, constraints and WITH options") {
    auto create = ParseOne<ast::CreateTableStatement>(
        "CREATE TABLE IF NOT EXISTS s.t ("
        " id serial PRIMARY KEY,"
        " big bigserial,"
        " name varchar(20) NOT NULL DEFAULT 'x' CHECK (name <> ''),"
        " price numeric(10, 2) NULL UNIQUE,"
        " flag boolean, at timestamp with time zone, d double precision, f float, c char(3), i interval, tx "
        "text,"
        " ref int REFERENCES other (id),"
        " CONSTRAINT pk UNIQUE (name, price),"
        " CHECK (price > 0),"
        " FOREIGN KEY (ref) REFERENCES o.other"
        ") WITH (shard_key = 'id', fillfactor = 70)");
    CHECK(create->table == Names{"s", "t"});
    CHECK(create->if_not_exists);
    CHECK(!create->temporary);
    REQUIRE(create->columns.size() == 12);
    const ast::ColumnDef& id = create->columns[0];
    CHECK(id.is_serial);
    CHECK(id.type.names == Names{"pg_catalog", "int4"});
    CHECK(id.primary_key);
    CHECK(create->columns[1].type.names == Names{"pg_catalog", "int8"});
    CHECK(create->columns[1].is_serial);
    const ast::ColumnDef& name = create->columns[2];
    CHECK(name.type.names == Names{"pg_catalog", "varchar"});
    CHECK(name.type.typmods == std::vector<int32_t>{20});
    CHECK(name.not_null);
    CHECK(ast::Sexp(name.default_value) == "'x'");
    CHECK(ast::Sexp(name.check) == "(<> name '')");
    const ast::ColumnDef& price = create->columns[3];
    CHECK(price.type.typmods == std::vector<int32_t>{10, 2});
    CHECK(price.explicit_null);
    CHECK(price.unique);
    const std::pair<int, Names> types[] = {
        {4, {"pg_catalog", "bool"}},
        {5, {"pg_catalog", "timestamptz"}},
        {6, {"pg_catalog", "float8"}},
        {7, {"pg_catalog", "float8"}},
        {8, {"pg_catalog", "bpchar"}},
        {9, {"pg_catalog", "interval"}},
        {10, {"text"}},
    };
    for (const auto& [index, type] : types) {
      CAPTURE(index);
      CHECK(create->columns[index].type.names == type);
    }
    REQUIRE(create->constraints.size() == 4);
    // The column-level REFERENCES comes first: it is added when its column is transformed.
    CHECK(create->constraints[0].kind == ast::ConstraintKind::kForeignKey);
    CHECK(create->constraints[0].columns == Names{"ref"});
    CHECK(create->constraints[0].referenced_table == Names{"other"});
    CHECK(create->constraints[0].referenced_columns == Names{"id"});
    CHECK(create->constraints[1].kind == ast::ConstraintKind::kUnique);
    CHECK(create->constraints[1].name == "pk");
    CHECK(create->constraints[1].columns == Names{"name", "price"});
    CHECK(create->constraints[2].kind == ast::ConstraintKind::kCheck);
    CHECK(ast::Sexp(create->constraints[2].check) == "(> price 0)");
    CHECK(create->constraints[3].referenced_table == Names{"o", "other"});
    CHECK(create->constraints[3].referenced_columns.empty());
    REQUIRE(create->options.size() == 2);
    CHECK(create->options[0].name == "shard_key");
    CHECK(create->options[0].value == "id");
    CHECK(create->options[1].name == "fillfactor");
    CHECK(create->options[1].value == "70");

    auto temp = ParseOne<ast::CreateTableStatement>("CREATE TEMP TABLE t (a smallserial, PRIMARY KEY (a))");
    CHECK(temp->temporary);
    CHECK(temp->columns[0].type.names == Names{"pg_catalog", "int2"});
    CHECK(temp->constraints[0].kind == ast::ConstraintKind::kPrimaryKey);
    CHECK(temp->constraints[0].columns == Names{"a"});
  }

  TEST_CASE("CREATE TABLE AS, VIEW (with its query text), SCHEMA, INDEX and SEQUENCE map their clauses") {
    auto as =
        ParseOne<ast::CreateTableStatement>("CREATE TABLE t2 (x, y) AS SELECT a, b FROM t WITH NO DATA");
    CHECK(as->kind == ast::StmtKind::kCreateTableAs);
    CHECK(as->table == Names{"t2"});
    CHECK(as->as_column_names == Names{"x", "y"});
    CHECK(as->with_no_data);
    CHECK(as->as_query->targets.size() == 2);

    const std::string view_sql =
        "SELECT 0; CREATE OR REPLACE TEMP VIEW v (a, \"as\") AS\n  SELECT x AS a, (y) AS b FROM t  -- tail\n";
    std::vector<ast::StatementPtr> statements = ParseSql(view_sql);
    REQUIRE(statements.size() == 2);
    auto& view = dynamic_cast<ast::CreateViewStatement&>(*statements[1]);
    CHECK(view.view == Names{"v"});
    CHECK(view.or_replace);
    CHECK(view.temporary);
    CHECK(view.column_names == Names{"a", "as"});
    CHECK(view.query->targets.size() == 2);
    CHECK(view.query_text == "SELECT x AS a, (y) AS b FROM t");

    auto schema = ParseOne<ast::CreateSchemaStatement>("CREATE SCHEMA IF NOT EXISTS s");
    CHECK(schema->schema == "s");
    CHECK(schema->if_not_exists);

    auto index = ParseOne<ast::CreateIndexStatement>(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t USING hash (a DESC NULLS LAST, (lower(b))) "
        "WHERE a > 0");
    CHECK(index->index_name == "i");
    CHECK(index->table == Names{"s", "t"});
    CHECK(index->unique);
    CHECK(index->concurrently);
    CHECK(index->if_not_exists);
    CHECK(index->access_method == "hash");
    REQUIRE(index->columns.size() == 2);
    CHECK(index->columns[0].column == "a");
    CHECK(index->columns[0].direction == ast::SortDirection::kDesc);
    CHECK(index->columns[0].nulls == ast::NullsOrder::kLast);
    CHECK(index->columns[1].column.empty());
    CHECK(ast::Sexp(index->columns[1].expr) == "lower(b)");
    CHECK(ast::Sexp(index->where) == "(> a 0)");
    CHECK(ParseOne<ast::CreateIndexStatement>("CREATE INDEX ON t (a)")->access_method == "btree");

    auto sequence = ParseOne<ast::CreateSequenceStatement>(
        "CREATE SEQUENCE IF NOT EXISTS s.q INCREMENT BY 2 START WITH 10 NO MAXVALUE CYCLE");
    CHECK(sequence->sequence == Names{"s", "q"});
    CHECK(sequence->if_not_exists);
    REQUIRE(sequence->options.size() == 4);
    CHECK(sequence->options[0].name == "increment");
    CHECK(sequence->options[0].value == "2");
    CHECK(sequence->options[1].name == "start");
    CHECK(sequence->options[1].value == "10");
    CHECK(sequence->options[2].name == "maxvalue");
    CHECK(sequence->options[2].value.empty());
    CHECK(sequence->options[3].value == "true");
  }

  TEST_CASE("DROP, TRUNCATE, ALTER TABLE and RENAME map object kinds and commands") {
    auto drop = ParseOne<ast::DropStatement>("DROP TABLE IF EXISTS a, s.b CASCADE");
    CHECK(drop->object_kind == ast::ObjectKind::kTable);
    CHECK(drop->objects == std::vector<Names>{{"a"}, {"s", "b"}});
    CHECK(drop->if_exists);
    CHECK(drop->cascade);
    const std::pair<const char*, ast::ObjectKind> kinds[] = {
        {"DROP VIEW v", ast::ObjectKind::kView},
        {"DROP INDEX i", ast::ObjectKind::kIndex},
        {"DROP SCHEMA s", ast::ObjectKind::kSchema},
        {"DROP SEQUENCE q", ast::ObjectKind::kSequence},
    };
    for (const auto& [sql, kind] : kinds) {
      CAPTURE(std::string(sql));
      auto statement = ParseOne<ast::DropStatement>(sql);
      CHECK(statement->object_kind == kind);
      CHECK(statement->objects.size() == 1);
      CHECK(!statement->cascade);
    }
    CHECK(ParseOne<ast::DropStatement>("DROP SCHEMA s1, s2")->objects == std::vector<Names>{{"s1"}, {"s2"}});
    CHECK(ParseOne<ast::UnsupportedStatement>("DROP FUNCTION f(int)")->unsupported_name == "DROP FUNCTION");

    auto truncate = ParseOne<ast::TruncateStatement>("TRUNCATE TABLE a, s.b");
    CHECK(truncate->tables == std::vector<Names>{{"a"}, {"s", "b"}});

    auto alter = ParseOne<ast::AlterTableStatement>(
        "ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS e int NOT NULL DEFAULT 0, DROP COLUMN IF EXISTS d,"
        " ALTER COLUMN a TYPE bigint, ALTER COLUMN a SET NOT NULL, ALTER COLUMN b DROP NOT NULL,"
        " ALTER COLUMN b SET DEFAULT 1, ALTER COLUMN b DROP DEFAULT, ADD CONSTRAINT u UNIQUE (a)");
    CHECK(alter->table == Names{"t"});
    CHECK(alter->if_exists);
    REQUIRE(alter->commands.size() == 8);
    const ast::AlterTableCommand& add = alter->commands[0];
    CHECK(add.action == ast::AlterTableAction::kAddColumn);
    CHECK(add.if_exists);
    CHECK(add.column == "e");
    REQUIRE(add.column_def != nullptr);
    CHECK(add.column_def->not_null);
    CHECK(ast::Sexp(add.column_def->default_value) == "0");
    CHECK(alter->commands[1].action == ast::AlterTableAction::kDropColumn);
    CHECK(alter->commands[1].column == "d");
    CHECK(alter->commands[1].if_exists);
    CHECK(alter->commands[2].action == ast::AlterTableAction::kAlterColumnType);
    CHECK(alter->commands[2].new_type->names == Names{"pg_catalog", "int8"});
    CHECK(alter->commands[3].action == ast::AlterTableAction::kSetNotNull);
    CHECK(alter->commands[4].action == ast::AlterTableAction::kDropNotNull);
    CHECK(alter->commands[5].action == ast::AlterTableAction::kSetDefault);
    CHECK(ast::Sexp(alter->commands[5].default_value) == "1");
    CHECK(alter->commands[6].action == ast::AlterTableAction::kDropDefault);
    CHECK(alter->commands[6].default_value == nullptr);
    CHECK(alter->commands[7].action == ast::AlterTableAction::kAddConstraint);
    CHECK(alter->commands[7].constraint->name == "u");

    auto rename_table = ParseOne<ast::AlterTableStatement>("ALTER TABLE s.t RENAME TO t2");
    CHECK(rename_table->table == Names{"s", "t"});
    CHECK(rename_table->commands[0].action == ast::AlterTableAction::kRenameTable);
    CHECK(rename_table->commands[0].new_name == "t2");
    auto rename_column = ParseOne<ast::AlterTableStatement>("ALTER TABLE t RENAME COLUMN a TO b");
    CHECK(rename_column->commands[0].action == ast::AlterTableAction::kRenameColumn);
    CHECK(rename_column->commands[0].column == "a");
    CHECK(rename_column->commands[0].new_name == "b");
    auto rename_view = ParseOne<ast::AlterTableStatement>("ALTER VIEW IF EXISTS v RENAME TO w");
    CHECK(rename_view->object_kind == ast::ObjectKind::kView);
    CHECK(rename_view->if_exists);
  }

  TEST_CASE("transaction statements map kind, savepoint or gid, and BEGIN modes") {
    struct Case {
      const char* sql;
      ast::TransactionKind kind;
      const char* name;
    };
    const Case cases[] = {
        {"BEGIN", ast::TransactionKind::kBegin, ""},
        {"START TRANSACTION", ast::TransactionKind::kStart, ""},
        {"COMMIT", ast::TransactionKind::kCommit, ""},
        {"END", ast::TransactionKind::kCommit, ""},
        {"ROLLBACK", ast::TransactionKind::kRollback, ""},
        {"ABORT", ast::TransactionKind::kRollback, ""},
        {"SAVEPOINT sp", ast::TransactionKind::kSavepoint, "sp"},
        {"RELEASE SAVEPOINT sp", ast::TransactionKind::kRelease, "sp"},
        {"ROLLBACK TO SAVEPOINT sp", ast::TransactionKind::kRollbackTo, "sp"},
        {"PREPARE TRANSACTION 'g1'", ast::TransactionKind::kPrepare, "g1"},
        {"COMMIT PREPARED 'g1'", ast::TransactionKind::kCommitPrepared, "g1"},
        {"ROLLBACK PREPARED 'g1'", ast::TransactionKind::kRollbackPrepared, "g1"},
    };
    for (const Case& test : cases) {
      CAPTURE(std::string(test.sql));
      auto statement = ParseOne<ast::TransactionStatement>(test.sql);
      CHECK(statement->transaction_kind == test.kind);
      CHECK(statement->savepoint_name == test.name);
    }
    auto begin = ParseOne<ast::TransactionStatement>("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    CHECK(begin->isolation_level == "repeatable read");
    CHECK(begin->read_only);
    auto start =
        ParseOne<ast::TransactionStatement>("START TRANSACTION ISOLATION LEVEL SERIALIZABLE READ WRITE");
    CHECK(start->isolation_level == "serializable");
    CHECK(!start->read_only);
  }

  TEST_CASE("SET, RESET and SHOW give lower-case names and values as text") {
    using Action = ast::SetStatement::Action;
    auto set = ParseOne<ast::SetStatement>("SET search_path TO public, 'my schema'");
    CHECK(set->action == Action::kSet);
    CHECK(set->name == "search_path");
    CHECK(set->values == Names{"public", "my schema"});
    CHECK(ParseOne<ast::SetStatement>("SET extra_float_digits = 3")->values == Names{"3"});
    CHECK(ParseOne<ast::SetStatement>("SET x = -1.5")->values == Names{"-1.5"});
    CHECK(ParseOne<ast::SetStatement>("SET datestyle = ISO, MDY")->values == Names{"iso", "mdy"});
    auto local = ParseOne<ast::SetStatement>("SET LOCAL work_mem = '64MB'");
    CHECK(local->action == Action::kSetLocal);
    CHECK(local->is_local);
    CHECK(local->values == Names{"64MB"});
    auto time_zone = ParseOne<ast::SetStatement>("SET TIME ZONE 'UTC'");
    CHECK(time_zone->name == "timezone");
    CHECK(time_zone->values == Names{"UTC"});
    auto local_zone = ParseOne<ast::SetStatement>("SET TIME ZONE LOCAL");
    CHECK(local_zone->name == "timezone");
    CHECK(local_zone->action == Action::kSetDefault);
    CHECK(ParseOne<ast::SetStatement>("SET x TO DEFAULT")->action == Action::kSetDefault);
    auto reset = ParseOne<ast::SetStatement>("RESET x");
    CHECK(reset->action == Action::kReset);
    CHECK(reset->name == "x");
    CHECK(ParseOne<ast::SetStatement>("RESET ALL")->action == Action::kResetAll);

    auto transaction = ParseOne<ast::SetStatement>("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY");
    CHECK(transaction->name == "transaction_isolation");
    CHECK(transaction->values == Names{"serializable"});
    REQUIRE(transaction->more_settings.size() == 1);
    CHECK(transaction->more_settings[0] ==
          std::pair<std::string, std::string>("transaction_read_only", "on"));
    auto session = ParseOne<ast::SetStatement>("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
    CHECK(session->name == "default_transaction_read_only");
    CHECK(session->values == Names{"off"});

    CHECK(ParseOne<ast::ShowStatement>("SHOW search_path")->name == "search_path");
    CHECK(ParseOne<ast::ShowStatement>("SHOW ALL")->name == "all");
    CHECK(ParseOne<ast::ShowStatement>("SHOW TIME ZONE")->name == "timezone");
    CHECK(ParseOne<ast::ShowStatement>("SHOW TRANSACTION ISOLATION LEVEL")->name == "transaction_isolation");
  }

  TEST_CASE("EXPLAIN options, PREPARE types, EXECUTE parameters, DEALLOCATE and DISCARD targets") {
    auto explain = ParseOne<ast::ExplainStatement>("EXPLAIN (ANALYZE, COSTS off, FORMAT JSON) SELECT 1");
    CHECK(explain->analyze);
    CHECK(!explain->verbose);
    CHECK(!explain->costs);
    CHECK(explain->format == "json");
    REQUIRE(explain->statement != nullptr);
    CHECK(explain->statement->kind == ast::StmtKind::kSelect);
    auto old_style = ParseOne<ast::ExplainStatement>("EXPLAIN ANALYZE VERBOSE DELETE FROM t");
    CHECK(old_style->analyze);
    CHECK(old_style->verbose);
    CHECK(old_style->costs);
    CHECK(old_style->format == "text");
    CHECK(old_style->statement->kind == ast::StmtKind::kDelete);

    auto prepare = ParseOne<ast::PrepareStatement>("PREPARE q (int, text) AS SELECT $1, $2");
    CHECK(prepare->name == "q");
    REQUIRE(prepare->parameter_types.size() == 2);
    CHECK(prepare->parameter_types[0].names == Names{"pg_catalog", "int4"});
    CHECK(prepare->parameter_types[1].names == Names{"text"});
    CHECK(prepare->statement->kind == ast::StmtKind::kSelect);

    auto execute = ParseOne<ast::ExecuteStatement>("EXECUTE q (1, 'a')");
    CHECK(execute->name == "q");
    CHECK(execute->params.size() == 2);
    CHECK(ParseOne<ast::DeallocateStatement>("DEALLOCATE PREPARE q")->name == "q");
    CHECK(ParseOne<ast::DeallocateStatement>("DEALLOCATE ALL")->name.empty());

    const std::pair<const char*, const char*> discards[] = {{"DISCARD ALL", "all"},
                                                            {"DISCARD PLANS", "plans"},
                                                            {"DISCARD SEQUENCES", "sequences"},
                                                            {"DISCARD TEMP", "temp"}};
    for (const auto& [sql, target] : discards) {
      CHECK(ParseOne<ast::DiscardStatement>(sql)->target == target);
    }
  }

  TEST_CASE("COPY options become text, VACUUM and ANALYZE list their tables, COMMENT parses") {
    auto from = ParseOne<ast::CopyStatement>(
        "COPY s.t (a, b) FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER '|', FORCE_NOT_NULL (a, b))");
    CHECK(from->table == Names{"s", "t"});
    CHECK(from->columns == Names{"a", "b"});
    CHECK(from->is_from);
    CHECK(from->filename.empty());
    REQUIRE(from->options.size() == 4);
    CHECK(from->options[0].name == "format");
    CHECK(from->options[0].value == "csv");
    CHECK(from->options[1].name == "header");
    CHECK(from->options[1].value == "true");
    CHECK(from->options[2].value == "|");
    CHECK(from->options[3].value == "a,b");

    auto to = ParseOne<ast::CopyStatement>("COPY (SELECT * FROM t) TO '/tmp/out.csv' CSV HEADER");
    CHECK(to->table.empty());
    REQUIRE(to->query != nullptr);
    CHECK(!to->is_from);
    CHECK(to->filename == "/tmp/out.csv");
    CHECK(to->options.size() == 2);

    auto vacuum = ParseOne<ast::MaintenanceStatement>("VACUUM (VERBOSE) t, s.u");
    CHECK(vacuum->kind == ast::StmtKind::kVacuum);
    CHECK(vacuum->tables == std::vector<Names>{{"t"}, {"s", "u"}});
    auto analyze = ParseOne<ast::MaintenanceStatement>("ANALYZE t (a)");
    CHECK(analyze->kind == ast::StmtKind::kAnalyze);
    CHECK(analyze->tables == std::vector<Names>{{"t"}});
    CHECK(ParseOne<ast::MaintenanceStatement>("ANALYZE")->tables.empty());

    CHECK(ParseOne<ast::CommentStatement>("COMMENT ON TABLE t IS 'x'")->kind == ast::StmtKind::kComment);
  }

  TEST_CASE("statements without an ast node are UnsupportedStatement naming the statement") {
    const std::pair<const char*, const char*> cases[] = {
        {"CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", "CREATE FUNCTION"},
        {"CREATE PROCEDURE p() AS 'select 1' LANGUAGE sql", "CREATE PROCEDURE"},
        {"GRANT SELECT ON t TO bob", "GRANT"},
        {"REVOKE SELECT ON t FROM bob", "REVOKE"},
        {"MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE", "MERGE"},
        {"CREATE MATERIALIZED VIEW mv AS SELECT 1", "CREATE MATERIALIZED VIEW"},
        {"CREATE TYPE mood AS ENUM ('happy')", "CREATE TYPE"},
        {"CREATE EXTENSION vector", "CREATE EXTENSION"},
        {"LOCK TABLE t", "LOCK TABLE"},
        {"CREATE ROLE bob", "CREATE ROLE"},
        {"CREATE DATABASE d", "CREATE DATABASE"},
        {"DO $$ BEGIN END $$", "DO"},
        {"ALTER SEQUENCE q RESTART", "ALTER SEQUENCE"},
        {"DECLARE c CURSOR FOR SELECT 1", "DECLARE CURSOR"},
        {"ALTER SCHEMA s RENAME TO s2", "ALTER SCHEMA ... RENAME"},
    };
    for (const auto& [sql, name] : cases) {
      CAPTURE(std::string(sql));
      auto statement = ParseOne<ast::UnsupportedStatement>(sql);
      CHECK(statement->kind == ast::StmtKind::kUnsupported);
      CHECK(statement->unsupported_name == name);
    }
  }
}

}  // namespace
}  // namespace tessera::planner
