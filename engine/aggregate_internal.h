// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the files that define built-in aggregates (aggregate.cc, aggregate_statistics.cc).
// States are plain structs constructed in place in the hash aggregate's state arena.
#pragma once

#include <new>
#include <vector>

#include "base/vector.h"
#include "engine/aggregate.h"

namespace tessera::engine::aggregate_internal {

template <typename State>
void Construct(uint8_t* state) {
  new (state) State();
}
template <typename State>
void Destroy(uint8_t* state) {
  reinterpret_cast<State*>(state)->~State();
}
template <typename State>
State& As(uint8_t* state) {
  return *reinterpret_cast<State*>(state);
}
template <typename State>
const State& As(const uint8_t* state) {
  return *reinterpret_cast<const State*>(state);
}

// Calls `op(state, row)` for each row with a state and a non-NULL first argument.
template <typename State, typename Op>
void ForEachInput(uint8_t** states, const std::vector<Vector>& args, idx_t count, Op&& op) {
  const Vector& input = args[0];
  for (idx_t row = 0; row < count; ++row) {
    if (states[row] == nullptr || input.IsNull(row)) continue;
    op(As<State>(states[row]), row);
  }
}

// The variance/stddev family and the two-argument statistics (covar, corr, regr_*).
void AddStatisticsAggregates(std::vector<AggregateFunction>& list);
// array_agg over the element types Tessera has arrays of (aggregate_array.cc).
void AddArrayAggregates(std::vector<AggregateFunction>& list);

}  // namespace tessera::engine::aggregate_internal
