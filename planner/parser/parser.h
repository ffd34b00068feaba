// SPDX-License-Identifier: Apache-2.0
// Parser: SQL text -> Tessera AST, through libpg_query (PostgreSQL 15's own grammar). This header is the
// only one planner/ code includes from planner/parser/; protobuf stays inside planner/parser/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "planner/ast.h"

namespace tessera::planner {

// Parses one or more ';'-separated statements. Each returned statement carries its location and length
// in `sql`. An empty (or comment-only) string gives an empty vector.
// Throws SqlError 42601 (syntax error, with the 1-based position of the error) for text PostgreSQL
// rejects, and 0A000 for syntax Tessera does not support yet, naming the construct.
std::vector<ast::StatementPtr> ParseSql(std::string_view sql);

}  // namespace tessera::planner
