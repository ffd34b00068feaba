// SPDX-License-Identifier: Apache-2.0
// WAL entries of inserts encoded ahead of commit: the same bytes as encoding them at commit.
#include "engine/wal_entry.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace tessera::engine {
namespace {

using storage::RowId;
using storage::TableData;

const std::vector<LogicalType> kTypes = {
    LogicalType(TypeId::kInt32),   LogicalType(TypeId::kFloat64),     LogicalType(TypeId::kText),
    LogicalType::Numeric(12, 2),   LogicalType(TypeId::kTimestamp), LogicalType(TypeId::kBool),
};

// Row `row` of the test data; every column has NULLs at its own period.
Value TestValue(size_t column, int64_t row) {
  const int64_t period = 7 + static_cast<int64_t>(column);
  if ((row + static_cast<int64_t>(column)) % period == 0) return Value::Null(kTypes[column]);
  switch (column) {
    case 0: return Value::Int32(static_cast<int32_t>(row * 37 % 1000 - 500));
    case 1: return Value::Float64(static_cast<double>(row) * 0.25 - 3.0);
    case 2: return Value::Text("text " + std::to_string(row % 97));
    case 3: return Value::Numeric(Decimal{row * 101 - 5000, 2}, kTypes[3]);
    case 4: return Value::Timestamp(row * 1'000'000);
    default: return Value::Bool(row % 3 == 0);
  }
}

Batch TestBatch(int64_t first_row, size_t num_rows) {
  Batch batch(kTypes);
  for (size_t row = 0; row < num_rows; ++row) {
    for (size_t column = 0; column < kTypes.size(); ++column) {
      batch.columns[column].AppendValue(TestValue(column, first_row + static_cast<int64_t>(row)));
    }
  }
  batch.num_rows = num_rows;
  return batch;
}

// The slices EncodeWalSlice gives at commit for `entry`, gathering from the table.
std::vector<std::string> EncodedAtCommit(const storage::WriteEntry& entry) {
  std::vector<std::string> slices;
  for (size_t first = 0; first < entry.rows.size(); first += kWalSliceRows) {
    storage::ByteWriter out;
    EncodeWalSlice(out, entry, first, std::min(kWalSliceRows, entry.rows.size() - first));
    slices.push_back(std::move(out.bytes()));
  }
  return slices;
}

TEST_SUITE("wal_entry") {
  TEST_CASE("an insert encoded ahead is byte for byte the entry encoded at commit") {
    struct Case {
      int partitions;
      int shard_column;
      size_t batch_rows;  // beyond kWalSliceRows the entry has several slices
    };
    const Case cases[] = {{1, -1, 1}, {1, -1, 100}, {4, 0, 2048}, {8, -1, 3000}, {3, 2, kWalSliceRows + 1234}};
    for (const Case& test : cases) {
      CAPTURE(test.partitions);
      CAPTURE(test.batch_rows);
      auto table = std::make_shared<TableData>(kTypes, test.partitions, test.shard_column);
      table->set_storage_id(42);
      // A first batch, so that the second one's row ids do not start at zero.
      table->Append(TestBatch(0, 500), storage::kFirstTxnId);
      const Batch batch = TestBatch(500, test.batch_rows);
      const std::vector<RowId> rows = table->Append(batch, storage::kFirstTxnId);
      const auto ahead = EncodeInsertAhead(*table, rows, batch);
      CHECK(ahead->Matches(*table));
      CHECK(ahead->slices == EncodedAtCommit(storage::WriteEntry{table, rows, false, nullptr}));
    }
  }

  TEST_CASE("an insert encoded ahead no longer matches once the table's storage or columns change") {
    auto table = std::make_shared<TableData>(kTypes, 2, 0);
    const Batch batch = TestBatch(0, 10);
    const auto ahead = EncodeInsertAhead(*table, table->Append(batch, storage::kFirstTxnId), batch);
    CHECK(ahead->Matches(*table));
    table->set_storage_id(7);  // the catalog published the table after the insert
    CHECK_FALSE(ahead->Matches(*table));
    const auto republished = EncodeInsertAhead(*table, table->Append(batch, storage::kFirstTxnId), batch);
    CHECK(republished->Matches(*table));
    table->AddColumn(LogicalType(TypeId::kInt64), [](idx_t num_rows) {
      return Vector::Constant(Value::Int64(5), num_rows);
    });
    CHECK_FALSE(republished->Matches(*table));
  }
}

}  // namespace
}  // namespace tessera::engine
