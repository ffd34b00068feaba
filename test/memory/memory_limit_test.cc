// SPDX-License-Identifier: Apache-2.0
// Starts tessera with --memory-limit 200MB and checks that queries needing more (hash aggregate, sort,
// string_agg, a parallel GROUP BY, INSERT ... SELECT) fail with 53200 while the server, the failed
// connection and other connections go on answering, and that a failed transaction's writes are undone.
#include <libpq-fe.h>
#include <stdlib.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "test/crash/server_under_test.h"

#ifndef TESSERA_BINARY
#define TESSERA_BINARY "build/tessera"
#endif

namespace tessera::memory_test {
namespace {

namespace fs = std::filesystem;
using crash::ServerKind;
using crash::ServerOptions;
using crash::ServerUnderTest;

// What a statement gave: its SQLSTATE ("" on success), detail, and rows as "a|b".
struct Outcome {
  std::string state;
  std::string detail;
  std::vector<std::string> rows;
};

class Client {
 public:
  explicit Client(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str()), &PQfinish) {
    REQUIRE_MESSAGE(PQstatus(conn_.get()) == CONNECTION_OK, PQerrorMessage(conn_.get()));
  }

  // Runs `sql` with the simple query protocol, or with `extended` as one Parse/Bind/Execute/Sync.
  Outcome Run(const std::string& sql, bool extended = false) {
    PGresult* raw = extended ? PQexecParams(conn_.get(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)
                             : PQexec(conn_.get(), sql.c_str());
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(raw, &PQclear);
    Outcome outcome;
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
      const char* detail = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_DETAIL);
      outcome.state = state != nullptr ? state : "no SQLSTATE: " + std::string(PQerrorMessage(conn_.get()));
      outcome.detail = detail != nullptr ? detail : "";
      return outcome;
    }
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      std::string line;
      for (int column = 0; column < PQnfields(result.get()); ++column) {
        line += (column > 0 ? "|" : "") + std::string(PQgetvalue(result.get(), row, column));
      }
      outcome.rows.push_back(line);
    }
    return outcome;
  }

  // Runs a statement that must succeed; returns its first row ("" when none).
  std::string Value(const std::string& sql) {
    Outcome outcome = Run(sql);
    INFO(sql);
    CHECK(outcome.state == "");
    return outcome.rows.empty() ? "" : outcome.rows[0];
  }

 private:
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

// One server for the whole file, started on first use in a fresh temporary directory.
class LimitedServer {
 public:
  static LimitedServer& Get() {
    static LimitedServer server;
    return server;
  }
  std::string ConnInfo() const { return server_->ConnInfo(); }
  std::string LogTail() const { return server_->LogTail(); }
  bool IsRunning() { return server_->IsRunning(); }

