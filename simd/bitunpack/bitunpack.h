// SPDX-License-Identifier: Apache-2.0
// Unpacking bit-packed unsigned integers (the layout of bit_pack.h: value i occupies bits
// [i * width, (i + 1) * width) of a little-endian 64-bit word stream) into plain arrays.
//
// Contract of every variant:
//   - `words` may be unaligned; it holds PackedWords(first + count, width) words and nothing past them is
//     read (the variants stop their vector loop where a full load would cross that end).
//   - out[k] = value first + k, for k in [0, count); nothing else of `out` is written.
//   - width 0 writes zeros; widths 1..56 have vector paths, 57..64 use the scalar loop at every level.
// The scalar variant (bitunpack_scalar.cc) defines the results; the others match it bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "simd/bitunpack/bitunpack_kernels.h"
#include "simd/cpu_level.h"

namespace tessera::simd {

// Unpacks into 64-bit values. REQUIRES: 0 <= width <= 64.
void BitUnpack(const void* words, size_t first, size_t count, int width, uint64_t* out);

// Unpacks into 32-bit values (dictionary codes, offsets). REQUIRES: 0 <= width <= 32.
void BitUnpack32(const void* words, size_t first, size_t count, int width, uint32_t* out);

// Unpacks decimals scaled to integers back into doubles: out[k] = double(reference + value first + k) /
// divisor, the division rounded once (so 12345 / 100.0 is the double nearest 123.45).
// REQUIRES: 0 <= width <= 52 and |reference| <= 2^52, so every integer is exact as a double.
void BitUnpackDecimal(const void* words, size_t first, size_t count, int width, int64_t reference, double divisor,
                      double* out);

// Returns the variant of `level`, or nullptr when CpuLevel() is below it (tests compare each with scalar).
const BitUnpackKernels* BitUnpackKernelsFor(SimdLevel level);

}  // namespace tessera::simd
