// SPDX-License-Identifier: Apache-2.0
// Tests prepared transactions where the sqllogictest runner cannot reach: a writer that meets a row of a
// prepared transaction waits until another session commits or rolls it back (also after a restart), and
// transaction ids after recovery never collide with a recovered prepared transaction's.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "base/error.h"
#include "base/sql_state.h"
#include "engine/database.h"
#include "engine/prepared_transactions.h"
#include "planner/session.h"
#include "session_test_support.h"
#include "storage/transaction.h"

namespace tessera::planner {
namespace {

// Prepares `gid` in `session`: deletes row `deleted` and updates row `updated` of table q.
void PrepareChanges(Session& session, const std::string& gid, int deleted, int updated) {
  REQUIRE(Run(session, "BEGIN") == "BEGIN");
  REQUIRE(Run(session, "DELETE FROM q WHERE id = " + std::to_string(deleted)) == "DELETE 1");
  REQUIRE(Run(session, "UPDATE q SET v = v + 100 WHERE id = " + std::to_string(updated)) == "UPDATE 1");
  REQUIRE(Run(session, "PREPARE TRANSACTION '" + gid + "'") == "PREPARE TRANSACTION");
}

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-prepared-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDirectory() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<engine::Database> OpenDurable(const std::string& directory) {
  engine::DatabaseOptions options{directory, 2, 1, "tessera"};
  auto database = std::make_unique<engine::Database>(options);
  database->OpenStorage().ThrowIfError();
  return database;
}

TEST_SUITE("prepared_transaction") {
  TEST_CASE("a writer waits for a prepared transaction's rows until COMMIT or ROLLBACK PREPARED") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session first{database, {}};
    Session second{database, {}};
    Session third{database, {}};
    REQUIRE(Run(first, "CREATE TABLE q (id INT PRIMARY KEY, v INT)") == "CREATE TABLE");
    REQUIRE(Run(first, "INSERT INTO q VALUES (1, 10), (2, 20), (3, 30), (4, 40)") == "INSERT 0 4");

    // Committed: the deleted row is gone for the waiting UPDATE; the updated one is changed again.
    PrepareChanges(first, "a", 1, 2);
    CHECK(RunBlocked(third, second, "UPDATE q SET v = v + 1 WHERE id = 1", "COMMIT PREPARED 'a'", "COMMIT PREPARED") ==
          "UPDATE 0");
    PrepareChanges(first, "b", 3, 2);
    CHECK(RunBlocked(third, second, "UPDATE q SET v = v + 1 WHERE id = 2", "COMMIT PREPARED 'b'", "COMMIT PREPARED") ==
          "UPDATE 1");
    CHECK(Run(first, "SELECT id FROM q WHERE id = 2 AND v = 221") == "SELECT 1");

    // Rolled back: the waiting statement changes the row.
    PrepareChanges(first, "c", 4, 2);
    CHECK(RunBlocked(third, second, "DELETE FROM q WHERE id = 4", "ROLLBACK PREPARED 'c'", "ROLLBACK PREPARED") ==
          "DELETE 1");
    CHECK(Run(first, "SELECT id FROM q") == "SELECT 1");

    // A key a prepared transaction inserted: the unique check waits for it.
    REQUIRE(Run(first, "BEGIN") == "BEGIN");
    REQUIRE(Run(first, "INSERT INTO q VALUES (5, 50)") == "INSERT 0 1");
    REQUIRE(Run(first, "PREPARE TRANSACTION 'd'") == "PREPARE TRANSACTION");
    CHECK(RunBlocked(third, second, "INSERT INTO q VALUES (5, 51)", "COMMIT PREPARED 'd'", "COMMIT PREPARED") ==
          "ERROR 23505");
  }

  TEST_CASE("a transaction without writes is prepared, listed, and committed once") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session session{database, {}};
    REQUIRE(Run(session, "BEGIN") == "BEGIN");
    REQUIRE(Run(session, "PREPARE TRANSACTION 'no writes'") == "PREPARE TRANSACTION");
    CHECK(database.prepared().List().size() == 1);
    CHECK(Run(session, "COMMIT PREPARED 'no writes'") == "COMMIT PREPARED");
    CHECK(database.prepared().List().empty());
    CHECK(Run(session, "COMMIT PREPARED 'no writes'") == "ERROR 42704");
  }

