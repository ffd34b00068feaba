// SPDX-License-Identifier: Apache-2.0
// The bit-unpacking variants, one constant table per level. Declarations only, so that the arch files
// (built with their own -m flags) share no inline code with the rest of the build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::simd {

struct BitUnpackKernels {
  // See BitUnpack and BitUnpack32 in bitunpack.h for the contract.
  void (*unpack64)(const void* words, size_t first, size_t count, int width, uint64_t* out);
  void (*unpack32)(const void* words, size_t first, size_t count, int width, uint32_t* out);
  void (*unpack_decimal)(const void* words, size_t first, size_t count, int width, int64_t reference, double divisor,
                         double* out);
};

extern const BitUnpackKernels kBitUnpackScalar;
extern const BitUnpackKernels kBitUnpackAvx2;
extern const BitUnpackKernels kBitUnpackAvx512;

}  // namespace tessera::simd
