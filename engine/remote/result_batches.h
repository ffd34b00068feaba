// SPDX-License-Identifier: Apache-2.0
// ResultBatches: turns the rows of binary-format libpq results into Batches (internal to
// engine/remote/).
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "base/types.h"
#include "base/vector.h"

namespace tessera::remote {

class ResultBatches {
 public:
  // Reads the column names and types of `result`, any result of the statement (a single-row result or
  // the final one). Throws 0A000 for a type OID Tessera does not have.
  explicit ResultBatches(const PGresult* result);

  const std::vector<std::string>& column_names() const { return column_names_; }
  const std::vector<LogicalType>& column_types() const { return column_types_; }

  // Decodes row `row` of `result` (binary format, same columns) into the current batch.
  // REQUIRES: !full().
  void AppendRow(const PGresult* result, int row);
  bool full() const { return num_rows_ == kBatchSize; }
  bool empty() const { return num_rows_ == 0; }
  // Returns the current batch and starts a new one.
  Batch TakeBatch();

 private:
  void StartBatch();

  std::vector<std::string> column_names_;
  std::vector<LogicalType> column_types_;
  Batch batch_;
  idx_t num_rows_ = 0;
};

}  // namespace tessera::remote