 private:
  LimitedServer() : dir_(fs::temp_directory_path().string() + "/tessera-memlimit-XXXXXX") {
    REQUIRE(::mkdtemp(dir_.data()) != nullptr);
    server_ = std::make_unique<ServerUnderTest>(
        ServerOptions{ServerKind::kTessera, TESSERA_BINARY, dir_ + "/data", {"--memory-limit", "200MB"}});
    REQUIRE_MESSAGE(server_->Start(std::chrono::seconds(60)), server_->LogTail());
  }
  ~LimitedServer() {
    server_->Stop();
    server_.reset();
    fs::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<ServerUnderTest> server_;
};

// Each needs far more than 200MB: 20M hash groups, 20M sorted strings, a 660MB string.
const char* const kTooBig[] = {
    "SELECT count(*) FROM (SELECT DISTINCT g FROM generate_series(1, 20000000) g) s",
    "SELECT count(*) FROM (SELECT md5(g::text) FROM generate_series(1, 20000000) g ORDER BY 1 OFFSET 1) s",
    "SELECT length(string_agg(md5(g::text), ',')) FROM generate_series(1, 20000000) g",
};

// `with_detail`: false where the statement may stop before a write rather than at an allocation.
void CheckOutOfMemory(const Outcome& outcome, bool with_detail = true) {
  CHECK(outcome.state == "53200");
  if (with_detail) CHECK(outcome.detail.rfind("Failed on request of size ", 0) == 0);
}

TEST_SUITE("memory_limit") {
  TEST_CASE("SHOW memory_limit shows the flag, and SET cannot change it") {
    Client client(LimitedServer::Get().ConnInfo());
    CHECK(client.Value("SHOW memory_limit") == "200MB");
    CHECK(client.Run("SET memory_limit = '1GB'").state == "55P02");
  }

  TEST_CASE("queries that need more than the limit fail with 53200 and the connections go on") {
    Client client(LimitedServer::Get().ConnInfo());
    Client other(LimitedServer::Get().ConnInfo());
    for (const char* sql : kTooBig) {
      CAPTURE(sql);
      CheckOutOfMemory(client.Run(sql));
      CHECK(client.Value("SELECT sum(g) FROM generate_series(1, 1000) g") == "500500");
      CHECK(other.Value("SELECT count(*) FROM generate_series(1, 100000) g") == "100000");
    }
    CHECK(LimitedServer::Get().IsRunning());
  }

  TEST_CASE("the extended query protocol gets 53200 too and the connection goes on") {
    Client client(LimitedServer::Get().ConnInfo());
    for (const char* sql : kTooBig) {
      CAPTURE(sql);
      CheckOutOfMemory(client.Run(sql, true));
      CHECK(client.Run("SELECT 6 * 7", true).rows == std::vector<std::string>{"42"});
    }
  }

  TEST_CASE("a parallel GROUP BY over the limit fails on the pool threads with 53200") {
    Client client(LimitedServer::Get().ConnInfo());
    client.Value("CREATE TABLE wide (id int, label text)");
    client.Value("INSERT INTO wide SELECT g, md5(g::text) FROM generate_series(1, 800000) g");
    // A HashAggregate with one task per partition (EXPLAIN: "Workers: 2"); 200000 groups fit.
    CheckOutOfMemory(client.Run("SELECT count(*) FROM (SELECT label || id, count(*) FROM wide GROUP BY 1) groups"));
    CHECK(client.Value("SELECT count(*) FROM (SELECT label || id, count(*) FROM wide WHERE id <= 100000 "
                       "GROUP BY 1) groups") == "100000");
    client.Value("DROP TABLE wide");
  }

  TEST_CASE("a transaction that ran out of memory is rolled back with its writes") {
    Client client(LimitedServer::Get().ConnInfo());
    client.Value("CREATE TABLE kept (id int)");
    client.Value("INSERT INTO kept VALUES (1)");
    client.Value("BEGIN");
    client.Value("INSERT INTO kept VALUES (2), (3)");
    CheckOutOfMemory(client.Run(kTooBig[0]));
    CHECK(client.Run("SELECT 1").state == "25P02");
    client.Value("ROLLBACK");
    // A statement of its own: INSERT ... SELECT reads its 50M rows (close to 200MB) before writing, then
    // stops at an allocation or before writing a batch over the limit.
    CheckOutOfMemory(client.Run("INSERT INTO kept SELECT g FROM generate_series(1, 50000000) g"), false);
    CHECK(client.Value("SELECT count(*), sum(id) FROM kept") == "1|1");
    client.Value("DROP TABLE kept");
    // CREATE TABLE AS: the table goes with the failed statement.
    CheckOutOfMemory(client.Run("CREATE TABLE made AS SELECT DISTINCT g FROM generate_series(1, 20000000) g"));
    CHECK(client.Run("SELECT count(*) FROM made").state == "42P01");
  }

  TEST_CASE("memory comes back after each failure: a query that fits still runs") {
    Client client(LimitedServer::Get().ConnInfo());
    for (int round = 0; round < 5; ++round) {
      CAPTURE(round);
      CheckOutOfMemory(client.Run(kTooBig[round % 3]));
      CHECK(client.Value("SELECT count(*) FROM (SELECT DISTINCT g FROM generate_series(1, 300000) g) s") ==
            "300000");
    }
  }
}

}  // namespace
}  // namespace tessera::memory_test
