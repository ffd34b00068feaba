// SPDX-License-Identifier: Apache-2.0
// SqlState: PostgreSQL's five-character error codes as an enum, generated from sql_state.def.
#pragma once

#include <optional>
#include <string_view>

namespace tessera {

enum class SqlState {
#define TESSERA_SQL_STATE(name, code) name,
#include "base/sql_state.def"
#undef TESSERA_SQL_STATE
};

// Returns the five-character SQLSTATE code, e.g. "42P01".
std::string_view SqlStateCode(SqlState state);

// The inverse of SqlStateCode, for codes received from another server; nullopt for codes not listed in
// sql_state.def.
std::optional<SqlState> SqlStateFromCode(std::string_view code);

// Returns true when the code belongs to class 08 (connection exception) or is FATAL-worthy.
bool IsConnectionError(SqlState state);

}  // namespace tessera
