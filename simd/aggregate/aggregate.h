// SPDX-License-Identifier: Apache-2.0
// Aggregates over a column's values in one batch: sum, min/max and count of int64 and double, over all
// rows or a selection, and count/sum grouped by small dictionary codes into direct-indexed accumulators.
//
// Contract of every variant:
//   - `selection` == nullptr means rows [0, count); otherwise the rows are selection[0, count) (any order,
//     repeats allowed). count < 2^32.
//   - NULLs are the caller's: it passes a selection of the non-NULL rows (filter/compare.h intersects).
//   - SumInt64 is exact (a 128-bit result; the caller decides about overflow of its SQL type).
//   - SumDouble adds in a fixed order, so every variant gives the same bits: the k-th value (in row or
//     selection order) goes to lane k % 8, the lanes start at -0.0 (so a sum of -0.0 stays -0.0) and add in
//     order, and the result is ((lane0 + lane1) + (lane2 + lane3)) + ((lane4 + lane5) + (lane6 + lane7)).
//   - RangeInt64 / RangeDouble: REQUIRES count > 0. Doubles are ordered as PostgreSQL orders float8 (NaN
//     above +Infinity), with -0.0 below +0.0 so the answer does not depend on order; a NaN result is
//     returned with its sign bit cleared.
//   - CountValid counts the rows whose bit is set in `validity` (bit i % 64 of word i / 64).
//   - GroupedCount / GroupedSumInt64 add into counts[code] / sums[code] (the caller zeroes them first, or
//     accumulates over batches); REQUIRES every code of a selected row < num_groups. Sums wrap modulo
//     2^64: use them where a group's sum cannot overflow (int32 and narrower inputs below 2^32 rows).
//   - Integer results match the scalar reference bit for bit; so do double results, by the order above.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/aggregate/aggregate_kernels.h"
#include "simd/cpu_level.h"

namespace tessera::simd {

__int128 SumInt64(const int64_t* values, const uint32_t* selection, size_t count);
double SumDouble(const double* values, const uint32_t* selection, size_t count);
Int64Range RangeInt64(const int64_t* values, const uint32_t* selection, size_t count);
DoubleRange RangeDouble(const double* values, const uint32_t* selection, size_t count);
size_t CountValid(const uint64_t* validity, const uint32_t* selection, size_t count);
void GroupedCount(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups, uint64_t* counts);
void GroupedSumInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* sums);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const AggregateKernels* AggregateKernelsFor(SimdLevel level);

}  // namespace tessera::simd
