// SPDX-License-Identifier: Apache-2.0
// Comparison filters on unpacked packed values or dictionary codes (`values[i] <op> constant`, unsigned) and
// on decoded int64 (signed) and float8 values (PostgreSQL's order, NaN greatest), producing a selection vector (ascending row indexes, base/vector.h's sel_t) or a bitmap, and the
// intersection of two selections (the AND of two filters).
//
// Contract of every variant:
//   - Kernels know nothing of NULLs: the caller intersects with, or masks by, the validity bitmap.
//   - Select*: `selection` has room for `count` entries; returns how many rows matched, their indexes in
//     selection[0, n) ascending. Entries [n, count) may be overwritten; nothing past `count` is written.
//   - Bitmap*: bit i % 64 of bitmap[i / 64] is 1 when row i matches; writes (count + 63) / 64 words,
//     bits past `count` are 0.
//   - Intersect: `left` and `right` are strictly ascending; `out` has room for min(left_count, right_count)
//     entries; returns how many indexes are in both, written ascending. `out` may alias `left`.
//   - Results are exact (integers), so every variant matches the scalar reference bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/cpu_level.h"
#include "simd/filter/compare_kernels.h"

namespace tessera::simd {

size_t CompareSelect(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint32_t* selection);
size_t CompareSelect(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint32_t* selection);
void CompareBitmap(const uint32_t* values, size_t count, Comparison op, uint32_t constant, uint64_t* bitmap);
void CompareBitmap(const uint64_t* values, size_t count, Comparison op, uint64_t constant, uint64_t* bitmap);
// Signed: `values[i] <op> constant` as int64_t.
size_t CompareSelect(const int64_t* values, size_t count, Comparison op, int64_t constant, uint32_t* selection);
// PostgreSQL's float8 order: NaN equals NaN and is greater than every other value, -0 equals 0.
size_t CompareSelect(const double* values, size_t count, Comparison op, double constant, uint32_t* selection);
size_t IntersectSelections(const uint32_t* left, size_t left_count, const uint32_t* right, size_t right_count,
                           uint32_t* out);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const CompareKernels* CompareKernelsFor(SimdLevel level);

}  // namespace tessera::simd
