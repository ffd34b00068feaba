// SPDX-License-Identifier: Apache-2.0
// Rows a coordinator ships to the workers inside a pushed-down UPDATE or DELETE (docs/CLUSTER.md,
// statement pushdown): what the statement reads that the workers cannot read themselves (another
// distributed table not pinned with the target, the target itself read again, a local or system table,
// a view, a CTE) is computed once on the coordinator and written into the worker's text as a VALUES list
// of typed literals, in place of the table name (planner/parser/shard_sql.h puts a placeholder there).
//
// The rows travel in the statement's text rather than a table made on the worker, so the worker's
// transaction changes no catalog and can still be prepared (two-phase commit), inside a transaction
// block too.
#pragma once

#include <string>
#include <vector>

#include "base/vector.h"
#include "engine/exec_context.h"

namespace tessera::engine {

struct PlanNode;

// The most text the rows of one statement may take (all shipped tables together); more answers 0A000.
inline constexpr size_t kMaxShippedBytes = size_t{64} << 20;

// Computes each child plan of `node` (the shipped tables, in order) on the coordinator and returns each
// as SQL: `(VALUES (...), ...)`, or a SELECT of typed NULLs returning no row when it has none. Throws 0A000
// for a value of a type that cannot be written exactly as a literal, or rows over kMaxShippedBytes.
std::vector<std::string> ShipRows(const PlanNode& node, ExecContext& context);

// `value` of `type` as a typed SQL literal ('v'::type, NULL::type). Throws 0A000 for a value of unknown
// type.
std::string ShippedLiteral(const Value& value, const LogicalType& type);

// `sql` with every occurrence of placeholders[i] (an identifier no user text contains) replaced by
// rows_sql[i].
std::string ReplaceShipped(std::string sql, const std::vector<std::string>& placeholders,
                           const std::vector<std::string>& rows_sql);

}  // namespace tessera::engine
