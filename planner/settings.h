// SPDX-License-Identifier: Apache-2.0
// Session settings (GUCs): their defaults, validation and canonical text, SET/RESET/SHOW and the
// current_setting/set_config access the engine gets through ExecContext (private to planner/).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "planner/ast.h"
#include "planner/session_state.h"

namespace tessera::planner {

// Settings reported with ParameterStatus (lower-case names).
extern const char* const kReportedSettings[11];
// The spelling PostgreSQL reports and shows a setting under ("datestyle" -> "DateStyle").
std::string DisplayName(const std::string& name);
// The lower-case key of a setting name ("TimeZone", "time zone" -> "timezone").
std::string SettingName(const std::string& name);
// Defaults, then the startup packet's user, database, application_name, settings given by name
// ("datestyle", "timezone" as libpq sends PGDATESTYLE/PGTZ) and "-c name=value" in "options".
void InitializeSettings(SessionState& state, const std::map<std::string, std::string>& options,
                        const std::string& database);
// The value SHOW prints; nullopt for an unknown setting.
std::optional<std::string> ReadSetting(const SessionState& state, const std::string& name);
// Sets a setting as SET (or SET LOCAL / set_config(..., true) with `is_local`) does: validates the value
// (22023), stores its canonical text and parsed form, and arranges for ROLLBACK (and for a local value
// also COMMIT) to restore the old value. Throws 42704 for unknown names. Returns the canonical value.
std::string ApplySetting(SessionState& state, const std::string& name, const std::string& value, bool is_local);
// Runs SET / RESET / SET LOCAL; returns the command tag.
std::string RunSetStatement(SessionState& state, const ast::SetStatement& set);
// At COMMIT: puts back the values SET LOCAL replaced (at ROLLBACK the undo log has already done so).
void EndTransactionSettings(SessionState& state);

}  // namespace tessera::planner
