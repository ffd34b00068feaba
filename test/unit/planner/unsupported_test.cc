// SPDX-License-Identifier: Apache-2.0
// Tests that SQL Tessera does not implement answers 0A000 through a session, where running it the plain
// way would give a different result from PostgreSQL's.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "engine/database.h"
#include "planner/session.h"

namespace tessera::planner {
namespace {

// Runs `sql` to completion as a simple query does (ending with Sync).
void Run(Session& session, const std::string& sql) {
  auto statement = session.Prepare(sql);
  auto cursor = session.Execute(*statement);
  Batch batch;
  while (cursor->Next(&batch)) {
  }
  session.Sync();
}

TEST_SUITE("unsupported") {
  TEST_CASE("features that would otherwise answer differently raise 0A000") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session session{database, {}};
    Run(session, "CREATE TABLE t (a INT, b TEXT)");
    const std::vector<std::string> queries = {
        "SELECT concat(VARIADIC '{}'::int[])",
        "SELECT concat_ws(',', VARIADIC ARRAY[1, 2])",
        "SELECT a FROM t ORDER BY a USING ~<~",
        // numeric results beyond the digits Tessera computes correctly (PostgreSQL gives them all)
        "SELECT 3.789 ^ 35",
        "SELECT 1.2 ^ 345",
        "SELECT exp(1.0::numeric(71,70))",
        "SELECT ln(0.349873948359354029493948309745709580730482050975)",
        "SELECT 1e-300",
        "SELECT 1e-300::float8 > 0",
        "SELECT 123456789012345678901234567890.123456789",
        "SELECT 0.12345678901234567890123 * 0.12345678901234567890123",
        "SELECT 2 / 0.0000000000000000000000000001",
        // set-returning calls nested, over grouped rows, or beside window functions
        "SELECT generate_series(1, generate_series(1, 2))",
        "SELECT generate_series(1, count(*)) FROM t",
        "SELECT generate_series(1, 2), row_number() OVER () FROM t",
        "SELECT unnest(ARRAY[ARRAY[1]])",
        // arrays of types Tessera has no array type for
        "SELECT ARRAY[1.5]",
        "SELECT ARRAY['{}'::json]",
        // SERIALIZABLE would need predicate locks; running it as REPEATABLE READ allows write skew
        "BEGIN ISOLATION LEVEL SERIALIZABLE",
        "SET default_transaction_isolation = 'serializable'",
    };
    for (const auto& query : queries) {
      CAPTURE(query);
      bool raised = false;
      try {
        Run(session, query);
      } catch (const SqlError& error) {
        raised = true;
        CHECK(error.state() == SqlState::kFeatureNotSupported);
      }
      CHECK(raised);
      session.HandleError();
    }
  }
}

}  // namespace
}  // namespace tessera::planner
