// SPDX-License-Identifier: Apache-2.0
// Bound expressions back to SQL text, for the fragments a coordinator sends to its workers
// (docs/CLUSTER.md): a filter, a group key or an aggregate's argument over a shard table's columns.
//
// The text must mean exactly what the bound expression means when a worker binds it again, whatever the
// coordinator session's settings: constants are typed literals ('v'::type), implicit casts are written
// out, operators are parenthesised. Anything whose meaning could change on the way (parameters, outer
// references, subqueries, volatile functions, functions outside a known list, time zone dependent
// casts and functions) does not deparse: the caller then keeps that part on the coordinator.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/expression.h"

namespace tessera::engine {

// `expr` as SQL, where input column c is written `column_sql[c]` (a quoted column name, or any SQL
// expression already deparsed); std::nullopt when it does not deparse exactly.
std::optional<std::string> DeparseExpression(const BoundExpr& expr, const std::vector<std::string>& column_sql);

// `value` as a typed SQL literal ('v'::type, NULL::type); std::nullopt for types it cannot write exactly.
std::optional<std::string> DeparseConstant(const Value& value);

// The conjuncts of a filter (its AND's operands, or the filter itself) a worker may evaluate first,
// joined with AND (empty when none): those before the first one that does not deparse, and after it
// only comparisons of a column with a constant and IS [NOT] NULL of a column, which raise no error.
// (A coordinator evaluates conjuncts left to right; a later one evaluated on rows an earlier one would
// have dropped could raise an error the coordinator would not, e.g. a division by zero.) `complete`
// tells whether all conjuncts were taken (then `sql` alone means the whole filter).
struct DeparsedFilter {
  std::string sql;
  bool complete = true;
};
DeparsedFilter DeparseConjuncts(const BoundExpr& predicate, const std::vector<std::string>& column_sql);

}  // namespace tessera::engine
