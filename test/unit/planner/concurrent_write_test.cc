// SPDX-License-Identifier: Apache-2.0
// Tests what a READ COMMITTED writer does when another session holds the row it changes: it waits for
// that transaction, then goes on (aborted), skips the row (deleted) or runs again on the new version
// (updated).
// Needs two threads, which the sqllogictest runner does not have.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/sql_state.h"
#include "engine/database.h"
#include "planner/session.h"
#include "session_test_support.h"

namespace tessera::planner {
namespace {

TEST_SUITE("concurrent_write") {
  TEST_CASE("a READ COMMITTED writer waits for the row's other writer, then acts on how it ended") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session first{database, {}};
    Session second{database, {}};
    REQUIRE(Run(first, "CREATE TABLE q (id INT PRIMARY KEY, v INT)") == "CREATE TABLE");
    REQUIRE(Run(first, "INSERT INTO q VALUES (1, 10), (2, 20), (3, 30), (4, 40)") == "INSERT 0 4");

    // The other transaction deleted the row and committed: the row is skipped.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "DELETE FROM q WHERE id = 1") == "DELETE 1");
    CHECK(RunBlocked(first, second, "DELETE FROM q WHERE id = 1", "COMMIT", "COMMIT") == "DELETE 0");

    // It updated the row and committed: the statement works on the new version.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "UPDATE q SET v = 21 WHERE id = 2") == "UPDATE 1");
    CHECK(RunBlocked(first, second, "UPDATE q SET v = v + 1 WHERE id = 2", "COMMIT", "COMMIT") == "UPDATE 1");
    // ... and re-checks its WHERE clause there.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "UPDATE q SET v = 0 WHERE id = 4") == "UPDATE 1");
    CHECK(RunBlocked(first, second, "UPDATE q SET v = v + 1 WHERE id = 4 AND v = 40", "COMMIT", "COMMIT") == "UPDATE 0");

    // It rolled back: the waiting statement changes the row.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "UPDATE q SET v = 31 WHERE id = 3") == "UPDATE 1");
    CHECK(RunBlocked(first, second, "UPDATE q SET v = v + 1 WHERE id = 3", "ROLLBACK", "ROLLBACK") == "UPDATE 1");

    // A duplicate key inserted by an open transaction: the unique check waits for it.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "INSERT INTO q VALUES (5, 50)") == "INSERT 0 1");
    CHECK(RunBlocked(first, second, "INSERT INTO q VALUES (5, 51)", "COMMIT", "COMMIT") == "ERROR 23505");
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "INSERT INTO q VALUES (6, 60)") == "INSERT 0 1");
    CHECK(RunBlocked(first, second, "INSERT INTO q VALUES (6, 61)", "ROLLBACK", "ROLLBACK") == "INSERT 0 1");

