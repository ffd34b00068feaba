// SPDX-License-Identifier: Apache-2.0
// Tests Vector (base/vector.h): constant vectors; owners of borrowed string bytes.
#include "base/vector.h"

#include <doctest/doctest.h>

#include <memory>
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

  TEST_CASE("strings borrowed from an owner keep it alive through copies, appends, gathers and compaction") {
    auto owner = std::make_shared<std::string>("borrowed bytes");
    std::weak_ptr<std::string> watch = owner;
    Batch batch({LogicalType(TypeId::kText)});
    {
      Vector borrowed(LogicalType(TypeId::kText), 2);
      borrowed.Data<std::string_view>()[0] = std::string_view(*owner).substr(0, 8);
      borrowed.Data<std::string_view>()[1] = std::string_view(*owner).substr(9);
      borrowed.KeepAlive(owner);
      borrowed.KeepAlive(owner);  // once is enough
      CHECK(owner.use_count() == 2);
      Vector appended(LogicalType(TypeId::kText));
      appended.Append(borrowed);
      const sel_t second = 1;
      const Vector gathered = borrowed.Gather(&second, 1);
      Vector copied = gathered;
      copied.SetString(0, "own heap");  // a vector with both its own heap and an owner
      batch.columns[0] = appended;
      batch.num_rows = 2;
      CHECK(owner.use_count() == 6);
    }
    owner.reset();
    REQUIRE_FALSE(watch.expired());
    const sel_t second = 1;
    batch.Compact(&second, 1);
    REQUIRE_FALSE(watch.expired());
    CHECK(batch.columns[0].GetString(0) == "bytes");
    batch.columns.clear();
    CHECK(watch.expired());
  }
}

}  // namespace
}  // namespace tessera
