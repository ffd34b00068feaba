// SPDX-License-Identifier: Apache-2.0
// SessionState: a connection's settings, transaction state and pending notices (private to planner/).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/datetime.h"
#include "base/error.h"

namespace tessera::planner {

enum class TransactionState { kIdle, kInBlock, kFailed };

struct SessionState {
  std::string user = "tessera";
  std::string database = "tessera";
  // Settings by lower-case name (SET/SHOW); values as PostgreSQL prints them.
  std::map<std::string, std::string> settings;
  // The values RESET restores (the defaults with the startup packet's settings applied).
  std::map<std::string, std::string> reset_settings;
  // What SET LOCAL replaced, put back at COMMIT and ROLLBACK.
  std::vector<std::function<void()>> local_restore;
  // The values of the ParameterStatus settings last sent to the client.
  std::map<std::string, std::string> reported_values;
  std::vector<std::string> search_path = {"public"};
  // Parsed forms of the settings that change how values are read and printed.
  datetime::TimeZone time_zone;
  datetime::DateTimeStyle datetime_style;
  bool bytea_escape = false;
  int extra_float_digits = 1;
  TransactionState transaction = TransactionState::kIdle;
  // Undo actions of the open transaction block (run in reverse on ROLLBACK).
  std::vector<std::function<void()>> undo_log;
  std::vector<ErrorInfo> notices;

  // The search path with pg_catalog first, as name lookups use it.
  std::vector<std::string> LookupPath() const {
    std::vector<std::string> path = {"pg_catalog"};
    for (const auto& schema : search_path) {
      if (schema != "pg_catalog") path.push_back(schema);
    }
    return path;
  }
};

}  // namespace tessera::planner
