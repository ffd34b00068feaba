// SPDX-License-Identifier: Apache-2.0
// Aggregate functions: fixed-size states updated a batch at a time, combinable (for partial aggregation on
// partitions/shards) and finalised into a result vector.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/vector.h"

namespace tessera::engine {

// What an aggregate keeps per group when the hash aggregate updates it by dense group id with simd
// kernels (engine/group_accumulators.h) instead of through `update`; kNone for the others.
enum class DenseAggregate : uint8_t {
  kNone,
  kCountStar,  // counts rows
  kCount,      // counts non-NULL arguments
  kSumInt,     // sum and count of an int2/int4/int8 argument (sum, avg)
  kSumDouble,  // sum (in row order) and count of a float8 argument (sum, avg)
  kMin,        // least int2/int4/int8/date/float8 argument, the first of equals
  kMax,        // greatest, likewise
};

// A group's accumulated figures for DenseAggregate, loaded into a state by absorb_dense. Only the fields
// of the aggregate's kind are set.
struct DenseTotals {
  int64_t count = 0;
  __int128 int_sum = 0;
  double double_sum = 0;
  int64_t int_extreme = 0;
  double double_extreme = 0;
  bool seen = false;  // kMin/kMax: some row had a non-NULL argument
};

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
  // The dense path: the kind, and a function that adds a group's totals to a state as `combine` adds
  // another state (the state of a group the dense path updated holds nothing else).
  DenseAggregate dense_kind = DenseAggregate::kNone;
  void (*absorb_dense)(uint8_t* state, const DenseTotals& totals) = nullptr;
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
// sum(bigint) as bigint (22003 past its range), not numeric as SQL's sum(bigint): how a coordinator adds
// up the bigint counts of partitions (planner/distributed_pushdown.cc). Not found by name.
const AggregateFunction& SumOfCounts();

}  // namespace tessera::engine
