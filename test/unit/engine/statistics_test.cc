// SPDX-License-Identifier: Apache-2.0
// ANALYZE's statistics: the distinct-value sketch's accuracy and merging, and what a table's scan counts.
#include "engine/statistics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "storage/hash.h"

namespace tessera::engine {
namespace {

DistinctSketch SketchOf(int64_t first, int64_t last) {
  DistinctSketch sketch;
  Vector values(LogicalType(TypeId::kInt64));
  for (int64_t value = first; value <= last; ++value) values.AppendValue(Value::Int64(value));
  for (idx_t row = 0; row < values.size(); ++row) sketch.Add(storage::HashCell(values, row));
  return sketch;
}

TEST_CASE("the sketch estimates distinct values within a few percent, and merges as a union") {
  CHECK(DistinctSketch().Estimate() == 0);
  CHECK(std::round(SketchOf(1, 7).Estimate()) == 7);
  CHECK(std::abs(SketchOf(1, 100).Estimate() - 100) <= 2);
  for (int64_t count : {1000, 50000, 1000000}) {
    const double estimate = SketchOf(1, count).Estimate();
    CHECK(std::abs(estimate - static_cast<double>(count)) < 0.05 * static_cast<double>(count));
  }
  // Duplicates add nothing; overlapping halves merge to the whole.
  DistinctSketch twice = SketchOf(1, 50000);
  twice.Merge(SketchOf(1, 50000));
  CHECK(twice.Estimate() == SketchOf(1, 50000).Estimate());
  DistinctSketch merged = SketchOf(1, 60000);
  merged.Merge(SketchOf(40001, 100000));
  CHECK(merged.Estimate() == SketchOf(1, 100000).Estimate());
}

TEST_CASE("a sketch survives serialization; malformed bytes are refused") {
  const DistinctSketch sketch = SketchOf(1, 5000);
  const auto back = DistinctSketch::Deserialize(sketch.Serialize());
  REQUIRE(back.has_value());
  CHECK(back->Estimate() == sketch.Estimate());
  CHECK_FALSE(DistinctSketch::Deserialize("short").has_value());
  std::string bad = sketch.Serialize();
  bad[3] = static_cast<char>(200);  // a rank no 64-bit hash can have
  CHECK_FALSE(DistinctSketch::Deserialize(bad).has_value());
}

TEST_CASE("a table's statistics: rows, NULLs, distinct values, min/max, widths; partitions merge") {
  const std::vector<LogicalType> types = {LogicalType(TypeId::kInt32), LogicalType(TypeId::kText),
                                          LogicalType(TypeId::kBool)};
  auto table = std::make_shared<storage::TableData>(types, 4, 0);
  Batch batch;
  for (const LogicalType& type : types) batch.columns.emplace_back(type);
  for (int row = 0; row < 1000; ++row) {
    batch.columns[0].AppendValue(row % 10 == 0 ? Value::Null(types[0]) : Value::Int32(row));
    batch.columns[1].AppendValue(Value::Text("v" + std::to_string(row % 25)));
    batch.columns[2].AppendValue(Value::Bool(row % 2 == 0));
  }
  batch.num_rows = 1000;
  table->Append(batch, storage::kFirstTxnId);
  storage::Snapshot snapshot;
  snapshot.csn = 0;
  snapshot.txn_id = storage::kFirstTxnId;
  const TableStatistics stats = ComputeStatistics(*table, snapshot, types);
  CHECK(stats.rows == 1000);
  CHECK(stats.NullFraction(0) == doctest::Approx(0.1));
  CHECK(stats.Distinct(0) == doctest::Approx(-0.9).epsilon(0.02));  // unique: minus the fraction of rows
  CHECK(stats.Distinct(1) == 25);
  CHECK(stats.Distinct(2) == 2);
  CHECK(stats.columns[0].min.GetInt() == 1);
  CHECK(stats.columns[0].max.GetInt() == 999);
  CHECK(stats.columns[1].min.GetString() == "v0");
  CHECK(stats.columns[1].max.GetString() == "v9");
  CHECK(stats.columns[2].min.is_null());  // bool has no min/max aggregate
  CHECK(stats.AverageWidth(0) == 4);
  CHECK(stats.AverageWidth(1) == 3);  // 2 or 3 bytes and a 1-byte header (3.6), truncated as PostgreSQL

  // Nothing visible: no rows, no values.
  storage::Snapshot before;
  before.csn = 0;
  const TableStatistics empty = ComputeStatistics(*table, before, types);
  CHECK(empty.rows == 0);
  CHECK(empty.Distinct(1) == 0);
  CHECK(empty.columns[0].min.is_null());

  // Two copies merged: twice the rows, the same distinct values and range.
  TableStatistics doubled = stats;
  doubled.Merge(stats);
  CHECK(doubled.rows == 2000);
  CHECK(doubled.Distinct(1) == 25);
  CHECK(doubled.Distinct(0) == doctest::Approx(-0.45).epsilon(0.05));
  CHECK(doubled.columns[0].max.GetInt() == 999);
  CHECK(doubled.NullFraction(0) == doctest::Approx(0.1));
}

}  // namespace
}  // namespace tessera::engine
