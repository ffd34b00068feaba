// SPDX-License-Identifier: Apache-2.0
// ChunkValues: a Vector's values in the form one body encodes them (integers, fixed-width bytes or
// strings), with a placeholder in NULL rows, plus the chunk's statistics; and the way back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/value.h"
#include "base/vector.h"

namespace tessera::storage {

// Which body a chunk of a physical type has.
enum class ValueDomain : uint8_t {
  kNone,     // no values (untyped all-NULL chunks)
  kInteger,  // IntegerBody: bool, int2/4/8, and numeric whose values share a scale and fit int64
  kFixed,    // FixedBody: float4/8, interval, other numeric
  kString,   // StringBody
};

struct ChunkStats {
  uint32_t num_rows = 0;
  uint32_t null_count = 0;
  bool has_value = false;  // some row is not NULL
  Value min;               // in the SQL order of the physical type; NULL unless has_value
  Value max;
};

struct ChunkValues {
  ValueDomain domain = ValueDomain::kNone;
  std::vector<int64_t> integers;          // kInteger: one per row
  std::string fixed;                      // kFixed: FixedWidth bytes per row
  std::vector<std::string_view> strings;  // kString: one per row, into the source vector
  int32_t decimal_scale = 0;              // numeric stored as kInteger: the common scale
  ChunkStats stats;
};

// Gathers `vector`'s values. NULL rows hold the previous row's value (the first non-NULL value before
// any), or "" for strings, so they cost nothing in runs, deltas or dictionaries.
ChunkValues GatherChunkValues(const Vector& vector);

// Writes `count` decoded values into rows [0, count) of `out`, whose physical type is the chunk's.
void ScatterIntegers(const int64_t* values, size_t count, int32_t decimal_scale, Vector* out);
void ScatterFixed(const char* bytes, size_t count, Vector* out);
void ScatterStrings(const std::string_view* values, size_t count, Vector* out);

}  // namespace tessera::storage
