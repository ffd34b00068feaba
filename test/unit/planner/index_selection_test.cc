// SPDX-License-Identifier: Apache-2.0
// Tests the planner's choice between sequential and index scans (planner/index_selection.cc), through a
// session's EXPLAIN and query results.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/database.h"
#include "planner/session.h"

namespace tessera::planner {
namespace {

// Runs `sql` as a simple query does (ending with Sync) and returns the first column of every row as text.
std::vector<std::string> Run(Session& session, const std::string& sql) {
  auto statement = session.Prepare(sql);
  auto cursor = session.Execute(*statement);
  std::vector<std::string> rows;
  Batch batch;
  while (cursor->Next(&batch)) {
    for (idx_t row = 0; row < batch.num_rows; ++row) {
      rows.push_back(batch.columns[0].IsNull(row) ? "NULL" : session.FormatText(batch.columns[0], row));
    }
  }
  session.Sync();
  return rows;
}

// The scan line of EXPLAIN `query` ("Index Scan using ..." or "Seq Scan on ..."), without indentation.
std::string ScanOf(Session& session, const std::string& query) {
  for (const auto& line : Run(session, "EXPLAIN " + query)) {
    const auto start = line.find_first_not_of(" ->");
    if (start == std::string::npos) continue;
    const std::string text = line.substr(start);
    if (text.rfind("Index Scan", 0) == 0 || text.rfind("Seq Scan", 0) == 0 || text.rfind("Parallel Seq Scan", 0) == 0) {
      return text;
    }
  }
  return "";
}

struct Fixture {
  engine::Database database{engine::DatabaseOptions{"", 4, 1, "tessera"}};
  Session session{database, {}};
  Fixture() {
    Run(session, "CREATE TABLE t (id INT PRIMARY KEY, a SMALLINT, b TEXT, c VARCHAR(5), n NUMERIC, ch CHAR(3))");
    Run(session, "INSERT INTO t SELECT g, g % 10, 'b' || g, 'c' || g % 7, g, 'x' FROM generate_series(1, 20000) g");
    Run(session, "CREATE INDEX t_a_b ON t (a, b)");
    Run(session, "CREATE INDEX t_c ON t (c)");
    Run(session, "CREATE INDEX t_n ON t (n)");
    Run(session, "CREATE INDEX t_ch ON t (ch)");
    Run(session, "CREATE TABLE tiny (id INT PRIMARY KEY)");
    Run(session, "INSERT INTO tiny SELECT g FROM generate_series(1, 50) g");
  }
};

TEST_SUITE("index_selection") {
  TEST_CASE("conditions the index can answer choose it") {
    Fixture fixture;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"SELECT * FROM t WHERE id = 5", "Index Scan using t_pkey on t"},
        {"SELECT * FROM t WHERE 5 = id", "Index Scan using t_pkey on t"},
        {"SELECT * FROM t WHERE id = 5::bigint", "Index Scan using t_pkey on t"},
        {"SELECT * FROM t WHERE id IN (1, 2)", "Index Scan using t_pkey on t"},
        {"SELECT * FROM t WHERE id BETWEEN 1 AND 9", "Index Scan using t_pkey on t"},
        {"SELECT * FROM t WHERE a = 3", "Index Scan using t_a_b on t"},
        {"SELECT * FROM t WHERE a = 3 AND b = 'b3' AND id > 0", "Index Scan using t_a_b on t"},
        {"SELECT * FROM t WHERE c = 'c1'::text", "Index Scan using t_c on t"},
        {"SELECT * FROM t WHERE n = 7.0", "Index Scan using t_n on t"},
        {"SELECT * FROM tiny WHERE id = 3", "Index Scan using tiny_pkey on tiny"},
    };
    for (const auto& [query, scan] : cases) {
      CAPTURE(query);
      CHECK(ScanOf(fixture.session, query) == scan);
    }
  }

  TEST_CASE("conditions the index cannot answer or that are cheaper to scan keep the sequential scan") {
    Fixture fixture;
    for (const std::string query : {
             "SELECT * FROM t WHERE id = 5.5",         // numeric against an integer key
             "SELECT * FROM t WHERE id + 0 = 5",       // expression over the key
             "SELECT * FROM t WHERE id = a",           // value from the same row
             "SELECT * FROM t WHERE id = random()",    // volatile value
             "SELECT * FROM t WHERE b = 'b3'",         // second key column only
             "SELECT * FROM t WHERE id <> 5",          // not an equality or a range
             "SELECT * FROM t WHERE id = 1 OR a = 2",  // OR over different columns
             "SELECT * FROM t WHERE ch = 'x'",         // bpchar ignores trailing spaces
             "SELECT * FROM tiny WHERE id > 3",        // range on a small table
         }) {
      CAPTURE(query);
      CHECK(ScanOf(fixture.session, query).rfind("Seq Scan on", 0) == 0);
    }
  }

  TEST_CASE("index scans return the rows a sequential scan returns, also after writes") {
    Fixture fixture;
    auto& session = fixture.session;
    CHECK(Run(session, "SELECT b FROM t WHERE id = 5") == std::vector<std::string>{"b5"});
    CHECK(Run(session, "SELECT count(*) FROM t WHERE a = 3") == std::vector<std::string>{"2000"});
    CHECK(Run(session, "SELECT count(*) FROM t WHERE id BETWEEN 100 AND 199") == std::vector<std::string>{"100"});
    Run(session, "UPDATE t SET id = id + 100000 WHERE id <= 10");
    Run(session, "DELETE FROM t WHERE id = 100005");
    CHECK(Run(session, "SELECT count(*) FROM t WHERE id BETWEEN 1 AND 10").front() == "0");
    CHECK(Run(session, "SELECT count(*) FROM t WHERE id > 100000").front() == "9");
    Run(session, "BEGIN");
    Run(session, "DELETE FROM t WHERE id = 100001");
    Run(session, "INSERT INTO t (id, b) VALUES (5, 'again')");
    CHECK(Run(session, "SELECT b FROM t WHERE id = 5") == std::vector<std::string>{"again"});
    Run(session, "ROLLBACK");
    CHECK(Run(session, "SELECT count(*) FROM t WHERE id = 5").front() == "0");
    CHECK(Run(session, "SELECT b FROM t WHERE id = 100001") == std::vector<std::string>{"b1"});
  }
}

}  // namespace
}  // namespace tessera::planner
