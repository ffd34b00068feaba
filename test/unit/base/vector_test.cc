// SPDX-License-Identifier: Apache-2.0
// Tests Vector (base/vector.h): constant vectors.
#include "base/vector.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/value.h"

namespace tessera {
namespace {

TEST_SUITE("vector") {
  TEST_CASE("Vector::Constant holds the value in every row, for every width and count") {
    const std::vector<Value> values = {Value::Bool(true),         Value::Int16(-7),
                                       Value::Int32(123456),      Value::Int64(int64_t{1} << 40),
                                       Value::Float64(2.5),       Value::Text("short"),
                                       Value::Text(std::string(100, 'x')), Value::Date(9000)};
    for (const Value& value : values) {
      for (idx_t count : {idx_t{1}, idx_t{2}, idx_t{3}, idx_t{7}, idx_t{1000}, idx_t{2048}}) {
        CAPTURE(value.ToString());
        CAPTURE(count);
        const Vector constant = Vector::Constant(value, count);
        for (idx_t row = 0; row < count; ++row) {
          REQUIRE_FALSE(constant.IsNull(row));
          REQUIRE(constant.GetValue(row).ToString() == value.ToString());
        }
      }
    }
  }

  TEST_CASE("Vector::Constant of NULL is NULL in every row") {
    const Vector constant = Vector::Constant(Value::Null(LogicalType(TypeId::kInt32)), 100);
    for (idx_t row = 0; row < 100; ++row) CHECK(constant.IsNull(row));
  }
}

}  // namespace
}  // namespace tessera
