// SPDX-License-Identifier: Apache-2.0
// Set-returning functions (generate_series, regexp_split_to_table, unnest): one call's elements for one set of
// argument values, shared by the FROM function scan and the select list's ProjectSet.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/value.h"
#include "base/vector.h"

namespace tessera::engine {

class SetFunctionRun {
 public:
  virtual ~SetFunctionRun() = default;
  // Writes the next element into `row` of `column` (of the call's result type, sized by the caller);
  // returns false, writing nothing, at the end.
  virtual bool Next(Vector& column, idx_t row) = 0;
};

// True for the set-returning functions the executor runs.
bool IsExecutableSetFunction(std::string_view name);

// Starts the call `name`(args) with result type `type` (as the binder chose it). Throws as the function
// does for bad arguments (a zero step is 22023).
std::unique_ptr<SetFunctionRun> StartSetFunction(std::string_view name, const LogicalType& type,
                                                 const std::vector<Value>& args);

}  // namespace tessera::engine