    // What both sessions see afterwards.
    for (Session* session : {&first, &second}) {
      CHECK(Run(*session, "SELECT id FROM q WHERE id = 1") == "SELECT 0");
      CHECK(Run(*session, "SELECT id FROM q WHERE id = 2 AND v = 22") == "SELECT 1");
      CHECK(Run(*session, "SELECT id FROM q WHERE id = 4 AND v = 0") == "SELECT 1");
      CHECK(Run(*session, "SELECT id FROM q WHERE id = 3 AND v = 31") == "SELECT 1");
      CHECK(Run(*session, "SELECT id FROM q WHERE (id = 5 AND v = 50) OR (id = 6 AND v = 61)") == "SELECT 2");
      CHECK(Run(*session, "SELECT id FROM q") == "SELECT 5");
    }
  }

  TEST_CASE("ON CONFLICT DO UPDATE waits for the key's other writer, then updates or inserts") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session first{database, {}};
    Session second{database, {}};
    REQUIRE(Run(first, "CREATE TABLE q (id INT PRIMARY KEY, v INT)") == "CREATE TABLE");
    REQUIRE(Run(first, "INSERT INTO q VALUES (1, 10), (2, 20)") == "INSERT 0 2");
    const std::string upsert = "INSERT INTO q VALUES ($id, $v) ON CONFLICT (id) DO UPDATE SET v = q.v + excluded.v";
    auto upsert_of = [&](int id, int v) {
      std::string sql = upsert;
      sql.replace(sql.find("$id"), 3, std::to_string(id));
      sql.replace(sql.find("$v"), 2, std::to_string(v));
      return sql;
    };

    // The tag counts inserted and updated rows, not those the WHERE clause skips.
    CHECK(Run(first, "INSERT INTO q VALUES (1, 0), (2, 0), (3, 30) ON CONFLICT (id) DO UPDATE SET v = 0 WHERE q.v = 20") ==
          "INSERT 0 2");

    // A key an open transaction inserted: the upsert waits, then updates the committed row ...
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "INSERT INTO q VALUES (4, 40)") == "INSERT 0 1");
    CHECK(RunBlocked(first, second, upsert_of(4, 1), "COMMIT", "COMMIT") == "INSERT 0 1");
    // ... or inserts when it rolled back.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "INSERT INTO q VALUES (5, 50)") == "INSERT 0 1");
    CHECK(RunBlocked(first, second, upsert_of(5, 1), "ROLLBACK", "ROLLBACK") == "INSERT 0 1");

    // The row was updated meanwhile: the upsert updates the new version.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "UPDATE q SET v = 100 WHERE id = 1") == "UPDATE 1");
    CHECK(RunBlocked(first, second, upsert_of(1, 1), "COMMIT", "COMMIT") == "INSERT 0 1");
    // It was deleted: the upsert inserts.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "DELETE FROM q WHERE id = 3") == "DELETE 1");
    CHECK(RunBlocked(first, second, upsert_of(3, 1), "COMMIT", "COMMIT") == "INSERT 0 1");

    for (Session* session : {&first, &second}) {
      CHECK(Run(*session, "SELECT id FROM q WHERE (id = 1 AND v = 101) OR (id = 2 AND v = 0)") == "SELECT 2");
      CHECK(Run(*session, "SELECT id FROM q WHERE (id = 3 AND v = 1) OR (id = 4 AND v = 41) OR (id = 5 AND v = 1)") ==
            "SELECT 3");
      CHECK(Run(*session, "SELECT id FROM q") == "SELECT 5");
    }
  }

  // Both sessions write the same new keys in the same order, starting each key together, so that they
  // often meet on a key neither saw before. As PostgreSQL guarantees, the key is inserted once and the other
  // statement updates it (DO UPDATE) or skips it (DO NOTHING); neither fails nor inserts a duplicate.
  TEST_CASE("concurrent ON CONFLICT statements on the same new keys insert each key once") {
    constexpr int kKeys = 2000;
    for (const bool update : {true, false}) {
      CAPTURE(update);
      engine::Database database{engine::DatabaseOptions{"", 2, 2, "tessera"}};
      Session setup{database, {}};
      REQUIRE(Run(setup, "CREATE TABLE c (id INT PRIMARY KEY, v INT)") == "CREATE TABLE");
      std::atomic<int> arrived{0};
      std::vector<std::string> answers[2];
      auto write_all = [&](int session_number) {
        Session session{database, {}};
        for (int key = 0; key < kKeys; ++key) {
          arrived.fetch_add(1);
          while (arrived.load() < 2 * (key + 1)) std::this_thread::yield();
          answers[session_number].push_back(Run(session, "INSERT INTO c VALUES (" + std::to_string(key) + ", 1) ON CONFLICT (id) " +
                                                              (update ? "DO UPDATE SET v = c.v + 1" : "DO NOTHING")));
        }
      };
      std::thread first(write_all, 0);
      std::thread second(write_all, 1);
      first.join();
      second.join();
      int written = 0;
      for (const auto& session_answers : answers) {
        for (const auto& answer : session_answers) {
          CHECK((answer == "INSERT 0 1" || (!update && answer == "INSERT 0 0")));
          written += answer == "INSERT 0 1" ? 1 : 0;
        }
      }
      CHECK(written == (update ? 2 : 1) * kKeys);
      CHECK(Run(setup, "SELECT id FROM c") == "SELECT " + std::to_string(kKeys));
      CHECK(Run(setup, std::string("SELECT id FROM c WHERE v = ") + (update ? "2" : "1")) == "SELECT " + std::to_string(kKeys));
    }
  }
}

}  // namespace
}  // namespace tessera::planner
