// SPDX-License-Identifier: Apache-2.0
// Bound expressions back to SQL text, for fragments a coordinator sends to its workers
// (planner/distributed_joins.h). Only what a worker evaluates exactly as the coordinator would deparses:
// columns, constants of plain types, comparison and arithmetic operators, casts, AND/OR/NOT, IS [NOT]
// NULL, IS [NOT] DISTINCT FROM and COALESCE. Anything else (parameters, named functions, subqueries,
// CASE) does not, and the caller keeps that work on the coordinator.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/expression.h"

namespace tessera::planner {

// `expr` as SQL, its input column `n` written as `columns[n]`; nullopt when it does not deparse exactly.
std::optional<std::string> DeparseExpr(const engine::BoundExpr& expr, const std::vector<std::string>& columns);

}  // namespace tessera::planner
