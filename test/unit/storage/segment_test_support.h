// SPDX-License-Identifier: Apache-2.0
// Helpers for the segment file tests: building column sets and reading a whole segment back.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/vector.h"
#include "storage/segment_reader.h"

namespace tessera::storage::testing {

struct Columns {
  std::vector<LogicalType> types;
  std::vector<Vector> vectors;
};

// One column per type of ChunkTestTypes(), `rows` rows each, shapes and NULL patterns varying by column.
Columns MakeColumns(size_t rows, std::mt19937_64& random);

// Reads every column of every row group of `reader` and compares it with `expected`. Returns the first
// read error; a row that differs fails the current test.
Status ReadAndCompare(const SegmentReader& reader, const Columns& expected);

}  // namespace tessera::storage::testing
