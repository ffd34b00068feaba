// SPDX-License-Identifier: Apache-2.0
// Helpers for tests that drive planner::Session objects directly (several sessions of one database).
#pragma once

#include <string>

#include "planner/session.h"

namespace tessera::planner {

// Runs `sql` as a simple query does (ending with Sync); returns the command tag or "ERROR <SQLSTATE>".
std::string Run(Session& session, const std::string& sql);

// Runs `blocked_sql` in `waiter` on a thread; checks that it waits until `finisher` runs `end_sql`
// (answering `end_tag`); returns what `blocked_sql` answered.
std::string RunBlocked(Session& finisher, Session& waiter, const std::string& blocked_sql, const std::string& end_sql,
                       const std::string& end_tag);

}  // namespace tessera::planner
