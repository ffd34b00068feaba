// SPDX-License-Identifier: Apache-2.0
// The aggregation variants, one constant table per level. Declarations only, so that the arch files
// (built with their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

struct Int64Range {
  int64_t min;
  int64_t max;
};

struct DoubleRange {
  double min;
  double max;
};

struct AggregateKernels {
  // See aggregate.h for the contracts.
  __int128 (*sum_int64)(const int64_t* values, const uint32_t* selection, size_t count);
  double (*sum_double)(const double* values, const uint32_t* selection, size_t count);
  Int64Range (*range_int64)(const int64_t* values, const uint32_t* selection, size_t count);
  DoubleRange (*range_double)(const double* values, const uint32_t* selection, size_t count);
  size_t (*count_valid)(const uint64_t* validity, const uint32_t* selection, size_t count);
  void (*grouped_count)(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups,
                        uint64_t* counts);
  void (*grouped_count32)(const uint32_t* codes, const uint32_t* selection, size_t count, size_t num_groups,
                          uint32_t* counts);
  void (*grouped_sum_int64)(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                            size_t num_groups, int64_t* sums);
  void (*grouped_sum_double)(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                             size_t num_groups, double* sums);
  void (*grouped_min_int64)(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                            size_t num_groups, int64_t* mins, uint8_t* seen);
  void (*grouped_max_int64)(const uint32_t* codes, const int64_t* values, const uint32_t* selection, size_t count,
                            size_t num_groups, int64_t* maxes, uint8_t* seen);
  void (*grouped_min_double)(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                             size_t num_groups, double* mins, uint8_t* seen);
  void (*grouped_max_double)(const uint32_t* codes, const double* values, const uint32_t* selection, size_t count,
                             size_t num_groups, double* maxes, uint8_t* seen);
};

extern const AggregateKernels kAggregateScalar;
extern const AggregateKernels kAggregateAvx2;
extern const AggregateKernels kAggregateAvx512;

}  // namespace tessera::simd
