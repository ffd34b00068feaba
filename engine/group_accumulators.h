// SPDX-License-Identifier: Apache-2.0
// Direct-indexed accumulators of one aggregate call, updated a batch at a time by dense group id with the
// simd grouped kernels (simd/aggregate/aggregate.h): counts, sums, min/max in arrays indexed by group, no
// per-row state pointers. The hash aggregate uses them for the calls whose function has a DenseAggregate
// kind and an argument of a type the kernels take (no FILTER, DISTINCT or ORDER BY), and loads the totals
// into the groups' states once its input ends (AbsorbInto).
//
// Results equal the generic update's: integer sums are exact (int2/int4 add into int64 sums that move to
// 128-bit totals long before they could overflow, int8 adds into 128-bit sums), a group's double sum adds
// its rows in row order starting from 0, and min/max keep the first of equal values.
#pragma once

#include <cstdint>
#include <vector>

#include "base/vector.h"
#include "engine/aggregate.h"

namespace tessera::engine {

struct DecimalChunk;

class GroupAccumulator {
 public:
  // Whether `function` over an argument of `arg_type` (ignored for count(*)) can be accumulated.
  static bool Supports(const AggregateFunction& function, const LogicalType* arg_type);

  explicit GroupAccumulator(DenseAggregate kind) : kind_(kind) {}

  // Adds rows [0, count) of `arg` (unused for count(*)), row r to group group_of[r].
  // REQUIRES: every group_of[r] < num_groups.
  void Update(const Vector* arg, const uint32_t* group_of, idx_t count, size_t num_groups);

  // Encoded input (engine/hash_aggregate.cc), with this accumulator indexed by code: adds the argument
  // values of rows selection[0, count) (nullptr: rows [0, count)), none NULL, to their codes' totals,
  // without counting the rows (AddCodes takes the counts). `ints` holds integer arguments as int64,
  // `doubles` float8 ones; both unused for counts. `wide_ints`: the argument is int8 (sums go to 128 bits).
  // REQUIRES: every code < num_codes.
  void UpdateValues(const int64_t* ints, const double* doubles, bool wide_ints, const uint32_t* codes,
                    const uint32_t* selection, size_t count, size_t num_codes);
  // Decimal-float arguments of a float8 sum (engine/encoded_aggregate.h): whether a row group's `rows`
  // rows of `chunk` can add into this by-code accumulator's exact integer sums (its kind is kSumDouble,
  // its sums are at the chunk's scale or hold none, and cannot overflow), and if so takes them on: the
  // row group's offsets then come to UpdateValues as `ints`, and its reference to AddDecimalReference.
  bool TakeDecimals(const DecimalChunk& chunk, uint64_t rows);
  // Adds `reference` times the rows each code got in the row group (code_rows minus rows_before).
  void AddDecimalReference(int64_t reference, const uint32_t* code_rows, const uint32_t* rows_before, size_t num_codes);
  // Adds the totals of `by_code` (an accumulator of the same kind filled by UpdateValues) of code codes[i],
  // with code_rows[codes[i]] rows, to group groups[i], for i < n, and zeroes those codes' totals in
  // `by_code`. Groups keep their earlier rows first: of equal extremes the group's own stays.
  // REQUIRES: every groups[i] < num_groups.
  void AddCodes(GroupAccumulator& by_code, const uint32_t* code_rows, const uint32_t* codes, const uint32_t* groups,
                size_t n, size_t num_groups);

  // Adds group g's totals to the state states(g) of every group g < num_groups via `function`.absorb_dense,
  // then forgets them.
  template <typename StateOf>
  void AbsorbInto(const AggregateFunction& function, size_t num_groups, StateOf&& states) {
    Grow(num_groups);
    for (size_t group = 0; group < num_groups; ++group) function.absorb_dense(states(group), Totals(group));
    *this = GroupAccumulator(kind_);
  }

 private:
  void Grow(size_t num_groups);
  DenseTotals Totals(size_t group) const;
  // The argument's values as int64 for the selected rows' kernels (int2/int4/date widened).
  const int64_t* Integers(const Vector& arg, idx_t count);
  // Adds the selected rows' (count of them, of batch_rows) values to the groups' sums.
  void UpdateIntSums(const Vector& arg, const uint32_t* group_of, const uint32_t* selection, size_t count,
                     idx_t batch_rows, size_t num_groups);

  // int2/int4 sums stay in int64 while fewer than this many rows went in: |sum| < 2^31 * 2^31.
  static constexpr uint64_t kNarrowRowsPerSpill = uint64_t{1} << 31;

  DenseAggregate kind_;
  std::vector<uint64_t> counts_;
  std::vector<int64_t> narrow_sums_;  // int2/int4 sums since the last spill into wide_sums_
  uint64_t narrow_rows_ = 0;
  std::vector<__int128> wide_sums_;
  std::vector<double> double_sums_;
  // kSumDouble by code: sums of decimal-float integers at one scale, divided when added to a group.
  std::vector<int64_t> decimal_sums_;
  int decimal_scale_ = -1;  // -1: none taken since the last AddCodes
  double decimal_divisor_ = 1;
  double decimal_magnitude_ = 0;  // bounds |decimal_sums_| and every partial sum
  std::vector<int64_t> int_extremes_;
  std::vector<double> double_extremes_;
  std::vector<uint8_t> seen_;
  std::vector<uint32_t> selection_;  // per batch: the rows with a non-NULL argument
  std::vector<int64_t> widened_;     // per batch: Integers()
};

}  // namespace tessera::engine
