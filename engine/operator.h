// SPDX-License-Identifier: Apache-2.0
// Operator: the running form of a PlanNode. Pull-based: Next() fills a batch of rows (num_rows > 0) and
// returns true, or returns false at the end. Operators are created per execution by CreateOperator() and
// used by one thread.
#pragma once

#include <memory>

#include "base/vector.h"
#include "engine/exec_context.h"

namespace tessera::engine {

struct PlanNode;

class Operator {
 public:
  virtual ~Operator() = default;
  virtual bool Next(Batch* out) = 0;
  // Rows written by a DML operator (INSERT/UPDATE/DELETE), for the command tag.
  virtual int64_t rows_affected() const { return 0; }
};

std::unique_ptr<Operator> CreateOperator(const PlanNode& node, ExecContext& context);

// Reads all of `op` into one batch with `types` columns.
Batch Materialize(Operator& op, const std::vector<LogicalType>& types, ExecContext& context);

}  // namespace tessera::engine
