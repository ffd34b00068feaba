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
    ShardSql with("WITH c AS (SELECT a FROM t) SELECT a FROM c");
    CHECK(with.uses_with());
    CHECK(with.relation_locations().size() == 2);
  }
}

}  // namespace
}  // namespace tessera::planner
