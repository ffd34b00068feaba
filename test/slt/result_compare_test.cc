// SPDX-License-Identifier: Apache-2.0
// Value rendering and result comparison, in both value styles.
#include "test/slt/result_compare.h"

#include <doctest/doctest.h>

namespace tessera::slt {
namespace {

constexpr uint32_t kBool = 16, kInt4 = 23, kFloat8 = 701, kNumeric = 1700, kText = 25;

Record Query(const std::string& types, SortMode sort_mode, std::vector<std::string> expected) {
  Record record;
  record.kind = RecordKind::kQuery;
  record.column_types = types;
  record.sort_mode = sort_mode;
  record.expected = std::move(expected);
  return record;
}

ResultSet Result(std::vector<uint32_t> types, std::vector<std::string> values) {
  ResultSet result;
  result.column_types = std::move(types);
  for (auto& value : values) result.cells.push_back(value == "<null>" ? Cell{true, ""} : Cell{false, value});
  return result;
}

}  // namespace

TEST_SUITE("RenderValue") {
  TEST_CASE("sqlite style renders by column letter") {
    CHECK(RenderValue(Cell{true, ""}, 'I', kInt4, ValueStyle::kSqlite) == "NULL");
    CHECK(RenderValue(Cell{false, "t"}, 'I', kBool, ValueStyle::kSqlite) == "1");
    CHECK(RenderValue(Cell{false, "-2.75"}, 'I', kNumeric, ValueStyle::kSqlite) == "-2");
    CHECK(RenderValue(Cell{false, "-0.5"}, 'I', kFloat8, ValueStyle::kSqlite) == "0");
    CHECK(RenderValue(Cell{false, "1e+15"}, 'I', kFloat8, ValueStyle::kSqlite) == "1000000000000000");
    CHECK(RenderValue(Cell{false, "2"}, 'R', kInt4, ValueStyle::kSqlite) == "2.000");
    CHECK(RenderValue(Cell{false, "0.12345"}, 'R', kFloat8, ValueStyle::kSqlite) == "0.123");
    CHECK(RenderValue(Cell{false, ""}, 'T', kText, ValueStyle::kSqlite) == "(empty)");
  }

  TEST_CASE("duckdb style keeps the server's text, booleans as true/false") {
    CHECK(RenderValue(Cell{false, "9.90"}, 'I', kNumeric, ValueStyle::kDuckDb) == "9.90");
    CHECK(RenderValue(Cell{false, "f"}, 'I', kBool, ValueStyle::kDuckDb) == "false");
    CHECK(RenderValue(Cell{false, ""}, 'T', kText, ValueStyle::kDuckDb) == "(empty)");
  }
}

TEST_SUITE("CompareQueryResult") {
  TEST_CASE("value-per-line and tab-separated rows, with rowsort") {
    ResultSet result = Result({kInt4, kText}, {"2", "b", "1", "<null>"});
    CompareOptions options{ValueStyle::kDuckDb, true};
    CHECK_FALSE(CompareQueryResult(Query("IT", SortMode::kRowSort, {"1\tNULL", "2\tb"}), result, options));
    CHECK_FALSE(CompareQueryResult(Query("IT", SortMode::kRowSort, {"1", "NULL", "2", "b"}), result, options));
    CHECK(CompareQueryResult(Query("IT", SortMode::kNoSort, {"1\tNULL", "2\tb"}), result, options));
    CHECK(CompareQueryResult(Query("I", SortMode::kNoSort, {"1"}), result, options));
  }

  TEST_CASE("valuesort and hashes") {
    ResultSet result = Result({kInt4}, {"3", "1", "2"});
    CompareOptions options{ValueStyle::kSqlite, false};
    CHECK_FALSE(CompareQueryResult(Query("I", SortMode::kValueSort, {"1", "2", "3"}), result, options));
    std::string hash = "3 values hashing to " + HashValues({"1", "2", "3"});
    CHECK_FALSE(CompareQueryResult(Query("I", SortMode::kValueSort, {hash}), result, options));
    CHECK(CompareQueryResult(Query("I", SortMode::kNoSort, {hash}), result, options));
  }

  TEST_CASE("numbers match approximately only where allowed") {
    ResultSet result = Result({kFloat8, kNumeric}, {"0", "1.10"});
    CHECK_FALSE(CompareQueryResult(Query("RI", SortMode::kNoSort, {"0.000000", "1.1"}), result,
                                   CompareOptions{ValueStyle::kDuckDb, false}));
    CHECK(CompareQueryResult(Query("RI", SortMode::kNoSort, {"0.000000", "1.1"}), result,
                             CompareOptions{ValueStyle::kDuckDb, true}));
    CHECK_FALSE(CompareQueryResult(Query("RI", SortMode::kNoSort, {"0.000000", "1.10"}), result,
                                   CompareOptions{ValueStyle::kDuckDb, true}));
  }
}

}  // namespace tessera::slt
