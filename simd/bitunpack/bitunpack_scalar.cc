// SPDX-License-Identifier: Apache-2.0
// Scalar reference of bit-unpacking: one value at a time, which defines the results of every variant.
#include <algorithm>

#include "simd/bit_pack.h"
#include "simd/bitunpack/bitunpack_kernels.h"

namespace tessera::simd {
namespace {

void Unpack64(const void* words, size_t first, size_t count, int width, uint64_t* out) {
  if (width == 0) {
    std::fill(out, out + count, 0);
    return;
  }
  for (size_t index = 0; index < count; ++index) out[index] = BitUnpackOne(words, first + index, width);
}

void Unpack32(const void* words, size_t first, size_t count, int width, uint32_t* out) {
  if (width == 0) {
    std::fill(out, out + count, 0);
    return;
  }
  for (size_t index = 0; index < count; ++index) {
    out[index] = static_cast<uint32_t>(BitUnpackOne(words, first + index, width));
  }
}

void UnpackDecimal(const void* words, size_t first, size_t count, int width, int64_t reference, double divisor,
                   double* out) {
  for (size_t index = 0; index < count; ++index) {
    const uint64_t value = width == 0 ? 0 : BitUnpackOne(words, first + index, width);
    out[index] = static_cast<double>(reference + static_cast<int64_t>(value)) / divisor;
  }
}

}  // namespace

const BitUnpackKernels kBitUnpackScalar = {&Unpack64, &Unpack32, &UnpackDecimal};

}  // namespace tessera::simd
