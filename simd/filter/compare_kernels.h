// SPDX-License-Identifier: Apache-2.0
// The comparison-filter variants, one constant table per level. Declarations only, so that the arch files
// (built with their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

// How a value compares with the constant: unsigned for packed values and dictionary codes, signed for int64,
// PostgreSQL's float8 order for doubles.
enum class Comparison { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct CompareKernels {
  // See compare.h for the contracts.
  size_t (*select32)(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint32_t* selection);
  size_t (*select64)(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint32_t* selection);
  void (*bitmap32)(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint64_t* bitmap);
  void (*bitmap64)(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint64_t* bitmap);
  size_t (*intersect)(const uint32_t* left, size_t left_count, const uint32_t* right, size_t right_count,
                      uint32_t* out);
  size_t (*select_int64)(const int64_t* values, size_t count, Comparison op, int64_t constant, uint32_t* selection);
  size_t (*select_float64)(const double* values, size_t count, Comparison op, double constant, uint32_t* selection);
};

extern const CompareKernels kCompareScalar;
extern const CompareKernels kCompareAvx2;
extern const CompareKernels kCompareAvx512;

}  // namespace tessera::simd
