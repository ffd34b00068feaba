// SPDX-License-Identifier: Apache-2.0
// Parses a sqllogictest file (the dialect of SQLite's and DuckDB's corpora) into a flat list of records.
//
// A file is a sequence of records separated by blank lines; '#' starts a comment line between records.
// Records and directives understood:
//   statement ok [CONNECTION]                 SQL follows; must succeed
//   statement error [SQLSTATE] [CONNECTION]   SQL follows; must fail. Optionally "----" and an expected
//                                             message (or SQLSTATE) on the next line
//   query TYPES [nosort|rowsort|valuesort [LABEL]] | [CONNECTION]
//                                             SQL, "----", expected values (one per line, or a row per
//                                             line with tab-separated columns)
//   skipif ENGINE / onlyif ENGINE             conditions for the next record
//   hash-threshold N, halt, mode skip|unskip|..., require FEATURE, load PATH
//   restart                                   stop the server cleanly (SIGTERM), start it again on the
//                                             same data directory and port, reconnect every connection
//   restart kill | crash                      the same, but SIGKILL: a crash; recovery must run
//   reconnect                                 only close every connection (new sessions, same server)
//   loop VAR FROM TO / foreach VAR V1 V2 ... / endloop   expanded here; ${VAR} is substituted
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::slt {

enum class RecordKind {
  kStatementOk,
  kStatementError,
  kQuery,
  kHalt,
  kHashThreshold,
  kMode,
  kRequire,
  kRestart,
  kLoad,
};

enum class SortMode { kNoSort, kRowSort, kValueSort };

enum class RestartMode { kClean, kKill, kReconnect };

struct Condition {
  bool skip_if = false;  // skipif ENGINE when true, onlyif ENGINE when false
  std::string engine;
};

struct Record {
  RecordKind kind = RecordKind::kStatementOk;
  int line = 0;  // 1-based line of the record's first line, the key used by KNOWN_FAILURES.txt
  std::vector<Condition> conditions;
  std::string sql;
  std::string connection;      // named connection ("con1"); empty for the default one
  std::string column_types;    // query: one letter per column (I, R, T, ...)
  SortMode sort_mode = SortMode::kNoSort;
  std::string label;           // query label (sqlite corpus); informational only
  bool has_expected = false;   // a "----" line was present
  std::vector<std::string> expected;  // query: result lines; statement error: the expected message
  std::string expected_error;  // statement error: SQLSTATE or message expected, empty for any error
  std::vector<std::string> arguments;  // hash-threshold / mode / require / load arguments
  RestartMode restart_mode = RestartMode::kClean;  // restart records
};

struct Script {
  std::vector<Record> records;
};

// Parses TEXT (the content of the file named PATH, used in error messages). Throws std::runtime_error
// naming PATH:LINE for malformed input (an unknown record type, an unterminated loop).
Script ParseScript(const std::string& path, const std::string& text);

// Returns true when TOKEN looks like a PostgreSQL SQLSTATE: five characters, digits or upper-case.
bool LooksLikeSqlState(const std::string& token);

}  // namespace tessera::slt
