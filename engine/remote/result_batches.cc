// SPDX-License-Identifier: Apache-2.0
// Column types from a result's OIDs and typmods, and binary values decoded into batches.
#include "engine/remote/result_batches.h"

#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "base/binary_format.h"
#include "base/check.h"
#include "base/error.h"

namespace tessera::remote {

namespace {

LogicalType ColumnType(const PGresult* result, int column) {
  const Oid oid = PQftype(result, column);
  std::optional<LogicalType> type = TypeFromOid(oid);
  if (!type) {
    throw SqlError(SqlState::kFeatureNotSupported,
                   fmt::format("worker result column \"{}\" has type OID {}, which is not supported yet",
                               PQfname(result, column), oid));
  }
  type->typmod = PQfmod(result, column);
  return *type;
}

}  // namespace

ResultBatches::ResultBatches(const PGresult* result) {
  const int num_columns = PQnfields(result);
  for (int column = 0; column < num_columns; ++column) {
    column_names_.emplace_back(PQfname(result, column));
    column_types_.push_back(ColumnType(result, column));
  }
  StartBatch();
}

void ResultBatches::StartBatch() {
  batch_ = Batch(column_types_);
  batch_.SetSize(kBatchSize);
  num_rows_ = 0;
}

void ResultBatches::AppendRow(const PGresult* result, int row) {
  TESSERA_CHECK(!full());
  for (size_t column = 0; column < column_types_.size(); ++column) {
    const int field = static_cast<int>(column);
    Vector& vector = batch_.columns[column];
    if (PQgetisnull(result, row, field)) {
      vector.SetNull(num_rows_, true);
      continue;
    }
    const std::string_view bytes(PQgetvalue(result, row, field), PQgetlength(result, row, field));
    DecodeBinaryCell(bytes, field + 1, &vector, num_rows_);
  }
  ++num_rows_;
}

Batch ResultBatches::TakeBatch() {
  batch_.SetSize(num_rows_);
  Batch taken = std::move(batch_);
  StartBatch();
  return taken;
}

}  // namespace tessera::remote
