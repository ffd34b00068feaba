// SPDX-License-Identifier: Apache-2.0
// Session-level test helpers.
#include "session_test_support.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "base/error.h"
#include "base/sql_state.h"

namespace tessera::planner {

std::string Run(Session& session, const std::string& sql) {
  try {
    auto statement = session.Prepare(sql);
    auto cursor = session.Execute(*statement);
    Batch batch;
    while (cursor->Next(&batch)) {
    }
    std::string tag = cursor->CommandTag();
    session.Sync();
    return tag;
  } catch (const SqlError& error) {
    session.HandleError();
    session.Sync();
    return std::string("ERROR ") + std::string(SqlStateCode(error.state()));
  }
}

std::string RunBlocked(Session& finisher, Session& waiter, const std::string& blocked_sql, const std::string& end_sql,
                       const std::string& end_tag) {
  std::string answer;
  std::thread thread([&] { answer = Run(waiter, blocked_sql); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(answer.empty());  // still waiting
  CHECK(Run(finisher, end_sql) == end_tag);
  thread.join();
  return answer;
}

}  // namespace tessera::planner
