// SPDX-License-Identifier: Apache-2.0
// A hash table from integer join keys to the rows holding them, probed a batch at a time with the simd/hash
// kernels (hashes computed for a whole batch, then one batched probe), for hash joins on one integer
// column: no per-row key string, no per-key allocation.
//
// Rows with the same key are chained in ascending row order, so a probe visits a key's rows as a
// std::map from key to ascending row list would. Keys are widened to int64: two keys are equal exactly
// when their SQL values are (the caller requires both sides to have the same integer type).
#pragma once

#include <cstdint>
#include <vector>

#include "base/vector.h"

namespace tessera::engine {

class IntKeyTable {
 public:
  static constexpr uint32_t kEnd = 0xFFFFFFFFu;

  // Whether a key column of `type` can use the table: int2, int4, int8 and the other types stored as one
  // (date, timestamp, ...), compared as integers.
  static bool Supports(const LogicalType& type);

  // Holds every row of `keys` (a Supports() type) whose key is not NULL.
  explicit IntKeyTable(const Vector& keys, idx_t count);

  // For each row of `keys` (the same type as the build side), the first build row with an equal key, or
  // kEnd when there is none or the key is NULL.
  void Probe(const Vector& keys, idx_t count, std::vector<uint32_t>& first_rows) const;
  // The build row after `row` with the same key, or kEnd.
  uint32_t Next(uint32_t row) const { return next_[row]; }

 private:
  std::vector<int64_t> slot_keys_;
  std::vector<uint32_t> slot_rows_;  // the key's first row, or kEnd: empty
  uint64_t mask_ = 0;
  std::vector<uint32_t> next_;  // per build row
};

}  // namespace tessera::engine
