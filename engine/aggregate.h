// SPDX-License-Identifier: Apache-2.0
// Aggregate functions: fixed-size states updated a batch at a time, combinable (for partial aggregation on
// partitions/shards) and finalised into a result vector.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/vector.h"

namespace tessera::engine {

struct AggregateFunction {
  std::string name;
  std::vector<LogicalType> arg_types;  // TypeId matters; empty for count(*)
  LogicalType return_type;
  size_t state_size = 0;
  // Constructs a state in place.
  void (*initialize)(uint8_t* state) = nullptr;
  // Adds rows: states[row] is the state of row `row` (rows with states[row] == nullptr are skipped).
  // NULL inputs are skipped for strict aggregates by the function itself.
  void (*update)(uint8_t** states, const std::vector<Vector>& args, idx_t count) = nullptr;
  // Merges `source` into `target`.
  void (*combine)(uint8_t* target, const uint8_t* source) = nullptr;
  // Writes the result for `state` at `row` of `result`.
  void (*finalize)(const uint8_t* state, Vector& result, idx_t row) = nullptr;
  // Destroys a state (for states owning memory); nullptr when trivially destructible.
  void (*destroy)(uint8_t* state) = nullptr;
};

// Finds the aggregate `name` for argument types (after implicit casts chosen by the binder: the returned
// function's arg_types tell which casts to apply). Returns nullptr when `name` is not an aggregate;
// throws 42883 when it is but no overload fits.
const AggregateFunction* FindAggregate(const std::string& name, const std::vector<LogicalType>& arg_types);
bool IsAggregateName(const std::string& name);
// Whether `function`'s result shows the order of its input (array_agg, string_agg, ...).
bool AggregateResultShowsOrder(const AggregateFunction& function);
// All overloads of aggregate `name`, for the binder's implicit-cast resolution.
std::vector<const AggregateFunction*> AggregateOverloads(const std::string& name);

}  // namespace tessera::engine
