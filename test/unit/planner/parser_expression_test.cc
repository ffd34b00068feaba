// SPDX-License-Identifier: Apache-2.0
// Tests how ParseSql turns SQL expressions into ast::Expr trees: literals, precedence, casts, CASE,
// subqueries, function calls and window frames.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "planner/parser/parser.h"
#include "test/unit/planner/ast_printer.h"

namespace tessera::planner {
namespace {

// Parses "SELECT <text>" and returns the first select-list expression.
ast::ExprPtr ParseExpr(const std::string& text) {
  std::vector<ast::StatementPtr> statements = ParseSql("SELECT " + text);
  REQUIRE(statements.size() == 1);
  auto* select = dynamic_cast<ast::SelectStatement*>(statements[0].get());
  REQUIRE(select != nullptr);
  REQUIRE(!select->select->targets.empty());
  return std::move(select->select->targets[0].expr);
}

std::string ExprText(const std::string& text) { return ast::Sexp(ParseExpr(text)); }

TEST_SUITE("parser_expression") {
  TEST_CASE("literals keep their kind and the text as written") {
    struct Case {
      const char* sql;
      ast::LiteralKind kind;
      const char* text;
    };
    const Case cases[] = {
        {"14", ast::LiteralKind::kInteger, "14"},
        {"- 14", ast::LiteralKind::kInteger, "-14"},  // the grammar folds the minus into the constant
        {"1.50", ast::LiteralKind::kFloat, "1.50"},
        {"1e3", ast::LiteralKind::kFloat, "1e3"},
        {"9223372036854775808", ast::LiteralKind::kFloat, "9223372036854775808"},
        {"-2.5", ast::LiteralKind::kFloat, "-2.5"},
        {"'it''s'", ast::LiteralKind::kString, "it's"},
        {"E'a\\tb'", ast::LiteralKind::kString, "a\tb"},
        {"true", ast::LiteralKind::kBool, "t"},
        {"FALSE", ast::LiteralKind::kBool, "f"},
        {"NULL", ast::LiteralKind::kNull, ""},
        {"B'101'", ast::LiteralKind::kBitString, "b101"},
        {"X'1F'", ast::LiteralKind::kBitString, "x1F"},
    };
    for (const Case& test : cases) {
      CAPTURE(std::string(test.sql));
      ast::ExprPtr expr = ParseExpr(test.sql);
      CHECK(expr->kind == ast::ExprKind::kLiteral);
      CHECK(expr->literal_kind == test.kind);
      CHECK(expr->text == test.text);
      CHECK(expr->location == 7);
    }
  }

  TEST_CASE("operators follow PostgreSQL precedence") {
    const std::pair<const char*, const char*> cases[] = {
        {"1 + 2 * 3", "(+ 1 (* 2 3))"},
        {"(1 + 2) * 3", "(* (+ 1 2) 3)"},
        {"a - b - c", "(- (- a b) c)"},
        {"2 ^ 3 ^ 2", "(^ (^ 2 3) 2)"},
        {"- a * b", "(* (- a) b)"},
        {"a || b || 'c'", "(|| (|| a b) 'c')"},
        {"a OR b AND c", "(or a (and b c))"},
        {"a AND b AND (c AND d)", "(and a b c d)"},
        {"a OR (b OR c) OR d", "(or a b c d)"},
        {"NOT a = b", "(not (= a b))"},
        {"NOT NOT a", "(not (not a))"},
        {"a = b IS TRUE", "(istrue (= a b))"},
        {"a >= b AND c <> d", "(and (>= a b) (<> c d))"},
        {"a != b", "(<> a b)"},
        {"a % 3 + @ b", "(+ (% a 3) (@ b))"},
        {"a OPERATOR(pg_catalog.+) b", "(operator(pg_catalog.+) a b)"},
        {"t.a + s.t.b", "(+ t.a s.t.b)"},
        {"$1 + $2", "(+ $1 $2)"},
    };
    for (const auto& [sql, expected] : cases) {
      CAPTURE(std::string(sql));
      CHECK(ExprText(sql) == expected);
    }
  }

  TEST_CASE("predicates map to their own kinds") {
    const std::pair<const char*, const char*> cases[] = {
        {"a IS NULL", "(isnull a)"},
        {"a IS NOT NULL", "(isnotnull a)"},
        {"a ISNULL", "(isnull a)"},
        {"a IS TRUE", "(istrue a)"},
        {"a IS NOT FALSE", "(isnotfalse a)"},
        {"a IS UNKNOWN", "(isunknown a)"},
        {"a IN (1, 2, 3)", "(in a 1 2 3)"},
        {"a NOT IN (1, 2)", "(notin a 1 2)"},
        {"a BETWEEN 1 AND 2", "(between a 1 2)"},
        {"a NOT BETWEEN 1 AND b + 1", "(notbetween a 1 (+ b 1))"},
        {"a BETWEEN SYMMETRIC 2 AND 1", "(between_sym a 2 1)"},
        {"a NOT BETWEEN SYMMETRIC 2 AND 1", "(notbetween_sym a 2 1)"},
        {"a IS DISTINCT FROM b", "(distinct a b)"},
        {"(a, b) = (SELECT 1, 2)", "(= (row a b) (subquery scalar))"},
        {"a IS NOT DISTINCT FROM b", "(notdistinct a b)"},
        {"a LIKE 'x%'", "(~~ a 'x%')"},
        {"a NOT LIKE 'x%'", "(!~~ a 'x%')"},
        {"a ILIKE 'x%'", "(~~* a 'x%')"},
        {"a NOT ILIKE 'x%'", "(!~~* a 'x%')"},
        {"a LIKE 'x!%' ESCAPE '!'", "(~~ a pg_catalog.like_escape('x!%', '!'))"},
        {"a ~ 'x'", "(~ a 'x')"},
        {"a = ANY (ARRAY[1, 2])", "(= any a (array 1 2))"},
        {"a < ALL ('{1,2}')", "(< all a '{1,2}')"},
        {"NULLIF(a, 0)", "(nullif a 0)"},
        {"COALESCE(a, b, 0)", "(coalesce a b 0)"},
        {"GREATEST(a, 1)", "(greatest a 1)"},
        {"LEAST(a, 1)", "(least a 1)"},
        {"(a, b) = (1, 2)", "(= (row a b) (row 1 2))"},
        {"ROW(1, 'x')", "(row 1 'x')"},
        {"ARRAY[[1, 2], [3, 4]]", "(array (array 1 2) (array 3 4))"},
        {"arr[1]", "(subscript arr 1)"},
        {"arr[1:2]", "(subscript arr 1 2)"},
        {"(c).field", "(field field c)"},
        {"(arr[1]).f[2]", "(subscript (field f (subscript arr 1)) 2)"},
        {"name COLLATE \"C\"", "(collate C name)"},
    };
    for (const auto& [sql, expected] : cases) {
      CAPTURE(std::string(sql));
      CHECK(ExprText(sql) == expected);
    }
  }

  TEST_CASE("casts keep the type names libpg_query gives") {
    const std::pair<const char*, const char*> cases[] = {
        {"CAST(a AS INTEGER)", "(cast a pg_catalog.int4)"},
        {"a::bigint", "(cast a pg_catalog.int8)"},
        {"'1'::int", "(cast '1' pg_catalog.int4)"},
        {"DATE '2020-01-01'", "(cast '2020-01-01' date)"},
        {"TIMESTAMP WITH TIME ZONE '2020-01-01'", "(cast '2020-01-01' pg_catalog.timestamptz)"},
        {"CAST(a AS VARCHAR(10))", "(cast a pg_catalog.varchar(10))"},
        {"CAST(a AS CHAR(3))", "(cast a pg_catalog.bpchar(3))"},
        {"CAST(a AS NUMERIC(10, 2))", "(cast a pg_catalog.numeric(10,2))"},
        {"CAST(a AS DECIMAL)", "(cast a pg_catalog.numeric)"},
        {"CAST(a AS DOUBLE PRECISION)", "(cast a pg_catalog.float8)"},
        {"CAST(a AS FLOAT)", "(cast a pg_catalog.float8)"},
        {"CAST(a AS REAL)", "(cast a pg_catalog.float4)"},
        {"CAST(a AS BOOLEAN)", "(cast a pg_catalog.bool)"},
        {"CAST(a AS TEXT)", "(cast a text)"},
        {"a::int[]", "(cast a pg_catalog.int4[])"},
        {"a::myschema.mytype", "(cast a myschema.mytype)"},
        {"NULL::int", "(cast NULL pg_catalog.int4)"},
    };
    for (const auto& [sql, expected] : cases) {
      CAPTURE(std::string(sql));
      CHECK(ExprText(sql) == expected);
    }
    ast::ExprPtr cast = ParseExpr("'1' :: int");
    CHECK(cast->location == 11);  // the :: operator
  }

  TEST_CASE("interval types report their field mask separately from the precision") {
    ast::ExprPtr plain = ParseExpr("interval '1 day'");
    CHECK(plain->type_name->interval_fields == -1);
    CHECK(plain->type_name->names == std::vector<std::string>{"pg_catalog", "interval"});

    ast::ExprPtr day = ParseExpr("interval '1' day");
    CHECK(day->type_name->interval_fields == 8);  // INTERVAL_MASK(DAY)
    CHECK(day->type_name->typmods.empty());

    ast::ExprPtr precision = ParseExpr("interval(3) '1'");
    CHECK(precision->type_name->interval_fields == 0x7FFF);  // INTERVAL_FULL_RANGE
    CHECK(precision->type_name->typmods == std::vector<int32_t>{3});
  }

  TEST_CASE("CASE keeps its operand, WHEN pairs and ELSE") {
    CHECK(ExprText("CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END") ==
          "(case (when (> a 0) 'p') (when (< a 0) 'n') (else 'z'))");
    CHECK(ExprText("CASE a WHEN 1 THEN 'one' END") == "(case a (when 1 'one'))");
  }

  TEST_CASE("SQL value functions and DEFAULT are kSqlValue") {
    const std::pair<const char*, const char*> cases[] = {
        {"CURRENT_DATE", "current_date"},
        {"CURRENT_TIMESTAMP", "current_timestamp"},
        {"CURRENT_TIMESTAMP(3)", "current_timestamp"},
        {"LOCALTIME", "localtime"},
        {"LOCALTIMESTAMP", "localtimestamp"},
        {"CURRENT_TIME", "current_time"},
        {"CURRENT_USER", "current_user"},
        {"SESSION_USER", "session_user"},
        {"USER", "user"},
        {"CURRENT_ROLE", "current_role"},
        {"CURRENT_CATALOG", "current_catalog"},
        {"CURRENT_SCHEMA", "current_schema"},
    };
    for (const auto& [sql, name] : cases) {
      CAPTURE(std::string(sql));
      ast::ExprPtr expr = ParseExpr(sql);
      CHECK(expr->kind == ast::ExprKind::kSqlValue);
      CHECK(expr->name == name);
    }
    CHECK(ParseExpr("CURRENT_TIMESTAMP(3)")->param_number == 3);
    CHECK(ParseExpr("CURRENT_TIMESTAMP")->param_number == -1);
  }

  TEST_CASE("subqueries carry their kind, operator and left operand") {
    const std::pair<const char*, const char*> cases[] = {
        {"EXISTS (SELECT 1)", "(subquery exists)"},
        {"NOT EXISTS (SELECT 1)", "(not (subquery exists))"},
        {"(SELECT 1)", "(subquery scalar)"},
        {"a IN (SELECT b FROM t)", "(subquery in a)"},
        {"a NOT IN (SELECT b FROM t)", "(not (subquery in a))"},
        {"a = ANY (SELECT b FROM t)", "(subquery any = a)"},
        {"a > SOME (SELECT b FROM t)", "(subquery any > a)"},
        {"a <= ALL (SELECT b FROM t)", "(subquery all <= a)"},
        {"ARRAY(SELECT b FROM t)", "(subquery array)"},
    };
    for (const auto& [sql, expected] : cases) {
      CAPTURE(std::string(sql));
      CHECK(ExprText(sql) == expected);
    }
    ast::ExprPtr scalar = ParseExpr("(SELECT max(b) FROM t WHERE t.c = 1)");
    REQUIRE(scalar->subquery != nullptr);
    CHECK(scalar->subquery->from.size() == 1);
    CHECK(ast::Sexp(scalar->subquery->where) == "(= t.c 1)");
  }

  TEST_CASE("function calls keep aggregate modifiers") {
    ast::ExprPtr count_star = ParseExpr("count(*)");
    CHECK(count_star->kind == ast::ExprKind::kFunction);
    CHECK(count_star->names == std::vector<std::string>{"count"});
    CHECK(count_star->agg_star);
    CHECK(count_star->args.empty());

    CHECK(ExprText("count(DISTINCT a)") == "count(distinct a)");
    CHECK(ExprText("sum(a) FILTER (WHERE a > 0)") == "sum(a) filter (> a 0)");
    CHECK(ExprText("pg_catalog.lower(a)") == "pg_catalog.lower(a)");
    CHECK(ExprText("EXTRACT(year FROM d)") == "pg_catalog.extract('year', d)");
    CHECK(ExprText("substring(s FROM 2 FOR 3)") == "pg_catalog.substring(s, 2, 3)");
    CHECK(ExprText("TRIM(BOTH ' ' FROM s)") == "pg_catalog.btrim(s, ' ')");

    ast::ExprPtr ordered = ParseExpr("string_agg(a, ',' ORDER BY b DESC NULLS LAST)");
    REQUIRE(ordered->agg_order.size() == 1);
    CHECK(ast::Sexp(ordered->agg_order[0].expr) == "b");
    CHECK(ordered->agg_order[0].direction == ast::SortDirection::kDesc);
    CHECK(ordered->agg_order[0].nulls == ast::NullsOrder::kLast);

    ast::ExprPtr within = ParseExpr("percentile_cont(0.5) WITHIN GROUP (ORDER BY a)");
    CHECK(within->within_group);
    CHECK(within->agg_order.size() == 1);

    CHECK(ParseExpr("concat(VARIADIC arr)")->variadic);
  }

  TEST_CASE("window definitions decode PostgreSQL's frame option bits") {
    ast::ExprPtr plain = ParseExpr("row_number() OVER (PARTITION BY a ORDER BY b)");
    REQUIRE(plain->over != nullptr);
    CHECK(!plain->over->has_frame);
    CHECK(plain->over->partition_by.size() == 1);
    CHECK(plain->over->order_by.size() == 1);
    CHECK(plain->over->frame_unit == ast::FrameUnit::kRange);
    CHECK(plain->over->frame_start.kind == ast::FrameBoundKind::kUnboundedPreceding);
    CHECK(plain->over->frame_end.kind == ast::FrameBoundKind::kCurrentRow);

    ast::ExprPtr rows = ParseExpr("sum(a) OVER (ORDER BY b ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)");
    CHECK(rows->over->has_frame);
    CHECK(rows->over->frame_unit == ast::FrameUnit::kRows);
    CHECK(rows->over->frame_start.kind == ast::FrameBoundKind::kPreceding);
    CHECK(ast::Sexp(rows->over->frame_start.offset) == "2");
    CHECK(rows->over->frame_end.kind == ast::FrameBoundKind::kFollowing);
    CHECK(ast::Sexp(rows->over->frame_end.offset) == "1");

    ast::ExprPtr start_only = ParseExpr("sum(a) OVER (ROWS 3 PRECEDING)");
    CHECK(start_only->over->frame_start.kind == ast::FrameBoundKind::kPreceding);
    CHECK(start_only->over->frame_end.kind == ast::FrameBoundKind::kCurrentRow);

    ast::ExprPtr groups =
        ParseExpr("sum(a) OVER (ORDER BY b GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES)");
    CHECK(groups->over->frame_unit == ast::FrameUnit::kGroups);
    CHECK(groups->over->frame_start.kind == ast::FrameBoundKind::kCurrentRow);
    CHECK(groups->over->frame_end.kind == ast::FrameBoundKind::kUnboundedFollowing);
    CHECK(groups->over->frame_exclusion == "ties");

    ast::ExprPtr range = ParseExpr(
        "sum(a) OVER (ORDER BY b RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW)");
    CHECK(range->over->has_frame);
    CHECK(range->over->frame_unit == ast::FrameUnit::kRange);
    CHECK(range->over->frame_exclusion == "current row");
    CHECK(ParseExpr("sum(a) OVER (ROWS UNBOUNDED PRECEDING EXCLUDE GROUP)")->over->frame_exclusion ==
          "group");

    ast::ExprPtr named = ParseExpr("sum(a) OVER w");
    CHECK(named->over->ref_name == "w");
    CHECK(named->over->name.empty());
    ast::ExprPtr refined = ParseExpr("sum(a) OVER (w ORDER BY b)");
    CHECK(refined->over->ref_name == "w");
    CHECK(refined->over->order_by.size() == 1);
  }

  TEST_CASE("locations are byte offsets into the whole text") {
    std::vector<ast::StatementPtr> statements = ParseSql("SELECT 1; SELECT a + b FROM t");
    auto& select = dynamic_cast<ast::SelectStatement&>(*statements[1]);
    const ast::Expr& plus = *select.select->targets[0].expr;
    CHECK(plus.location == 19);
    CHECK(plus.args[0]->location == 17);
    CHECK(plus.args[1]->location == 21);
    CHECK(select.select->from[0]->location == 28);
  }

  TEST_CASE("expressions Tessera cannot represent are 0A000 naming the construct") {
    const std::pair<const char*, const char*> cases[] = {
        {"a SIMILAR TO 'x'", "SIMILAR TO is not supported"},
        {"f(x => 1)", "named function argument is not supported"},
        {"arr[:2]", "array slice with an omitted bound is not supported"},
        {"xmlelement(name x)", "XML expression is not supported"},
    };
    for (const auto& [sql, message] : cases) {
      CAPTURE(std::string(sql));
      try {
        ParseExpr(sql);
        FAIL("expected an error");
      } catch (const SqlError& error) {
        CHECK(error.state() == SqlState::kFeatureNotSupported);
        CHECK(error.info().message == message);
      }
    }
  }

  TEST_CASE("deeply nested expressions parse and overly deep ones fail cleanly") {
    std::string nested = "1";
    for (int level = 0; level < 200; ++level) nested = "(" + nested + " + 1)";
    CHECK(ParseExpr(nested)->kind == ast::ExprKind::kOperator);

    std::string too_deep = "1";
    for (int level = 0; level < 5000; ++level) too_deep += "+1";
    try {
      ParseSql("SELECT " + too_deep);
      FAIL("expected an error");
    } catch (const SqlError& error) {
      CHECK(error.state() == SqlState::kStatementTooComplex);
      CHECK(error.info().message == "stack depth limit exceeded");
    }
  }
}

}  // namespace
}  // namespace tessera::planner
