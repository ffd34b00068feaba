// SPDX-License-Identifier: Apache-2.0
// Parses every statement of a few sqllogictest corpus files and checks that ParseSql either succeeds or
// throws SqlError 0A000/42601, reporting which unsupported constructs remain.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "planner/parser/parser.h"

#ifndef TESSERA_CONFORMANCE_DIR
#define TESSERA_CONFORMANCE_DIR ""
#endif

namespace tessera::planner {
namespace {

struct SltRecord {
  std::string sql;
  int line = 0;  // 1-based line of the record's first SQL line
};

// Returns true for `onlyif <engine>` conditions naming an engine whose dialect PostgreSQL does not share.
bool IsForeignOnlyIf(const std::string& line) {
  std::istringstream words(line);
  std::string keyword;
  std::string engine;
  words >> keyword >> engine;
  return keyword == "onlyif" &&
         (engine == "mysql" || engine == "mssql" || engine == "oracle" || engine == "sqlite");
}

// Reads a line without its end-of-line, which may be CRLF.
bool ReadLine(std::istream& input, std::string* line) {
  if (!std::getline(input, *line)) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

// Reads the SQL of each `statement` and `query` record: the lines after the header, up to a blank line
// or `----`. Records guarded by `onlyif` another engine are skipped.
std::vector<SltRecord> ReadRecords(const std::filesystem::path& path) {
  std::vector<SltRecord> records;
  std::ifstream file(path);
  std::string line;
  int line_number = 0;
  bool skip = false;
  while (ReadLine(file, &line)) {
    ++line_number;
    if (line.empty()) {
      skip = false;
      continue;
    }
    if (IsForeignOnlyIf(line)) skip = true;
    if (line.rfind("statement ", 0) != 0 && line.rfind("query ", 0) != 0) continue;
    SltRecord record;
    record.line = line_number + 1;
    while (ReadLine(file, &line)) {
      ++line_number;
      if (line.empty() || line == "----") break;
      record.sql += (record.sql.empty() ? "" : "\n") + line;
    }
    if (!skip && !record.sql.empty()) records.push_back(std::move(record));
    skip = false;
    // Skip the expected results that follow `----`.
    if (line == "----") {
      while (ReadLine(file, &line) && !line.empty()) ++line_number;
      ++line_number;
    }
  }
  return records;
}

TEST_SUITE("parser_corpus") {
  TEST_CASE("sqllogictest statements parse or fail with 0A000 or 42601 only") {
    const std::filesystem::path root = std::filesystem::path(TESSERA_CONFORMANCE_DIR) / "slt/sqlite/test";
    const char* const files[] = {"select1.test", "select2.test", "select3.test",
                                 "select4.test", "select5.test", "random/expr/slt_good_0.test"};
    if (!std::filesystem::exists(root / files[0])) {
      WARN_MESSAGE(false, "sqllogictest corpus not found under " << root << ": corpus check skipped");
      return;
    }
    for (const std::string name : files) {
      CAPTURE(name);
      std::vector<SltRecord> records = ReadRecords(root / name);
      CHECK(!records.empty());
      int num_parsed = 0;
      int num_syntax_errors = 0;
      std::map<std::string, int> unsupported;  // message -> count
      for (const SltRecord& record : records) {
        CAPTURE(record.line);
        CAPTURE(record.sql);
        try {
          ParseSql(record.sql);
          ++num_parsed;
        } catch (const SqlError& error) {
          if (error.state() == SqlState::kFeatureNotSupported) {
            ++unsupported[error.info().message];
          } else if (error.state() == SqlState::kSyntaxError) {
            ++num_syntax_errors;
          } else {
            FAIL("unexpected SQLSTATE " << SqlStateCode(error.state()) << ": " << error.info().message);
          }
        } catch (const std::exception& error) {
          FAIL("unexpected exception: " << error.what());
        }
      }
      int num_unsupported = 0;
      std::string unsupported_summary;
      for (const auto& [message, count] : unsupported) {
        num_unsupported += count;
        unsupported_summary += "\n  " + std::to_string(count) + " x " + message;
      }
      MESSAGE(name << ": " << records.size() << " records, " << num_parsed << " parsed, " << num_syntax_errors
                   << " syntax errors (42601), " << num_unsupported << " unsupported (0A000)"
                   << unsupported_summary);
      // PostgreSQL's grammar accepts everything these files run on it: nothing should be 0A000.
      CHECK(num_unsupported == 0);
    }
  }
}

}  // namespace
}  // namespace tessera::planner
