// SPDX-License-Identifier: Apache-2.0
// Runs one sqllogictest file against a database target and counts its records.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "test/slt/database_target.h"

namespace tessera::slt {

struct TestFile {
  std::string path;     // where to read it
  std::string relpath;  // how to report it: relative to the corpus (or to the repository root)
  bool is_project_test = false;  // test/sql: strict comparison, every record must pass
};

struct RecordFailure {
  int line = 0;
  std::string sql;
  std::string message;
};

struct FileOutcome {
  std::string relpath;
  bool is_project_test = false;
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
  int64_t known_failed = 0;  // listed in KNOWN_FAILURES.txt and failed (xfail)
  int64_t known_passed = 0;  // listed in KNOWN_FAILURES.txt but passed (xpass)
  int64_t restarts_skipped = 0;  // restart records an external server could not honour
  std::vector<RecordFailure> failures;
  std::vector<int> unexpected_passes;  // lines of the xpass records
  std::vector<std::string> notes;      // server restarts after crashes or hangs
  std::string error;                   // a problem with the whole file (parse error, server start)
  double seconds = 0;
};

struct RunOptions {
  std::chrono::milliseconds timeout{10000};
  std::string engine_name = "postgresql";
  const std::unordered_set<std::string>* known_failures = nullptr;  // "relpath:line", corpus files only
  int max_timeouts_per_file = 3;   // then the rest of the file is failed without running
  int max_recoveries_per_file = 3;  // server crashes or hangs survived per file
  // Corpus records not started by this time are failed without running (project tests always run).
  std::chrono::steady_clock::time_point corpus_deadline = std::chrono::steady_clock::time_point::max();
};

// Runs FILE on a fresh database from TARGET. Never throws: problems are reported in the outcome.
FileOutcome RunFile(const TestFile& file, DatabaseTarget& target, const RunOptions& options);

}  // namespace tessera::slt
