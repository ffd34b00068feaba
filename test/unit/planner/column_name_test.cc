// SPDX-License-Identifier: Apache-2.0
// Tests FigureColumnName: the result column names PostgreSQL 15 gives select-list items without AS
// (expected names taken from PostgreSQL 15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "planner/binder.h"
#include "planner/parser/parser.h"

namespace tessera::planner {
namespace {

// The name of the first select-list item of "SELECT <text>".
std::string NameOf(const std::string& text) {
  std::vector<ast::StatementPtr> statements = ParseSql("SELECT " + text);
  REQUIRE(statements.size() == 1);
  auto* select = dynamic_cast<ast::SelectStatement*>(statements[0].get());
  REQUIRE(select != nullptr);
  REQUIRE(!select->select->targets.empty());
  return FigureColumnName(*select->select->targets[0].expr);
}

TEST_SUITE("column_name") {
  TEST_CASE("columns, functions and function-like constructs name the column") {
    CHECK(NameOf("a FROM t") == "a");
    CHECK(NameOf("t.a FROM t") == "a");
    CHECK(NameOf("count(*) FROM t") == "count");
    CHECK(NameOf("pg_catalog.upper('a')") == "upper");
    CHECK(NameOf("coalesce(1, 2)") == "coalesce");
    CHECK(NameOf("nullif(1, 2)") == "nullif");
    CHECK(NameOf("greatest(1, 2)") == "greatest");
    CHECK(NameOf("ARRAY[1]") == "array");
    CHECK(NameOf("ROW(1, 2)") == "row");
    CHECK(NameOf("arr[1] FROM t") == "arr");
    CHECK(NameOf("current_date") == "current_date");
    CHECK(NameOf("EXISTS (SELECT 1)") == "exists");
    CHECK(NameOf("ARRAY(SELECT 1)") == "array");
    CHECK(NameOf("trim(both from ' a ')") == "btrim");
  }

  TEST_CASE("operators, literals and tests have no name") {
    for (const char* text : {"1", "'x'", "NULL", "-a FROM t", "a + 1 FROM t", "a IS NULL FROM t",
                             "a IN (1) FROM t", "a BETWEEN 1 AND 2 FROM t", "1 = ANY (SELECT 1)"}) {
      CAPTURE(text);
      CHECK(NameOf(text) == "?column?");
    }
  }

  TEST_CASE("a cast names the column by its type unless its operand has a name") {
    CHECK(NameOf("1::int") == "int4");
    CHECK(NameOf("'abc'::bytea::text") == "text");
    CHECK(NameOf("1::int::text") == "text");
    CHECK(NameOf("CAST(1 AS bigint)") == "int8");
    CHECK(NameOf("'a'::text::varchar") == "varchar");
    CHECK(NameOf("DATE '2020-01-01'") == "date");
    CHECK(NameOf("a::text FROM t") == "a");
    CHECK(NameOf("a::int::text FROM t") == "a");
    CHECK(NameOf("count(*)::int FROM t") == "count");
    CHECK(NameOf("ARRAY[]::int[]") == "array");
    CHECK(NameOf("coalesce(1, 2)::text") == "coalesce");
  }

  TEST_CASE("CASE takes its ELSE result's name, else case") {
    CHECK(NameOf("CASE WHEN true THEN 1 END") == "case");
    CHECK(NameOf("CASE WHEN true THEN 1 ELSE a END FROM t") == "a");
    CHECK(NameOf("CASE WHEN true THEN 1 ELSE a::text END FROM t") == "a");
    CHECK(NameOf("CASE WHEN true THEN '1' ELSE 2::text END") == "case");
    CHECK(NameOf("CASE WHEN true THEN 'a' END::text") == "text");
  }

  TEST_CASE("a scalar subquery takes the name of its first column") {
    CHECK(NameOf("(SELECT a FROM t)") == "a");
    CHECK(NameOf("(SELECT a AS b FROM t)") == "b");
    CHECK(NameOf("(SELECT a FROM t UNION SELECT 1)") == "a");
    CHECK(NameOf("(SELECT 1)") == "?column?");
    CHECK(NameOf("(SELECT 1)::int") == "?column?");
    CHECK(NameOf("(VALUES (1))") == "column1");
  }
}

}  // namespace
}  // namespace tessera::planner
