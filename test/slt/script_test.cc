// SPDX-License-Identifier: Apache-2.0
// ParseScript: record shapes of the SQLite and DuckDB corpora, conditions and loops.
#include "test/slt/script.h"

#include <doctest/doctest.h>

#include <stdexcept>

namespace tessera::slt {

TEST_SUITE("ParseScript") {
  TEST_CASE("statements, queries and conditions from the sqlite corpus, CRLF line ends") {
    const std::string text =
        "hash-threshold 8\r\n\r\nstatement ok\r\nCREATE TABLE t1(x INTEGER)\r\n\r\n"
        "onlyif mysql # comment\r\nquery I rowsort label-1\r\nSELECT x\r\nFROM t1\r\n----\r\n1\r\n2\r\n\r\n"
        "skipif mssql\r\nhalt\r\n";
    Script script = ParseScript("t.test", text);
    REQUIRE(script.records.size() == 4);
    CHECK(script.records[0].kind == RecordKind::kHashThreshold);
    CHECK(script.records[1].kind == RecordKind::kStatementOk);
    CHECK(script.records[1].line == 3);
    const Record& query = script.records[2];
    CHECK(query.kind == RecordKind::kQuery);
    CHECK(query.line == 7);
    CHECK(query.sql == "SELECT x\nFROM t1");
    CHECK(query.sort_mode == SortMode::kRowSort);
    CHECK(query.label == "label-1");
    CHECK(query.expected == std::vector<std::string>{"1", "2"});
    REQUIRE(query.conditions.size() == 1);
    CHECK_FALSE(query.conditions[0].skip_if);
    CHECK(query.conditions[0].engine == "mysql");
    CHECK(script.records[3].kind == RecordKind::kHalt);
    CHECK(script.records[3].conditions[0].skip_if);
  }

  TEST_CASE("statement error with a SQLSTATE, a message, or a connection") {
    Script script = ParseScript("t.test",
                                "statement error 42P01\nSELECT * FROM missing\n\n"
                                "statement error\nSELECT 1/0\n----\nDivision by zero\n\n"
                                "statement ok con1\nBEGIN\n\nquery I con2\nSELECT 1\n----\n1\n");
    REQUIRE(script.records.size() == 4);
    CHECK(script.records[0].expected_error == "42P01");
    CHECK(script.records[1].expected_error == "Division by zero");
    CHECK(script.records[2].connection == "con1");
    CHECK(script.records[3].connection == "con2");
    CHECK(script.records[3].sort_mode == SortMode::kNoSort);
  }

  TEST_CASE("loops and foreach expand with ${var} substituted") {
    Script script = ParseScript("t.test",
                                "loop i 0 2\nstatement ok\nINSERT INTO t VALUES (${i})\n\nendloop\n\n"
                                "foreach type INTEGER TEXT\nstatement ok\nCREATE TABLE t_${type} (c ${type})\n\nendloop\n");
    REQUIRE(script.records.size() == 4);
    CHECK(script.records[0].sql == "INSERT INTO t VALUES (0)");
    CHECK(script.records[1].sql == "INSERT INTO t VALUES (1)");
    CHECK(script.records[3].sql == "CREATE TABLE t_TEXT (c TEXT)");
    CHECK(script.records[3].line == 8);
  }

  TEST_CASE("restart records: clean, kill (two spellings) and reconnect") {
    Script script = ParseScript("t.test", "restart\n\nrestart kill\n\ncrash\n\nreconnect\n");
    REQUIRE(script.records.size() == 4);
    for (const auto& record : script.records) CHECK(record.kind == RecordKind::kRestart);
    CHECK(script.records[0].restart_mode == RestartMode::kClean);
    CHECK(script.records[1].restart_mode == RestartMode::kKill);
    CHECK(script.records[2].restart_mode == RestartMode::kKill);
    CHECK(script.records[3].restart_mode == RestartMode::kReconnect);
    CHECK_THROWS_AS(ParseScript("bad.test", "restart now\n"), std::runtime_error);
    CHECK_THROWS_AS(ParseScript("bad.test", "crash kill\n"), std::runtime_error);
  }

  TEST_CASE("malformed input names the file and line") {
    CHECK_THROWS_WITH_AS(ParseScript("bad.test", "statement ok\nSELECT 1\n\nfrobnicate\n"),
                         "bad.test:4: unknown record type 'frobnicate'", std::runtime_error);
    CHECK_THROWS_AS(ParseScript("bad.test", "loop i 0 3\nstatement ok\nSELECT 1\n"), std::runtime_error);
  }
}

}  // namespace tessera::slt