  TEST_CASE("a transaction that created a schema or dropped a column is not prepared (0A000) and is rolled back") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session session{database, {}};
    REQUIRE(Run(session, "BEGIN") == "BEGIN");
    REQUIRE(Run(session, "CREATE SCHEMA made") == "CREATE SCHEMA");
    REQUIRE(Run(session, "CREATE TABLE made.t (id INT)") == "CREATE TABLE");
    CHECK(Run(session, "PREPARE TRANSACTION 'ddl'") == "ERROR 0A000");
    CHECK(Run(session, "SELECT * FROM made.t") == "ERROR 42P01");
    CHECK(database.prepared().List().empty());
    REQUIRE(Run(session, "CREATE TABLE wide (id INT, note TEXT)") == "CREATE TABLE");
    REQUIRE(Run(session, "BEGIN") == "BEGIN");
    REQUIRE(Run(session, "ALTER TABLE wide DROP COLUMN note") == "ALTER TABLE");
    CHECK(Run(session, "PREPARE TRANSACTION 'drop column'") == "ERROR 0A000");
    CHECK(Run(session, "SELECT note FROM wide") == "SELECT 0");
    // DDL undone by ROLLBACK TO SAVEPOINT, and SET, do not count.
    REQUIRE(Run(session, "CREATE TABLE kept (id INT)") == "CREATE TABLE");
    REQUIRE(Run(session, "BEGIN") == "BEGIN");
    REQUIRE(Run(session, "SAVEPOINT s") == "SAVEPOINT");
    REQUIRE(Run(session, "ALTER TABLE kept ADD COLUMN note TEXT") == "ALTER TABLE");
    REQUIRE(Run(session, "ROLLBACK TO SAVEPOINT s") == "ROLLBACK");
    REQUIRE(Run(session, "SET extra_float_digits = 0") == "SET");
    REQUIRE(Run(session, "INSERT INTO kept VALUES (1)") == "INSERT 0 1");
    CHECK(Run(session, "PREPARE TRANSACTION 'no ddl'") == "PREPARE TRANSACTION");
    CHECK(Run(session, "ROLLBACK PREPARED 'no ddl'") == "ROLLBACK PREPARED");
    CHECK(Run(session, "SELECT * FROM kept") == "SELECT 0");
  }

  TEST_CASE("a transaction that changed the schema is prepared: its changes stay until it ends") {
    engine::Database database{engine::DatabaseOptions{"", 2, 1, "tessera"}};
    Session session{database, {}};
    Session other{database, {}};
    for (const bool commit : {true, false}) {
      const std::string gid = commit ? "kept" : "undone";
      REQUIRE(Run(session, "BEGIN") == "BEGIN");
      REQUIRE(Run(session, "CREATE TABLE made_" + gid + " (id INT PRIMARY KEY)") == "CREATE TABLE");
      REQUIRE(Run(session, "INSERT INTO made_" + gid + " VALUES (1)") == "INSERT 0 1");
      REQUIRE(Run(session, "PREPARE TRANSACTION '" + gid + "'") == "PREPARE TRANSACTION");
      CHECK(Run(other, "SELECT * FROM made_" + gid) == "SELECT 0");  // published, its row pending
      CHECK(Run(other, std::string(commit ? "COMMIT" : "ROLLBACK") + " PREPARED '" + gid + "'") ==
            std::string(commit ? "COMMIT" : "ROLLBACK") + " PREPARED");
      CHECK(Run(other, "SELECT * FROM made_" + gid) == (commit ? "SELECT 1" : "ERROR 42P01"));
    }
  }

  TEST_CASE("a prepared transaction recovered after a restart still holds its rows; new ids come after it") {
    TempDirectory directory;
    storage::Stamp prepared_id = 0;
    {
      auto database = OpenDurable(directory.path());
      Session session{*database, {}};
      REQUIRE(Run(session, "CREATE TABLE q (id INT PRIMARY KEY, v INT)") == "CREATE TABLE");
      REQUIRE(Run(session, "INSERT INTO q VALUES (1, 10), (2, 20), (3, 30)") == "INSERT 0 3");
      PrepareChanges(session, "held", 1, 2);
      REQUIRE(database->prepared().List().size() == 1);
      prepared_id = database->prepared().List()[0].txn_id;
    }
    for (int restart = 0; restart < 2; ++restart) {
      auto database = OpenDurable(directory.path());
      REQUIRE(database->prepared().List().size() == 1);
      CHECK(database->prepared().List()[0].txn_id == prepared_id);
      CHECK(database->prepared().List()[0].info.gid == "held");
      // A new transaction never gets the recovered one's id (it would see and commit its rows).
      const storage::Stamp next = database->transactions().Begin();
      CHECK(next > prepared_id);
      database->transactions().Abandon(next);
      Session first{*database, {}};
      Session second{*database, {}};
      CHECK(Run(first, "SELECT id FROM q WHERE id = 1 OR (id = 2 AND v = 20)") == "SELECT 2");
      // New work beside it is durable on its own.
      REQUIRE(Run(first, "INSERT INTO q VALUES (" + std::to_string(10 + restart) + ", 0)") == "INSERT 0 1");
    }
    auto database = OpenDurable(directory.path());
    Session first{*database, {}};
    Session second{*database, {}};
    CHECK(Run(first, "SELECT id FROM q WHERE id >= 10") == "SELECT 2");
    // The deleted row is skipped; the updated one is changed again in its new version (WAL delete entries
    // say which deletes were UPDATEs).
    CHECK(RunBlocked(first, second, "UPDATE q SET v = v + 1 WHERE id IN (1, 2)", "COMMIT PREPARED 'held'",
                     "COMMIT PREPARED") == "UPDATE 1");
    CHECK(Run(first, "SELECT id FROM q WHERE id = 2 AND v = 121") == "SELECT 1");
    CHECK(Run(first, "SELECT id FROM q") == "SELECT 4");
    CHECK(database->prepared().List().empty());
  }
}

}  // namespace
}  // namespace tessera::planner
