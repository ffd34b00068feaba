// SPDX-License-Identifier: Apache-2.0
// ShardSql: the text a worker runs for one partition of a pushed-down statement (docs/CLUSTER.md, the
// router and full pushdown tiers): the user's statement, parsed again by libpg_query, with the tables the
// binder resolved to distributed tables renamed to their shard tables, deparsed by libpg_query. Each
// renamed table keeps the name the query used as its alias, so `t.col` still resolves on the worker.
// Parameters ($1) stay parameters; the caller sends their values with the statement.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::planner {

// A table name a statement is to use instead of the one it wrote.
struct ShardTableName {
  std::string schema;
  std::string table;
};

class ShardSql {
 public:
  // Parses `sql`, the text of one statement (an EXPLAIN's: then the explained statement is the one
  // deparsed). Locations below are byte offsets in `sql`. Throws SqlError as ParseSql does.
  explicit ShardSql(std::string_view sql);
  ~ShardSql();
  ShardSql(const ShardSql&) = delete;
  ShardSql& operator=(const ShardSql&) = delete;

  // The location of every table name (RangeVar) the statement writes, CTE references included.
  const std::vector<int>& relation_locations() const { return relation_locations_; }
  // The names of the functions it calls, lower-case, schema-qualified ones as "schema.name".
  const std::vector<std::string>& function_names() const { return function_names_; }
  // Whether it uses CURRENT_DATE, CURRENT_USER and the other SQL value functions, or a WITH clause.
  bool uses_sql_value_function() const { return uses_sql_value_function_; }
  bool uses_with() const { return uses_with_; }

  // Returns the statement as SQL, the table at each location of `tables` renamed (and aliased to the name
  // it had unless it had an alias). Throws 0A000 when libpg_query cannot deparse it.
  std::string Deparse(const std::map<int, ShardTableName>& tables) const;

 private:
  struct Tree;
  std::unique_ptr<Tree> tree_;
  std::vector<int> relation_locations_;
  std::vector<std::string> function_names_;
  bool uses_sql_value_function_ = false;
  bool uses_with_ = false;
};

}  // namespace tessera::planner
