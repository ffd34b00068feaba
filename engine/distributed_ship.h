// SPDX-License-Identifier: Apache-2.0
// Rows a coordinator ships to the workers for a pushed-down UPDATE or DELETE (docs/CLUSTER.md,
// statement pushdown): what the statement reads that the workers cannot read themselves (another
// distributed table not pinned with the target, the target itself read again, a local or system table,
// a view, a CTE) is computed once on the coordinator and put where the worker's text names it (at a
// placeholder planner/parser/shard_sql.h writes there), one of two ways:
//   - as a table: the rows are copied (binary COPY, as the broadcast join does) into
//     tessera_shards.shipped_<unique>_<n> on each worker the statement runs on, made and filled in a
//     transaction of its own before the statement's (so the worker's write transaction changes no
//     catalog and can still be PREPAREd for two-phase commit), and dropped after the statement, also
//     after an error (a worker that cannot be reached then keeps it; its name says what made it);
//   - as text, `(VALUES (...), ...)` of typed literals in the statement itself: inside a transaction
//     block at REPEATABLE READ or SERIALIZABLE, whose snapshot on the worker would not see the rows
//     committed after it. Up to kMaxShippedBytes of text; a worker binds it again per partition.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/vector.h"
#include "engine/exec_context.h"

namespace tessera::engine {

struct PlanNode;

// The most text the rows of one statement may take as VALUES (all shipped tables together); more
// answers 0A000.
inline constexpr size_t kMaxShippedBytes = size_t{64} << 20;

// `value` of `type` as a typed SQL literal ('v'::type, NULL::type). Throws 0A000 for a value of unknown
// type.
std::string ShippedLiteral(const Value& value, const LogicalType& type);

// `sql`, a pushed-down statement's text, with every occurrence of placeholders[i] replaced by
// replacements[i] (names that stand in the deparsed text for what is known only later or is not a table).
std::string ReplacePlaceholders(std::string sql, const std::vector<std::string>& placeholders,
                                const std::vector<std::string>& replacements);

// The shipped rows of one execution of a kDistributedStatement node, whose children compute them (in
// the order of `placeholders`). Used by one thread.
class ShippedRows {
 public:
  ShippedRows(const PlanNode& node, ExecContext& context, std::vector<std::string> placeholders);
  ~ShippedRows();  // drops the tables made on the workers
  ShippedRows(const ShippedRows&) = delete;
  ShippedRows& operator=(const ShippedRows&) = delete;

  // Computes the rows on the coordinator and ships them to `workers` (as tables, or as text inside a
  // REPEATABLE READ or SERIALIZABLE block). Throws 0A000 for rows that cannot be shipped.
  void Ship(const std::vector<uint32_t>& workers);
  // `sql` with each placeholder replaced by the shipped rows' table name or VALUES text.
  std::string Replace(std::string sql) const;

 private:
  const PlanNode& node_;
  ExecContext& context_;
  const std::vector<std::string> placeholders_;
  std::vector<std::string> replacements_;  // by placeholder
  std::vector<uint32_t> made_on_;          // workers holding the tables, to drop them
};

}  // namespace tessera::engine
