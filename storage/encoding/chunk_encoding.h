// SPDX-License-Identifier: Apache-2.0
// The encodings a column chunk may use; the numbers are the on-disk encoding ids (storage/FORMAT.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::storage {

enum class ChunkEncoding : uint8_t {
  kPlain = 0,             // values as they are (strings: offsets + bytes)
  kBitPacked = 1,         // non-negative integers in BitWidth(max) bits
  kFrameOfReference = 2,  // min + bit-packed (value - min)
  kRunLength = 3,         // run values (FOR) + run ends (bit-packed)
  kDelta = 4,             // checkpoints + bit-packed (delta - min delta) / common factor
  kDictionary = 5,        // sorted distinct values + bit-packed codes
  kDecimalFloat = 6,      // float8 only: decimal scale + FOR integers, value = integer / 10^scale
};
constexpr uint8_t kMaxChunkEncoding = 6;

std::string_view ChunkEncodingName(ChunkEncoding encoding);

// Rows between two delta checkpoints: a range decode starts at most this many rows before its first row.
constexpr size_t kDeltaCheckpointRows = 2048;

}  // namespace tessera::storage
