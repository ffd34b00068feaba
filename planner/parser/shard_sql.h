// SPDX-License-Identifier: Apache-2.0
// ShardSql: the text a worker runs for one partition of a pushed-down statement (docs/CLUSTER.md, the
// router and full pushdown tiers): the user's statement, parsed again by libpg_query, with the tables the
// binder resolved to distributed tables renamed to their shard tables, deparsed by libpg_query. Each
// renamed table keeps the name the query used as its alias, so `t.col` still resolves on the worker.
// Parameters ($1) stay parameters; the caller sends their values with the statement.
//
// A write may also ship what its text reads that cannot be read on the workers: each such table name is
// replaced by a placeholder that the coordinator's rows (as VALUES) replace at execution. The statement's
// own (top-level) WITH clause is left out of the text: its CTEs are computed on the coordinator
// (RowsQuery) and shipped where they are named.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pg_query {
class WithClause;
}

namespace tessera::planner {

// A table name a statement is to use instead of the one it wrote.
struct ShardTableName {
  std::string schema;
  std::string table;
};

// A table name whose rows the coordinator ships: `placeholder` stands in the text where the rows go, and
// the name the query used becomes its alias, naming `columns` unless the query named them itself.
struct ShippedTableName {
  std::string placeholder;
  std::vector<std::string> columns;
};

class ShardSql {
 public:
  // Parses `sql`, the text of one statement (an EXPLAIN's: then the explained statement is the one
  // deparsed). Locations below are byte offsets in `sql`. Throws SqlError as ParseSql does.
  explicit ShardSql(std::string_view sql);
  ~ShardSql();
  ShardSql(const ShardSql&) = delete;
  ShardSql& operator=(const ShardSql&) = delete;

  // The location of every table name (RangeVar) the statement writes outside its top-level WITH clause,
  // CTE references included.
  const std::vector<int>& relation_locations() const { return relation_locations_; }
  // The names of the functions it calls outside its top-level WITH clause, lower-case, schema-qualified
  // ones as "schema.name".
  const std::vector<std::string>& function_names() const { return function_names_; }
  // Whether it uses CURRENT_DATE, CURRENT_USER and the other SQL value functions outside its top-level
  // WITH clause; whether it has a WITH clause (`uses_nested_with`: below the top level).
  bool uses_sql_value_function() const { return uses_sql_value_function_; }
  bool uses_with() const { return uses_with_ || with_ != nullptr; }
  bool uses_nested_with() const { return uses_with_; }
  // Why the top-level WITH clause cannot be computed on the coordinator first ("" when it can, or there
  // is none): a data-modifying CTE.
  std::string WithCannotBeShipped() const;

  // The table name at `location` as written ("s.t", unquoted), for EXPLAIN.
  std::string TableName(int location) const;
  // Whether the table name at `location` names a CTE of the top-level WITH clause.
  bool NamesCte(int location) const;
  // Whether the table name at `location` has an alias naming its columns (`t AS x(a, b)`).
  bool RenamesColumns(int location) const;
  // The query that computes the rows the table name at `location` reads on the coordinator: for a CTE,
  // the WITH clause and SELECT * FROM it; else SELECT * FROM the name as written.
  std::string RowsQuery(int location) const;

  // Makes an UPDATE return `columns` of its target table, qualified by its alias (or name), before the
  // RETURNING list it has.
  void ReturnFirst(const std::vector<std::string>& columns);

  // Returns the statement as SQL, the table at each location of `tables` renamed (and aliased to the name
  // it had unless it had an alias) and the one at each location of `shipped` replaced by its placeholder,
  // without the top-level WITH clause (whose CTEs are shipped where named; a statement with one is pushed
  // down only so). Throws 0A000 when libpg_query cannot deparse it.
  std::string Deparse(const std::map<int, ShardTableName>& tables,
                      const std::map<int, ShippedTableName>& shipped = {}) const;

 private:
  struct Tree;
  std::unique_ptr<Tree> tree_;
  std::vector<int> relation_locations_;
  std::vector<std::string> function_names_;
  bool uses_sql_value_function_ = false;
  bool uses_with_ = false;
  std::map<int, std::pair<std::string, std::string>> table_names_;  // location -> (schema, table)
  std::set<int> cte_locations_;
  std::set<int> column_alias_locations_;
  std::unique_ptr<pg_query::WithClause> with_;  // the top-level WITH clause, taken out of the statement
};

}  // namespace tessera::planner
