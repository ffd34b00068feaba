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
//   - GroupedCount32 is GroupedCount into 32-bit counters (half the cache lines for a large code space);
//     REQUIRES no counter passes 2^32 - 1 (the caller moves them into wider ones first).
//   - GroupedSumDouble adds each row's value to sums[code] in row (or selection) order, so a group's sum
//     is the one a plain loop over its rows gives; no reordering, hence no lanes across rows of one group.
//   - GroupedMin* / GroupedMax* keep in mins[code] / maxes[code] the least / greatest value of the code's
//     rows, setting seen[code] to 1; a group with seen[code] == 0 takes its first row's value. Of equal
//     values the first stays. Doubles compare as PostgreSQL's float8 comparison does: NaN above every
//     other value and equal to NaN, -0.0 equal to +0.0 (so which zero stays depends on row order, as in a
//     plain loop). REQUIRES every code of a selected row < num_groups.
//   - The grouped kernels update memory at data-dependent addresses, and a row's update depends on the
//     previous update of its group: the vector levels run the scalar loops for them (scatter with conflict
//     detection needs AVX512CD and measured no gain for sums; see the arch files).
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
void GroupedCount32(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups,
                    uint32_t* counts);
void GroupedSumInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* sums);
void GroupedSumDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* sums);
void GroupedMinInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* mins, uint8_t* seen);
void GroupedMaxInt64(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                     size_t num_groups, int64_t* maxes, uint8_t* seen);
void GroupedMinDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* mins, uint8_t* seen);
void GroupedMaxDouble(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                      size_t num_groups, double* maxes, uint8_t* seen);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const AggregateKernels* AggregateKernelsFor(SimdLevel level);

}  // namespace tessera::simd
