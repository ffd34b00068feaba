// SPDX-License-Identifier: Apache-2.0
// The SQLSTATE code table.
#include "base/sql_state.h"

namespace tessera {

std::string_view SqlStateCode(SqlState state) {
  switch (state) {
#define TESSERA_SQL_STATE(name, code) \
  case SqlState::name:                \
    return code;
#include "base/sql_state.def"
#undef TESSERA_SQL_STATE
  }
  return "XX000";
}

std::optional<SqlState> SqlStateFromCode(std::string_view code) {
#define TESSERA_SQL_STATE(name, state_code) \
  if (code == state_code) return SqlState::name;
#include "base/sql_state.def"
#undef TESSERA_SQL_STATE
  return std::nullopt;
}

bool IsConnectionError(SqlState state) { return SqlStateCode(state).substr(0, 2) == "08"; }

}  // namespace tessera
