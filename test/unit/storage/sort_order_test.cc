// SPDX-License-Identifier: Apache-2.0
// SortOrder: the order a sort key gives a segment's rows (NULLs last, NaN after numbers, ties stable).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "storage/sort_order.h"

namespace tessera::storage {
namespace {

TEST_SUITE("sort order") {
  TEST_CASE("orders by each key in turn, NULLs last, ties in row order") {
    Vector kinds(LogicalType(TypeId::kText));
    Vector numbers(LogicalType(TypeId::kInt64));
    const char* kind_values[] = {"b", nullptr, "a", "b", "a", nullptr};
    const int64_t number_values[] = {2, 9, 5, 1, 5, 3};
    for (int row = 0; row < 6; ++row) {
      kinds.AppendValue(kind_values[row] ? Value::Text(kind_values[row]) : Value::Null(LogicalType(TypeId::kText)));
      numbers.AppendValue(Value::Int64(number_values[row]));
    }
    const std::vector<Vector> columns = {kinds, numbers};
    CHECK(SortOrder(columns, {0, 1}) == std::vector<sel_t>{2, 4, 3, 0, 5, 1});
    CHECK(SortOrder(columns, {1}) == std::vector<sel_t>{3, 0, 5, 2, 4, 1});
    CHECK(SortOrder(columns, {}) == std::vector<sel_t>{0, 1, 2, 3, 4, 5});
    CHECK(SortOrder(columns, {7}) == std::vector<sel_t>{0, 1, 2, 3, 4, 5});  // out of range: ignored
  }

  TEST_CASE("NaN sorts after every number, as in PostgreSQL") {
    Vector values(LogicalType(TypeId::kFloat64));
    for (double value : std::vector<double>{std::nan(""), 1.5, -HUGE_VAL, std::nan(""), HUGE_VAL, 0.0}) {
      values.AppendValue(Value::Float64(value));
    }
    CHECK(SortOrder({values}, {0}) == std::vector<sel_t>{2, 5, 1, 4, 0, 3});
  }
}

}  // namespace
}  // namespace tessera::storage
