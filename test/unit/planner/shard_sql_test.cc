// SPDX-License-Identifier: Apache-2.0
// ShardSql (planner/parser/shard_sql.h): the text a worker runs for one partition of a pushed-down statement.
#include "planner/parser/shard_sql.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace tessera::planner {
namespace {

const ShardTableName kShard{"tessera_shards", "t7_p3"};

TEST_SUITE("ShardSql") {
  TEST_CASE("renames the table at a location and aliases it to the name written") {
    const std::string sql = "SELECT t.a, b FROM t WHERE t.a = $1";
    ShardSql shard(sql);
    REQUIRE(shard.relation_locations().size() == 1);
    CHECK(shard.relation_locations()[0] == static_cast<int>(sql.find("t WHERE")));
    CHECK(shard.Deparse({{shard.relation_locations()[0], kShard}}) ==
          "SELECT t.a, b FROM tessera_shards.t7_p3 t WHERE t.a = $1");
  }

  TEST_CASE("keeps an alias, renames only the locations given, and a schema-qualified name loses its schema") {
    const std::string sql = "UPDATE public.t AS x SET a = u.a FROM u WHERE x.a = u.a RETURNING x.a";
    ShardSql shard(sql);
    REQUIRE(shard.relation_locations().size() == 2);
    const int target = static_cast<int>(sql.find("public.t"));
    CHECK(shard.Deparse({{target, kShard}}) ==
          "UPDATE tessera_shards.t7_p3 x SET a = u.a FROM u WHERE x.a = u.a RETURNING x.a");
  }

  TEST_CASE("deparses the statement an EXPLAIN explains") {
    const std::string sql = "EXPLAIN DELETE FROM t WHERE a > 1";
    ShardSql shard(sql);
    REQUIRE(shard.relation_locations().size() == 1);
    CHECK(shard.Deparse({{shard.relation_locations()[0], kShard}}) == "DELETE FROM tessera_shards.t7_p3 t WHERE a > 1");
  }

  TEST_CASE("lists function calls, SQL value functions, WITH and the table names of subqueries and CTEs") {
    ShardSql calls("SELECT pg_catalog.lower(b), random() FROM t WHERE a IN (SELECT a FROM u)");
    CHECK(calls.function_names() == std::vector<std::string>{"pg_catalog.lower", "random"});
    CHECK(calls.relation_locations().size() == 2);
    CHECK_FALSE(calls.uses_sql_value_function());
    CHECK_FALSE(calls.uses_with());
    ShardSql value("DELETE FROM t WHERE b = CURRENT_USER");
    CHECK(value.uses_sql_value_function());
    // The top-level WITH clause is computed on the coordinator: its table names are not the statement's.
    ShardSql with("WITH c AS (SELECT a FROM t) SELECT a FROM c");
    CHECK(with.uses_with());
    CHECK_FALSE(with.uses_nested_with());
    CHECK(with.relation_locations().size() == 1);
    ShardSql nested("DELETE FROM t WHERE a IN (WITH c AS (SELECT 1 AS a) SELECT a FROM c)");
    CHECK(nested.uses_nested_with());
  }

  TEST_CASE("replaces a shipped table name by its placeholder, aliased to the name written with its columns") {
    const std::string sql = "UPDATE t SET a = s.a FROM public.src s(x) WHERE t.b = s.x";
    ShardSql shard(sql);
    const int target = static_cast<int>(sql.find("t SET"));
    const int source = static_cast<int>(sql.find("public.src"));
    CHECK_FALSE(shard.NamesCte(source));
    CHECK(shard.TableName(source) == "public.src");
    CHECK(shard.RowsQuery(source) == "SELECT * FROM \"public\".\"src\"");
    CHECK(shard.Deparse({{target, kShard}}, {{source, ShippedTableName{"tessera_shipped_0_", {"a", "b"}}}}) ==
          "UPDATE tessera_shards.t7_p3 t SET a = s.a FROM tessera_shipped_0_ s(x, b) WHERE t.b = s.x");
  }

  TEST_CASE("ships a CTE of the top-level WITH clause as its own query and leaves the clause out") {
    const std::string sql = "WITH c AS (SELECT a FROM u WHERE a > 1) DELETE FROM t WHERE a IN (SELECT a FROM c)";
    ShardSql shard(sql);
    REQUIRE(shard.relation_locations().size() == 2);
    const int target = static_cast<int>(sql.find("t WHERE"));
    const int cte = static_cast<int>(sql.find("c)"));
    CHECK(shard.NamesCte(cte));
    CHECK(shard.WithCannotBeShipped().empty());
    CHECK(shard.RowsQuery(cte) == "WITH c AS (SELECT a FROM u WHERE a > 1) SELECT * FROM c");
    CHECK(shard.Deparse({{target, kShard}}, {{cte, ShippedTableName{"tessera_shipped_0_", {"a"}}}}) ==
          "DELETE FROM tessera_shards.t7_p3 t WHERE a IN (SELECT a FROM tessera_shipped_0_ c(a))");
    ShardSql modifying("WITH d AS (DELETE FROM u RETURNING a) DELETE FROM t WHERE a IN (SELECT a FROM d)");
    CHECK_FALSE(modifying.WithCannotBeShipped().empty());
  }

  TEST_CASE("makes an UPDATE return its target's columns before its own RETURNING list") {
    const std::string sql = "UPDATE t AS x SET a = a + 1 RETURNING b";
    ShardSql shard(sql);
    shard.ReturnFirst({"a", "b"});
    CHECK(shard.Deparse({{static_cast<int>(sql.find("t AS")), kShard}}) ==
          "UPDATE tessera_shards.t7_p3 x SET a = a + 1 RETURNING x.a, x.b, b");
  }
}

}  // namespace
}  // namespace tessera::planner
