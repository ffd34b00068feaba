// SPDX-License-Identifier: Apache-2.0
// Renders query results the sqllogictest way and compares them with a record's expected lines.
//
// Two renderings, chosen per file (see FileStyle in file_runner.h):
//   kSqlite  (SQLite's corpus): each value is rendered by its column letter, as sqlite's runner does.
//            I: integers as printed, booleans 1/0, numeric/float values cut to their integer part,
//            other text read as a leading number or 0; R: "%.3f" (text read the same way); T: the text.
//   kDuckDb  (DuckDB's corpus and our own test/sql): the server's text, booleans true/false.
// Both: NULL -> "NULL", the empty string -> "(empty)".
//
// Comparison: a single expected line "N values hashing to MD5" is compared with the MD5 of the
// rendered values (each followed by "\n") after sorting. Otherwise the expected lines are values, one
// per line, or rows with tab-separated columns; both sides are sorted by the record's sort mode and
// compared value by value: exactly in the kSqlite style; in the kDuckDb style two numbers also match
// when approximately equal (DuckDB's rule: within 1% + 1e-8), except in the strict mode (our own
// tests), where only R columns get a tolerance, relative 1e-9.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "test/slt/script.h"

namespace tessera::slt {

enum class ValueStyle { kSqlite, kDuckDb };

// One result value in the server's text format.
struct Cell {
  bool is_null = false;
  std::string text;
};

// A query's result: column type OIDs and the values, row-major.
struct ResultSet {
  std::vector<uint32_t> column_types;
  std::vector<Cell> cells;

  size_t num_columns() const { return column_types.size(); }
  size_t num_rows() const { return column_types.empty() ? 0 : cells.size() / column_types.size(); }
};

struct CompareOptions {
  ValueStyle style = ValueStyle::kDuckDb;
  bool strict = false;
};

// Renders one value for column letter TYPE_LETTER (I, R, T, ...) of PostgreSQL type TYPE_OID.
std::string RenderValue(const Cell& cell, char type_letter, uint32_t type_oid, ValueStyle style);

// Returns the MD5 hex digest of VALUES, each followed by "\n" (sqllogictest's result hash).
std::string HashValues(const std::vector<std::string>& values);

// Compares RESULT with RECORD's expected lines. Returns std::nullopt on a match, otherwise a
// human-readable description of the difference (expected vs actual).
std::optional<std::string> CompareQueryResult(const Record& record, const ResultSet& result,
                                              const CompareOptions& options);

}  // namespace tessera::slt
